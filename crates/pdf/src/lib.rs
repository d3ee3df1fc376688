//! Smena's printed documents — the voucher, the parental consent form, the
//! travel manifest, the offline roster, the programme report and a family's
//! data summary — typeset
//! in-process with typst and returned as PDF bytes.
//!
//! This crate does no I/O and knows no language: the caller gives the data
//! and the labels (already translated), the crate lays them out. It lives
//! apart from the service because typst takes long to build; nothing else
//! waits for it.
//!
//! Fonts ship inside the crate (`fonts/`): NanumGothic for Latin, Cyrillic
//! and Hangul, DejaVu Sans for the Cyrillic letters Nanum lacks (Yakut
//! names use Ҕ, Һ, Ө, Ү, Ҥ). Both regular and bold.

mod world;

use std::collections::BTreeMap;

use serde::Serialize;

pub use world::PdfError;

/// Translated labels for one document, by key. The keys a document needs
/// are listed by [`Paper::LABELS`]; a missing key is an error, never a blank.
pub type Labels = BTreeMap<String, String>;

/// A kind of printed document: its data, its typst template and the labels
/// the template asks for.
pub trait Paper: Serialize {
    /// The typst source laying the document out.
    const TEMPLATE: &'static str;
    /// Every label key the template uses (checked by a test against it).
    const LABELS: &'static [&'static str];
    /// Extra files the template reads, by virtual path (a QR code, charts).
    fn attachments(&self) -> Result<Vec<(String, Vec<u8>)>, PdfError> {
        Ok(Vec::new())
    }
}

/// Renders `paper` in the language `lang` (a BCP 47 code such as "ru")
/// with the translated `labels`.
pub fn render<P: Paper>(paper: &P, lang: &str, labels: &Labels) -> Result<Vec<u8>, PdfError> {
    if let Some(missing) = P::LABELS.iter().find(|k| !labels.contains_key(**k)) {
        return Err(PdfError::MissingLabel((*missing).to_string()));
    }
    let data = serde_json::json!({ "lang": lang, "labels": labels, "doc": paper });
    let data = serde_json::to_vec(&data).map_err(|e| PdfError::Data(e.to_string()))?;
    world::typeset(P::TEMPLATE, data, paper.attachments()?)
}

/// The voucher a placed child travels with.
#[derive(Debug, Clone, Serialize)]
pub struct Voucher {
    /// The voucher's code, printed large and encoded in the QR code's URL.
    pub code: String,
    pub reference: String,
    pub child: String,
    pub birth_date: String,
    pub guardian: String,
    pub programme: String,
    pub session: String,
    pub camp: String,
    pub country: String,
    pub dates: String,
    pub departure: String,
    /// When the group leaves, on the programme's clock, in words.
    pub departs: String,
    pub meeting_point: String,
    /// Each chaperone with their phone ("Алексей Васильев, +7 914 …").
    pub chaperones: Vec<String>,
    pub office_phone: String,
    /// What to bring, one thing per line (may be empty).
    pub what_to_bring: Vec<String>,
    /// The group's legs in words, in order (may be empty).
    pub itinerary: Vec<String>,
    pub issued: String,
    /// Where anyone at the border or the camp gate can check the voucher.
    pub verify_url: String,
}

impl Paper for Voucher {
    const TEMPLATE: &'static str = include_str!("../templates/voucher.typ");
    const LABELS: &'static [&'static str] = &[
        "voucher-title",
        "voucher-code",
        "field-child",
        "field-birth-date",
        "field-guardian",
        "field-programme",
        "field-session",
        "field-camp",
        "field-dates",
        "field-departure",
        "field-departs",
        "field-meeting-point",
        "field-chaperones",
        "field-office-phone",
        "voucher-what-to-bring",
        "voucher-itinerary",
        "field-reference",
        "voucher-verify",
        "issued-on",
    ];

    fn attachments(&self) -> Result<Vec<(String, Vec<u8>)>, PdfError> {
        Ok(vec![("/qr.svg".into(), qr_svg(&self.verify_url)?)])
    }
}

/// The parental consent form, pre-filled and printed for signature.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentForm {
    pub reference: String,
    pub child: String,
    pub birth_date: String,
    pub school: String,
    pub guardian: String,
    pub guardian_email: String,
    pub programme: String,
    /// The session the child is placed in, or the ranked choices before
    /// the allocation.
    pub sessions: Vec<String>,
    /// The consent text, one paragraph per item, in the form's language.
    pub paragraphs: Vec<String>,
    pub text_version: String,
    pub issued: String,
}

impl Paper for ConsentForm {
    const TEMPLATE: &'static str = include_str!("../templates/consent.typ");
    const LABELS: &'static [&'static str] = &[
        "consent-title",
        "field-child",
        "field-birth-date",
        "field-school",
        "field-guardian",
        "field-email",
        "field-programme",
        "field-sessions",
        "field-reference",
        "consent-sign-place-date",
        "consent-signature",
        "consent-text-version",
        "issued-on",
    ];
}

/// A family's data in words: the summary that opens its data export
/// (the machine-readable copy is beside it in JSON).
#[derive(Debug, Clone, Serialize)]
pub struct FamilySummary {
    pub guardian: String,
    pub email: String,
    pub sections: Vec<SummarySection>,
    pub issued: String,
}

