//! Why each child got what they got: for every session ranked above the one
//! received, the reason it was not possible. Data only; words for people are
//! the caller's (the CLI, later the service's translations).

use crate::allocation::Allocation;
use crate::choice::{Decision, choose};
use crate::eligibility::Ineligibility;
use crate::instance::{ApplicantIdx, Instance, SessionIdx};
use crate::market::NONE;
use crate::score::Priority;

/// One ranked choice of a child and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceExplanation {
    /// Position in the child's list, 1 = first choice.
    pub choice_rank: u32,
    pub session: SessionIdx,
    pub verdict: Verdict,
}

/// What happened at one ranked session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The child was placed here.
    Placed,
    /// The child could not take this session at all.
    Ineligible(Ineligibility),
    /// All general places went to children with a higher priority. When the
    /// child belongs to a group with places reserved here, `reserve` gives
    /// the group and the lowest priority admitted on those places.
    BelowCutoff {
        own: Priority,
        cutoff: Priority,
        reserve: Option<(String, Priority)>,
    },
    /// The child's school already had its cap of children on general places,
    /// all ranked above the child (`cutoff`: the lowest of them).
    SchoolCapReached {
        own: Priority,
        school: String,
        cap: u32,
        cutoff: Option<Priority>,
    },
    /// The block needed more places than were left after the children
    /// ranked above it.
    BlockDoesNotFit {
        own: Priority,
        children: u32,
        places_left: u32,
    },
    /// Every place of the session is reserved for groups the child is not in.
    AllPlacesReserved { own: Priority },
    /// Every place of the session is reserved, and the places reserved for
    /// the child's own group went to children of that group with a higher
    /// priority (`cutoff`: the lowest admitted on them).
    ReserveFilled {
        own: Priority,
        group: String,
        cutoff: Priority,
    },
    /// The session has no places.
    NoPlaces,
    /// The places went to children who already held them before a backfill
    /// and cannot lose them, although the child ranks above the lowest.
    HeldByEarlierOffers { own: Priority, cutoff: Priority },
    /// A blocking pair the block heuristic could not remove: the session
    /// would take the child, who prefers it.
    Unresolved { own: Priority },
}

impl Verdict {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Placed => "placed",
            Verdict::Ineligible(reason) => reason.code(),
            Verdict::BelowCutoff { .. } => "below_cutoff",
            Verdict::SchoolCapReached { .. } => "school_cap_reached",
            Verdict::BlockDoesNotFit { .. } => "block_does_not_fit",
            Verdict::AllPlacesReserved { .. } => "all_places_reserved",
            Verdict::ReserveFilled { .. } => "reserve_filled",
            Verdict::NoPlaces => "no_places",
            Verdict::HeldByEarlierOffers { .. } => "held_by_earlier_offers",
            Verdict::Unresolved { .. } => "unresolved_blocking_pair",
        }
    }
}

/// Explains the applicant's result: one entry per ranked session down to and
/// including the one received (all of them if unplaced).
pub fn explain(
    instance: &Instance,
    allocation: &Allocation,
    applicant: ApplicantIdx,
) -> Vec<ChoiceExplanation> {
    let a = &instance.applicants()[applicant as usize];
    let placed = allocation.placement(applicant);
    let mut out = Vec::new();
    for (pos, &s) in a.choices.iter().enumerate() {
        let choice_rank = pos as u32 + 1;
        let verdict = if placed.is_some_and(|p| p.choice_rank == choice_rank) {
            Verdict::Placed
        } else if let Some(reason) = allocation.ineligibility(applicant, pos) {
            Verdict::Ineligible(reason.clone())
        } else {
            refusal(allocation, applicant, s)
        };
        let stop = verdict == Verdict::Placed;
        out.push(ChoiceExplanation {
            choice_rank,
            session: s,
            verdict,
        });
        if stop {
            break;
        }
    }
    out
}

