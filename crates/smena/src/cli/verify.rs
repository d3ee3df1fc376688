//! `smena verify`: anyone can check that a published result is exactly what
//! the rules and the revealed seed produce.

use std::path::PathBuf;

use smena_engine::{Commitment, Seed, allocate, digest, placements_csv, seed_matches};

use super::progress::Progress;
use super::{Failure, InputFiles, read, shown};
use crate::allocation::contract::parse_placements;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: InputFiles,
    /// The revealed seed, 64 hexadecimal digits
    #[arg(long)]
    seed: String,
    /// The commitment published before applications opened
    #[arg(long)]
    commitment: String,
    /// The published placements.csv
    #[arg(long)]
    placements: PathBuf,
}

/// Differences shown before the rest are only counted.
const SHOWN: usize = 10;

pub fn run(args: Args) -> Result<(), Failure> {
    let seed = Seed::from_hex(&args.seed).map_err(|e| Failure::BadInput(format!("--seed: {e}")))?;
    let commitment = Commitment::from_hex(&args.commitment)
        .map_err(|e| Failure::BadInput(format!("--commitment: {e}")))?;
    let inputs = args.inputs.load()?;
    let published_bytes = read(&args.placements)?;
    let published = parse_placements(&shown(&args.placements), &published_bytes)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    if !seed_matches(&seed, &commitment) {
        return Err(Failure::Mismatch(format!(
            "NOT VERIFIED: the seed does not match the commitment (SHA-256 of the seed is {}, the published commitment is {})",
            seed.commitment(),
            commitment
        )));
    }

    let stage = Progress::stage("allocating");
    let instance = &inputs.instance;
    let allocation = allocate(instance, &seed);
    stage.finish();

    let mut problems = Vec::new();
    let file = shown(&args.placements);
    if published.len() != instance.applicants().len() {
        problems.push(format!(
            "{file} has {} rows; the inputs have {} applicants",
            published.len(),
            instance.applicants().len()
        ));
    }
    for (i, (a, row)) in instance.applicants().iter().zip(&published).enumerate() {
        let expected = allocation.placement(i as u32).map(|p| {
            (
                instance.sessions()[p.session as usize].id.as_str(),
                p.choice_rank.to_string(),
            )
        });
        let shown_expected = match &expected {
            Some((s, r)) => format!("session {s}, choice {r}"),
            None => "not placed".to_string(),
        };
        if row.applicant_id != a.id {
            problems.push(format!(
                "{file}, line {}: applicant \"{}\" where the inputs have \"{}\" (rows must be in input order)",
                row.line, row.applicant_id, a.id
            ));
            continue;
        }
        let found = (!row.session_id.is_empty() || !row.choice_rank.is_empty())
            .then(|| (row.session_id.as_str(), row.choice_rank.clone()));
        let found_ref = found.as_ref().map(|(s, r)| (*s, r.clone()));
        if found_ref != expected {
            let shown_found = match &found {
                Some((s, r)) => format!("session {s}, choice {r}"),
                None => "not placed".to_string(),
            };
            problems.push(format!(
                "{file}, line {}: applicant {} is published as {shown_found}; the rules and seed give {shown_expected}",
                row.line, a.id
            ));
        }
    }
    if !problems.is_empty() {
        let mut message = format!(
            "NOT VERIFIED: {} difference(s) from the recomputed result:\n",
            problems.len()
        );
        for p in problems.iter().take(SHOWN) {
            message.push_str(&format!("  {p}\n"));
        }
        if problems.len() > SHOWN {
            message.push_str(&format!("  … and {} more\n", problems.len() - SHOWN));
        }
        return Err(Failure::Mismatch(message.trim_end().to_string()));
    }
    let canonical = placements_csv(instance, &allocation);
    println!(
        "VERIFIED: {file} is exactly the result of these inputs and this seed ({} of {} applicants placed).",
        allocation.placed_count(),
        instance.applicants().len()
    );
    println!("commitment: {commitment} matches the seed");
    println!("results digest: {}", digest(canonical.as_bytes()));
    if canonical.as_bytes() != published_bytes.as_slice() {
        println!(
            "note: the published file's bytes differ from the canonical form (line endings, byte-order mark or quoting); its content is the same."
        );
    }
    Ok(())
}
