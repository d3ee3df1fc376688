//! Child-proposing deferred acceptance.
//!
//! Every unit (a child, or a block of children placed together) proposes to
//! its best eligible session that has not refused it yet; each session keeps
//! the units it would choose (see [`crate::choice`]) from those it holds plus
//! the new one, and refuses the rest, who propose further down their lists.
//!
//! Sessions that only ever see single children use an incremental form of the
//! choice (heaps of held children by priority: O(log q) per proposal). A
//! session that receives a block switches to recomputing the choice from its
//! held units, because blocks make the choice non-substitutable: a unit
//! refused earlier may become acceptable later. After the main loop such
//! sessions are re-examined in the spirit of Roth–Peranson: any unit that a
//! session would now accept and that prefers it to its own placement proposes
//! again, and the process repeats for a bounded number of rounds. Blocks are
//! never split; blocking pairs still left are returned, not hidden.

use std::collections::BinaryHeap;

use foldhash::HashMap;

use crate::choice::{Decision, choose};
use crate::instance::SessionIdx;
use crate::market::{Market, NONE};

/// Marks a unit held on a general place.
const GENERAL: u8 = u8::MAX;
/// Re-examination rounds before remaining blocking pairs are reported.
const MAX_ROUNDS: usize = 32;

/// The result of the mechanism in unit terms.
pub(crate) struct Matching {
    /// Unit → session, or `NONE`.
    pub held_at: Vec<u32>,
    /// (unit, session) pairs that would both rather be together.
    pub unresolved: Vec<(u32, SessionIdx)>,
}

/// The order in which free units make their first proposals. The result
/// does not depend on it (the property tests check both orders give the
/// same); it changes only how much work is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProposalOrder {
    /// Best priority first: sessions rarely have to refuse someone they
    /// held, and units are visited in memory order. The fastest.
    #[default]
    Priority,
    /// By lottery number: sessions keep meeting better children after
    /// holding worse ones, exercising every displacement path.
    Lottery,
}

pub(crate) fn deferred_acceptance(m: &Market, order: ProposalOrder) -> Matching {
    let n = m.n_units as usize;
    let mut da = Da {
        m,
        // Protected places (backfill) change the choice; only the general
        // form implements that.
        sessions: m
            .seats
            .iter()
            .map(|s| {
                if m.has_protection() {
                    SessionState::Slow(Vec::new())
                } else {
                    SessionState::Fast(Fast::new(s.reserves.len()))
                }
            })
            .collect(),
        st: UnitState {
            at: vec![
                Held {
                    session: NONE,
                    place: u32::from(GENERAL)
                };
                n
            ],
            next: vec![0; n],
        },
        free: proposal_order(m, order),
        scratch: Vec::new(),
    };
    da.run_queue();
    let unresolved = if m.has_blocks || m.has_protection() {
        da.settle()
    } else {
        Vec::new()
    };
    Matching {
        held_at: da.st.at.iter().map(|h| h.session).collect(),
        unresolved,
    }
}

/// The stack of free units (popped from the end).
fn proposal_order(m: &Market, order: ProposalOrder) -> Vec<u32> {
    let mut stack: Vec<u32> = (0..m.n_units).rev().collect();
    if order == ProposalOrder::Lottery {
        stack.sort_unstable_by_key(|&u| std::cmp::Reverse((m.priority[u as usize].lottery, u)));
    }
    stack
}

/// Where a unit is held: session (or `NONE`) and place (reserve index or
/// `GENERAL`), side by side so one memory access reads both.
#[derive(Clone, Copy)]
struct Held {
    session: u32,
    place: u32,
}

struct UnitState {
    at: Vec<Held>,
    /// Position in the unit's list of the next session to propose to.
    next: Vec<u32>,
}

impl UnitState {
    fn holds_general(&self, u: u32, s: SessionIdx) -> bool {
        let h = self.at[u as usize];
        h.session == s && h.place == u32::from(GENERAL)
    }

    fn set(&mut self, u: u32, s: SessionIdx, place: u8) {
        self.at[u as usize] = Held {
            session: s,
            place: u32::from(place),
        };
    }

    fn clear(&mut self, u: u32) {
        self.at[u as usize].session = NONE;
    }

    fn session(&self, u: u32) -> u32 {
        self.at[u as usize].session
    }
}

enum SessionState {
    Fast(Fast),
    /// Keys of held units, sorted.
    Slow(Vec<u32>),
}

/// Incremental choice for sessions that only see single children. Heaps are
/// max-heaps of keys, so the top is the worst held unit; entries of units
/// that have left are skipped lazily.
struct Fast {
    general: BinaryHeap<u32>,
    general_count: u32,
    reserve: Vec<BinaryHeap<u32>>,
    reserved_total: u32,
    /// School → keys of its children on general places (at most the cap,
    /// usually a handful: a short list beats a heap). Only sessions with a
    /// cap use it, and only admitted schools get an entry.
    schools: HashMap<u32, Vec<u32>>,
}

