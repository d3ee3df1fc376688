//! Accounts in the database.

use sqlx::AnyConnection;

use crate::domain::access::{Action, Resource, Role};
use crate::language::Language;
use crate::store::{Change, Db, new_id, now_ms, random_token, token_hash};

#[derive(sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub role: Role,
    pub full_name: String,
    pub password_hash: String,
    pub language: Language,
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub full_name: &'a str,
    pub language: Language,
    pub verified: bool,
    pub school_id: Option<i64>,
    pub camp_id: Option<i64>,
}

const BY_EMAIL: &str =
    "SELECT id, role, full_name, password_hash, language FROM accounts WHERE email = $1";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(BY_EMAIL)
        .bind(email)
        .fetch_optional(db.pool())
        .await
}

/// The account with this address, read inside a change.
pub async fn by_email_in(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(BY_EMAIL)
        .bind(email)
        .fetch_optional(conn)
        .await
}

/// Creates an account; its id.
pub async fn create(c: &mut Change, a: &NewAccount<'_>) -> Result<i64, sqlx::Error> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, role, full_name, language, email_verified_at, \
                               school_id, camp_id, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(a.email)
    .bind(a.password_hash)
    .bind(a.role)
    .bind(a.full_name)
    .bind(a.language)
    .bind(a.verified.then_some(now))
    .bind(a.school_id)
    .bind(a.camp_id)
    .bind(now)
    .bind(now)
    .execute(&mut **c)
    .await?;
    c.audit_as(Action::Create, Resource::Account, Some(id), a.role.code());
    Ok(id)
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// A one-time link token for `purpose`, valid for `ttl_ms`.
pub async fn issue_token(
    c: &mut Change,
    account: i64,
    purpose: Purpose,
    ttl_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(account)
    .bind(purpose.code())
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut **c)
    .await?;
    Ok(token)
}

/// Whether a one-time token is valid, unused and for this purpose (read
/// only: [`use_token`] takes it).
pub async fn token_valid(db: &Db, token: &str, purpose: Purpose) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT account_id FROM one_time_tokens \
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash(token))
    .bind(purpose.code())
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// Uses a one-time token: the account it was for, if it is valid, unused and
/// for this purpose. It cannot be used again.
pub async fn use_token(
    c: &mut Change,
    token: &str,
    purpose: Purpose,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_ms();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE one_time_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4 \
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(purpose.code())
    .bind(now)
    .fetch_optional(&mut **c)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Sets a new password and ends every login of the account.
pub async fn set_password(c: &mut Change, account: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms())
        .bind(account)
        .execute(&mut **c)
        .await?;
    crate::web::login::end_all(c, account).await
}

/// Sets the language an account reads (pages after login, e-mail).
pub async fn set_language(
    c: &mut Change,
    account: i64,
    language: Language,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET language = $1, language_chosen = 1 WHERE id = $2")
        .bind(language)
        .bind(account)
        .execute(&mut **c)
        .await?;
    Ok(())
}
