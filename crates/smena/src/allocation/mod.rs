//! Allocation as the outside world sees it: the CSV contract of
//! `smena allocate` / `smena verify` (DESIGN.md, "The CLI allocation
//! contract") and explanations in words.

pub mod contract;
pub mod offers;
mod routes;
pub mod runs;
pub mod wording;

pub use routes::{by_district, router};
