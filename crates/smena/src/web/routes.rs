//! A feature's routes, listed as they are added with who may reach them:
//! the router is built from them, each route behind a guard that enforces
//! its [`Access`] before the handler runs (which then applies the scope),
//! and tests read the same list (every POST route is tried with hostile
//! input; every route by every role against the policy table).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use super::AppState;
use super::error::AppError;
use super::login::Visitor;
use super::policy::allowed;
use crate::domain::access::{Action, Resource, Role, Scope};

/// Who may reach a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (the login form, the public result).
    Anyone,
    /// Any logged-in account, for what is its own (its home, its logout).
    Login,
    /// Whoever the policy table lets do this action on this resource; the
    /// handler then keeps to the scope the table grants.
    Policy(Action, Resource),
    /// Whoever the table lets do it with exactly this scope: a page that
    /// lists everything is the coordinator's, a parent's own list theirs.
    Within(Action, Resource, Scope),
}

impl Access {
    /// Whether a visitor of `role` (`None`: not logged in) passes.
    pub fn admits(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Anyone, _) => true,
            (_, None) => false,
            (Access::Login, Some(_)) => true,
            (Access::Policy(action, resource), Some(role)) => {
                allowed(role, action, resource).is_some()
            }
            (Access::Within(action, resource, scope), Some(role)) => {
                allowed(role, action, resource) == Some(scope)
            }
        }
    }
}

/// A route as listed: method, path and who may reach it.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

/// Routes and the list of what they answer.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<Route>,
}

/// Refuses a visitor the route's access does not admit before its handler
/// runs: not logged in, to the login form; another role, "not found".
async fn guard(access: Access, req: Request, next: Next) -> Response {
    let visitor = req.extensions().get::<Visitor>();
    let role = visitor.and_then(|v| v.user.as_ref()).map(|u| u.role);
    if access.admits(role) {
        next.run(req).await
    } else if role.is_none() {
        AppError::LoginRequired.into_response()
    } else {
        AppError::NotFound.into_response()
    }
}

fn guarded(route: MethodRouter<AppState>, access: Access) -> MethodRouter<AppState> {
    route.route_layer(from_fn(move |req: Request, next: Next| {
        guard(access, req, next)
    }))
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Routes {
        self.router = self.router.route(path, guarded(route, access));
        self.list.push(Route {
            method,
            path,
            access,
        });
        self
    }

    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, access, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, access, post(handler))
    }

    /// A POST route whose body may be up to `limit` bytes (uploads).
    pub fn post_upload<H, T>(
        self,
        path: &'static str,
        access: Access,
        handler: H,
        limit: usize,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = post(handler).layer(DefaultBodyLimit::max(limit));
        self.add("POST", path, access, route)
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Every route, in the order they were added.
    pub fn list(&self) -> &[Route] {
        &self.list
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
