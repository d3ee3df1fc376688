//! Accounts in the database.

use sqlx::Row as _;

use crate::store::{Db, new_id, now_ms, random_token, token_hash};
use crate::web::policy::Role;

pub struct Account {
    pub id: i64,
    pub role: String,
    pub full_name: String,
    pub password_hash: String,
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub full_name: &'a str,
    pub verified: bool,
    pub school_id: Option<i64>,
    pub camp_id: Option<i64>,
}

const SELECT: &str = "SELECT id, role, full_name, password_hash FROM accounts WHERE email = $1";

fn account(row: sqlx::any::AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get("id")?,
        role: row.try_get("role")?,
        full_name: row.try_get("full_name")?,
        password_hash: row.try_get("password_hash")?,
    })
}

pub async fn by_email(db: &Db, email: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query(SELECT)
        .bind(email)
        .fetch_optional(db.pool())
        .await?
        .map(account)
        .transpose()
}

pub async fn by_email_in(
    tx: &mut crate::store::WriteTx,
    email: &str,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query(SELECT)
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?
        .map(account)
        .transpose()
}

pub async fn create(
    tx: &mut crate::store::WriteTx,
    a: &NewAccount<'_>,
) -> Result<i64, sqlx::Error> {
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, role, full_name, language, email_verified_at, \
                               school_id, camp_id, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, 'en', $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(a.email)
    .bind(a.password_hash)
    .bind(a.role.as_str())
    .bind(a.full_name)
    .bind(a.verified.then_some(now))
    .bind(a.school_id)
    .bind(a.camp_id)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A one-time link token for `purpose`, valid for `ttl_ms`.
pub async fn issue_token(
    tx: &mut crate::store::WriteTx,
    account: i64,
    purpose: &str,
    ttl_ms: i64,
) -> Result<String, sqlx::Error> {
    let token = random_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(account)
    .bind(purpose)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// Uses a one-time token: the account it was for, if it is valid, unused and
/// for this purpose. It cannot be used again.
pub async fn use_token(
    tx: &mut crate::store::WriteTx,
    token: &str,
    purpose: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_ms();
    let row = sqlx::query(
        "UPDATE one_time_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4 \
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(purpose)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get("account_id")).transpose()
}

/// Sets a new password and closes every login session of the account.
pub async fn set_password(
    tx: &mut crate::store::WriteTx,
    account: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms())
        .bind(account)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM login_sessions WHERE account_id = $1")
        .bind(account)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
