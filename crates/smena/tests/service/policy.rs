//! The policy table drives this test: every route of the service (the
//! application's own list, from which its router is built) is tried by a
//! visitor who is not logged in and by every role, and answers what the
//! route's declared access and the policy table say: the page to whom they
//! admit, "not found" to every other role, the login form (401 for the API)
//! to a visitor who is not logged in. A route added without an access, or
//! a rule taken out of the table, fails here.

use std::collections::BTreeMap;

use crate::common::{TestApp, client, programme_id};
use reqwest::StatusCode;
use smena::domain::access::Role;
use smena::scenario::demo::PASSWORD;
use smena::web::routes::Route;

on_both_databases!(every_route_answers_every_role_as_the_policy_says,);

/// The records a route's path names, chosen so that every role the policy
/// admits may see them: one placed child of the demo whose family accepted
/// the place, at the camp representative's first session (the chaperone
/// and the camp's representative go with the child's group), at the school
/// representative's school.
struct Records {
    programme: i64,
    run: i64,
    session: i64,
    child: i64,
    application: i64,
    document: i64,
    achievement: i64,
    pupil: i64,
    voucher: String,
    group: i64,
    leg: i64,
    roll_call: i64,
}

impl Records {
    /// `route`'s path with its parameters filled in, and the query a page
    /// needs.
    fn path(&self, route: &Route) -> String {
        let p = route.path;
        let id = if p.starts_with("/applications/") || p.starts_with("/api/applications/") {
            self.application
        } else if p.starts_with("/children/") {
            self.child
        } else if p.starts_with("/documents/") {
            self.document
        } else if p.starts_with("/coordinator/allocation/runs/") {
            self.run
        } else if p.starts_with("/coordinator/sessions/") || p.starts_with("/sessions/") {
            self.session
        } else if p.starts_with("/school/pupils/") {
            self.pupil
        } else if p.starts_with("/coordinator/groups/") || p.starts_with("/groups/") {
            self.group
        } else if p.starts_with("/coordinator/legs/") {
            self.leg
        } else if p.starts_with("/roll-calls/") {
            self.roll_call
        } else {
            self.programme
        };
        let file = if p.starts_with("/coordinator/sessions/") {
            "manifest.csv"
        } else if p.starts_with("/public/") {
            "applicants.csv"
        } else {
            "applications.csv"
        };
        let query = match p {
            "/coordinator/allocation/compare" => format!("?a={}&b={}", self.run, self.run),
            "/coordinator/family-data.zip" => "?email=parent%40demo.smena".into(),
            _ => String::new(),
        };
        p.replace("{id}", &id.to_string())
            .replace("{file}", file)
            .replace("{code}", &self.voucher)
            .replace("{achievement}", &self.achievement.to_string())
            .replace("{kind}", "personal_data")
            + &query
    }
}

/// What a visitor of `role` must be answered on `route`.
fn expected(route: &Route, role: Option<Role>) -> StatusCode {
    let api = route.path.starts_with("/api/");
    if route.access.admits(role) {
        StatusCode::OK
    } else if role.is_none() && api {
        StatusCode::UNAUTHORIZED
    } else if role.is_none() {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::NOT_FOUND
    }
}

/// Pages that answer a visitor they admit otherwise than with the page:
/// (path, only when logged in, answer, why).
const ANSWERS: &[(&str, bool, StatusCode, &str)] = &[
    (
        "/login",
        true,
        StatusCode::SEE_OTHER,
        "a logged-in visitor goes home",
    ),
    (
        "/verify-email",
        false,
        StatusCode::BAD_REQUEST,
        "without a link's token there is nothing to confirm",
    ),
];

