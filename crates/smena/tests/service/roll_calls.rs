//! Roll calls: marks sent by an offline phone arrive exactly once, the
//! latest wins, a child not ready cannot depart, closing with a child not
//! present alerts the coordinators, closing an arrival tells the families.

use crate::common::{
    TestApp, client, fullest_session_accepted, groups_with_chaperone, ready_to_fly, visible_text,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use smena::scenario::demo::PASSWORD;

on_both_databases!(a_roll_call_keeps_each_mark_once_and_alerts_on_a_missing_child,);

async fn count(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    n
}

async fn a_roll_call_keeps_each_mark_once_and_alerts_on_a_missing_child(app: &TestApp) {
    let (session, _, _) = fullest_session_accepted(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let (first, second) = groups_with_chaperone(app, &coordinator, session).await;
    // Everyone ready but the first child, whose passport goes missing.
    let leg = ready_to_fly(app, &coordinator, first).await;
    let children: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT a.id, c.id, c.family_name || ' ' || c.given_name FROM group_members m JOIN applications a ON a.id = m.application_id \
         JOIN children c ON c.id = a.child_id WHERE m.group_id = $1 ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(first)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(children.len() >= 3, "{} children", children.len());
    let (blocked, ready, excused) = (&children[0], &children[1], &children[2]);
    {
        let mut tx = app.db.begin_write().await.unwrap();
        sqlx::query("UPDATE children SET passport_expires = NULL WHERE id = $1")
            .bind(blocked.1)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let (other,): (i64,) =
        sqlx::query_as("SELECT application_id FROM group_members WHERE group_id = $1 LIMIT 1")
            .bind(second)
            .fetch_one(app.db.pool())
            .await
            .unwrap();

    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    let list = format!("/groups/{first}/roll-calls");
    let (status, page) = app.get(&chaperone, &list).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("departure:{leg}")), "{page}");
    assert_eq!(
        app.get(&chaperone, &format!("/groups/{second}/roll-calls"))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "another group's roll calls are not theirs"
    );
    let r = app
        .post(&chaperone, &list, &[("occasion", "day:1999-01-01")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "not a day of the session"
    );
    let departure = format!("departure:{leg}");
    let r = app
        .post(&chaperone, &list, &[("occasion", &departure)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let sheet = r.headers()["location"].to_str().unwrap().to_string();
    let roll_call: i64 = sheet.rsplit('/').next().unwrap().parse().unwrap();
    let again = app
        .post(&chaperone, &list, &[("occasion", &departure)])
        .await;
    assert_eq!(
        again.headers()["location"].to_str().unwrap(),
        sheet,
        "one roll call per occasion"
    );

    // What an offline phone sends when it is back: ids of its own.
    let mark = |id: &str, application: i64, mark: &str, at: i64| json!({"id": id, "application": application.to_string(), "mark": mark, "marked_at": at});
    let batch = json!({"marks": [
        mark("0e4c7a3e-0000-4000-8000-000000000001", ready.0, "absent", 1_000),
        mark("0e4c7a3e-0000-4000-8000-000000000002", ready.0, "present", 2_000),
        mark("0e4c7a3e-0000-4000-8000-000000000003", blocked.0, "present", 2_000),
        mark("0e4c7a3e-0000-4000-8000-000000000004", excused.0, "excused", 2_000),
        mark("<script>", ready.0, "present", 3_000),
        mark("0e4c7a3e-0000-4000-8000-000000000006", other, "present", 3_000),
        mark("0e4c7a3e-0000-4000-8000-000000000007", ready.0, "here", 3_000),
    ]});
    let csrf = app.csrf(&chaperone, &sheet).await;
    let send = || async {
        let r = chaperone
            .post(app.url(&format!("{sheet}/marks")))
            .header("x-csrf-token", &csrf)
            .json(&batch)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Value>().await.unwrap()
    };
    let answer = send().await;
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x.as_str()
                    .map_or_else(|| x["id"].as_str().unwrap().to_string(), String::from)
            })
            .collect()
    };
    assert_eq!(
        ids(&answer["received"]),
        [
            "0e4c7a3e-0000-4000-8000-000000000001",
            "0e4c7a3e-0000-4000-8000-000000000002",
            "0e4c7a3e-0000-4000-8000-000000000004"
        ]
    );
    assert_eq!(ids(&answer["refused"]).len(), 4, "{answer}");
    let why = answer["refused"][0]["reason"].as_str().unwrap();
    assert!(why.contains("Cannot depart"), "{why}");
    let marks = "SELECT COUNT(*) FROM roll_call_marks WHERE roll_call_id = $1";
    let entries =
        "SELECT COUNT(*) FROM audit_log WHERE resource = 'roll_call' AND resource_id = $1";
    assert_eq!(count(app, marks, roll_call).await, 3);
    let audited = count(app, entries, roll_call).await;
    // Sent again (the answer was lost): kept once, nothing more recorded.
    assert_eq!(send().await["received"], answer["received"]);
    assert_eq!(count(app, marks, roll_call).await, 3);
    assert_eq!(count(app, entries, roll_call).await, audited);
    // Not marks at all, or too many at once: refused whole, nothing kept.
    let too_many: Vec<Value> = (0..1001)
        .map(|i| {
            mark(
                &format!("0e4c7a3e-0000-4000-8000-{i:012}"),
                ready.0,
                "present",
                4_000,
            )
        })
        .collect();
    for body in [
        b"{\"marks\": [".to_vec(),
        b"not json at all".to_vec(),
        serde_json::to_vec(&json!({"marks": too_many})).unwrap(),
    ] {
        let r = chaperone
            .post(app.url(&format!("{sheet}/marks")))
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(count(app, marks, roll_call).await, 3);
    // The latest mark on the phone's clock is the child's, whatever came
    // first: one absent → present, one excused.
    let (_, page) = app.get(&chaperone, &sheet).await;
    assert!(page.contains("Present: 1, absent: 0, excused: 1"), "{page}");
    assert!(
        page.contains("Cannot depart"),
        "the blocked child is shown why"
    );

    // The pages in Russian and Korean: the words of the language, no
    // English left (the names and the leg's places are as typed).
    for (lang, heading) in [("ru", "Перекличка"), ("ko", "인원 점검")] {
        app.post(&chaperone, "/language", &[("lang", lang), ("back", "/")])
            .await;
        for path in [&sheet, &list] {
            let page = visible_text(&app.get(&chaperone, path).await.1);
            assert!(page.contains(heading), "{lang} {path}: {page}");
            for english in [
                "Roll call",
                "present",
                "absent",
                "excused",
                "not marked",
                "Departure",
                "Close the",
                "Cannot depart",
                "Flight",
            ] {
                assert!(
                    !page.contains(english),
                    "{lang} {path} says {english:?}: {page}"
                );
            }
        }
    }
    app.post(&chaperone, "/language", &[("lang", "en"), ("back", "/")])
        .await;

    // Closing alerts the coordinators of everyone not present, once.
    let r = app.post(&chaperone, &format!("{sheet}/close"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.post(&chaperone, &format!("{sheet}/close"), &[]).await;
    let alerts: Vec<(String, String)> = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE kind = 'roll_call_missing' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(alerts.len(), 1, "one coordinator, one alert: {alerts:?}");
    let (subject, body) = &alerts[0];
    let missing = children.len() - 1;
    assert!(
        subject.contains(&format!("{missing} not present")),
        "{subject}"
    );
    assert!(subject.contains("Group 1"), "{subject}");
    assert!(body.contains("R3 479"), "the leg is named: {body}");
    assert!(
        body.contains(&format!("— {}: not marked", blocked.2)),
        "{body}"
    );
    assert!(
        body.contains(&format!("— {}: excused", excused.2)),
        "{body}"
    );
    assert!(!body.contains(&format!("— {}:", ready.2)), "{body}");
    // The coordinator reads it; takes none.
    assert_eq!(app.get(&coordinator, &sheet).await.0, StatusCode::OK);
    assert_eq!(
        app.post(
            &coordinator,
            &format!("{sheet}/marks"),
            &[("application", &ready.0.to_string()), ("mark", "absent")]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // At the arrival every child is there (marked one by one, without
    // JavaScript): no alert, and each family is told the group arrived.
    let r = app
        .post(
            &chaperone,
            &list,
            &[("occasion", &format!("arrival:{leg}"))],
        )
        .await;
    let arrival = r.headers()["location"].to_str().unwrap().to_string();
    for (application, _, _) in &children {
        let r = app
            .post(
                &chaperone,
                &format!("{arrival}/marks"),
                &[
                    ("application", &application.to_string()),
                    ("mark", "present"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    app.post(&chaperone, &format!("{arrival}/close"), &[]).await;
    let (missing_alerts, arrived): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE kind = 'roll_call_missing'), \
                (SELECT COUNT(*) FROM outbox WHERE kind = 'group_arrived')",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(missing_alerts, 1);
    assert_eq!(arrived, children.len() as i64);
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM outbox WHERE kind = 'group_arrived' LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(body.contains("Владивосток"), "{body}");
}
