//! How one session chooses among the children who want it. This is the
//! definition the mechanism, the stability check and the explanations share;
//! the mechanism's fast path computes the same choice incrementally.
//!
//! Given candidates in priority order:
//! 0. **Protected places** (backfill only): children who already held a
//!    place in this session keep it, whatever their priority; they count on
//!    their group's reserve while it has room, else on general places.
//! 1. **Reserves.** For each reserve of the session, walk the candidates and
//!    take each unit whose children all belong to the reserve's group while it
//!    fits in the reserve's remaining places.
//! 2. **General places** = capacity minus reserved places actually taken
//!    (unused reserved places fall back to everyone). Walk the remaining
//!    candidates and take each unit that fits in the remaining general places
//!    and keeps every school within the session's school cap. The cap counts
//!    general places only: a child on a reserved place does not use up the
//!    school's cap.
//!
//! Without blocks this choice is substitutable and obeys the law of aggregate
//! demand, which is what makes deferred acceptance stable, child-optimal and
//! strategy-proof here (see docs/ALLOCATION.md for why caps count general
//! places only).

use foldhash::HashMap;

use crate::instance::SessionIdx;
use crate::market::{Market, NONE};

/// A session's decision about one candidate unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Taken on the session's reserve with this index.
    Reserve(u8),
    /// Taken on a general place.
    General,
    /// Refused: not enough general places left for the unit.
    NoRoom,
    /// Refused: the school (interned) has reached the session's cap.
    SchoolCap(u32),
}

impl Decision {
    pub fn accepted(self) -> bool {
        matches!(self, Decision::Reserve(_) | Decision::General)
    }
}

/// Decides on `units`, which must be sorted by `market.key(_, s)`.
pub(crate) fn choose(m: &Market, s: SessionIdx, units: &[u32], out: &mut Vec<Decision>) {
    let seats = &m.seats[s as usize];
    let mut decided: Vec<Option<Decision>> = vec![None; units.len()];
    let mut reserve_left: Vec<u32> = seats.reserves.iter().map(|&(_, places)| places).collect();
    let in_reserve = |u: u32, ri: usize| {
        let group = seats.reserves[ri].0;
        m.members(u).iter().all(|&a| m.group[a as usize] == group)
    };
    // Places that are not free any more: protected, reserved, or general.
    let mut taken = 0u32;
    let mut per_school: HashMap<u32, u32> = HashMap::default();
    let count_schools = |per_school: &mut HashMap<u32, u32>, u: u32| {
        for &a in m.members(u) {
            let school = m.school[a as usize];
            if school != NONE {
                *per_school.entry(school).or_insert(0) += 1;
            }
        }
    };
    if m.has_protection() {
        for (i, &u) in units.iter().enumerate() {
            if !m.is_protected(u, s) {
                continue;
            }
            let size = m.size(u);
            let reserve =
                (0..reserve_left.len()).find(|&ri| in_reserve(u, ri) && size <= reserve_left[ri]);
            decided[i] = Some(match reserve {
                Some(ri) => {
                    reserve_left[ri] -= size;
                    Decision::Reserve(ri as u8)
                }
                None => {
                    count_schools(&mut per_school, u);
                    Decision::General
                }
            });
            taken += size;
        }
    }
    #[allow(clippy::needless_range_loop)] // `in_reserve` needs the index
    for ri in 0..reserve_left.len() {
        for (i, &u) in units.iter().enumerate() {
            if reserve_left[ri] == 0 {
                break;
            }
            let size = m.size(u);
            if decided[i].is_none()
                && size <= reserve_left[ri]
                && taken + size <= seats.capacity
                && in_reserve(u, ri)
            {
                decided[i] = Some(Decision::Reserve(ri as u8));
                reserve_left[ri] -= size;
                taken += size;
            }
        }
    }
    // Reserved places nobody in the group took become general places.
    let mut general_left = seats.capacity.saturating_sub(taken);
    for (i, &u) in units.iter().enumerate() {
        if decided[i].is_some() {
            continue;
        }
        let members = m.members(u);
        if m.size(u) > general_left {
            decided[i] = Some(Decision::NoRoom);
            continue;
        }
        let mut capped = None;
        if seats.school_cap != NONE {
            for (k, &a) in members.iter().enumerate() {
                let school = m.school[a as usize];
                if school == NONE || members[..k].iter().any(|&b| m.school[b as usize] == school) {
                    continue;
                }
                let need = members
                    .iter()
                    .filter(|&&b| m.school[b as usize] == school)
                    .count() as u32;
                if per_school.get(&school).copied().unwrap_or(0) + need > seats.school_cap {
                    capped = Some(school);
                    break;
                }
            }
        }
        if let Some(school) = capped {
            decided[i] = Some(Decision::SchoolCap(school));
            continue;
        }
        general_left -= m.size(u);
        count_schools(&mut per_school, u);
        decided[i] = Some(Decision::General);
    }
    out.clear();
    out.extend(decided.into_iter().map(|d| d.unwrap_or(Decision::NoRoom)));
}
