//! The service end to end over HTTP: the real app on port 0, against a
//! fresh SQLite file and a fresh PostgreSQL database; every scenario runs on
//! both. PostgreSQL is reached at `SMENA_TEST_POSTGRES` (default: the local
//! server, user postgres, trust authentication). One module per feature.
#![allow(clippy::unwrap_used)]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod allocation;
mod api;
mod applications;
mod audit;
mod documents;
mod groups;
mod home;
mod incidents;
mod language;
mod lifecycle;
mod needs;
mod notifications;
mod papers;
mod policy;
mod privacy;
mod programmes;
mod races;
mod retention;
mod roll_calls;
mod rooms;
mod scenario;
mod schools;
mod security;
mod store;
mod web;
