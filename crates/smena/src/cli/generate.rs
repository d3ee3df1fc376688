//! `smena generate`: the reference scenario and synthetic benchmark
//! instances, as the CSV files `smena allocate` reads.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::{Failure, write_all_or_nothing};
use crate::scenario::{self, Files, Synthetic};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// The Sakha (Yakutia) reference scenario: Yakutsk and uluses, two host camps
    Yakutia {
        /// Directory for sessions.csv and applicants.csv
        #[arg(long)]
        out: PathBuf,
        /// Generator seed (any number); the same seed gives the same files
        #[arg(long, default_value_t = 2027)]
        seed: u64,
    },
    /// A large synthetic instance with skewed session popularity
    Synthetic {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        applicants: usize,
        #[arg(long, default_value_t = 2_000)]
        sessions: usize,
        #[arg(long, default_value_t = 5)]
        choices: usize,
        /// Every applicant gets a different score (no ties)
        #[arg(long)]
        distinct_scores: bool,
        /// Per-school cap on each session's general places
        #[arg(long)]
        school_cap: Option<u32>,
        /// Reserve 5% of each session's places for one of four districts
        #[arg(long)]
        reserves: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (out, files) = match args.what {
        What::Yakutia { out, seed } => (out, scenario::yakutia::generate(seed)),
        What::Synthetic {
            out,
            applicants,
            sessions,
            choices,
            distinct_scores,
            school_cap,
            reserves,
            seed,
        } => {
            if sessions == 0 {
                return Err(Failure::BadInput("--sessions must be at least 1".into()));
            }
            let params = Synthetic {
                applicants,
                sessions,
                choices,
                distinct_scores,
                school_cap,
                reserves,
                seed,
            };
            (out, scenario::synthetic::generate(&params))
        }
    };
    write_files(&out, &files)
}

fn write_files(dir: &std::path::Path, files: &Files) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot create {}: {e}", dir.display())))?;
    let sessions = dir.join("sessions.csv");
    let applicants = dir.join("applicants.csv");
    write_all_or_nothing(vec![
        (
            &sessions,
            Box::new(|out: &mut dyn Write| out.write_all(files.sessions_csv.as_bytes())),
        ),
        (
            &applicants,
            Box::new(|out: &mut dyn Write| out.write_all(files.applicants_csv.as_bytes())),
        ),
    ])?;
    println!("wrote {} and {}", sessions.display(), applicants.display());
    Ok(())
}
