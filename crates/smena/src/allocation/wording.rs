//! Explanations in words a parent understands, in the reader's language.
//! A verdict becomes [`Words`]: message keys of the Fluent files with their
//! arguments. They are stored with the run (as JSON) and put into words
//! when read, so the same result reads in Russian, English or Korean; the
//! command-line contract writes them in English.

use smena_engine::{Ineligibility, Priority, Verdict};

use crate::language::Language;
use crate::language::words::{Arg, Words, render};

pub const NO_CHOICES: &str =
    "No sessions were ranked, so there was nothing to place your child in.";

/// `placed`, `ineligible` or `not_placed`.
pub fn outcome(v: &Verdict) -> &'static str {
    match v {
        Verdict::Placed => "placed",
        Verdict::Ineligible(_) => "ineligible",
        _ => "not_placed",
    }
}

/// The priority a child had to beat, where there was one.
pub fn cutoff(v: &Verdict) -> Option<Priority> {
    match v {
        Verdict::BelowCutoff { cutoff, .. }
        | Verdict::HeldByEarlierOffers { cutoff, .. }
        | Verdict::ReserveFilled { cutoff, .. } => Some(*cutoff),
        Verdict::SchoolCapReached { cutoff, .. } => *cutoff,
        _ => None,
    }
}

fn text(s: impl ToString) -> Arg {
    Arg::Text(s.to_string())
}

fn describe(p: &Priority, show_tiers: bool) -> Arg {
    let mut args = vec![
        ("score", Arg::Number(p.score.to_string())),
        ("lottery", text(p.lottery)),
    ];
    let key = if show_tiers {
        args.push(("tier", text(p.tier)));
        "priority-with-tier"
    } else {
        "priority"
    };
    Arg::Words(Box::new(Words::new(key, args)))
}

/// What decided between the child and the cutoff.
fn decided_by(own: &Priority, cutoff: &Priority) -> Option<Words> {
    if own.tier != cutoff.tier {
        Some(Words::new("explain-tier-decided", vec![]))
    } else if own.score == cutoff.score {
        Some(Words::new("explain-lottery-decided", vec![]))
    } else {
        None
    }
}

/// One ranked session's verdict as messages.
pub fn words(session: &str, choice_rank: u32, v: &Verdict, show_tiers: bool) -> Vec<Words> {
    let d = |p: &Priority| describe(p, show_tiers);
    let one = |key: &str, mut args: Vec<(&str, Arg)>| {
        args.push(("session", text(session)));
        vec![Words::new(key, args)]
    };
    match v {
        Verdict::Placed => one("explain-placed", vec![("rank", text(choice_rank))]),
        Verdict::Ineligible(reason) => one(
            "explain-ineligible",
            vec![("why", Arg::Words(Box::new(ineligibility(reason))))],
        ),
        Verdict::BelowCutoff {
            own,
            cutoff,
            reserve,
        } => {
            let mut s = one(
                "explain-below-cutoff",
                vec![("cutoff", d(cutoff)), ("own", d(own))],
            );
            s.extend(decided_by(own, cutoff));
            if let Some((group, reserve_cutoff)) = reserve {
                s.push(Words::new(
                    "explain-reserve",
                    vec![
                        ("group", Arg::Code("reserve-group".into(), group.clone())),
                        ("cutoff", d(reserve_cutoff)),
                    ],
                ));
            }
            s
        }
        Verdict::SchoolCapReached {
            own,
            school,
            cap,
            cutoff,
        } => match cutoff {
            Some(c) => one(
                "explain-school-cap",
                vec![
                    ("n", text(cap)),
                    ("school", text(school)),
                    ("cutoff", d(c)),
                    ("own", d(own)),
                ],
            ),
            // Nobody of the school above the child: the cap is 0, or the
            // children applying together are more than it.
            None if *cap == 0 => one("explain-school-none", vec![("school", text(school))]),
            None => one(
                "explain-school-cap-block",
                vec![("n", text(cap)), ("school", text(school))],
            ),
        },
        Verdict::BlockDoesNotFit {
            own,
            children,
            places_left,
        } => one(
            "explain-block",
            vec![
                ("children", text(children)),
                (
                    "left",
                    Arg::Words(Box::new(Words::new(
                        "explain-block-left",
                        vec![("n", text(places_left))],
                    ))),
                ),
                ("own", d(own)),
            ],
        ),
        Verdict::AllPlacesReserved { .. } => one("explain-all-reserved", vec![]),
        Verdict::ReserveFilled { own, group, cutoff } => {
            let mut s = one(
                "explain-reserve-filled",
                vec![
                    ("group", Arg::Code("reserve-group".into(), group.clone())),
                    ("cutoff", d(cutoff)),
                    ("own", d(own)),
                ],
            );
            s.extend(decided_by(own, cutoff));
            s
        }
        Verdict::NoPlaces => one("explain-no-places", vec![]),
        Verdict::HeldByEarlierOffers { own, cutoff } => {
            one("explain-held", vec![("cutoff", d(cutoff)), ("own", d(own))])
        }
        Verdict::Unresolved { own } => one("explain-unresolved", vec![("own", d(own))]),
    }
}

