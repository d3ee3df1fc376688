//! Registration, login and logout, throttling, password reset.

use crate::common::{TestApp, client, client_at};
use reqwest::StatusCode;

on_both_databases!(
    register_confirm_login_logout,
    logins_are_throttled_per_account,
    logins_are_throttled_per_address_behind_a_proxy,
    password_reset_closes_old_sessions,
    bad_registration_keeps_what_was_typed,
);

async fn register_confirm_login_logout(app: &TestApp) {
    let c = client();
    let r = app
        .register(
            &c,
            "Туйаара Иванова",
            "tuyaara@example.org",
            "a long enough passphrase",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .all(|v| !v.to_str().unwrap().starts_with("smena_login=")),
        "registering does not log in (it would tell a new address from a known one)"
    );
    assert!(r.text().await.unwrap().contains("Check your e-mail"));
    let r = app
        .login(&c, "tuyaara@example.org", "a long enough passphrase")
        .await;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("smena_login="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, home) = app.get(&c, "/home").await;
    assert!(home.contains("Hello, Туйаара Иванова") && home.contains("not confirmed yet"));

    let link = app.link_in(&app.last_mail("tuyaara@example.org").await);
    assert!(link.starts_with("/verify-email?token="));
    let (status, page) = app.get(&c, &link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (status, _) = app.get(&c, &link).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    let (_, home) = app.get(&c, "/home").await;
    assert!(!home.contains("not confirmed yet"));

    let r = app.post(&c, "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.get(&c, "/home").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "logged out: back to the login page"
    );
    let logins: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM logins")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(logins.0, 0, "logout deletes the login on the server");

    let r = app
        .login(&c, "tuyaara@example.org", "wrong password here")
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("The e-mail address or the password is wrong.")
    );
    let r = app
        .login(&c, "TUYAARA@example.org", "a long enough passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/home");
    // Registering the same address again reveals nothing, and tells its owner.
    let r = app
        .register(
            &client(),
            "Someone Else",
            "tuyaara@example.org",
            "another long passphrase",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        app.last_mail("tuyaara@example.org")
            .await
            .contains("already has one")
    );
}

async fn logins_are_throttled_per_account(app: &TestApp) {
    app.register(
        &client(),
        "Parent",
        "throttle@example.org",
        "the right passphrase",
    )
    .await;
    let c = client();
    for _ in 0..5 {
        assert_eq!(
            app.login(&c, "throttle@example.org", "a wrong passphrase")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app
        .login(&c, "throttle@example.org", "the right passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Too many attempts"));
}

/// Twenty failed logins from one address, on different accounts, stop that
/// address and no other; behind the proxy the address is the one it names.
async fn logins_are_throttled_per_address_behind_a_proxy(app: &TestApp) {
    app.register(
        &client(),
        "Parent",
        "proxied@example.org",
        "the right passphrase",
    )
    .await;
    for i in 0..20 {
        assert_eq!(
            app.login(
                &client_at("203.0.113.7"),
                &format!("nobody{i}@example.org"),
                "guess"
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.login(
            &client_at("203.0.113.7"),
            "proxied@example.org",
            "the right passphrase"
        )
        .await
        .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address is stopped, whichever account it tries"
    );
    assert_eq!(
        app.login(
            &client_at("198.51.100.1"),
            "proxied@example.org",
            "the right passphrase"
        )
        .await
        .status(),
        StatusCode::SEE_OTHER,
        "another family behind the same proxy is not"
    );
}

async fn password_reset_closes_old_sessions(app: &TestApp) {
    let old = client();
    app.register(
        &old,
        "Forgetful Parent",
        "forgetful@example.org",
        "the first passphrase",
    )
    .await;
    app.login(&old, "forgetful@example.org", "the first passphrase")
        .await;
    assert_eq!(app.get(&old, "/home").await.0, StatusCode::OK);

    let c = client();
    let r = app
        .post(
            &c,
            "/password/forgot",
            &[("email", "forgetful@example.org")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(&c, "/password/forgot", &[("email", "nobody@example.org")])
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("If nobody@example.org belongs to an account")
    );
    let link = app.link_in(&app.last_mail("forgetful@example.org").await);
    let token = link.split("token=").nth(1).unwrap().to_string();
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "the second passphrase"),
                ("password_again", "the second passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&old, "/home").await.0,
        StatusCode::SEE_OTHER,
        "old session closed"
    );
    let r = app
        .post(
            &c,
            &link,
            &[
                ("token", &token),
                ("password", "a third passphrase"),
                ("password_again", "a third passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "the link works once");
    assert_eq!(
        app.login(&c, "forgetful@example.org", "the first passphrase")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&c, "forgetful@example.org", "the second passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn bad_registration_keeps_what_was_typed(app: &TestApp) {
    let c = client();
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", "<script>alert(1)</script>"),
                ("email", "not-an-address"),
                ("password", "short"),
                ("password_again", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "typed name kept, escaped: {page}"
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("value=\"not-an-address\""));
    assert!(page.contains("is not an e-mail address") && page.contains("at least 10 characters"));
    let r = app
        .post(
            &c,
            "/register",
            &[
                ("full_name", "Ann"),
                ("email", "ann@example.org"),
                ("password", "a long passphrase"),
                ("password_again", "another long one"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not the same"));
    let accounts: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(accounts.0, 0, "nothing saved from bad forms");
    // A form field of the wrong type is refused with a clear error too.
    let csrf = app.csrf(&c, "/register").await;
    let r = c
        .post(app.url("/register"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
}
