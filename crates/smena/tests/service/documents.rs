//! Documents uploaded and reviewed.

use crate::common::{PDF, TestApp, client};
use reqwest::StatusCode;

on_both_databases!(
    the_coordinator_reviews_documents,
    a_document_fixed_after_the_results_joins_the_waiting_list,
    documents_due_later_do_not_hold_up_a_submission_and_are_reminded,
    an_offer_whose_document_misses_its_deadline_goes_to_the_next_child,
);

/// Runs `sql` with one id bound, through the writer.
async fn change(app: &TestApp, sql: &str, id: i64) {
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A child left out of the results because a scan was rejected: the family
/// uploads a new one after publication, the coordinator accepts it, and the
/// child is on the waiting list; when places fall free in the child's first
/// choice the backfill offers one (a state-care child, first in line).
async fn a_document_fixed_after_the_results_joins_the_waiting_list(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let crate::common::DemoChild {
        child, application, ..
    } = crate::common::demo_submitted(app).await;
    change(
        app,
        "UPDATE children SET category = 'state_care' WHERE id = $1",
        child,
    )
    .await;
    app.execute(
        "UPDATE documents SET status = 'accepted', reason = NULL WHERE status <> 'accepted'",
    )
    .await;
    change(
        app,
        "UPDATE documents SET status = 'rejected', reason = 'Размытый скан' WHERE child_id = $1 AND kind = 'passport'",
        child,
    )
    .await;
    let programme = crate::common::programme_id(app).await;
    let run = crate::common::final_run(&app.db, programme).await;
    crate::common::publish(&app.db, programme, run).await;
    let offers = |app: &TestApp| {
        let pool = app.db.pool().clone();
        async move {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT o.status, o.session_id FROM offers o WHERE o.application_id = $1",
            )
            .bind(application)
            .fetch_all(&pool)
            .await
            .unwrap();
            rows
        }
    };
    assert!(offers(app).await.is_empty(), "left out for the passport");

    // After the results the child's page still takes a new copy, and says so.
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let page_path = format!("/children/{child}");
    let (_, page) = app.get(&parent, &page_path).await;
    assert!(page.contains("Размытый скан"), "{page}");
    assert!(page.contains("upload a new copy by"), "{page}");
    let r = app
        .upload(
            &parent,
            &page_path,
            "passport",
            "passport-2.pdf",
            PDF.to_vec(),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (document,): (i64,) = sqlx::query_as(
        "SELECT id FROM documents WHERE child_id = $1 AND kind = 'passport' AND status = 'pending'",
    )
    .bind(child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();

    // Every place of the child's first choice falls free (those families
    // declined); the acceptance of the passport starts the backfill.
    let (first,): (i64,) = sqlx::query_as(
        "SELECT session_id FROM application_choices WHERE application_id = $1 ORDER BY choice_rank LIMIT 1",
    )
    .bind(application)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    change(
        app,
        "UPDATE offers SET status = 'declined' WHERE session_id = $1",
        first,
    )
    .await;
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/documents/{document}/review"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        offers(app).await,
        vec![("offered".to_string(), first)],
        "the child took a freed place of the first choice"
    );
    let mail = app.last_mail("parent@demo.smena").await;
    assert!(mail.contains("/applications/"), "{mail}");
}

/// A document due after applications close (the medical certificate) does
/// not hold up a submission; the family is reminded before its deadline,
/// once.
async fn documents_due_later_do_not_hold_up_a_submission_and_are_reminded(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent("later@example.org").await;
    let child = app
        .add_child(&parent, "Кэскилена", "2013-04-04", "2032-01-01")
        .await;
    for kind in ["birth_certificate", "passport"] {
        let r = app
            .upload(&parent, &child, kind, "scan.pdf", PDF.to_vec())
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = app
        .post(&parent, &format!("{child}/applications"), &[])
        .await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&parent, &application).await;
    let session = page
        .match_indices("<option value=\"")
        .map(|(i, _)| page[i + 15..].split('"').next().unwrap().to_string())
        .find(|v| !v.is_empty())
        .unwrap();
    let r = app
        .post(
            &parent,
            &application,
            &[
                ("choice_1", session.as_str()),
                ("consent_participation", "on"),
                ("consent_personal_data", "on"),
                ("action", "submit"),
                ("idem", "later-1"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Кэскилена' AND a.status = 'submitted'")
            .await,
        1,
        "submitted without the medical certificate, due later"
    );
    // The medical certificate is due in two days: one reminder, naming it.
    let soon = smena::store::today().date() + time::Duration::days(2);
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE required_documents SET deadline = $1 WHERE kind = 'medical'")
        .bind(soon.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let reminded = smena::documents::remind_due(&app.db, "http://smena.test")
        .await
        .unwrap();
    assert!(reminded >= 1);
    let mail = app.last_mail("later@example.org").await;
    assert!(mail.contains("Медицинская справка"), "{mail}");
    assert!(mail.contains("/children/"), "{mail}");
    assert_eq!(
        smena::documents::remind_due(&app.db, "http://smena.test")
            .await
            .unwrap(),
        0,
        "reminded once"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'later@example.org' AND kind = 'document_reminder'")
            .await,
        1
    );
}

async fn the_coordinator_reviews_documents(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = app.verified_parent("reviewed@example.org").await;
    let child = app
        .add_child(&parent, "Tuyaarana", "2012-02-02", "2031-01-01")
        .await;
    app.upload(&parent, &child, "medical", "med.pdf", PDF.to_vec())
        .await;
    let (document,): (i64,) = sqlx::query_as("SELECT d.id FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Tuyaarana'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    // The queue is searched by the child's name (server-side, one page),
    // and shows the scan inline, to reviewers only.
    let (_, page) = app
        .get(
            &coordinator,
            "/coordinator/documents?q=tuyaarana&sort=newest",
        )
        .await;
    assert!(page.contains("Tuyaarana"));
    assert!(page.contains(&format!("/documents/{document}/preview")));
    assert!(
        page.contains(" 1 found"),
        "the search leaves the others out: {page}"
    );
    let r = coordinator
        .get(app.url(&format!("/documents/{document}/preview")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN");
    assert_eq!(
        parent
            .get(app.url(&format!("/documents/{document}/preview")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "a family does not review"
    );
    let path = format!("/coordinator/documents/{document}/review");
    let csrf = app.csrf(&coordinator, "/coordinator/documents").await;
    // A rejection without a reason comes back to the queue at the
    // document, the problem beside it, the filters kept.
    let r = coordinator
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "reject"),
            ("reason", " "),
            ("q", "tuyaarana"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a rejection needs a reason"
    );
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.ends_with(&format!("#document-{document}")), "{back}");
    assert!(back.contains("q=tuyaarana"), "{back}");
    let (_, page) = app.get(&coordinator, &back).await;
    assert!(
        page.contains("Please say why the document is rejected"),
        "{page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM documents WHERE status = 'rejected' AND reason = 'The stamp is not readable.'")
            .await,
        0
    );
    let r = coordinator
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "reject"),
            ("reason", "The stamp is not readable."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.last_mail("reviewed@example.org").await;
    assert!(mail.contains("The stamp is not readable."), "{mail}");
    let (_, page) = app.get(&parent, &child).await;
    assert!(page.contains("rejected</strong>: The stamp is not readable."));
    // The downloaded file is served as an attachment, never inline.
    let r = parent
        .get(app.url(&format!("/documents/{document}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    // Parents may not review.
    let csrf = app.csrf(&parent, "/home").await;
    let r = parent
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("decision", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// The demo's medical certificate is due after the review deadline: a
/// condition of the offer. Its day passes: a placed child with no usable
/// copy loses the place (the family is told why, the place goes to the
/// waiting list), a child whose copy waits for review keeps it, and
/// running the job again changes nothing.
async fn an_offer_whose_document_misses_its_deadline_goes_to_the_next_child(app: &TestApp) {
    use crate::common::{final_run, programme_id, publish};
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let run = final_run(&app.db, programme).await;
    publish(&app.db, programme, run).await;
    let offered: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT o.application_id, a.child_id, o.session_id FROM offers o \
         JOIN applications a ON a.id = o.application_id WHERE o.status = 'offered' \
         ORDER BY o.application_id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let [
        (missing, missing_child, session),
        (pending, pending_child, _),
    ] = offered[..]
    else {
        panic!("two offers: {offered:?}");
    };
    change(app, "UPDATE documents SET status = 'rejected', reason = 'нечитаемо' WHERE child_id = $1 AND kind = 'medical'", missing_child).await;
    change(
        app,
        "UPDATE documents SET status = 'pending' WHERE child_id = $1 AND kind = 'medical'",
        pending_child,
    )
    .await;
    let held = |session: i64| async move {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM offers WHERE session_id = $1 AND status IN ('offered', 'accepted')",
        )
        .bind(session)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        n
    };
    let before = held(session).await;
    // Not yet due: nothing changes.
    let withdraw = || smena::allocation::offers::withdraw_unmet(&app.db, "http://test");
    assert_eq!(withdraw().await.unwrap(), 0);
    // The certificate's day was yesterday (the review day before it).
    let yesterday = smena::store::today().0.previous_day().unwrap().to_string();
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE programmes SET documents_due_at = $1")
        .bind(smena::store::now_ms() - 3 * 24 * 3600 * 1000)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE required_documents SET deadline = $1 WHERE kind = 'medical'")
        .bind(&yesterday)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let withdrawn = withdraw().await.unwrap();
    assert!(withdrawn >= 1);
    let status = |application: i64| async move {
        let (s,): (String,) = sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        s
    };
    assert_eq!(status(missing).await, "withdrawn");
    assert_eq!(
        status(pending).await,
        "offered",
        "a copy waiting for review keeps the place"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM offers o JOIN applications a ON a.id = o.application_id \
             WHERE o.status IN ('offered', 'accepted') AND NOT EXISTS (SELECT 1 FROM documents d \
               WHERE d.child_id = a.child_id AND d.kind = 'medical' AND d.status <> 'rejected')"
        )
        .await,
        0,
        "no place is held without the certificate"
    );
    let (body,): (String,) = sqlx::query_as(
        "SELECT o.body FROM outbox o JOIN accounts g ON g.email = o.recipient \
         JOIN children c ON c.guardian_id = g.id WHERE c.id = $1 AND o.kind = 'offer_withdrawn_documents'",
    )
    .bind(missing_child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(body.contains("Медицинская справка"), "{body}");
    assert!(
        held(session).await >= before
            && app
                .count("SELECT COUNT(*) FROM outbox WHERE kind = 'backfill_offer'")
                .await
                >= 1,
        "the place went to the next child on the waiting list"
    );
    assert_eq!(withdraw().await.unwrap(), 0, "once");
}
