//! Spreadsheets coming in: [`table`] reads an XLSX or CSV file into rows
//! and names every problem by row and column; [`staging`] keeps a previewed
//! file until it is confirmed. One bad row refuses the whole file: an
//! import is written whole or not at all, and only once the person
//! importing it has seen the preview. School rosters and children's
//! achievements are read through here.

pub mod staging;
pub mod table;

pub use staging::{Staged, discard, off_thread, receive, refusal, stage, staged};
pub use table::*;
