//! Who sleeps in which room: pure, no I/O. Rooms are single-sex, so each
//! sex is solved apart, as an integer programme given to `microlp` (a pure
//! Rust branch-and-bound MILP solver: nothing to build in C++, unlike HiGHS
//! or CBC, and small instances proven optimal).
//!
//! Must hold: a room's beds, its sex, and the camp's age spread (no two
//! children of a room born further apart than `spread_days`). Wanted, in
//! this order: as many children placed as possible, then as many of the
//! wished pairs (mutual friend requests, siblings) sharing a room.
//!
//! The model, per sex: `x[c][r]` binary, child `c` sleeps in room `r`;
//! `low[r]` real, the room's youngest-allowed age; `z[p]` binary, pair `p`
//! shares a room. Each child at most one room; each room at most its beds;
//! `x[c][r] = 1` keeps `low[r] <= age[c] <= low[r] + spread`; `z[p] = 1`
//! needs both in one room. Maximise `W · Σx + Σz` with `W` above the number
//! of pairs, so that no pair is worth leaving a child out. A simple
//! age-ordered filling is the solver's warm start (and the answer if the
//! solver fails).

use std::collections::HashMap;
use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, Variable};

pub use crate::domain::values::Sex;

/// A child to place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sleeper {
    /// The application's id.
    pub id: i64,
    /// Unknown: not placed (rooms are for girls or for boys).
    pub sex: Option<Sex>,
    /// Days since some fixed day (birth dates as day numbers).
    pub born: i64,
}

/// A room of the camp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Room {
    pub id: i64,
    pub beds: u32,
    pub sex: Sex,
}

/// The result: each placed child's room, who could not be placed, and how
/// many of the wished pairs share a room.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// (child, room), by child id.
    pub places: Vec<(i64, i64)>,
    pub unplaced: Vec<i64>,
    pub honoured: usize,
    pub wished: usize,
    /// Whether the solver proved no better assignment exists (a very large
    /// camp may stop at its time limit with a good one).
    pub proven: bool,
}

/// The solver's budget per sex: enough to prove small sessions optimal,
/// short enough for a page's request.
const TIME_LIMIT: Duration = Duration::from_secs(3);
const NODE_LIMIT: u64 = 20_000;

/// Assigns `sleepers` to `rooms`. `pairs` are the wished pairs (child ids;
/// each pair once, either order); pairs with a child not among `sleepers`
/// are ignored.
pub fn assign(
    sleepers: &[Sleeper],
    rooms: &[Room],
    pairs: &[(i64, i64)],
    spread_days: i64,
) -> Assignment {
    let spread_days = spread_days.max(0);
    let wished = wished_pairs(sleepers, pairs);
    let mut out = Assignment {
        wished: wished.len(),
        proven: true,
        ..Assignment::default()
    };
    for sex in [Sex::Female, Sex::Male] {
        let children: Vec<&Sleeper> = sleepers.iter().filter(|s| s.sex == Some(sex)).collect();
        let rooms: Vec<&Room> = rooms
            .iter()
            .filter(|r| r.sex == sex && r.beds > 0)
            .collect();
        let (places, proven) = solve_one_sex(&children, &rooms, &wished, spread_days);
        out.proven &= proven;
        out.places.extend(places);
    }
    out.places.sort_unstable();
    let room_of: HashMap<i64, i64> = out.places.iter().copied().collect();
    out.unplaced = sleepers
        .iter()
        .map(|s| s.id)
        .filter(|id| !room_of.contains_key(id))
        .collect();
    out.unplaced.sort_unstable();
    out.honoured = honoured(&room_of, &wished);
    out
}

/// The pairs that count: two different children both to be placed, each
/// pair once.
pub fn wished_pairs(sleepers: &[Sleeper], pairs: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let known: std::collections::HashSet<i64> = sleepers.iter().map(|s| s.id).collect();
    let mut wished: Vec<(i64, i64)> = pairs
        .iter()
        .filter(|(a, b)| a != b && known.contains(a) && known.contains(b))
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    wished.sort_unstable();
    wished.dedup();
    wished
}

/// How many of `pairs` share a room in `room_of`.
pub fn honoured(room_of: &HashMap<i64, i64>, pairs: &[(i64, i64)]) -> usize {
    pairs
        .iter()
        .filter(|(a, b)| matches!((room_of.get(a), room_of.get(b)), (Some(x), Some(y)) if x == y))
        .count()
}

fn years(days: i64) -> f64 {
    days as f64 / 365.25
}

