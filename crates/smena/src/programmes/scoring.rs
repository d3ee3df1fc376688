//! A child's score from the programme's rules, with its breakdown: points
//! per achievement by level and place, each level capped, the rural
//! coefficient for children of the uluses; preferential categories give a
//! priority tier ranked above any score.

use smena_engine::Score;

/// The programme's scoring rules.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    /// (level, points in thousandths, cap in thousandths), in display order.
    pub levels: Vec<(String, i64, i64)>,
    /// (place, percent of the level's points).
    pub places: Vec<(i32, i32)>,
    /// Multiplier in thousandths for children of rural and Arctic districts.
    pub rural_coefficient_milli: i64,
    /// (code, name, tier).
    pub categories: Vec<(String, String, i32)>,
    /// Points in thousandths a school's nomination adds (0: none).
    pub nomination_points_milli: i64,
    /// Only nominated children are allocated.
    pub nomination_required: bool,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Achievement {
    pub level: String,
    pub place: i32,
    pub title: String,
}

/// The score and how it was reached, line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    pub lines: Vec<(Line, Score)>,
    pub total: Score,
    pub tier: u8,
}

/// One line of a score's breakdown, put into words on the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Points for one achievement.
    Achievement {
        title: String,
        level: String,
        place: i32,
    },
    /// Points taken off above a level's cap.
    Cap { level: String },
    /// Points added by the rural coefficient.
    Rural { coefficient: Score },
    /// Points for the school's nomination.
    Nomination,
}

impl Line {
    /// The line in `lang` (a reference, as templates pass it).
    pub fn words(&self, lang: &crate::language::Language) -> String {
        let lang = *lang;
        match self {
            Line::Achievement {
                title,
                level,
                place,
            } => format!(
                "{title} ({}, {})",
                lang.code_name("level", level),
                lang.code_name("place", &place.to_string())
            ),
            Line::Cap { level } => {
                lang.text_with("score-cap", &[("level", &lang.code_name("level", level))])
            }
            Line::Rural { coefficient } => {
                lang.text_with("score-rural", &[("coefficient", &coefficient.to_string())])
            }
            Line::Nomination => lang.text("score-nomination"),
        }
    }
}

fn points(milli: i64) -> Score {
    Score::from_thousandths(milli.clamp(-Score::LIMIT, Score::LIMIT)).unwrap_or_default()
}

pub fn compute(
    rules: &Rules,
    achievements: &[Achievement],
    rural: bool,
    category: Option<&str>,
    nominated: bool,
) -> Breakdown {
    let mut lines = Vec::new();
    let mut subtotal = 0i64;
    for (level, each, cap) in &rules.levels {
        let mut level_sum = 0i64;
        for a in achievements.iter().filter(|a| &a.level == level) {
            let percent = rules
                .places
                .iter()
                .find(|(p, _)| *p == a.place)
                .map_or(0, |(_, pc)| i64::from(*pc));
            let earned = each * percent / 100;
            lines.push((
                Line::Achievement {
                    title: a.title.clone(),
                    level: level.clone(),
                    place: a.place,
                },
                points(earned),
            ));
            level_sum += earned;
        }
        if level_sum > *cap {
            lines.push((
                Line::Cap {
                    level: level.clone(),
                },
                points(cap - level_sum),
            ));
            level_sum = *cap;
        }
        subtotal += level_sum;
    }
    let total = if rural && rules.rural_coefficient_milli != 1000 {
        let with = subtotal * rules.rural_coefficient_milli / 1000;
        lines.push((
            Line::Rural {
                coefficient: points(rules.rural_coefficient_milli),
            },
            points(with - subtotal),
        ));
        with
    } else {
        subtotal
    };
    // The nomination's points come after the coefficient: the same for
    // every school, town or village.
    let total = if nominated && rules.nomination_points_milli != 0 {
        lines.push((Line::Nomination, points(rules.nomination_points_milli)));
        total + rules.nomination_points_milli
    } else {
        total
    };
    let tier = category
        .and_then(|c| rules.categories.iter().find(|(code, _, _)| code == c))
        .map_or(0, |(_, _, t)| (*t).clamp(0, 255) as u8);
    Breakdown {
        lines,
        total: points(total),
        tier,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            levels: vec![
                ("international".into(), 5000, 10000),
                ("municipal".into(), 1000, 3000),
            ],
            places: vec![(1, 100), (2, 80), (3, 60)],
            rural_coefficient_milli: 1200,
            categories: vec![("state_care".into(), "Children in state care".into(), 2)],
            nomination_points_milli: 2500,
            nomination_required: false,
        }
    }

    fn a(level: &str, place: i32) -> Achievement {
        Achievement {
            level: level.into(),
            place,
            title: "Olympiad".into(),
        }
    }

    #[test]
    fn points_by_level_and_place_with_caps_and_coefficient() {
        let r = rules();
        let b = compute(
            &r,
            &[a("international", 1), a("international", 2)],
            false,
            None,
            false,
        );
        assert_eq!(b.total, Score::points(9));
        let b = compute(
            &r,
            &[
                a("international", 1),
                a("international", 1),
                a("international", 3),
            ],
            false,
            None,
            false,
        );
        assert_eq!(b.total, Score::points(10), "capped at 10");
        assert!(
            b.lines.iter().any(|(l, s)| matches!(l, Line::Cap { .. })
                && *s == Score::from_thousandths(-3000).unwrap())
        );
        let b = compute(
            &r,
            &[a("municipal", 1), a("municipal", 2)],
            true,
            None,
            false,
        );
        assert_eq!(b.total, Score::from_thousandths(2160).unwrap(), "1.8 × 1.2");
        assert_eq!(
            b.lines[2].0.words(&crate::language::Language::Ru),
            "сельский коэффициент ×1.2"
        );
        assert_eq!(compute(&r, &[], false, Some("state_care"), false).tier, 2);
        assert_eq!(compute(&r, &[], false, Some("unknown"), false).tier, 0);
        let b = compute(&r, &[a("municipal", 1)], true, None, true);
        assert_eq!(
            b.total,
            Score::from_thousandths(3700).unwrap(),
            "1 × 1.2 + 2.5"
        );
        assert_eq!(
            b.lines
                .last()
                .unwrap()
                .0
                .words(&crate::language::Language::Ru),
            "рекомендация школы"
        );
        assert_eq!(
            compute(&r, &[a("galactic", 1)], false, None, false).total,
            Score::points(0)
        );
    }
}
