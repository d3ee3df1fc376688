//! `smena verify`: anyone can check that a published result is exactly what
//! the rules and the lottery produce, link by link, and a family can check
//! its receipt.
//!
//! Three uses:
//! - `--record lottery.txt` with the published files (and `--beacon`, the
//!   value looked up at drand): the whole chain, from the commitment
//!   published at opening to every placement; a failure names its link.
//! - `--receipt receipt.txt` (with `--record`): a family's application is
//!   in the frozen inputs, unchanged.
//! - `--seed` and `--commitment` with the files: the plain commit-reveal
//!   check of a result made from a seed alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use smena_engine::{
    Beacon, Commitment, Instance, Receipt, Seed, Tree, allocate, digest, drand, placements_csv,
    seed_matches,
};

use super::progress::Progress;
use super::{Failure, load, read, shown};
use crate::allocation::contract::{PublishedRow, parse_placements};

#[derive(clap::Args)]
pub struct Args {
    /// The published sessions.csv
    #[arg(long)]
    sessions: Option<PathBuf>,
    /// The published applicants.csv
    #[arg(long)]
    applicants: Option<PathBuf>,
    /// The published placements.csv
    #[arg(long)]
    placements: Option<PathBuf>,
    /// The lottery's record (lottery.txt from the programme's public page)
    #[arg(long)]
    record: Option<PathBuf>,
    /// The beacon round's value as you looked it up at drand, 64 hexadecimal digits
    #[arg(long)]
    beacon: Option<String>,
    /// A family's receipt (receipt.txt from the application's page)
    #[arg(long)]
    receipt: Option<PathBuf>,
    /// Without --record: the revealed seed, 64 hexadecimal digits
    #[arg(long)]
    seed: Option<String>,
    /// Without --record: the commitment published before applications opened
    #[arg(long)]
    commitment: Option<String>,
}

/// Differences shown before the rest are only counted.
const SHOWN: usize = 10;

fn needed<'a, T>(value: &'a Option<T>, flag: &str, why: &str) -> Result<&'a T, Failure> {
    value
        .as_ref()
        .ok_or_else(|| Failure::BadInput(format!("{flag} is needed {why}")))
}

pub fn run(args: Args) -> Result<(), Failure> {
    if let Some(receipt) = &args.receipt {
        return verify_receipt(receipt, args.record.as_deref());
    }
    if let Some(record) = &args.record {
        return verify_chain(&args, record);
    }
    let why = "(or give --record lottery.txt)";
    let seed = Seed::from_hex(needed(&args.seed, "--seed", why)?)
        .map_err(|e| Failure::BadInput(format!("--seed: {e}")))?;
    let commitment = Commitment::from_hex(needed(&args.commitment, "--commitment", why)?)
        .map_err(|e| Failure::BadInput(format!("--commitment: {e}")))?;
    let (instance, placements, published_bytes, published) = files(&args)?;
    if !seed_matches(&seed, &commitment) {
        return Err(Failure::Mismatch(format!(
            "NOT VERIFIED: the seed does not match the commitment (SHA-256 of the seed is {}, the published commitment is {})",
            seed.commitment(),
            commitment
        )));
    }
    let canonical = check_placements(&instance, &seed, &placements, &published, "")?;
    println!(
        "VERIFIED: {} is exactly the result of these inputs and this seed ({}).",
        shown(&placements),
        canonical.summary
    );
    println!("commitment: {commitment} matches the seed");
    println!("results digest: {}", canonical.digest);
    if canonical.text.as_bytes() != published_bytes.as_slice() {
        println!(
            "note: the published file's bytes differ from the canonical form (line endings, byte-order mark or quoting); its content is the same."
        );
    }
    Ok(())
}

type Files = (Instance, PathBuf, Vec<u8>, Vec<PublishedRow>);

/// The inputs and the published placements.
fn files(args: &Args) -> Result<Files, Failure> {
    let why = "to recompute the result";
    let sessions = needed(&args.sessions, "--sessions", why)?;
    let applicants = needed(&args.applicants, "--applicants", why)?;
    let placements = needed(&args.placements, "--placements", why)?.clone();
    let inputs = load(sessions, applicants)?;
    let published_bytes = read(&placements)?;
    let published = parse_placements(&shown(&placements), &published_bytes)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    Ok((inputs.instance, placements, published_bytes, published))
}

/// The recomputed result.
struct Canonical {
    text: String,
    digest: String,
    summary: String,
}

