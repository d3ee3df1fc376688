//! Charts drawn on the server as SVG: no script, no styles (CSP-clean),
//! readable on a phone (they scale to the width). The same SVG goes on the
//! dashboard, the run review page and into the programme report PDF. Each
//! chart takes its own data ([`Demand`], [`District`], …): the features that
//! draw one fill it in.

use crate::language::Language;

/// A session's places against the children who want it.
pub struct Demand {
    pub session: String,
    pub places: i64,
    /// Children who ranked it at all.
    pub ranked: i64,
    /// Children who ranked it first.
    pub first: i64,
}

/// A district's applications and the places its children got.
pub struct District {
    pub name: String,
    pub applications: i64,
    pub placed: i64,
}

/// Demand against places per session, as an SVG bar chart.
pub fn demand_chart(demand: &[Demand], lang: Language) -> String {
    let rows: Vec<(String, i64, i64, String)> = demand
        .iter()
        .map(|f| {
            let caption = lang.text_with(
                "chart-demand-caption",
                &[
                    ("n", &f.places.to_string()),
                    ("want", &f.ranked.to_string()),
                    ("first", &f.first.to_string()),
                ],
            );
            (f.session.clone(), f.places, f.ranked, caption)
        })
        .collect();
    pair_chart(
        &lang.text("report-chart-demand"),
        &rows,
        (
            &lang.text("chart-legend-places"),
            &lang.text("chart-legend-ranked"),
        ),
    )
}

/// Applications against placements per district, as an SVG bar chart.
pub fn district_chart(districts: &[District], lang: Language) -> String {
    let rows: Vec<(String, i64, i64, String)> = districts
        .iter()
        .map(
            |District {
                 name,
                 applications: n,
                 placed,
             }| {
                (
                    name.clone(),
                    *n,
                    *placed,
                    lang.text_with(
                        "chart-district-caption",
                        &[("placed", &placed.to_string()), ("n", &n.to_string())],
                    ),
                )
            },
        )
        .collect();
    pair_chart(
        &lang.text("report-chart-districts"),
        &rows,
        (
            &lang.text("chart-legend-applications"),
            &lang.text("chart-legend-placed"),
        ),
    )
}

/// Two bars per row, drawn on the server: no script, no styles (CSP-clean),
/// readable on a phone (it scales to the width).
fn pair_chart(title: &str, rows: &[(String, i64, i64, String)], legend: (&str, &str)) -> String {
    let max = rows.iter().map(|r| r.1.max(r.2)).max().unwrap_or(1).max(1) as f64;
    let row = 34.0;
    // The legend takes two lines of its own: a long name never runs into
    // the other's swatch.
    let height = rows.len() as f64 * row + 44.0;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 400 {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">",
        askama_escape(title)
    );
    for (i, (label, a, b, caption)) in rows.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let w = |n: i64| 250.0 * n as f64 / max;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"10\">{}</text>\
             <rect x=\"140\" y=\"{y}\" width=\"{:.1}\" height=\"9\" fill=\"#1f5c99\"/>\
             <rect x=\"140\" y=\"{}\" width=\"{:.1}\" height=\"9\" fill=\"#c06010\"/>\
             <text x=\"145\" y=\"{}\" font-size=\"9\">{}</text>",
            y + 14.0,
            askama_escape(label),
            w(*a),
            y + 11.0,
            w(*b),
            y + 29.0,
            askama_escape(caption)
        ));
    }
    svg.push_str(&format!(
        "<rect x=\"0\" y=\"{}\" width=\"9\" height=\"9\" fill=\"#1f5c99\"/><text x=\"12\" y=\"{}\" font-size=\"9\">{}</text>\
         <rect x=\"0\" y=\"{}\" width=\"9\" height=\"9\" fill=\"#c06010\"/><text x=\"12\" y=\"{}\" font-size=\"9\">{}</text></svg>",
        height - 28.0,
        height - 20.0,
        askama_escape(legend.0),
        height - 14.0,
        height - 6.0,
        askama_escape(legend.1)
    ));
    svg
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Each district's share of the applicants against its share of the
/// places, in percent (tenths kept for the bar lengths).
pub fn share_chart(districts: &[District], lang: Language) -> String {
    let applicants: i64 = districts.iter().map(|d| d.applications).sum();
    let placed: i64 = districts.iter().map(|d| d.placed).sum();
    let tenths = |part: i64, whole: i64| {
        if whole == 0 {
            0
        } else {
            (1000 * part + whole / 2) / whole
        }
    };
    let rows: Vec<(String, i64, i64, String)> = districts
        .iter()
        .map(
            |District {
                 name: d,
                 applications: n,
                 placed: k,
             }| {
                let (a, p) = (tenths(*n, applicants), tenths(*k, placed));
                let caption = lang.text_with(
                    "chart-share-caption",
                    &[
                        (
                            "applicants",
                            &lang.number(&format!("{}.{}", a / 10, a % 10)),
                        ),
                        ("places", &lang.number(&format!("{}.{}", p / 10, p % 10))),
                    ],
                );
                (d.clone(), a, p, caption)
            },
        )
        .collect();
    pair_chart(
        &lang.text("report-chart-shares"),
        &rows,
        (
            &lang.text("chart-legend-share-applicants"),
            &lang.text("chart-legend-share-places"),
        ),
    )
}

