//! Time in the programme's zone. One deployment serves one region: every
//! moment is shown in the zone of its newest programme (Asia/Yakutsk for
//! the reference scenario), which the service reads at start and every
//! minute; deadlines typed by the coordinator are read in it too. Zones
//! come from the system's tz database (Debian's tzdata), never "UTC"
//! shown to a family.

use std::sync::RwLock;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The zone of the reference scenario, and of programmes made before
/// zones were kept.
pub const DEFAULT: &str = "Asia/Yakutsk";

static SHOWN: RwLock<Option<(String, TimeZone)>> = RwLock::new(None);

/// A zone by its IANA name (`Asia/Yakutsk`), or why not.
pub fn parse(name: &str) -> Result<TimeZone, String> {
    jiff::tz::db().get(name.trim()).map_err(|e| {
        format!(
            "\"{}\" is not a time zone of the tz database: {e}",
            name.trim()
        )
    })
}

/// Shows every moment in the zone `name` from now on (a zone the tz
/// database does not know is refused, and the one shown stays).
pub fn show_in(name: &str) -> Result<(), String> {
    let tz = parse(name)?;
    if let Ok(mut shown) = SHOWN.write() {
        *shown = Some((name.trim().to_string(), tz));
    }
    Ok(())
}

/// The zone moments are shown in: the one set, else [`DEFAULT`] (UTC if
/// the system has no tz database).
pub fn shown() -> (String, TimeZone) {
    if let Ok(shown) = SHOWN.read()
        && let Some(set) = shown.as_ref()
    {
        return set.clone();
    }
    match parse(DEFAULT) {
        Ok(tz) => (DEFAULT.to_string(), tz),
        Err(_) => ("UTC".to_string(), TimeZone::UTC),
    }
}

/// `ms` (since the epoch) as the date and time on the wall in the zone.
pub fn local(ms: i64) -> Option<ZonedDateTime> {
    let at = Timestamp::from_millisecond(ms).ok()?;
    Some(at.to_zoned_datetime(shown().1))
}

/// The calendar day `ms` falls on in the zone.
pub fn day_of(ms: i64) -> Option<crate::domain::values::Day> {
    let d = local(ms)?.date();
    let month = time::Month::try_from(u8::try_from(d.month()).ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(i32::from(d.year()), month, u8::try_from(d.day()).ok()?);
    date.ok().map(crate::domain::values::Day)
}

/// Whole days from `now` to `deadline` on the zone's calendar (0 on the
/// day itself, negative once past).
pub fn days_left(deadline: i64, now: i64) -> i64 {
    match (local(deadline), local(now)) {
        (Some(d), Some(n)) => n
            .date()
            .until(d.date())
            .map_or(0, |span| i64::from(span.get_days())),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yakutsk_is_nine_hours_ahead_and_days_are_its_own() {
        let tz = parse("Asia/Yakutsk").expect("Debian's tzdata has Asia/Yakutsk");
        let at = Timestamp::from_millisecond(0)
            .unwrap()
            .to_zoned_datetime(tz);
        assert_eq!((at.hour(), at.minute()), (9, 0));
        assert!(parse("Mars/Olympus").unwrap_err().contains("Mars/Olympus"));
    }
}
