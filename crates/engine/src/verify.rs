//! Publishing and checking results: the canonical placements file, its
//! digest, and an exhaustive stability check anyone can run.

use sha2::{Digest, Sha256};

use crate::allocation::{Allocation, BlockingPair};
use crate::choice::choose;
use crate::instance::Instance;
use crate::lottery::{Commitment, Seed};

/// True when `seed` is the one the commitment was made for.
pub fn seed_matches(seed: &Seed, commitment: &Commitment) -> bool {
    seed.commitment() == *commitment
}

/// Writes a CSV field: ids never hold commas or line breaks, so only a
/// double quote needs quoting.
fn push_field(out: &mut String, field: &str) {
    if field.contains('"') {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// The placements file exactly as published: header
/// `applicant_id,session_id,choice_rank`, one row per applicant in input
/// order, LF line ends, empty fields for an unplaced child.
pub fn placements_csv(instance: &Instance, allocation: &Allocation) -> String {
    let mut out = String::with_capacity(instance.applicants().len() * 24 + 40);
    out.push_str("applicant_id,session_id,choice_rank\n");
    for (a, p) in instance.applicants().iter().zip(allocation.placements()) {
        push_field(&mut out, &a.id);
        out.push(',');
        if let Some(p) = p {
            push_field(&mut out, &instance.sessions()[p.session as usize].id);
            out.push(',');
            out.push_str(&p.choice_rank.to_string());
        } else {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

/// SHA-256 of the published bytes, in hex (what `sha256sum` prints).
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every pair of a unit and a session it ranks above its placement where
/// the session would take it from what it holds. Exhaustive (slow on big
/// instances): for audits and tests. Empty means the result is stable.
pub fn blocking_pairs(allocation: &Allocation) -> Vec<BlockingPair> {
    let m = &allocation.market;
    let mut pairs = Vec::new();
    let mut decisions = Vec::new();
    for u in 0..m.n_units {
        let placed = allocation.placements[m.members(u)[0] as usize].map(|p| p.session);
        for &s in m.list(u) {
            if Some(s) == placed {
                break;
            }
            let key = m.key(u, s);
            let mut units = allocation.held[s as usize].clone();
            let at = units.partition_point(|&v| m.key(v, s) < key);
            units.insert(at, u);
            choose(m, s, &units, &mut decisions);
            if decisions[at].accepted() {
                pairs.push(BlockingPair {
                    applicants: m.members(u).to_vec(),
                    session: s,
                });
            }
        }
    }
    pairs
}
