//! The problem prepared for the mechanism: children grouped into units
//! (a single child, or a block placed together), units numbered by priority
//! (unit 0 is the best), eligible choices only, names interned to numbers.

use std::collections::HashMap;

use crate::instance::{ApplicantIdx, Instance, SessionIdx};
use crate::score::Priority;

pub(crate) const NONE: u32 = u32::MAX;

/// A session's places as the mechanism sees them.
#[derive(Clone, Debug)]
pub(crate) struct Seats {
    pub capacity: u32,
    /// Per-school cap on general places, or `NONE`.
    pub school_cap: u32,
    /// (interned group, places), in the session's order.
    pub reserves: Vec<(u32, u32)>,
}

impl Seats {
    pub fn reserve_of(&self, group: u32) -> Option<usize> {
        if group == NONE {
            return None;
        }
        self.reserves.iter().position(|&(g, _)| g == group)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Market {
    pub n_units: u32,
    member_start: Vec<u32>,
    members: Vec<ApplicantIdx>,
    list_start: Vec<u32>,
    list: Vec<SessionIdx>,
    /// Applicant → unit, or `NONE` for a withdrawn child.
    pub unit_of: Vec<u32>,
    /// Unit → priority (a block's is that of its weakest member, with the
    /// block's lottery number).
    pub priority: Vec<Priority>,
    /// Applicant → interned school / reserve group, or `NONE`.
    pub school: Vec<u32>,
    pub group: Vec<u32>,
    pub school_names: Vec<String>,
    pub group_names: Vec<String>,
    pub seats: Vec<Seats>,
    /// Unit → the session where it holds a place that a backfill must not
    /// take away (`NONE` if none). `None` when no places are protected.
    guarantee: Option<Vec<SessionIdx>>,
    pub has_blocks: bool,
}

/// What to leave out or protect when preparing a market.
pub(crate) struct Preparation<'a> {
    /// Lottery number per applicant (block members share theirs).
    pub lottery: &'a [u64],
    /// `eligible(applicant, position)`: may the child take that choice?
    pub eligible: &'a dyn Fn(ApplicantIdx, usize) -> bool,
    pub withdrawn: &'a [bool],
    /// Applicant → session they must not lose (backfill); lists are cut
    /// below it.
    pub guarantee: Option<&'a [Option<SessionIdx>]>,
}

fn intern<'a>(
    names: &mut HashMap<&'a str, u32>,
    list: &mut Vec<String>,
    name: Option<&'a str>,
) -> u32 {
    match name {
        None => NONE,
        Some(n) => *names.entry(n).or_insert_with(|| {
            list.push(n.to_string());
            (list.len() - 1) as u32
        }),
    }
}

impl Market {
    pub fn prepare(instance: &Instance, prep: &Preparation<'_>) -> Market {
        let applicants = instance.applicants();
        let mut school_ids = HashMap::new();
        let mut school_names = Vec::new();
        let school: Vec<u32> = applicants
            .iter()
            .map(|a| intern(&mut school_ids, &mut school_names, a.school.as_deref()))
            .collect();
        let mut group_ids = HashMap::new();
        let mut group_names = Vec::new();
        let group: Vec<u32> = applicants
            .iter()
            .map(|a| intern(&mut group_ids, &mut group_names, a.reserve_group.as_deref()))
            .collect();
        let seats = instance
            .sessions()
            .iter()
            .map(|s| Seats {
                capacity: s.capacity,
                school_cap: s.school_cap.unwrap_or(NONE),
                reserves: s
                    .reserves
                    .iter()
                    .map(|r| {
                        (
                            intern(&mut group_ids, &mut group_names, Some(&r.group)),
                            r.places,
                        )
                    })
                    .collect(),
            })
            .collect();

        // Units before numbering: (members, tie-break id).
        struct Raw<'i> {
            members: Vec<ApplicantIdx>,
            id: &'i str,
            priority: Priority,
        }
        let mut raw: Vec<Raw<'_>> = Vec::with_capacity(applicants.len());
        let mut block_done = vec![false; instance.blocks().len()];
        let block_index: HashMap<&str, usize> = instance
            .blocks()
            .iter()
            .enumerate()
            .map(|(k, b)| (b.id.as_str(), k))
            .collect();
        for (i, a) in applicants.iter().enumerate() {
            if prep.withdrawn[i] {
                continue;
            }
            let members: Vec<ApplicantIdx> = match a.block.as_deref() {
                None => vec![i as ApplicantIdx],
                Some(b) => {
                    let k = block_index[b];
                    if block_done[k] {
                        continue;
                    }
                    block_done[k] = true;
                    instance.blocks()[k]
                        .members
                        .iter()
                        .copied()
                        .filter(|&m| !prep.withdrawn[m as usize])
                        .collect()
                }
            };
            let weakest = members
                .iter()
                .map(|&m| &applicants[m as usize])
                .min_by_key(|m| (m.tier, m.score))
                .map(|m| (m.tier, m.score))
                .unwrap_or_default();
            let priority = Priority {
                tier: weakest.0,
                score: weakest.1,
                lottery: prep.lottery[i],
            };
            let id = a.block.as_deref().unwrap_or(&a.id);
            raw.push(Raw {
                members,
                id,
                priority,
            });
        }
        // Number units by priority: every later step that depends on order
        // (proposal order, tie-breaks) then depends on priority only, never on
        // the order of input rows.
        let keys: Vec<u128> = raw.iter().map(|r| r.priority.sort_key()).collect();
        let mut order: Vec<u32> = (0..raw.len() as u32).collect();
        order.sort_unstable_by(|&x, &y| {
            keys[x as usize].cmp(&keys[y as usize]).then_with(|| {
                raw[x as usize]
                    .id
                    .as_bytes()
                    .cmp(raw[y as usize].id.as_bytes())
            })
        });

