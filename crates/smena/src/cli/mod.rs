//! `smena`: one file per subcommand. Exit status: 0 success, 1 a check
//! failed (verify) or the output could not be written, 2 bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::allocation::contract::{self, Inputs};

mod allocate;
mod audit;
mod backup;
mod commit;
mod export;
mod generate;
mod import;
mod keys;
mod progress;
mod purge;
mod serve;
mod verify;

#[derive(Parser)]
#[command(
    name = "smena",
    version,
    about = "Smena: fair, explainable and verifiable placement of children in camp sessions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the reference scenario on an embedded SQLite file, with a login per role
    Demo(serve::DemoArgs),
    /// Run the service
    Serve(serve::ServeArgs),
    /// Apply the database migrations and exit
    Migrate(serve::MigrateArgs),
    /// Place applicants into sessions (the allocation contract, see README)
    Allocate(allocate::Args),
    /// Recompute an allocation from its inputs and seed, and check a published result
    Verify(verify::Args),
    /// Print the SHA-256 commitment of a seed, or draw a new seed and its commitment
    Commit(commit::Args),
    /// Write the reference scenario or a synthetic benchmark instance as CSV files
    Generate(generate::Args),
    /// Import a school's pupils from an XLSX or CSV file (checked; written only with --yes)
    Import(import::Args),
    /// Export applications, placements, the waitlist or a session's manifest to XLSX or CSV
    Export(export::Args),
    /// The audit log: `smena audit verify` checks its hash chain
    Audit(audit::Args),
    /// Write an encrypted backup of a SQLite database while the service runs
    Backup(backup::BackupArgs),
    /// Restore a backup into a new SQLite file, and check it
    Restore(backup::RestoreArgs),
    /// The server's key: `smena keys rotate` makes a new one without downtime
    Keys(keys::Args),
    /// Delete the personal data of programmes past their retention date (the service does it daily)
    Purge(purge::Args),
}

/// How a command failed, which decides the exit status.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit status 2, nothing written.
    BadInput(String),
    /// A check found a difference (verify): exit status 1.
    Mismatch(String),
    /// Anything else (could not write output): exit status 1.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Demo(args) => serve::demo(args),
        Command::Serve(args) => serve::serve(args),
        Command::Migrate(args) => serve::migrate(args),
        Command::Allocate(args) => allocate::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Commit(args) => commit::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Backup(args) => backup::backup(args),
        Command::Restore(args) => backup::restore(args),
        Command::Keys(args) => keys::run(args),
        Command::Purge(args) => purge::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Mismatch(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The database a command works on (`--database`), the same for every
/// command that takes one.
#[derive(clap::Args)]
pub struct DatabaseArg {
    /// A SQLite file path or sqlite:// URL, or a postgres:// URL
    #[arg(long = "database", default_value = "smena.db")]
    pub url: String,
}

/// The two input files of the allocation contract.
#[derive(clap::Args)]
pub struct InputFiles {
    /// Sessions: header session_id,capacity (optional columns in README)
    #[arg(long)]
    sessions: PathBuf,
    /// Applicants: header applicant_id,score,choice_1,...,choice_K
    #[arg(long)]
    applicants: PathBuf,
}

impl InputFiles {
    fn paths(&self) -> [&Path; 2] {
        [&self.sessions, &self.applicants]
    }

    /// Reads and checks both files, with progress.
    fn load(&self) -> Result<Inputs, Failure> {
        load(&self.sessions, &self.applicants)
    }
}

/// A file's name as shown in messages: the path as the user typed it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", shown(path))))
}

/// Reads and checks `sessions.csv` and `applicants.csv`, with progress.
fn load(sessions: &Path, applicants: &Path) -> Result<Inputs, Failure> {
    let s = read(sessions)?;
    let a = read(applicants)?;
    let bar = progress::Progress::new("reading", (s.len() + a.len()) as u64);
    let inputs = contract::parse(&shown(sessions), &s, &shown(applicants), &a, &|done| {
        bar.set(done)
    })
    .map_err(|e| Failure::BadInput(e.to_string()));
    bar.finish();
    inputs
}

/// Refuses output paths that would overwrite an input or each other.
fn check_outputs(inputs: &[&Path], outputs: &[&Path]) -> Result<(), Failure> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    for (i, out) in outputs.iter().enumerate() {
        for input in inputs {
            if canon(out) == canon(input) {
                return Err(Failure::BadInput(format!(
                    "{} is an input file; refusing to overwrite it",
                    shown(out)
                )));
            }
        }
        if outputs[..i].iter().any(|o| canon(o) == canon(out)) {
            return Err(Failure::BadInput(format!(
                "{} is named for two outputs",
                shown(out)
            )));
        }
    }
    Ok(())
}

/// Writes one output file's content.
pub type Content<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// Writes every file or none: each is streamed to a temporary file beside
/// its destination first, and all are renamed only once all were written.
fn write_all_or_nothing(files: Vec<(&Path, Content<'_>)>) -> Result<(), Failure> {
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, &Path)]| {
        for (t, _) in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (dest, content) in files {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dest.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&temp).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            content(&mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()
        });
        if let Err(e) = written {
            cleanup(&temps);
            let _ = std::fs::remove_file(&temp);
            return Err(Failure::Other(anyhow::anyhow!(
                "cannot write {}: {e}",
                shown(dest)
            )));
        }
        temps.push((temp, dest));
    }
    for (temp, dest) in &temps {
        if let Err(e) = std::fs::rename(temp, dest) {
            cleanup(&temps);
            return Err(Failure::Other(anyhow::anyhow!(
                "cannot write {}: {e}",
                shown(dest)
            )));
        }
    }
    Ok(())
}
