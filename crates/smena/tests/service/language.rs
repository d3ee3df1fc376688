//! E-mail and pages in the reader's language.

use crate::common::{TestApp, client, client_speaking};
use reqwest::StatusCode;

on_both_databases!(
    e_mail_speaks_the_recipients_language,
    the_language_is_chosen_remembered_and_followed,
);

/// The browser's language is remembered at registration and every message
/// to the account is written in it: Russian and Korean here, English for
/// a browser that asks for neither.
async fn e_mail_speaks_the_recipients_language(app: &TestApp) {
    for (accept, email, subject, greeting, code) in [
        (
            "ru-RU,ru;q=0.9,en;q=0.5",
            "sardana@example.org",
            "Подтвердите адрес электронной почты для Smena",
            "Здравствуйте, Сардана!",
            "ru",
        ),
        (
            "ko-KR,ko;q=0.9",
            "minji@example.org",
            "Smena 이메일 주소를 확인해 주세요",
            "Сардана님, 안녕하세요.",
            "ko",
        ),
        (
            "de-DE,de;q=0.9",
            "anna@example.org",
            "Please confirm your e-mail address for Smena",
            "Hello Сардана,",
            "en",
        ),
    ] {
        let c = client_speaking(accept);
        let r = app
            .register(&c, "Сардана", email, "a long enough passphrase")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (got_subject, body): (String, String) = sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE recipient = $1 AND kind = 'email_verification'",
        )
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(got_subject, subject);
        assert!(body.starts_with(greeting), "{body}");
        assert!(
            !body.contains("token="),
            "the link is sealed apart from the body: {body}"
        );
        assert!(
            app.last_mail(email).await.contains("/verify-email?token="),
            "and put in where it goes when the message is sent"
        );
        let (stored,): (String,) = sqlx::query_as("SELECT language FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(stored, code, "the language is remembered");
    }
    // Later messages follow the account, whatever the browser asks for.
    let r = app
        .post(
            &client_speaking("en"),
            "/password/forgot",
            &[("email", "sardana@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (subject, body): (String, String) = sqlx::query_as(
        "SELECT subject, body FROM outbox WHERE recipient = 'sardana@example.org' AND kind = 'password_reset'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Смена пароля Smena");
    assert!(
        body.contains("откройте эту ссылку в течение часа"),
        "{body}"
    );
    // Registering again with a known address tells the owner, in the
    // owner's language, not the stranger's.
    app.register(
        &client_speaking("en"),
        "Someone",
        "minji@example.org",
        "another long passphrase",
    )
    .await;
    let (subject,): (String,) = sqlx::query_as(
        "SELECT subject FROM outbox WHERE recipient = 'minji@example.org' AND kind = 'account_exists'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "누군가 귀하의 이메일 주소로 가입하려고 했습니다");
}

/// Pages start in the browser's language; the switcher on every page
/// changes it, the choice is remembered on the device and on the account,
/// and e-mail follows the account.
async fn the_language_is_chosen_remembered_and_followed(app: &TestApp) {
    let c = client_speaking("ko-KR,ko;q=0.9");
    let (_, page) = app.get(&c, "/login").await;
    assert!(
        page.contains("<html lang=\"ko\">") && page.contains(">로그인</a>"),
        "{page}"
    );
    // The form's own words and its error messages are Korean too.
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", ""),
                ("email", "not-an-address"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    for expected in [
        "부모 또는 보호자로 가입",
        "성명을 입력하세요.",
        "이메일 주소가 아닙니다.",
        "비밀번호는 10자 이상이어야 합니다.",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let r = app
        .post(&c, "/language", &[("lang", "ru"), ("back", "/login?x=1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?x=1");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("smena_lang=ru;") && cookie.contains("Max-Age=31536000"));
    let (_, page) = app.get(&c, "/login").await;
    assert!(
        page.contains("<html lang=\"ru\">") && page.contains(">Войти</a>"),
        "{page}"
    );
    assert!(page.contains("value=\"ru\" lang=\"ru\" aria-current=\"true\" disabled"));
    for back in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "",
    ] {
        let r = app
            .post(&c, "/language", &[("lang", "en"), ("back", back)])
            .await;
        assert_eq!(r.headers()["location"], "/", "{back}");
    }
    let r = app.post(&c, "/language", &[("lang", "xx")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A logged-in parent's choice is stored on the account: e-mail follows.
    let parent = app.verified_parent("language.switch@example.org").await;
    let r = app
        .post(&parent, "/language", &[("lang", "ko"), ("back", "/home")])
        .await;
    assert_eq!(r.headers()["location"], "/home");
    let (stored,): (String,) =
        sqlx::query_as("SELECT language FROM accounts WHERE email = 'language.switch@example.org'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored, "ko");
    let (_, page) = app.get(&parent, "/home").await;
    assert!(
        page.contains("<strong>부모 또는 보호자</strong>") && page.contains(">비밀번호 변경</a>"),
        "{page}"
    );
    app.post(
        &client(),
        "/password/forgot",
        &[("email", "language.switch@example.org")],
    )
    .await;
    let (subject,): (String,) = sqlx::query_as(
        "SELECT subject FROM outbox WHERE recipient = 'language.switch@example.org' AND kind = 'password_reset'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(subject, "Smena 비밀번호 재설정");
}
