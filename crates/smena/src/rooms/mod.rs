//! Rooms at the host camp: the camp describes its rooms (name, floor,
//! beds, girls' or boys'), Smena assigns each session's children to them
//! (`assigning`: beds, sex and the camp's age spread hold; as many mutual
//! friend requests and siblings as possible share a room) and the camp
//! moves children by hand. Families name friends by their application
//! reference; a request counts only when both name each other.

pub mod assigning;

use std::collections::{HashMap, HashSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::access::{Action, Resource, Scope};
use crate::domain::states::OfferStatus;
use crate::domain::values::{Day, Sex};
use crate::store::{new_id, now_ms};
use crate::web::AppState;
use crate::web::error::{AppError, AppResult};
use crate::web::login::{User, Visitor};
use crate::web::page::Nav;
use crate::web::policy::{Permit, authorize};
use crate::web::routes::{Access, Routes};
use assigning::{Room, Sleeper};

pub fn router() -> Routes {
    let update = || Access::Policy(Action::Update, Resource::Room);
    let request = || Access::Policy(Action::Create, Resource::RoomRequest);
    Routes::new()
        .get("/camp/rooms", update(), rooms_page)
        .post("/camp/rooms", update(), add_room)
        .post("/camp/rooms/remove", update(), remove_room)
        .post("/camp/rooms/spread", update(), set_spread)
        .get(
            "/sessions/{id}/rooms",
            Access::Policy(Action::Read, Resource::Room),
            session_page,
        )
        .post("/sessions/{id}/rooms/assign", update(), assign)
        .post("/sessions/{id}/rooms/move", update(), move_child)
        .get("/applications/{id}/room-friends", request(), friends_page)
        .post("/applications/{id}/room-friends", request(), change_friends)
}

/// The most friends a family may name for one child.
pub const MOST_FRIENDS: usize = 3;
/// The most beds a room may have, and rooms a camp may describe.
const MOST_BEDS: i32 = 40;
const MOST_ROOMS: i64 = 1000;

/// The camp of a camp's staff; anyone else is refused as not found.
fn camp_of(user: &User, permit: &Permit) -> AppResult<i64> {
    match permit.scope() {
        Scope::Camp => user.camp_id.ok_or(AppError::NotFound),
        _ => Err(AppError::NotFound),
    }
}

#[derive(sqlx::FromRow)]
pub struct RoomLine {
    pub id: i64,
    pub name: String,
    pub floor: i32,
    pub beds: i32,
    pub sex: String,
    pub placed: i64,
}

#[derive(sqlx::FromRow)]
pub struct CampSession {
    pub id: i64,
    pub code: String,
    pub starts: Day,
    pub ends: Day,
}

#[derive(Default)]
pub struct RoomInput {
    pub name: String,
    pub floor: String,
    pub beds: String,
    pub sex: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rooms/rooms.html")]
pub struct RoomsPage {
    nav: Nav,
    camp: String,
    rooms: Vec<RoomLine>,
    sessions: Vec<CampSession>,
    spread: i32,
    input: RoomInput,
    /// (field, problem) of the last form sent.
    error: Option<(&'static str, String)>,
}

async fn render_rooms(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    input: RoomInput,
    error: Option<(&'static str, String)>,
) -> AppResult<RoomsPage> {
    let permit = authorize(user, Action::Update, Resource::Room)?;
    let camp = camp_of(user, &permit)?;
    let (name, spread): (String, i32) =
        sqlx::query_as("SELECT name, room_age_spread FROM camps WHERE id = $1")
            .bind(camp)
            .fetch_optional(state.db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
    let rooms = sqlx::query_as(
        "SELECT r.id, r.name, r.floor, r.beds, r.sex, \
                (SELECT COUNT(*) FROM room_places p WHERE p.room_id = r.id) AS placed \
         FROM rooms r WHERE r.camp_id = $1 ORDER BY r.floor, r.name",
    )
    .bind(camp)
    .fetch_all(state.db.pool())
    .await?;
    let sessions = sqlx::query_as(
        "SELECT id, code, starts, ends FROM sessions WHERE camp_id = $1 ORDER BY starts, code",
    )
    .bind(camp)
    .fetch_all(state.db.pool())
    .await?;
    Ok(RoomsPage {
        nav: Nav::from(visitor),
        camp: name,
        rooms,
        sessions,
        spread,
        input,
        error,
    })
}

async fn rooms_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
) -> AppResult<RoomsPage> {
    render_rooms(&state, &user, &visitor, RoomInput::default(), None).await
}

#[derive(Deserialize)]
struct RoomForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    floor: String,
    #[serde(default)]
    beds: String,
    #[serde(default)]
    sex: String,
}

/// A room as typed, parsed: name, floor, beds, sex; or the field that is
/// wrong and the Fluent text saying why.
fn parse_room(form: &RoomForm) -> Result<(String, i32, i32, Sex), (&'static str, &'static str)> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(("name", "rooms-name-problem"));
    }
    let floor = form
        .floor
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|f| (-5..=100).contains(f))
        .ok_or(("floor", "rooms-floor-problem"))?;
    let beds = form
        .beds
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|b| (1..=MOST_BEDS).contains(b))
        .ok_or(("beds", "rooms-beds-problem"))?;
    let sex = Sex::parse(form.sex.trim()).ok_or(("sex", "rooms-sex-problem"))?;
    Ok((name.to_string(), floor, beds, sex))
}

