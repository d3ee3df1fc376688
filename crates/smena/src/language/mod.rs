//! Languages: Russian, English and Korean. Every word a user reads lives in
//! Project Fluent files under `locales/{en,ru,ko}/`, compiled into the
//! binary; this module picks the language and looks words up, and keeps
//! messages to be read later in whatever language the reader has
//! ([`words`]).

pub mod words;
pub mod zone;

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

/// Milliseconds since the epoch as "YYYY-MM-DD HH:MM" on the wall clock
/// of the programme's zone (see [`zone`]).
pub fn when(ms: i64) -> String {
    zone::local(ms)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

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

    /// The language's name in itself, for the language switcher.
    pub fn own_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ru => "Русский",
            Language::Ko => "한국어",
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
    /// An argument called `n` is a number, so that plurals can choose by it
    /// (`{ $n -> [one] … *[other] … }`); every other argument is text.
    pub fn text_with(self, key: &str, args: &[(&str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let value = if *k == "n" {
                    FluentValue::try_number(v)
                } else {
                    FluentValue::from(v.to_string())
                };
                (Cow::Owned(k.to_string()), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// A code stored in the database shown in words: `prefix-code` from
    /// the Fluent files (`application-status-submitted`), or the code itself
    /// when there is no such text (a level a coordinator invented).
    pub fn code_name(self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}-{code}");
        LOCALES
            .try_lookup(self.id(), &key)
            .unwrap_or_else(|| code.to_string())
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

    /// A size in bytes in this language's units: bytes under a kilobyte,
    /// then kilobytes and megabytes with one decimal.
    pub fn size(self, bytes: i64) -> String {
        const KB: i64 = 1024;
        let (key, amount) = if bytes < KB {
            ("size-bytes", bytes.to_string())
        } else if bytes < KB * KB {
            ("size-kb", format!("{:.1}", bytes as f64 / KB as f64))
        } else {
            ("size-mb", format!("{:.1}", bytes as f64 / (KB * KB) as f64))
        };
        self.text_with(key, &[("size", &self.number(&amount))])
    }

    /// A decimal number as this language writes it: `1234.5` is "1,234.5"
    /// in English and Korean, "1 234,5" in Russian (a no-break space). Text
    /// that is not such a number is returned unchanged.
    pub fn number(self, text: &str) -> String {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return text.to_string();
        }
        let (group, point) = match self {
            Language::Ru => ('\u{a0}', ','),
            Language::En | Language::Ko => (',', '.'),
        };
        let mut out = String::from(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A moment as people read it: the date and the time on the
    /// programme's clock ("30 июня 2027 г., 08:30"); empty if out of range.
    pub fn moment(self, ms: i64) -> String {
        let Some(t) = zone::local(ms) else {
            return String::new();
        };
        let day = format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day());
        format!("{}, {:02}:{:02}", self.date(&day), t.hour(), t.minute())
    }

    /// A deadline as a family reads it: the date and time in the
    /// programme's zone and the days left ("31 декабря 2026 г., 18:00,
    /// осталось 31 день"), or that it has passed.
    pub fn deadline(self, ms: i64, now: i64) -> String {
        let at = self.moment(ms);
        if at.is_empty() {
            return at;
        }
        let days = zone::days_left(ms, now);
        let left = if ms <= now {
            self.text("deadline-passed")
        } else {
            self.text_with("deadline-days-left", &[("n", &days.to_string())])
        };
        format!("{at} ({left})")
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

    #[test]
    fn a_deadline_says_the_days_left_in_the_readers_words() {
        let day = 24 * 3600 * 1000;
        // 2030-12-31 09:00 UTC is 18:00 in Yakutsk.
        let at = 1_924_938_000_000;
        assert_eq!(zone::local(at).map(|t| t.hour()), Some(18));
        let two_days = Language::Ru.deadline(at, at - 2 * day);
        assert_eq!(two_days, "31 декабря 2030 г., 18:00 (осталось 2 дня)");
        assert!(
            Language::Ru
                .deadline(at, at - 5 * day)
                .ends_with("(осталось 5 дней)")
        );
        assert!(
            Language::En
                .deadline(at, at - day)
                .ends_with("(1 day left)")
        );
        assert!(Language::Ko.deadline(at, at + day).ends_with("(지남)"));
    }

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

    /// The names of the arguments (`$name`) used anywhere in the files.
    fn arguments() -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut names = BTreeSet::new();
        for lang in Language::ALL {
            for entry in std::fs::read_dir(dir.join(lang.code())).expect("locale dir") {
                let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
                for part in text.split('$').skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        names.insert(name);
                    }
                }
            }
        }
        names
    }

    #[test]
    fn plurals_follow_each_language() {
        let n = |lang: Language, n: &str| lang.text_with("count-children", &[("n", n)]);
        assert_eq!(n(Language::En, "1"), "1 child");
        assert_eq!(n(Language::En, "5"), "5 children");
        assert_eq!(n(Language::Ru, "1"), "1 ребёнок");
        assert_eq!(n(Language::Ru, "3"), "3 ребёнка");
        assert_eq!(n(Language::Ru, "5"), "5 детей");
        assert_eq!(n(Language::Ru, "21"), "21 ребёнок");
        assert_eq!(n(Language::Ko, "5"), "어린이 5명");
        assert_eq!(
            Language::Ru.code_name("application-status", "submitted"),
            "подана"
        );
        assert_eq!(Language::Ru.code_name("level", "astronomy"), "astronomy");
        assert_eq!(Language::En.number("1234.5"), "1,234.5");
        assert_eq!(Language::Ru.number("1234.5"), "1\u{a0}234,5");
        assert_eq!(Language::Ru.number("-17.25"), "-17,25");
        assert_eq!(Language::Ko.number("100000"), "100,000");
        assert_eq!(Language::Ru.number("12"), "12");
        assert_eq!(Language::Ru.number("n/a"), "n/a");
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
            // Every `$argument` any file uses; `n` as a number, so that
            // plurals are exercised too.
            let names = arguments();
            let args: HashMap<&str, FluentValue> = names
                .iter()
                .map(|a| {
                    let v = if a == "n" {
                        FluentValue::from(2)
                    } else {
                        FluentValue::from("x")
                    };
                    (a.as_str(), v)
                })
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

    /// The words a template shows that do not come from a lookup: the text
    /// left once template code, tags and entities are taken out.
    fn literal_words(template: &str) -> Vec<String> {
        let mut text = template.to_string();
        // Commands and codes (`<pre>`, `<code>`) are the same in every
        // language.
        for (open, close) in [
            ("{#", "#}"),
            ("{%", "%}"),
            ("{{", "}}"),
            ("<pre", "</pre>"),
            ("<code>", "</code>"),
            ("<", ">"),
        ] {
            while let Some(start) = text.find(open) {
                let end = text[start..]
                    .find(close)
                    .map_or(text.len(), |e| start + e + close.len());
                text.replace_range(start..end, " ");
            }
        }
        // Names that are the same in every language.
        let same_everywhere = [
            "Smena",
            "Русский",
            "English",
            "한국어",
            "PDF",
            "XLSX",
            "CSV",
        ];
        text.split(|c: char| c.is_whitespace() || "·:;,.()|/-–—".contains(c))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .filter(|w| !w.starts_with('&') && !same_everywhere.contains(w))
            .map(String::from)
            .collect()
    }

    #[test]
    fn templates_have_no_words_of_their_own_and_name_only_known_texts() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let en = keys("en");
        let templates = walk(&dir);
        assert!(templates.len() > 30, "the templates were read");
        for path in templates {
            let name = path
                .strip_prefix(&dir)
                .expect("inside")
                .display()
                .to_string();
            let text = std::fs::read_to_string(&path).expect("template");
            let words = literal_words(&text);
            assert!(words.is_empty(), "{name} has untranslated words: {words:?}");
            // Every text a template looks up by name exists.
            for call in ["nav.t(\"", "nav.t1(\"", "nav.t2(\"", "nav.n(\""] {
                for part in text.split(call).skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    assert!(en.contains(key), "{name} asks for the unknown text {key}");
                }
            }
        }
        // The check itself finds English in a page written in English.
        assert_eq!(
            literal_words("{% block title %}Pupils{% endblock %}<p>Born {{ d }}</p>"),
            ["Pupils", "Born"]
        );
        assert!(literal_words("<pre class=\"mail\">smena verify --seed {{ s }}</pre>").is_empty());
        assert!(literal_words("<p title=\"x\">{{ nav.t(\"a\") }} Smena</p>").is_empty());
        assert_eq!(literal_words("<b>{{ n }}</b> pupils"), ["pupils"]);
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
        out
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
