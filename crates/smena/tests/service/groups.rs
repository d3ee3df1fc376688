//! Travel groups: formed from a session's accepted places under the
//! programme's ratio, edited by the coordinator, and seen by their adults
//! only.

use crate::common::{TestApp, client, fullest_session_accepted};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(
    groups_are_formed_edited_and_seen_only_by_their_adults,
    the_ready_board_names_what_each_child_still_lacks,
);

async fn groups_are_formed_edited_and_seen_only_by_their_adults(app: &TestApp) {
    let (session, _, accepted) = fullest_session_accepted(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let page = format!("/coordinator/sessions/{session}/groups");
    let (status, body) = app.get(&coordinator, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Form the groups") && body.contains("at most 4 children per adult"),
        "{body}"
    );
    // The ratio: a number out of range comes back as typed.
    let r = app
        .post(
            &coordinator,
            &page,
            &[
                ("action", "ratio"),
                ("children_per_adult", "0"),
                ("adults_per_group", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Children per adult from 1 to 50") && body.contains("value=\"0\""),
        "{body}"
    );
    let r = app
        .post(
            &coordinator,
            &page,
            &[
                ("action", "ratio"),
                ("children_per_adult", "4"),
                ("adults_per_group", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.post(&coordinator, &page, &[("action", "form")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let groups: Vec<(i64, i32, i32)> = sqlx::query_as(
        "SELECT g.id, g.adults_needed, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) \
         FROM travel_groups g WHERE g.session_id = $1 ORDER BY g.number",
    )
    .bind(session)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(groups.len() as i64, (accepted + 7) / 8, "{groups:?}");
    assert_eq!(
        groups.iter().map(|g| i64::from(g.2)).sum::<i64>(),
        accepted,
        "nobody left out"
    );
    assert!(groups.iter().all(|g| g.1 == 2 && g.2 <= 8), "{groups:?}");

    // Forming again is asked again; confirmed, it replaces the groups.
    let r = app.post(&coordinator, &page, &[("action", "form")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Form the groups again"));
    let r = app
        .post(
            &coordinator,
            &page,
            &[("action", "form"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM travel_groups WHERE session_id = $1 ORDER BY number")
            .bind(session)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let (first, second) = (ids[0].0, ids[1].0);

    // The chaperone goes with the first group; a parent cannot.
    let id_of = |email: &'static str| async move {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        id.to_string()
    };
    let chaperone_id = id_of("chaperone@demo.smena").await;
    let r = app
        .post(
            &coordinator,
            &page,
            &[
                ("action", "assign"),
                ("group", &first.to_string()),
                ("account", &chaperone_id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &coordinator,
            &page,
            &[
                ("action", "assign"),
                ("group", &first.to_string()),
                ("account", &id_of("parent@demo.smena").await),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (_, body) = app.get(&coordinator, &page).await;
    assert!(
        body.contains("adults missing: 1") && body.contains("Алексей Васильев"),
        "{body}"
    );

    // A child moves from the second group to the first.
    let (moved, moved_reference): (i64, String) = sqlx::query_as(
        "SELECT a.id, a.reference FROM group_members m JOIN applications a ON a.id = m.application_id \
         WHERE m.group_id = $1 ORDER BY a.id LIMIT 1",
    )
    .bind(second)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let r = app
        .post(
            &coordinator,
            &page,
            &[
                ("action", "move"),
                ("application", &moved.to_string()),
                ("group", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (now_in,): (i64,) =
        sqlx::query_as("SELECT group_id FROM group_members WHERE application_id = $1")
            .bind(moved)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(now_in, first);

    // The chaperone sees the first group's children only.
    let references = |group: i64| async move {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT a.reference FROM group_members m JOIN applications a ON a.id = m.application_id \
             WHERE m.group_id = $1",
        )
        .bind(group)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows.into_iter().map(|(r,)| r).collect::<Vec<_>>()
    };
    let (mine, others) = (references(first).await, references(second).await);
    assert!(mine.contains(&moved_reference));
    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    let (status, csv) = app
        .get(
            &chaperone,
            &format!("/coordinator/sessions/{session}/exports/manifest.csv"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(mine.iter().all(|r| csv.contains(r.as_str())), "{csv}");
    assert!(others.iter().all(|r| !csv.contains(r.as_str())), "{csv}");
    let r = chaperone
        .get(app.url(&format!("/coordinator/sessions/{session}/manifest.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, papers) = app.get(&chaperone, "/travel-papers").await;
    assert!(papers.contains(&format!("/coordinator/sessions/{session}/manifest.pdf")));
    // Another session's papers are not found, and the page is not theirs.
    let (other,): (i64,) = sqlx::query_as("SELECT id FROM sessions WHERE id <> $1 LIMIT 1")
        .bind(session)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (status, _) = app
        .get(
            &chaperone,
            &format!("/coordinator/sessions/{other}/manifest.pdf"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(&chaperone, &page).await;
    assert_ne!(status, StatusCode::OK);

    // The first group's itinerary: a leg typed wrong comes back as typed
    // with each problem; a correct one is kept and every family of the
    // group is told, in its language, with local times.
    let legs = format!("/coordinator/groups/{first}/legs");
    let mut leg = vec![
        ("action", "add"),
        ("kind", "flight"),
        ("carrier", "S7"),
        ("number", "6301"),
        ("from_place", "Якутск"),
        ("to_place", "Владивосток"),
        ("departs_on", "30.06.2027"),
        ("departs_time", "08:30"),
        ("departs_zone", "Asia/Yakutsk"),
        ("arrives_on", "30.06.2027"),
        ("arrives_time", "07:50"),
        ("arrives_zone", "Asia/Yakutsk"),
        ("meeting_point", "Зал вылета"),
    ];
    let r = app.post(&coordinator, &legs, &leg).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("The arrival must come after the departure") && body.contains("Владивосток"),
        "{body}"
    );
    leg[10].1 = "12:50";
    leg[11].1 = "Asia/Vladivostok";
    let r = app.post(&coordinator, &legs, &leg).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let told = app
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'itinerary_changed'")
        .await;
    assert_eq!(told as usize, mine.len(), "each family of the group once");
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM outbox WHERE kind = 'itinerary_changed' LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        body.contains("08:30") && body.contains("12:50") && body.contains("S7 6301"),
        "{body}"
    );
    // The leg's manifest: the chaperone's group, as PDF and XLSX.
    let (leg_id,): (i64,) = sqlx::query_as("SELECT id FROM legs WHERE group_id = $1")
        .bind(first)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    for path in [
        format!("/coordinator/legs/{leg_id}/manifest.pdf"),
        format!("/coordinator/legs/{leg_id}/manifest.xlsx"),
    ] {
        let r = chaperone.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        if path.ends_with(".pdf") {
            // Looked at: every page drawn, the leg and the group's
            // children on it, nobody of the other group.
            let text = crate::common::look_at_pdf(&r.bytes().await.unwrap());
            assert!(text.contains("S76301") && text.contains("Якутск"), "{text}");
            let names = |group: i64| async move {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT c.family_name, c.given_name FROM group_members m JOIN applications a ON a.id = m.application_id \
                     JOIN children c ON c.id = a.child_id WHERE m.group_id = $1",
                )
                .bind(group)
                .fetch_all(app.db.pool())
                .await
                .unwrap();
                rows.into_iter()
                    .map(|(f, g)| format!("{f}{g}"))
                    .collect::<Vec<_>>()
            };
            let (ours, theirs) = (names(first).await, names(second).await);
            assert!(ours.iter().all(|n| text.contains(n.as_str())), "{text}");
            let strangers: Vec<&String> = theirs.iter().filter(|n| !ours.contains(n)).collect();
            assert!(!strangers.is_empty());
            assert!(
                strangers.iter().all(|n| !text.contains(n.as_str())),
                "{text}"
            );
        }
    }
    // The family of a child of the group sees the itinerary.
    let (guardian,): (String,) = sqlx::query_as(
        "SELECT g.email FROM applications a JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id WHERE a.id = $1",
    )
    .bind(moved)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let (_, body) = app.get(&family, &format!("/applications/{moved}")).await;
    assert!(
        body.contains("Якутск → Владивосток") && body.contains("(local time)"),
        "{body}"
    );
    // Removed, the families are told again.
    let r = app
        .post(
            &coordinator,
            &legs,
            &[("action", "remove"), ("leg", &leg_id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'itinerary_changed'")
            .await as usize,
        2 * mine.len()
    );
}

/// The coordinator's board: by session and group, each child who is not
/// ready to travel and why; a child with every document accepted and a
/// passport valid long enough is not on it.
async fn the_ready_board_names_what_each_child_still_lacks(app: &TestApp) {
    let (session, camp, accepted) = fullest_session_accepted(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    // The camp's host country requires nothing to enter, for now.
    let programme = crate::common::programme_id(app).await;
    let entry = format!("/coordinator/programmes/{programme}/camps/{camp}/entry");
    let r = app
        .post(&coordinator, &entry, &[("entry_document", "  ")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM camps WHERE entry_document IS NOT NULL AND id IN (SELECT camp_id FROM sessions WHERE id IN (SELECT session_id FROM offers))")
            .await,
        0
    );
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/sessions/{session}/groups"),
            &[("action", "form")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Two children nobody else in the demo shares a name with, so that
    // the board's lines are found by name (ids are random, and the demo
    // draws its names from short lists).
    let children: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT c.id, c.family_name, c.given_name FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id WHERE o.session_id = $1 \
         AND (SELECT COUNT(*) FROM children n WHERE n.family_name = c.family_name AND n.given_name = c.given_name) = 1 \
         ORDER BY c.id LIMIT 2",
    )
    .bind(session)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let (ready, waiting) = (&children[0], &children[1]);
    let mut tx = app.db.begin_write().await.unwrap();
    for sql in [
        "UPDATE documents SET status = 'accepted' WHERE child_id = $1",
        "UPDATE children SET passport_expires = '2035-01-01' WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(ready.0)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    for sql in [
        "UPDATE documents SET status = 'accepted' WHERE child_id = $1",
        "UPDATE documents SET status = 'pending' WHERE child_id = $1 AND kind = 'medical'",
        "UPDATE children SET passport_expires = '2027-08-01' WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(waiting.0)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let (status, page) = app.get(&coordinator, "/coordinator/ready").await;
    assert_eq!(status, StatusCode::OK);
    let ready_name = format!("{} {}", ready.1, ready.2);
    let waiting_name = format!("{} {}", waiting.1, waiting.2);
    assert!(!page.contains(&ready_name), "{page}");
    let line = page
        .lines()
        .find(|l| l.contains(&waiting_name))
        .unwrap_or_else(|| panic!("{waiting_name} not on {page}"));
    assert!(
        line.contains("waits for review")
            && line.contains("the passport is valid until 1 August 2027"),
        "{line}"
    );
    // Every group says how many of its children are ready, and the
    // groups hold every accepted child.
    let counted: usize = page
        .split(" ready</h3>")
        .filter_map(|part| part.rsplit(" of ").next()?.trim().parse::<usize>().ok())
        .sum();
    assert_eq!(counted as i64, accepted, "{page}");
    // Nobody else sees the board.
    let chaperone = client();
    app.login(&chaperone, "chaperone@demo.smena", PASSWORD)
        .await;
    assert_eq!(
        app.get(&chaperone, "/coordinator/ready").await.0,
        StatusCode::NOT_FOUND
    );

    // The host country now requires a visa: a name too long comes back
    // with the problem named and the typed name kept; only the
    // coordinator sets it, for a camp that exists.
    let long = "В".repeat(201);
    let r = app
        .post(&coordinator, &entry, &[("entry_document", &long)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&coordinator, &back).await;
    assert!(
        page.contains("at most 200 characters") && page.contains(&long),
        "{page}"
    );
    for (who, path) in [
        (&chaperone, entry.clone()),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/camps/424242/entry"),
        ),
    ] {
        let r = app
            .post(who, &path, &[("entry_document", "Виза КНДР")])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM camps WHERE entry_document IS NOT NULL AND id IN (SELECT camp_id FROM sessions WHERE id IN (SELECT session_id FROM offers))")
            .await,
        0,
        "nothing saved"
    );
    let r = app
        .post(&coordinator, &entry, &[("entry_document", "Виза КНДР")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/programmes/{programme}"),
        )
        .await;
    assert!(page.contains("entry: Виза КНДР"), "{page}");
    // The ready child now lacks it, on the board and at the departure.
    let line_of = |page: &str, name: &str| {
        page.lines()
            .find(|l| l.contains(name))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let (_, page) = app.get(&coordinator, "/coordinator/ready").await;
    assert!(
        line_of(&page, &ready_name).contains("“Виза КНДР” not uploaded"),
        "{page}"
    );
    // The family uploads it for this session on the child's page; a
    // visa for another session is not taken.
    let (guardian,): (String,) = sqlx::query_as(
        "SELECT g.email FROM children c JOIN accounts g ON g.id = c.guardian_id WHERE c.id = $1",
    )
    .bind(ready.0)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    app.post(&family, "/language", &[("lang", "en"), ("back", "/")])
        .await;
    let child_page = format!("/children/{}", ready.0);
    let kind = format!("entry-{session}");
    let (_, page) = app.get(&family, &child_page).await;
    assert!(
        page.contains(&format!("value=\"{kind}\"")) && page.contains("Виза КНДР"),
        "{page}"
    );
    let (application,): (i64,) =
        sqlx::query_as("SELECT application_id FROM offers o JOIN applications a ON a.id = o.application_id WHERE a.child_id = $1")
            .bind(ready.0)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let place = format!("/applications/{application}");
    let needed = "country the child needs “Виза КНДР”: upload it by";
    let (_, page) = app.get(&family, &place).await;
    assert!(page.contains(needed), "{page}");
    let r = app
        .upload(
            &family,
            &child_page,
            &format!("entry-{}", session + 1),
            "visa.pdf",
            crate::common::PDF.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .upload(
            &family,
            &child_page,
            &kind,
            "visa.pdf",
            crate::common::PDF.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&coordinator, "/coordinator/ready").await;
    assert!(
        line_of(&page, &ready_name).contains("“Виза КНДР” waits for review"),
        "{page}"
    );
    // Reviewed like any document, under its name.
    let (_, queue) = app
        .get(
            &coordinator,
            &format!("/coordinator/documents?status={kind}"),
        )
        .await;
    assert!(
        queue.contains("Виза КНДР")
            && queue.contains(&ready.1)
            && queue.contains(&format!("<option value=\"{kind}\" selected")),
        "{queue}"
    );
    let (visa,): (i64,) = sqlx::query_as("SELECT id FROM documents WHERE kind = $1")
        .bind(&kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/documents/{visa}/review"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&coordinator, "/coordinator/ready").await;
    assert!(!page.contains(&ready_name), "{page}");
    let (_, page) = app.get(&family, &place).await;
    assert!(!page.contains(needed), "{page}");
}
