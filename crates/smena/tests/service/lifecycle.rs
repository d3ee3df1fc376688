//! The programme's irreversible steps: each is asked again on a page of
//! its own with what will happen and what is still open (the pre-flight
//! list); what blocks is refused by the service, not only hidden.

use crate::common::{TestApp, client, final_run, programme_id};
use reqwest::StatusCode;
use smena::scenario::demo::PASSWORD;

on_both_databases!(
    closing_publishing_declining_and_withdrawing_are_asked_again,
    deadlines_are_kept_in_the_programme_zone_and_applications_close_by_themselves,
    the_familys_home_shows_each_childs_way_and_next_step,
    the_applications_list_is_filtered_sorted_and_paged_by_the_server,
    the_groups_leave_and_come_back,
);

async fn status(app: &TestApp) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT status FROM programmes")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    s
}

async fn closing_publishing_declining_and_withdrawing_are_asked_again(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    // A draft that will never be submitted, and unreviewed documents (the
    // demo has some).
    let parent = app.verified_parent("late.family@example.org").await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    app.post(&parent, &format!("{child}/applications"), &[])
        .await;

    let close = format!("/coordinator/programmes/{programme}/close");
    let r = app.post(&coordinator, &close, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Close applications?"), "{page}");
    assert!(
        page.contains("draft applications were never submitted")
            && page.contains("documents of submitted applications are not reviewed yet"),
        "the pre-flight list: {page}"
    );
    assert!(page.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(
        status(app).await,
        "open",
        "nothing closed before the confirmation"
    );

    // The final run's form says what blocks it and what is still open.
    let (_, page) = app.get(&coordinator, "/coordinator/allocation").await;
    assert!(
        page.contains("Blocks this step: Applications are still open"),
        "{page}"
    );
    app.close_applications(&coordinator, programme).await;
    assert_eq!(status(app).await, "closed");
    let (_, page) = app.get(&coordinator, "/coordinator/allocation").await;
    assert!(
        !page.contains("Blocks this step") && page.contains("not reviewed yet"),
        "{page}"
    );
    let run = final_run(&app.db, programme).await;
    assert_eq!(status(app).await, "allocated", "a final run allocates");
    let publish = format!("/coordinator/allocation/runs/{run}/publish");
    let r = app.post(&coordinator, &publish, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Publish this result?")
            && page.contains("families are offered a place")
            && page.contains("not reviewed yet"),
        "{page}"
    );
    assert_eq!(
        status(app).await,
        "allocated",
        "nothing published before the confirmation"
    );
    // A dry run cannot be published: the page says why and offers no
    // button, and a confirmation sent anyway is refused.
    let dry = smena::allocation::runs::run(
        &app.db,
        smena::store::Actor::CommandLine,
        programme,
        &smena::allocation::runs::RunRequest {
            kind: smena::domain::states::RunKind::DryRun,
            label: "Try",
            overrides: &smena::allocation::runs::Overrides::default(),
        },
    )
    .await
    .unwrap();
    let dry_publish = format!("/coordinator/allocation/runs/{dry}/publish");
    let page = app
        .post(&coordinator, &dry_publish, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Only a final run") && !page.contains("name=\"confirm\""),
        "{page}"
    );
    let r = app
        .post(&coordinator, &dry_publish, &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(status(app).await, "allocated");
    let r = app
        .post(&coordinator, &publish, &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(app).await, "published");

    // A family declines: asked again, the place is kept until it says yes.
    let (application, guardian): (i64, String) = sqlx::query_as(
        "SELECT o.application_id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'offered' ORDER BY o.application_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    assert!(
        page.contains("value=\"decline\" class=\"secondary\""),
        "decline looks unlike accept: {page}"
    );
    let offer = format!("/applications/{application}/offer");
    let r = app.post(&family, &offer, &[("decision", "decline")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Decline the place?") && page.contains("goes to the next child"),
        "{page}"
    );
    let offer_status = || async {
        let (s,): (String,) = sqlx::query_as("SELECT status FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        s
    };
    assert_eq!(offer_status().await, "offered");
    // Another family cannot even see the question.
    assert_eq!(
        app.post(&parent, &offer, &[("decision", "decline")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &family,
            &offer,
            &[("decision", "decline"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(offer_status().await, "declined");

    // Withdrawing an application: asked again too.
    let (other, waiting): (i64, String) = sqlx::query_as(
        "SELECT a.id, g.email FROM applications a JOIN children c ON c.id = a.child_id \
         JOIN accounts g ON g.id = c.guardian_id WHERE a.status = 'submitted' \
         AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.application_id = a.id) ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &waiting, PASSWORD).await;
    let withdraw = format!("/applications/{other}/withdraw");
    let r = app.post(&family, &withdraw, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Withdraw the application?")
    );
    let application_status = || async {
        let (s,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = $1")
            .bind(other)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        s
    };
    assert_eq!(application_status().await, "submitted");
    let r = app.post(&family, &withdraw, &[("confirm", "yes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(application_status().await, "withdrawn");
}

/// The coordinator sets the deadlines on the programme's clock (Yakutsk,
/// UTC+9), typing a date as a Russian user does; a family's draft shows
/// when applications close with the days left; at the deadline the
/// service closes applications and freezes the inputs by itself; after
/// that the deadlines no longer move.
async fn deadlines_are_kept_in_the_programme_zone_and_applications_close_by_themselves(
    app: &TestApp,
) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let path = format!("/coordinator/programmes/{programme}/deadlines");
    let closes = || async {
        let (at,): (Option<i64>,) = sqlx::query_as("SELECT applications_close_at FROM programmes")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        at
    };
    let before = closes().await;
    // Wrong zone and a date that does not exist: both named, nothing saved.
    let r = app
        .post(
            &coordinator,
            &path,
            &[
                ("time_zone", "Mars/Olympus"),
                ("closes_on", "32.13.2030"),
                ("closes_at", "18:00"),
                ("documents_by", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .get(&coordinator, r.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        page.contains("Mars/Olympus") && page.contains("32.13.2030"),
        "{page}"
    );
    assert_eq!(closes().await, before);

    let r = app
        .post(
            &coordinator,
            &path,
            &[
                ("time_zone", "Asia/Yakutsk"),
                ("closes_on", "31.12.2030"),
                ("closes_at", "18:00"),
                ("documents_by", "2030-12-20"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // 18:00 in Yakutsk is 09:00 UTC.
    let want = time::macros::datetime!(2030-12-31 09:00 UTC).unix_timestamp() * 1000;
    assert_eq!(closes().await, Some(want));
    let (_, page) = app
        .get(
            &coordinator,
            &format!("/coordinator/programmes/{programme}"),
        )
        .await;
    assert!(
        page.contains("value=\"2030-12-31\"") && page.contains("value=\"18:00\""),
        "the form shows the deadline on the programme's clock"
    );

    let parent = app.verified_parent("deadline.family@example.org").await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    let r = app
        .post(&parent, &format!("{child}/applications"), &[])
        .await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&parent, &application).await;
    assert!(
        page.contains("Applications close 31 December 2030, 18:00") && page.contains("days left"),
        "{page}"
    );
    assert!(!page.contains("UTC"));

    // The deadline passes: the service closes and freezes by itself.
    app.execute("UPDATE programmes SET applications_close_at = 1000")
        .await;
    let now = smena::store::now_ms();
    let closed = smena::allocation::lottery::close_due(&app.db, now)
        .await
        .unwrap();
    assert_eq!(closed, vec![programme]);
    assert_eq!(status(app).await, "closed");
    assert_eq!(app.count("SELECT COUNT(*) FROM frozen_inputs").await, 1);
    assert!(
        smena::allocation::lottery::close_due(&app.db, now)
            .await
            .unwrap()
            .is_empty()
    );
    let r = app
        .post(
            &coordinator,
            &path,
            &[
                ("time_zone", "Asia/Yakutsk"),
                ("closes_on", "31.12.2031"),
                ("closes_at", "18:00"),
                ("documents_by", ""),
            ],
        )
        .await;
    let (_, page) = app
        .get(&coordinator, r.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        page.contains("cannot move once applications are closed"),
        "{page}"
    );
}

/// The family's home (`/children`) shows each child's way through the
/// programme, the step under way marked, and the one next step with its
/// deadline: apply, submit, upload again a rejected document (with the
/// reason), answer the offer; nothing when there is nothing to do.
async fn the_familys_home_shows_each_childs_way_and_next_step(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let parent = app.verified_parent("home.family@example.org").await;
    let child = app
        .add_child(&parent, "Kesha", "2013-05-01", "2030-01-01")
        .await;
    // A birth date typed as it is written in Russia is read as such.
    let school = app.school_id("Саха гимназия").await.to_string();
    let r = app
        .post(
            &parent,
            "/children",
            &[
                ("given_name", "Aian"),
                ("family_name", "Petrov"),
                ("birth_date", "09.03.2014"),
                ("school_id", &school),
                ("category", ""),
                ("passport_expires", "30.06.2031"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM children WHERE given_name = 'Aian' AND birth_date = '2014-03-09' AND passport_expires = '2031-06-30'")
            .await,
        1
    );
    let (_, page) = app.get(&parent, "/children").await;
    assert!(
        page.contains("start an application, by") && page.contains("days left"),
        "{page}"
    );
    assert!(
        page.contains("aria-current=\"step\">Application started"),
        "{page}"
    );
    app.post(&parent, &format!("{child}/applications"), &[])
        .await;
    let (_, page) = app.get(&parent, "/children").await;
    assert!(page.contains("submit the application, by"), "{page}");
    assert!(
        page.contains("class=\"done\">Application started"),
        "{page}"
    );

    // A rejected document: its reason, and where to upload it again.
    let (document, guardian): (i64, String) = sqlx::query_as(
        "SELECT d.id, g.email FROM documents d JOIN children c ON c.id = d.child_id \
         JOIN accounts g ON g.id = c.guardian_id JOIN applications a ON a.child_id = c.id \
         WHERE a.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM documents e WHERE e.child_id = d.child_id \
         AND e.kind = d.kind AND e.id <> d.id) AND NOT EXISTS (SELECT 1 FROM children k \
         WHERE k.guardian_id = c.guardian_id AND k.id <> c.id) \
         AND NOT EXISTS (SELECT 1 FROM documents r WHERE r.child_id = d.child_id AND r.status = 'rejected') \
         ORDER BY d.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(
        "UPDATE documents SET status = 'rejected', reason = 'the scan is blurred' WHERE id = $1",
    )
    .bind(document)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let (_, page) = app.get(&family, "/children").await;
    assert!(
        page.contains("again: the scan is blurred") && page.contains("#documents"),
        "{page}"
    );

    // Offered a place: answer it by its deadline.
    app.close_applications(&client_of(app).await, programme)
        .await;
    let run = final_run(&app.db, programme).await;
    crate::common::publish(&app.db, programme, run).await;
    let (offered,): (String,) = sqlx::query_as(
        "SELECT g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'offered' AND NOT EXISTS (SELECT 1 FROM children k \
         WHERE k.guardian_id = c.guardian_id AND k.id <> c.id) ORDER BY o.application_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &offered, PASSWORD).await;
    let (_, page) = app.get(&family, "/children").await;
    assert!(page.contains("accept or decline the place, by"), "{page}");
    assert!(page.contains("class=\"done\">Result"), "{page}");
}

/// The demo coordinator, logged in.
async fn client_of(app: &TestApp) -> reqwest::Client {
    let c = client();
    app.login(&c, "coordinator@demo.smena", PASSWORD).await;
    c
}

/// The coordinator's list of applications is filtered, searched, sorted
/// and paged by the server: one page of 50 rows, the counts of the whole
/// list, links that keep the filters; a lower-case Cyrillic search finds a
/// capitalised name; a hand-edited page number shows the first page.
async fn the_applications_list_is_filtered_sorted_and_paged_by_the_server(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let total = app.count("SELECT COUNT(*) FROM applications").await;
    assert!(total > 100, "the demo has several pages");
    let rows = |page: &str| page.matches("<tr><td><a href=\"/applications/").count();
    let (status, first) = app.get(&coordinator, "/coordinator/applications").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&first), 50);
    let pages = (total + 49) / 50;
    assert!(first.contains(&format!("page 1 of {pages}")), "{first}");
    assert!(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""));
    let (_, second) = app
        .get(&coordinator, "/coordinator/applications?page=2")
        .await;
    assert_eq!(rows(&second), 50);
    let first_row = |page: &str| {
        page.split("<tr><td><a href=\"/applications/")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("")
            .to_string()
    };
    assert_ne!(first_row(&first), first_row(&second));
    let (status, odd) = app
        .get(
            &coordinator,
            "/coordinator/applications?page=abc&sort=nonsense&status=nonsense",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first_row(&odd), first_row(&first));

    // A family name, typed in lower case; only submitted ones.
    let (family, n): (String, i64) = sqlx::query_as(
        "SELECT c.family_name, COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id \
         WHERE a.status = 'submitted' GROUP BY c.family_name ORDER BY COUNT(*) DESC, c.family_name LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let lower = family.to_lowercase();
    let query = serde_urlencoded::to_string([
        ("q", lower.as_str()),
        ("status", "submitted"),
        ("sort", "school"),
    ])
    .unwrap();
    let (_, found) = app
        .get(&coordinator, &format!("/coordinator/applications?{query}"))
        .await;
    assert_eq!(rows(&found) as i64, n.min(50), "{found}");
    assert!(found.contains(&format!("{n} found")), "{found}");
    assert!(found.contains(&family));
    // The pager keeps the filters.
    if n > 50 {
        assert!(found.contains("status=submitted"));
    }
}

/// After the results: the groups leave (asked again; refused while an
/// accepted place has no voucher; unanswered offers are warned about), the
/// places are then final (a declined place goes to nobody), and the
/// programme completes; no step runs twice or backwards.
async fn the_groups_leave_and_come_back(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let run = final_run(&app.db, programme).await;
    crate::common::publish(&app.db, programme, run).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    app.execute(
        "UPDATE offers SET status = 'accepted' WHERE application_id IN \
         (SELECT application_id FROM offers WHERE status = 'offered' ORDER BY application_id LIMIT 3)",
    )
    .await;
    let step = format!("/coordinator/programmes/{programme}/status");
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "travelling"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("3 accepted places have no voucher"), "{page}");
    assert!(
        !page.contains("name=\"confirm\""),
        "blocked: no button: {page}"
    );
    assert_eq!(status(app).await, "published");
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/programmes/{programme}/vouchers"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.post(&coordinator, &step, &[("to", "travelling")]).await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("still unanswered") && page.contains("name=\"confirm\""),
        "asked again with the warning: {page}"
    );
    assert_eq!(status(app).await, "published");
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "travelling"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(app).await, "travelling");
    // A family whose child travels reads it on its home page.
    let (guardian,): (String,) = sqlx::query_as(
        "SELECT g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         WHERE o.status = 'accepted' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let (_, home) = app.get(&family, "/children").await;
    assert!(
        home.contains("the group is on its way") && home.contains("The journey"),
        "{home}"
    );
    // A place given up now goes to nobody.
    let offered = app
        .count("SELECT COUNT(*) FROM offers WHERE status IN ('offered', 'accepted')")
        .await;
    let (application,): (i64,) =
        sqlx::query_as("SELECT application_id FROM offers WHERE status = 'accepted' LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    app.db
        .write(
            smena::store::Actor::CommandLine,
            (
                smena::domain::access::Action::Update,
                smena::domain::access::Resource::Application,
            ),
            async |c| {
                smena::allocation::offers::withdraw_application(c, "http://test", application).await
            },
        )
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM offers WHERE status IN ('offered', 'accepted')")
            .await,
        offered - 1,
        "nobody moves up once the groups have left"
    );
    // Every travelling child back home (the handover is `home`'s test).
    let (coordinator_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'coordinator@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query(
        "INSERT INTO handovers (application_id, handed_to, handed_at, recorded_by) \
         SELECT application_id, 'Guardian', 0, $1 FROM offers WHERE status = 'accepted'",
    )
    .bind(coordinator_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "completed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(app).await, "completed");
    let r = app
        .post(
            &coordinator,
            &step,
            &[("to", "travelling"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(status(app).await, "completed", "never backwards");
    let (_, page) = app
        .get(&coordinator, r.headers()["location"].to_str().unwrap())
        .await;
    assert!(page.contains("Programme completed"), "{page}");
}
