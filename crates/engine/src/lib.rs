//! # smena-engine
//!
//! Decides which child gets which camp session: child-proposing deferred
//! acceptance with session capacities, one lottery number per child for ties
//! (ChaCha20 keyed by a committed seed), eligibility checked first, per-school
//! caps, reserved places that fall back to general places, and blocks of
//! children placed together. Results come with explanations, a vacancy chain
//! on withdrawal, and what is needed to verify them independently.
//!
//! The rules are stated in full in `docs/ALLOCATION.md`. No I/O, no async.
//!
//! ```
//! use smena_engine::{Applicant, Instance, Score, Seed, Session, allocate};
//!
//! let sessions = vec![Session::new("wonsan-july", 1)];
//! let applicants = vec![
//!     Applicant::new("A1", Score::points(12), vec![0]),
//!     Applicant::new("A2", Score::points(15), vec![0]),
//! ];
//! let instance = Instance::new(sessions, applicants).unwrap();
//! let result = allocate(&instance, &Seed::from_bytes([7; 32]));
//! assert_eq!(result.placement(0), None);
//! assert_eq!(result.placement(1).unwrap().choice_rank, 1);
//! ```

mod allocation;
mod backfill;
mod choice;
mod eligibility;
mod explain;
mod instance;
mod lottery;
mod market;
mod mechanism;
mod receipts;
mod score;
mod verify;

pub use allocation::{
    Allocation, BlockingPair, Placement, SessionOutcome, allocate, allocate_with,
};
pub use backfill::{Backfill, Move, WithdrawError, withdraw};
pub use eligibility::{Ineligibility, add_months, age_on, check as check_eligibility};
pub use explain::{ChoiceExplanation, Verdict, explain};
pub use instance::{
    Applicant, ApplicantIdx, Block, Instance, InstanceError, MAX_BLOCK_SIZE, MAX_RESERVES, Reserve,
    Session, SessionIdx, SessionRules,
};
pub use lottery::{Beacon, Commitment, HexError, Seed, drand};
pub use mechanism::ProposalOrder;
pub use receipts::{Receipt, ReceiptError, Tree};
pub use score::{Priority, Score, ScoreError};
pub use verify::{blocking_pairs, digest, placements_csv, seed_matches};

/// Re-exported so callers build dates without depending on `time` directly.
pub use time::Date;
