//! Running the mechanism on an instance and what comes out of it.

use foldhash::HashMap;

use crate::choice::{Decision, choose};
use crate::eligibility::{self, Ineligibility};
use crate::instance::{ApplicantIdx, Instance, SessionIdx};
use crate::lottery::Seed;
use crate::market::{Market, NONE, Preparation};
use crate::mechanism::{ProposalOrder, deferred_acceptance};
use crate::score::Priority;

/// Where a child was placed: the session and its rank in the child's list
/// (1 = first choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Placement {
    pub session: SessionIdx,
    pub choice_rank: u32,
}

/// A child (or block) and a session that would both rather be together than
/// with what they got. Only possible with blocks; reported, never hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockingPair {
    pub applicants: Vec<ApplicantIdx>,
    pub session: SessionIdx,
}

/// How a session filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionOutcome {
    /// Children placed in the session.
    pub filled: u32,
    /// Children on each reserve (in the session's order of reserves).
    pub reserved_filled: Vec<u32>,
    /// Places taken by children on general places.
    pub general_filled: u32,
    /// General places available after reserves (capacity − reserved filled).
    pub general_places: u32,
    /// The lowest priority admitted to a general place, when no general
    /// place was left; `None` when places were left over.
    pub general_cutoff: Option<Priority>,
    /// The lowest priority admitted on each reserve, when it was full.
    pub reserve_cutoffs: Vec<Option<Priority>>,
    /// Internal: per school (interned), children on general places and the
    /// key of the lowest-ranked of them.
    school_general: HashMap<u32, (u32, u32)>,
    general_worst_key: u32,
    reserve_worst_key: Vec<u32>,
}

/// The result of an allocation, with what is needed to explain it.
#[derive(Clone, Debug)]
pub struct Allocation {
    pub(crate) placements: Vec<Option<Placement>>,
    pub(crate) lottery: Vec<u64>,
    /// Sorted (applicant, 0-based choice position, reason).
    pub(crate) ineligible: Vec<(ApplicantIdx, u32, Ineligibility)>,
    pub(crate) withdrawn: Vec<bool>,
    pub(crate) sessions: Vec<SessionOutcome>,
    pub(crate) unresolved: Vec<BlockingPair>,
    pub(crate) market: Market,
    /// Units held by each session, in the session's order of consideration.
    pub(crate) held: Vec<Vec<u32>>,
}

impl Allocation {
    /// Placement per applicant, in input order.
    pub fn placements(&self) -> &[Option<Placement>] {
        &self.placements
    }

    pub fn placement(&self, applicant: ApplicantIdx) -> Option<Placement> {
        self.placements[applicant as usize]
    }

    /// The lottery number each applicant was given (shared within a block).
    pub fn lottery(&self, applicant: ApplicantIdx) -> u64 {
        self.lottery[applicant as usize]
    }

    /// The applicant's full priority (tier, score, lottery) as sessions saw
    /// it; for a block member, the block's priority.
    pub fn priority(&self, applicant: ApplicantIdx) -> Option<Priority> {
        let u = self.market.unit_of[applicant as usize];
        (u != NONE).then(|| self.market.priority[u as usize])
    }

    /// Why the applicant could not take their choice at `position` (0-based).
    pub fn ineligibility(
        &self,
        applicant: ApplicantIdx,
        position: usize,
    ) -> Option<&Ineligibility> {
        find_ineligibility(&self.ineligible, applicant, position as u32)
    }

    /// All recorded ineligibilities: (applicant, 0-based choice position, reason).
    pub fn ineligibilities(&self) -> impl Iterator<Item = (ApplicantIdx, usize, &Ineligibility)> {
        self.ineligible.iter().map(|(a, p, r)| (*a, *p as usize, r))
    }

    pub fn is_withdrawn(&self, applicant: ApplicantIdx) -> bool {
        self.withdrawn[applicant as usize]
    }

    pub fn session_outcomes(&self) -> &[SessionOutcome] {
        &self.sessions
    }

    /// Blocking pairs the block heuristic could not remove (empty without
    /// blocks: the mechanism is then stable by construction).
    pub fn unresolved(&self) -> &[BlockingPair] {
        &self.unresolved
    }