async fn add_room(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<RoomForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Room)?;
    let camp = camp_of(&user, &permit)?;
    let input = RoomInput {
        name: form.name.clone(),
        floor: form.floor.clone(),
        beds: form.beds.clone(),
        sex: form.sex.clone(),
    };
    let refuse = async |input, field, key: &str| -> AppResult<Response> {
        let problem = visitor.language.text(key);
        let page = render_rooms(&state, &user, &visitor, input, Some((field, problem))).await?;
        Ok((StatusCode::BAD_REQUEST, page).into_response())
    };
    let (name, floor, beds, sex) = match parse_room(&form) {
        Ok(room) => room,
        Err((field, key)) => return refuse(input, field, key).await,
    };
    let added = state
        .write(&permit, async |c| {
            let (n, taken): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN name = $2 THEN 1 ELSE 0 END), 0) FROM rooms WHERE camp_id = $1",
            )
            .bind(camp)
            .bind(&name)
            .fetch_one(&mut **c)
            .await?;
            if taken > 0 || n >= MOST_ROOMS {
                c.unchanged();
                return Ok(false);
            }
            let id = new_id();
            sqlx::query(
                "INSERT INTO rooms (id, camp_id, name, floor, beds, sex) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(camp)
            .bind(&name)
            .bind(floor)
            .bind(beds)
            .bind(sex.code())
            .execute(&mut **c)
            .await?;
            c.audit(Some(id), format!("room {name}: floor {floor}, {beds} beds, {}", sex.code()));
            Ok(true)
        })
        .await?;
    if !added {
        return refuse(input, "name", "rooms-name-taken").await;
    }
    Ok(Redirect::to("/camp/rooms").into_response())
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    room: String,
}

