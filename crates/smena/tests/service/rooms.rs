//! Rooms: the camp describes its rooms, the session's children are
//! assigned (beds, sex and age spread hold; friends who named each other
//! share a room), the camp moves a child by hand within the rules; a
//! family names friends by reference; nobody else reaches any of it.

use std::collections::HashMap;

use crate::common::{TestApp, client, fullest_session_accepted, visible_text};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(the_camp_assigns_rooms_that_keep_friends_together,);

async fn the_camp_assigns_rooms_that_keep_friends_together(app: &TestApp) {
    let (session, camp, accepted) = fullest_session_accepted(app).await;
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE accounts SET camp_id = $1 WHERE email = 'camp@demo.smena'")
        .bind(camp)
        .execute(&mut *tx)
        .await
        .unwrap();
    // Every child's sex known: alternately girls and boys.
    sqlx::query("UPDATE children SET sex = CASE WHEN id % 2 = 0 THEN 'female' ELSE 'male' END")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let staff = client();
    app.login(&staff, "camp@demo.smena", PASSWORD).await;
    let (status, page) = app.get(&staff, "/camp/rooms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/sessions/{session}/rooms")));

    // A wrong room is named, with what was typed kept.
    let r = app
        .post(
            &staff,
            "/camp/rooms",
            &[
                ("name", "Кедр 1"),
                ("floor", "2"),
                ("beds", "0"),
                ("sex", "female"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Write the number of beds, from 1 to 40"),
        "{page}"
    );
    assert!(page.contains("value=\"Кедр 1\""));
    let r = app
        .post(&staff, "/camp/rooms/spread", &[("spread", "ten")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(&staff, "/camp/rooms/spread", &[("spread", "10")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Enough rooms of four beds for each sex, one spare.
    let per_sex = accepted / 4 + 2;
    for sex in ["female", "male"] {
        for n in 0..per_sex {
            let name = format!("{sex} {n}");
            let r = app
                .post(
                    &staff,
                    "/camp/rooms",
                    &[("name", &name), ("floor", "1"), ("beds", "4"), ("sex", sex)],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
    }
    let r = app
        .post(
            &staff,
            "/camp/rooms",
            &[
                ("name", "female 0"),
                ("floor", "1"),
                ("beds", "4"),
                ("sex", "female"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a name twice");

    // Two girls of different families name each other: the oldest and the
    // youngest girl of the session, whom an age-ordered filling would part.
    let girls: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, a.reference, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.session_id = $1 AND c.sex = 'female' ORDER BY c.birth_date, a.id",
    )
    .bind(session)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(girls.len() > 4, "{girls:?}");
    let (a, a_reference, a_family) = girls.first().unwrap().clone();
    let (b, b_reference, b_family) = girls.last().unwrap().clone();
    assert_ne!(a_family, b_family);
    let first = client();
    app.login(&first, &a_family, PASSWORD).await;
    let friends_a = format!("/applications/{a}/room-friends");
    let r = app
        .post(
            &first,
            &friends_a,
            &[("reference", "<script>alert(1)</script>")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("Write the reference as it is"), "{page}");
    assert!(
        page.contains("alert(1)") && !page.contains("<script>alert"),
        "the typed text is kept, escaped"
    );
    let r = app
        .post(&first, &friends_a, &[("reference", &a_reference)])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "not one's own child");
    // Typed by hand: lower case, a space for the dash.
    let typed = b_reference.to_lowercase().replace('-', " ");
    let r = app.post(&first, &friends_a, &[("reference", &typed)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&first, &friends_a).await;
    assert!(
        page.contains(&b_reference) && page.contains("waiting for the friend"),
        "{page}"
    );
    let second = client();
    app.login(&second, &b_family, PASSWORD).await;
    let friends_b = format!("/applications/{b}/room-friends");
    let r = app
        .post(&second, &friends_b, &[("reference", &a_reference)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&first, &friends_a).await;
    assert!(page.contains("both named each other"), "{page}");
    assert_eq!(
        app.get(&first, &friends_b).await.0,
        StatusCode::NOT_FOUND,
        "another family's application"
    );

    // Assigned: everyone placed, beds and sex hold, the friends together.
    let rooms_page = format!("/sessions/{session}/rooms");
    let r = app.post(&staff, &format!("{rooms_page}/assign"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let places: Vec<(i64, i64, i32, String, String)> = sqlx::query_as(
        "SELECT p.application_id, r.id, r.beds, r.sex, c.sex FROM room_places p JOIN rooms r ON r.id = p.room_id \
         JOIN applications a ON a.id = p.application_id JOIN children c ON c.id = a.child_id WHERE p.session_id = $1",
    )
    .bind(session)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(places.len() as i64, accepted, "everyone has a bed");
    let mut in_room: HashMap<i64, i32> = HashMap::new();
    for (_, room, beds, room_sex, child_sex) in &places {
        assert_eq!(room_sex, child_sex);
        let n = in_room.entry(*room).or_default();
        *n += 1;
        assert!(*n <= *beds);
    }
    let room_of: HashMap<i64, i64> = places.iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(room_of[&a], room_of[&b], "the friends share a room");
    let (status, page) = app.get(&staff, &rooms_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("as wished"), "{page}");
    let (entry,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE resource = 'room' AND detail LIKE 'rooms assigned%'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        entry.contains(&format!("{accepted} placed, 0 not placed")),
        "{entry}"
    );

    // By hand: not into a boys' room, not into a full room; into a free bed.
    let boys_room = places.iter().find(|p| p.3 == "male").unwrap().1;
    let a_text = a.to_string();
    let r = app
        .post(
            &staff,
            &format!("{rooms_page}/move"),
            &[("application", &a_text), ("room", &boys_room.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("for the other sex"));
    let (empty,): (i64,) = sqlx::query_as(
        "SELECT r.id FROM rooms r WHERE r.sex = 'female' AND r.camp_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM room_places p WHERE p.room_id = r.id) ORDER BY r.name LIMIT 1",
    )
    .bind(camp)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let r = app
        .post(
            &staff,
            &format!("{rooms_page}/move"),
            &[("application", &a_text), ("room", &empty.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (now_in,): (i64,) =
        sqlx::query_as("SELECT room_id FROM room_places WHERE application_id = $1")
            .bind(a)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(now_in, empty);
    let (_, page) = app.get(&staff, &rooms_page).await;
    assert!(
        page.contains("wished to be with"),
        "the parted friends are shown: {page}"
    );
    // Filling the empty room to its four beds, then one more is refused.
    let more: Vec<i64> = girls
        .iter()
        .map(|g| g.0)
        .filter(|g| *g != a)
        .take(4)
        .collect();
    for (i, g) in more.iter().enumerate() {
        let r = app
            .post(
                &staff,
                &format!("{rooms_page}/move"),
                &[
                    ("application", &g.to_string()),
                    ("room", &empty.to_string()),
                ],
            )
            .await;
        let want = if i < 3 {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(r.status(), want, "girl {i}");
    }
    // A room with children in it stays.
    let r = app
        .post(
            &staff,
            "/camp/rooms/remove",
            &[("room", &empty.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // In Russian and Korean, no English left.
    for (lang, heading) in [("ru", "Комнаты смены"), ("ko", "세션 객실 배정")] {
        app.post(&staff, "/language", &[("lang", lang), ("back", "/")])
            .await;
        for path in [rooms_page.as_str(), "/camp/rooms"] {
            let page = visible_text(&app.get(&staff, path).await.1);
            if path == rooms_page {
                assert!(page.contains(heading), "{lang} {path}: {page}");
            }
            for english in [
                "Rooms", "beds", "girls", "boys", "wished", "Move", "floor", "years",
            ] {
                assert!(
                    !page.contains(english),
                    "{lang} {path} says {english:?}: {page}"
                );
            }
        }
    }

    // Nobody else: the school, a chaperone, the coordinator cannot change.
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    assert_eq!(app.get(&coordinator, &rooms_page).await.0, StatusCode::OK);
    let r = app
        .post(&coordinator, &format!("{rooms_page}/assign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let school = client();
    app.login(&school, "school@demo.smena", PASSWORD).await;
    assert_eq!(app.get(&school, &rooms_page).await.0, StatusCode::NOT_FOUND);
    app.execute("UPDATE accounts SET camp_id = NULL WHERE email = 'camp@demo.smena'")
        .await;
    assert_eq!(
        app.get(&staff, &rooms_page).await.0,
        StatusCode::NOT_FOUND,
        "another camp's session"
    );
}
