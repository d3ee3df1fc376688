//! A child's health needs: given by the family, sealed, read only by the
//! adults of the child's group and the medical staff of the child's camp
//! (each read audited); the camp's kitchen sees the diets counted.

use crate::common::{TestApp, client, fullest_session_accepted, groups_with_chaperone};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(health_needs_reach_only_the_groups_adults_and_the_camps_medic,);

async fn health_needs_reach_only_the_groups_adults_and_the_camps_medic(app: &TestApp) {
    let (session, camp, _) = fullest_session_accepted(app).await;
    let mut tx = app.db.begin_write().await.unwrap();
    // The medic and the camp's representative work at that session's camp.
    sqlx::query(
        "UPDATE accounts SET camp_id = $1 WHERE email IN ('medic@demo.smena', 'camp@demo.smena')",
    )
    .bind(camp)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (first, second) = groups_with_chaperone(app, &coordinator, session).await;

    // A family of each group gives its child's needs.
    let family_of = |group: i64| async move {
        let (child, email): (i64, String) = sqlx::query_as(
            "SELECT c.id, g.email FROM group_members m JOIN applications a ON a.id = m.application_id \
             JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
             WHERE m.group_id = $1 ORDER BY a.id LIMIT 1",
        )
        .bind(group)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let family = client();
        app.login(&family, &email, PASSWORD).await;
        (child, family)
    };
    let (child, family) = family_of(first).await;
    let form = format!("/children/{child}/needs");
    let (status, page) = app.get(&family, &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let r = app
        .post(
            &family,
            &form,
            &[
                ("allergies", "Peanuts NUTCANARY"),
                ("diet", "paleo"),
                ("medication", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Choose a diet") && page.contains("Peanuts NUTCANARY"),
        "{page}"
    );
    let r = app
        .post(
            &family,
            &form,
            &[
                ("allergies", "Peanuts NUTCANARY"),
                ("diet", "halal"),
                ("medication", "Salbutamol, 1 puff, 08:00 and 20:00"),
                ("health_notes", "Asthma"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (sealed,): (String,) =
        sqlx::query_as("SELECT allergies FROM child_needs WHERE child_id = $1")
            .bind(child)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(sealed.starts_with("enc1:") && !sealed.contains("NUTCANARY"));
    let (other_child, other_family) = family_of(second).await;
    let r = app
        .post(
            &other_family,
            &format!("/children/{other_child}/needs"),
            &[("allergies", "Bees SECONDGROUP"), ("diet", "vegetarian")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Another family cannot read or write them.
    assert_eq!(app.get(&other_family, &form).await.0, StatusCode::NOT_FOUND);

    // The chaperone of the first group: that group's children only.
    let needs = format!("/sessions/{session}/needs");
    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    let (status, page) = app.get(&chaperone, &needs).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("NUTCANARY")
            && page.contains("08:00 and 20:00")
            && !page.contains("SECONDGROUP"),
        "{page}"
    );
    // The camp's medic: every child of the session.
    let medic = client();
    app.login(&medic, "medic@demo.smena", PASSWORD).await;
    let (status, page) = app.get(&medic, &needs).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("NUTCANARY") && page.contains("SECONDGROUP"),
        "{page}"
    );
    let (_, list) = app.get(&medic, "/needs").await;
    assert!(list.contains(&needs), "{list}");
    // Each read is audited, never what was read.
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE resource = 'needs' AND action = 'read' AND resource_id = $1 \
         AND outcome = 'ok'",
    )
    .bind(session)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(reads, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%NUTCANARY%'")
            .await,
        0
    );
    // The camp's representative, the coordinator and the school: not found.
    let camp = client();
    app.login(&camp, "camp@demo.smena", PASSWORD).await;
    let school = client();
    app.login(&school, "school@demo.smena", PASSWORD).await;
    for who in [&camp, &coordinator, &school] {
        assert_eq!(app.get(who, &needs).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(who, &form).await.0, StatusCode::NOT_FOUND);
    }
    // The camp's representative sees the diets counted, without names.
    let (status, page) = app.get(&camp, "/camp/diets").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("halal: 1")
            && page.contains("vegetarian: 1")
            && page.contains("with an allergy: 2 children"),
        "{page}"
    );
    assert!(
        !page.contains("NUTCANARY") && !page.contains("Asthma"),
        "{page}"
    );
    // A medic of another camp: not found.
    app.execute("UPDATE accounts SET camp_id = NULL WHERE email = 'medic@demo.smena'")
        .await;
    assert_eq!(app.get(&medic, &needs).await.0, StatusCode::NOT_FOUND);
}
