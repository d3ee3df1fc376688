//! Children, applications, blocks of siblings, achievements imported.

use crate::common::{PDF, TestApp, client, client_speaking, programme_id};
use reqwest::StatusCode;

on_both_databases!(
    a_parent_applies_with_documents_and_choices,
    siblings_apply_together_as_a_block,
    another_familys_records_answer_404_and_are_audited,
    the_coordinator_imports_achievements,
    a_family_prints_a_summary_of_its_application,
    a_submitted_ranking_changes_until_applications_close,
    a_family_and_the_coordinator_write_about_an_application,
);

/// A family asks about its application, the coordinators are e-mailed and
/// see the question waiting; one answers, the family is e-mailed, and the
/// thread shows both. Nobody else writes in it.
async fn a_family_and_the_coordinator_write_about_an_application(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let application = crate::common::demo_submitted(app).await.application;
    let path = format!("/applications/{application}/messages");
    let family = client();
    app.login(
        &family,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let r = app.post(&family, &path, &[("body", "  ")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "an empty message");
    // Too long: the application comes back with the problem and the
    // message as typed, nothing lost.
    let long = format!("Вопрос {}", "о".repeat(2100));
    let r = app.post(&family, &path, &[("body", long.as_str())]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("under 2000 characters") && page.contains(&long),
        "{}",
        &page[..page.len().min(2000)]
    );
    let question = "Можно ли взять с собой хомус?\nСпасибо.";
    let r = app.post(&family, &path, &[("body", question)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.last_mail("coordinator@demo.smena").await;
    assert!(
        mail.contains("Можно ли взять с собой хомус?") && mail.contains("#messages"),
        "{mail}"
    );
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let (_, page) = app.get(&coordinator, "/coordinator/messages").await;
    assert!(page.contains("Можно ли взять с собой хомус?"), "{page}");
    let r = app
        .post(
            &coordinator,
            &path,
            &[("body", "Да, хомус можно взять в ручную кладь.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&coordinator, "/coordinator/messages").await;
    assert!(
        !page.contains("Можно ли взять с собой хомус?"),
        "answered: {page}"
    );
    let mail = app.last_mail("parent@demo.smena").await;
    assert!(mail.contains("хомус можно взять"), "{mail}");
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    let asked = page.find("Можно ли взять с собой хомус?").unwrap();
    let answered = page.find("хомус можно взять").unwrap();
    assert!(asked < answered, "the thread in order");
    // Another family, and a school, do not write here.
    let other = app.verified_parent("other.family@example.org").await;
    assert_eq!(
        app.post(&other, &path, &[("body", "Hello")]).await.status(),
        StatusCode::NOT_FOUND
    );
    let school = client();
    app.login(
        &school,
        "school@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    assert_eq!(
        app.post(&school, &path, &[("body", "Hello")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM application_messages").await,
        2
    );
    // The audit log says who wrote, never what.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%хомус%'")
            .await,
        0
    );
}

/// A family changes the order of its submitted choices while applications
/// are open (checked like a draft's; refused with the typed order kept when
/// wrong); once closed, the ranking is frozen.
async fn a_submitted_ranking_changes_until_applications_close(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    // Not in a block: the demo family's daughter applies alone.
    let application = crate::common::demo_submitted(app).await.application;
    let ranking = || async {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT session_id FROM application_choices WHERE application_id = $1 ORDER BY choice_rank",
        )
        .bind(application)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows.into_iter()
            .map(|(s,)| s.to_string())
            .collect::<Vec<_>>()
    };
    let before = ranking().await;
    let parent = client();
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let path = format!("/applications/{application}");
    let (_, page) = app.get(&parent, &path).await;
    assert!(
        page.contains("value=\"change\""),
        "the ranking may change: {page}"
    );
    // The same session twice: refused, nothing changed, the order typed kept.
    let mut twice = vec![
        ("action", "change".to_string()),
        ("choice_1", before[0].clone()),
    ];
    twice.push(("choice_2", before[0].clone()));
    let form: Vec<(&str, &str)> = twice.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&parent, &path, &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ranking().await, before);
    // Only the last choice, first: saved.
    let last = before.last().unwrap().clone();
    let r = app
        .post(&parent, &path, &[("action", "change"), ("choice_1", &last)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(ranking().await, vec![last.clone()]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE detail = 'choices_changed'")
            .await,
        1
    );
    let (_, page) = app
        .get(&parent, r.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        page.contains("The new order of sessions is saved."),
        "{page}"
    );
    // Closed: frozen.
    let programme = programme_id(app).await;
    smena::allocation::lottery::close_due(&app.db, i64::MAX / 2)
        .await
        .ok();
    let closed = app
        .count("SELECT COUNT(*) FROM programmes WHERE status = 'closed'")
        .await;
    if closed == 0 {
        crate::common::close_and_draw(&app.db, programme).await;
    }
    let r = app
        .post(
            &parent,
            &path,
            &[("action", "change"), ("choice_1", &before[0])],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ranking().await, vec![last]);
}

/// The printable summary: the reference, the child, the sessions in the
/// order ranked, the consents with who gave them, the documents; another
/// family gets 404.
async fn a_family_prints_a_summary_of_its_application(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let crate::common::DemoChild {
        application,
        reference,
        given_name: given,
        ..
    } = crate::common::demo_submitted(app).await;
    let codes: Vec<(String,)> = sqlx::query_as(
        "SELECT s.code FROM application_choices x JOIN sessions s ON s.id = x.session_id \
         WHERE x.application_id = $1 ORDER BY x.choice_rank",
    )
    .bind(application)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let parent = client_speaking("ru");
    app.login(
        &parent,
        "parent@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let path = format!("/applications/{application}/summary");
    let (status, page) = app.get(&parent, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&reference) && page.contains(&given) && page.contains("Сводка заявки"),
        "{page}"
    );
    // The sessions in the order ranked.
    let at: Vec<usize> = codes
        .iter()
        .map(|(c,)| page.find(&format!("<li>{c} — ")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert!(page.contains("Свидетельство о рождении"), "{page}");
    let other = app.verified_parent("not.theirs@example.org").await;
    assert_eq!(app.get(&other, &path).await.0, StatusCode::NOT_FOUND);
}

async fn a_parent_applies_with_documents_and_choices(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let c = app.verified_parent("new.parent@example.org").await;
    let school = app.school_id("Саха гимназия").await.to_string();

    // A future birth date is refused, and what was typed is kept.
    let r = app
        .post(
            &c,
            "/children",
            &[
                ("given_name", "Сайыына"),
                ("family_name", "Петрова"),
                ("birth_date", "2099-01-01"),
                ("school_id", &school),
                ("category", ""),
                ("passport_expires", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("in the future") && page.contains("value=\"Сайыына\""));

    let child = app
        .add_child(&c, "Сайыына", "2014-03-09", "2031-01-01")
        .await;
    let r = app
        .post(
            &c,
            &format!("{child}/achievements"),
            &[
                ("title", "Republic olympiad"),
                ("level", "regional"),
                ("place", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&c, &child).await;
    assert!(
        page.contains("Republic olympiad") && page.contains("<th>Score</th><th>2</th>"),
        "score 2 for a regional win"
    );

    // Hostile uploads are refused with a clear reason; nothing is stored.
    let r = app
        .upload(
            &c,
            &child,
            "passport",
            "passport.pdf",
            b"\x7fELF\x02\x01\x01 an executable".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not a PDF, JPEG or PNG"));
    let r = app
        .upload(
            &c,
            &child,
            "passport",
            "big.pdf",
            [b"%PDF-".to_vec(), vec![b'x'; 50 * 1024 * 1024]].concat(),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a 50 MB upload gets an explanation"
    );
    assert!(r.text().await.unwrap().contains("larger than 10 MB"));
    let r = app.upload(&c, &child, "visa", "x.pdf", PDF.to_vec()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // After its deadline a document is no longer taken.
    app.execute("UPDATE required_documents SET deadline = '2020-01-31' WHERE kind = 'medical'")
        .await;
    let r = app
        .upload(&c, &child, "medical", "m.pdf", PDF.to_vec())
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("The deadline for &quot;Медицинская справка&quot; was 2020-01-31")
            || page.contains("The deadline for &#34;Медицинская справка&#34; was 2020-01-31"),
        "{page}"
    );
    app.execute("UPDATE required_documents SET deadline = '2027-05-31' WHERE kind = 'medical'")
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Сайыына'").await, 0);

    // Start the application; submitting without documents and consents keeps the draft.
    let r = app.post(&c, &format!("{child}/applications"), &[]).await;
    let application = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&c, &application).await;
    let sessions: Vec<String> = page
        .match_indices("<option value=\"")
        .map(|(i, _)| page[i + 15..].split('"').next().unwrap().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    assert!(
        sessions.len() >= 2,
        "eligible sessions offered: {sessions:?}"
    );
    let r = app
        .post(
            &c,
            &application,
            &[
                ("choice_1", &sessions[0]),
                ("choice_2", &sessions[1]),
                ("action", "submit"),
                ("idem", "k1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("All consents are needed") && page.contains("Please upload"),
        "{page}"
    );
    assert!(
        page.contains(&format!("value=\"{}\" selected", sessions[1])),
        "typed choices kept"
    );
    // Gaps and repeats are refused.
    let r = app
        .post(
            &c,
            &application,
            &[("choice_2", &sessions[0]), ("action", "save")],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Choice 1 is empty but choice 2 is filled")
    );
    let r = app
        .post(
            &c,
            &application,
            &[
                ("choice_1", &sessions[0]),
                ("choice_2", &sessions[0]),
                ("action", "save"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("chosen twice"));

    for kind in ["birth_certificate", "passport", "medical"] {
        assert_eq!(
            app.upload(&c, &child, kind, &format!("{kind}.pdf"), PDF.to_vec())
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let form = [
        ("choice_1", sessions[0].as_str()),
        ("choice_2", sessions[1].as_str()),
        ("consent_participation", "yes"),
        ("consent_personal_data", "yes"),
        ("action", "submit"),
        ("idem", "key-1"),
    ];
    let r = app.post(&c, &application, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "Post/Redirect/Get");
    let (_, page) = app.get(&c, r.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Your application has been received"));
    // The same submission again (a retry) changes nothing and creates nothing.
    let r = app.post(&c, &application, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Сайыына'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'application_received' AND recipient = 'new.parent@example.org'").await, 1);
    let consents = app.count("SELECT COUNT(*) FROM consents x JOIN applications a ON a.id = x.application_id JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Сайыына' AND x.text_version = '2027-2'").await;
    assert_eq!(consents, 2, "consents recorded with the wording's version");
    let (_, page) = app.get(&c, &application).await;
    assert!(page.contains("Status: <strong>submitted</strong>"));
}

/// Two children of one family apply as a block: the same ranked choices,
/// one public block reference, placed together or not at all.
async fn siblings_apply_together_as_a_block(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let c = app.verified_parent("two.children@example.org").await;
    let mut applications = Vec::new();
    for name in ["Сардаана", "Дьулус"] {
        let child = app.add_child(&c, name, "2014-05-01", "2031-01-01").await;
        for kind in ["birth_certificate", "passport", "medical"] {
            app.upload(&c, &child, kind, &format!("{kind}.pdf"), PDF.to_vec())
                .await;
        }
        let r = app.post(&c, &format!("{child}/applications"), &[]).await;
        applications.push(r.headers()["location"].to_str().unwrap().to_string());
    }
    let id = |a: &str| a.rsplit('/').next().unwrap().to_string();
    let (first, second) = (&applications[0], &applications[1]);
    let (_, page) = app.get(&c, first).await;
    assert!(
        page.contains(&format!("name=\"together\" value=\"{}\"", id(second)))
            && page.contains("Together with Дьулус"),
        "the sibling's application is offered"
    );
    let sessions: Vec<String> = page
        .match_indices("<option value=\"")
        .map(|(i, _)| page[i + 15..].split('"').next().unwrap().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let block_refs = || async {
        let rows: Vec<(Option<String>,)> = sqlx::query_as(
            "SELECT a.block_ref FROM applications a JOIN children c ON c.id = a.child_id \
             JOIN accounts x ON x.id = c.guardian_id WHERE x.email = 'two.children@example.org' ORDER BY c.given_name",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
    };

    // Another family's application, or nonsense, cannot join the block.
    let (stranger,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id JOIN accounts x ON x.id = c.guardian_id \
         WHERE x.email = 'parent@demo.smena' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    for hostile in [stranger.to_string(), "abc".into(), "-1".into()] {
        let r = app
            .post(
                &c,
                first,
                &[
                    ("choice_1", &sessions[0]),
                    ("together_shown", "1"),
                    ("together", &hostile),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{hostile}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("other applications to this programme can be placed together")
        );
    }
    assert_eq!(block_refs().await, vec![None, None]);

    // The form with two choices, both consents, and the block ticked with
    // the application `with`; sent to the application at `to`.
    let send = |to: &str, choices: [&str; 2], with: &str, action: &str, idem: &str| {
        let form: Vec<(&str, String)> = [
            ("choice_1", choices[0]),
            ("choice_2", choices[1]),
            ("together_shown", "1"),
            ("together", with),
            ("consent_participation", "yes"),
            ("consent_personal_data", "yes"),
            ("action", action),
            ("idem", idem),
        ]
        .into_iter()
        // An empty `with` leaves the block out of the form altogether.
        .filter(|(k, _)| !with.is_empty() || !k.starts_with("together"))
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let path = to.to_string();
        let c = c.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&c, &path, &form).await
        }
    };
    let (s0, s1) = (sessions[0].as_str(), sessions[1].as_str());
    let (first_id, second_id) = (id(first), id(second));
    let r = send(first, [s0, s1], &second_id, "save", "k-save").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let refs = block_refs().await;
    assert!(
        refs[0].is_some() && refs[0] == refs[1],
        "one block for both: {refs:?}"
    );
    let (_, page) = app.get(&c, second).await;
    assert!(
        page.contains(&format!("value=\"{first_id}\" checked")),
        "the sibling's form shows the block"
    );

    // The first submits; the second must rank the same sessions in the same order.
    let r = send(first, [s0, s1], &second_id, "submit", "k-first").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = send(second, [s1, s0], &first_id, "submit", "k-second").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("children placed together must rank the same sessions in the same order")
    );
    let r = send(second, [s1, s0], "", "submit", "k-second").await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "leaving the block out of the form does not dodge the check"
    );
    // The form of the first child, sent again for the second: its key is spent.
    let r = send(second, [s0, s1], &first_id, "submit", "k-first").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already used to submit another application")
    );
    let r = send(second, [s0, s1], &first_id, "submit", "k-second").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let refs = block_refs().await;
    assert!(refs[0].is_some() && refs[0] == refs[1], "{refs:?}");
    let block = refs[0].clone().unwrap();
    let (_, page) = app.get(&c, first).await;
    assert!(page.contains("Placed together with Дьулус") && page.contains(&block));

    // The engine is given the block, and the export carries it.
    let programme = programme_id(app).await;
    let built = smena::allocation::runs::build(
        &app.db,
        programme,
        &smena::allocation::runs::Overrides::default(),
    )
    .await
    .unwrap();
    let members: Vec<&str> = built
        .instance
        .blocks()
        .iter()
        .find(|b| b.id == block)
        .expect("the block reaches the engine")
        .members
        .iter()
        .map(|&m| built.instance.applicants()[m as usize].id.as_str())
        .collect();
    assert_eq!(members.len(), 2);
    assert_eq!(
        built
            .applicants_csv
            .lines()
            .filter(|l| l.ends_with(&format!(",{block}")))
            .count(),
        2
    );
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    app.close_applications(&coordinator, programme_id(app).await)
        .await;
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let placed: Vec<(Option<i64>,)> = sqlx::query_as(
        "SELECT p.session_id FROM placements p JOIN applications a ON a.id = p.application_id WHERE a.block_ref = $1",
    )
    .bind(&block)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(placed.len(), 2);
    assert_eq!(placed[0], placed[1], "placed together or not at all");
}

async fn another_familys_records_answer_404_and_are_audited(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let a = app.verified_parent("family.a@example.org").await;
    let child = app
        .add_child(&a, "Sakhayana", "2013-05-05", "2031-01-01")
        .await;
    app.upload(&a, &child, "passport", "passport.pdf", PDF.to_vec())
        .await;
    let application = app
        .post(&a, &format!("{child}/applications"), &[])
        .await
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let (document,): (i64,) = sqlx::query_as("SELECT d.id FROM documents d JOIN children c ON c.id = d.child_id WHERE c.given_name = 'Sakhayana'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    let b = app.verified_parent("family.b@example.org").await;
    let (missing_status, missing_page) = app.get(&b, "/children/123456789").await;
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    for path in [
        child.clone(),
        format!("{child}/edit"),
        application.clone(),
        format!("/documents/{document}"),
    ] {
        let (status, page) = app.get(&b, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            page, missing_page,
            "{path} must look exactly like a record that does not exist"
        );
    }
    let r = app
        .post(
            &b,
            &format!("{child}/achievements"),
            &[("title", "x"), ("level", "regional"), ("place", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let child_id: i64 = child.rsplit('/').next().unwrap().parse().unwrap();
    let (denied,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE resource = 'child' AND resource_id = $1 AND outcome = 'denied'")
        .bind(child_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(denied >= 4, "each attempt is in the audit log ({denied})");
    // The owner, and the coordinator, can see it; their reads are logged too.
    assert_eq!(app.get(&a, &child).await.0, StatusCode::OK);
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    assert_eq!(app.get(&coordinator, &child).await.0, StatusCode::OK);
    let (_, audit) = app.get(&coordinator, "/coordinator/audit").await;
    assert!(
        audit.contains("<td>refused</td>") && audit.contains(&format!("child #{child_id}")),
        "the refused attempt is on the coordinator's audit page"
    );
    assert_eq!(
        app.get(&a, "/coordinator/audit").await.0,
        StatusCode::NOT_FOUND
    );
}

/// The programme office imports olympiad results: a broken file is refused
/// row by row in the reader's language and writes nothing; a good one is
/// previewed, then confirmed, and the children's scores count it; the same
/// file again adds nothing; nobody else may import.
async fn the_coordinator_imports_achievements(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let (family, given, birth): (String, String, String) = sqlx::query_as(
        "SELECT family_name, given_name, birth_date FROM children ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let import = |c: reqwest::Client, bytes: Vec<u8>| async move {
        let csrf = app.csrf(&c, "/coordinator/achievements").await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("results.xlsx"),
        );
        c.post(app.url(&format!("/coordinator/achievements/import?csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let before = app.count("SELECT COUNT(*) FROM achievements").await;
    let broken = format!(
        "family_name,given_name,birth_date,achievement,level,place\n\
         Nobody,Known,2013-01-01,Chess,municipal,1\n\
         {family},{given},{birth},Chess,galactic,1\n"
    );
    let r = import(coordinator.clone(), broken.clone().into_bytes()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing was imported") && page.contains("Line 3, column 5 (level)"),
        "{page}"
    );
    // Every row is checked before children are looked up; then the
    // unknown child is named.
    let unknown = "family_name,given_name,birth_date,achievement,level,place\nNobody,Known,2013-01-01,Chess,municipal,1\n";
    let r = import(coordinator.clone(), unknown.as_bytes().to_vec()).await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Line 2: no child Known Nobody, 2013-01-01 is registered"),
        "{page}"
    );
    let russian = client_speaking("ru");
    app.login(
        &russian,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    app.post(&russian, "/language", &[("lang", "ru"), ("back", "/")])
        .await;
    let page = import(russian.clone(), broken.into_bytes())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Ничего не загружено") && page.contains("Строка 3, столбец 5 (level)"),
        "{page}"
    );
    // The account's language is back to English for what follows.
    app.post(&russian, "/language", &[("lang", "en"), ("back", "/")])
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM achievements").await, before);

    // A good workbook: previewed, nothing written until confirmed.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        [
            "Фамилия",
            "Имя",
            "Дата рождения",
            "Достижение",
            "Уровень",
            "Место",
        ],
        [
            &family,
            &given,
            &birth,
            "Олимпиада по физике",
            "республиканский",
            "1",
        ],
        [&family, &given, &birth, "Chess", "international", "2"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let good = book.save_to_buffer().unwrap();
    let r = import(coordinator.clone(), good.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Nothing has been imported yet")
            && page.contains("The file lists 2 achievements"),
        "{page}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM achievements").await, before);
    let field = |page: &str, name: &str| {
        page.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (file, seal) = (field(&page, "file"), field(&page, "seal"));
    let forged = "0".repeat(64);
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", forged.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", file.as_str()), ("seal", seal.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&coordinator, &location).await;
    assert!(page.contains("2 achievements added"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM achievements").await,
        before + 2
    );
    let regional = app
        .count("SELECT COUNT(*) FROM achievements WHERE title = 'Олимпиада по физике' AND level = 'regional' AND place = 1")
        .await;
    assert_eq!(regional, 1);

    // The same results again add nothing.
    let page = import(coordinator.clone(), good)
        .await
        .text()
        .await
        .unwrap();
    let (file, seal) = (field(&page, "file"), field(&page, "seal"));
    let r = app
        .post(
            &coordinator,
            "/coordinator/achievements/import/confirm",
            &[("file", file.as_str()), ("seal", seal.as_str())],
        )
        .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("added=0&rows=2"), "{location}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM achievements").await,
        before + 2
    );

    // Only the coordinator.
    for (email, path) in [
        ("school@demo.smena", "/coordinator/achievements"),
        ("parent@demo.smena", "/coordinator/achievements"),
    ] {
        let c = client();
        app.login(&c, email, smena::scenario::demo::PASSWORD).await;
        assert_eq!(app.get(&c, path).await.0, StatusCode::NOT_FOUND, "{email}");
    }
}

on_both_databases!(the_applications_list_pages_in_the_order_it_names,);

/// Sorted by name, by school or by status, every page of the coordinator's
/// list is the slice of one ORDER BY over the whole list: the pages read
/// school by school or status by status (never sorting everything) lose
/// no row, repeat none, keep the order across a school's or status's end.
async fn the_applications_list_pages_in_the_order_it_names(app: &TestApp) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let coordinator = client();
    app.login(
        &coordinator,
        "coordinator@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    for (sort, order) in [
        ("name", "c.family_name, c.given_name, a.id"),
        (
            "school",
            "s.name, c.school_id, c.family_name, c.given_name, a.id",
        ),
        ("status", "a.status, c.family_name, c.given_name, a.id"),
    ] {
        let want: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id \
             JOIN schools s ON s.id = c.school_id ORDER BY {order}"
        )))
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        let want: Vec<i64> = want.into_iter().map(|(id,)| id).collect();
        assert!(want.len() > 100, "several pages");
        let mut got = Vec::new();
        for page in 1.. {
            let (status, html) = app
                .get(
                    &coordinator,
                    &format!("/coordinator/applications?sort={sort}&page={page}"),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let ids: Vec<i64> = html
                .split("<tr><td><a href=\"/applications/")
                .skip(1)
                .filter_map(|rest| rest.split('"').next()?.parse().ok())
                .collect();
            got.extend(ids);
            if !html.contains("rel=\"next\"") {
                break;
            }
        }
        assert_eq!(got, want, "sorted by {sort}");
    }
}
