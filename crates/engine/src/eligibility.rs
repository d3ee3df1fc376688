//! Who may take a session at all, checked before allocation so that the
//! mechanism only ever sees eligible choices, and the reason is kept.

use time::{Date, Month};

use crate::instance::{Applicant, Session};

/// Why a child cannot take a session they ranked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ineligibility {
    TooYoung {
        age: u32,
        min_age: u32,
        on: Date,
    },
    TooOld {
        age: u32,
        max_age: u32,
        on: Date,
    },
    BirthDateMissing,
    PassportExpiresTooSoon {
        expires: Date,
        needed_until: Date,
    },
    PassportMissing,
    DocumentsNotVerified,
    /// The programme takes only children their school nominated, and the
    /// child's school did not.
    NotNominated,
    /// Another child of the same block is not eligible for the session.
    BlockMemberIneligible {
        member: String,
    },
    /// The child withdrew from the programme.
    Withdrawn,
}

impl Ineligibility {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Ineligibility::TooYoung { .. } => "too_young",
            Ineligibility::TooOld { .. } => "too_old",
            Ineligibility::BirthDateMissing => "birth_date_missing",
            Ineligibility::PassportExpiresTooSoon { .. } => "passport_expires_too_soon",
            Ineligibility::PassportMissing => "passport_missing",
            Ineligibility::DocumentsNotVerified => "documents_not_verified",
            Ineligibility::NotNominated => "not_nominated",
            Ineligibility::BlockMemberIneligible { .. } => "block_member_ineligible",
            Ineligibility::Withdrawn => "withdrawn",
        }
    }
}

/// Full years of age on `on`. Someone born on 29 February has a birthday on
/// 1 March in common years.
pub fn age_on(birth: Date, on: Date) -> u32 {
    if on < birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// `date` plus whole months; a day that does not exist in the target month
/// becomes that month's last day (31 August + 6 months = 28/29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let zero_based = date.month() as i64 - 1 + i64::from(months);
    let year = date.year() as i64 + zero_based.div_euclid(12);
    let month_no = (zero_based.rem_euclid(12) + 1) as u8;
    let Ok(month) = Month::try_from(month_no) else {
        return Date::MAX;
    };
    let Ok(year) = i32::try_from(year) else {
        return Date::MAX;
    };
    let last_day = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last_day)).unwrap_or(Date::MAX)
}

/// The first rule the child fails for the session, if any. Checked in this
/// order: documents, nomination, age, passport.
pub fn check(applicant: &Applicant, session: &Session) -> Option<Ineligibility> {
    if !applicant.documents_verified {
        return Some(Ineligibility::DocumentsNotVerified);
    }
    if !applicant.nominated {
        return Some(Ineligibility::NotNominated);
    }
    let rules = &session.rules;
    if let (Some(starts), true) = (
        rules.starts,
        rules.min_age.is_some() || rules.max_age.is_some(),
    ) {
        let Some(birth) = applicant.birth_date else {
            return Some(Ineligibility::BirthDateMissing);
        };
        let age = age_on(birth, starts);
        if let Some(min_age) = rules.min_age.filter(|&m| age < m) {
            return Some(Ineligibility::TooYoung {
                age,
                min_age,
                on: starts,
            });
        }
        if let Some(max_age) = rules.max_age.filter(|&m| age > m) {
            return Some(Ineligibility::TooOld {
                age,
                max_age,
                on: starts,
            });
        }
    }
    if let (Some(ends), Some(months)) = (rules.ends, rules.passport_months) {
        let needed_until = add_months(ends, months);
        match applicant.passport_expires {
            None => return Some(Ineligibility::PassportMissing),
            Some(expires) if expires < needed_until => {
                return Some(Ineligibility::PassportExpiresTooSoon {
                    expires,
                    needed_until,
                });
            }
            Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Score;
    use time::macros::date;

    #[test]
    fn age_counts_full_years_with_leap_birthdays() {
        assert_eq!(age_on(date!(2014 - 07 - 01), date!(2027 - 07 - 01)), 13);
        assert_eq!(age_on(date!(2014 - 07 - 02), date!(2027 - 07 - 01)), 12);
        assert_eq!(age_on(date!(2012 - 02 - 29), date!(2027 - 02 - 28)), 14);
        assert_eq!(age_on(date!(2012 - 02 - 29), date!(2027 - 03 - 01)), 15);
        assert_eq!(age_on(date!(2030 - 01 - 01), date!(2027 - 03 - 01)), 0);
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months(date!(2027 - 08 - 31), 6), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2027 - 07 - 15), 6), date!(2028 - 01 - 15));
        assert_eq!(add_months(date!(2027 - 07 - 15), 0), date!(2027 - 07 - 15));
        assert_eq!(add_months(date!(2027 - 12 - 31), 2), date!(2028 - 02 - 29));
    }

    #[test]
    fn rules_are_checked_with_reasons() {
        let mut s = Session::new("S", 10);
        s.rules = crate::instance::SessionRules {
            starts: Some(date!(2027 - 07 - 01)),
            ends: Some(date!(2027 - 07 - 21)),
            min_age: Some(10),
            max_age: Some(15),
            passport_months: Some(6),
        };
        let mut a = Applicant::new("A", Score::points(1), vec![0]);
        assert_eq!(check(&a, &s), Some(Ineligibility::BirthDateMissing));
        a.birth_date = Some(date!(2018 - 01 - 01));
        assert!(matches!(
            check(&a, &s),
            Some(Ineligibility::TooYoung { age: 9, .. })
        ));
        a.birth_date = Some(date!(2011 - 06 - 30));
        assert!(matches!(
            check(&a, &s),
            Some(Ineligibility::TooOld { age: 16, .. })
        ));
        a.birth_date = Some(date!(2013 - 03 - 03));
        assert_eq!(check(&a, &s), Some(Ineligibility::PassportMissing));
        a.passport_expires = Some(date!(2028 - 01 - 20));
        assert!(matches!(
            check(&a, &s),
            Some(Ineligibility::PassportExpiresTooSoon { .. })
        ));
        a.passport_expires = Some(date!(2028 - 01 - 21));
        assert_eq!(check(&a, &s), None);
        a.nominated = false;
        assert_eq!(check(&a, &s), Some(Ineligibility::NotNominated));
        a.documents_verified = false;
        assert_eq!(check(&a, &s), Some(Ineligibility::DocumentsNotVerified));
    }
}
