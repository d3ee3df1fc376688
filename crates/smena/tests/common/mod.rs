//! The test harness shared by the service and browser tests: the real app
//! on port 0 against a fresh SQLite file or a fresh PostgreSQL database.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use smena::allocation::{offers, runs};
use smena::domain::access::{Action, Resource};
use smena::domain::states::RunKind;
use smena::store::{Actor, Backend, Db, SECRET, SECRET_PURPOSE, Sealed, ServerKey, now_ms};
use smena::web::{AppState, Config};
use sqlx::Connection as _;

mod smtp;
#[allow(unused_imports)]
pub use smtp::SmtpSink;

pub struct TestApp {
    pub base: String,
    pub files: std::path::PathBuf,
    pub db: Db,
    /// The server's key (a mail reader's stand-in opens sealed links).
    pub key: ServerKey,
    pub client: reqwest::Client,
    postgres_db: Option<String>,
    _dir: tempfile::TempDir,
}

/// Every file below `dir`, into `found`.
#[allow(dead_code)]
pub fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(&path, found);
        } else {
            found.push(path);
        }
    }
}

pub fn admin_url() -> String {
    std::env::var("SMENA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("warn,smena=info")
        .try_init();
    let dir = tempfile::tempdir().unwrap();
    let (url, postgres_db) = match backend {
        Backend::Sqlite => (dir.path().join("smena.db").display().to_string(), None),
        Backend::Postgres => {
            sqlx::any::install_default_drivers();
            let name = format!(
                "smena_test_{}_{}",
                now_ms() / 1000,
                smena::store::new_id() % 1_000_000
            );
            let admin = admin_url();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("PostgreSQL reachable for tests");
            sweep_stale_databases(&mut conn).await;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            (format!("{base}/{name}"), Some(name))
        }
    };
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let key = ServerKey::generate().unwrap();
    // As `smena serve` does before it serves: a test may write children
    // (the demo) through the database straight away.
    db.unlock(&key).await.unwrap();
    let mut config = Config::new(&addr, dir.path().join("files"), key.clone());
    // As behind a reverse proxy on the same machine: a test may name the
    // client with X-Forwarded-For.
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let state = AppState::new(db.clone(), config);
    tokio::spawn(smena::app::serve(listener, state, None));
    TestApp {
        base: format!("http://{addr}"),
        files: dir.path().join("files"),
        db,
        key,
        client: client(),
        postgres_db,
        _dir: dir,
    }
}

/// Drops databases left behind by test runs that crashed over an hour ago.
async fn sweep_stale_databases(conn: &mut sqlx::AnyConnection) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname::text FROM pg_database WHERE datname LIKE 'smena_test_%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let hour_ago = now_ms() / 1000 - 3600;
    for (name,) in names {
        let created: i64 = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(i64::MAX);
        if created < hour_ago {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A browser that sends `header: value` with every request.
fn client_with(header: &'static str, value: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(header, value.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// A browser whose `Accept-Language` is `accept`.
#[allow(dead_code)]
pub fn client_speaking(accept: &str) -> reqwest::Client {
    client_with("accept-language", accept)
}

/// A browser behind the test's reverse proxy, which says it is at `address`.
#[allow(dead_code)]
pub fn client_at(address: &str) -> reqwest::Client {
    client_with("x-forwarded-for", address)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let r = client.get(self.url(path)).send().await.unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    /// The CSRF token of a form page, as a browser would find it (from the
    /// start page when `path` has no page of its own).
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        for page in [path, "/home", "/login"] {
            let (_, html) = self.get(client, page).await;
            if let Some(at) = html.find("name=\"csrf\" value=\"") {
                return html[at + 19..at + 19 + 64].to_string();
            }
        }
        panic!("no page with a CSRF field")
    }

    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let page = if path == "/logout" { "/home" } else { path };
        let csrf = self.csrf(client, page).await;
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("csrf", &csrf));
        client
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post(
            client,
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// The newest message in the outbox to `recipient`, as its recipient
    /// reads it (a sealed one-time link opened where it stands).
    pub async fn last_mail(&self, recipient: &str) -> String {
        let (body, secret): (String, Option<String>) = sqlx::query_as(
            "SELECT body, secret FROM outbox WHERE recipient = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(recipient)
        .fetch_one(self.db.pool())
        .await
        .unwrap();
        match secret {
            None => body,
            Some(sealed) => {
                let link = self.key.open(SECRET_PURPOSE, &Sealed(sealed)).unwrap();
                body.replace(SECRET, &String::from_utf8(link).unwrap())
            }
        }
    }

    /// The path of the first link to this service in a message.
    pub fn link_in(&self, mail: &str) -> String {
        let at = mail.find(&self.base).unwrap() + self.base.len();
        mail[at..].split_whitespace().next().unwrap().to_string()
    }

    pub async fn register(
        &self,
        client: &reqwest::Client,
        name: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post(
            client,
            "/register",
            &[
                ("full_name", name),
                ("email", email),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await
    }

    pub async fn finish(self) {
        self.db.close().await;
        if let Some(name) = self.postgres_db {
            let mut conn = sqlx::AnyConnection::connect(&admin_url()).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }
}

/// Runs a scenario once per backend.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::common::spawn_app(smena::store::Backend::Sqlite).await;
                super::$name(&app).await;
                app.finish().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = crate::common::spawn_app(smena::store::Backend::Postgres).await;
                super::$name(&app).await;
                app.finish().await;
            }
        }
    )*};
}

pub const PDF: &[u8] = b"%PDF-1.4\n%minimal\ntrailer<<>>\n%%EOF\n";

impl TestApp {
    /// The PostgreSQL database's URL (None on SQLite).
    #[allow(dead_code)]
    pub fn postgres_url(&self) -> Option<String> {
        let name = self.postgres_db.as_ref()?;
        let admin = admin_url();
        Some(format!("{}/{name}", admin.rsplit_once('/')?.0))
    }

    /// "sqlite" or "postgres".
    #[allow(dead_code)]
    pub fn backend(&self) -> &'static str {
        if self.postgres_db.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// A registered parent with a confirmed address, logged in.
    pub async fn verified_parent(&self, email: &str) -> reqwest::Client {
        let c = client();
        self.register(&c, "Parent", email, "a long enough passphrase")
            .await;
        let link = self.link_in(&self.last_mail(email).await);
        assert_eq!(self.get(&c, &link).await.0, StatusCode::OK);
        let r = self.login(&c, email, "a long enough passphrase").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        c
    }

    /// A coordinator of its own (created from the command line), logged in.
    pub async fn coordinator(&self, email: &str) -> reqwest::Client {
        let hash = smena::accounts::hash_password("coordinator passphrase".into())
            .await
            .unwrap();
        self.db
            .write(
                Actor::CommandLine,
                (Action::Create, Resource::Account),
                async |c| {
                    smena::accounts::create_account(
                        c,
                        &smena::accounts::NewAccount {
                            email,
                            password_hash: &hash,
                            role: smena::domain::access::Role::Coordinator,
                            full_name: "Coordinator",
                            language: smena::language::Language::En,
                            verified: true,
                            school_id: None,
                            camp_id: None,
                        },
                    )
                    .await?;
                    Ok::<_, anyhow::Error>(())
                },
            )
            .await
            .unwrap();
        let c = client();
        let r = self.login(&c, email, "coordinator passphrase").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        c
    }

    /// A logged-in parent with no children.
    pub async fn parent_of_nobody(&self) -> reqwest::Client {
        self.verified_parent("nobody.at.camp@example.org").await
    }

    /// Every file in which the database keeps its data on disk: the SQLite
    /// file and its WAL, or (read as root) the PostgreSQL database's
    /// directory and the server's WAL.
    #[allow(dead_code)]
    pub async fn raw_database_files(&self) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        if self.postgres_db.is_none() {
            for name in ["smena.db", "smena.db-wal"] {
                let path = self._dir.path().join(name);
                if path.exists() {
                    found.push(path);
                }
            }
            return found;
        }
        // Written out to the database's own files first: WAL segments are
        // recycled under a busy server, the data pages stay.
        sqlx::query("CHECKPOINT")
            .execute(self.db.pool())
            .await
            .unwrap();
        let (data,): (String,) =
            sqlx::query_as("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
                .fetch_one(self.db.pool())
                .await
                .unwrap();
        let (oid,): (String,) = sqlx::query_as(
            "SELECT CAST(oid AS TEXT) FROM pg_database WHERE datname = current_database()",
        )
        .fetch_one(self.db.pool())
        .await
        .unwrap();
        let data = std::path::Path::new(&data);
        walk(&data.join("base").join(oid), &mut found);
        walk(&data.join("pg_wal"), &mut found);
        found
    }

    pub async fn school_id(&self, name: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM schools WHERE name = $1")
            .bind(name)
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        id
    }

    /// Adds a child through the form; returns its page path.
    pub async fn add_child(
        &self,
        c: &reqwest::Client,
        given: &str,
        birth: &str,
        passport: &str,
    ) -> String {
        let school = self.school_id("Саха гимназия").await.to_string();
        let r = self
            .post(
                c,
                "/children",
                &[
                    ("given_name", given),
                    ("family_name", "Petrova"),
                    ("birth_date", birth),
                    ("school_id", &school),
                    ("category", ""),
                    ("passport_expires", passport),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        r.headers()["location"].to_str().unwrap().to_string()
    }

    pub async fn upload(
        &self,
        c: &reqwest::Client,
        child: &str,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let csrf = self.csrf(c, child).await;
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        c.post(self.url(&format!("{child}/documents?csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Changes the database behind the service's back (through its writer:
    /// reads are read-only on SQLite).
    #[allow(dead_code)]
    pub async fn execute(&self, sql: &'static str) {
        let mut tx = self.db.begin_write().await.unwrap();
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Closes applications and enters the beacon's value through the
    /// coordinator's pages.
    pub async fn close_applications(&self, coordinator: &reqwest::Client, programme: i64) {
        let r = self
            .post(
                coordinator,
                &format!("/coordinator/programmes/{programme}/close"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(
            !r.headers()["location"].to_str().unwrap().contains("error="),
            "{:?}",
            r.headers()["location"]
        );
        let r = self
            .post(
                coordinator,
                &format!("/coordinator/programmes/{programme}/beacon"),
                &[("value", &BEACON.to_hex())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(self.db.pool()).await.unwrap();
        n
    }
}

/// Closes applications (the inputs freeze) and enters a beacon value, as
/// the coordinator does, from the command line; what has happened already
/// is left as it is.
pub async fn close_and_draw(db: &Db, programme: i64) {
    use smena::allocation::lottery;
    let (status, beacon): (String, Option<String>) =
        sqlx::query_as("SELECT status, beacon_hex FROM programmes WHERE id = $1")
            .bind(programme)
            .fetch_one(db.pool())
            .await
            .unwrap();
    if status == "open" {
        let on = (Action::Update, Resource::Programme);
        db.write(Actor::CommandLine, on, async |c| {
            lottery::close(c, programme, now_ms(), None).await
        })
        .await
        .unwrap()
        .unwrap();
        db.write(Actor::CommandLine, on, async |c| {
            lottery::freeze(c, db, programme).await
        })
        .await
        .unwrap();
    }
    if beacon.is_none() {
        db.write(
            Actor::CommandLine,
            (Action::Update, Resource::Programme),
            async |c| lottery::enter_beacon(c, programme, &BEACON).await,
        )
        .await
        .unwrap();
    }
}

/// The beacon value the tests enter.
pub const BEACON: smena_engine::Beacon = smena_engine::Beacon::from_bytes([0x42; 32]);

/// A final run of the programme, made from the command line (closing
/// applications and entering the beacon first); its id.
pub async fn final_run(db: &Db, programme: i64) -> i64 {
    close_and_draw(db, programme).await;
    let request = runs::RunRequest {
        kind: RunKind::Final,
        label: "Final",
        overrides: &runs::Overrides::default(),
    };
    runs::run(db, Actor::CommandLine, programme, &request)
        .await
        .unwrap()
}

/// Publishes a run from the command line.
pub async fn publish(db: &Db, programme: i64, run: i64) {
    db.write(
        Actor::CommandLine,
        (Action::Publish, Resource::Allocation),
        async |c| offers::publish(c, "http://test", programme, run).await,
    )
    .await
    .unwrap();
}

pub async fn programme_id(app: &TestApp) -> i64 {
    // The demo's summer programme when the journey's is there too; else
    // the first created.
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM programmes ORDER BY CASE WHEN code = 'SKH27' THEN 0 ELSE 1 END, created_at, id LIMIT 1",
    )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    id
}

/// The demo parent's child whose application is submitted (the family's
/// daughter; the son's is a draft).
#[allow(dead_code)]
pub struct DemoChild {
    pub child: i64,
    pub application: i64,
    pub reference: String,
    pub given_name: String,
}

#[allow(dead_code)]
pub async fn demo_submitted(app: &TestApp) -> DemoChild {
    let (child, application, reference, given_name): (i64, i64, String, String) = sqlx::query_as(
        "SELECT c.id, a.id, a.reference, c.given_name FROM children c JOIN accounts g ON g.id = c.guardian_id \
         JOIN applications a ON a.child_id = c.id WHERE g.email = 'parent@demo.smena' AND a.status = 'submitted'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    DemoChild {
        child,
        application,
        reference,
        given_name,
    }
}

/// The demo after publication with every place of its fullest session
/// accepted, four children per adult (groups of eight at most) and no
/// chaperone on a whole session: (session, its camp, places accepted).
#[allow(dead_code)]
pub async fn fullest_session_accepted(app: &TestApp) -> (i64, i64, i64) {
    smena::scenario::demo::load(&app.db, &app.files)
        .await
        .unwrap();
    let programme = programme_id(app).await;
    let run = final_run(&app.db, programme).await;
    publish(&app.db, programme, run).await;
    let (session, camp, accepted): (i64, i64, i64) = sqlx::query_as(
        "SELECT o.session_id, s.camp_id, COUNT(*) FROM offers o JOIN sessions s ON s.id = o.session_id \
         GROUP BY o.session_id, s.camp_id ORDER BY COUNT(*) DESC, o.session_id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(accepted > 8, "{accepted}");
    let mut tx = app.db.begin_write().await.unwrap();
    sqlx::query("UPDATE offers SET status = 'accepted' WHERE session_id = $1")
        .bind(session)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE programmes SET children_per_adult = 4")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (session, camp, accepted)
}

/// Forms `session`'s travel groups as the coordinator and assigns the demo
/// chaperone to the first: (first group, second group).
#[allow(dead_code)]
pub async fn groups_with_chaperone(
    app: &TestApp,
    coordinator: &reqwest::Client,
    session: i64,
) -> (i64, i64) {
    let groups = format!("/coordinator/sessions/{session}/groups");
    app.post(coordinator, &groups, &[("action", "form")]).await;
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM travel_groups WHERE session_id = $1 ORDER BY number")
            .bind(session)
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let (chaperone,): (i64,) =
        sqlx::query_as("SELECT id FROM accounts WHERE email = 'chaperone@demo.smena'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let r = app
        .post(
            coordinator,
            &groups,
            &[
                ("action", "assign"),
                ("group", &ids[0].0.to_string()),
                ("account", &chaperone.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (ids[0].0, ids[1].0)
}

/// A flight from Yakutsk to Vladivostok on 1 July 2027 for `group`, added
/// by the coordinator; and every child ready to depart (no document
/// required, no visa, passports valid long enough). Returns the leg's id.
pub async fn ready_to_fly(app: &TestApp, coordinator: &reqwest::Client, group: i64) -> i64 {
    let r = app
        .post(
            coordinator,
            &format!("/coordinator/groups/{group}/legs"),
            &[
                ("action", "add"),
                ("kind", "flight"),
                ("carrier", "Якутия"),
                ("number", "R3 479"),
                ("from_place", "Якутск"),
                ("to_place", "Владивосток"),
                ("departs_on", "2027-07-01"),
                ("departs_time", "08:30"),
                ("departs_zone", "Asia/Yakutsk"),
                ("arrives_on", "2027-07-01"),
                ("arrives_time", "12:50"),
                ("arrives_zone", "Asia/Vladivostok"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.execute("DELETE FROM required_documents").await;
    app.execute("UPDATE camps SET entry_document = NULL").await;
    app.execute("UPDATE children SET passport_expires = '2035-01-01'")
        .await;
    let (leg,): (i64,) = sqlx::query_as("SELECT id FROM legs WHERE group_id = $1")
        .bind(group)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    leg
}

/// The text a reader sees on a page, without the markup (each tag a space).
pub fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text
}

/// A PDF the service sent, looked at: pdftoppm draws every page as a PNG
/// (none blank), and pdftotext's reading comes back without white space
/// (typst breaks lines where it likes).
#[allow(dead_code)]
pub fn look_at_pdf(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paper.pdf");
    std::fs::write(&file, bytes).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "50"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm runs (apt-get install poppler-utils)");
    assert!(status.success(), "pdftoppm failed");
    let pages: Vec<u64> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .map(|e| e.metadata().unwrap().len())
        .collect();
    assert!(!pages.is_empty(), "no page drawn");
    assert!(pages.iter().all(|&n| n > 2_000), "a blank page: {pages:?}");
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect()
}
