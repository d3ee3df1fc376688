//! Incidents on the journey: recorded by the adults of a child's group
//! or the staff of the child's camp, the coordinators alerted at once, the
//! family told as the programme's rules say, each read audited.

use crate::common::{TestApp, client, fullest_session_accepted, groups_with_chaperone};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(an_incident_alerts_the_coordinator_and_tells_the_family_as_the_rules_say,);

async fn an_incident_alerts_the_coordinator_and_tells_the_family_as_the_rules_say(app: &TestApp) {
    let (session, camp, _) = fullest_session_accepted(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (first, second) = groups_with_chaperone(app, &coordinator, session).await;
    let member = |group: i64| async move {
        let (application, email): (i64, String) = sqlx::query_as(
            "SELECT a.id, g.email FROM group_members m JOIN applications a ON a.id = m.application_id \
             JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
             WHERE m.group_id = $1 ORDER BY a.id LIMIT 1",
        )
        .bind(group)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        (application, email)
    };
    let (mine, family_email) = member(first).await;
    let (other, _) = member(second).await;
    let incidents = format!("/sessions/{session}/incidents");
    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    let (status, _) = app.get(&chaperone, &incidents).await;
    assert_eq!(status, StatusCode::OK);
    // A child of another group cannot be chosen; an empty description is
    // refused with what was chosen kept.
    let r = app
        .post(
            &chaperone,
            &incidents,
            &[
                ("application", &other.to_string()),
                ("kind", "illness"),
                ("description", "Fever"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Choose a child from the list")
    );
    let r = app
        .post(
            &chaperone,
            &incidents,
            &[
                ("application", &mine.to_string()),
                ("kind", "injury"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Describe what happened"));
    // An illness: the coordinators alerted, the family told (the rules'
    // default), the description sealed and never in an e-mail.
    let r = app
        .post(
            &chaperone,
            &incidents,
            &[
                ("application", &mine.to_string()),
                ("kind", "illness"),
                (
                    "description",
                    "Fever 38.5 FEVERCANARY, seen by the camp doctor",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (sealed,): (String,) = sqlx::query_as("SELECT description FROM incidents")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(sealed.starts_with("enc1:") && !sealed.contains("FEVERCANARY"));
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE kind = 'incident_reported' AND recipient = 'coordinator@demo.smena'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        subject.contains("Illness") && body.contains("Алексей Васильев"),
        "{subject} {body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%FEVERCANARY%'")
            .await,
        0
    );
    let (to,): (String,) =
        sqlx::query_as("SELECT recipient FROM outbox WHERE kind = 'incident_family'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(to, family_email);
    // Behaviour is not told to the family under the default rules.
    let r = app
        .post(
            &chaperone,
            &incidents,
            &[
                ("application", &mine.to_string()),
                ("kind", "behaviour"),
                ("description", "Left the group for ten minutes"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'incident_family'")
            .await,
        1
    );
    // The coordinator changes the programme's rule: behaviour is told too.
    let (status, page) = app.get(&coordinator, &incidents).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("name=\"illness\" value=\"on\" checked"),
        "{page}"
    );
    assert!(page.contains("name=\"behaviour\" value=\"on\">"), "{page}");
    let r = app
        .post(
            &coordinator,
            &format!("{incidents}/told"),
            &[("illness", "on"), ("behaviour", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &chaperone,
            &format!("{incidents}/told"),
            &[("behaviour", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not a chaperone's rule");
    let r = app
        .post(
            &chaperone,
            &incidents,
            &[
                ("application", &mine.to_string()),
                ("kind", "behaviour"),
                ("description", "Came back to the group late"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'incident_family'")
            .await,
        2,
        "behaviour is told now"
    );
    // The family reads what it was told, not the rest.
    let family = client();
    app.login(&family, &family_email, PASSWORD).await;
    let (_, page) = app.get(&family, &format!("/applications/{mine}")).await;
    assert!(
        page.contains("FEVERCANARY")
            && !page.contains("ten minutes")
            && page.contains("back to the group late"),
        "{page}"
    );
    // The coordinator reads every incident; the camp's staff those of
    // their camp; another camp's staff and a parent: not found.
    let (_, page) = app.get(&coordinator, &incidents).await;
    assert!(
        page.contains("FEVERCANARY") && page.contains("ten minutes"),
        "{page}"
    );
    assert!(
        !page.contains("Record an incident"),
        "the coordinator reads only"
    );
    let camp_staff = client();
    app.login(&camp_staff, "camp@demo.smena", PASSWORD).await;
    app.execute("UPDATE accounts SET camp_id = NULL WHERE email = 'camp@demo.smena'")
        .await;
    assert_eq!(
        app.get(&camp_staff, &incidents).await.0,
        StatusCode::NOT_FOUND
    );
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE accounts SET camp_id = $1 WHERE email = 'camp@demo.smena'")
        .bind(camp)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (status, page) = app.get(&camp_staff, &incidents).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("FEVERCANARY"), "{page}");
    assert_eq!(app.get(&family, &incidents).await.0, StatusCode::NOT_FOUND);
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE resource = 'incident' AND action = 'read' AND outcome = 'ok'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(reads >= 3, "{reads}");
}