    /// Number of applicants placed.
    pub fn placed_count(&self) -> usize {
        self.placements.iter().filter(|p| p.is_some()).count()
    }
}

fn find_ineligibility(
    list: &[(ApplicantIdx, u32, Ineligibility)],
    applicant: ApplicantIdx,
    position: u32,
) -> Option<&Ineligibility> {
    list.binary_search_by(|(a, p, _)| (*a, *p).cmp(&(applicant, position)))
        .ok()
        .map(|i| &list[i].2)
}

/// Lottery numbers for every applicant: their own, or their block's.
/// Large instances are drawn on two threads (each number is independent).
pub(crate) fn draw_lottery(instance: &Instance, seed: &Seed) -> Vec<u64> {
    let draw =
        |a: &crate::instance::Applicant| seed.lottery_number(a.block.as_deref().unwrap_or(&a.id));
    let applicants = instance.applicants();
    if applicants.len() < 100_000 {
        return applicants.iter().map(draw).collect();
    }
    let (first, second) = applicants.split_at(applicants.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| second.iter().map(draw).collect::<Vec<u64>>());
        let mut numbers: Vec<u64> = first.iter().map(draw).collect();
        // A panic in the helper thread can only come from a bug; drawing the
        // rest here keeps the result correct regardless.
        numbers.extend(
            other
                .join()
                .unwrap_or_else(|_| second.iter().map(draw).collect()),
        );
        numbers
    })
}

/// Eligibility of every ranked choice, block rule included. Sorted by
/// (applicant, position).
pub(crate) fn check_eligibility(
    instance: &Instance,
    withdrawn: &[bool],
) -> Vec<(ApplicantIdx, u32, Ineligibility)> {
    let sessions = instance.sessions();
    let applicants = instance.applicants();
    let mut own: Vec<(ApplicantIdx, u32, Ineligibility)> = Vec::new();
    for (i, a) in applicants.iter().enumerate() {
        for (pos, &s) in a.choices.iter().enumerate() {
            let reason = if withdrawn[i] {
                Some(Ineligibility::Withdrawn)
            } else {
                eligibility::check(a, &sessions[s as usize])
            };
            if let Some(r) = reason {
                own.push((i as ApplicantIdx, pos as u32, r));
            }
        }
    }
    // A block may only take sessions every (remaining) member may take.
    let mut extra = Vec::new();
    for block in instance.blocks() {
        let present: Vec<ApplicantIdx> = block
            .members
            .iter()
            .copied()
            .filter(|&m| !withdrawn[m as usize])
            .collect();
        let choices = applicants[block.members[0] as usize].choices.len();
        for pos in 0..choices as u32 {
            let culprit = present
                .iter()
                .find(|&&m| find_ineligibility(&own, m, pos).is_some());
            if let Some(&culprit) = culprit {
                for &m in &present {
                    if find_ineligibility(&own, m, pos).is_none() {
                        extra.push((
                            m,
                            pos,
                            Ineligibility::BlockMemberIneligible {
                                member: applicants[culprit as usize].id.clone(),
                            },
                        ));
                    }
                }
            }
        }
    }
    own.extend(extra);
    own.sort_by_key(|(a, p, _)| (*a, *p));
    own
}

/// Places every applicant of `instance` with the lottery drawn from `seed`.
pub fn allocate(instance: &Instance, seed: &Seed) -> Allocation {
    allocate_with(instance, seed, ProposalOrder::default())
}

/// [`allocate`] with a chosen proposal order (same result, different work;
/// for tests and measurements).
pub fn allocate_with(instance: &Instance, seed: &Seed, order: ProposalOrder) -> Allocation {
    let lottery = draw_lottery(instance, seed);
    let withdrawn = vec![false; instance.applicants().len()];
    run(instance, lottery, withdrawn, None, order)
}