/// One sex's children in that sex's rooms: the places and whether they
/// are proven best.
fn solve_one_sex(
    children: &[&Sleeper],
    rooms: &[&Room],
    wished: &[(i64, i64)],
    spread_days: i64,
) -> (Vec<(i64, i64)>, bool) {
    if children.is_empty() || rooms.is_empty() {
        return (Vec::new(), true);
    }
    let index: HashMap<i64, usize> = children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let pairs: Vec<(usize, usize)> = wished
        .iter()
        .filter_map(|(a, b)| Some((*index.get(a)?, *index.get(b)?)))
        .collect();
    let start = filling(children, rooms, &pairs, spread_days);
    // Ages in years, measured from the oldest child: small numbers keep the
    // big-M rows well scaled.
    let oldest = children.iter().map(|c| c.born).min().unwrap_or(0);
    let age: Vec<f64> = children.iter().map(|c| years(c.born - oldest)).collect();
    let top = age.iter().copied().fold(0.0, f64::max);
    let spread = years(spread_days);
    let big = top + spread + 1.0;
    let weight = pairs.len() as f64 + 1.0;

    let mut problem = Problem::new(OptimizationDirection::Maximize);
    let x: Vec<Vec<Variable>> = children
        .iter()
        .map(|_| {
            rooms
                .iter()
                .map(|_| problem.add_binary_var(weight))
                .collect()
        })
        .collect();
    let low: Vec<Variable> = rooms
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, top)))
        .collect();
    let z: Vec<Variable> = pairs.iter().map(|_| problem.add_binary_var(1.0)).collect();
    for row in &x {
        let terms: Vec<(Variable, f64)> = row.iter().map(|&v| (v, 1.0)).collect();
        problem.add_constraint(terms.as_slice(), ComparisonOp::Le, 1.0);
    }
    for (r, room) in rooms.iter().enumerate() {
        let terms: Vec<(Variable, f64)> = x.iter().map(|row| (row[r], 1.0)).collect();
        problem.add_constraint(terms.as_slice(), ComparisonOp::Le, f64::from(room.beds));
        for (c, row) in x.iter().enumerate() {
            // x = 1: low <= age; x = 0: nothing (big covers any age).
            problem.add_constraint(
                &[(low[r], 1.0), (row[r], big)][..],
                ComparisonOp::Le,
                big + age[c],
            );
            // x = 1: age <= low + spread.
            problem.add_constraint(
                &[(low[r], -1.0), (row[r], big)][..],
                ComparisonOp::Le,
                big + spread - age[c],
            );
        }
    }
    for (p, &(a, b)) in pairs.iter().enumerate() {
        // Together means in one room, both placed.
        let placed: Vec<(Variable, f64)> = std::iter::once((z[p], 1.0))
            .chain(x[a].iter().map(|&v| (v, -1.0)))
            .collect();
        problem.add_constraint(placed.as_slice(), ComparisonOp::Le, 0.0);
        for (&in_a, &in_b) in x[a].iter().zip(&x[b]) {
            problem.add_constraint(
                &[(z[p], 1.0), (in_a, 1.0), (in_b, -1.0)][..],
                ComparisonOp::Le,
                1.0,
            );
            problem.add_constraint(
                &[(z[p], 1.0), (in_b, 1.0), (in_a, -1.0)][..],
                ComparisonOp::Le,
                1.0,
            );
        }
    }

    // The warm start: the filling's rooms, each room's lowest age, pairs.
    let mut hint = Vec::new();
    let mut youngest_allowed = vec![top; rooms.len()];
    for (c, r) in start.iter().enumerate() {
        for (i, &v) in x[c].iter().enumerate() {
            hint.push((v, if *r == Some(i) { 1.0 } else { 0.0 }));
        }
        if let Some(r) = *r {
            youngest_allowed[r] = youngest_allowed[r].min(age[c]);
        }
    }
    hint.extend(low.iter().zip(&youngest_allowed).map(|(&v, &a)| (v, a)));
    hint.extend(pairs.iter().zip(&z).map(|(&(a, b), &v)| {
        (
            v,
            if start[a].is_some() && start[a] == start[b] {
                1.0
            } else {
                0.0
            },
        )
    }));
    let mut options = SolveOptions::default();
    options.time_limit = Some(TIME_LIMIT);
    options.node_limit = Some(NODE_LIMIT);
    options.warm_start = Some(hint);
    let solved = problem.solve_with(options).ok().and_then(|outcome| {
        let proven = outcome.is_optimal();
        outcome.into_solution().ok().map(|s| (s, proven))
    });
    let Some((solution, proven)) = solved else {
        // The solver failed: the filling is still a valid assignment.
        let places = start
            .iter()
            .enumerate()
            .filter_map(|(c, r)| r.map(|r| (children[c].id, rooms[r].id)))
            .collect();
        return (places, false);
    };
    let mut places = Vec::new();
    for (c, row) in x.iter().enumerate() {
        if let Some(r) = row.iter().position(|&v| solution.var_value(v) > 0.5) {
            places.push((children[c].id, rooms[r].id));
        }
    }
    (places, proven)
}

