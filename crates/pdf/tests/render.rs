//! Each document kind is typeset, turned into PNG pages with pdftoppm and
//! read back with pdftotext (poppler-utils): Cyrillic and Yakut names and
//! Hangul camp names must come out as text, not as missing glyphs.

use std::path::{Path, PathBuf};
use std::process::Command;

use smena_pdf::*;

fn labels<P: Paper>() -> Labels {
    // Labels in the test are their own keys, in brackets, so the text shows
    // every label was placed.
    P::LABELS
        .iter()
        .map(|k| (k.to_string(), format!("[{k}]")))
        .collect()
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-render");
    std::fs::create_dir_all(&dir).expect("target tmpdir is writable");
    dir
}

/// Writes the PDF, checks pdftoppm turns every page into a non-trivial
/// PNG, and returns pdftotext's reading of it.
fn look_at(name: &str, pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let dir = out_dir().join(name);
    std::fs::create_dir_all(&dir).expect("test dir");
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).expect("write pdf");
    let prefix = dir.join(name);
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "50"])
        .arg(&file)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs (apt-get install poppler-utils)");
    assert!(status.success(), "pdftoppm failed on {name}");
    let pages: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(name) && n.ends_with(".png")
        })
        .collect();
    assert!(!pages.is_empty(), "{name}: no pages rendered");
    for page in &pages {
        let size = page.metadata().expect("png metadata").len();
        assert!(
            size > 2_000,
            "{name}: page {:?} looks blank ({size} bytes)",
            page.path()
        );
    }
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed on {name}");
    let text = String::from_utf8(out.stdout).expect("pdftotext gives UTF-8");
    // Table cells wrap and pdftotext guesses spaces between Hangul
    // syllables: compare without white space. Page breaks (form feeds) stay.
    text.chars()
        .filter(|c| !c.is_whitespace() || *c == '\u{c}')
        .collect()
}

fn assert_has(name: &str, text: &str, wanted: &[&str]) {
    for w in wanted {
        let w: String = w.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&w), "{name}: {w:?} not found in:\n{text}");
    }
}

fn voucher() -> Voucher {
    Voucher {
        code: "V7K2-Q9XM".into(),
        reference: "A-2027-000123".into(),
        child: "Айаал Ноговицын".into(),
        birth_date: "2013-05-14".into(),
        guardian: "Сардаана Ноговицына".into(),
        programme: "Лето 2027".into(),
        session: "SEO-1".into(),
        camp: "서울 청소년 캠프".into(),
        country: "Республика Корея".into(),
        dates: "2027-07-01 – 2027-07-21".into(),
        departure: "Якутск, аэропорт (YKS)".into(),
        departs: "30 июня 2027 г., 08:30".into(),
        meeting_point: "Зал вылета, у стойки 5".into(),
        chaperones: vec![
            "Алексей Васильев, +7 914 555-12-34".into(),
            "Мария Ким, +7 914 555-43-21".into(),
        ],
        office_phone: "+7 (4112) 50-50-50".into(),
        what_to_bring: vec!["Паспорт".into(), "Тёплая куртка".into()],
        itinerary: vec!["Рейс S7 6301, Якутск → Владивосток".into()],
        issued: "2027-06-01".into(),
        verify_url: "https://smena.example/vouchers/V7K2-Q9XM".into(),
    }
}

#[test]
fn voucher_shows_cyrillic_hangul_and_a_qr_code() {
    let pdf = render(&voucher(), "ru", &labels::<Voucher>()).expect("voucher renders");
    let text = look_at("voucher", &pdf);
    assert_has(
        "voucher",
        &text,
        &[
            "Айаал Ноговицын",
            "서울 청소년 캠프",
            "V7K2-Q9XM",
            "30 июня 2027 г., 08:30",
            "Зал вылета, у стойки 5",
            "Алексей Васильев, +7 914 555-12-34",
            "Мария Ким, +7 914 555-43-21",
            "+7 (4112) 50-50-50",
            "Тёплая куртка",
            "[voucher-what-to-bring]",
            "[voucher-itinerary]",
            "Якутск → Владивосток",
            "[voucher-title]",
            "[field-departure]",
        ],
    );
    // The QR code is drawn: a voucher without it is much smaller.
    let mut no_url = voucher();
    no_url.verify_url = "x".into();
    let small = render(&no_url, "ru", &labels::<Voucher>()).expect("renders");
    assert_ne!(small.len(), pdf.len());
}

#[test]
fn yakut_letters_are_printed_not_dropped() {
    let mut v = voucher();
    v.child = "Ҕаврил Һаамыров Өлөксөй Үрүҥ".into();
    let pdf = render(&v, "ru", &labels::<Voucher>()).expect("renders");
    let text = look_at("voucher-yakut", &pdf);
    assert_has("voucher-yakut", &text, &["Ҕаврил Һаамыров Өлөксөй Үрүҥ"]);
}