        let n = raw.len();
        let mut m = Market {
            n_units: n as u32,
            member_start: Vec::with_capacity(n + 1),
            members: Vec::with_capacity(applicants.len()),
            list_start: Vec::with_capacity(n + 1),
            list: Vec::new(),
            unit_of: vec![NONE; applicants.len()],
            priority: Vec::with_capacity(n),
            school,
            group,
            school_names,
            group_names,
            seats,
            guarantee: prep.guarantee.map(|_| vec![NONE; n]),
            has_blocks: false,
        };
        m.member_start.push(0);
        m.list_start.push(0);
        for (u, &r) in order.iter().enumerate() {
            let r = &raw[r as usize];
            m.has_blocks |= r.members.len() > 1;
            for &a in &r.members {
                m.unit_of[a as usize] = u as u32;
                m.members.push(a);
            }
            m.member_start.push(m.members.len() as u32);
            m.priority.push(r.priority);
            let first = r.members[0];
            let guaranteed = prep.guarantee.and_then(|g| g[first as usize]);
            if let (Some(g), Some(s)) = (m.guarantee.as_mut(), guaranteed) {
                g[u] = s;
            }
            for (pos, &s) in applicants[first as usize].choices.iter().enumerate() {
                if r.members.iter().all(|&a| (prep.eligible)(a, pos)) {
                    m.list.push(s);
                }
                if Some(s) == guaranteed {
                    break;
                }
            }
            m.list_start.push(m.list.len() as u32);
        }
        m
    }

    pub fn members(&self, u: u32) -> &[ApplicantIdx] {
        &self.members
            [self.member_start[u as usize] as usize..self.member_start[u as usize + 1] as usize]
    }

    pub fn size(&self, u: u32) -> u32 {
        self.member_start[u as usize + 1] - self.member_start[u as usize]
    }

    /// Eligible choices of the unit, best first.
    pub fn list(&self, u: u32) -> &[SessionIdx] {
        &self.list[self.list_start[u as usize] as usize..self.list_start[u as usize + 1] as usize]
    }

    /// The order in which session `s` considers units: smaller is better.
    /// A unit protected at `s` (backfill) comes before every other unit.
    #[inline]
    pub fn key(&self, u: u32, s: SessionIdx) -> u32 {
        match &self.guarantee {
            Some(g) if g[u as usize] != s => u + self.n_units,
            _ => u,
        }
    }

    /// Does `u` hold a protected place at `s` (backfill)?
    #[inline]
    pub fn is_protected(&self, u: u32, s: SessionIdx) -> bool {
        self.guarantee.as_ref().is_some_and(|g| g[u as usize] == s)
    }

    pub fn has_protection(&self) -> bool {
        self.guarantee.is_some()
    }

    #[inline]
    pub fn unit_of_key(&self, k: u32) -> u32 {
        if k >= self.n_units {
            k - self.n_units
        } else {
            k
        }
    }

    /// The school of a single child's unit (blocks are handled by the walk).
    #[inline]
    pub fn first_member(&self, u: u32) -> ApplicantIdx {
        self.members[self.member_start[u as usize] as usize]
    }
}
