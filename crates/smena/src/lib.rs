//! Smena: the command-line tool and the service around the allocation
//! engine. Imports point one way: `cli` → `app` → the features → the
//! kernel.
//!
//! - `cli`: one file per subcommand; `scenario` writes the reference
//!   scenario (the demo) through the features' own functions.
//! - `app`: assembles every feature's routes and starts the jobs.
//! - The features, each owning its routes, queries, domain types and
//!   templates' data: `programmes`, `accounts`, `audit`, `notifications`,
//!   `imports`, `documents`, `applications`, `schools`, `allocation`,
//!   `camps`, `dashboard`, `papers`, `exports`, `public`, `api`, `privacy`
//!   (a family's data export and deletion, the purge). A feature
//!   uses another only where the domain says so (allocation reads
//!   applications), never the other way round.
//! - The kernel, which imports no feature: `web` (state, logins, CSRF, the
//!   policy table, errors, page chrome), `store` (connections, migrations,
//!   the one audited write, files, cache), `language` (lookup, plurals,
//!   dates, stored messages), `domain` (the typed vocabulary and value
//!   parsers), `charts` (SVG drawn from data the charts define).

pub mod accounts;
pub mod allocation;
pub mod api;
pub mod app;
pub mod applications;
#[cfg(test)]
mod architecture;
pub mod audit;
pub mod camps;
pub mod charts;
pub mod cli;
pub mod dashboard;
pub mod documents;
pub mod domain;
pub mod exports;
pub mod groups;
pub mod imports;
pub mod incidents;
pub mod language;
pub mod needs;
pub mod notifications;
pub mod papers;
pub mod privacy;
pub mod programmes;
pub mod public;
pub mod rooms;
pub mod scenario;
pub mod schools;
pub mod store;
pub mod web;