async fn every_route_answers_every_role_as_the_policy_says(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let records = arrange(app).await;
    let mut visitors: Vec<(Option<Role>, reqwest::Client)> = vec![(None, client())];
    let (_, guardian): (i64, String) = sqlx::query_as(
        "SELECT g.id, g.email FROM children c JOIN accounts g ON g.id = c.guardian_id WHERE c.id = $1",
    )
    .bind(records.child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    for (role, email) in [
        (Role::Coordinator, "coordinator@demo.smena"),
        (Role::School, "school@demo.smena"),
        (Role::Parent, guardian.as_str()),
        (Role::Camp, "camp@demo.smena"),
        (Role::Chaperone, "chaperone@demo.smena"),
        (Role::Medic, "medic@demo.smena"),
    ] {
        let c = client();
        let r = app.login(&c, email, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} logs in");
        visitors.push((Some(role), c));
    }

    let routes = smena::app::routes();
    let mut wrong: BTreeMap<String, String> = BTreeMap::new();
    // A route whose rule is missing from the table admits nobody.
    for route in routes.list() {
        if !visitors.iter().any(|(role, _)| route.access.admits(*role)) {
            wrong.insert(
                format!("{} {}", route.method, route.path),
                format!("no role may reach it ({:?} has no rule)", route.access),
            );
        }
    }
    let mut tried = 0;
    // Pages first; then forms, with those that end what others need last.
    let last = ["/applications/{id}/withdraw", "/logout"];
    let mut forms: Vec<&Route> = routes
        .list()
        .iter()
        .filter(|r| r.method == "POST")
        .collect();
    forms.sort_by_key(|r| last.iter().position(|l| *l == r.path));
    for route in routes.list().iter().filter(|r| r.method == "GET") {
        let path = records.path(route);
        for (role, c) in &visitors {
            let r = c.get(app.url(&path)).send().await.unwrap();
            let mut want = expected(route, *role);
            if want == StatusCode::OK
                && let Some((_, _, answer, _)) = ANSWERS
                    .iter()
                    .find(|(p, logged_in, _, _)| *p == route.path && (role.is_some() || !logged_in))
            {
                want = *answer;
            }
            tried += 1;
            if r.status() != want {
                wrong.insert(
                    format!("GET {path} as {role:?}"),
                    format!("{} (expected {want})", r.status()),
                );
            }
        }
    }
    // A form is tried empty: whoever the route admits is answered anything
    // but "not found" (the form's own checks refuse it, or it is done);
    // anyone else as above.
    for route in forms {
        let path = records.path(route);
        for (role, c) in &visitors {
            let r = app.post(c, &path, &[]).await;
            let want = expected(route, *role);
            let status = r.status();
            tried += 1;
            let right = if want == StatusCode::OK {
                status != StatusCode::NOT_FOUND && !status.is_server_error()
            } else {
                status == want
            };
            if !right {
                wrong.insert(
                    format!("POST {path} as {role:?}"),
                    format!("{status} (expected {want})"),
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} answers differ from the policy:\n{wrong:#?}",
        wrong.len()
    );
    assert!(tried > 400, "{tried} answers tried");
}

/// Closes the demo's programme, runs and publishes its allocation, has a
/// family accept a place at the camp's first session and the coordinator
/// issue the vouchers; the school representative works at the child's
/// school. Returns what the routes' paths name.
async fn arrange(app: &TestApp) -> Records {
    let programme = programme_id(app).await;
    let coordinator = client();
    app.login(&coordinator, "coordinator@demo.smena", PASSWORD)
        .await;
    app.close_applications(&coordinator, programme).await;
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let run_page = r.headers()["location"].to_str().unwrap().to_string();
    let run: i64 = run_page.rsplit('/').next().unwrap().parse().unwrap();
    let r = app
        .post(
            &coordinator,
            &format!("{run_page}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (application, child, session, guardian, school): (i64, i64, i64, String, i64) =
        sqlx::query_as(
            "SELECT a.id, c.id, o.session_id, g.email, c.school_id FROM offers o \
             JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
             JOIN accounts g ON g.id = c.guardian_id \
             JOIN sessions s ON s.id = o.session_id \
             WHERE o.status = 'offered' AND s.id = (SELECT f.id FROM sessions f \
               JOIN accounts k ON k.camp_id = f.camp_id WHERE k.email = 'camp@demo.smena' \
               AND f.programme_id = s.programme_id ORDER BY f.starts, f.id LIMIT 1) AND EXISTS (SELECT 1 FROM documents d WHERE d.child_id = c.id) \
               AND EXISTS (SELECT 1 FROM achievements x WHERE x.child_id = c.id) \
             ORDER BY a.reference LIMIT 1",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    {
        let mut tx = app.db.begin_write().await.unwrap();
        sqlx::query("UPDATE accounts SET school_id = $1 WHERE email = 'school@demo.smena'")
            .bind(school)
            .execute(&mut *tx)
            .await
            .unwrap();
        // A pupil on the school's roster (as imported).
        sqlx::query(
            "INSERT INTO pupils (id, school_id, given_name, family_name, birth_date, class_name, imported_at) \
             VALUES (424242, $1, 'Aiyyna', 'Petrova', '2013-04-02', '7A', 0)",
        )
        .bind(school)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let family = client();
    app.login(&family, &guardian, PASSWORD).await;
    let r = app
        .post(
            &family,
            &format!("/applications/{application}/offer"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/programmes/{programme}/vouchers"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The session's travel groups, and a leg of the child's group.
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/sessions/{session}/groups"),
            &[("action", "form")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (group,): (i64,) =
        sqlx::query_as("SELECT group_id FROM group_members WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // The chaperone and the camp's representative go with that group.
    for email in ["chaperone@demo.smena", "camp@demo.smena"] {
        let (adult,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let r = app
            .post(
                &coordinator,
                &format!("/coordinator/sessions/{session}/groups"),
                &[
                    ("action", "assign"),
                    ("group", &group.to_string()),
                    ("account", &adult.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = app
        .post(
            &coordinator,
            &format!("/coordinator/groups/{group}/legs"),
            &[
                ("action", "add"),
                ("kind", "bus"),
                ("carrier", "Автоколонна"),
                ("from_place", "Владивосток"),
                ("to_place", "Лагерь"),
                ("departs_on", "2027-07-01"),
                ("departs_time", "09:00"),
                ("departs_zone", "Asia/Vladivostok"),
                ("arrives_on", "2027-07-01"),
                ("arrives_time", "13:00"),
                ("arrives_zone", "Asia/Vladivostok"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The child is home (the family may give its feedback).
    let r = app
        .post(
            &coordinator,
            &format!("/groups/{group}/home"),
            &[
                ("application", &application.to_string()),
                ("handed_to", "Мама"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (leg,): (i64,) = sqlx::query_as("SELECT id FROM legs WHERE group_id = $1")
        .bind(group)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    // A roll call of the group's first leg, opened by its chaperone.
    let roll_call = 4242;
    {
        let mut tx = app.db.begin_write().await.unwrap();
        sqlx::query(
            "INSERT INTO roll_calls (id, group_id, leg_id, occasion, opened_by, opened_at) \
             SELECT $1, $2, $3, $4, id, 0 FROM accounts WHERE email = 'chaperone@demo.smena'",
        )
        .bind(roll_call)
        .bind(group)
        .bind(leg)
        .bind(format!("departure:{leg}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let one = |sql: &'static str, id: i64| async move {
        let (v,): (i64,) = sqlx::query_as(sql)
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        v
    };
    let document = one("SELECT MIN(id) FROM documents WHERE child_id = $1", child).await;
    let achievement = one(
        "SELECT MIN(id) FROM achievements WHERE child_id = $1",
        child,
    )
    .await;
    let pupil = one("SELECT MIN(id) FROM pupils WHERE school_id = $1", school).await;
    let (voucher,): (String,) =
        sqlx::query_as("SELECT voucher_code FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    Records {
        programme,
        run,
        session,
        child,
        application,
        document,
        achievement,
        pupil,
        voucher,
        group,
        leg,
        roll_call,
    }
}
