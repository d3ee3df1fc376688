//! Documents uploaded and reviewed.

use crate::common::{PDF, TestApp, client};
use reqwest::StatusCode;

on_both_databases!(the_coordinator_reviews_documents,);

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
    let (_, page) = app.get(&coordinator, "/coordinator/documents").await;
    assert!(page.contains("Tuyaarana"));
    let path = format!("/coordinator/documents/{document}/review");
    let csrf = app.csrf(&coordinator, "/coordinator/documents").await;
    let r = coordinator
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("decision", "reject"),
            ("reason", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a rejection needs a reason"
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