/// Removes a room nobody sleeps in (a placed child keeps the room).
async fn remove_room(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<RemoveForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Room)?;
    let camp = camp_of(&user, &permit)?;
    let room = form
        .room
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::Invalid("rooms-choose", vec![]))?;
    let removed = state
        .write(&permit, async |c| {
            let done = c
                .transition(
                    sqlx::query(
                        "DELETE FROM rooms WHERE id = $1 AND camp_id = $2 \
                         AND NOT EXISTS (SELECT 1 FROM room_places p WHERE p.room_id = $1)",
                    )
                    .bind(room)
                    .bind(camp),
                )
                .await?;
            if done {
                c.audit(Some(room), "room removed");
            } else {
                c.unchanged();
            }
            Ok(done)
        })
        .await?;
    if !removed {
        let problem = visitor.language.text("rooms-remove-problem");
        let page = render_rooms(
            &state,
            &user,
            &visitor,
            RoomInput::default(),
            Some(("remove", problem)),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    Ok(Redirect::to("/camp/rooms").into_response())
}

#[derive(Deserialize)]
struct SpreadForm {
    #[serde(default)]
    spread: String,
}

async fn set_spread(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Form(form): Form<SpreadForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Room)?;
    let camp = camp_of(&user, &permit)?;
    let Some(spread) = form
        .spread
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (0..=10).contains(y))
    else {
        let problem = visitor.language.text("rooms-spread-problem");
        let page = render_rooms(
            &state,
            &user,
            &visitor,
            RoomInput::default(),
            Some(("spread", problem)),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    state
        .write(&permit, async |c| {
            sqlx::query("UPDATE camps SET room_age_spread = $1 WHERE id = $2")
                .bind(spread)
                .bind(camp)
                .execute(&mut **c)
                .await?;
            c.audit(Some(camp), format!("age spread in a room: {spread} years"));
            Ok(())
        })
        .await?;
    Ok(Redirect::to("/camp/rooms").into_response())
}

/// A child of the session, as the rooms page shows them.
#[derive(sqlx::FromRow)]
struct ChildRow {
    application: i64,
    reference: Option<String>,
    given_name: String,
    family_name: String,
    sex: Option<String>,
    birth_date: Day,
    guardian_id: i64,
    room: Option<i64>,
}

pub struct Child {
    pub application: i64,
    pub name: String,
    pub age: u32,
    pub sex: Option<Sex>,
    /// Names of those this child wished to share with (mutual friends and
    /// siblings), each with whether they share the room.
    pub wishes: Vec<(String, bool)>,
}

impl Child {
    /// The code of the rooms this child may sleep in ("" if the sex is not
    /// given: none).
    pub fn sex_code(&self) -> &'static str {
        self.sex.map(Sex::code).unwrap_or("")
    }
}

pub struct PlacedRoom {
    pub id: i64,
    pub name: String,
    pub floor: i32,
    pub beds: i32,
    pub sex: String,
    pub children: Vec<Child>,
    /// The room's children are born further apart than the camp's spread.
    pub too_far_apart: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "rooms/session.html")]
pub struct SessionPage {
    nav: Nav,
    id: i64,
    code: String,
    may_edit: bool,
    spread: i32,
    rooms: Vec<PlacedRoom>,
    unplaced: Vec<Child>,
    honoured: usize,
    wished: usize,
    error: Option<String>,
}

/// What the assignment of one session needs: its children, the camp's
/// rooms, the wished pairs, the spread in years.
struct Session {
    code: String,
    starts: Day,
    spread: i32,
    children: Vec<ChildRow>,
    rooms: Vec<RoomLine>,
    /// (application, application, siblings?)
    pairs: Vec<(i64, i64, bool)>,
}

