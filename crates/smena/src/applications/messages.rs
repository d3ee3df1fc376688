//! A family and the coordinators write to each other about an application
//! (as a Gosuslugi request has its correspondence): the thread is shown on
//! the application's page, each message is e-mailed to the other side in
//! its language, and the coordinators see the questions waiting for an
//! answer. Messages go with the application when its programme is purged.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::apply::load;
use crate::domain::access::{Action, Resource, Role, Scope};
use crate::language::Language;
use crate::store::{Db, Mail, new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::authorize;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/applications/{id}/messages",
            Access::Policy(Action::Create, Resource::Message),
            send,
        )
        .get(
            "/coordinator/messages",
            Access::Within(Action::Read, Resource::Application, Scope::All),
            waiting,
        )
}

/// Longest message, in characters.
pub const MAX_CHARS: usize = 2000;

/// One message of a thread.
#[derive(sqlx::FromRow)]
pub struct Message {
    pub author: String,
    pub from_family: i64,
    pub body: String,
    pub created_at: i64,
}

/// An application's thread, oldest first.
pub async fn thread(db: &Db, application: i64) -> Result<Vec<Message>, sqlx::Error> {
    sqlx::query_as(
        "SELECT COALESCE(a.full_name, '') AS author, m.from_family, m.body, m.created_at FROM application_messages m \
         LEFT JOIN accounts a ON a.id = m.author_id WHERE m.application_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(application)
    .fetch_all(db.pool())
    .await
}

/// A message as typed: trimmed, line breaks kept, not empty, not too long,
/// no other control characters; else the problem's Fluent key.
fn parse(typed: &str) -> Result<String, &'static str> {
    let text = typed.trim().replace("\r\n", "\n").replace('\r', "\n");
    if text.is_empty() {
        return Err("message-empty");
    }
    if text.chars().count() > MAX_CHARS {
        return Err("message-long");
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("message-characters");
    }
    Ok(text)
}

#[derive(Deserialize)]
struct MessageForm {
    #[serde(default)]
    body: String,
}

async fn send(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<MessageForm>,
) -> AppResult<Response> {
    let (application, child, _) = load(&state, &user, Action::Read, id).await?;
    // The child's guardian, or a coordinator; anyone else who can read the
    // application (a school, a camp) does not write here.
    let from_family = child.guardian_id == user.id;
    if !from_family && user.role != Role::Coordinator {
        return Err(AppError::NotFound);
    }
    let body = match parse(&form.body) {
        Ok(body) => body,
        // Back to the application, the problem shown and the message as
        // typed (a long one is not lost).
        Err(key) => {
            let problem = visitor
                .language
                .text_with(key, &[("n", &MAX_CHARS.to_string())]);
            let feedback = super::apply::Feedback {
                errors: vec![problem],
                message: Some(form.body.clone()),
                ..Default::default()
            };
            let page =
                super::apply::page(&state, &user, &visitor, application, child, feedback).await?;
            return Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let permit = authorize(&user, Action::Create, Resource::Message)?;
    let base = &state.config.base_url;
    let reference = application.reference.clone().unwrap_or_default();
    state
        .write(&permit, async |c| {
            sqlx::query(
                "INSERT INTO application_messages (id, application_id, author_id, from_family, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(new_id())
            .bind(id)
            .bind(user.id)
            .bind(i64::from(from_family))
            .bind(&body)
            .bind(now_ms())
            .execute(&mut **c)
            .await?;
            // Who wrote is in the entry; what was written is not.
            c.audit(Some(id), if from_family { "family_wrote" } else { "coordinator_answered" });
            let readers: Vec<(String, String, Language)> = if from_family {
                crate::accounts::coordinators(c).await?
            } else {
                sqlx::query_as(
                    "SELECT email, full_name, language FROM accounts WHERE id = $1",
                )
                .bind(child.guardian_id)
                .fetch_all(&mut **c)
                .await?
            };
            for (email, full_name, lang) in readers {
                let (subject, letter) = if from_family {
                    ("email-message-family-subject", "email-message-family-body")
                } else {
                    ("email-message-answer-subject", "email-message-answer-body")
                };
                c.send(Mail {
                    to: email,
                    kind: "application_message",
                    subject: lang.text_with(subject, &[("reference", &reference)]),
                    body: lang.letter(
                        Some(&full_name),
                        letter,
                        &[
                            ("child", &child.given_name),
                            ("reference", &reference),
                            ("message", &body),
                            ("link", &format!("{base}/applications/{id}#messages")),
                        ],
                    ),
                    secret: None,
                });
            }
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/applications/{id}#messages")).into_response())
}

/// An application whose last message is a family's, waiting for an answer.
#[derive(sqlx::FromRow)]
pub struct Waiting {
    pub application: i64,
    pub reference: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "applications/messages.html")]
struct WaitingPage {
    nav: Nav,
    waiting: Vec<Waiting>,
}

async fn waiting(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<WaitingPage> {
    if user.role != Role::Coordinator {
        return Err(AppError::NotFound);
    }
    let waiting = sqlx::query_as(
        "SELECT m.application_id AS application, a.reference, c.given_name, c.family_name, m.body, m.created_at \
         FROM application_messages m JOIN applications a ON a.id = m.application_id JOIN children c ON c.id = a.child_id \
         WHERE m.from_family = 1 AND NOT EXISTS (SELECT 1 FROM application_messages n \
           WHERE n.application_id = m.application_id AND (n.created_at > m.created_at \
             OR (n.created_at = m.created_at AND n.id > m.id))) \
         ORDER BY m.created_at LIMIT 200",
    )
    .fetch_all(state.db.pool())
    .await?;
    Ok(WaitingPage {
        nav: Nav::from(&visitor),
        waiting,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn messages_are_read_as_typed() {
        assert_eq!(
            parse("  Здравствуйте!\r\nВопрос.  "),
            Ok("Здравствуйте!\nВопрос.".to_string())
        );
        assert_eq!(parse(" \n "), Err("message-empty"));
        assert_eq!(parse(&"я".repeat(2001)), Err("message-long"));
        assert_eq!(parse("bell\u{7}"), Err("message-characters"));
    }
}