/// Applications submitted per day (bars) and in all (the line), from the
/// first day with a submission to the last.
pub fn timeline_chart(days: &[(time::Date, i64)], lang: Language) -> String {
    let (w, h, left, bottom) = (400.0, 160.0, 30.0, 20.0);
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">",
        askama_escape(&lang.text("report-chart-timeline"))
    );
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        svg.push_str(&format!(
            "<text x=\"0\" y=\"20\" font-size=\"10\">{}</text></svg>",
            askama_escape(&lang.text("chart-no-applications"))
        ));
        return svg;
    };
    let span = ((last.0 - first.0).whole_days() + 1).max(1) as f64;
    let total: i64 = days.iter().map(|d| d.1).sum();
    let peak = days.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let plot_w = w - left - 5.0;
    let plot_h = h - bottom - 10.0;
    let x = |d: time::Date| left + plot_w * ((d - first.0).whole_days() as f64) / span;
    let bar = (plot_w / span).max(1.0) * 0.8;
    for (d, n) in days {
        let bh = plot_h * (*n as f64) / peak;
        svg.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"#1f5c99\"/>",
            x(*d),
            10.0 + plot_h - bh
        ));
    }
    let mut sum = 0;
    let mut points = String::new();
    for (d, n) in days {
        sum += n;
        points.push_str(&format!(
            "{:.1},{:.1} ",
            x(*d) + bar / 2.0,
            10.0 + plot_h - plot_h * (sum as f64) / (total.max(1) as f64)
        ));
    }
    svg.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#c06010\" stroke-width=\"2\"/>\
         <text x=\"0\" y=\"18\" font-size=\"9\" fill=\"#1f5c99\">{}</text><text x=\"0\" y=\"{:.1}\" font-size=\"9\">0</text>\
         <text x=\"{w}\" y=\"18\" font-size=\"9\" text-anchor=\"end\" fill=\"#c06010\">{}</text>\
         <text x=\"{left}\" y=\"{:.1}\" font-size=\"9\">{}</text><text x=\"{w}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"end\">{}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#c06010\">{}</text></svg>",
        points.trim_end(),
        // The bars' scale on the left (a day's applications), the line's
        // own on the right (all so far).
        peak as i64,
        10.0 + plot_h,
        total,
        h - 4.0,
        askama_escape(&lang.date(&first.0.to_string())),
        h - 4.0,
        askama_escape(&lang.date(&last.0.to_string())),
        left + plot_w / 2.0,
        h - 4.0,
        askama_escape(&lang.text_with("chart-in-all", &[("n", &total.to_string())])),
    ));
    svg
}

