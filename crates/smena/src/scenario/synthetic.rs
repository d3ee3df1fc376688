//! Synthetic benchmark instances: many applicants, thousands of sessions,
//! session popularity following Zipf's law (a few sessions are wanted by
//! almost everyone, most by few), places for about a third of applicants.

use std::fmt::Write as _;

use super::{Draw, Files, cumulative};

/// Parameters of a synthetic instance.
#[derive(Clone, Debug)]
pub struct Synthetic {
    pub applicants: usize,
    pub sessions: usize,
    /// Choices per applicant (K).
    pub choices: usize,
    /// All scores different (the child-optimal stable matching is then
    /// unique and independent of the lottery).
    pub distinct_scores: bool,
    /// Per-school cap on general places; schools have about 200 applicants.
    pub school_cap: Option<u32>,
    /// Reserve 5% of each session's places for one of four districts.
    pub reserves: bool,
    pub seed: u64,
}

/// Places per applicant, over all sessions.
const PLACES_PER_APPLICANT: f64 = 0.35;
/// Zipf exponent of session popularity.
const SKEW: f64 = 1.0;
const DISTRICTS: u64 = 4;

pub fn generate(p: &Synthetic) -> Files {
    let mut draw = Draw::new(p.seed);
    let mean = (p.applicants as f64 * PLACES_PER_APPLICANT / p.sessions.max(1) as f64).max(1.0);
    let mut sessions = String::from("session_id,capacity");
    if p.school_cap.is_some() {
        sessions.push_str(",school_cap");
    }
    if p.reserves {
        sessions.push_str(",reserves");
    }
    sessions.push('\n');
    let width = digits(p.sessions);
    for s in 0..p.sessions {
        let capacity = ((mean * (0.5 + draw.unit())).round() as u64).max(1);
        let _ = write!(sessions, "S{s:0width$},{capacity}");
        if let Some(cap) = p.school_cap {
            let _ = write!(sessions, ",{cap}");
        }
        if p.reserves {
            let _ = write!(
                sessions,
                ",D{}:{}",
                draw.below(DISTRICTS),
                (capacity / 20).max(1)
            );
        }
        sessions.push('\n');
    }

    // Popularity by a random rank, so that it is unrelated to session order.
    let rank = draw.permutation(p.sessions);
    let popularity = cumulative(rank.iter().map(|&r| 1.0 / ((r + 1) as f64).powf(SKEW)));
    let scores: Vec<usize> = if p.distinct_scores {
        draw.permutation(p.applicants)
    } else {
        Vec::new()
    };
    let schools = (p.applicants / 200).max(1) as u64;

    let mut applicants = String::with_capacity(p.applicants * (16 + 8 * p.choices));
    applicants.push_str("applicant_id,score");
    for k in 1..=p.choices {
        let _ = write!(applicants, ",choice_{k}");
    }
    if p.school_cap.is_some() {
        applicants.push_str(",school");
    }
    if p.reserves {
        applicants.push_str(",reserve_group");
    }
    applicants.push('\n');
    let k = p.choices.min(p.sessions);
    let awidth = digits(p.applicants);
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    #[allow(clippy::needless_range_loop)] // `a` also names the applicant
    for a in 0..p.applicants {
        let _ = write!(applicants, "A{a:0awidth$},");
        if let Some(&v) = scores.get(a) {
            let _ = write!(applicants, "{}.{:03}", v / 1000, v % 1000);
        } else {
            let _ = write!(applicants, "{}", draw.below(41));
        }
        picked.clear();
        let mut attempts = 0;
        while picked.len() < k && attempts < 50 * k {
            attempts += 1;
            let s = draw.weighted(&popularity);
            if !picked.contains(&s) {
                picked.push(s);
            }
        }
        for c in 0..p.choices {
            match picked.get(c) {
                Some(s) => {
                    let _ = write!(applicants, ",S{s:0width$}");
                }
                None => applicants.push(','),
            }
        }
        if p.school_cap.is_some() {
            let _ = write!(applicants, ",SCH{}", draw.below(schools));
        }
        if p.reserves {
            let _ = write!(applicants, ",D{}", draw.below(DISTRICTS));
        }
        applicants.push('\n');
    }
    Files {
        sessions_csv: sessions,
        applicants_csv: applicants,
    }
}

fn digits(n: usize) -> usize {
    n.max(1).to_string().len()
}