/// The session if `permit` reaches it: the camp's own sessions for its
/// staff, every session for the coordinator. Others: not found, audited.
async fn reach(state: &AppState, user: &User, permit: &Permit, session: i64) -> AppResult<Session> {
    let found: Option<(String, Day, i64, i32)> = sqlx::query_as(
        "SELECT s.code, s.starts, s.camp_id, c.room_age_spread FROM sessions s JOIN camps c ON c.id = s.camp_id WHERE s.id = $1",
    )
    .bind(session)
    .fetch_optional(state.db.pool())
    .await?;
    let (code, starts, camp, spread) = match found {
        Some(f) if permit.scope() == Scope::All || user.camp_id == Some(f.2) => f,
        _ => {
            return state
                .denied(user, permit.on().0, Resource::Room, Some(session))
                .await;
        }
    };
    let children: Vec<ChildRow> = sqlx::query_as(
        "SELECT a.id AS application, a.reference, c.given_name, c.family_name, c.sex, c.birth_date, c.guardian_id, p.room_id AS room \
         FROM offers o JOIN applications a ON a.id = o.application_id JOIN children c ON c.id = a.child_id \
         LEFT JOIN room_places p ON p.session_id = o.session_id AND p.application_id = a.id \
         WHERE o.session_id = $1 AND o.status = $2 ORDER BY c.family_name, c.given_name, a.id",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let rooms = sqlx::query_as(
        "SELECT r.id, r.name, r.floor, r.beds, r.sex, \
                (SELECT COUNT(*) FROM room_places p WHERE p.room_id = r.id AND p.session_id = $2) AS placed \
         FROM rooms r WHERE r.camp_id = $1 ORDER BY r.floor, r.name",
    )
    .bind(camp)
    .bind(session)
    .fetch_all(state.db.pool())
    .await?;
    let requests: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.application_id, r.friend_reference FROM room_requests r \
         JOIN offers o ON o.application_id = r.application_id WHERE o.session_id = $1 AND o.status = $2",
    )
    .bind(session)
    .bind(OfferStatus::Accepted)
    .fetch_all(state.db.pool())
    .await?;
    let pairs = mutual_and_siblings(&children, &requests);
    Ok(Session {
        code,
        starts,
        spread,
        children,
        rooms,
        pairs,
    })
}