/// The scores of the children who ranked one session.
pub struct ScoreDistribution {
    pub session: String,
    /// Scores in thousandths of a point: placed in this session, or not.
    pub placed: Vec<i64>,
    pub others: Vec<i64>,
    /// The cutoff of the general places: the lowest score of a child
    /// placed on one without a preferential category (in thousandths).
    /// Reserves and categories admit below it, so they are apart.
    pub cutoff: Option<i64>,
    /// Each reserve's own cutoff: (group, lowest score on its places).
    pub reserves: Vec<(String, i64)>,
    /// Children placed on general places ahead of any score, by their
    /// preferential category.
    pub by_category: usize,
}

/// One small histogram per session: how many children who ranked it had
/// each score, those placed there in the first colour, and the session's
/// cutoff as a line.
pub fn score_chart(distributions: &[ScoreDistribution], lang: Language) -> String {
    let max = distributions
        .iter()
        .flat_map(|d| d.placed.iter().chain(&d.others))
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    const BINS: usize = 20;
    let bin = |score: i64| ((score.max(0) * BINS as i64) / (max + 1)) as usize;
    let (w, row, left) = (400.0, 84.0, 110.0);
    let height = distributions.len() as f64 * row + 34.0;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">",
        askama_escape(&lang.text("report-chart-scores"))
    );
    let bar_w = (w - left) / BINS as f64;
    for (i, d) in distributions.iter().enumerate() {
        let top = i as f64 * row + 4.0;
        let mut placed = [0i64; BINS];
        let mut others = [0i64; BINS];
        for s in &d.placed {
            placed[bin(*s).min(BINS - 1)] += 1;
        }
        for s in &d.others {
            others[bin(*s).min(BINS - 1)] += 1;
        }
        let peak = (0..BINS)
            .map(|b| placed[b] + others[b])
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let plot_h = row - 32.0;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" font-size=\"10\">{}</text><text x=\"0\" y=\"{:.1}\" font-size=\"8\">{}</text>",
            top + 14.0,
            askama_escape(&d.session),
            top + 26.0,
            askama_escape(&lang.text_with(
                "chart-ranked-it",
                &[("n", &(d.placed.len() + d.others.len()).to_string())]
            ))
        ));
        for b in 0..BINS {
            let x = left + b as f64 * bar_w;
            let hp = plot_h * placed[b] as f64 / peak;
            let ho = plot_h * others[b] as f64 / peak;
            let base = top + plot_h;
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hp:.1}\" fill=\"#1f5c99\"/>\
                 <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ho:.1}\" fill=\"#c8c8c8\"/>",
                base - hp,
                bar_w - 1.0,
                base - hp - ho,
                bar_w - 1.0
            ));
        }
        if let Some(c) = d.cutoff {
            let x = left + (w - left) * (c as f64) / ((max + 1) as f64);
            let points = smena_engine::Score::from_thousandths(c)
                .map(|s| s.to_string())
                .unwrap_or_default();
            svg.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#c06010\" stroke-width=\"2\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" fill=\"#c06010\">{}</text>",
                top + plot_h,
                x + 2.0,
                top + 8.0,
                askama_escape(&lang.text_with("chart-cutoff", &[("score", &lang.number(&points))]))
            ));
        }
        // Below the bars: the reserves' own cutoffs and the children placed
        // by category, which the line does not speak for.
        let mut notes: Vec<String> = d
            .reserves
            .iter()
            .map(|(group, c)| {
                let points = smena_engine::Score::from_thousandths(*c)
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                lang.text_with(
                    "chart-reserve-cutoff",
                    &[
                        ("group", &lang.code_name("reserve-group", group)),
                        ("score", &lang.number(&points)),
                    ],
                )
            })
            .collect();
        if d.by_category > 0 {
            notes.push(lang.text_with("chart-by-category", &[("n", &d.by_category.to_string())]));
        }
        // Two notes to a line, under the bars, across the whole width.
        for (k, pair) in notes.chunks(2).enumerate() {
            svg.push_str(&format!(
                "<text x=\"0\" y=\"{:.1}\" font-size=\"7.5\" fill=\"#555\">{}</text>",
                top + plot_h + 10.0 + 9.0 * k as f64,
                askama_escape(&pair.join("; "))
            ));
        }
    }
    let max_points = smena_engine::Score::from_thousandths(max)
        .map(|s| s.to_string())
        .unwrap_or_default();
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"{:.1}\" font-size=\"8\">0</text><text x=\"{w}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"end\">{}</text>\
         <rect x=\"0\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"#1f5c99\"/><text x=\"12\" y=\"{:.1}\" font-size=\"9\">{}</text>\
         <rect x=\"150\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"#c8c8c8\"/><text x=\"162\" y=\"{:.1}\" font-size=\"9\">{}</text></svg>",
        height - 22.0,
        height - 22.0,
        askama_escape(&lang.text_with(
            "chart-points",
            &[("score", &lang.number(&max_points))]
        )),
        height - 12.0,
        height - 4.0,
        askama_escape(&lang.text("chart-placed-here")),
        height - 12.0,
        height - 4.0,
        askama_escape(&lang.text("chart-not-placed-here")),
    ));
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_names_and_draw_each_row() {
        let en = Language::En;
        let district = |name: &str, applications, placed| District {
            name: name.into(),
            applications,
            placed,
        };
        let svg = district_chart(&[district("<Ust-Aldan & co>", 10, 4)], en);
        assert!(svg.contains("&lt;Ust-Aldan &amp; co&gt;") && !svg.contains("<Ust"));
        // The legend's two swatches stand on lines of their own, one under
        // the other: a long name cannot run into the second swatch.
        let swatches: Vec<&str> = svg.split("<rect x=\"0\" y=\"").skip(1).collect();
        assert_eq!(swatches.len(), 2, "{svg}");
        assert_ne!(swatches[0].split('"').next(), swatches[1].split('"').next());
        let svg = share_chart(&[district("A", 3, 1), district("B", 1, 1)], en);
        assert!(
            svg.contains("75.0 % of applicants, 50.0 % of places"),
            "{svg}"
        );
        let d = |y, m, day| {
            time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), day).unwrap()
        };
        let svg = timeline_chart(&[(d(2027, 1, 10), 5), (d(2027, 1, 12), 15)], en);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(
            svg.contains("20 in all") && svg.contains("12 January 2027"),
            "{svg}"
        );
        // The line (all so far) has its own scale, on the right: 20.
        assert!(
            svg.contains("text-anchor=\"end\" fill=\"#c06010\">20<"),
            "{svg}"
        );
        let ru = timeline_chart(&[(d(2027, 1, 10), 5), (d(2027, 1, 12), 15)], Language::Ru);
        assert!(ru.contains("12 января 2027"), "{ru}");
        assert!(timeline_chart(&[], en).contains("No applications submitted yet"));
        assert!(timeline_chart(&[], Language::Ru).contains("Заявок пока нет"));
        let distributions = [ScoreDistribution {
            session: "s1".into(),
            placed: vec![9000, 10000],
            others: vec![1000, 2000, 8000],
            cutoff: Some(9000),
            reserves: vec![("arctic".into(), 4000)],
            by_category: 2,
        }];
        let svg = score_chart(&distributions, en);
        assert!(
            svg.contains("general places from 9")
                && svg.contains("5 ranked it")
                && svg.contains("reserve «Arctic uluses» from 4")
                && svg.contains("2 by category"),
            "{svg}"
        );
        assert!(svg.contains("<line"));
        let svg = score_chart(&distributions, Language::Ko);
        assert!(
            svg.contains("일반석 합격선 9") && svg.contains("5명 지망"),
            "{svg}"
        );
    }
}