impl Fast {
    fn new(reserves: usize) -> Self {
        Fast {
            general: BinaryHeap::new(),
            general_count: 0,
            reserve: (0..reserves).map(|_| BinaryHeap::new()).collect(),
            reserved_total: 0,
            schools: HashMap::default(),
        }
    }

    /// Offers `u` to session `s`; returns the unit refused as a result (which
    /// may be `u` itself), if any.
    fn propose(&mut self, m: &Market, st: &mut UnitState, s: SessionIdx, u: u32) -> Option<u32> {
        let seats = &m.seats[s as usize];
        let key = m.key(u, s);
        let mut candidate = u;
        if let Some(ri) = seats.reserve_of(m.attrs[u as usize].group) {
            let places = seats.reserves[ri].1;
            let heap = &mut self.reserve[ri];
            if (heap.len() as u32) < places {
                heap.push(key);
                st.set(u, s, ri as u8);
                self.reserved_total += 1;
                // One general place fewer now that the reserve is used.
                if self.general_count > seats.capacity - self.reserved_total {
                    return Some(self.evict_worst_general(m, st, s));
                }
                return None;
            }
            if let Some(&worst) = heap.peek().filter(|&&w| key < w) {
                heap.pop();
                heap.push(key);
                st.set(u, s, ri as u8);
                // The displaced child still competes for a general place.
                candidate = m.unit_of_key(worst);
                st.clear(candidate);
            }
        }
        self.consider_general(m, st, s, candidate)
    }

    fn consider_general(
        &mut self,
        m: &Market,
        st: &mut UnitState,
        s: SessionIdx,
        v: u32,
    ) -> Option<u32> {
        let seats = &m.seats[s as usize];
        let key = m.key(v, s);
        let school = m.attrs[v as usize].school;
        if seats.school_cap != NONE && school != NONE {
            if seats.school_cap == 0 {
                return Some(v);
            }
            if let Some(keys) = self.schools.get_mut(&school)
                && keys.len() as u32 >= seats.school_cap
            {
                let (at, &worst) = keys.iter().enumerate().max_by_key(|&(_, k)| *k)?;
                if key > worst {
                    return Some(v);
                }
                // Same school, better child: swap; general count unchanged.
                keys[at] = key;
                let w = m.unit_of_key(worst);
                st.clear(w);
                st.set(v, s, GENERAL);
                self.general.push(key);
                return Some(w);
            }
        }
        let general_places = seats.capacity - self.reserved_total;
        if self.general_count < general_places {
            self.admit_general(m, st, s, v, key, school);
            return None;
        }
        let worst = loop {
            match self.general.peek() {
                None => return Some(v),
                Some(&top) if st.holds_general(m.unit_of_key(top), s) => break top,
                Some(_) => {
                    self.general.pop();
                }
            }
        };
        if key > worst {
            return Some(v);
        }
        let w = self.evict_worst_general(m, st, s);
        self.admit_general(m, st, s, v, key, school);
        Some(w)
    }

    fn admit_general(
        &mut self,
        m: &Market,
        st: &mut UnitState,
        s: SessionIdx,
        v: u32,
        key: u32,
        school: u32,
    ) {
        self.general.push(key);
        self.general_count += 1;
        if m.seats[s as usize].school_cap != NONE && school != NONE {
            self.schools.entry(school).or_default().push(key);
        }
        st.set(v, s, GENERAL);
    }

    fn evict_worst_general(&mut self, m: &Market, st: &mut UnitState, s: SessionIdx) -> u32 {
        loop {
            let Some(top) = self.general.pop() else {
                // Unreachable while counts are consistent; refusing nobody is
                // the safe answer.
                debug_assert!(false, "general count out of step with the heap");
                return NONE;
            };
            let w = m.unit_of_key(top);
            if !st.holds_general(w, s) {
                continue;
            }
            self.general_count -= 1;
            let school = m.attrs[w as usize].school;
            if m.seats[s as usize].school_cap != NONE
                && school != NONE
                && let Some(keys) = self.schools.get_mut(&school)
                && let Some(at) = keys.iter().position(|&k| k == top)
            {
                keys.swap_remove(at);
            }
            st.clear(w);
            return w;
        }
    }

    /// Keys of the units held, in no particular order.
    fn held_keys(&self, m: &Market, st: &UnitState, s: SessionIdx) -> Vec<u32> {
        let mut keys: Vec<u32> = self
            .general
            .iter()
            .copied()
            .filter(|&k| st.holds_general(m.unit_of_key(k), s))
            .collect();
        for heap in &self.reserve {
            keys.extend(heap.iter().copied());
        }
        keys
    }
}

struct Da<'m> {
    m: &'m Market,
    sessions: Vec<SessionState>,
    st: UnitState,
    free: Vec<u32>,
    scratch: Vec<Decision>,
}

