//! The JSON API.

use crate::common::{self, TestApp, client, programme_id};
use reqwest::StatusCode;

on_both_databases!(the_json_api_follows_the_same_rules,);

async fn the_json_api_follows_the_same_rules(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/programmes",
        "/api/applications",
        "/api/applications/{id}",
        "/api/applications/{id}/offer",
        "/api/programmes/{id}/result",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    let r = client()
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].is_string());

    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let mine: Vec<serde_json::Value> = parent
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (expected,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'parent@demo.smena'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(mine.len() as i64, expected, "only their own applications");
    let (other,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id WHERE x.email <> 'parent@demo.smena' LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let r = parent
        .get(app.url(&format!("/api/applications/{other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r2 = parent
        .get(app.url("/api/applications/4242"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        r2.text().await.unwrap(),
        "another family's record looks like a missing one"
    );

    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let all: Vec<serde_json::Value> = coordinator
        .get(app.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(all.len() as i64 > expected);

    // After publication the family answers through the API, with the CSRF header.
    let programme = programme_id(app).await;
    let run = common::final_run(&app.db, programme).await;
    common::publish(&app.db, programme, run).await;
    let result: serde_json::Value = client()
        .get(app.url(&format!("/api/programmes/{programme}/result")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(result["placed"].as_i64().unwrap() > 0 && result["seed"].as_str().unwrap().len() == 64);
    let offered: Option<(i64,)> = sqlx::query_as(
        "SELECT o.application_id FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'parent@demo.smena'",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap();
    if let Some((application,)) = offered {
        let url = app.url(&format!("/api/applications/{application}/offer"));
        let r = parent
            .post(&url)
            .json(&serde_json::json!({"decision": "accept"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF header");
        let csrf = app.csrf(&parent, "/home").await;
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"decision": "maybe"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = parent
            .post(&url)
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"decision": "accept"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let detail: serde_json::Value = parent
            .get(app.url(&format!("/api/applications/{application}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(detail["offer"]["status"], "accepted");
        assert!(!detail["explanations"].as_array().unwrap().is_empty());
    }
}
