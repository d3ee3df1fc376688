//! Every response's headers, CSRF, the policy table and hostile input.

use crate::common::{TestApp, client, programme_id};
use reqwest::StatusCode;

on_both_databases!(
    health_and_security_headers,
    state_changes_need_the_csrf_token,
    roles_see_only_what_the_policy_allows,
    hostile_input_never_causes_a_server_error,
);

async fn health_and_security_headers(app: &TestApp) {
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(r.text().await.unwrap(), "ok");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    let r = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers().contains_key("content-security-policy"));
}

async fn state_changes_need_the_csrf_token(app: &TestApp) {
    let c = client();
    let _ = app.get(&c, "/login").await;
    let r = c
        .post(app.url("/login"))
        .form(&[("email", "a@b.cd"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf(&c, "/login").await;
    let r = c
        .post(app.url("/login"))
        .header("Origin", "https://evil.example")
        .form(&[("email", "a@b.cd"), ("password", "x"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("email", "a@b.cd"),
            ("password", "x"),
            ("csrf", &"0".repeat(64)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn roles_see_only_what_the_policy_allows(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (status, page) = app.get(&parent, "/coordinator/outbox").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("does not exist, or you may not see it"));
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    assert_eq!(
        app.get(&coordinator, "/coordinator/outbox").await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&client(), "/coordinator/outbox").await.0,
        StatusCode::SEE_OTHER
    );
}

/// Every form and API endpoint, fed hostile values in every field (with a
/// valid CSRF token, so the handlers themselves are reached), answers with
/// a client error or a redirect, never a server error; and nothing the demo
/// holds is damaged.
async fn hostile_input_never_causes_a_server_error(app: &TestApp) {
    use smena::scenario::demo::PASSWORD;
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let (child,): (i64,) = sqlx::query_as(
        "SELECT c.id FROM children c JOIN accounts a ON a.id = c.guardian_id WHERE a.email = 'parent@demo.smena' LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (application,): (i64,) = sqlx::query_as("SELECT id FROM applications WHERE child_id = $1")
        .bind(child)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (document,): (i64,) = sqlx::query_as("SELECT id FROM documents LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (pupil_school,): (i64,) = sqlx::query_as("SELECT id FROM schools LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (session,): (i64,) = sqlx::query_as("SELECT id FROM sessions LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let before = app.count("SELECT COUNT(*) FROM children").await;

    let hostile: Vec<String> = vec![
        String::new(),
        "<script>alert(1)</script>".into(),
        "'; DROP TABLE accounts; --".into(),
        "\u{0}".into(),
        "99999999999999999999999999".into(),
        "-1".into(),
        "1e9".into(),
        "NaN".into(),
        "2099-13-45".into(),
        "😀".repeat(500),
        "a".repeat(100_000),
        "../../etc/passwd".into(),
    ];
    let fields = [
        "occasion",
        "mark",
        "time_zone",
        "closes_on",
        "closes_at",
        "documents_by",
        "retain_until",
        "confirm",
        "email",
        "password",
        "password_again",
        "current",
        "full_name",
        "token",
        "given_name",
        "family_name",
        "birth_date",
        "school_id",
        "category",
        "passport_expires",
        "title",
        "level",
        "place",
        "choice_1",
        "choice_2",
        "action",
        "idem",
        "consent_participation",
        "decision",
        "reason",
        "kind",
        "name",
        "code",
        "camp",
        "country",
        "contact",
        "starts",
        "ends",
        "places",
        "min_age",
        "max_age",
        "languages",
        "reserves",
        "max_choices",
        "school_cap",
        "rural_coefficient",
        "passport_months",
        "offer_days",
        "nomination_points",
        "nomination_required",
        "departure",
        "departs_on",
        "departs_time",
        "meeting_point",
        "what_to_bring",
        "office_phone",
        "carrier",
        "number",
        "from_place",
        "to_place",
        "departs_zone",
        "arrives_on",
        "arrives_time",
        "arrives_zone",
        "leg",
        "group",
        "application",
        "children_per_adult",
        "adults_per_group",
        "allergies",
        "diet",
        "medication",
        "health_notes",
        "description",
        "handed_to",
        "rating",
        "comment",
        "points_regional",
        "cap_regional",
        "tier",
        "deadline",
        "to",
        "nominated",
        "label",
        "together_shown",
        "together",
        "status",
        "file",
        "seal",
        "account",
        "floor",
        "beds",
        "sex",
        "spread",
        "room",
        "reference",
        "remove",
        "entry_document",
    ];
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    let parent = client();
    app.login(&parent, "parent@demo.smena", PASSWORD).await;
    let school = client();
    app.login(&school, "school@demo.smena", PASSWORD).await;
    let camp = client();
    app.login(&camp, "camp@demo.smena", PASSWORD).await;
    let anonymous = client();
    let logged_out = client();
    app.login(&logged_out, "parent@demo.smena", PASSWORD).await;
    let (achievement,): (i64,) = sqlx::query_as(
        "SELECT x.id FROM achievements x JOIN children c ON c.id = x.child_id JOIN accounts a ON a.id = c.guardian_id \
         WHERE a.email = 'parent@demo.smena' LIMIT 1",
    )
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .unwrap_or((1,));
    let (camp_id,): (i64,) = sqlx::query_as("SELECT id FROM camps ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let endpoints: Vec<(&reqwest::Client, String)> = vec![
        (&anonymous, "/login".into()),
        (&anonymous, "/register".into()),
        (&anonymous, "/password/forgot".into()),
        (&anonymous, "/password/reset".into()),
        (&parent, "/account/password".into()),
        (&parent, "/account/phone".into()),
        (&parent, "/children".into()),
        (&parent, format!("/children/{child}")),
        (&parent, format!("/children/{child}/achievements")),
        (&parent, format!("/children/{child}/applications")),
        (&parent, format!("/applications/{application}")),
        (&parent, format!("/applications/{application}/offer")),
        (&parent, format!("/applications/{application}/messages")),
        (
            &coordinator,
            format!("/coordinator/documents/{document}/review"),
        ),
        (&coordinator, "/coordinator/allocation/runs".into()),
        (&coordinator, "/coordinator/programmes".into()),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/camps"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/camps/{camp_id}/entry"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/sessions"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/scoring"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/categories"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/documents"),
        ),
        (&school, format!("/school/pupils/{pupil_school}/nominate")),
        (&school, "/school/pupils/import/confirm".into()),
        (
            &coordinator,
            "/coordinator/achievements/import/confirm".into(),
        ),
        (
            &parent,
            format!("/children/{child}/achievements/{achievement}/delete"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/status"),
        ),
        (
            &coordinator,
            "/coordinator/allocation/runs/1/publish".into(),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/vouchers"),
        ),
        (&parent, format!("/api/applications/{application}/offer")),
        (&anonymous, "/language".into()),
        (&parent, "/account/verification".into()),
        (
            &coordinator,
            format!("/coordinator/sessions/{session}/travel"),
        ),
        (
            &coordinator,
            format!("/coordinator/sessions/{session}/groups"),
        ),
        (&parent, format!("/children/{child}/needs")),
        (&coordinator, format!("/sessions/{session}/incidents")),
        (&coordinator, format!("/sessions/{session}/incidents/told")),
        // No such group, no child at home: refused, whatever is typed.
        (&coordinator, format!("/groups/{session}/home")),
        (&parent, format!("/applications/{application}/feedback")),
        // No such group: refused as not found, whatever is typed.
        (&coordinator, format!("/coordinator/groups/{session}/legs")),
        // A coordinator takes no roll call; no such roll call.
        (&coordinator, format!("/groups/{session}/roll-calls")),
        (&coordinator, format!("/roll-calls/{session}/marks")),
        (&coordinator, format!("/roll-calls/{session}/close")),
        (&camp, "/camp/rooms".into()),
        (&camp, "/camp/rooms/remove".into()),
        (&camp, "/camp/rooms/spread".into()),
        (&camp, format!("/sessions/{session}/rooms/assign")),
        (&camp, format!("/sessions/{session}/rooms/move")),
        (&parent, format!("/applications/{application}/room-friends")),
        (&coordinator, "/coordinator/identity-changes/1".into()),
        (
            &parent,
            format!("/applications/{application}/consents/participation/withdraw"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/beacon"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/deadlines"),
        ),
        (
            &coordinator,
            format!("/coordinator/programmes/{programme}/close"),
        ),
        // Last: these end what the others need.
        (&parent, "/family/deletion".into()),
        (&parent, format!("/applications/{application}/withdraw")),
        (&logged_out, "/logout".into()),
    ];
    // Every POST route of the service is in the list above: a new form
    // cannot skip this test.
    let uploads = [
        (&parent, format!("/children/{child}/documents")),
        (&school, "/school/pupils/import".to_string()),
        (&coordinator, "/coordinator/achievements/import".to_string()),
    ];
    let covered: Vec<String> = endpoints
        .iter()
        .chain(uploads.iter())
        .map(|(_, p)| pattern(p))
        .collect();
    for route in post_routes() {
        assert!(
            covered.contains(&pattern(&route)),
            "POST {route} is not in the hostile-input test"
        );
    }
    for (who, path) in &endpoints {
        let csrf = app.csrf(who, "/home").await;
        for value in &hostile {
            let mut form: Vec<(&str, &str)> = fields.iter().map(|f| (*f, value.as_str())).collect();
            form.push(("csrf", &csrf));
            let r = who.post(app.url(path)).form(&form).send().await.unwrap();
            assert!(
                r.status().as_u16() < 500,
                "POST {path} with {:?}: {}",
                value.chars().take(20).collect::<String>(),
                r.status()
            );
        }
        // Bytes that are not a form at all.
        let r = who
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", &csrf)
            .body(vec![0xff, 0xfe, b'%', b'%', 0x00, b'=', b'&'])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().as_u16() < 500,
            "POST {path} with garbage bytes: {}",
            r.status()
        );
    }
    // Multipart uploads with garbage.
    for (who, path) in &uploads {
        let csrf = app.csrf(who, "/home").await;
        for body in [vec![], b"not multipart at all".to_vec(), vec![0u8; 1024]] {
            let r = who
                .post(app.url(&format!("{path}?csrf={csrf}")))
                .header("content-type", "multipart/form-data; boundary=x")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().as_u16() < 500, "POST {path}: {}", r.status());
        }
    }
    // The API with bodies that are not JSON or not the expected shape.
    let csrf = app.csrf(&parent, "/home").await;
    for body in [
        "",
        "{",
        "[]",
        "{\"decision\": 5}",
        "null",
        &"[".repeat(10_000),
    ] {
        let r = parent
            .post(app.url(&format!("/api/applications/{application}/offer")))
            .header("content-type", "application/json")
            .header("x-csrf-token", &csrf)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            r.status().as_u16() < 500,
            "API offer with {body:.20}: {}",
            r.status()
        );
    }
    // Ids that are not ids, on every kind of page.
    for path in [
        "/children/abc",
        "/children/-1",
        "/children/99999999999999999999999",
        "/applications/0",
        "/documents/xyz",
        "/public/programmes/1/placements.csv",
        "/public/programmes/abc",
        "/api/applications/%00",
        "/api/programmes/1/sessions",
        "/coordinator/allocation/runs/1",
        "/coordinator/allocation/compare?a=x&b=y",
        "/coordinator/programmes/7",
        "/verify-email?token=%00",
        "/password/reset?token=<script>",
    ] {
        for who in [&anonymous, &parent, &coordinator] {
            let r = who.get(app.url(path)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "GET {path}: {}", r.status());
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM children").await,
        before,
        "nothing saved was lost"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'parent@demo.smena'")
            .await,
        1
    );
}

/// A route with its ids and parameters replaced by `*`.
fn pattern(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or("")
        .split('/')
        .map(|seg| {
            // A consent's kind is a path parameter too.
            if seg.starts_with('{')
                || seg == "participation"
                || (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            {
                "*"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The paths of every route with a POST handler: the application's own
/// list, from which its router is built.
fn post_routes() -> Vec<String> {
    let routes: Vec<String> = smena::app::routes()
        .list()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.to_string())
        .collect();
    assert!(routes.len() > 20, "routes found: {routes:?}");
    routes
}