/// One sentence for one ranked session, in English (the command line's
/// `explain.csv`).
pub fn sentence(session: &str, choice_rank: u32, v: &Verdict, show_tiers: bool) -> String {
    render(&words(session, choice_rank, v, show_tiers), Language::En)
}

/// Why a child may not take a session.
pub fn ineligibility(r: &Ineligibility) -> Words {
    match r {
        Ineligibility::TooYoung { age, min_age, on } => Words::new(
            "ineligible-too-young",
            vec![
                ("n", text(age)),
                ("on", Arg::Date(on.to_string())),
                ("min", text(min_age)),
            ],
        ),
        Ineligibility::TooOld { age, max_age, on } => Words::new(
            "ineligible-too-old",
            vec![
                ("n", text(age)),
                ("on", Arg::Date(on.to_string())),
                ("max", text(max_age)),
            ],
        ),
        Ineligibility::BirthDateMissing => Words::new("ineligible-birth-date", vec![]),
        Ineligibility::PassportExpiresTooSoon {
            expires,
            needed_until,
        } => Words::new(
            "ineligible-passport-expires",
            vec![
                ("expires", Arg::Date(expires.to_string())),
                ("date", Arg::Date(needed_until.to_string())),
            ],
        ),
        Ineligibility::PassportMissing => Words::new("ineligible-passport-missing", vec![]),
        Ineligibility::DocumentsNotVerified => Words::new("ineligible-documents", vec![]),
        Ineligibility::NotNominated => Words::new("ineligible-not-nominated", vec![]),
        Ineligibility::BlockMemberIneligible { member } => {
            Words::new("ineligible-block-member", vec![("member", text(member))])
        }
        Ineligibility::Withdrawn => Words::new("ineligible-withdrawn", vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smena_engine::Score;

    fn priority(score: i32, lottery: u64) -> Priority {
        Priority {
            tier: 0,
            score: Score::points(score),
            lottery,
        }
    }

    #[test]
    fn a_verdict_reads_in_each_language_and_survives_storage() {
        let v = Verdict::BelowCutoff {
            own: priority(12, 40),
            cutoff: priority(12, 7),
            reserve: None,
        };
        let w = words("songdowon-2027-1", 1, &v, false);
        let stored = serde_json::to_string(&w).unwrap();
        let en = crate::language::words::stored(Some(&stored), "", Language::En);
        assert_eq!(
            en,
            "Not placed in songdowon-2027-1: its places went to children ranked higher. \
             The last child admitted had score 12, lottery number 7; your child has score 12, \
             lottery number 40. The scores were equal, so the lottery decided: the lower \
             lottery number goes first."
        );
        assert_eq!(en, sentence("songdowon-2027-1", 1, &v, false));
        let ru = crate::language::words::stored(Some(&stored), "", Language::Ru);
        assert!(ru.starts_with("Нет места в смене songdowon-2027-1"), "{ru}");
        assert!(ru.contains("номер жребия 7"), "{ru}");
        let ko = crate::language::words::stored(Some(&stored), "", Language::Ko);
        assert!(
            ko.contains("songdowon-2027-1") && ko.contains("추첨 번호 7"),
            "{ko}"
        );
        // An old run without stored words keeps its English sentence.
        assert_eq!(
            crate::language::words::stored(None, "as stored", Language::Ru),
            "as stored"
        );
    }

    #[test]
    fn a_filled_reserve_of_the_childs_group_is_said_so() {
        let v = Verdict::ReserveFilled {
            own: priority(10, 40),
            group: "rural".into(),
            cutoff: priority(14, 7),
        };
        let en = sentence("nairamdal-2027-1", 1, &v, false);
        assert!(
            en.starts_with("Not placed in nairamdal-2027-1: every place is reserved")
                && en.contains("The last of them had score 14, lottery number 7")
                && en.contains("your child has score 10"),
            "{en}"
        );
        assert!(!en.contains("not in"), "{en}");
        assert_eq!(cutoff(&v), Some(priority(14, 7)));
        let capped = Verdict::SchoolCapReached {
            own: priority(10, 40),
            school: "School 1".into(),
            cap: 1,
            cutoff: None,
        };
        let en = sentence("nairamdal-2027-1", 1, &capped, false);
        assert!(
            en.contains("at most 1 children") || en.contains("at most 1 child"),
            "{en}"
        );
        assert!(!en.contains("takes no children"), "{en}");
    }

    #[test]
    fn ages_and_dates_follow_the_language() {
        let r = Ineligibility::TooOld {
            age: 16,
            max_age: 15,
            on: time::Date::from_calendar_date(2027, time::Month::July, 1).unwrap(),
        };
        assert_eq!(
            ineligibility(&r).render(Language::En),
            "your child will be 16 on the first day (1 July 2027), and the session takes children up to 15"
        );
        assert_eq!(
            ineligibility(&r).render(Language::Ru),
            "в первый день смены (1 июля 2027 г.) ребёнку будет 16 лет, а смена принимает детей не старше 15"
        );
    }
}