/// A heading and its (name, value) lines.
#[derive(Debug, Clone, Serialize)]
pub struct SummarySection {
    pub heading: String,
    pub lines: Vec<(String, String)>,
}

impl Paper for FamilySummary {
    const TEMPLATE: &'static str = include_str!("../templates/family.typ");
    const LABELS: &'static [&'static str] = &[
        "family-data-title",
        "family-data-intro",
        "field-guardian",
        "field-email",
        "issued-on",
    ];
}

/// One child on a travel manifest.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestRow {
    pub name: String,
    pub birth_date: String,
    pub passport_number: String,
    pub passport_expires: String,
}

/// The travel manifest of a session's placed children, for the border.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub programme: String,
    pub session: String,
    pub camp: String,
    pub country: String,
    pub dates: String,
    pub departure: String,
    pub chaperones: Vec<String>,
    pub children: Vec<ManifestRow>,
    pub issued: String,
}

impl Paper for Manifest {
    const TEMPLATE: &'static str = include_str!("../templates/manifest.typ");
    const LABELS: &'static [&'static str] = &[
        "manifest-title",
        "field-programme",
        "field-session",
        "field-camp",
        "field-dates",
        "field-departure",
        "field-chaperones",
        "column-number",
        "column-name",
        "column-birth-date",
        "column-passport",
        "column-passport-expires",
        "manifest-count",
        "issued-on",
        "confidential",
    ];
}

/// One child on the offline roster.
#[derive(Debug, Clone, Serialize)]
pub struct RosterRow {
    pub name: String,
    pub birth_date: String,
    pub reference: String,
    pub guardian: String,
    pub guardian_contact: String,
    pub emergency_contact: String,
}

/// The roster a chaperone prints before leaving: who travels, whom to call,
/// a QR code per child, and boxes to tick on each leg, for when there is
/// no connection.
#[derive(Debug, Clone, Serialize)]
pub struct Roster {
    pub programme: String,
    pub session: String,
    pub camp: String,
    pub dates: String,
    pub departure: String,
    pub camp_contact: String,
    pub chaperones: Vec<String>,
    /// Names of the steps to tick (departure, each leg, arrival...).
    pub checkpoints: Vec<String>,
    pub children: Vec<RosterRow>,
    pub issued: String,
}

impl Paper for Roster {
    const TEMPLATE: &'static str = include_str!("../templates/roster.typ");
    const LABELS: &'static [&'static str] = &[
        "roster-title",
        "field-programme",
        "field-session",
        "field-camp",
        "field-dates",
        "field-departure",
        "field-camp-contact",
        "field-chaperones",
        "column-number",
        "column-name",
        "column-birth-date",
        "column-guardian",
        "column-emergency",
        "roster-checkpoints",
        "issued-on",
        "confidential",
    ];

    /// A QR code per child (its application's reference): on paper, a
    /// phone's camera finds the child's record without typing.
    fn attachments(&self) -> Result<Vec<(String, Vec<u8>)>, PdfError> {
        self.children
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.reference.is_empty())
            .map(|(i, c)| Ok((format!("/qr-{i}.svg"), qr_svg(&c.reference)?)))
            .collect()
    }
}

/// A line of the programme report's session table.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSession {
    pub session: String,
    pub camp: String,
    pub places: i64,
    pub first_choices: i64,
    pub placed: i64,
    pub cutoff: String,
}

/// A line of the programme report's district table.
#[derive(Debug, Clone, Serialize)]
pub struct ReportDistrict {
    pub district: String,
    pub applicants: i64,
    pub placed: i64,
    pub share_of_applicants: String,
    pub share_of_places: String,
}

/// A chart for the report, as SVG (the same the dashboard shows).
#[derive(Debug, Clone, Serialize)]
pub struct ReportChart {
    pub title: String,
    #[serde(skip)]
    pub svg: String,
}

/// A family's answer after the journey, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportFeedback {
    /// 1 to 5.
    pub rating: i32,
    pub comment: String,
}

/// The coordinator's programme report.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeReport {
    pub programme: String,
    pub status: String,
    /// Headline figures: (label, value), already formatted.
    pub figures: Vec<(String, String)>,
    pub sessions: Vec<ReportSession>,
    pub districts: Vec<ReportDistrict>,
    pub charts: Vec<ReportChart>,
    /// The families' answers after the journey, newest first.
    pub feedback: Vec<ReportFeedback>,
    pub issued: String,
}

impl Paper for ProgrammeReport {
    const TEMPLATE: &'static str = include_str!("../templates/report.typ");
    const LABELS: &'static [&'static str] = &[
        "report-title",
        "field-status",
        "report-sessions",
        "report-districts",
        "column-session",
        "column-camp",
        "column-places",
        "column-first-choices",
        "column-placed",
        "column-cutoff",
        "column-district",
        "column-applicants",
        "column-share-applicants",
        "column-share-places",
        "report-feedback",
        "issued-on",
    ];

    fn attachments(&self) -> Result<Vec<(String, Vec<u8>)>, PdfError> {
        Ok(self
            .charts
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("/chart-{i}.svg"), c.svg.clone().into_bytes()))
            .collect())
    }
}

/// The QR code of `text` as SVG, dark on white with the standard quiet zone.
fn qr_svg(text: &str) -> Result<Vec<u8>, PdfError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| PdfError::Data(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build()
        .into_bytes())
}