/// Prepares the market, runs the mechanism and assembles the result.
pub(crate) fn run(
    instance: &Instance,
    lottery: Vec<u64>,
    withdrawn: Vec<bool>,
    guarantee: Option<&[Option<SessionIdx>]>,
    order: ProposalOrder,
) -> Allocation {
    let ineligible = check_eligibility(instance, &withdrawn);
    let eligible =
        |a: ApplicantIdx, pos: usize| find_ineligibility(&ineligible, a, pos as u32).is_none();
    let market = Market::prepare(
        instance,
        &Preparation {
            lottery: &lottery,
            eligible: &eligible,
            withdrawn: &withdrawn,
            guarantee,
        },
    );
    let matching = deferred_acceptance(&market, order);

    let applicants = instance.applicants();
    let mut placements = vec![None; applicants.len()];
    let mut by_session: Vec<Vec<u32>> = vec![Vec::new(); instance.sessions().len()];
    for (u, &s) in matching.held_at.iter().enumerate() {
        if s == NONE {
            continue;
        }
        by_session[s as usize].push(u as u32);
        for &a in market.members(u as u32) {
            let rank = applicants[a as usize]
                .choices
                .iter()
                .position(|&c| c == s)
                .unwrap_or(0);
            placements[a as usize] = Some(Placement {
                session: s,
                choice_rank: rank as u32 + 1,
            });
        }
    }
    let sessions: Vec<SessionOutcome> = by_session
        .iter_mut()
        .enumerate()
        .map(|(s, units)| summarize(&market, s as SessionIdx, units))
        .collect();
    let unresolved = matching
        .unresolved
        .iter()
        .map(|&(u, s)| BlockingPair {
            applicants: market.members(u).to_vec(),
            session: s,
        })
        .collect();
    Allocation {
        placements,
        lottery,
        ineligible,
        withdrawn,
        sessions,
        unresolved,
        market,
        held: by_session,
    }
}

/// Runs the session's choice over the units it holds to find how each place
/// was taken and where the cutoffs lie.
fn summarize(m: &Market, s: SessionIdx, units: &mut [u32]) -> SessionOutcome {
    units.sort_unstable_by_key(|&u| m.key(u, s));
    let mut decisions = Vec::new();
    choose(m, s, units, &mut decisions);
    let seats = &m.seats[s as usize];
    let mut reserved_filled = vec![0u32; seats.reserves.len()];
    let mut reserve_worst_key = vec![NONE; seats.reserves.len()];
    let mut general_filled = 0;
    let mut general_worst_key = NONE;
    let mut school_general: HashMap<u32, (u32, u32)> = HashMap::default();
    for (&u, &d) in units.iter().zip(&decisions) {
        let key = m.key(u, s);
        match d {
            Decision::Reserve(ri) => {
                reserved_filled[ri as usize] += m.size(u);
                reserve_worst_key[ri as usize] = key;
            }
            Decision::General => {
                general_filled += m.size(u);
                general_worst_key = key;
                for &a in m.members(u) {
                    let school = m.school[a as usize];
                    if school != NONE {
                        let e = school_general.entry(school).or_insert((0, key));
                        e.0 += 1;
                        e.1 = key;
                    }
                }
            }
            Decision::NoRoom | Decision::SchoolCap(_) => {
                debug_assert!(false, "a session holds a unit its choice refuses");
            }
        }
    }
    let general_places = seats.capacity - reserved_filled.iter().sum::<u32>();
    let priority_of = |key: u32| m.priority[m.unit_of_key(key) as usize];
    SessionOutcome {
        filled: general_filled + reserved_filled.iter().sum::<u32>(),
        general_cutoff: (general_filled == general_places && general_worst_key != NONE)
            .then(|| priority_of(general_worst_key)),
        reserve_cutoffs: seats
            .reserves
            .iter()
            .zip(&reserved_filled)
            .zip(&reserve_worst_key)
            .map(|((&(_, places), &filled), &k)| {
                (filled == places && k != NONE).then(|| priority_of(k))
            })
            .collect(),
        reserved_filled,
        general_filled,
        general_places,
        school_general,
        general_worst_key,
        reserve_worst_key,
    }
}

impl SessionOutcome {
    pub(crate) fn school_general(&self, school: u32) -> Option<(u32, u32)> {
        self.school_general.get(&school).copied()
    }

    pub(crate) fn general_worst_key(&self) -> u32 {
        self.general_worst_key
    }

    pub(crate) fn reserve_worst_key(&self, ri: usize) -> u32 {
        self.reserve_worst_key[ri]
    }
}
