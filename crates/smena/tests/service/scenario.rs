//! The reference scenario (the demo).

use crate::common::{TestApp, client};
use reqwest::StatusCode;

on_both_databases!(demo_scenario_loads,);

async fn demo_scenario_loads(app: &TestApp) {
    assert!(
        smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap()
    );
    assert!(
        !smena::scenario::demo::load(&app.db, &app.files)
            .await
            .unwrap(),
        "loading twice changes nothing"
    );
    let (status, page) = app.get(&app.client, "/").await;
    assert_eq!(status, StatusCode::OK);
    for code in [
        "songdowon-2027-1",
        "songdowon-2027-2",
        "songdowon-2027-3",
        "nairamdal-2027-1",
        "nairamdal-2027-2",
    ] {
        assert!(page.contains(code), "{code} on the public page");
    }
    assert!(page.contains("Lottery commitment"));
    for login in smena::scenario::demo::LOGINS {
        let c = client();
        let r = app
            .login(&c, login.email, smena::scenario::demo::PASSWORD)
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", login.email);
        let (_, home) = app.get(&c, "/home").await;
        assert!(home.contains(login.role.title()));
    }
}