/// Allocates `instance` with `seed` and compares every row of the published
/// placements; `link` prefixes the failure ("the placements link fails: ").
fn check_placements(
    instance: &Instance,
    seed: &Seed,
    placements: &Path,
    published: &[PublishedRow],
    link: &str,
) -> Result<Canonical, Failure> {
    let stage = Progress::stage("allocating");
    let allocation = allocate(instance, seed);
    stage.finish();
    let mut problems = Vec::new();
    let file = shown(placements);
    if published.len() != instance.applicants().len() {
        problems.push(format!(
            "{file} has {} rows; the inputs have {} applicants",
            published.len(),
            instance.applicants().len()
        ));
    }
    for (i, (a, row)) in instance.applicants().iter().zip(published).enumerate() {
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
        if found != expected {
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
            "NOT VERIFIED: {link}{} difference(s) from the recomputed result:\n",
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
    let text = placements_csv(instance, &allocation);
    Ok(Canonical {
        digest: digest(text.as_bytes()),
        summary: format!(
            "{} of {} applicants placed",
            allocation.placed_count(),
            instance.applicants().len()
        ),
        text,
    })
}

/// A `name: value` file (the record, a receipt): values by name, in order.
fn fields(path: &Path) -> Result<BTreeMap<String, Vec<String>>, Failure> {
    let bytes = read(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::BadInput(format!("{} is not UTF-8 text", shown(path))))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            out.entry(name.trim().to_string())
                .or_default()
                .push(value.trim().to_string());
        }
    }
    Ok(out)
}

fn one<'a>(
    fields: &'a BTreeMap<String, Vec<String>>,
    name: &str,
    file: &Path,
) -> Result<&'a str, Failure> {
    fields
        .get(name)
        .and_then(|v| v.first())
        .map(String::as_str)
        .ok_or_else(|| Failure::BadInput(format!("{} has no \"{name}:\" line", shown(file))))
}

/// A failed link of the chain.
fn broken(link: &str, why: String) -> Failure {
    Failure::Mismatch(format!("NOT VERIFIED: the {link} link fails: {why}"))
}

fn hex32(text: &str, what: &str, file: &Path) -> Result<[u8; 32], Failure> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut out).map_err(|_| {
        Failure::BadInput(format!(
            "{}: {what} \"{text}\" is not 64 hexadecimal digits",
            shown(file)
        ))
    })?;
    Ok(out)
}

/// Milliseconds since the Unix epoch of `2027-06-01T09:00:03Z`.
fn parse_utc(text: &str) -> Option<i64> {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::PrimitiveDateTime::parse(text.trim(), &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp() * 1000)
}