/// Why session `s` did not take the (eligible) applicant.
fn refusal(al: &Allocation, applicant: ApplicantIdx, s: SessionIdx) -> Verdict {
    let m = &al.market;
    let u = m.unit_of[applicant as usize];
    let seats = &m.seats[s as usize];
    if seats.capacity == 0 {
        return Verdict::NoPlaces;
    }
    let own = m.priority[u as usize];
    if m.size(u) > 1 || m.has_protection() {
        return walk_refusal(al, u, s);
    }
    let outcome = &al.sessions[s as usize];
    let key = m.key(u, s);
    let priority_of = |k: u32| m.priority[m.unit_of_key(k) as usize];
    let mut reserve = None;
    if let Some(ri) = seats.reserve_of(m.group[applicant as usize]) {
        let places = seats.reserves[ri].1;
        if places > 0 {
            let worst = outcome.reserve_worst_key(ri);
            if outcome.reserved_filled[ri] < places || key < worst {
                return Verdict::Unresolved { own };
            }
            reserve = Some((
                m.group_names[seats.reserves[ri].0 as usize].clone(),
                priority_of(worst),
            ));
        }
    }
    if outcome.general_places == 0 {
        return match reserve {
            Some((group, cutoff)) => Verdict::ReserveFilled { own, group, cutoff },
            None => Verdict::AllPlacesReserved { own },
        };
    }
    // The walk checks room before the school cap: a child below the general
    // cutoff was refused for that, whatever their school.
    let worst = outcome.general_worst_key();
    if outcome.general_filled == outcome.general_places && worst != NONE && key > worst {
        let cutoff = priority_of(worst);
        if own.is_better_than(&cutoff) {
            return Verdict::HeldByEarlierOffers { own, cutoff };
        }
        return Verdict::BelowCutoff {
            own,
            cutoff,
            reserve,
        };
    }
    let school = m.school[applicant as usize];
    if seats.school_cap != NONE && school != NONE {
        let (count, worst) = outcome.school_general(school).unwrap_or((0, NONE));
        if count >= seats.school_cap && (seats.school_cap == 0 || key > worst) {
            return Verdict::SchoolCapReached {
                own,
                school: m.school_names[school as usize].clone(),
                cap: seats.school_cap,
                cutoff: (count > 0).then(|| priority_of(worst)),
            };
        }
    }
    // The session would take the child: only possible with blocks.
    Verdict::Unresolved { own }
}

/// Blocks, and backfills with protected places: replay the session's
/// choice with the unit added and read off what stopped it.
fn walk_refusal(al: &Allocation, u: u32, s: SessionIdx) -> Verdict {
    let m = &al.market;
    let own = m.priority[u as usize];
    let key = m.key(u, s);
    let mut units = al.held[s as usize].clone();
    let at = units.partition_point(|&v| m.key(v, s) < key);
    units.insert(at, u);
    let mut decisions = Vec::new();
    choose(m, s, &units, &mut decisions);
    let ahead = || decisions[..at].iter().zip(&units[..at]);
    // The reserve of the unit's own group here, when every child of the
    // unit belongs to it, and the lowest priority admitted on it.
    let seats = &m.seats[s as usize];
    let group = m.attrs[u as usize].group;
    let reserve = seats
        .reserve_of(group)
        .filter(|_| m.members(u).iter().all(|&a| m.group[a as usize] == group))
        .and_then(|ri| {
            ahead()
                .filter(|(d, _)| **d == Decision::Reserve(ri as u8))
                .map(|(_, &v)| m.priority[v as usize])
                .next_back()
                .map(|cutoff| (m.group_names[seats.reserves[ri].0 as usize].clone(), cutoff))
        });
    match decisions[at] {
        Decision::Reserve(_) | Decision::General => Verdict::Unresolved { own },
        Decision::SchoolCap(school) => Verdict::SchoolCapReached {
            own,
            school: m.school_names[school as usize].clone(),
            cap: m.seats[s as usize].school_cap,
            cutoff: ahead()
                .filter(|(d, v)| {
                    **d == Decision::General
                        && m.members(**v)
                            .iter()
                            .any(|&a| m.school[a as usize] == school)
                })
                .map(|(_, &v)| m.priority[v as usize])
                .next_back(),
        },
        Decision::NoRoom => {
            let taken: u32 = decisions
                .iter()
                .zip(&units)
                .enumerate()
                .filter(|(i, (d, v))| {
                    matches!(d, Decision::Reserve(_))
                        || (*i < at && **d == Decision::General)
                        || m.is_protected(**v, s)
                })
                .map(|(_, (_, &v))| m.size(v))
                .sum();
            let places_left = m.seats[s as usize].capacity.saturating_sub(taken);
            if m.size(u) > 1 {
                return Verdict::BlockDoesNotFit {
                    own,
                    children: m.size(u),
                    places_left,
                };
            }
            let protected_below = ahead()
                .filter(|(d, v)| {
                    d.accepted()
                        && m.is_protected(**v, s)
                        && own.is_better_than(&m.priority[**v as usize])
                })
                .map(|(_, &v)| m.priority[v as usize])
                .next_back();
            if let Some(cutoff) = protected_below {
                return Verdict::HeldByEarlierOffers { own, cutoff };
            }
            match ahead()
                .filter(|(d, _)| **d == Decision::General)
                .map(|(_, &v)| m.priority[v as usize])
                .next_back()
            {
                Some(cutoff) => Verdict::BelowCutoff {
                    own,
                    cutoff,
                    reserve,
                },
                None => match reserve {
                    Some((group, cutoff)) => Verdict::ReserveFilled { own, group, cutoff },
                    None => Verdict::AllPlacesReserved { own },
                },
            }
        }
    }
}