impl Da<'_> {
    fn run_queue(&mut self) {
        while let Some(u) = self.free.pop() {
            self.propose_down_list(u);
        }
    }

    fn propose_down_list(&mut self, u: u32) {
        let list = self.m.list(u);
        while let Some(&s) = list.get(self.st.next[u as usize] as usize) {
            self.st.next[u as usize] += 1;
            if self.propose(s, u) {
                return;
            }
        }
        self.st.clear(u);
    }

    /// Offers `u` to `s`. Units refused as a result go back to the queue;
    /// returns whether `u` is now held.
    fn propose(&mut self, s: SessionIdx, u: u32) -> bool {
        if self.m.size(u) > 1 {
            self.make_slow(s);
        }
        match &mut self.sessions[s as usize] {
            SessionState::Fast(fast) => match fast.propose(self.m, &mut self.st, s, u) {
                Some(r) if r == u => false,
                Some(r) => {
                    if r != NONE {
                        self.free.push(r);
                    }
                    true
                }
                None => true,
            },
            SessionState::Slow(held) => {
                let key = self.m.key(u, s);
                let at = held.partition_point(|&k| k < key);
                held.insert(at, key);
                self.rechoose(s);
                self.st.session(u) == s
            }
        }
    }

    /// Recomputes the choice of a slow session from what it holds.
    fn rechoose(&mut self, s: SessionIdx) {
        let SessionState::Slow(held) = &mut self.sessions[s as usize] else {
            return;
        };
        let units: Vec<u32> = held.iter().map(|&k| self.m.unit_of_key(k)).collect();
        choose(self.m, s, &units, &mut self.scratch);
        let mut kept = Vec::with_capacity(held.len());
        for ((&k, &u), &d) in held.iter().zip(&units).zip(&self.scratch) {
            match d {
                Decision::Reserve(ri) => {
                    self.st.set(u, s, ri);
                    kept.push(k);
                }
                Decision::General => {
                    self.st.set(u, s, GENERAL);
                    kept.push(k);
                }
                Decision::NoRoom | Decision::SchoolCap(_) => {
                    if self.st.session(u) == s {
                        self.free.push(u);
                    }
                    self.st.clear(u);
                }
            }
        }
        *held = kept;
    }

    fn make_slow(&mut self, s: SessionIdx) {
        if let SessionState::Fast(fast) = &self.sessions[s as usize] {
            let mut keys = fast.held_keys(self.m, &self.st, s);
            keys.sort_unstable();
            self.sessions[s as usize] = SessionState::Slow(keys);
        }
    }

    /// Takes `u` out of its session (it is about to propose elsewhere).
    fn release(&mut self, u: u32) {
        let s = self.st.session(u);
        if s == NONE {
            return;
        }
        self.make_slow(s);
        if let SessionState::Slow(held) = &mut self.sessions[s as usize] {
            let key = self.m.key(u, s);
            held.retain(|&k| k != key);
        }
        self.st.clear(u);
        self.rechoose(s);
    }

    fn is_slow(&self, s: SessionIdx) -> bool {
        matches!(self.sessions[s as usize], SessionState::Slow(_))
    }

    /// Would slow session `s` choose `u` from what it holds plus `u`?
    fn would_choose(&mut self, s: SessionIdx, u: u32) -> bool {
        let SessionState::Slow(held) = &self.sessions[s as usize] else {
            return false;
        };
        let key = self.m.key(u, s);
        let mut keys = held.clone();
        let at = keys.partition_point(|&k| k < key);
        keys.insert(at, key);
        let units: Vec<u32> = keys.iter().map(|&k| self.m.unit_of_key(k)).collect();
        choose(self.m, s, &units, &mut self.scratch);
        self.scratch[at].accepted()
    }

    /// Sessions ranked above the unit's placement (its whole list if unplaced).
    fn above_placement(&self, u: u32) -> &[SessionIdx] {
        let list = self.m.list(u);
        let next = self.st.next[u as usize] as usize;
        if self.st.session(u) == NONE {
            list
        } else {
            &list[..next.saturating_sub(1)]
        }
    }

    /// Each unit's best blocking pair at a session whose choice may have
    /// stopped being substitutable (only those can have any).
    fn blocking_pairs(&mut self) -> Vec<(u32, SessionIdx)> {
        let mut pairs = Vec::new();
        for u in 0..self.m.n_units {
            let above: Vec<SessionIdx> = self.above_placement(u).to_vec();
            for s in above {
                if self.is_slow(s) && self.would_choose(s, u) {
                    pairs.push((u, s));
                    break;
                }
            }
        }
        pairs
    }

    fn settle(&mut self) -> Vec<(u32, SessionIdx)> {
        for _ in 0..MAX_ROUNDS {
            let pairs = self.blocking_pairs();
            if pairs.is_empty() {
                return pairs;
            }
            for (u, s) in pairs {
                if !self.above_placement(u).contains(&s) || !self.would_choose(s, u) {
                    continue; // an earlier move in this round changed things
                }
                self.release(u);
                let pos = self.m.list(u).iter().position(|&x| x == s).unwrap_or(0);
                self.st.next[u as usize] = pos as u32 + 1;
                if !self.propose(s, u) {
                    self.free.push(u);
                }
                self.run_queue();
            }
        }
        self.blocking_pairs()
    }
}