fn verify_chain(args: &Args, record_path: &Path) -> Result<(), Failure> {
    let record = fields(record_path)?;
    let get = |name: &str| one(&record, name, record_path);
    let mut checked = Vec::new();

    // 1. The commitment published at opening, and the secret seed revealed.
    let commitment = Commitment::from_hex(get("commitment")?)
        .map_err(|e| Failure::BadInput(format!("{}: commitment: {e}", shown(record_path))))?;
    let secret_text = record
        .get("secret_seed")
        .and_then(|v| v.first())
        .ok_or_else(|| {
            broken(
                "commitment",
                "the record has no secret_seed: the result is not published yet".into(),
            )
        })?;
    let secret = Seed::from_hex(secret_text)
        .map_err(|e| Failure::BadInput(format!("{}: secret_seed: {e}", shown(record_path))))?;
    if let Some(c) = &args.commitment
        && !c.trim().eq_ignore_ascii_case(&commitment.to_hex())
    {
        return Err(broken(
            "commitment",
            format!(
                "the record's commitment {commitment} is not the one you noted ({})",
                c.trim()
            ),
        ));
    }
    if !seed_matches(&secret, &commitment) {
        return Err(broken(
            "commitment",
            format!(
                "SHA-256 of the secret seed is {}, the commitment published at opening is {commitment}",
                secret.commitment()
            ),
        ));
    }
    checked.push(format!(
        "commitment: {commitment} is SHA-256 of the secret seed"
    ));

    // 2. The beacon: a round that appeared after the inputs froze, and its value.
    let round: u64 = get("beacon_round")?.parse().map_err(|_| {
        Failure::BadInput(format!(
            "{}: beacon_round is not a whole number",
            shown(record_path)
        ))
    })?;
    let frozen_at = parse_utc(get("frozen_at")?).ok_or_else(|| {
        Failure::BadInput(format!(
            "{}: frozen_at is not a time like 2027-06-01T09:00:03Z",
            shown(record_path)
        ))
    })?;
    let appears = drand::round_time(round) * 1000;
    if appears <= frozen_at {
        return Err(broken(
            "beacon",
            format!(
                "round {round} appeared at {}, before the inputs froze at {}: its value could be known before",
                get("beacon_round_at").unwrap_or("?"),
                get("frozen_at")?
            ),
        ));
    }
    let beacon_text = record
        .get("beacon")
        .and_then(|v| v.first())
        .ok_or_else(|| broken("beacon", "the record has no beacon value yet".into()))?;
    let beacon = Beacon::from_hex(beacon_text)
        .map_err(|e| broken("beacon", format!("the record's beacon: {e}")))?;
    match &args.beacon {
        Some(looked_up) => {
            let looked_up = Beacon::from_hex(looked_up)
                .map_err(|e| Failure::BadInput(format!("--beacon: {e}")))?;
            if looked_up != beacon {
                return Err(broken(
                    "beacon",
                    format!(
                        "the record's beacon {} is not round {round}'s value as you looked it up ({})",
                        beacon.to_hex(),
                        looked_up.to_hex()
                    ),
                ));
            }
            checked.push(format!(
                "beacon: round {round} appeared after the inputs froze; its value is the one you looked up"
            ));
        }
        None => checked.push(format!(
            "beacon: round {round} appeared after the inputs froze (its value was not checked: look it up at https://api.drand.sh/{}/public/{round} and pass --beacon)",
            drand::QUICKNET
        )),
    }

    // 3. The inputs, as frozen: their digest and the receipts' root.
    let why = "to check the inputs";
    let sessions = needed(&args.sessions, "--sessions", why)?;
    let applicants = needed(&args.applicants, "--applicants", why)?;
    let sessions_bytes = read(sessions)?;
    let applicants_bytes = read(applicants)?;
    let mut both = sessions_bytes.clone();
    both.extend_from_slice(&applicants_bytes);
    let found = digest(&both);
    let inputs_digest = get("inputs_digest")?;
    if !found.eq_ignore_ascii_case(inputs_digest) {
        return Err(broken(
            "inputs",
            format!(
                "SHA-256 of {} and {} is {found}, the digest published at closing is {inputs_digest}",
                shown(sessions),
                shown(applicants)
            ),
        ));
    }
    let applicants_text = String::from_utf8_lossy(&applicants_bytes);
    let root = Tree::new(applicants_text.lines().skip(1)).root();
    let receipts_root = get("receipts_root")?;
    if !root.eq_ignore_ascii_case(receipts_root) {
        return Err(broken(
            "inputs",
            format!(
                "the rows of {} lead to the root {root}, the published receipts' root is {receipts_root}",
                shown(applicants)
            ),
        ));
    }
    checked.push(format!("inputs: digest {found}, receipts' root {root}"));

    // 4. The lottery seed.
    let digest_bytes = hex32(inputs_digest, "inputs_digest", record_path)?;
    let seed = Seed::lottery_seed(&secret, &beacon, &digest_bytes);
    let stated = get("lottery_seed")?;
    if !seed.to_hex().eq_ignore_ascii_case(stated) {
        return Err(broken(
            "seed",
            format!(
                "SHA-256 of the secret seed, the beacon and the inputs' digest is {}, the record says {stated}",
                seed.to_hex()
            ),
        ));
    }
    checked.push(format!(
        "seed: {} = SHA-256(secret seed, beacon, inputs digest)",
        seed.to_hex()
    ));

    // 5. Every placement, and the published final run's digest.
    let (instance, placements, published_bytes, published) = files(args)?;
    let canonical = check_placements(
        &instance,
        &seed,
        &placements,
        &published,
        "the placements link fails: ",
    )?;
    let runs = record.get("final_run").cloned().unwrap_or_default();
    let published_run = runs.iter().find(|r| r.ends_with(" published"));
    let file_digest = digest(&published_bytes);
    match published_run {
        Some(run) if !run.contains(&file_digest) && !run.contains(&canonical.digest) => {
            return Err(broken(
                "placements",
                format!(
                    "{} has digest {file_digest}; the published final run is \"{run}\"",
                    shown(&placements)
                ),
            ));
        }
        None => {
            return Err(broken(
                "placements",
                "the record lists no published final run".into(),
            ));
        }
        Some(_) => {}
    }
    checked.push(format!(
        "placements: every row recomputed ({}); digest {}; {} final run(s) listed, one published",
        canonical.summary,
        canonical.digest,
        runs.len()
    ));
    println!(
        "VERIFIED: {} is exactly the result of the frozen inputs and the lottery, link by link:",
        shown(&placements)
    );
    for c in checked {
        println!("  {c}");
    }
    Ok(())
}

fn verify_receipt(path: &Path, record: Option<&Path>) -> Result<(), Failure> {
    let f = fields(path)?;
    let get = |name: &str| one(&f, name, path);
    let number = |name: &str| -> Result<usize, Failure> {
        get(name)?.parse().map_err(|_| {
            Failure::BadInput(format!("{}: {name} is not a whole number", shown(path)))
        })
    };
    let receipt = Receipt {
        row: get("row")?.to_string(),
        index: number("index")?,
        leaves: number("rows")?,
        path: f.get("path").cloned().unwrap_or_default(),
    };
    let mut root = get("receipts_root")?.to_string();
    if let Some(record_path) = record {
        let r = fields(record_path)?;
        let published = one(&r, "receipts_root", record_path)?;
        if !published.eq_ignore_ascii_case(&root) {
            return Err(Failure::Mismatch(format!(
                "NOT VERIFIED: the receipt's root {root} is not the one published in {} ({published})",
                shown(record_path)
            )));
        }
        root = published.to_string();
    }
    receipt
        .verify(&root)
        .map_err(|e| Failure::Mismatch(format!("NOT VERIFIED: {e}")))?;
    println!(
        "VERIFIED: application {} is in the frozen inputs, unchanged, as row {} of {}:",
        get("applicant_id").unwrap_or("?"),
        receipt.index + 1,
        receipt.leaves
    );
    println!("  {}", receipt.row);
    if record.is_none() {
        println!(
            "note: checked against the root the receipt names; give --record lottery.txt to check it is the published one."
        );
    }
    Ok(())
}
