//! The engine alone (no parsing or writing) on synthetic instances:
//! 10k / 100k / 1M applicants × 5 choices × 2,000 sessions, skewed
//! popularity; with distinct scores, and with school caps and reserves
//! (session-specific priorities). Run: `cargo bench -p smena --bench allocate`.
#![allow(clippy::unwrap_used)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use smena::allocation::contract;
use smena::scenario::{Synthetic, synthetic};
use smena_engine::{Instance, Seed, allocate};

fn instance(applicants: usize, session_specific: bool) -> Instance {
    let files = synthetic::generate(&Synthetic {
        applicants,
        sessions: 2_000,
        choices: 5,
        distinct_scores: !session_specific,
        school_cap: session_specific.then_some(3),
        reserves: session_specific,
        seed: 1,
    });
    contract::parse(
        "sessions.csv",
        files.sessions_csv.as_bytes(),
        "applicants.csv",
        files.applicants_csv.as_bytes(),
        &|_| {},
    )
    .unwrap()
    .instance
}

fn engine(c: &mut Criterion) {
    let seed = Seed::from_bytes([42; 32]);
    let mut group = c.benchmark_group("allocate");
    group.sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        for (variant, specific) in [("distinct-scores", false), ("caps-reserves", true)] {
            let inst = instance(n, specific);
            group.bench_with_input(BenchmarkId::new(variant, n), &inst, |b, inst| {
                b.iter(|| allocate(inst, &seed))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
