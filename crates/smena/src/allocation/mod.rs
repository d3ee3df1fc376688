//! Allocation: runs of the engine on a programme's applications (dry or
//! final, each kept with its anonymised inputs and result), their review
//! and publication, the offers families answer and the backfill that
//! follows; the CSV contract of `smena allocate` / `smena verify` (README,
//! "The allocation contract") and explanations in words.

pub mod contract;
pub mod lottery;
pub mod offers;
mod routes;
pub mod runs;
pub mod waitlist;
pub mod wording;

pub use routes::{by_district, router};