#[test]
fn consent_form_is_prefilled() {
    let form = ConsentForm {
        reference: "A-2027-000123".into(),
        child: "Айаал Ноговицын".into(),
        birth_date: "2013-05-14".into(),
        school: "Школа № 2, Якутск".into(),
        guardian: "Сардаана Ноговицына".into(),
        guardian_email: "parent@example.ru".into(),
        programme: "Лето 2027".into(),
        sessions: vec![
            "SEO-1 — 서울 청소년 캠프".into(),
            "BUS-2 — 부산 캠프".into(),
        ],
        paragraphs: vec![
            "Я согласна на поездку ребёнка за границу без родителей.".into(),
            "나는 자녀의 건강 정보 처리에 동의합니다.".into(),
        ],
        text_version: "consent-2027-1".into(),
        issued: "2027-06-01".into(),
    };
    let pdf = render(&form, "ru", &labels::<ConsentForm>()).expect("consent renders");
    let text = look_at("consent", &pdf);
    assert_has(
        "consent",
        &text,
        &[
            "Сардаана Ноговицына",
            "Школа № 2",
            "서울 청소년 캠프",
            "나는 자녀의",
            "[consent-signature]",
        ],
    );
}

fn children(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("Ребёнок-{i:03} Иванов"),
                format!("2013-01-{:02}", i % 28 + 1),
            )
        })
        .collect()
}

#[test]
fn manifest_lists_every_child_across_pages() {
    let manifest = Manifest {
        programme: "Лето 2027".into(),
        session: "SEO-1".into(),
        camp: "서울 청소년 캠프".into(),
        country: "Республика Корея".into(),
        dates: "2027-07-01 – 2027-07-21".into(),
        departure: "Якутск, аэропорт (YKS)".into(),
        chaperones: vec!["Алексей Васильев".into()],
        children: children(60)
            .into_iter()
            .enumerate()
            .map(|(i, (name, birth))| ManifestRow {
                name,
                birth_date: birth,
                passport_number: format!("75 {:07}", 1_000_000 + i),
                passport_expires: "2030-01-01".into(),
            })
            .collect(),
        issued: "2027-06-01".into(),
    };
    let pdf = render(&manifest, "ru", &labels::<Manifest>()).expect("manifest renders");
    let text = look_at("manifest", &pdf);
    assert_has(
        "manifest",
        &text,
        &[
            "Ребёнок-000 Иванов",
            "Ребёнок-059 Иванов",
            "75 1000059",
            "서울 청소년 캠프",
        ],
    );
    assert!(
        text.contains('\u{c}'),
        "60 children need more than one page"
    );
}

#[test]
fn roster_has_contacts_and_checkpoints() {
    let roster = Roster {
        programme: "Summer 2027".into(),
        session: "SEO-1".into(),
        camp: "서울 청소년 캠프".into(),
        dates: "2027-07-01 – 2027-07-21".into(),
        departure: "Yakutsk airport (YKS)".into(),
        camp_contact: "+82 2 123 4567".into(),
        chaperones: vec!["Aleksei Vasiliev".into()],
        checkpoints: vec!["YKS".into(), "ICN".into(), "Camp".into()],
        children: children(3)
            .into_iter()
            .map(|(name, birth)| RosterRow {
                name,
                birth_date: birth,
                reference: "A-2027-000001".into(),
                guardian: "Сардаана Ноговицына".into(),
                guardian_contact: "+7 914 000 00 00".into(),
                emergency_contact: "Туйаара Ноговицына +7 914 111 11 11".into(),
            })
            .collect(),
        issued: "2027-06-01".into(),
    };
    // A QR code per child, each its reference.
    let codes = roster.attachments().expect("QR codes");
    assert_eq!(codes.len(), 3);
    assert!(codes.iter().all(
        |(path, svg)| path.starts_with("/qr-") && String::from_utf8_lossy(svg).contains("<svg")
    ));
    let pdf = render(&roster, "en", &labels::<Roster>()).expect("roster renders");
    let text = look_at("roster", &pdf);
    assert_has(
        "roster",
        &text,
        &[
            "Ребёнок-002 Иванов",
            "+7 914 111 11 11",
            "+82 2 123 4567",
            "[column-emergency]",
        ],
    );
}