/// A first assignment, made quickly: the wished pairs joined into units
/// (a group too big for any room or too far apart in age stays single
/// children), units by age, each room filled from the youngest unit left
/// with the next units that fit its free beds and keep its ages within
/// the spread.
fn filling(
    children: &[&Sleeper],
    rooms: &[&Room],
    pairs: &[(usize, usize)],
    spread_days: i64,
) -> Vec<Option<usize>> {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let n = children.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for &(a, b) in pairs {
        let (x, y) = (root(&mut parent, a), root(&mut parent, b));
        if x != y {
            parent[x] = y;
        }
    }
    let most_beds = rooms.iter().map(|r| r.beds as usize).max().unwrap_or(0);
    let born = |unit: &[usize]| {
        let days = unit.iter().map(|&c| children[c].born);
        (days.clone().min().unwrap_or(0), days.max().unwrap_or(0))
    };
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n];
    for c in 0..n {
        let r = root(&mut parent, c);
        groups[r].push(c);
    }
    let mut units: Vec<Vec<usize>> = Vec::new();
    for members in groups.into_iter().filter(|g| !g.is_empty()) {
        let (low, high) = born(&members);
        if members.len() <= most_beds && high - low <= spread_days {
            units.push(members);
        } else {
            units.extend(members.into_iter().map(|c| vec![c]));
        }
    }
    units.sort_by_key(|u| {
        (
            std::cmp::Reverse(born(u).1),
            u.iter().map(|&c| children[c].id).min(),
        )
    });
    let mut room_of = vec![None; n];
    let mut placed = vec![false; units.len()];
    let mut by_size: Vec<usize> = (0..rooms.len()).collect();
    by_size.sort_by_key(|&r| std::cmp::Reverse(rooms[r].beds));
    for r in by_size {
        let Some(first) = (0..units.len()).find(|&u| !placed[u]) else {
            break;
        };
        let mut free = rooms[r].beds as usize;
        let (mut low, mut high) = (i64::MAX, i64::MIN);
        for u in first..units.len() {
            if free == 0 {
                break;
            }
            let (ulow, uhigh) = born(&units[u]);
            if placed[u] || units[u].len() > free || high.max(uhigh) - low.min(ulow) > spread_days {
                continue;
            }
            placed[u] = true;
            free -= units[u].len();
            (low, high) = (low.min(ulow), high.max(uhigh));
            for &c in &units[u] {
                room_of[c] = Some(r);
            }
        }
    }
    room_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The best (placed, honoured) over every assignment, by brute force:
    /// each child in a room or none.
    fn best_by_brute_force(
        sleepers: &[Sleeper],
        rooms: &[Room],
        pairs: &[(i64, i64)],
        spread: i64,
    ) -> (usize, usize) {
        let n = sleepers.len();
        let options = rooms.len() + 1;
        let mut best = (0, 0);
        let mut choice = vec![0usize; n];
        loop {
            let room_of: HashMap<i64, i64> = choice
                .iter()
                .enumerate()
                .filter(|(_, r)| **r < rooms.len())
                .map(|(c, r)| (sleepers[c].id, rooms[*r].id))
                .collect();
            if valid(sleepers, rooms, &room_of, spread) {
                let score = (room_of.len(), honoured(&room_of, pairs));
                best = best.max(score);
            }
            // The next assignment, as a number in base `options`.
            let mut i = 0;
            while i < n {
                choice[i] += 1;
                if choice[i] < options {
                    break;
                }
                choice[i] = 0;
                i += 1;
            }
            if i == n {
                return best;
            }
        }
    }

    /// Beds, sex and spread hold.
    fn valid(
        sleepers: &[Sleeper],
        rooms: &[Room],
        room_of: &HashMap<i64, i64>,
        spread: i64,
    ) -> bool {
        rooms.iter().all(|room| {
            let inside: Vec<&Sleeper> = sleepers
                .iter()
                .filter(|s| room_of.get(&s.id) == Some(&room.id))
                .collect();
            let born = inside.iter().map(|s| s.born);
            inside.len() <= room.beds as usize
                && inside.iter().all(|s| s.sex == Some(room.sex))
                && (inside.is_empty()
                    || born.clone().max().unwrap_or(0) - born.min().unwrap_or(0) <= spread)
        })
    }

    /// Children, rooms, wished pairs, the spread in days.
    type Instance = (Vec<Sleeper>, Vec<Room>, Vec<(i64, i64)>, i64);

    fn instance() -> impl Strategy<Value = Instance> {
        let sleepers = prop::collection::vec(
            (prop::option::weighted(0.9, any::<bool>()), 0i64..2200),
            1..=6,
        );
        let rooms = prop::collection::vec((1u32..=3, any::<bool>()), 1..=3);
        let pairs = prop::collection::vec((0i64..6, 0i64..6), 0..=5);
        (sleepers, rooms, pairs, 0i64..1500).prop_map(|(s, r, p, spread)| {
            let sex = |f: bool| if f { Sex::Female } else { Sex::Male };
            let sleepers = s
                .into_iter()
                .enumerate()
                .map(|(i, (f, born))| Sleeper {
                    id: i as i64,
                    sex: f.map(sex),
                    born,
                })
                .collect();
            let rooms = r
                .into_iter()
                .enumerate()
                .map(|(i, (beds, f))| Room {
                    id: 100 + i as i64,
                    beds,
                    sex: sex(f),
                })
                .collect();
            (sleepers, rooms, p, spread)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn rooms_hold_and_the_solver_is_as_good_as_every_assignment(
            (sleepers, rooms, pairs, spread) in instance()
        ) {
            let got = assign(&sleepers, &rooms, &pairs, spread);
            let room_of: HashMap<i64, i64> = got.places.iter().copied().collect();
            prop_assert!(valid(&sleepers, &rooms, &room_of, spread), "{got:?}");
            prop_assert_eq!(room_of.len() + got.unplaced.len(), sleepers.len());
            prop_assert!(got.proven);
            let best = best_by_brute_force(&sleepers, &rooms, &wished_pairs(&sleepers, &pairs), spread);
            prop_assert_eq!((room_of.len(), got.honoured), best);
        }
    }

    #[test]
    fn friends_share_a_room_when_the_beds_allow_it() {
        let girl = |id, born| Sleeper {
            id,
            sex: Some(Sex::Female),
            born,
        };
        let sleepers = [girl(1, 0), girl(2, 10), girl(3, 20), girl(4, 30)];
        let rooms = [
            Room {
                id: 10,
                beds: 2,
                sex: Sex::Female,
            },
            Room {
                id: 11,
                beds: 2,
                sex: Sex::Female,
            },
        ];
        // 1 and 4 wish to share; the filling by age would part them.
        let got = assign(&sleepers, &rooms, &[(4, 1)], 365);
        let room_of: HashMap<i64, i64> = got.places.iter().copied().collect();
        assert_eq!(room_of.len(), 4);
        assert_eq!(room_of[&1], room_of[&4]);
        assert_eq!((got.honoured, got.wished), (1, 1));
    }

    #[test]
    fn an_unknown_sex_or_no_room_of_theirs_leaves_a_child_unplaced() {
        let sleepers = [
            Sleeper {
                id: 1,
                sex: None,
                born: 0,
            },
            Sleeper {
                id: 2,
                sex: Some(Sex::Male),
                born: 0,
            },
        ];
        let rooms = [Room {
            id: 10,
            beds: 4,
            sex: Sex::Female,
        }];
        let got = assign(&sleepers, &rooms, &[], 365);
        assert!(got.places.is_empty());
        assert_eq!(got.unplaced, vec![1, 2]);
    }

    #[test]
    fn a_camp_sized_session_is_assigned_within_the_rules() {
        // 120 children, 30 rooms of 4-5 beds, 20 wished pairs.
        let sleepers: Vec<Sleeper> = (0..120)
            .map(|i| Sleeper {
                id: i,
                sex: Some(if i % 2 == 0 { Sex::Female } else { Sex::Male }),
                born: (i * 37) % 1800,
            })
            .collect();
        let rooms: Vec<Room> = (0..30)
            .map(|i| Room {
                id: 1000 + i,
                beds: 4 + (i % 2) as u32,
                sex: if i % 2 == 0 { Sex::Female } else { Sex::Male },
            })
            .collect();
        let pairs: Vec<(i64, i64)> = (0..20).map(|i| (i * 4, i * 4 + 2)).collect();
        let got = assign(&sleepers, &rooms, &pairs, 2 * 365);
        let room_of: HashMap<i64, i64> = got.places.iter().copied().collect();
        assert!(valid(&sleepers, &rooms, &room_of, 2 * 365));
        assert_eq!(got.unplaced.len() + room_of.len(), 120);
        assert_eq!(got.wished, 20);
        // Every pair fits (74 days apart, rooms of four): the warm start
        // alone keeps 19 together, the solver can only add to it.
        assert!(got.honoured >= 19, "{got:?}");
    }
}
