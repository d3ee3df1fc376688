//! `smena commit`: the public commitment to a secret seed.

use smena_engine::Seed;

use super::Failure;

#[derive(clap::Args)]
pub struct Args {
    /// The seed, 64 hexadecimal digits. Without it, a new seed is drawn from
    /// the operating system's random source and printed with its commitment.
    #[arg(long)]
    seed: Option<String>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    match args.seed {
        Some(hex) => {
            let seed =
                Seed::from_hex(&hex).map_err(|e| Failure::BadInput(format!("--seed: {e}")))?;
            println!("{}", seed.commitment());
        }
        None => {
            let seed = draw_seed()?;
            println!("seed: {}", seed.to_hex());
            println!("commitment: {}", seed.commitment());
            eprintln!(
                "Publish the commitment now; keep the seed secret until the allocation is run."
            );
        }
    }
    Ok(())
}

/// 32 bytes from the operating system's random source.
pub fn draw_seed() -> Result<Seed, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot draw a random seed: {e}")))?;
    Ok(Seed::from_bytes(bytes))
}
