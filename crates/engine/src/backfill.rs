//! Withdrawals and backfill: when children leave, the mechanism runs again
//! without them and the places they free travel down vacancy chains.
//!
//! Without blocks, re-running deferred acceptance without a child leaves every
//! other child with the same or a better session (the child-optimal stable
//! matching only improves for children when one leaves). With blocks the
//! heuristic gives no such theorem, so the result is checked; if anyone would
//! lose out, the run is repeated with every child protected at the session
//! they held (considered first there, lists cut below it), which makes losing
//! a place impossible.

use std::collections::VecDeque;

use thiserror::Error;

use crate::allocation::{Allocation, Placement, run};
use crate::instance::{ApplicantIdx, Instance, SessionIdx};
use crate::mechanism::ProposalOrder;

/// One child whose placement changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub applicant: ApplicantIdx,
    pub from: Option<Placement>,
    pub to: Option<Placement>,
}

/// The new allocation and who moved where, in vacancy-chain order: first the
/// withdrawn children, then whoever took each freed place, then whoever took
/// theirs, and so on.
#[derive(Clone, Debug)]
pub struct Backfill {
    pub allocation: Allocation,
    pub moves: Vec<Move>,
    /// True when the plain re-run would have made someone worse off and
    /// placements were protected instead.
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WithdrawError {
    #[error("applicant number {0} does not exist")]
    UnknownApplicant(ApplicantIdx),
    #[error("the allocation was made for a different set of applicants")]
    WrongInstance,
}

/// Withdraws `leaving` (on top of anyone withdrawn before) and re-runs.
pub fn withdraw(
    instance: &Instance,
    previous: &Allocation,
    leaving: &[ApplicantIdx],
) -> Result<Backfill, WithdrawError> {
    let n = instance.applicants().len();
    if previous.placements.len() != n {
        return Err(WithdrawError::WrongInstance);
    }
    let mut withdrawn = previous.withdrawn.clone();
    for &a in leaving {
        *withdrawn
            .get_mut(a as usize)
            .ok_or(WithdrawError::UnknownApplicant(a))? = true;
    }
    let order = ProposalOrder::default();
    let plain = run(
        instance,
        previous.lottery.clone(),
        withdrawn.clone(),
        None,
        order,
    );
    let worse_off =
        (0..n).any(|a| !withdrawn[a] && is_worse(previous.placements[a], plain.placements[a]));
    let (allocation, protected) = if worse_off {
        let guarantee: Vec<Option<SessionIdx>> = previous
            .placements
            .iter()
            .map(|p| p.map(|p| p.session))
            .collect();
        (
            run(
                instance,
                previous.lottery.clone(),
                withdrawn,
                Some(&guarantee),
                order,
            ),
            true,
        )
    } else {
        (plain, false)
    };
    let moves = vacancy_chains(instance, previous, &allocation, leaving);
    Ok(Backfill {
        allocation,
        moves,
        protected,
    })
}

fn is_worse(before: Option<Placement>, after: Option<Placement>) -> bool {
    match (before, after) {
        (Some(_), None) => true,
        (Some(b), Some(a)) => a.choice_rank > b.choice_rank,
        _ => false,
    }
}

/// Orders the changes so that each move follows the one that freed its place.
fn vacancy_chains(
    instance: &Instance,
    before: &Allocation,
    after: &Allocation,
    leaving: &[ApplicantIdx],
) -> Vec<Move> {
    let n = instance.applicants().len();
    let changed: Vec<ApplicantIdx> = (0..n as ApplicantIdx)
        .filter(|&a| before.placements[a as usize] != after.placements[a as usize])
        .collect();
    let mut done = vec![false; n];
    let mut moves = Vec::with_capacity(changed.len());
    let mut freed: VecDeque<SessionIdx> = VecDeque::new();
    let mut record = |a: ApplicantIdx, done: &mut Vec<bool>, freed: &mut VecDeque<SessionIdx>| {
        if !done[a as usize] {
            done[a as usize] = true;
            let from = before.placements[a as usize];
            moves.push(Move {
                applicant: a,
                from,
                to: after.placements[a as usize],
            });
            if let Some(p) = from {
                freed.push_back(p.session);
            }
        }
    };
    for &a in leaving {
        if (a as usize) < n && before.placements[a as usize] != after.placements[a as usize] {
            record(a, &mut done, &mut freed);
        }
    }
    loop {
        while let Some(s) = freed.pop_front() {
            // Children who moved into `s`, best priority first.
            let mut into: Vec<ApplicantIdx> = changed
                .iter()
                .copied()
                .filter(|&a| {
                    !done[a as usize]
                        && after.placements[a as usize].is_some_and(|p| p.session == s)
                })
                .collect();
            into.sort_by_key(|&a| after.market.unit_of[a as usize]);
            for a in into {
                record(a, &mut done, &mut freed);
            }
        }
        // Anything not reached by a chain (e.g. a change of reserve use).
        match changed.iter().copied().find(|&a| !done[a as usize]) {
            Some(a) => record(a, &mut done, &mut freed),
            None => break,
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Applicant, Score, Seed, Session, allocate};

    /// A (best) holds S1, B holds S2 wanting S1, C holds S3 wanting S2, D is
    /// unplaced wanting S3. When A leaves, the place travels S1 → B, S2 → C,
    /// S3 → D, and the moves come out in that order.
    #[test]
    fn a_withdrawal_starts_a_vacancy_chain() {
        let sessions = vec![
            Session::new("S1", 1),
            Session::new("S2", 1),
            Session::new("S3", 1),
        ];
        let applicants = vec![
            Applicant::new("D", Score::points(1), vec![2]),
            Applicant::new("C", Score::points(2), vec![1, 2]),
            Applicant::new("A", Score::points(4), vec![0]),
            Applicant::new("B", Score::points(3), vec![0, 1]),
        ];
        let instance = Instance::new(sessions, applicants).unwrap();
        let before = allocate(&instance, &Seed::from_bytes([1; 32]));
        assert_eq!(before.placement(0), None);
        let after = withdraw(&instance, &before, &[2]).unwrap();
        let chain: Vec<(&str, Option<u32>, Option<u32>)> = after
            .moves
            .iter()
            .map(|m| {
                (
                    instance.applicants()[m.applicant as usize].id.as_str(),
                    m.from.map(|p| p.session),
                    m.to.map(|p| p.session),
                )
            })
            .collect();
        assert_eq!(
            chain,
            vec![
                ("A", Some(0), None),
                ("B", Some(1), Some(0)),
                ("C", Some(2), Some(1)),
                ("D", None, Some(2))
            ]
        );
        assert!(!after.protected);
        assert!(after.allocation.is_withdrawn(2));
        assert!(withdraw(&instance, &before, &[9]).is_err());
    }
}
