//! Scores and priorities: what a session compares children by.

use std::fmt;

use thiserror::Error;

/// A child's priority score, held exactly in thousandths so that "17.5" and
/// "17.500" are the same number on every platform (no floating point).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(i64);

/// Why a text is not a valid score.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScoreError {
    #[error("a score is required")]
    Empty,
    #[error("\"{0}\" is not a decimal number (write e.g. 17 or 17.5)")]
    Malformed(String),
    #[error("\"{0}\" has more than three decimals")]
    TooManyDecimals(String),
    #[error("\"{0}\" is outside the allowed range -1000000000 to 1000000000")]
    OutOfRange(String),
}

impl Score {
    /// Largest magnitude, in thousandths (1e9 points).
    pub const LIMIT: i64 = 1_000_000_000_000;

    /// A score from a whole number of thousandths, within ±1e9 points.
    pub fn from_thousandths(thousandths: i64) -> Result<Self, ScoreError> {
        if thousandths.abs() > Self::LIMIT {
            return Err(ScoreError::OutOfRange(Score(thousandths).to_string()));
        }
        Ok(Score(thousandths))
    }

    /// A score from whole points (convenient in tests and generators).
    pub fn points(points: i32) -> Self {
        Score(i64::from(points) * 1000)
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }

    /// Parses a plain decimal: optional sign, digits, optionally `.` and 1–3
    /// digits. Exponents, thousands separators and decimal commas are refused
    /// rather than guessed at.
    pub fn parse(text: &str) -> Result<Self, ScoreError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ScoreError::Empty);
        }
        let malformed = || ScoreError::Malformed(t.to_string());
        let (negative, body) = match t.as_bytes()[0] {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let mut thousandths: i64 = 0;
        for b in int_part.bytes() {
            thousandths = thousandths
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0') * 1000))
                .filter(|v| *v <= Self::LIMIT * 10)
                .ok_or_else(|| ScoreError::OutOfRange(t.to_string()))?;
        }
        if let Some(f) = frac_part {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            if f.len() > 3 {
                return Err(ScoreError::TooManyDecimals(t.to_string()));
            }
            let mut scale = 100;
            for b in f.bytes() {
                thousandths += i64::from(b - b'0') * scale;
                scale /= 10;
            }
        }
        if thousandths > Self::LIMIT {
            return Err(ScoreError::OutOfRange(t.to_string()));
        }
        Ok(Score(if negative { -thousandths } else { thousandths }))
    }
}

impl fmt::Display for Score {
    /// Shortest exact form: `17`, `17.5`, `-0.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (int, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{sign}{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Everything a session compares children by, best first: priority tier
/// (higher first), then score (higher first), then lottery number (lower
/// first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Priority {
    pub tier: u8,
    pub score: Score,
    pub lottery: u64,
}

impl Priority {
    /// The order as one number: smaller is better. Fits 113 bits, so sorting a
    /// million children compares plain integers.
    pub(crate) fn sort_key(&self) -> u128 {
        let tier = u128::from(u8::MAX - self.tier);
        let score = (Score::LIMIT - self.score.0) as u128; // 0 ..= 2e12 < 2^41
        (tier << 105) | (score << 64) | u128::from(self.lottery)
    }

    /// The inverse of [`Priority::sort_key`].
    pub(crate) fn from_sort_key(key: u128) -> Priority {
        Priority {
            tier: u8::MAX - (key >> 105) as u8,
            score: Score(Score::LIMIT - ((key >> 64) & ((1 << 41) - 1)) as i64),
            lottery: key as u64,
        }
    }

    /// True when `self` would be admitted before `other`.
    pub fn is_better_than(&self, other: &Priority) -> bool {
        self.sort_key() < other.sort_key()
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "tier {}, score {}, lottery {}",
            self.tier, self.score, self.lottery
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(Score::parse("17").unwrap().thousandths(), 17_000);
        assert_eq!(Score::parse("17.5").unwrap().thousandths(), 17_500);
        assert_eq!(Score::parse(" -0.125 ").unwrap().thousandths(), -125);
        assert_eq!(Score::parse("+3.05").unwrap().thousandths(), 3_050);
        assert_eq!(
            Score::parse("1000000000").unwrap().thousandths(),
            Score::LIMIT
        );
        assert_eq!(
            Score::parse("-1000000000.000").unwrap().thousandths(),
            -Score::LIMIT
        );
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "", "  ", "abc", "1e3", "1,5", "1.", ".5", "--1", "1.2.3", "٣", "NaN", "inf",
        ] {
            assert!(Score::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(
            Score::parse("1.2345"),
            Err(ScoreError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Score::parse("1000000000.001"),
            Err(ScoreError::OutOfRange(_))
        ));
        assert!(matches!(
            Score::parse("99999999999999999999999999"),
            Err(ScoreError::OutOfRange(_))
        ));
    }

    #[test]
    fn displays_shortest_exact_form() {
        for (t, shown) in [
            ("17.500", "17.5"),
            ("-0.25", "-0.25"),
            ("3", "3"),
            ("0.001", "0.001"),
        ] {
            assert_eq!(Score::parse(t).unwrap().to_string(), shown);
        }
    }

    #[test]
    fn priority_orders_tier_then_score_then_lottery() {
        let p = |tier, score, lottery| Priority {
            tier,
            score: Score::points(score),
            lottery,
        };
        assert!(p(1, 0, 9).is_better_than(&p(0, 100, 0)));
        assert!(p(0, 10, 9).is_better_than(&p(0, 9, 0)));
        assert!(p(0, 10, 1).is_better_than(&p(0, 10, 2)));
        assert!(p(0, -5, 0).is_better_than(&p(0, -6, 0)));
        let extreme_low = Priority {
            tier: 0,
            score: Score(-Score::LIMIT),
            lottery: u64::MAX,
        };
        let extreme_high = Priority {
            tier: 255,
            score: Score(Score::LIMIT),
            lottery: 0,
        };
        assert!(extreme_high.is_better_than(&extreme_low));
        for p in [extreme_low, extreme_high, p(3, -7, 12345)] {
            assert_eq!(Priority::from_sort_key(p.sort_key()), p);
        }
    }
}
