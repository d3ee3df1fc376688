//! The same transition fired at once from several requests: exactly one
//! wins, the others are told it happened already (409, or the set-up page
//! with the reason), and nothing is overwritten, on both databases. Every
//! state change is a compare-and-set, and "only one programme open at a
//! time" and "one published run" are kept by the database itself.

use std::sync::Arc;

use crate::common::{self, TestApp, client};
use reqwest::StatusCode;
use smena::domain::access::{Action, Resource};
use smena::domain::values::Day;
use smena::programmes::rules::{GeneralRules, set_rules};
use smena::programmes::setup::{DEFAULTS, LEVELS, NewProgramme, create_programme};
use smena::programmes::{NewCamp, NewSession, create_camp, create_session};
use smena::scenario::demo;
use smena::store::Actor;

on_both_databases!(
    a_programme_opens_once,
    only_one_of_two_programmes_opens,
    a_result_is_published_once,
    an_offer_is_answered_once,
    a_document_is_reviewed_once,
    pages_are_read_while_writers_queue_on_a_programme,
);

/// Sends each form to `path` at the same moment (all wait for the last to
/// be ready); each answer's status and where it sends the browser.
async fn at_once(
    app: &TestApp,
    who: &reqwest::Client,
    path: &str,
    forms: Vec<Vec<(&'static str, String)>>,
) -> Vec<(StatusCode, String)> {
    let csrf = app.csrf(who, "/home").await;
    let start = Arc::new(tokio::sync::Barrier::new(forms.len()));
    let tasks: Vec<_> = forms
        .into_iter()
        .map(|mut form| {
            form.push(("csrf", csrf.clone()));
            let (c, url, start) = (who.clone(), app.url(path), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let r = c.post(url).form(&form).send().await.unwrap();
                let location = r
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap().to_string())
                    .unwrap_or_default();
                (r.status(), location)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

/// A draft programme ready to open: rules, a camp and a session.
async fn ready_programme(app: &TestApp, code: &str) -> i64 {
    app.db
        .write(
            Actor::CommandLine,
            (Action::Create, Resource::Programme),
            async |c| {
                let id = create_programme(
                    c,
                    &NewProgramme {
                        name: format!("Programme {code}"),
                        code: code.into(),
                        retain_until: smena::store::retention::suggested(smena::store::now_ms()),
                    },
                )
                .await?;
                let rules = GeneralRules {
                    max_choices: DEFAULTS.max_choices,
                    school_cap: None,
                    rural_coefficient_milli: 1000,
                    passport_months: 6,
                    offer_days: 7,
                    nomination_points_milli: 0,
                    nomination_required: false,
                    levels: LEVELS.iter().map(|l| (*l, 1000, 5000)).collect(),
                    places: DEFAULTS.place_percents.to_vec(),
                };
                set_rules(c, id, &rules).await?;
                let camp = create_camp(
                    c,
                    &NewCamp {
                        name: format!("Camp of {code}"),
                        country: "Mongolia".into(),
                        contact: "The camp".into(),
                        entry_document: None,
                    },
                )
                .await?
                .unwrap();
                let session = NewSession {
                    camp,
                    code: format!("{code}-1"),
                    starts: Day::parse("2027-07-01").unwrap(),
                    ends: Day::parse("2027-07-21").unwrap(),
                    places: 10,
                    min_age: 10,
                    max_age: 15,
                    languages: "Russian".into(),
                    departure: String::new(),
                    reserves: Vec::new(),
                    description: String::new(),
                };
                assert!(create_session(c, id, &session).await?.is_ok());
                Ok::<_, anyhow::Error>(id)
            },
        )
        .await
        .unwrap()
}

/// The seed and its published commitment agree.
async fn seed_is_intact(app: &TestApp, programme: i64) -> String {
    let (seed, commitment): (String, String) =
        sqlx::query_as("SELECT seed_hex, commitment_hex FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let seed = smena_engine::Seed::from_hex(&seed).unwrap();
    assert_eq!(
        seed.commitment().to_hex(),
        commitment,
        "the commitment is of the seed kept"
    );
    commitment
}

/// Eight "open" presses at once: one opens the programme; the seed drawn
/// by the winner is the one kept, with its commitment.
async fn a_programme_opens_once(app: &TestApp) {
    let coordinator = app.coordinator("race.coordinator@example.org").await;
    let programme = ready_programme(app, "RACE1").await;
    let path = format!("/coordinator/programmes/{programme}/status");
    let answers = at_once(
        app,
        &coordinator,
        &path,
        vec![vec![("to", "open".into())]; 8],
    )
    .await;
    let won: Vec<_> = answers
        .iter()
        .filter(|(_, l)| !l.contains("error="))
        .collect();
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER),
        "{answers:?}"
    );
    assert_eq!(won.len(), 1, "{answers:?}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE resource = 'programme' AND detail LIKE 'status open%'"
        )
        .await,
        1
    );
    seed_is_intact(app, programme).await;
    // The losers were told why, on the set-up page.
    let lost = &answers
        .iter()
        .find(|(_, l)| l.contains("error="))
        .unwrap()
        .1;
    let (_, page) = app.get(&coordinator, lost).await;
    assert!(page.contains("role=\"alert\""), "{page}");
}

/// Two programmes opened at the same moment: only one takes applications.
async fn only_one_of_two_programmes_opens(app: &TestApp) {
    let coordinator = app.coordinator("race.coordinator@example.org").await;
    let (a, b) = (
        ready_programme(app, "RACEA").await,
        ready_programme(app, "RACEB").await,
    );
    let csrf = app.csrf(&coordinator, "/home").await;
    let start = Arc::new(tokio::sync::Barrier::new(8));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let programme = if i % 2 == 0 { a } else { b };
        let (c, url, start, csrf) = (
            coordinator.clone(),
            app.url(&format!("/coordinator/programmes/{programme}/status")),
            start.clone(),
            csrf.clone(),
        );
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            c.post(url)
                .form(&[("to", "open"), ("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM programmes WHERE status = 'open'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM programmes WHERE status = 'draft' AND seed_hex IS NULL")
            .await,
        1,
        "the other is untouched"
    );
    let (open,): (i64,) = sqlx::query_as("SELECT id FROM programmes WHERE status = 'open'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    seed_is_intact(app, open).await;
}

/// The demo's coordinator, logged in.
async fn demo_coordinator(app: &TestApp) -> reqwest::Client {
    let c = client();
    app.login(&c, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    c
}

/// Six presses of "publish" at once, on two final runs: one run is
/// published, once; every placed child has one offer and one letter.
async fn a_result_is_published_once(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let programme = common::programme_id(app).await;
    let runs = [
        common::final_run(&app.db, programme).await,
        common::final_run(&app.db, programme).await,
    ];
    let coordinator = demo_coordinator(app).await;
    let csrf = app.csrf(&coordinator, "/home").await;
    let start = Arc::new(tokio::sync::Barrier::new(6));
    let mut tasks = Vec::new();
    for i in 0..6 {
        let (c, url, start, csrf) = (
            coordinator.clone(),
            app.url(&format!(
                "/coordinator/allocation/runs/{}/publish",
                runs[i % 2]
            )),
            start.clone(),
            csrf.clone(),
        );
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            c.post(url)
                .form(&[("csrf", csrf.as_str()), ("confirm", "yes")])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM allocation_runs WHERE published_at IS NOT NULL")
            .await,
        1
    );
    let placed = app
        .count(
            "SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id \
             WHERE r.published_at IS NOT NULL AND p.session_id IS NOT NULL",
        )
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM offers").await, placed);
    let families = app
        .count(
            "SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id \
             WHERE r.published_at IS NOT NULL",
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'result_published'")
            .await,
        families,
        "each family is told once"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'publish'")
            .await,
        1
    );
    seed_is_intact(app, programme).await;
}

/// A family's accept and decline pressed at once (two tabs, two parents):
/// one answer is recorded, the others are told it was answered.
async fn an_offer_is_answered_once(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let programme = common::programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;
    let (application, guardian): (i64, String) = sqlx::query_as(
        "SELECT a.id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'offered' ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, demo::PASSWORD).await;
    let forms = (0..6)
        .map(|i| {
            vec![
                ("decision", ["accept", "decline"][i % 2].to_string()),
                ("confirm", "yes".to_string()),
            ]
        })
        .collect();
    let answers = at_once(
        app,
        &family,
        &format!("/applications/{application}/offer"),
        forms,
    )
    .await;
    let won = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(won, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let decided = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE resource = 'application' \
             AND detail IN ('offer_accepted', 'offer_declined')",
        )
        .await;
    assert_eq!(decided, 1);
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(status == "accepted" || status == "declined", "{status}");
}

/// Two coordinators review the same document at once, one accepting and
/// one rejecting: one review stands, the other is told.
async fn a_document_is_reviewed_once(app: &TestApp) {
    demo::load(&app.db, &app.files).await.unwrap();
    let (document,): (i64,) =
        sqlx::query_as("SELECT id FROM documents WHERE status = 'pending' ORDER BY id LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let coordinator = demo_coordinator(app).await;
    let forms = (0..6)
        .map(|i| {
            if i % 2 == 0 {
                vec![("decision", "accept".to_string())]
            } else {
                vec![
                    ("decision", "reject".to_string()),
                    ("reason", "Blurred".to_string()),
                ]
            }
        })
        .collect();
    let answers = at_once(
        app,
        &coordinator,
        &format!("/coordinator/documents/{document}/review"),
        forms,
    )
    .await;
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let reviews: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'review' AND resource = 'document' AND resource_id = $1",
    )
    .bind(document)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(reviews.0, 1);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM documents WHERE id = $1")
        .bind(document)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let rejections = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'document_rejected' AND body LIKE '%Blurred%'")
        .await;
    assert_eq!(rejections, i64::from(status == "rejected"), "{status}");
}

/// A burst of writes queued on one programme (every family answering on
/// results day) does not take the connections that pages and jobs read
/// with: while the programme is held, 40 writers wait for it and a page
/// still answers; once it is let go, every writer goes through.
async fn pages_are_read_while_writers_queue_on_a_programme(app: &TestApp) {
    let programme = ready_programme(app, "BURST").await;
    let mut held = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE programmes SET name = name WHERE id = $1")
        .bind(programme)
        .execute(&mut *held)
        .await
        .unwrap();
    let writers: Vec<_> = (0..40)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                db.write(
                    Actor::Service,
                    (Action::Update, Resource::Programme),
                    async |c| {
                        c.lock_programme(programme).await?;
                        c.unchanged();
                        Ok::<_, smena::web::error::AppError>(())
                    },
                )
                .await
            })
        })
        .collect();
    // Let the writers take what they can.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(writers.iter().all(|w| !w.is_finished()), "they wait");
    // Without turns for writers the read would wait for a connection
    // until the pool gives up (30 s) and the page would fail.
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        let page = app.get(&client(), "/").await.0;
        let programmes = app.count("SELECT COUNT(*) FROM programmes").await;
        (page, programmes)
    })
    .await;
    assert_eq!(read, Ok((StatusCode::OK, 1)), "reads while writers queue");
    held.commit().await.unwrap();
    for w in writers {
        assert!(w.await.unwrap().is_ok());
    }
}
