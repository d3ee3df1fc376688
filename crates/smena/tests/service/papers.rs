//! Printed papers and spreadsheets.

use crate::common::{TestApp, client, programme_id};
use reqwest::StatusCode;

on_both_databases!(travel_papers_and_spreadsheets_reach_only_whom_they_concern,);

/// After publication a family accepts a place at Songdowon; the coordinator
/// issues vouchers; the family is told in Russian and prints the voucher and
/// the consent form; the coordinator and a chaperone print the manifest and
/// the roster; nobody else gets any of them; the voucher's QR address says
/// it is valid.
async fn travel_papers_and_spreadsheets_reach_only_whom_they_concern(app: &TestApp) {
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
    // The dashboard before any allocation: applications and demand only.
    let (status, page) = app.get(&coordinator, "/coordinator/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("<svg").count(), 2, "{page}");
    assert!(page.contains("appear once there is a final allocation"));
    app.close_applications(&coordinator, programme_id(app).await)
        .await;
    let r = app
        .post(
            &coordinator,
            "/coordinator/allocation/runs",
            &[("kind", "final")],
        )
        .await;
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let r = app
        .post(
            &coordinator,
            &format!("{run}/publish"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A child offered a place at the camp with the Hangul name; her family
    // reads Russian, and her name is written in Cyrillic.
    let (application, child, session, guardian): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT a.id, c.id, o.session_id, g.email FROM offers o JOIN applications a ON a.id = o.application_id \
         JOIN children c ON c.id = a.child_id JOIN accounts g ON g.id = c.guardian_id \
         JOIN sessions s ON s.id = o.session_id JOIN camps k ON k.id = s.camp_id \
         WHERE o.status = 'offered' AND k.name LIKE '%송도원%' ORDER BY a.reference LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    {
        let mut tx = app.db.begin_write().await.unwrap();
        use smena::store::keys::{CONTACT, PASSPORT};
        sqlx::query(
            "UPDATE children SET given_name = 'Айыына', family_name = 'Ҕоҕолова', passport_number = $2, \
             emergency_contact = $3 WHERE id = $1",
        )
        .bind(child)
        .bind(app.db.keys().unwrap().protect(PASSPORT, "98 12 345678").unwrap())
        .bind(app.db.keys().unwrap().protect(CONTACT, "Бабушка +7 914 111-22-33").unwrap())
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("UPDATE accounts SET language = 'ru', language_chosen = 1 WHERE email = $1")
            .bind(&guardian)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let family = client();
    app.login(&family, &guardian, smena::scenario::demo::PASSWORD)
        .await;
    // The family gives the phone the chaperones will call.
    let r = app
        .post(&family, "/account/phone", &[("phone", "+7 914 222-33-44")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let voucher = format!("/applications/{application}/voucher.pdf");
    assert_eq!(
        paper(app, &family, &voucher).await.0,
        StatusCode::NOT_FOUND,
        "no voucher before the place is accepted"
    );
    let r = app
        .post(
            &family,
            &format!("/applications/{application}/offer"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        paper(app, &family, &voucher).await.0,
        StatusCode::NOT_FOUND,
        "no voucher before it is issued"
    );
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    // The family reads its pages in Russian, the language it registered with.
    assert!(page.contains("Путёвка появится здесь"), "{page}");

    // The coordinator issues the vouchers: one per accepted place, once.
    let accepted = app
        .count("SELECT COUNT(*) FROM offers WHERE status = 'accepted'")
        .await;
    let programme = programme_id(app).await;
    let issue = format!("/coordinator/programmes/{programme}/vouchers");
    let r = app.post(&coordinator, &issue, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("/coordinator/allocation?vouchers={accepted}")
    );
    let (_, page) = app.get(&coordinator, &location).await;
    let issued = if accepted == 1 {
        "1 travel voucher issued; the family is".to_string()
    } else {
        format!("{accepted} travel vouchers issued; the families are")
    };
    assert!(page.contains(&issued), "{page}");
    let r = app.post(&coordinator, &issue, &[]).await;
    assert_eq!(
        r.headers()["location"],
        "/coordinator/allocation?vouchers=0",
        "a voucher is issued once"
    );
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE recipient = $1 AND kind = 'voucher_ready'",
    )
    .bind(&guardian)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Путёвка для Ҕоҕолова Айыына готова");
    assert!(
        body.contains("Аэропорт Якутск") && body.contains(&format!("/applications/{application}")),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE kind = 'voucher_ready'")
            .await,
        accepted
    );

    // The coordinator sets the session's travel details: a day that does
    // not exist and a phone of words come back with the form as typed and
    // each problem named; then they are saved, on the programme's clock.
    let travel = format!("/coordinator/sessions/{session}/travel");
    let (status, page) = app.get(&coordinator, &travel).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Зал международных вылетов"),
        "the demo's details: {page}"
    );
    let mut details = vec![
        ("departure", "Аэропорт Якутск (YKS)"),
        ("departs_on", "31.06.2027"),
        ("departs_time", "07:45"),
        ("meeting_point", "Зал вылета, стойка 5"),
        ("what_to_bring", "Паспорт\r\nТёплая куртка"),
        ("office_phone", "позвоните нам"),
    ];
    let r = app.post(&coordinator, &travel, &details).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("31.06.2027")
            && page.contains("позвоните нам")
            && page.contains("Зал вылета, стойка 5"),
        "{page}"
    );
    details[1].1 = "30.06.2027";
    details[5].1 = "+7 (4112) 42-42-42";
    let r = app.post(&coordinator, &travel, &details).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (chaperone_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'chaperone@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    // The session's travel groups are formed, and the chaperone goes with
    // the child's.
    let groups = format!("/coordinator/sessions/{session}/groups");
    let r = app.post(&coordinator, &groups, &[("action", "form")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (group,): (i64,) =
        sqlx::query_as("SELECT group_id FROM group_members WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let group = group.to_string();
    let chaperone_id = chaperone_id.to_string();
    fn staff<'a>(action: &'a str, group: &'a str, account: &'a str) -> [(&'a str, &'a str); 3] {
        [("action", action), ("group", group), ("account", account)]
    }
    let r = app
        .post(
            &coordinator,
            &groups,
            &staff("assign", &group, &chaperone_id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The family prints the voucher, in Russian (the account's language),
    // and in Korean when asked.
    let (_, page) = app
        .get(&family, &format!("/applications/{application}"))
        .await;
    assert!(page.contains(&voucher), "the page links the voucher");
    let (code,): (String,) =
        sqlx::query_as("SELECT voucher_code FROM offers WHERE application_id = $1")
            .bind(application)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let (status, text) = paper(app, &family, &voucher).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Ҕоҕолова Айыына",
        "송도원국제소년단야영소",
        "Путёвка",
        "Местоотправления",
        &code,
        "Аэропорт Якутск (YKS)",
        "30 июня 2027 г., 07:45",
        "Зал вылета, стойка 5",
        "Тёплая куртка",
        "+7 (4112) 42-42-42",
        "Алексей Васильев, +7 914 555-12-34",
    ] {
        assert!(text.contains(&squeeze(expected)), "{expected} in {text}");
    }
    let (_, text) = paper(app, &family, &format!("{voucher}?lang=ko")).await;
    assert!(
        text.contains("여행바우처") && text.contains("Ҕоҕолова"),
        "{text}"
    );
    let (status, text) = paper(
        app,
        &family,
        &format!("/applications/{application}/consent.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("Согласиеродителя")
            && text.contains(&squeeze("Ҕоҕолова Айыына"))
            && text.contains("송도원"),
        "{text}"
    );

    // The voucher's QR address: valid, for whom and where; an unknown code
    // is said to be unknown.
    let anonymous = client();
    let (status, page) = app
        .get(&anonymous, &format!("/vouchers/{code}?lang=ru"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Путёвка действительна") && page.contains("Ҕоҕолова Айыына"),
        "{page}"
    );
    // Typed from paper: lower case, without the hyphen.
    let typed = code.replace('-', "").to_lowercase();
    let (status, page) = app.get(&anonymous, &format!("/vouchers/{typed}")).await;
    assert_eq!(status, StatusCode::OK, "{typed}");
    assert!(page.contains("Ҕоҕолова Айыына"), "{page}");
    let (status, page) = app.get(&anonymous, "/vouchers/ZZZZZ-ZZZZZ").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("No valid voucher has this code"));
    let (status, _) = app
        .get(&anonymous, &format!("/vouchers/{}", "<script>".repeat(50)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The manifest and the roster: the coordinator and a chaperone.
    let chaperone = client();
    app.login(
        &chaperone,
        "chaperone@demo.smena",
        smena::scenario::demo::PASSWORD,
    )
    .await;
    let manifest = format!("/coordinator/sessions/{session}/manifest.pdf");
    let roster = format!("/coordinator/sessions/{session}/roster.pdf");
    let manifest_csv = format!("/coordinator/sessions/{session}/exports/manifest.csv");

    // A chaperone reaches only the sessions of the groups they go with:
    // taken off the group, the session's papers are not found (and the
    // attempts are audited), and the travel papers page does not list it.
    let r = app
        .post(
            &coordinator,
            &groups,
            &staff("remove", &group, &chaperone_id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in [&manifest, &roster, &manifest_csv] {
        assert_eq!(
            app.get(&chaperone, path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let (denied,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE resource = 'travel_papers' AND resource_id = $1 \
         AND outcome = 'denied'",
    )
    .bind(session)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(denied, 3, "each refused attempt is audited");
    let (_, page) = app.get(&chaperone, "/travel-papers").await;
    assert!(!page.contains(&manifest), "{page}");
    // Only the coordinator assigns the group's adults, and only a
    // chaperone's or the camp staff's account.
    let (parent_id,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'parent@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let r = app
        .post(
            &coordinator,
            &groups,
            &staff("assign", &group, &parent_id.to_string()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not a chaperone"));
    for who in [&chaperone, &family] {
        let r = app
            .post(who, &groups, &staff("assign", &group, &chaperone_id))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let r = app
        .post(
            &coordinator,
            &groups,
            &staff("assign", &group, &chaperone_id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A session without a group the chaperone goes with stays out of reach.
    let (other,): (i64,) = sqlx::query_as(
        "SELECT s.id FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM travel_groups g \
         JOIN group_staff st ON st.group_id = g.id WHERE g.session_id = s.id) \
         ORDER BY s.starts LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    for path in [
        format!("/coordinator/sessions/{other}/manifest.pdf"),
        format!("/coordinator/sessions/{other}/roster.pdf"),
        format!("/coordinator/sessions/{other}/exports/manifest.xlsx"),
    ] {
        assert_eq!(
            app.get(&chaperone, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(
            app.get(&coordinator, &path).await.0,
            StatusCode::OK,
            "{path}"
        );
    }

    for who in [&coordinator, &chaperone] {
        let (status, text) = paper(app, who, &manifest).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.contains("Ҕоҕолова")
                && text.contains("9812345678")
                && text.contains("송도원")
                && text.contains("АлексейВасильев"),
            "{text}"
        );
        let (status, text) = paper(app, who, &roster).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.contains("Ҕоҕолова")
                && text.contains("Бабушка+7914111-22-33")
                && text.contains("+7914222-33-44"),
            "the parent's phone, whom the chaperone calls: {text}"
        );
    }
    // Without `?lang` the papers follow the language the reader chose.
    app.post(&chaperone, "/language", &[("lang", "ko"), ("back", "/")])
        .await;
    let (_, text) = paper(app, &chaperone, &roster).await;
    assert!(text.contains(&squeeze("오프라인 명단")), "{text}");
    let (status, text) = paper(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=ko"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("프로그램보고서") && text.contains("songdowon-2027-1"),
        "{text}"
    );

    keep(app, &family, &voucher, "voucher").await;
    keep(
        app,
        &family,
        &format!("/applications/{application}/consent.pdf"),
        "consent",
    )
    .await;
    keep(
        app,
        &coordinator,
        &format!("{manifest}?lang=en"),
        "manifest",
    )
    .await;
    keep(app, &chaperone, &format!("{roster}?lang=ru"), "roster").await;
    keep(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=en"),
        "report",
    )
    .await;

    // The dashboard after publication: four charts, each session's cutoff.
    let (_, page) = app.get(&coordinator, "/coordinator/dashboard").await;
    assert_eq!(page.matches("<svg").count(), 4);
    let sessions = app.count("SELECT COUNT(*) FROM sessions").await;
    // One histogram per session ("N ranked it"; the demand chart's legend
    // says "children who ranked it").
    let histograms =
        page.matches("ranked it</text>").count() - page.matches("who ranked it</text>").count();
    assert_eq!(histograms as i64, sessions);
    assert!(page.contains(">general places from ") && page.contains("% of places"));
    // The line is the general places' cutoff: reserves and categories,
    // which admit lower scores, are named apart; not every session's
    // general cutoff is 0 (the demo's sessions are oversubscribed).
    assert!(
        page.contains("reserve «") && page.contains("by category"),
        "{page}"
    );
    let cutoffs: Vec<&str> = page
        .split(">general places from ")
        .skip(1)
        .map(|t| t.split('<').next().unwrap_or(""))
        .collect();
    assert!(cutoffs.iter().any(|c| *c != "0"), "{cutoffs:?}");
    // The demand chart counts the children who ranked a session as the
    // score chart does (both from the run's input).
    let mut in_demand: Vec<&str> = page
        .split(" places / ")
        .skip(1)
        .map(|t| t.split(' ').next().unwrap_or(""))
        .collect();
    let mut in_scores: Vec<&str> = page
        .split(" ranked it</text>")
        .filter_map(|t| t.rsplit('>').next())
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty())
        .collect();
    in_demand.sort();
    in_scores.sort();
    assert_eq!(in_scores.len() as i64, sessions, "{in_scores:?}");
    assert_eq!(in_demand, in_scores, "the same demand on both charts");
    let (_, text) = paper(
        app,
        &coordinator,
        &format!("/coordinator/programmes/{programme}/report.pdf?lang=en"),
    )
    .await;
    for title in [
        "Applications submitted over time",
        "Share of places against share of applicants",
        "Scores of the children who ranked each session",
    ] {
        assert!(text.contains(&squeeze(title)), "{title}");
    }
    // The chaperone's way to the papers.
    let (status, page) = app.get(&chaperone, "/travel-papers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&manifest) && page.contains(&roster));

    // Nobody else: another family, the camp.
    let camp = client();
    app.login(&camp, "camp@demo.smena", smena::scenario::demo::PASSWORD)
        .await;
    let stranger = app.parent_of_nobody().await;
    for who in [&stranger, &camp, &chaperone] {
        assert_eq!(
            app.get(who, "/coordinator/dashboard").await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.get(&stranger, "/travel-papers").await.0,
        StatusCode::NOT_FOUND
    );
    // The camp's staff reach the papers of the travel groups they go with
    // only: none here.
    let (status, page) = app.get(&camp, "/travel-papers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(&manifest), "{page}");
    for path in [
        voucher.clone(),
        format!("/applications/{application}/consent.pdf"),
        manifest.clone(),
        roster.clone(),
        format!("/coordinator/programmes/{programme}/report.pdf"),
    ] {
        for who in [&stranger, &camp] {
            assert_eq!(
                paper(app, who, &path).await.0,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }
    assert_eq!(
        paper(app, &family, &manifest).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        paper(
            app,
            &chaperone,
            &format!("/coordinator/programmes/{programme}/report.pdf")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'print' AND resource = 'travel_papers' AND detail = 'manifest'"
        )
        .await
            >= 2,
        "printing the manifest is audited"
    );

    // The family's passport number is checked when typed.
    let (given, family_name, birth, school): (String, String, String, i64) = sqlx::query_as(
        "SELECT given_name, family_name, birth_date, school_id FROM children WHERE id = $1",
    )
    .bind(child)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let school = school.to_string();
    let r = app
        .post(
            &family,
            &format!("/children/{child}"),
            &[
                ("given_name", given.as_str()),
                ("family_name", family_name.as_str()),
                ("birth_date", birth.as_str()),
                ("school_id", school.as_str()),
                ("passport_number", "12<script>"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Номер паспорта — от 5 до 20 букв и цифр"),
        "the Russian family reads it in Russian"
    );
    let (number,): (Option<String>,) =
        sqlx::query_as("SELECT passport_number FROM children WHERE id = $1")
            .bind(child)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let number = app
        .db
        .keys()
        .unwrap()
        .reveal_opt(smena::store::keys::PASSPORT, number.as_deref())
        .unwrap();
    assert_eq!(number.as_deref(), Some("98 12 345678"), "nothing was saved");

    // The spreadsheets: the coordinator's, the manifest also the chaperone's.
    use calamine::Reader as _;
    let get_bytes = |who: &reqwest::Client, path: String| {
        let request = who.get(app.url(&path));
        async move {
            let r = request.send().await.unwrap();
            (r.status(), r.bytes().await.unwrap().to_vec())
        }
    };
    let (status, bytes) = get_bytes(
        &coordinator,
        format!("/coordinator/programmes/{programme}/exports/placements.xlsx"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let placed = app
        .count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NOT NULL")
        .await;
    assert_eq!(sheet.height() as i64, placed + 1);
    assert!(
        sheet.rows().any(|row| row.iter().any(|c| *c == "Ҕоҕолова")),
        "the Cyrillic name is in the placements"
    );
    let (status, bytes) = get_bytes(
        &coordinator,
        format!("/coordinator/programmes/{programme}/exports/waitlist.csv"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let waitlist = String::from_utf8(bytes).unwrap();
    let unplaced = app
        .count("SELECT COUNT(*) FROM placements p JOIN allocation_runs r ON r.id = p.run_id WHERE r.published_at IS NOT NULL AND p.session_id IS NULL")
        .await;
    assert_eq!(waitlist.lines().count() as i64, unplaced + 1);
    // A person's download names its columns in their language.
    assert!(
        waitlist.starts_with("\u{feff}Reference,Family name,Given name"),
        "{waitlist}"
    );
    for (who, ok) in [
        (&chaperone, true),
        (&coordinator, true),
        (&camp, false),
        (&family, false),
    ] {
        let (status, bytes) = get_bytes(
            who,
            format!("/coordinator/sessions/{session}/exports/manifest.csv"),
        )
        .await;
        if ok {
            assert_eq!(status, StatusCode::OK);
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.contains("98 12 345678") && text.contains("Бабушка"),
                "{text}"
            );
            // The chaperone reads Korean (chosen above).
            assert_eq!(
                text.starts_with("\u{feff}신청 번호,성,이름"),
                std::ptr::eq(who, &chaperone),
                "{text}"
            );
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
    for path in [
        format!("/coordinator/programmes/{programme}/exports/applications.xlsx"),
        format!("/coordinator/programmes/{programme}/exports/placements.csv"),
    ] {
        assert_eq!(
            get_bytes(&chaperone, path.clone()).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(get_bytes(&family, path).await.0, StatusCode::NOT_FOUND);
    }
    for bad in [
        "passwords.csv",
        "applications.exe",
        "applications",
        "manifest.csv",
    ] {
        assert_eq!(
            get_bytes(
                &coordinator,
                format!("/coordinator/programmes/{programme}/exports/{bad}")
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
}

/// The text poppler reads from a PDF the service sent, without white space
/// (typst breaks lines where it likes), once every page is drawn.
fn pdf_text(response_bytes: &[u8]) -> String {
    crate::common::look_at_pdf(response_bytes)
}

/// GETs a paper: its status, and its text when it is a PDF.
async fn paper(app: &TestApp, who: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = who.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    if status != StatusCode::OK {
        return (status, String::new());
    }
    assert_eq!(r.headers()["content-type"], "application/pdf", "{path}");
    assert_eq!(r.headers()["cache-control"], "private, no-store", "{path}");
    let bytes = r.bytes().await.unwrap();
    (status, pdf_text(&bytes))
}

/// Keeps a paper under target/tmp/papers for the README's pictures
/// (`docs/papers/render.sh` turns them into PNG).
async fn keep(app: &TestApp, who: &reqwest::Client, path: &str, name: &str) {
    let bytes = who
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("papers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}-{name}.pdf", app.backend())), bytes).unwrap();
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}
