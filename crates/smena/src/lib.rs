//! Smena: the command-line tool and the service around the allocation
//! engine. Organised by feature (`accounts`, `programmes`, `applications`,
//! `documents`, `schools`, `allocation`, `camps`, `notifications`, `audit`,
//! `api`, `public`), each owning its routes, queries and templates; `web`
//! assembles them, `store` is the database, `scenario` generates the
//! reference scenario, `cli` has one file per subcommand.

pub mod accounts;
pub mod allocation;
pub mod api;
pub mod applications;
pub mod audit;
pub mod camps;
pub mod cli;
pub mod dashboard;
pub mod documents;
pub mod exports;
pub mod imports;
pub mod language;
pub mod notifications;
pub mod programmes;
pub mod public;
pub mod scenario;
pub mod schools;
pub mod store;
pub mod web;
