//! The coordinator's programme report: figures, each session's places,
//! first choices and cutoff, each district's share of applicants and of
//! places, and the dashboard's charts, about the published run (else the
//! newest final one).

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{LangQuery, issued, print_language, typeset};
use crate::allocation::{by_district, runs};
use crate::charts::{demand_chart, district_chart, score_chart, share_chart, timeline_chart};
use crate::domain::access::{Action, Resource};
use crate::language::Language;
use crate::programmes::queries as programmes;
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new().get(
        "/coordinator/programmes/{id}/report.pdf",
        Access::Policy(Action::Read, Resource::Report),
        report,
    )
}

/// Shares as "12.5 %" ("12,5 %" in Russian), or a dash when there is
/// nothing to share.
fn share(part: i64, whole: i64, lang: Language) -> String {
    if whole == 0 {
        "–".into()
    } else {
        let s = format!("{:.1}", 100.0 * part as f64 / whole as f64);
        format!("{} %", lang.number(&s))
    }
}

async fn report(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Query(q): Query<LangQuery>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Read, Resource::Report)?;
    let programme = programmes::programme(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = print_language(&visitor, &q);
    let (submitted, places): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM applications WHERE programme_id = $1 AND submitted_at IS NOT NULL), \
                (SELECT COALESCE(SUM(places), 0) FROM sessions WHERE programme_id = $1)",
    )
    .bind(id)
    .fetch_one(state.db.pool())
    .await?;
    // The published run, else the newest final one: what the report is about.
    let run = runs::result_run(&state.db, id).await?;
    let mut figures = vec![
        (
            lang.text("report-figure-applications"),
            submitted.to_string(),
        ),
        (lang.text("report-figure-places"), places.to_string()),
    ];
    let (mut sessions, mut districts) = (Vec::new(), Vec::new());
    let mut charts = vec![smena_pdf::ReportChart {
        title: lang.text("report-chart-timeline"),
        svg: timeline_chart(
            &crate::dashboard::applications_by_day(&state.db, id).await?,
            lang,
        ),
    }];
    match run {
        None => figures.push((
            lang.text("report-figure-placed"),
            lang.text("report-no-run"),
        )),
        Some(run) => {
            figures.push((lang.text("report-figure-placed"), run.placed.to_string()));
            figures.push((
                lang.text("report-figure-unplaced"),
                (run.applicants - run.placed).to_string(),
            ));
            let fill = runs::fill(&state.db, id, run.id).await?;
            for f in &fill {
                sessions.push(smena_pdf::ReportSession {
                    session: f.code.clone(),
                    camp: f.camp.clone(),
                    places: f.places,
                    first_choices: f.demand_first,
                    placed: f.filled,
                    cutoff: f
                        .lowest_score
                        .as_deref()
                        .map_or_else(|| "–".into(), |s| lang.number(s)),
                });
            }
            let by = by_district(&state.db, run.id).await?;
            let applicants: i64 = by.iter().map(|d| d.applications).sum();
            let placed: i64 = by.iter().map(|d| d.placed).sum();
            for d in &by {
                districts.push(smena_pdf::ReportDistrict {
                    district: d.name.clone(),
                    applicants: d.applications,
                    placed: d.placed,
                    share_of_applicants: share(d.applications, applicants, lang),
                    share_of_places: share(d.placed, placed, lang),
                });
            }
            // Demand as the run saw it, the same count as the score chart's.
            let charted = crate::dashboard::run_charts(&state.db, run.id).await?;
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-demand"),
                svg: demand_chart(&charted.demand, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-districts"),
                svg: district_chart(&by, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-shares"),
                svg: share_chart(&by, lang),
            });
            charts.push(smena_pdf::ReportChart {
                title: lang.text("report-chart-scores"),
                svg: score_chart(&charted.scores, lang),
            });
        }
    }
    // What the families said after the journey (none before it).
    let answers: Vec<(i32, String)> = sqlx::query_as(
        "SELECT f.rating, f.comment FROM feedback f JOIN applications a ON a.id = f.application_id \
         WHERE a.programme_id = $1 ORDER BY f.created_at DESC, f.application_id",
    )
    .bind(id)
    .fetch_all(state.db.pool())
    .await?;
    if !answers.is_empty() {
        let total: i64 = answers.iter().map(|(r, _)| i64::from(*r)).sum();
        figures.push((
            lang.text_with("report-figure-rating", &[("n", &answers.len().to_string())]),
            lang.number(&format!("{:.1}", total as f64 / answers.len() as f64)),
        ));
    }
    let feedback = answers
        .into_iter()
        .map(|(rating, comment)| smena_pdf::ReportFeedback {
            rating: rating.clamp(1, 5),
            comment,
        })
        .collect();
    state
        .record_as(&permit, Action::Print, Resource::Report, Some(id), "")
        .await?;
    let paper = smena_pdf::ProgrammeReport {
        programme: programme.name,
        status: lang.text(&format!("status-{}", programme.status.code())),
        figures,
        sessions,
        districts,
        charts,
        feedback,
        issued: issued(lang),
    };
    typeset(paper, lang, format!("report-{id}.pdf")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_written_each_language_s_way() {
        assert_eq!(share(1, 8, Language::En), "12.5 %");
        assert_eq!(share(1, 8, Language::Ru), "12,5 %");
        assert_eq!(share(1, 0, Language::En), "–");
    }
}
