//! Languages: Russian, English and Korean. Every word a user reads lives in
//! Project Fluent files under `locales/{en,ru,ko}/`, compiled into the
//! binary; this module picks the language and looks words up.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they end up in PDFs,
        // e-mail subjects and CSV cells, where they are invisible garbage.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static RU: LanguageIdentifier = langid!("ru");
static KO: LanguageIdentifier = langid!("ko");

/// A language Smena speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    En,
    Ru,
    Ko,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Ru, Language::En, Language::Ko];

    /// The BCP 47 code, as stored on accounts and given to typst.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::Ko => "ko",
        }
    }

    /// "ru", "ru-RU", "KO" ... → the language; anything else → None.
    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            "ko" => Some(Language::Ko),
            _ => None,
        }
    }

    /// The best language an `Accept-Language` header asks for (by its
    /// q-values), or None when it names none of ours.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(f32, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Language::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Ties keep the first listed: the browser's order is the user's.
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Language::En => &EN,
            Language::Ru => &RU,
            Language::Ko => &KO,
        }
    }

    /// The text of `key` in this language (English if this language lacks
    /// it, which a test forbids; the key itself if no language has it).
    pub fn text(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The text of `key` with arguments (`{ $name }` in the Fluent file).
    pub fn text_with(self, key: &str, args: &[(&str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.to_string())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// A stored language code ("ru"), or English for anything else.
    pub fn stored(code: &str) -> Language {
        Language::parse(code).unwrap_or(Language::En)
    }

    /// An e-mail's plain text: the greeting (when the name is known), then
    /// the message `body_key` with `args`.
    pub fn letter(self, name: Option<&str>, body_key: &str, args: &[(&str, &str)]) -> String {
        let body = self.text_with(body_key, args);
        match name {
            Some(name) => format!(
                "{}\n\n{body}\n",
                self.text_with("email-greeting", &[("name", name)])
            ),
            None => format!("{body}\n"),
        }
    }

    /// The texts of `keys`, by key (the labels a printed paper asks for).
    pub fn labels(self, keys: &[&str]) -> smena_pdf::Labels {
        keys.iter().map(|k| (k.to_string(), self.text(k))).collect()
    }

    /// An ISO date (`2027-07-01`) written the way this language writes
    /// dates; anything that is not such a date is returned unchanged.
    pub fn date(self, iso: &str) -> String {
        let Ok(d) = time::Date::parse(iso, &time::format_description::well_known::Iso8601::DATE)
        else {
            return iso.to_string();
        };
        let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
        match self {
            Language::En => format!("{day} {} {y}", self.text(&format!("month-{m}"))),
            Language::Ru => format!("{day} {} {y} г.", self.text(&format!("month-{m}"))),
            Language::Ko => format!("{y}년 {m}월 {day}일"),
        }
    }

    /// A range of ISO dates, such as a session's.
    pub fn date_range(self, from: &str, to: &str) -> String {
        format!("{} – {}", self.date(from), self.date(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Message ids of every `.ftl` file of one language.
    fn keys(lang: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("locale dir") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
            for line in text.lines() {
                if let Some((id, _)) = line.split_once('=') {
                    let id = id.trim_end();
                    if !line.starts_with([' ', '#', '.', '*', '['])
                        && !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        keys.insert(id.to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_is_in_every_language_and_resolves_there() {
        let en = keys("en");
        assert!(en.len() > 50, "the English files were read: {}", en.len());
        for lang in Language::ALL {
            let own = keys(lang.code());
            let missing: Vec<_> = en.difference(&own).collect();
            let extra: Vec<_> = own.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(
                extra.is_empty(),
                "{} has keys English lacks: {extra:?}",
                lang.code()
            );
            // Resolving in that language alone, with every argument a
            // message could ask for, must work without falling back.
            let args: HashMap<&str, FluentValue> = [
                "child",
                "session",
                "dates",
                "departure",
                "link",
                "count",
                "name",
                "login",
                "forgot",
                "programme",
                "reference",
                "document",
                "reason",
                "headline",
                "why",
                "deadline",
                "rank",
                "answer",
            ]
            .into_iter()
            .map(|a| (a, FluentValue::from("x")))
            .collect();
            for key in &own {
                let text = LOCALES
                    .lookup_single_language(lang.id(), key, Some(&args))
                    .unwrap_or_else(|e| panic!("{} {key}: {e}", lang.code()));
                assert!(!text.trim().is_empty(), "{} {key} is empty", lang.code());
            }
        }
    }

    #[test]
    fn every_label_of_every_paper_is_translated() {
        use smena_pdf::Paper;
        let all = [
            smena_pdf::Voucher::LABELS,
            smena_pdf::ConsentForm::LABELS,
            smena_pdf::Manifest::LABELS,
            smena_pdf::Roster::LABELS,
            smena_pdf::ProgrammeReport::LABELS,
        ];
        for lang in Language::ALL {
            let own = keys(lang.code());
            for key in all.iter().flat_map(|l| l.iter()) {
                assert!(own.contains(*key), "{} lacks the label {key}", lang.code());
            }
        }
        assert_eq!(Language::Ko.text("field-camp"), "캠프");
        assert_eq!(Language::Ru.text("field-child"), "Ребёнок");
    }

    #[test]
    fn accept_language_follows_q_values() {
        assert_eq!(
            Language::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"),
            Some(Language::Ru)
        );
        assert_eq!(
            Language::from_accept_language("de, ko;q=0.5, en;q=0.7"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("ko-KR"), Some(Language::Ko));
        assert_eq!(Language::from_accept_language("de, fr;q=0.5"), None);
        assert_eq!(
            Language::from_accept_language("ru;q=0, en;q=0.1"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language(""), None);
    }

    #[test]
    fn dates_are_written_per_language() {
        assert_eq!(Language::En.date("2027-07-01"), "1 July 2027");
        assert_eq!(Language::Ru.date("2027-07-01"), "1 июля 2027 г.");
        assert_eq!(Language::Ko.date("2027-07-01"), "2027년 7월 1일");
        assert_eq!(Language::Ru.date("not a date"), "not a date");
        assert_eq!(
            Language::En.text_with("email-voucher-subject", &[("child", "Айаал")]),
            "The travel voucher for Айаал is ready"
        );
    }
}