#[test]
fn programme_report_embeds_charts() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><rect x="10" y="10" width="80" height="80" fill="#36c"/><text x="110" y="55" font-family="NanumGothic">수요 Спрос</text></svg>"##;
    let report = ProgrammeReport {
        programme: "Лето 2027".into(),
        status: "published".into(),
        figures: vec![
            ("Заявки".into(), "1 234".into()),
            ("Места".into(), "300".into()),
        ],
        sessions: vec![ReportSession {
            session: "SEO-1".into(),
            camp: "서울 청소년 캠프".into(),
            places: 30,
            first_choices: 95,
            placed: 30,
            cutoff: "41.5".into(),
        }],
        districts: vec![ReportDistrict {
            district: "Оймяконский улус".into(),
            applicants: 40,
            placed: 12,
            share_of_applicants: "3.2%".into(),
            share_of_places: "4.0%".into(),
        }],
        charts: vec![ReportChart {
            title: "Спрос и места".into(),
            svg: svg.into(),
        }],
        feedback: vec![ReportFeedback {
            rating: 4,
            comment: "Сын вернулся довольный; перелёт был долгим.".into(),
        }],
        issued: "2027-06-01".into(),
    };
    let pdf = render(&report, "ru", &labels::<ProgrammeReport>()).expect("report renders");
    let text = look_at("report", &pdf);
    assert_has(
        "report",
        &text,
        &[
            "Оймяконский улус",
            "서울 청소년 캠프",
            "Спрос и места",
            "1 234",
            "[report-feedback]",
            "★★★★☆",
            "Сынвернулсядовольный",
        ],
    );
}

#[test]
fn a_missing_label_is_an_error_not_a_blank() {
    let mut l = labels::<Voucher>();
    l.remove("field-camp");
    let err = render(&voucher(), "ru", &l).expect_err("must refuse");
    assert!(err.to_string().contains("field-camp"), "{err}");
}

#[test]
fn templates_use_exactly_their_listed_labels() {
    fn used(src: &str) -> std::collections::BTreeSet<String> {
        // Labels appear as t("key") or as ("key", value) pairs for fields().
        let mut keys = std::collections::BTreeSet::new();
        for pat in ["t(\"", "(\""] {
            for part in src.split(pat).skip(1) {
                if let Some(end) = part.find('"') {
                    let key = &part[..end];
                    // Pairs for fields() are always "field-..." keys.
                    let label = pat == "t(\"" || key.starts_with("field-");
                    if label && key.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                        keys.insert(key.to_string());
                    }
                }
            }
        }
        keys
    }
    let style = include_str!("../templates/style.typ");
    fn check<P: Paper>(name: &str, style: &std::collections::BTreeSet<String>) {
        let used = used(P::TEMPLATE);
        let listed: std::collections::BTreeSet<String> =
            P::LABELS.iter().map(|s| s.to_string()).collect();
        let all_used: std::collections::BTreeSet<String> = used.union(style).cloned().collect();
        assert_eq!(
            all_used, listed,
            "{name}: labels used by the template differ from LABELS"
        );
    }
    let style = used(style);
    check::<Voucher>("voucher", &style);
    check::<ConsentForm>("consent", &style);
    check::<Manifest>("manifest", &style);
    check::<Roster>("roster", &style);
    check::<ProgrammeReport>("report", &style);
    check::<FamilySummary>("family", &style);
}

#[test]
fn family_summary_lists_its_sections() {
    let summary = FamilySummary {
        guardian: "Сардаана Ноговицына".into(),
        email: "parent@example.ru".into(),
        sections: vec![
            SummarySection {
                heading: "Айаал Ноговицын".into(),
                lines: vec![
                    ("Дата рождения".into(), "14.05.2013".into()),
                    ("Паспорт".into(), "4510 123456".into()),
                ],
            },
            SummarySection {
                heading: "Заявка SKH27-000123".into(),
                lines: vec![("Баллы".into(), "17,5".into())],
            },
        ],
        issued: "2027-06-01".into(),
    };
    let pdf = render(&summary, "ru", &labels::<FamilySummary>()).expect("summary renders");
    let text = look_at("family", &pdf);
    assert_has(
        "family",
        &text,
        &[
            "Сардаана Ноговицына",
            "Айаал Ноговицын",
            "4510 123456",
            "Заявка SKH27-000123",
            "[family-data-intro]",
        ],
    );
}

#[test]
fn data_is_printed_as_text_never_run_as_markup() {
    // A family types a name; it must not become typst code or markup.
    let mut v = voucher();
    v.child = "#panic(\"x\") *bold* $x^2$ <label> @ref [link]".into();
    v.departure = "\\ #{ } // not a comment".into();
    let pdf = render(&v, "en", &labels::<Voucher>()).expect("hostile text still renders");
    let text = look_at("voucher-hostile", &pdf);
    assert_has(
        "voucher-hostile",
        &text,
        &[
            "#panic(\"x\") *bold* $x^2$ <label> @ref [link]",
            "\\ #{ } // not a comment",
        ],
    );
}
