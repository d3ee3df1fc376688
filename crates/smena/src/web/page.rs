//! What every page shares: the navigation bar (who is logged in, the CSRF
//! token for the logout button) and the error page.

use askama::Template;
use axum::http::StatusCode;

use super::login::Visitor;
use crate::domain::access::Role;
use crate::language::Language;

/// The navigation bar's data.
#[derive(Clone, Debug)]
pub struct Nav {
    pub name: Option<String>,
    /// The role's name in the page's language.
    pub role: Option<String>,
    pub csrf: String,
    /// Whether the reader takes roll calls (a group's adult): their pages
    /// send the marks left on the phone before logging out.
    pub takes_roll_calls: bool,
    /// The page's language, and where to come back to after switching it.
    pub language: Language,
    pub path: String,
}

impl From<&Visitor> for Nav {
    fn from(v: &Visitor) -> Nav {
        Nav {
            name: v.user.as_ref().map(|u| u.full_name.clone()),
            role: v
                .user
                .as_ref()
                .map(|u| v.language.text(&format!("role-{}", u.role.code()))),
            csrf: v.csrf.clone(),
            takes_roll_calls: v
                .user
                .as_ref()
                .is_some_and(|u| matches!(u.role, Role::Chaperone | Role::Camp)),
            language: v.language,
            path: v.path.clone(),
        }
    }
}

impl Nav {
    /// The page text `key` in the page's language (templates: `nav.t("…")`).
    pub fn t(&self, key: &str) -> String {
        self.language.text(key)
    }

    /// The page text `key` with one argument (`{ $arg }` in the file).
    pub fn t1(&self, key: &str, arg: &str, value: &str) -> String {
        self.language.text_with(key, &[(arg, value)])
    }

    /// The page text `key` with two arguments.
    pub fn t2(&self, key: &str, a: &str, a_value: &str, b: &str, b_value: &str) -> String {
        self.language.text_with(key, &[(a, a_value), (b, b_value)])
    }

    /// The page text `key` counting `n` (plural forms choose by it).
    pub fn n(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.language.text_with(key, &[("n", &n.to_string())])
    }

    /// A stored code in words (`nav.code("offer-status", o.status)`).
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.language.code_name(prefix, code)
    }

    /// A decimal number (a score, a share) as this language writes it.
    pub fn num(&self, number: impl std::fmt::Display) -> String {
        self.language.number(&number.to_string())
    }

    /// Points held in thousandths (rules, coefficients), in words' numbers.
    pub fn milli(&self, thousandths: &i64) -> String {
        smena_engine::Score::from_thousandths(*thousandths)
            .map_or_else(|_| thousandths.to_string(), |s| self.num(s))
    }

    /// A day (or an ISO date) as this language writes it.
    pub fn date(&self, day: impl std::fmt::Display) -> String {
        self.language.date(&day.to_string())
    }

    /// A range of days.
    pub fn dates(&self, from: impl std::fmt::Display, to: impl std::fmt::Display) -> String {
        self.language.date_range(&from.to_string(), &to.to_string())
    }

    /// A size in bytes, as this language writes it ("193 B", "1,2 МБ").
    pub fn size(&self, bytes: &i64) -> String {
        self.language.size(*bytes)
    }

    /// A moment (milliseconds since the epoch), UTC.
    pub fn when(&self, ms: &i64) -> String {
        crate::language::when(*ms)
    }

    /// The page's language code, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.language.code()
    }

    /// The languages to switch to: (code, own name, is the current one).
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        Language::ALL
            .iter()
            .map(|l| (l.code(), l.own_name(), *l == self.language))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
    nav: Nav,
}

/// The error page, in `lang`. It has no navigation bar of its own (it may
/// answer before anyone is known), only the way back.
pub fn error_page(status: StatusCode, message: &str, lang: Language) -> String {
    ErrorPage {
        status: status.as_u16(),
        message,
        nav: Nav {
            name: None,
            role: None,
            csrf: String::new(),
            takes_roll_calls: false,
            language: lang,
            path: "/".into(),
        },
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

/// A step that cannot be undone, asked again on a page of its own (it
/// works without JavaScript): what will happen, what the pre-flight checks
/// found (those that block hide the button), and the form that does it.
#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "confirm.html")]
pub struct Confirm {
    pub nav: Nav,
    pub title: String,
    /// What the step will do, sentence by sentence.
    pub what: Vec<String>,
    /// (what was found, whether it blocks the step).
    pub checks: Vec<(String, bool)>,
    /// Where the form posts, and the fields it sends besides `confirm=yes`.
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub button: String,
    /// Where "cancel" goes.
    pub back: String,
}

impl Confirm {
    pub fn blocked(&self) -> bool {
        self.checks.iter().any(|(_, blocks)| *blocks)
    }
}
