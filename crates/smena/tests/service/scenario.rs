//! The reference scenario (the demo).

use crate::common::{TestApp, client};
use reqwest::StatusCode;

on_both_databases!(demo_scenario_loads,);

async fn demo_scenario_loads(app: &TestApp) {
    assert!(
        smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap()
    );
    assert!(
        !smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap(),
        "loading twice changes nothing"
    );
    let (status, page) = app.get(&app.client, "/").await;
    assert_eq!(status, StatusCode::OK);
    for code in [
        "songdowon-2027-1",
        "songdowon-2027-2",
        "songdowon-2027-3",
        "nairamdal-2027-1",
        "nairamdal-2027-2",
    ] {
        assert!(page.contains(code), "{code} on the public page");
    }
    assert!(page.contains("Lottery commitment"));
    for login in smena::scenario::demo::LOGINS {
        let c = client();
        let r = app
            .login(&c, login.email, smena::scenario::demo::PASSWORD)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", login.email);
        let (_, home) = app.get(&c, "/home").await;
        assert!(home.contains(login.role.title()));
    }
}

on_both_databases!(the_demo_shows_the_journey_after_the_offer,);

/// `smena demo` adds last autumn's programme on its way home: each role
/// finds its part of the journey on its pages.
async fn the_demo_shows_the_journey_after_the_offer(app: &TestApp) {
    use smena::scenario::{demo, journey};
    demo::load(&app.db, &app.files).await.unwrap();
    assert!(journey::load(&app.db, &app.files).await.unwrap());
    assert!(
        !journey::load(&app.db, &app.files).await.unwrap(),
        "loading twice changes nothing"
    );
    let count = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db.pool()).await.unwrap();
        n
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM programmes WHERE code = 'SKH26O' AND status = 'travelling'")
            .await,
        1
    );
    assert_eq!(count("SELECT COUNT(*) FROM travel_groups").await, 2);
    assert_eq!(
        count("SELECT COUNT(*) FROM travel_groups g WHERE (SELECT COUNT(*) FROM group_staff s WHERE s.group_id = g.id) >= 2").await,
        2,
        "every group has its two adults"
    );
    assert_eq!(count("SELECT COUNT(*) FROM legs").await, 12);
    assert_eq!(
        count("SELECT COUNT(*) FROM legs WHERE from_place = 'Якутск'").await,
        2,
        "out of Yakutsk"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM room_places").await,
        20,
        "everyone in a room"
    );
    assert_eq!(count("SELECT COUNT(*) FROM incidents").await, 1);
    assert_eq!(
        count("SELECT COUNT(*) FROM roll_call_marks WHERE mark = 'excused'").await,
        1
    );
    let home = count("SELECT COUNT(*) FROM handovers").await;
    assert!(home > 0 && home < 20, "some children home: {home}");

    let (session, group, roll_call, family, application): (i64, i64, i64, String, i64) = sqlx::query_as(
        "SELECT g.session_id, g.id, r.id, p.email, a.id FROM travel_groups g JOIN roll_calls r ON r.group_id = g.id \
         JOIN group_members m ON m.group_id = g.id JOIN applications a ON a.id = m.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts p ON p.id = c.guardian_id \
         WHERE g.number = 1 AND r.occasion LIKE 'arrival:%' ORDER BY r.opened_at, a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let pages: Vec<(&str, Vec<(String, &str)>)> = vec![
        (
            "chaperone@demo.smena",
            vec![
                ("/travel-papers".into(), "SNG-2026-10"),
                (format!("/groups/{group}/roll-calls"), "R3 479"),
                (format!("/roll-calls/{roll_call}"), "Present"),
                (format!("/groups/{group}/home"), "handed over to"),
                (format!("/sessions/{session}/incidents"), "Illness"),
            ],
        ),
        (
            "camp@demo.smena",
            vec![
                ("/camp/rooms".into(), "Корпус «Чайка»"),
                (format!("/sessions/{session}/rooms"), "as wished"),
            ],
        ),
        (
            "coordinator@demo.smena",
            vec![
                (
                    format!("/coordinator/sessions/{session}/groups"),
                    "Мария Слепцова",
                ),
                (format!("/sessions/{session}/incidents"), "Температура 38,2"),
                ("/coordinator/feedback".into(), "Дочь в восторге"),
            ],
        ),
        (
            family.as_str(),
            vec![(format!("/applications/{application}"), "Пхеньян")],
        ),
    ];
    for (email, visits) in pages {
        let c = client();
        let r = app.login(&c, email, demo::PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email}");
        for (path, shows) in visits {
            let (status, page) = app.get(&c, &path).await;
            assert_eq!(status, StatusCode::OK, "{email} {path}");
            assert!(
                page.contains(shows),
                "{email} {path} shows {shows:?}: {page}"
            );
        }
    }
    // The programme report has the families' feedback.
    let (journey_id,): (i64,) = sqlx::query_as("SELECT id FROM programmes WHERE code = 'SKH26O'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", demo::PASSWORD)
        .await;
    let r = coordinator
        .get(app.url(&format!("/coordinator/programmes/{journey_id}/report.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = crate::common::look_at_pdf(&r.bytes().await.unwrap());
    assert!(
        text.contains("Whatthefamiliessaid")
            && text.contains("Дочьввосторге")
            && text.contains("★★★★★"),
        "{text}"
    );
    // The ready board shows the newest programme and, chosen, the journey's;
    // a programme that is not there is not found.
    let (_, page) = app.get(&coordinator, "/coordinator/ready").await;
    let session_section = format!("/coordinator/sessions/{session}/groups");
    assert!(
        !page.contains(&session_section)
            && page.contains(&format!("/coordinator/ready?programme={journey_id}")),
        "{page}"
    );
    let (status, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/ready?programme={journey_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&session_section), "{page}");
    for wrong in ["424242", "abc", "%3Cscript%3E"] {
        let (status, _) = app
            .get(
                &coordinator,
                &format!("/coordinator/ready?programme={wrong}"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}");
    }
    // So does the dashboard: the newest by default, the journey's chosen.
    let (journey_name, newest_name): (String, String) = sqlx::query_as(
        "SELECT j.name, n.name FROM programmes j, programmes n WHERE j.id = $1 AND n.id <> $1",
    )
    .bind(journey_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let heading = |name: &str| format!("Dashboard — {name}</h1>");
    let (_, page) = app.get(&coordinator, "/coordinator/dashboard").await;
    assert!(
        page.contains(&heading(&newest_name))
            && page.contains(&format!("/coordinator/dashboard?programme={journey_id}")),
        "{page}"
    );
    let (status, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/dashboard?programme={journey_id}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&heading(&journey_name)), "{page}");
    let (status, _) = app
        .get(&coordinator, "/coordinator/dashboard?programme=424242")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The second group's chaperone is not the demo chaperone's.
    let c = client();
    app.login(&c, "chaperone@demo.smena", demo::PASSWORD).await;
    let (second,): (i64,) = sqlx::query_as("SELECT id FROM travel_groups WHERE number = 2")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app.get(&c, &format!("/groups/{second}/roll-calls")).await.0,
        StatusCode::NOT_FOUND
    );
}
