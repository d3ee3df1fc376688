//! Messages kept to be read later: a message key of the Fluent files with
//! its arguments, stored (as JSON) and put into words when read, so the
//! same stored text reads in Russian, English or Korean. Explanations of an
//! allocation are kept this way.

use serde::{Deserialize, Serialize};

use super::Language;

/// One message of the Fluent files with its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Words {
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, Arg)>,
}

/// An argument of a message, put into words in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// The same in every language: a session code, a name.
    Text(String),
    /// A decimal number (a score), written as the language writes numbers.
    Number(String),
    /// An ISO date, written as the language writes dates.
    Date(String),
    /// A stored code shown by its name (`reserve-group`, `arctic`).
    Code(String, String),
    /// Another message.
    Words(Box<Words>),
}

impl Words {
    pub fn new(key: &str, args: Vec<(&str, Arg)>) -> Words {
        Words {
            key: key.to_string(),
            args: args.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    pub fn render(&self, lang: Language) -> String {
        let args: Vec<(String, String)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Text(t) => t.clone(),
                    Arg::Number(n) => lang.number(n),
                    Arg::Date(d) => lang.date(d),
                    Arg::Code(prefix, code) => lang.code_name(prefix, code),
                    Arg::Words(w) => w.render(lang),
                };
                (k.clone(), v)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> =
            args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        lang.text_with(&self.key, &borrowed)
    }
}

/// A sentence: its messages one after another.
pub fn render(sentence: &[Words], lang: Language) -> String {
    sentence
        .iter()
        .map(|w| w.render(lang))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stored sentence (JSON) in `lang`; `fallback` (the English sentence
/// stored beside it) if it cannot be read.
pub fn stored(json: Option<&str>, fallback: &str, lang: Language) -> String {
    json.and_then(|j| serde_json::from_str::<Vec<Words>>(j).ok())
        .map_or_else(|| fallback.to_string(), |w| render(&w, lang))
}
