//! `smena allocate`: the allocation contract.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use smena_engine::{Seed, allocate, digest, placements_csv};

use super::progress::Progress;
use super::{
    Content, Failure, InputFiles, check_outputs, commit::draw_seed, shown, write_all_or_nothing,
};
use crate::allocation::contract::explain_csv;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: InputFiles,
    /// Lottery seed, 64 hexadecimal digits; drawn and printed if absent
    #[arg(long)]
    seed: Option<String>,
    /// Where to write placements.csv
    #[arg(long)]
    out: PathBuf,
    /// Where to write explanations for every child (optional)
    #[arg(long)]
    explain: Option<PathBuf>,
    /// Print how long reading, allocating and writing took (to stderr)
    #[arg(long)]
    timings: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (seed, drawn) = match &args.seed {
        Some(hex) => (
            Seed::from_hex(hex).map_err(|e| Failure::BadInput(format!("--seed: {e}")))?,
            false,
        ),
        None => (draw_seed()?, true),
    };
    let mut outputs = vec![args.out.as_path()];
    outputs.extend(args.explain.as_deref());
    check_outputs(&args.inputs.paths(), &outputs)?;
    let started = Instant::now();
    let inputs = args.inputs.load()?;
    let instance = &inputs.instance;
    let read = started.elapsed();

    let stage = Progress::stage("allocating");
    let allocation = allocate(instance, &seed);
    stage.finish();
    let allocated = started.elapsed();

    let stage = Progress::stage("writing");
    let placements = placements_csv(instance, &allocation);
    let mut files: Vec<(&std::path::Path, Content<'_>)> = vec![(
        &args.out,
        Box::new(|out: &mut dyn Write| out.write_all(placements.as_bytes())),
    )];
    if let Some(path) = &args.explain {
        files.push((
            path,
            Box::new(|out: &mut dyn Write| explain_csv(instance, &allocation, out)),
        ));
    }
    write_all_or_nothing(files)?;
    stage.finish();
    if args.timings {
        let done = started.elapsed();
        eprintln!(
            "timings: read {:.3} s, allocate {:.3} s, write {:.3} s, total {:.3} s",
            read.as_secs_f64(),
            (allocated - read).as_secs_f64(),
            (done - allocated).as_secs_f64(),
            done.as_secs_f64()
        );
    }

    let n = instance.applicants().len();
    let placed = allocation.placed_count();
    if drawn {
        println!(
            "seed: {} (drawn now; keep it to reproduce this result)",
            seed.to_hex()
        );
    }
    println!("commitment: {}", seed.commitment());
    println!(
        "placed: {placed} of {n} applicants ({:.1}%) in {} sessions",
        if n == 0 {
            0.0
        } else {
            placed as f64 * 100.0 / n as f64
        },
        instance.sessions().len()
    );
    println!(
        "results digest: {} (SHA-256 of {})",
        digest(placements.as_bytes()),
        shown(&args.out)
    );
    for pair in allocation.unresolved() {
        let ids: Vec<&str> = pair
            .applicants
            .iter()
            .map(|&a| instance.applicants()[a as usize].id.as_str())
            .collect();
        eprintln!(
            "warning: unresolved blocking pair: {} and session {} would both rather be together (blocks made it impossible to settle)",
            ids.join("+"),
            instance.sessions()[pair.session as usize].id
        );
    }
    Ok(())
}
