//! Values typed into forms and read from files, parsed once: a calendar
//! day, the places a session reserves for groups. The messages are the
//! allocation contract's (English, naming what is wrong); pages put them
//! into the reader's words.

use smena_engine::{Date, Reserve};

/// A calendar day, stored and exchanged as `YYYY-MM-DD`, so that days
/// compare as text in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Date);

impl Day {
    /// `YYYY-MM-DD`, and a real day of the calendar.
    pub fn parse(t: &str) -> Result<Day, String> {
        parse_date(t).map(Day)
    }

    pub fn date(self) -> Date {
        self.0
    }

    /// A day as a person types it into a form: `YYYY-MM-DD` (what a date
    /// picker sends) or `DD.MM.YYYY` (how it is written in Russia, and
    /// what a phone without a picker gets typed into it).
    pub fn typed(t: &str) -> Result<Day, String> {
        let t = t.trim();
        match t.split('.').collect::<Vec<_>>()[..] {
            [d, m, y]
                if y.len() == 4 && (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) =>
            {
                Day::parse(&format!("{y}-{m:0>2}-{d:0>2}"))
            }
            _ => Day::parse(t),
        }
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

/// `YYYY-MM-DD`, and a real day of the calendar.
pub fn parse_date(t: &str) -> Result<Date, String> {
    let bad = || format!("\"{t}\" is not a date: write it as YYYY-MM-DD, for example 2014-03-09");
    let parts: Vec<&str> = t.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4
        || m.len() != 2
        || d.len() != 2
        || !t.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        return Err(bad());
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err(bad());
    };
    let month =
        time::Month::try_from(m).map_err(|_| format!("\"{t}\" is not a real date (month {m})"))?;
    Date::from_calendar_date(y, month, d).map_err(|_| format!("\"{t}\" is not a real date"))
}

/// A whole number from 0 to `max`, or a message naming `what` was wrong
/// (the allocation contract's words).
pub fn parse_whole(t: &str, what: &str, max: u32) -> Result<u32, String> {
    if t.is_empty() {
        return Err(format!("{what} is required"));
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return match t.parse::<u64>() {
            Ok(v) if v <= u64::from(max) => Ok(v as u32),
            _ => Err(format!("{what} \"{t}\" is too large (at most {max})")),
        };
    }
    if t.starts_with('-')
        && t[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(format!("{what} must be 0 or more, found \"{t}\""));
    }
    Err(format!("{what} must be a whole number, found \"{t}\""))
}

/// Places reserved for groups: `group:places;group:places`.
pub fn parse_reserves(text: &str) -> Result<Vec<Reserve>, String> {
    let form = "write reserves as group:places separated by semicolons, for example Oymyakonsky:2;orphans:1";
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((group, places)) = part.rsplit_once(':') else {
            return Err(format!("\"{part}\" has no places: {form}"));
        };
        let group = group.trim();
        if group.is_empty() {
            return Err(format!("\"{part}\" has no group name: {form}"));
        }
        let places = parse_whole(
            places.trim(),
            &format!("the places reserved for {group}"),
            u32::MAX,
        )?;
        out.push(Reserve {
            group: group.to_string(),
            places,
        });
    }
    Ok(out)
}

/// Reserves written back as `group:places;…` (forms, the anonymised export).
pub fn reserves_text(reserves: &[Reserve], separator: &str) -> String {
    reserves
        .iter()
        .map(|r| format!("{}:{}", r.group, r.places))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_real_calendar_days() {
        assert_eq!(Day::parse("2027-07-01").unwrap().to_string(), "2027-07-01");
        assert!(Day::parse("2027-02-30").is_err());
        assert!(Day::parse("01.07.2027").is_err());
        assert!(Day::parse("2027-7-1").is_err());
    }

    #[test]
    fn reserves_read_and_write_back() {
        let r = parse_reserves("Oymyakonsky:2; orphans:1").unwrap();
        assert_eq!(reserves_text(&r, ";"), "Oymyakonsky:2;orphans:1");
        assert!(parse_reserves("nogroup").is_err());
        assert!(parse_reserves(":3").is_err());
        assert!(parse_reserves("a:-1").is_err());
    }
}

#[cfg(test)]
mod typed_tests {
    use super::Day;

    #[test]
    fn a_day_is_read_as_typed_in_russia_or_by_a_picker() {
        assert_eq!(Day::typed("09.03.2014").unwrap().to_string(), "2014-03-09");
        assert_eq!(Day::typed(" 9.3.2014 ").unwrap().to_string(), "2014-03-09");
        assert_eq!(Day::typed("2014-03-09").unwrap().to_string(), "2014-03-09");
        assert!(Day::typed("31.02.2014").is_err());
        assert!(Day::typed("09.03.14").is_err());
    }
}

/// A child's sex, as groups and rooms need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }

    pub fn parse(code: &str) -> Option<Sex> {
        match code {
            "female" => Some(Sex::Female),
            "male" => Some(Sex::Male),
            _ => None,
        }
    }
}
