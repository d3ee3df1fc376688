//! Runs, publication, offers and backfill.

use crate::common::{self, TestApp, client, programme_id};
use reqwest::StatusCode;

on_both_databases!(
    the_coordinator_allocates_and_publishes,
    concurrent_answers_during_backfills_keep_every_rule,
    the_first_in_a_waiting_line_gets_the_place_that_falls_free,
);

/// After the results a family sees where its child waits; when a place of
/// that session falls free (a family without a reserved place declines),
/// the child first in line is offered it.
async fn the_first_in_a_waiting_line_gets_the_place_that_falls_free(app: &TestApp) {
    use smena::allocation::{offers, waitlist};
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;
    let waiting: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, g.email FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE a.programme_id = $1 AND a.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id) \
         ORDER BY a.reference",
    )
    .bind(programme)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    // A child first in the line of its first choice.
    let mut first = None;
    for (id, email) in &waiting {
        let lines = waitlist::lines(&app.db, *id).await.unwrap();
        if let Some(l) = lines
            .first()
            .filter(|l| l.rank == 1 && l.position == 1 && !l.school_full && l.together == 1)
        {
            first = Some((*id, email.clone(), l.session.clone()));
            break;
        }
    }
    let (application, email, session) = first.expect("someone waits first in a line");
    let family = client();
    app.login(&family, &email, smena::scenario::demo::PASSWORD)
        .await;
    let (status, page) = app
        .get(&family, &format!("/applications/{application}/waitlist"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&session) && page.contains("number 1 in line"),
        "{page}"
    );
    // A family holding that session on a general place (no reserve group
    // in the run's input) declines.
    let (applicants_csv,): (String,) =
        sqlx::query_as("SELECT applicants_csv FROM allocation_runs WHERE id = $1")
            .bind(run)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let header: Vec<&str> = applicants_csv.lines().next().unwrap().split(',').collect();
    let group = header.iter().position(|h| *h == "reserve_group").unwrap();
    let general: std::collections::HashSet<&str> = applicants_csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(group).is_some_and(str::is_empty))
        .filter_map(|l| l.split(',').next())
        .collect();
    let holders: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.reference FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN sessions s ON s.id = o.session_id WHERE s.code = $1 AND o.status = 'offered' ORDER BY a.reference",
    )
    .bind(&session)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    // One whose leaving keeps the child first (it does not reopen a place
    // for a school whose children come first and were held back by the
    // school cap), tried without a backfill and put back.
    let set = |id: i64, status: &'static str| {
        let db = app.db.clone();
        async move {
            let mut tx = db.begin_write().await.unwrap();
            sqlx::query("UPDATE offers SET status = $1 WHERE application_id = $2")
                .bind(status)
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    let mut decliner = None;
    for (id, r) in holders.iter().filter(|(_, r)| general.contains(r.as_str())) {
        let _ = r;
        set(*id, "declined").await;
        let still_first = waitlist::lines(&app.db, application)
            .await
            .unwrap()
            .first()
            .is_some_and(|l| l.position == 1 && !l.school_full);
        set(*id, "offered").await;
        if still_first {
            decliner = Some(*id);
            break;
        }
    }
    let decliner = &decliner.expect("a general place holder whose leaving keeps the child first");
    app.db
        .write(
            smena::store::Actor::CommandLine,
            (
                smena::domain::access::Action::Update,
                smena::domain::access::Resource::Application,
            ),
            async |c| {
                offers::decide(c, "http://smena.test", *decliner, offers::Answer::Decline).await
            },
        )
        .await
        .unwrap();
    let (now,): (String,) = sqlx::query_as(
        "SELECT s.code FROM offers o JOIN sessions s ON s.id = o.session_id WHERE o.application_id = $1",
    )
    .bind(application)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(now, session, "the first in line took the freed place");
    // The e-mails say until when to answer, with the days left.
    for kind in ["result_published", "backfill_offer"] {
        let (body,): (String,) = sqlx::query_as(
            "SELECT body FROM outbox WHERE kind = $1 AND body LIKE '%by %days left)%' LIMIT 1",
        )
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(body.contains("on the application's page by"), "{body}");
    }
}

