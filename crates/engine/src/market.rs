//! The problem prepared for the mechanism: children grouped into units
//! (a single child, or a block placed together), units numbered by priority
//! (unit 0 is the best), eligible choices only, names interned to numbers.

use foldhash::HashMap;

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

#[derive(Clone, Copy, Debug)]
pub(crate) struct UnitAttrs {
    pub school: u32,
    pub group: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Market {
    pub n_units: u32,
    member_start: Vec<u32>,
    members: Vec<ApplicantIdx>,
    /// Eligible choices of unit u: `list[list_start[u]..list_start[u + 1]]`,
    /// in unit (priority) order so the mechanism reads memory sequentially.
    list_start: Vec<u32>,
    list: Vec<SessionIdx>,
    /// Applicant → unit, or `NONE` for a withdrawn child.
    pub unit_of: Vec<u32>,
    /// Unit → priority (a block's is that of its weakest member, with the
    /// block's lottery number).
    pub priority: Vec<Priority>,
    /// Unit → school and reserve group of its first child, kept together so
    /// a proposal touches one cache line for them.
    pub attrs: Vec<UnitAttrs>,
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
        let mut school_ids = HashMap::default();
        let mut school_names = Vec::new();
        let school: Vec<u32> = applicants
            .iter()
            .map(|a| intern(&mut school_ids, &mut school_names, a.school.as_deref()))
            .collect();
        let mut group_ids = HashMap::default();
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

        // Units before numbering: sort key, first child, block (or NONE).
        let blocks = instance.blocks();
        let block_index: HashMap<&str, u32> = blocks
            .iter()
            .enumerate()
            .map(|(k, b)| (b.id.as_str(), k as u32))
            .collect();
        let mut block_done = vec![false; blocks.len()];
        // (sort key, applicant, block or NONE)
        let mut raw: Vec<(u128, u32, u32)> = Vec::with_capacity(applicants.len());
        for (i, a) in applicants.iter().enumerate() {
            if prep.withdrawn[i] {
                continue;
            }
            let (weakest, block) = match a.block.as_deref() {
                None => ((a.tier, a.score), NONE),
                Some(b) => {
                    let k = block_index[b];
                    if block_done[k as usize] {
                        continue;
                    }
                    block_done[k as usize] = true;
                    let weakest = blocks[k as usize]
                        .members
                        .iter()
                        .filter(|&&m| !prep.withdrawn[m as usize])
                        .map(|&m| (applicants[m as usize].tier, applicants[m as usize].score))
                        .min()
                        .unwrap_or((a.tier, a.score));
                    (weakest, k)
                }
            };
            let priority = Priority {
                tier: weakest.0,
                score: weakest.1,
                lottery: prep.lottery[i],
            };
            raw.push((priority.sort_key(), i as u32, block));
        }
        // Number units by priority: every later step that depends on order
        // (proposal order, tie-breaks) then depends on priority only, never on
        // the order of input rows. Equal keys (a 64-bit lottery collision)
        // are ordered by id, bytewise.
        raw.sort_unstable();
        let id_of = |&(_, i, b): &(u128, u32, u32)| {
            if b == NONE {
                applicants[i as usize].id.as_str()
            } else {
                blocks[b as usize].id.as_str()
            }
        };
        let mut start = 0;
        while start < raw.len() {
            let mut end = start + 1;
            while end < raw.len() && raw[end].0 == raw[start].0 {
                end += 1;
            }
            if end - start > 1 {
                raw[start..end].sort_by(|x, y| id_of(x).as_bytes().cmp(id_of(y).as_bytes()));
            }
            start = end;
        }

        // Lay units out in priority order. Data is scattered to its unit's
        // slot while applicants are read in input order: random writes are
        // far cheaper than the random reads a gather would need.
        let n = raw.len();
        let mut unit_of = vec![NONE; applicants.len()];
        let mut member_start = Vec::with_capacity(n + 1);
        member_start.push(0u32);
        let mut members: Vec<ApplicantIdx> = Vec::with_capacity(applicants.len());
        let mut priority = Vec::with_capacity(n);
        let mut has_blocks = false;
        for (u, &(key, first, block)) in raw.iter().enumerate() {
            if block == NONE {
                members.push(first);
            } else {
                has_blocks = true;
                members.extend(
                    blocks[block as usize]
                        .members
                        .iter()
                        .filter(|&&a| !prep.withdrawn[a as usize]),
                );
            }
            for &a in &members[member_start[u] as usize..] {
                unit_of[a as usize] = u as u32;
            }
            member_start.push(members.len() as u32);
            priority.push(Priority::from_sort_key(key));
        }
        let unit_members =
            |u: usize| &members[member_start[u] as usize..member_start[u + 1] as usize];
        // The first child of each unit speaks for it (blocks share choices).
        let firsts = applicants.iter().enumerate().filter_map(|(a, applicant)| {
            let u = unit_of[a];
            let first =
                u != NONE && (applicant.block.is_none() || unit_members(u as usize)[0] == a as u32);
            first.then_some((a, u as usize))
        });
        let mut attrs = vec![
            UnitAttrs {
                school: NONE,
                group: NONE
            };
            n
        ];
        let mut guarantee = prep.guarantee.map(|_| vec![NONE; n]);
        // Eligible lists are first written in input order (sequential
        // reads and writes), then gathered once into unit order.
        let mut flat_at = vec![(0u32, 0u32); applicants.len()];
        let mut flat: Vec<SessionIdx> =
            Vec::with_capacity(applicants.iter().map(|a| a.choices.len()).sum());
        // The unit's eligible choices, cut below a protected place; a block
        // may take a session only if every child of it may.
        let eligible_choices = |a: usize, u: usize| {
            let guaranteed = prep.guarantee.and_then(|g| g[a]);
            let choices = &applicants[a].choices;
            let cut = guaranteed
                .and_then(|s| choices.iter().position(|&c| c == s))
                .map_or(choices.len(), |p| p + 1);
            let single = applicants[a].block.is_none();
            choices[..cut]
                .iter()
                .enumerate()
                .filter(move |&(pos, _)| {
                    if single {
                        (prep.eligible)(a as ApplicantIdx, pos)
                    } else {
                        unit_members(u).iter().all(|&m| (prep.eligible)(m, pos))
                    }
                })
                .map(|(_, &s)| s)
        };
        for (a, u) in firsts.clone() {
            attrs[u] = UnitAttrs {
                school: school[a],
                group: group[a],
            };
            if let (Some(g), Some(s)) = (guarantee.as_mut(), prep.guarantee.and_then(|g| g[a])) {
                g[u] = s;
            }
            let start = flat.len();
            flat.extend(eligible_choices(a, u));
            flat_at[a] = (start as u32, (flat.len() - start) as u32);
        }
        let mut list_start = Vec::with_capacity(n + 1);
        list_start.push(0u32);
        let mut list: Vec<SessionIdx> = Vec::with_capacity(flat.len());
        for u in 0..n {
            let (start, len) = flat_at[unit_members(u)[0] as usize];
            list.extend_from_slice(&flat[start as usize..(start + len) as usize]);
            list_start.push(list.len() as u32);
        }
        drop(flat);
        Market {
            n_units: n as u32,
            member_start,
            members,
            list_start,
            list,
            unit_of,
            priority,
            attrs,
            school,
            group,
            school_names,
            group_names,
            seats,
            guarantee,
            has_blocks,
        }
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
}
