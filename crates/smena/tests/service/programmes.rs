//! Programme set-up and its life.

use crate::common::{TestApp, client};
use reqwest::StatusCode;

on_both_databases!(the_coordinator_sets_up_a_programme,);

async fn the_coordinator_sets_up_a_programme(app: &TestApp) {
    use smena::accounts::{NewAccount, create_account, hash_password};
    use smena::domain::access::{Action, Resource, Role};
    use smena::store::Actor;
    let hash = hash_password("coordinator passphrase".into())
        .await
        .unwrap();
    let on = (Action::Create, Resource::Account);
    app.db
        .write(Actor::CommandLine, on, async |c| {
            let id = create_account(
                c,
                &NewAccount {
                    email: "coord@example.org",
                    password_hash: &hash,
                    role: Role::Coordinator,
                    language: smena::language::Language::En,
                    full_name: "Coordinator",
                    verified: true,
                    school_id: None,
                    camp_id: None,
                },
            )
            .await?;
            Ok::<_, anyhow::Error>(id)
        })
        .await
        .unwrap();
    let c = client();
    app.login(&c, "coord@example.org", "coordinator passphrase")
        .await;

    let r = app
        .post(
            &c,
            "/coordinator/programmes",
            &[("name", "Summer 2028"), ("code", "bad code!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("cannot be used"));
    let r = app
        .post(
            &c,
            "/coordinator/programmes",
            &[
                ("name", "Summer 2028"),
                ("code", "SKH28"),
                ("retain_until", "2029-12-31"),
            ],
        )
        .await;
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let base = page.clone();
    let r = app
        .post(&c, &format!("{base}/status"), &[("to", "open")])
        .await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(
        shown.contains("Add at least one session"),
        "cannot open an empty programme"
    );

    app.post(
        &c,
        &format!("{base}/camps"),
        &[
            ("name", "Songdowon International Children's Camp"),
            ("country", "DPRK"),
            ("contact", "Consulate in Nakhodka"),
        ],
    )
    .await;
    let (camp,): (i64,) = sqlx::query_as("SELECT id FROM camps")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let camp = camp.to_string();
    let session =
        |starts: &'static str, ends: &'static str, places: &'static str, reserves: &'static str| {
            vec![
                ("camp", camp.clone()),
                ("code", "songdowon-2028-1".to_string()),
                ("starts", starts.to_string()),
                ("ends", ends.to_string()),
                ("places", places.to_string()),
                ("min_age", "10".to_string()),
                ("max_age", "15".to_string()),
                ("languages", "Korean, Russian".to_string()),
                ("reserves", reserves.to_string()),
            ]
        };
    for (form, problem) in [
        (
            session("2028-07-10", "2028-07-01", "30", ""),
            "before the first day",
        ),
        (
            session("2028-02-30", "2028-07-01", "30", ""),
            "not a real date",
        ),
        (
            session("2028-07-01", "2028-07-20", "-1", ""),
            "Places must be a whole number",
        ),
        (
            session("2028-07-01", "2028-07-20", "30", "arctic:40"),
            "reserved places are more than the session",
        ),
        (
            session("2028-07-01", "2028-07-20", "30", "arctic"),
            "group:places",
        ),
    ] {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post(&c, &format!("{base}/sessions"), &fields).await;
        let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
        assert!(shown.contains(problem), "{problem}: {shown}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions").await,
        0,
        "nothing saved from bad forms"
    );
    let good = session("2028-07-01", "2028-07-20", "30", "arctic:3;rural:8");
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(&c, &format!("{base}/sessions"), &fields).await;
    let r = app.post(&c, &format!("{base}/sessions"), &fields).await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(shown.contains("already has a session songdowon-2028-1"));
    let mut rules = vec![
        ("max_choices", "4"),
        ("school_cap", "3"),
        ("rural_coefficient", "1.2"),
        ("passport_months", "6"),
        ("offer_days", "7"),
    ];
    for (level, points, cap) in [
        ("international", "5", "10"),
        ("national", "3", "9"),
        ("regional", "2", "6"),
        ("municipal", "1", "3"),
    ] {
        rules.push((
            Box::leak(format!("points_{level}").into_boxed_str()),
            points,
        ));
        rules.push((Box::leak(format!("cap_{level}").into_boxed_str()), cap));
    }
    // A worse place earning more than a better one is refused, naming both.
    let mut inverted = rules.clone();
    inverted.extend([
        ("percent_1", "100"),
        ("percent_2", "50"),
        ("percent_3", "70"),
    ]);
    let r = app.post(&c, &format!("{base}/scoring"), &inverted).await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(
        shown.contains("Place 3 cannot earn more than place 2"),
        "{shown}"
    );
    assert!(
        shown.contains("value=\"1.2\"") && shown.contains("value=\"50\""),
        "what was typed is shown again"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM programmes WHERE rural_coefficient_milli = 1200")
            .await,
        0,
        "nothing of the refused rules is saved"
    );
    rules.extend([
        ("percent_1", "100"),
        ("percent_2", "70"),
        ("percent_3", "50"),
    ]);
    // As a Russian user types it: a decimal comma.
    for field in rules.iter_mut() {
        if field.0 == "rural_coefficient" {
            field.1 = "1,2";
        }
    }
    app.post(&c, &format!("{base}/scoring"), &rules).await;
    app.post(
        &c,
        &format!("{base}/categories"),
        &[
            ("code", "state_care"),
            ("name", "Children in state care"),
            ("tier", "2"),
        ],
    )
    .await;
    app.post(
        &c,
        &format!("{base}/documents"),
        &[
            ("kind", "passport"),
            ("name", "Passport"),
            // A date as it is written in Russia.
            ("deadline", "30.04.2028"),
        ],
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM required_documents WHERE deadline = '2028-04-30'")
            .await,
        1
    );
    // A set-up form sent back with a problem keeps what was typed, with
    // the problem inside that form; nothing is saved.
    let r = app
        .post(
            &c,
            &format!("{base}/documents"),
            &[
                ("kind", "medical"),
                ("name", "Медицинская справка 079/у"),
                ("deadline", "31.02.2028"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&c, &back).await;
    assert!(
        page.contains("value=\"Медицинская справка 079/у\"")
            && page.contains("value=\"31.02.2028\"")
            && page.contains("value=\"medical\""),
        "{page}"
    );
    let form = &page[page.find("/documents\">").unwrap()..];
    assert!(
        form[..form.find("</form>").unwrap()].contains("role=\"alert\""),
        "the problem is shown in the form that was sent"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM required_documents WHERE kind = 'medical' AND name LIKE '%079%'"
        )
        .await,
        0
    );
    let r = app
        .post(
            &c,
            &format!("{base}/sessions"),
            &[
                ("camp", "0"),
                ("code", "lake-2028-1"),
                ("starts", "2028-07-01"),
                ("ends", "2028-06-01"),
                ("places", "30"),
                ("min_age", "11"),
                ("max_age", "14"),
                ("languages", "русский"),
            ],
        )
        .await;
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&c, &back).await;
    assert!(
        page.contains("value=\"lake-2028-1\"") && page.contains("value=\"русский\""),
        "{page}"
    );
    let (_, shown) = app.get(&c, &base).await;
    assert!(
        shown.contains("arctic:3; rural:8")
            && shown.contains("Children in state care")
            && shown.contains("value=\"1.2\"")
            && shown
                .contains("name=\"percent_2\" type=\"number\" min=\"0\" max=\"100\" value=\"70\"")
    );

    app.post(&c, &format!("{base}/status"), &[("to", "open")])
        .await;
    let (status, commitment, seed): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT status, commitment_hex, seed_hex FROM programmes")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "open");
    let seed = smena_engine::Seed::from_hex(&seed.unwrap()).unwrap();
    assert_eq!(Some(seed.commitment().to_hex()), commitment);
    let (_, public) = app.get(&client(), "/").await;
    assert!(
        public.contains(&commitment.unwrap()) && !public.contains(&seed.to_hex()),
        "commitment public, seed secret"
    );
    // The rules are now fixed.
    let r = app
        .post(
            &c,
            &format!("{base}/categories"),
            &[("code", "late"), ("name", "Late"), ("tier", "9")],
        )
        .await;
    let (_, shown) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(shown.contains("can no longer change"));
    // A family can now apply to it.
    let parent = app.verified_parent("first.family@example.org").await;
    let (school,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schools")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(school, 0, "no schools yet in a fresh database");
    let (_, programmes) = app.get(&parent, "/programmes").await;
    assert!(programmes.contains("songdowon-2028-1"));
}