async fn the_coordinator_allocates_and_publishes(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (status, page) = app.get(&coordinator, "/coordinator/allocation").await;
    assert_eq!(status, StatusCode::OK);
    let programme = crate::common::programme_id(app).await;
    app.close_applications(&coordinator, programme).await;
    let first_session = page
        .split("name=\"places_")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                (&format!("places_{first_session}"), "-5"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("is not a number of places")
    );
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                ("label", "More places"),
                (&format!("places_{first_session}"), "60"),
                ("school_cap", "none"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let dry = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&coordinator, &dry).await;
    assert!(
        page.contains("<svg")
            && page.contains("Lowest score admitted")
            && page.contains("By district")
    );
    assert!(
        page.contains("Applications and placements per district"),
        "district chart drawn"
    );
    assert!(page.contains("Children not placed"));
    let reserves_field = format!("reserves_{first_session}");
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "dry_run"), (&reserves_field, "arctic")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("group:places"));
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "dry_run"), ("points_regional", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[
                ("kind", "dry_run"),
                ("label", "No reserves, regional 10"),
                (&reserves_field, "none"),
                ("points_regional", "10"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "reserves and scoring can be changed in a dry run"
    );
    assert!(
        !page.contains("Publish this result"),
        "dry runs cannot be published"
    );

    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    let final_run = r.headers()["location"].to_str().unwrap().to_string();
    let final_id: i64 = final_run.rsplit('/').next().unwrap().parse().unwrap();
    let dry_id: i64 = dry.rsplit('/').next().unwrap().parse().unwrap();
    let (status, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/allocation/compare?a={dry_id}&b={final_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("children placed differently"));

    // The anonymised export, run through the engine with the programme's
    // seed, gives exactly the stored result.
    let (sessions_csv, applicants_csv, placements_csv, results_digest): (String, String, String, String) =
        sqlx::query_as("SELECT sessions_csv, applicants_csv, placements_csv, results_digest FROM allocation_runs WHERE id = $1")
            .bind(final_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        !applicants_csv.contains("birth") && !applicants_csv.contains("Petrov"),
        "no personal data in the export"
    );
    assert!(
        applicants_csv.lines().skip(1).any(|l| !l.ends_with(',')),
        "the demo's sibling blocks are in the export"
    );
    // The lottery seed, drawn from the secret seed, the beacon and the
    // frozen inputs.
    let (seed,): (String,) = sqlx::query_as("SELECT lottery_seed_hex FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let inputs = smena::allocation::contract::parse(
        "s",
        sessions_csv.as_bytes(),
        "a",
        applicants_csv.as_bytes(),
        &|_| {},
    )
    .unwrap();
    let again = smena_engine::allocate(
        &inputs.instance,
        &smena_engine::Seed::from_hex(&seed).unwrap(),
    );
    assert_eq!(
        smena_engine::placements_csv(&inputs.instance, &again),
        placements_csv
    );
    assert_eq!(
        smena_engine::digest(placements_csv.as_bytes()),
        results_digest
    );

    let (_, before) = app
        .get(
            &client(),
            &format!("/public/programmes/{}", programme_id(app).await),
        )
        .await;
    assert!(
        !before.contains(&seed),
        "the seed stays secret until publication"
    );
    assert_eq!(
        app.get(
            &client(),
            &format!(
                "/public/programmes/{}/placements.csv",
                programme_id(app).await
            )
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &coordinator,
            &format!("{dry}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &coordinator,
            &format!("{final_run}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &coordinator,
            &format!("{final_run}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "published once");
    let placed = app.count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NOT NULL").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM offers").await, placed);
    let told = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'result_published'")
        .await;
    let run_applicants = app.count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL").await;
    assert_eq!(told, run_applicants, "every family is told");

    // A day before the deadline each unanswered offer is recalled, once.
    let (deadline,): (i64,) = sqlx::query_as("SELECT MAX(deadline) FROM offers")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let day_before = deadline - 24 * 3600 * 1000;
    let reminded = smena::allocation::offers::remind_due(&app.db, "http://x", day_before)
        .await
        .unwrap() as i64;
    assert_eq!(
        reminded,
        app.count("SELECT COUNT(*) FROM offers WHERE status = 'offered'")
            .await
    );
    assert!(reminded > 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'offer_reminder' AND body LIKE '%waiting for your answer until%'")
            .await,
        reminded
    );
    assert_eq!(
        smena::allocation::offers::remind_due(&app.db, "http://x", day_before + 60_000)
            .await
            .unwrap(),
        0,
        "once per offer"
    );

    // The host camp sees the children placed with it, and no others.
    let camp = client();
    app.login(&camp, "camp@demo.smena", smena::scenario::demo::PASSWORD)
        .await;
    let (status, page) = app.get(&camp, "/camp/placements").await;
    assert_eq!(status, StatusCode::OK);
    let names = |own: bool| {
        let sql = format!(
            "SELECT c.family_name, c.given_name FROM offers o JOIN sessions s ON s.id = o.session_id \
             JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
             WHERE s.camp_id {} (SELECT camp_id FROM accounts WHERE email = 'camp@demo.smena')",
            if own { "=" } else { "<>" }
        );
        async move {
            sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql))
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .into_iter()
                .map(|(f, g)| format!("{f} {g}"))
                .collect::<Vec<_>>()
        }
    };
    let (ours, theirs) = (names(true).await, names(false).await);
    assert!(!ours.is_empty() && !theirs.is_empty());
    for name in &ours {
        assert!(
            page.contains(name.as_str()),
            "{name} is expected at the camp"
        );
    }
    for name in theirs.iter().filter(|n| !ours.contains(n)) {
        assert!(
            !page.contains(name.as_str()),
            "{name} is another camp's child"
        );
    }
    assert!(!page.contains("school") && !page.contains("passport"));
    for who in [&app.parent_of_nobody().await, &coordinator] {
        assert_eq!(
            app.get(who, "/camp/placements").await.0,
            StatusCode::NOT_FOUND
        );
    }

    // The public page shows the revealed seed, cutoffs and the export; the
    // exported files verify with the smena command.
    let programme = programme_id(app).await;
    let anonymous = client();
    let (status, page) = app
        .get(&anonymous, &format!("/public/programmes/{programme}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&seed)
            && page.contains("Lowest score admitted")
            && page.contains("smena verify"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "sessions.csv",
        "applicants.csv",
        "placements.csv",
        "lottery.txt",
    ] {
        let r = anonymous
            .get(app.url(&format!("/public/programmes/{programme}/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        std::fs::write(dir.path().join(file), r.bytes().await.unwrap()).unwrap();
    }
    let p = |f: &str| dir.path().join(f).display().to_string();
    let beacon = crate::common::BEACON.to_hex();
    // `smena verify` on the chain: exit status and what it said.
    let verify = |record: &str, applicants: &str, placements: &str, beacon: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_smena"))
            .args([
                "verify",
                "--record",
                &p(record),
                "--sessions",
                &p("sessions.csv"),
                "--applicants",
                &p(applicants),
                "--placements",
                &p(placements),
                "--beacon",
                beacon,
            ])
            .output()
            .unwrap();
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, said) = verify("lottery.txt", "applicants.csv", "placements.csv", &beacon);
    assert_eq!(code, Some(0), "{said}");
    for link in ["commitment:", "beacon:", "inputs:", "seed:", "placements:"] {
        assert!(said.contains(link), "{link} checked: {said}");
    }
    // Tampering with any link fails, naming it.
    let record = std::fs::read_to_string(dir.path().join("lottery.txt")).unwrap();
    let replace_line = |name: &str, value: &str| -> String {
        record
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{name}:")) {
                    format!("{name}: {value}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let other = "ab".repeat(32);
    let (round,): (i64,) = sqlx::query_as("SELECT beacon_round FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    for (name, value, link) in [
        ("commitment", other.clone(), "commitment"),
        (
            "beacon_round",
            (round - 100_000_000).max(1).to_string(),
            "beacon",
        ),
        ("inputs_digest", other.clone(), "inputs"),
        ("receipts_root", other.clone(), "inputs"),
        ("lottery_seed", other.clone(), "seed"),
    ] {
        std::fs::write(dir.path().join("tampered.txt"), replace_line(name, &value)).unwrap();
        let (code, said) = verify("tampered.txt", "applicants.csv", "placements.csv", &beacon);
        assert_eq!(code, Some(1), "{name}: {said}");
        assert!(
            said.contains(&format!("the {link} link fails")),
            "{name} names {link}: {said}"
        );
    }
    let (code, said) = verify("lottery.txt", "applicants.csv", "placements.csv", &other);
    assert!(
        code == Some(1) && said.contains("the beacon link fails"),
        "{said}"
    );
    let applicants = std::fs::read_to_string(dir.path().join("applicants.csv")).unwrap();
    let second = applicants.lines().nth(1).unwrap();
    let changed = second.replacen(',', ",9", 1);
    std::fs::write(
        dir.path().join("tampered.csv"),
        applicants.replacen(second, &changed, 1),
    )
    .unwrap();
    let (code, said) = verify("lottery.txt", "tampered.csv", "placements.csv", &beacon);
    assert!(
        code == Some(1) && said.contains("the inputs link fails"),
        "{said}"
    );
    let placements = std::fs::read_to_string(dir.path().join("placements.csv")).unwrap();
    let row = placements
        .lines()
        .find(|l| l.ends_with(",1"))
        .unwrap()
        .to_string();
    let moved = format!("{},,", row.split(',').next().unwrap());
    std::fs::write(
        dir.path().join("moved.csv"),
        placements.replacen(&row, &moved, 1),
    )
    .unwrap();
    let (code, said) = verify("lottery.txt", "applicants.csv", "moved.csv", &beacon);
    assert!(
        code == Some(1) && said.contains("the placements link fails"),
        "{said}"
    );

    // The demo parent's submitted application shows the result and its reasons.
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (application,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id \
         WHERE x.email = 'parent@demo.smena' AND a.status = 'submitted'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (_, page) = app
        .get(&parent, &format!("/applications/{application}"))
        .await;
    assert!(
        page.contains("id=\"result\"") && page.contains("<h3>Why</h3>"),
        "{page}"
    );
    if page.contains("Accept the place") {
        let r = app
            .post(
                &parent,
                &format!("/applications/{application}/offer"),
                &[("decision", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, page) = app
            .get(&parent, &format!("/applications/{application}"))
            .await;
        assert!(page.contains("<strong>accepted</strong>"));
        let r = app
            .post(
                &parent,
                &format!("/applications/{application}/offer"),
                &[("decision", "decline"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "an answer is final");
    }
}

/// 200 families answer or withdraw at once while backfills run and offers
/// expire: no session is ever overfilled, no child holds two places, no
/// answer is lost, and nobody who accepted ends up worse off.
async fn concurrent_answers_during_backfills_keep_every_rule(app: &TestApp) {
    use smena::allocation::offers::{self, Answer};
    use smena::domain::access::{Action, Resource};
    use smena::store::Actor;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;
    let offered: Vec<(i64, i32)> =
        sqlx::query_as("SELECT application_id, choice_rank FROM offers ORDER BY application_id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let waiting: Vec<(i64,)> = sqlx::query_as(
        "SELECT a.id FROM applications a LEFT JOIN offers o ON o.application_id = a.id WHERE a.status = 'submitted' AND o.application_id IS NULL ORDER BY a.id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(offered.len() >= 100, "{} offers", offered.len());
    // Every offered child acts once; the rest of the 200 actions are
    // withdrawals of children still waiting.
    let mut actions: Vec<(i64, &'static str)> = offered
        .iter()
        .enumerate()
        .map(|(i, (a, _))| (*a, ["accept", "decline", "accept", "withdraw"][i % 4]))
        .collect();
    actions.extend(
        waiting
            .iter()
            .take(200 - actions.len().min(200))
            .map(|(a,)| (*a, "withdraw")),
    );
    assert!(actions.len() >= 200, "{} actions", actions.len());
    let mut tasks = Vec::new();
    for (application, action) in actions.clone() {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let on = (Action::Update, Resource::Application);
            let result = db
                .write(Actor::Service, on, async |c| match action {
                    "accept" => offers::decide(c, "http://test", application, Answer::Accept).await,
                    "decline" => {
                        offers::decide(c, "http://test", application, Answer::Decline).await
                    }
                    _ => {
                        if !offers::withdraw_application(c, "http://test", application).await? {
                            c.unchanged();
                        }
                        Ok(())
                    }
                })
                .await;
            (
                application,
                action,
                result.map_err(|e| e.message(smena::language::Language::En)),
            )
        }));
    }
    let expiring = {
        let db = app.db.clone();
        tokio::spawn(async move {
            for _ in 0..5 {
                offers::expire_due(&db, "http://test").await.unwrap();
            }
        })
    };
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    expiring.await.unwrap();
    for (application, action, result) in &outcomes {
        // Accepting an offer that a backfill already moved up is still an
        // answer to an open offer; nothing else may fail.
        assert!(result.is_ok(), "{action} on {application}: {result:?}");
    }
    // Nothing lost: each answer is what was asked.
    for (application, action, _) in &outcomes {
        let status: Option<(String,)> =
            sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
                .bind(application)
                .fetch_optional(app.db.pool())
                .await
                .unwrap();
        let expected = match *action {
            "accept" => "accepted",
            "decline" => "declined",
            _ => "withdrawn",
        };
        if let Some((status,)) = status {
            assert_eq!(status, expected, "application {application}");
        } else {
            assert_eq!(*action, "withdraw");
        }
    }
    // No session over its places; no child with two places (primary key).
    let over: Vec<(String, i64, i32)> = sqlx::query_as(
        "SELECT s.code, COUNT(*), s.places FROM offers o JOIN sessions s ON s.id = o.session_id \
         WHERE o.status IN ('offered', 'accepted') GROUP BY s.code, s.places HAVING COUNT(*) > s.places",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(over.is_empty(), "overfilled: {over:?}");
    // Nobody who accepted lost out: same or better choice than first offered.
    for (application, rank) in &offered {
        let now: (i32, String) =
            sqlx::query_as("SELECT choice_rank, status FROM offers WHERE application_id = $1")
                .bind(application)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        if now.1 == "accepted" {
            assert!(
                now.0 <= *rank,
                "application {application} went from choice {rank} to {}",
                now.0
            );
        }
    }
    let moved = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'backfill_offer'")
        .await;
    assert!(moved > 0, "freed places went to waiting children");
}
