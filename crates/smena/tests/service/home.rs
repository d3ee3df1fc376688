//! The way home: each child handed over to a named guardian, the family
//! told and asked for its feedback; the programme completes only when
//! every travelling child is home.

use crate::common::{
    TestApp, client, fullest_session_accepted, groups_with_chaperone, programme_id,
};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(every_child_is_handed_over_before_the_programme_completes,);

async fn every_child_is_handed_over_before_the_programme_completes(app: &TestApp) {
    let (session, _, accepted) = fullest_session_accepted(app).await;
    let programme = programme_id(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (first, second) = groups_with_chaperone(app, &coordinator, session).await;
    app.execute("UPDATE programmes SET status = 'travelling'")
        .await;

    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    let home = format!("/groups/{first}/home");
    assert_eq!(app.get(&chaperone, &home).await.0, StatusCode::OK);
    assert_eq!(
        app.get(&chaperone, &format!("/groups/{second}/home"))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "another group's children are not theirs to hand over"
    );
    let (child, family_email): (i64, String) = sqlx::query_as(
        "SELECT a.id, g.email FROM group_members m JOIN applications a ON a.id = m.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE m.group_id = $1 ORDER BY a.id LIMIT 1",
    )
    .bind(first)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &family_email, PASSWORD).await;
    let feedback = format!("/applications/{child}/feedback");
    assert_eq!(
        app.get(&family, &feedback).await.0,
        StatusCode::NOT_FOUND,
        "asked only once the child is home"
    );
    let r = app
        .post(
            &chaperone,
            &home,
            &[("application", &child.to_string()), ("handed_to", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Write to whom the child was handed over")
    );
    for _ in 0..2 {
        let r = app
            .post(
                &chaperone,
                &home,
                &[
                    ("application", &child.to_string()),
                    ("handed_to", "Нюргуяна Петрова (мама)"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM outbox WHERE kind = 'child_home' AND recipient = $1")
            .bind(&family_email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        body.contains("Нюргуяна Петрова (мама)") && body.contains(&feedback),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'child_home'")
            .await,
        1,
        "recorded once"
    );

    // The programme cannot complete while a child is away.
    let step = format!("/coordinator/programmes/{programme}/status");
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "completed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "{} children are not yet handed over",
            accepted - 1
        )),
        "{page}"
    );
    let status = || async {
        let (s,): (String,) = sqlx::query_as("SELECT status FROM programmes")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        s
    };
    assert_eq!(status().await, "travelling");
    // Everyone else handed over (the coordinator may record it too).
    let rest: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT m.group_id, m.application_id FROM group_members m \
         WHERE NOT EXISTS (SELECT 1 FROM handovers h WHERE h.application_id = m.application_id)",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    for (group, application) in rest {
        let r = app
            .post(
                &coordinator,
                &format!("/groups/{group}/home"),
                &[
                    ("application", &application.to_string()),
                    ("handed_to", "Guardian"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "completed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status().await, "completed");

    // The family rates the journey; the coordinator reads it summed up.
    assert_eq!(app.get(&family, &feedback).await.0, StatusCode::OK);
    let r = app
        .post(
            &family,
            &feedback,
            &[("rating", "7"), ("comment", "Спасибо!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Спасибо!"));
    let r = app
        .post(
            &family,
            &feedback,
            &[("rating", "5"), ("comment", "Спасибо!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&coordinator, "/coordinator/feedback").await;
    assert!(
        page.contains("answers: 1")
            && page.contains("average 5.0 of 5")
            && page.contains("Спасибо!"),
        "{page}"
    );
}

on_both_databases!(a_child_nobody_collects_after_the_return_is_an_open_alert,);

/// The demo's journey landed yesterday; six of each group's ten children
/// are home. The other eight are an alert: the coordinators are e-mailed
/// once per group, and the board lists them until each is handed over.
async fn a_child_nobody_collects_after_the_return_is_an_open_alert(app: &TestApp) {
    use smena::groups::home::{COLLECT_WITHIN_MS, alert_uncollected, uncollected};
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    smena::scenario::journey::load(&app.db, &app.files)
        .await
        .unwrap();
    let (landed,): (i64,) = sqlx::query_as("SELECT MAX(arrives_at) FROM legs")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(
        uncollected(&app.db, landed).await.unwrap().is_empty(),
        "not before the return leg arrives"
    );
    let late = uncollected(&app.db, landed + COLLECT_WITHIN_MS)
        .await
        .unwrap();
    assert_eq!(late.len(), 8, "ten in each group, six home");
    let now = smena::store::now_ms();
    assert_eq!(
        alert_uncollected(&app.db, "https://smena.example", now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        alert_uncollected(&app.db, "https://smena.example", now)
            .await
            .unwrap(),
        0,
        "once"
    );
    let mails: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE kind = 'uncollected' ORDER BY subject",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(mails.len(), 2, "one coordinator, one per group: {mails:?}");
    let (_, body) = &mails[0];
    let waiting = &late
        .iter()
        .find(|u| body.contains(&u.family_name))
        .unwrap()
        .given_name;
    assert!(
        body.contains(waiting.as_str()) && body.contains("/groups/"),
        "{body}"
    );
    let (home_name,): (String,) = sqlx::query_as(
        "SELECT c.given_name || ' ' || c.family_name FROM handovers h JOIN applications a ON a.id = h.application_id \
         JOIN children c ON c.id = a.child_id ORDER BY h.handed_at LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        !mails.iter().any(|(_, b)| b.contains(&home_name)),
        "a child at home is not listed"
    );

    // The coordinator's board lists them until each is handed over.
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (_, board) = app.get(&coordinator, "/coordinator/ready").await;
    assert!(
        board.contains("8 children not collected after the return"),
        "{board}"
    );
    let (group, application): (i64, i64) = sqlx::query_as(
        "SELECT m.group_id, m.application_id FROM group_members m LEFT JOIN handovers h ON h.application_id = m.application_id \
         WHERE h.application_id IS NULL ORDER BY m.application_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let r = app
        .post(
            &coordinator,
            &format!("/groups/{group}/home"),
            &[
                ("application", &application.to_string()),
                ("handed_to", "Бабушка, Анна Ивановна"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, board) = app.get(&coordinator, "/coordinator/ready").await;
    assert!(
        board.contains("7 children not collected after the return"),
        "{board}"
    );
}
