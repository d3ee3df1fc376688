//! Smena: the command-line tool and (later) the service around the
//! allocation engine. Organised by feature: `allocation` owns the published
//! file formats and the wording of explanations, `scenario` generates the
//! reference scenario and benchmark instances, `cli` has one file per
//! subcommand.

pub mod allocation;
pub mod cli;
pub mod scenario;