/// Mutual friend requests and siblings (children of one guardian), each
/// pair once.
fn mutual_and_siblings(children: &[ChildRow], requests: &[(i64, String)]) -> Vec<(i64, i64, bool)> {
    let by_reference: HashMap<&str, i64> = children
        .iter()
        .filter_map(|c| Some((c.reference.as_deref()?, c.application)))
        .collect();
    let asked: HashSet<(i64, i64)> = requests
        .iter()
        .filter_map(|(from, to)| Some((*from, *by_reference.get(to.as_str())?)))
        .collect();
    let mut pairs: Vec<(i64, i64, bool)> = asked
        .iter()
        .filter(|(a, b)| a < b && asked.contains(&(*b, *a)))
        .map(|&(a, b)| (a, b, false))
        .collect();
    for (i, a) in children.iter().enumerate() {
        for b in &children[i + 1..] {
            if a.guardian_id == b.guardian_id {
                let (x, y) = (
                    a.application.min(b.application),
                    a.application.max(b.application),
                );
                if !pairs.iter().any(|p| (p.0, p.1) == (x, y)) {
                    pairs.push((x, y, true));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Days a spread of `years` allows between two birth dates.
fn spread_days(years: i32) -> i64 {
    let years = i64::from(years.max(0));
    years * 365 + (years + 3) / 4
}

fn sleepers(session: &Session) -> Vec<Sleeper> {
    session
        .children
        .iter()
        .map(|c| Sleeper {
            id: c.application,
            sex: c.sex.as_deref().and_then(Sex::parse),
            born: i64::from(c.birth_date.date().to_julian_day()),
        })
        .collect()
}

async fn render_session(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    error: Option<String>,
) -> AppResult<SessionPage> {
    let permit = authorize(user, Action::Read, Resource::Room)?;
    let session = reach(state, user, &permit, id).await?;
    let may_edit = authorize(user, Action::Update, Resource::Room).is_ok();
    let name_of: HashMap<i64, String> = session
        .children
        .iter()
        .map(|c| (c.application, format!("{} {}", c.family_name, c.given_name)))
        .collect();
    let room_of: HashMap<i64, i64> = session
        .children
        .iter()
        .filter_map(|c| Some((c.application, c.room?)))
        .collect();
    let pairs: Vec<(i64, i64)> = session.pairs.iter().map(|p| (p.0, p.1)).collect();
    let honoured = assigning::honoured(&room_of, &pairs);
    let limit = spread_days(session.spread);
    let mut rooms: Vec<PlacedRoom> = session
        .rooms
        .iter()
        .map(|r| PlacedRoom {
            id: r.id,
            name: r.name.clone(),
            floor: r.floor,
            beds: r.beds,
            sex: r.sex.clone(),
            children: Vec::new(),
            too_far_apart: false,
        })
        .collect();
    let mut unplaced = Vec::new();
    let mut born: HashMap<i64, (i64, i64)> = HashMap::new();
    for c in &session.children {
        let wishes = session
            .pairs
            .iter()
            .filter_map(|&(a, b, _)| {
                let other = if a == c.application {
                    b
                } else if b == c.application {
                    a
                } else {
                    return None;
                };
                let together = room_of.contains_key(&a) && room_of.get(&a) == room_of.get(&b);
                Some((name_of.get(&other).cloned().unwrap_or_default(), together))
            })
            .collect();
        let child = Child {
            application: c.application,
            name: format!("{} {}", c.family_name, c.given_name),
            age: smena_engine::age_on(c.birth_date.date(), session.starts.date()),
            sex: c.sex.as_deref().and_then(Sex::parse),
            wishes,
        };
        match c.room.and_then(|r| rooms.iter_mut().find(|x| x.id == r)) {
            Some(room) => {
                let day = i64::from(c.birth_date.date().to_julian_day());
                let span = born.entry(room.id).or_insert((day, day));
                *span = (span.0.min(day), span.1.max(day));
                room.too_far_apart = span.1 - span.0 > limit;
                room.children.push(child);
            }
            None => unplaced.push(child),
        }
    }
    if may_edit || permit.scope() == Scope::All {
        state
            .record(&permit, Some(id), "rooms of the session")
            .await?;
    }
    Ok(SessionPage {
        nav: Nav::from(visitor),
        id,
        code: session.code,
        may_edit,
        spread: session.spread,
        rooms,
        unplaced,
        honoured,
        wished: pairs.len(),
        error,
    })
}

async fn session_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<SessionPage> {
    render_session(&state, &user, &visitor, id, None).await
}

/// Assigns every child of the session afresh (the camp's earlier edits
/// are replaced): the solver runs off the request's thread.
async fn assign(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Room)?;
    let session = reach(&state, &user, &permit, id).await?;
    let sleepers = sleepers(&session);
    let rooms: Vec<Room> = session
        .rooms
        .iter()
        .filter_map(|r| {
            Some(Room {
                id: r.id,
                beds: u32::try_from(r.beds).ok()?,
                sex: Sex::parse(&r.sex)?,
            })
        })
        .collect();
    let pairs: Vec<(i64, i64)> = session.pairs.iter().map(|p| (p.0, p.1)).collect();
    let limit = spread_days(session.spread);
    let result =
        tokio::task::spawn_blocking(move || assigning::assign(&sleepers, &rooms, &pairs, limit))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("room assignment failed: {e}")))?;
    state
        .write(&permit, async |c| {
            sqlx::query("DELETE FROM room_places WHERE session_id = $1")
                .bind(id)
                .execute(&mut **c)
                .await?;
            let now = now_ms();
            for (application, room) in &result.places {
                sqlx::query(
                    "INSERT INTO room_places (session_id, application_id, room_id, placed_by, placed_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(application)
                .bind(room)
                .bind(user.id)
                .bind(now)
                .execute(&mut **c)
                .await?;
            }
            c.audit(
                Some(id),
                format!(
                    "rooms assigned: {} placed, {} not placed, {} of {} wished pairs together{}",
                    result.places.len(),
                    result.unplaced.len(),
                    result.honoured,
                    result.wished,
                    if result.proven { "" } else { " (best found in the time allowed)" }
                ),
            );
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/sessions/{id}/rooms")).into_response())
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    application: String,
    /// A room's id, or empty for "no room".
    #[serde(default)]
    room: String,
}

/// Moves one child of the session to another room (or out of any): the
/// room must be the child's sex and have a free bed.
async fn move_child(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let permit = authorize(&user, Action::Update, Resource::Room)?;
    let session = reach(&state, &user, &permit, id).await?;
    let child = form
        .application
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|a| session.children.iter().find(|c| c.application == a))
        .ok_or(AppError::Invalid("rooms-choose", vec![]))?;
    let application = child.application;
    let target = match form.room.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<i64>()
                .ok()
                .and_then(|r| session.rooms.iter().find(|x| x.id == r))
                .ok_or(AppError::Invalid("rooms-choose", vec![]))?,
        ),
    };
    let problem = match target {
        Some(room) if Some(room.sex.as_str()) != child.sex.as_deref() => Some("rooms-move-sex"),
        _ => None,
    };
    let moved = match problem {
        Some(_) => false,
        None => {
            state
                .write(&permit, async |c| {
                    sqlx::query("DELETE FROM room_places WHERE session_id = $1 AND application_id = $2")
                        .bind(id)
                        .bind(application)
                        .execute(&mut **c)
                        .await?;
                    let Some(room) = target else {
                        c.audit(Some(application), "taken out of the rooms");
                        return Ok(true);
                    };
                    // A free bed, checked as the row goes in.
                    let placed = c
                        .transition(
                            sqlx::query(
                                "INSERT INTO room_places (session_id, application_id, room_id, placed_by, placed_at) \
                                 SELECT $1, $2, r.id, $4, $5 FROM rooms r WHERE r.id = $3 \
                                 AND (SELECT COUNT(*) FROM room_places p WHERE p.room_id = r.id AND p.session_id = $1) < r.beds",
                            )
                            .bind(id)
                            .bind(application)
                            .bind(room.id)
                            .bind(user.id)
                            .bind(now_ms()),
                        )
                        .await?;
                    if placed {
                        c.audit(Some(application), format!("moved to room {}", room.name));
                    } else {
                        c.unchanged();
                    }
                    Ok(placed)
                })
                .await?
        }
    };
    if !moved {
        let problem = visitor.language.text(problem.unwrap_or("rooms-move-full"));
        let page = render_session(&state, &user, &visitor, id, Some(problem)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    Ok(Redirect::to(&format!("/sessions/{id}/rooms#child-{application}")).into_response())
}

/// A reference as a family types it: any case, spaces, a dash of any kind
/// or none before the six digits ("skh27 000123" is `SKH27-000123`).
pub fn normalise_reference(typed: &str) -> Option<String> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let parts: Vec<&str> = plain
        .split([
            '-', '\u{2010}', '\u{2011}', '\u{2013}', '\u{2014}', '\u{2212}',
        ])
        .collect();
    let (code, number) = match parts.as_slice() {
        // No dash: the last six characters are the number.
        [both] => both.split_at_checked(both.len().checked_sub(6)?)?,
        [code, number] => (*code, *number),
        _ => return None,
    };
    let fits = (1..=20).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_alphanumeric())
        && number.len() == 6
        && number.chars().all(|c| c.is_ascii_digit());
    fits.then(|| format!("{code}-{number}"))
}

#[derive(Template, WebTemplate)]
#[template(path = "rooms/friends.html")]
pub struct FriendsPage {
    nav: Nav,
    id: i64,
    child: String,
    reference: String,
    /// (reference, whether that child named this one too).
    friends: Vec<(String, bool)>,
    typed: String,
    error: Option<String>,
}

/// The family's application, if the reader's and submitted: (child's name,
/// reference).
async fn own_application(
    state: &AppState,
    user: &User,
    id: i64,
) -> AppResult<(Permit, String, String)> {
    let permit = authorize(user, Action::Create, Resource::RoomRequest)?;
    let found: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT c.given_name, a.reference, c.guardian_id FROM applications a JOIN children c ON c.id = a.child_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    match found {
        Some((child, Some(reference), guardian))
            if permit.scope() == Scope::Own && guardian == user.id =>
        {
            Ok((permit, child, reference))
        }
        _ => {
            state
                .denied(user, Action::Create, Resource::RoomRequest, Some(id))
                .await
        }
    }
}

async fn render_friends(
    state: &AppState,
    user: &User,
    visitor: &Visitor,
    id: i64,
    typed: String,
    error: Option<String>,
) -> AppResult<FriendsPage> {
    let (_, child, reference) = own_application(state, user, id).await?;
    let friends: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.friend_reference, (SELECT COUNT(*) FROM room_requests back JOIN applications b ON b.id = back.application_id \
                                      WHERE b.reference = r.friend_reference AND back.friend_reference = $2) \
         FROM room_requests r WHERE r.application_id = $1 ORDER BY r.created_at, r.friend_reference",
    )
    .bind(id)
    .bind(&reference)
    .fetch_all(state.db.pool())
    .await?;
    Ok(FriendsPage {
        nav: Nav::from(visitor),
        id,
        child,
        reference,
        friends: friends.into_iter().map(|(r, n)| (r, n > 0)).collect(),
        typed,
        error,
    })
}

async fn friends_page(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<FriendsPage> {
    render_friends(&state, &user, &visitor, id, String::new(), None).await
}

#[derive(Deserialize)]
struct FriendForm {
    #[serde(default)]
    reference: String,
    /// A reference to take back, instead of adding one.
    #[serde(default)]
    remove: String,
}

async fn change_friends(
    State(state): State<AppState>,
    user: User,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<FriendForm>,
) -> AppResult<Response> {
    let (permit, _, own) = own_application(&state, &user, id).await?;
    if !form.remove.trim().is_empty() {
        let reference = form.remove.trim().to_string();
        state
            .write(&permit, async |c| {
                let gone = c
                    .transition(
                        sqlx::query("DELETE FROM room_requests WHERE application_id = $1 AND friend_reference = $2")
                            .bind(id)
                            .bind(&reference),
                    )
                    .await?;
                if gone {
                    c.audit(Some(id), "room friend taken back");
                } else {
                    c.unchanged();
                }
                Ok(())
            })
            .await?;
        return Ok(Redirect::to(&format!("/applications/{id}/room-friends")).into_response());
    }
    let problem = match normalise_reference(&form.reference) {
        None => Err("rooms-friend-reference-problem"),
        Some(r) if r == own => Err("rooms-friend-own"),
        Some(r) => Ok(r),
    };
    let outcome = match problem {
        Err(key) => Err(key),
        Ok(reference) => {
            state
                .write(&permit, async |c| {
                    let (n, already): (i64, i64) = sqlx::query_as(
                        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN friend_reference = $2 THEN 1 ELSE 0 END), 0) \
                         FROM room_requests WHERE application_id = $1",
                    )
                    .bind(id)
                    .bind(&reference)
                    .fetch_one(&mut **c)
                    .await?;
                    if already > 0 {
                        c.unchanged();
                        return Ok(Ok(()));
                    }
                    if n >= MOST_FRIENDS as i64 {
                        c.unchanged();
                        return Ok(Err("rooms-friend-too-many"));
                    }
                    sqlx::query(
                        "INSERT INTO room_requests (application_id, friend_reference, created_at) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(&reference)
                    .bind(now_ms())
                    .execute(&mut **c)
                    .await?;
                    c.audit(Some(id), "room friend named");
                    Ok(Ok(()))
                })
                .await?
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}/room-friends")).into_response()),
        Err(key) => {
            let problem = visitor.language.text(key);
            let page = render_friends(
                &state,
                &user,
                &visitor,
                id,
                form.reference.clone(),
                Some(problem),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_read_as_typed_by_hand() {
        for typed in [
            "SKH27-000123",
            "skh27000123",
            " skh27 – 000123 ",
            "Skh27—000123",
        ] {
            assert_eq!(
                normalise_reference(typed).as_deref(),
                Some("SKH27-000123"),
                "{typed}"
            );
        }
        for bad in [
            "",
            "000123",
            "SKH27-12345",
            "SKH27-00012X",
            "<script>",
            "ааааааааа",
            "A-B-000123",
        ] {
            assert_eq!(normalise_reference(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_spread_of_two_years_allows_any_two_birthdays_two_years_apart() {
        assert_eq!(spread_days(0), 0);
        assert_eq!(spread_days(2), 731);
        assert!(spread_days(3) > 3 * 365);
    }
}
