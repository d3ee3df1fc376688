//! Explanations in words a parent understands (English for now; the
//! service's translations take over these sentences).

use smena_engine::{Ineligibility, Priority, Verdict};

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
        Verdict::BelowCutoff { cutoff, .. } | Verdict::HeldByEarlierOffers { cutoff, .. } => {
            Some(*cutoff)
        }
        Verdict::SchoolCapReached { cutoff, .. } => *cutoff,
        _ => None,
    }
}

fn describe(p: &Priority, show_tiers: bool) -> String {
    if show_tiers {
        format!(
            "priority tier {}, score {}, lottery number {}",
            p.tier, p.score, p.lottery
        )
    } else {
        format!("score {}, lottery number {}", p.score, p.lottery)
    }
}

/// What decided between the child and the cutoff.
fn decided_by(own: &Priority, cutoff: &Priority) -> &'static str {
    if own.tier != cutoff.tier {
        " The other child was in a higher priority tier (a preferential category), which comes before the score."
    } else if own.score == cutoff.score {
        " The scores were equal, so the lottery decided: the lower lottery number goes first."
    } else {
        ""
    }
}

/// One sentence for one ranked session.
pub fn sentence(session: &str, choice_rank: u32, v: &Verdict, show_tiers: bool) -> String {
    let d = |p: &Priority| describe(p, show_tiers);
    match v {
        Verdict::Placed => format!("Placed in {session}, your choice number {choice_rank}."),
        Verdict::Ineligible(reason) => {
            format!("Not eligible for {session}: {}.", ineligibility(reason))
        }
        Verdict::BelowCutoff {
            own,
            cutoff,
            reserve,
        } => {
            let mut s = format!(
                "Not placed in {session}: its places went to children ranked higher. The last child admitted had {}; your child has {}.{}",
                d(cutoff),
                d(own),
                decided_by(own, cutoff)
            );
            if let Some((group, reserve_cutoff)) = reserve {
                s.push_str(&format!(
                    " The places reserved for {group} went to children of {group} ranked higher (the last had {}).",
                    d(reserve_cutoff)
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
            Some(c) => format!(
                "Not placed in {session}: at most {cap} children of one school may take its general places, and {cap} children of {school} ranked higher took them (the last had {}; your child has {}).",
                d(c),
                d(own)
            ),
            None => format!(
                "Not placed in {session}: it takes no children of {school} on its general places."
            ),
        },
        Verdict::BlockDoesNotFit {
            own,
            children,
            places_left,
        } => {
            let left = match places_left {
                0 => "none were left".to_string(),
                1 => "only 1 was left".to_string(),
                n => format!("only {n} were left"),
            };
            format!(
                "Not placed in {session}: your {children} children apply together and need {children} places in the same session; {left} after the children ranked higher (your children have {}).",
                d(own)
            )
        }
        Verdict::AllPlacesReserved { .. } => format!(
            "Not placed in {session}: all its places are reserved for groups your child is not in, and those groups filled them."
        ),
        Verdict::NoPlaces => format!("Not placed in {session}: the session has no places."),
        Verdict::HeldByEarlierOffers { own, cutoff } => format!(
            "Not placed in {session}: its places are held by children who were offered them before a withdrawal and keep them (the last had {}; your child has {}).",
            d(cutoff),
            d(own)
        ),
        Verdict::Unresolved { own } => format!(
            "Not placed in {session}, although it would take your child ({}): children who apply together made this case impossible to settle automatically. The coordinator has been told and will review it.",
            d(own)
        ),
    }
}

/// Why a child may not take a session.
pub fn ineligibility(r: &Ineligibility) -> String {
    match r {
        Ineligibility::TooYoung { age, min_age, on } => {
            format!(
                "your child will be {age} on the first day ({on}), and the session takes children from {min_age}"
            )
        }
        Ineligibility::TooOld { age, max_age, on } => {
            format!(
                "your child will be {age} on the first day ({on}), and the session takes children up to {max_age}"
            )
        }
        Ineligibility::BirthDateMissing => {
            "the session has an age limit and no birth date was given".into()
        }
        Ineligibility::PassportExpiresTooSoon {
            expires,
            needed_until,
        } => {
            format!(
                "the passport expires on {expires} and must be valid until at least {needed_until}"
            )
        }
        Ineligibility::PassportMissing => {
            "the session needs a passport and no passport expiry date was given".into()
        }
        Ineligibility::DocumentsNotVerified => {
            "the application's documents have not been verified".into()
        }
        Ineligibility::BlockMemberIneligible { member } => format!(
            "children applying together must all be eligible, and {member} is not eligible for this session"
        ),
        Ineligibility::Withdrawn => "the application was withdrawn".into(),
    }
}
