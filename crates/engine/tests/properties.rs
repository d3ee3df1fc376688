//! Properties of the mechanism over random instances, checked against an
//! independent, deliberately naive restatement of the rules (written from
//! docs/ALLOCATION.md, sharing no code with the engine).
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use smena_engine::{
    Allocation, Applicant, Instance, Placement, Priority, ProposalOrder, Reserve, Score, Seed,
    Session, Verdict, allocate, allocate_with, explain, withdraw,
};

/// Cases per property: the given default, or `PROPTEST_CASES` for a soak.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------- generators

#[derive(Clone, Copy, Debug)]
struct Features {
    caps: bool,
    reserves: bool,
    blocks: bool,
    ineligible: bool,
    tiers: bool,
}

const PLAIN: Features = Features {
    caps: false,
    reserves: false,
    blocks: false,
    ineligible: false,
    tiers: false,
};
const RICH: Features = Features {
    caps: true,
    reserves: true,
    blocks: false,
    ineligible: true,
    tiers: true,
};
const BLOCKS: Features = Features {
    caps: true,
    reserves: true,
    blocks: true,
    ineligible: true,
    tiers: true,
};

type SessionSpec = (u32, Option<u32>, Option<(u8, u32)>);
type ApplicantSpec = (i32, u8, u8, Option<u8>, Vec<usize>, Option<u8>, bool);

fn build(sessions: &[SessionSpec], applicants: &[ApplicantSpec], f: Features) -> Option<Instance> {
    let sessions: Vec<Session> = sessions
        .iter()
        .enumerate()
        .map(|(i, &(capacity, cap, reserve))| {
            let mut s = Session::new(format!("S{i}"), capacity);
            if f.caps {
                s.school_cap = cap;
            }
            if let (true, Some((g, places))) = (f.reserves, reserve) {
                s.reserves.push(Reserve {
                    group: format!("G{g}"),
                    places: places.min(capacity),
                });
            }
            s
        })
        .collect();
    let n_sessions = sessions.len();
    let mut block_choices: HashMap<u8, Vec<u32>> = HashMap::new();
    let mut block_sizes: HashMap<u8, usize> = HashMap::new();
    let applicants: Vec<Applicant> = applicants
        .iter()
        .enumerate()
        .map(
            |(i, (score, tier, school, group, choices, block, verified))| {
                let mut seen = HashSet::new();
                let mut list: Vec<u32> = choices
                    .iter()
                    .map(|&c| (c % n_sessions) as u32)
                    .filter(|c| seen.insert(*c))
                    .collect();
                let mut a = Applicant::new(format!("A{i}"), Score::points(*score), vec![]);
                if f.tiers {
                    a.tier = *tier;
                }
                if f.caps {
                    a.school = Some(format!("school{school}"));
                }
                if f.reserves {
                    a.reserve_group = group.map(|g| format!("G{g}"));
                }
                if f.ineligible {
                    a.documents_verified = *verified;
                }
                if let (true, Some(b)) = (f.blocks, block) {
                    let size = block_sizes.entry(*b).or_insert(0);
                    if *size < 2 + (*b as usize % 3) {
                        *size += 1;
                        list = block_choices.entry(*b).or_insert(list).clone();
                        a.block = Some(format!("B{b}"));
                    }
                }
                a.choices = list;
                a
            },
        )
        .collect();
    Instance::new(sessions, applicants).ok()
}

fn arb_instance(
    max_sessions: usize,
    max_applicants: usize,
    max_k: usize,
    f: Features,
) -> impl Strategy<Value = Instance> {
    let session = (
        0u32..4,
        prop::option::of(0u32..3),
        prop::option::of((0u8..2, 0u32..3)),
    );
    let applicant = (
        0i32..4,
        0u8..2,
        0u8..3,
        prop::option::of(0u8..2),
        prop::collection::vec(0usize..16, 0..=max_k),
        prop::option::weighted(0.3, 0u8..3),
        prop::bool::weighted(0.85),
    );
    (
        prop::collection::vec(session, 1..=max_sessions),
        prop::collection::vec(applicant, 0..=max_applicants),
    )
        .prop_filter_map("valid instance", move |(s, a)| build(&s, &a, f))
}

/// Either proposal order: the result must not depend on it, and the lottery
/// order exercises the displacement paths that priority order rarely takes.
fn arb_order() -> impl Strategy<Value = ProposalOrder> {
    prop_oneof![Just(ProposalOrder::Priority), Just(ProposalOrder::Lottery)]
}

fn arb_seed() -> impl Strategy<Value = Seed> {
    any::<[u8; 32]>().prop_map(Seed::from_bytes)
}

// ------------------------------------------------- the rules, restated naively

/// A unit as the rules see it: its children and priority.
#[derive(Clone, Debug)]
struct Unit {
    members: Vec<usize>,
    priority: Priority,
}

fn units(inst: &Instance, al: &Allocation) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut by_block: HashMap<&str, usize> = HashMap::new();
    for (i, a) in inst.applicants().iter().enumerate() {
        if al.is_withdrawn(i as u32) {
            continue;
        }
        let priority = al.priority(i as u32).unwrap();
        match a.block.as_deref() {
            Some(b) if by_block.contains_key(b) => out[by_block[b]].members.push(i),
            _ => {
                if let Some(b) = a.block.as_deref() {
                    by_block.insert(b, out.len());
                }
                out.push(Unit {
                    members: vec![i],
                    priority,
                });
            }
        }
    }
    out
}

fn better(a: &Priority, b: &Priority) -> bool {
    (
        std::cmp::Reverse(a.tier),
        std::cmp::Reverse(a.score),
        a.lottery,
    ) < (
        std::cmp::Reverse(b.tier),
        std::cmp::Reverse(b.score),
        b.lottery,
    )
}

/// Naive choice of session `s` among `cands` (any order). Returns for each
/// candidate: Some(true) reserve, Some(false) general, None refused.
fn naive_choice(inst: &Instance, s: usize, cands: &[Unit]) -> Vec<Option<bool>> {
    let session = &inst.sessions()[s];
    let apps = inst.applicants();
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by(|&x, &y| {
        if better(&cands[x].priority, &cands[y].priority) {
            std::cmp::Ordering::Less
        } else if better(&cands[y].priority, &cands[x].priority) {
            std::cmp::Ordering::Greater
        } else {
            let idx = |u: &Unit| {
                let a = &apps[u.members[0]];
                a.block.clone().unwrap_or_else(|| a.id.clone())
            };
            idx(&cands[x]).cmp(&idx(&cands[y]))
        }
    });
    let mut result = vec![None; cands.len()];
    let mut reserved = 0;
    for r in &session.reserves {
        let mut left = r.places;
        for &c in &order {
            let u = &cands[c];
            let size = u.members.len() as u32;
            let in_group = u
                .members
                .iter()
                .all(|&m| apps[m].reserve_group.as_deref() == Some(r.group.as_str()));
            if result[c].is_none() && in_group && size <= left {
                result[c] = Some(true);
                left -= size;
            }
        }
        reserved += r.places - left;
    }
    let mut left = session.capacity - reserved;
    let mut per_school: HashMap<&str, u32> = HashMap::new();
    for &c in &order {
        if result[c].is_some() {
            continue;
        }
        let u = &cands[c];
        let size = u.members.len() as u32;
        if size > left {
            continue;
        }
        let mut need: HashMap<&str, u32> = HashMap::new();
        for &m in &u.members {
            if let Some(school) = apps[m].school.as_deref() {
                *need.entry(school).or_default() += 1;
            }
        }
        let fits_cap = match session.school_cap {
            None => true,
            Some(cap) => need
                .iter()
                .all(|(sc, n)| per_school.get(sc).copied().unwrap_or(0) + n <= cap),
        };
        if fits_cap {
            for (sc, n) in need {
                *per_school.entry(sc).or_default() += n;
            }
            left -= size;
            result[c] = Some(false);
        }
    }
    result
}

/// Sessions the unit may take, in its order, with their choice ranks.
fn eligible_list(inst: &Instance, al: &Allocation, u: &Unit) -> Vec<(usize, u32)> {
    let a = &inst.applicants()[u.members[0]];
    a.choices
        .iter()
        .enumerate()
        .filter(|(pos, _)| {
            u.members
                .iter()
                .all(|&m| al.ineligibility(m as u32, *pos).is_none())
        })
        .map(|(pos, &s)| (s as usize, pos as u32 + 1))
        .collect()
}

fn placement_of(al: &Allocation, u: &Unit) -> Option<Placement> {
    al.placement(u.members[0] as u32)
}

/// Units held by each session.
fn held(inst: &Instance, al: &Allocation, us: &[Unit]) -> Vec<Vec<Unit>> {
    let mut h = vec![Vec::new(); inst.sessions().len()];
    for u in us {
        if let Some(p) = placement_of(al, u) {
            h[p.session as usize].push(u.clone());
        }
    }
    h
}

/// All blocking pairs (unit index, session) under the naive rules.
fn naive_blocking_pairs(inst: &Instance, al: &Allocation) -> Vec<(Vec<usize>, usize)> {
    let us = units(inst, al);
    let h = held(inst, al, &us);
    let mut pairs = Vec::new();
    for u in &us {
        let rank = placement_of(al, u).map_or(u32::MAX, |p| p.choice_rank);
        for (s, r) in eligible_list(inst, al, u) {
            if r >= rank {
                break;
            }
            let mut cands = h[s].clone();
            cands.push(u.clone());
            if naive_choice(inst, s, &cands).last().unwrap().is_some() {
                pairs.push((u.members.clone(), s));
            }
        }
    }
    pairs
}

/// Capacity, caps, reserves and blocks all respected, and every placement is
/// an eligible choice of the child's.
fn assert_feasible(inst: &Instance, al: &Allocation) {
    let us = units(inst, al);
    for u in &us {
        let p = placement_of(al, u);
        for &m in &u.members {
            assert_eq!(al.placement(m as u32), p, "block split: {:?}", u.members);
        }
        if let Some(p) = p {
            let list = eligible_list(inst, al, u);
            assert!(
                list.contains(&(p.session as usize, p.choice_rank)),
                "placement not an eligible choice"
            );
        }
    }
    for (s, hs) in held(inst, al, &us).iter().enumerate() {
        let total: usize = hs.iter().map(|u| u.members.len()).sum();
        assert!(
            total as u32 <= inst.sessions()[s].capacity,
            "session over capacity"
        );
        let chosen = naive_choice(inst, s, hs);
        assert!(
            chosen.iter().all(Option::is_some),
            "session {s} holds children its rules refuse"
        );
    }
}

fn rank_of(al: &Allocation, a: usize) -> u32 {
    al.placement(a as u32).map_or(u32::MAX, |p| p.choice_rank)
}

fn by_id(inst: &Instance, al: &Allocation) -> HashMap<String, Option<(String, u32)>> {
    inst.applicants()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let p = al.placement(i as u32).map(|p| {
                (
                    inst.sessions()[p.session as usize].id.clone(),
                    p.choice_rank,
                )
            });
            (a.id.clone(), p)
        })
        .collect()
}

fn with_choices(inst: &Instance, who: usize, choices: Vec<u32>) -> Instance {
    let mut apps = inst.applicants().to_vec();
    apps[who].choices = choices;
    Instance::new(inst.sessions().to_vec(), apps).unwrap()
}

fn without(inst: &Instance, who: usize) -> Instance {
    let mut apps = inst.applicants().to_vec();
    apps.remove(who);
    Instance::new(inst.sessions().to_vec(), apps).unwrap()
}

/// Every ordered list of at most `k` distinct sessions out of `n`.
fn all_lists(n: usize, k: usize) -> Vec<Vec<u32>> {
    let mut out = vec![vec![]];
    let mut frontier = vec![vec![]];
    for _ in 0..k {
        let mut next = Vec::new();
        for l in &frontier {
            for s in 0..n as u32 {
                if !l.contains(&s) {
                    let mut l2: Vec<u32> = l.clone();
                    l2.push(s);
                    next.push(l2);
                }
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    /// No blocking pair, non-wasteful, feasible: with caps, reserves, tiers
    /// and ineligible choices (no blocks: the mechanism is exact there).
    #[test]
    fn stable_non_wasteful_and_feasible(inst in arb_instance(5, 14, 4, RICH), seed in arb_seed(), order in arb_order()) {
        let al = allocate_with(&inst, &seed, order);
        assert_feasible(&inst, &al);
        prop_assert_eq!(naive_blocking_pairs(&inst, &al), vec![]);
        prop_assert!(al.unresolved().is_empty());
        // Non-wasteful, stated on its own: no child is refused a session it
        // prefers while that session has a place the rules let it take.
        let us = units(&inst, &al);
        let h = held(&inst, &al, &us);
        for u in &us {
            let rank = placement_of(&al, u).map_or(u32::MAX, |p| p.choice_rank);
            let a = &inst.applicants()[u.members[0]];
            for (s, r) in eligible_list(&inst, &al, u) {
                if r >= rank { break; }
                let session = &inst.sessions()[s];
                let taken: u32 = h[s].iter().map(|v| v.members.len() as u32).sum();
                if taken >= session.capacity { continue; }
                let roles = naive_choice(&inst, s, &h[s]);
                let reserve_open = session.reserves.iter().any(|res| {
                    a.reserve_group.as_deref() == Some(res.group.as_str())
                        && (h[s].iter().zip(&roles).filter(|(v, role)| **role == Some(true)
                            && inst.applicants()[v.members[0]].reserve_group.as_deref() == Some(res.group.as_str())).count() as u32) < res.places
                });
                let school_general = h[s].iter().zip(&roles)
                    .filter(|(v, role)| **role == Some(false) && inst.applicants()[v.members[0]].school == a.school && a.school.is_some())
                    .count() as u32;
                let cap_ok = session.school_cap.is_none_or(|cap| a.school.is_none() || school_general < cap);
                prop_assert!(!(reserve_open || cap_ok), "wasted place in {} refused to {}", session.id, a.id);
            }
        }
    }

    /// Same plain instance, same seed: same result; rows shuffled: same result.
    #[test]
    fn deterministic_and_independent_of_row_order(inst in arb_instance(5, 14, 4, BLOCKS), seed in arb_seed(), rot in 0usize..14) {
        let first = allocate(&inst, &seed);
        let again = allocate(&inst, &seed);
        prop_assert_eq!(first.placements(), again.placements());
        let mut apps = inst.applicants().to_vec();
        let n = apps.len();
        if n > 0 { apps.rotate_left(rot % n); apps.reverse(); }
        let mut sessions = inst.sessions().to_vec();
        sessions.reverse();
        // Choices refer to session positions, which the reversal moves.
        let last = sessions.len() as u32 - 1;
        for a in &mut apps { for c in &mut a.choices { *c = last - *c; } }
        let shuffled = Instance::new(sessions, apps).unwrap();
        let other = allocate(&shuffled, &seed);
        prop_assert_eq!(by_id(&inst, &first), by_id(&shuffled, &other));
    }

    /// Blocks are never split, capacities and caps hold, and every blocking
    /// pair that remains is reported (none hidden, none invented).
    #[test]
    fn blocks_together_and_blocking_pairs_reported(inst in arb_instance(4, 14, 3, BLOCKS), seed in arb_seed(), order in arb_order()) {
        let al = allocate_with(&inst, &seed, order);
        assert_feasible(&inst, &al);
        let mut naive: Vec<(Vec<usize>, usize)> = naive_blocking_pairs(&inst, &al);
        let mut reported: Vec<(Vec<usize>, usize)> = al.unresolved().iter()
            .map(|p| (p.applicants.iter().map(|&a| a as usize).collect(), p.session as usize)).collect();
        // The engine reports each unit's best blocking session; compare on that.
        naive.sort(); naive.dedup_by(|a, b| a.0 == b.0);
        reported.sort();
        prop_assert_eq!(naive, reported);
        prop_assert_eq!(smena_engine::blocking_pairs(&al).len(), naive_blocking_pairs(&inst, &al).len());
    }

    /// Withdrawal makes nobody worse off; without blocks it is exactly the
    /// re-run of the mechanism without the child.
    #[test]
    fn withdrawal_makes_nobody_worse_off(inst in arb_instance(4, 12, 3, BLOCKS), seed in arb_seed(), who in 0usize..12) {
        if inst.applicants().is_empty() { return Ok(()); }
        let who = who % inst.applicants().len();
        let before = allocate(&inst, &seed);
        let after = withdraw(&inst, &before, &[who as u32]).unwrap();
        for a in 0..inst.applicants().len() {
            if a != who {
                prop_assert!(rank_of(&after.allocation, a) <= rank_of(&before, a), "{} worse off", a);
            }
        }
        prop_assert_eq!(after.allocation.placement(who as u32), None);
        // Every change is listed, once.
        let moved: HashSet<u32> = after.moves.iter().map(|m| m.applicant).collect();
        for a in 0..inst.applicants().len() as u32 {
            prop_assert_eq!(moved.contains(&a), before.placement(a) != after.allocation.placement(a));
        }
        prop_assert_eq!(moved.len(), after.moves.len());
        if inst.blocks().is_empty() {
            prop_assert!(!after.protected);
            let rerun = allocate(&without(&inst, who), &seed);
            let mut expected = by_id(&without(&inst, who), &rerun);
            expected.insert(inst.applicants()[who].id.clone(), None);
            prop_assert_eq!(by_id(&inst, &after.allocation), expected);
            // and the result of a withdrawal can itself be withdrawn from
            let next = (who + 1) % inst.applicants().len();
            if next != who {
                let again = withdraw(&inst, &after.allocation, &[next as u32]).unwrap();
                for a in 0..inst.applicants().len() {
                    if a != who && a != next {
                        prop_assert!(rank_of(&again.allocation, a) <= rank_of(&after.allocation, a));
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(120), ..ProptestConfig::default() })]

    /// No child gets a better session by ranking differently: every list of
    /// at most K sessions is tried for every child.
    #[test]
    fn strategy_proof_for_children(inst in arb_instance(3, 6, 3, RICH), seed in arb_seed(), order in arb_order()) {
        let truth = allocate_with(&inst, &seed, order);
        let k = inst.applicants().iter().map(|a| a.choices.len()).max().unwrap_or(0).max(1);
        for (i, a) in inst.applicants().iter().enumerate() {
            let true_rank = rank_of(&truth, i);
            for lie in all_lists(inst.sessions().len(), k) {
                let other = allocate_with(&with_choices(&inst, i, lie), &seed, order);
                if let Some(p) = other.placement(i as u32)
                    && let Some(pos) = a.choices.iter().position(|&c| c == p.session)
                {
                    prop_assert!(pos as u32 + 1 >= true_rank,
                        "{} gains by misreporting: rank {} instead of {}", a.id, pos + 1, true_rank);
                }
            }
        }
    }

    /// On tiny instances the result is the child-optimal stable matching,
    /// found by enumerating every matching.
    #[test]
    fn equals_brute_force_child_optimal_stable_matching(inst in arb_instance(3, 6, 3, RICH), seed in arb_seed(), order in arb_order()) {
        let al = allocate_with(&inst, &seed, order);
        let us = units(&inst, &al);
        let lists: Vec<Vec<(usize, u32)>> = us.iter().map(|u| eligible_list(&inst, &al, u)).collect();
        let mut stable: Vec<Vec<Option<(usize, u32)>>> = Vec::new();
        let mut pick = vec![0usize; us.len()];
        loop {
            let m: Vec<Option<(usize, u32)>> = pick.iter().zip(&lists)
                .map(|(&p, l)| if p == 0 { None } else { Some(l[p - 1]) }).collect();
            if is_stable(&inst, &us, &lists, &m) { stable.push(m); }
            // next combination
            let mut i = 0;
            loop {
                if i == pick.len() { break; }
                pick[i] += 1;
                if pick[i] <= lists[i].len() { break; }
                pick[i] = 0;
                i += 1;
            }
            if i == pick.len() { break; }
        }
        prop_assert!(!stable.is_empty(), "no stable matching found");
        let rank = |x: &Option<(usize, u32)>| x.map_or(u32::MAX, |(_, r)| r);
        let optimal: Vec<&Vec<Option<(usize, u32)>>> = stable.iter()
            .filter(|m| stable.iter().all(|o| m.iter().zip(o.iter()).all(|(a, b)| rank(a) <= rank(b))))
            .collect();
        prop_assert_eq!(optimal.len(), 1, "the child-optimal stable matching should be unique");
        let engine: Vec<Option<(usize, u32)>> = us.iter()
            .map(|u| placement_of(&al, u).map(|p| (p.session as usize, p.choice_rank))).collect();
        prop_assert_eq!(optimal[0], &engine);
    }
}

fn is_stable(
    inst: &Instance,
    us: &[Unit],
    lists: &[Vec<(usize, u32)>],
    m: &[Option<(usize, u32)>],
) -> bool {
    let mut h: Vec<Vec<Unit>> = vec![Vec::new(); inst.sessions().len()];
    for (u, p) in us.iter().zip(m) {
        if let Some((s, _)) = p {
            h[*s].push(u.clone());
        }
    }
    for (s, hs) in h.iter().enumerate() {
        if !naive_choice(inst, s, hs).iter().all(Option::is_some) {
            return false;
        }
    }
    for ((u, p), list) in us.iter().zip(m).zip(lists) {
        let rank = p.map_or(u32::MAX, |(_, r)| r);
        for &(s, r) in list {
            if r >= rank {
                break;
            }
            let mut cands = h[s].clone();
            cands.push(u.clone());
            if naive_choice(inst, s, &cands).last().unwrap().is_some() {
                return false;
            }
        }
    }
    true
}

/// The lowest of these priorities (the last admitted).
fn worst<'a>(ps: impl Iterator<Item = &'a Priority>) -> Option<Priority> {
    ps.fold(None, |w: Option<Priority>, p| match w {
        Some(w) if better(p, &w) => Some(w),
        _ => Some(*p),
    })
}

/// Checks what a verdict states about session `s` for child `i` against
/// the allocation itself, read through the naive rules: who holds the
/// session's places, on a reserve or a general place, and their priorities.
fn verdict_facts(
    inst: &Instance,
    al: &Allocation,
    i: usize,
    s: usize,
    v: &Verdict,
) -> Result<(), String> {
    let us = units(inst, al);
    let unit = us
        .iter()
        .find(|u| u.members.contains(&i))
        .ok_or("no unit")?;
    let holders = &held(inst, al, &us)[s];
    let split = naive_choice(inst, s, holders);
    let session = &inst.sessions()[s];
    let apps = inst.applicants();
    let on_reserve: Vec<&Unit> = holders
        .iter()
        .zip(&split)
        .filter(|(_, d)| **d == Some(true))
        .map(|(u, _)| u)
        .collect();
    let on_general: Vec<&Unit> = holders
        .iter()
        .zip(&split)
        .filter(|(_, d)| **d == Some(false))
        .map(|(u, _)| u)
        .collect();
    let size = |us: &[&Unit]| us.iter().map(|u| u.members.len() as u32).sum::<u32>();
    let general_places = session.capacity - size(&on_reserve);
    let own_priority = unit.priority;
    // The reserve the unit may take here: its group's, with places, when
    // every child of the unit is in the group.
    let group = apps[i].reserve_group.as_deref();
    let my_reserve = session.reserves.iter().find(|r| {
        r.places > 0
            && Some(r.group.as_str()) == group
            && unit
                .members
                .iter()
                .all(|&m| apps[m].reserve_group.as_deref() == group)
    });
    let check = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{what}: {v:?}"))
        }
    };
    let same_own = |own: &Priority| check(*own == own_priority, "own priority");
    match v {
        Verdict::BelowCutoff {
            own,
            cutoff,
            reserve,
        } => {
            same_own(own)?;
            check(
                !on_general.is_empty()
                    && size(&on_general) + unit.members.len() as u32 > general_places,
                "general places full",
            )?;
            check(
                worst(on_general.iter().map(|u| &u.priority)) == Some(*cutoff),
                "cutoff is the last admitted on a general place",
            )?;
            check(better(cutoff, own), "cutoff above the child")?;
            match (reserve, my_reserve) {
                (Some((g, rc)), Some(r)) => {
                    check(*g == r.group, "the child's own group")?;
                    let mine: Vec<&Unit> = on_reserve
                        .iter()
                        .copied()
                        .filter(|u| apps[u.members[0]].reserve_group.as_deref() == Some(g.as_str()))
                        .collect();
                    check(
                        worst(mine.iter().map(|u| &u.priority)) == Some(*rc),
                        "reserve cutoff is the last admitted on it",
                    )?;
                    check(better(rc, own), "reserve cutoff above the child")
                }
                (None, None) => Ok(()),
                _ => check(
                    false,
                    "a reserve is named exactly when the child's group has one",
                ),
            }
        }
        Verdict::ReserveFilled {
            own,
            group: g,
            cutoff,
        } => {
            same_own(own)?;
            let r = my_reserve.ok_or_else(|| format!("no reserve of the child's group: {v:?}"))?;
            check(*g == r.group, "the child's own group")?;
            check(general_places == 0, "no general place")?;
            let mine: Vec<&Unit> = on_reserve
                .iter()
                .copied()
                .filter(|u| apps[u.members[0]].reserve_group.as_deref() == Some(g.as_str()))
                .collect();
            check(
                size(&mine) + unit.members.len() as u32 > r.places,
                "the group's reserve full",
            )?;
            check(
                worst(mine.iter().map(|u| &u.priority)) == Some(*cutoff),
                "cutoff is the last admitted on the reserve",
            )?;
            check(better(cutoff, own), "cutoff above the child")
        }
        Verdict::AllPlacesReserved { own } => {
            same_own(own)?;
            check(general_places == 0, "no general place")?;
            check(
                my_reserve.is_none(),
                "the child is in none of the reserving groups",
            )
        }
        Verdict::SchoolCapReached {
            own,
            school,
            cap,
            cutoff,
        } => {
            same_own(own)?;
            check(session.school_cap == Some(*cap), "the session's cap")?;
            check(
                unit.members
                    .iter()
                    .any(|&m| apps[m].school.as_deref() == Some(school.as_str())),
                "the child's school",
            )?;
            // The school's children on general places ranked above the child.
            let of_school: Vec<&Unit> = on_general
                .iter()
                .copied()
                .filter(|u| better(&u.priority, own))
                .filter(|u| {
                    u.members
                        .iter()
                        .any(|&m| apps[m].school.as_deref() == Some(school.as_str()))
                })
                .collect();
            let count = of_school
                .iter()
                .flat_map(|u| &u.members)
                .filter(|&&m| apps[m].school.as_deref() == Some(school.as_str()))
                .count() as u32;
            let need = unit
                .members
                .iter()
                .filter(|&&m| apps[m].school.as_deref() == Some(school.as_str()))
                .count() as u32;
            check(
                count + need > *cap,
                "the school's children above fill the cap",
            )?;
            match cutoff {
                Some(c) => {
                    check(
                        worst(of_school.iter().map(|u| &u.priority)) == Some(*c),
                        "cutoff is the school's last admitted above",
                    )?;
                    check(better(c, own), "cutoff above the child")
                }
                None => check(
                    count == 0 && need > *cap,
                    "no cutoff: none of the school above, more children than the cap",
                ),
            }
        }
        Verdict::NoPlaces => check(session.capacity == 0, "no places"),
        Verdict::BlockDoesNotFit {
            own,
            children,
            places_left,
        } => {
            same_own(own)?;
            check(
                *children == unit.members.len() as u32 && *children > 1,
                "a block's size",
            )?;
            check(places_left < children, "fewer places left than children")
        }
        Verdict::Unresolved { own } => {
            same_own(own)?;
            check(
                unit.members.len() > 1 || !al.unresolved().is_empty(),
                "only with blocks",
            )
        }
        Verdict::HeldByEarlierOffers { .. } => check(false, "only in a backfill"),
        Verdict::Placed | Verdict::Ineligible(_) => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(100), ..ProptestConfig::default() })]

    /// Larger instances with capacities only: stable and feasible.
    #[test]
    fn stable_on_larger_plain_instances(inst in arb_instance(12, 60, 6, PLAIN), seed in arb_seed(), order in arb_order()) {
        let al = allocate_with(&inst, &seed, order);
        assert_feasible(&inst, &al);
        prop_assert_eq!(naive_blocking_pairs(&inst, &al), vec![]);
    }

    /// Larger instances with everything but blocks: stable and feasible.
    #[test]
    fn stable_on_larger_rich_instances(inst in arb_instance(12, 60, 6, RICH), seed in arb_seed(), order in arb_order()) {
        let al = allocate_with(&inst, &seed, order);
        assert_feasible(&inst, &al);
        prop_assert_eq!(naive_blocking_pairs(&inst, &al), vec![]);
    }

    /// Every explanation agrees with the result and the rules: one entry per
    /// ranked session down to the placement, a stated cutoff is really above
    /// the child, and no "unresolved" verdict without blocks.
    #[test]
    fn explanations_agree_with_the_result(inst in arb_instance(6, 30, 4, RICH), seed in arb_seed()) {
        let al = allocate(&inst, &seed);
        for (i, a) in inst.applicants().iter().enumerate() {
            let rows = explain(&inst, &al, i as u32);
            let expected_len = al.placement(i as u32).map_or(a.choices.len(), |p| p.choice_rank as usize);
            prop_assert_eq!(rows.len(), expected_len);
            for (k, row) in rows.iter().enumerate() {
                prop_assert_eq!(row.choice_rank as usize, k + 1);
                prop_assert_eq!(row.session, a.choices[k]);
                let is_last_and_placed = al.placement(i as u32).is_some() && k + 1 == rows.len();
                prop_assert_eq!(row.verdict == Verdict::Placed, is_last_and_placed);
                let eligible = al.ineligibility(i as u32, k).is_none();
                prop_assert_eq!(matches!(row.verdict, Verdict::Ineligible(_)), !eligible);
                match &row.verdict {
                    Verdict::BelowCutoff { own, cutoff, reserve } => {
                        prop_assert!(cutoff.is_better_than(own));
                        if let Some((_, reserve_cutoff)) = reserve {
                            prop_assert!(reserve_cutoff.is_better_than(own));
                        }
                        prop_assert_eq!(Some(*own), al.priority(i as u32));
                    }
                    Verdict::SchoolCapReached { own, cutoff, cap, .. } => {
                        prop_assert!(cutoff.is_none_or(|c| c.is_better_than(own)));
                        prop_assert_eq!(Some(*cap), inst.sessions()[row.session as usize].school_cap);
                    }
                    Verdict::NoPlaces => prop_assert_eq!(inst.sessions()[row.session as usize].capacity, 0),
                    Verdict::Unresolved { .. } | Verdict::HeldByEarlierOffers { .. } | Verdict::BlockDoesNotFit { .. } => {
                        prop_assert!(false, "{:?} without blocks or backfill", row.verdict);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Every fact a verdict states (cutoffs, places, groups, caps) is true
    /// of the allocation, read through the naive rules.
    #[test]
    fn every_verdict_states_facts_of_the_allocation(inst in arb_instance(6, 30, 4, RICH), seed in arb_seed()) {
        let al = allocate(&inst, &seed);
        for i in 0..inst.applicants().len() {
            if al.is_withdrawn(i as u32) {
                continue;
            }
            for row in explain(&inst, &al, i as u32) {
                if let Err(e) = verdict_facts(&inst, &al, i, row.session as usize, &row.verdict) {
                    prop_assert!(false, "child {i}, session {}: {e}", row.session);
                }
            }
        }
    }

    /// The same with children applying together.
    #[test]
    fn every_verdict_states_facts_with_blocks(inst in arb_instance(6, 30, 4, BLOCKS), seed in arb_seed()) {
        let al = allocate(&inst, &seed);
        for i in 0..inst.applicants().len() {
            if al.is_withdrawn(i as u32) {
                continue;
            }
            for row in explain(&inst, &al, i as u32) {
                if let Err(e) = verdict_facts(&inst, &al, i, row.session as usize, &row.verdict) {
                    prop_assert!(false, "child {i}, session {}: {e}", row.session);
                }
            }
        }
    }

    /// The proposal order changes the work done, never the result.
    #[test]
    fn proposal_order_does_not_change_the_result(inst in arb_instance(12, 60, 6, RICH), seed in arb_seed()) {
        let by_priority = allocate_with(&inst, &seed, ProposalOrder::Priority);
        let by_lottery = allocate_with(&inst, &seed, ProposalOrder::Lottery);
        prop_assert_eq!(by_priority.placements(), by_lottery.placements());
    }
}

/// A child of a group whose reserve takes every place, the reserve filled
/// by a child of the group ranked higher, is told so with the reserve's
/// cutoff, not that the places are reserved for groups they are not in.
#[test]
fn a_filled_reserve_of_the_childs_own_group_is_named() {
    let mut session = Session::new("S", 1);
    session.reserves.push(Reserve {
        group: "rural".into(),
        places: 1,
    });
    let mut first = Applicant::new("A", Score::points(5), vec![0]);
    first.reserve_group = Some("rural".into());
    let mut second = Applicant::new("B", Score::points(3), vec![0]);
    second.reserve_group = Some("rural".into());
    let inst = Instance::new(vec![session], vec![first, second]).unwrap();
    let al = allocate(&inst, &Seed::from_bytes([7; 32]));
    let rows = explain(&inst, &al, 1);
    match &rows[0].verdict {
        Verdict::ReserveFilled { group, cutoff, own } => {
            assert_eq!(group, "rural");
            assert_eq!(Some(*cutoff), al.priority(0));
            assert_eq!(Some(*own), al.priority(1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rows[0].verdict.code(), "reserve_filled");
    verdict_facts(&inst, &al, 1, 0, &rows[0].verdict).unwrap();
}
