//! Who may do what: one table, deny by default. Every route asks it; the
//! scope it answers with is applied in the route's query (a parent sees only
//! their children, a school only its pupils, a camp only children placed
//! with it).

use super::error::AppError;
use super::session::User;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Coordinator,
    School,
    Parent,
    Camp,
    Chaperone,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::School => "school",
            Role::Parent => "parent",
            Role::Camp => "camp",
            Role::Chaperone => "chaperone",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "coordinator" => Role::Coordinator,
            "school" => Role::School,
            "parent" => Role::Parent,
            "camp" => Role::Camp,
            "chaperone" => Role::Chaperone,
            _ => return None,
        })
    }

    pub fn title(self) -> &'static str {
        match self {
            Role::Coordinator => "Coordinator",
            Role::School => "School representative",
            Role::Parent => "Parent or guardian",
            Role::Camp => "Host camp representative",
            Role::Chaperone => "Chaperone",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Verify,
    Run,
    Publish,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Programme,
    Session,
    Outbox,
    AuditLog,
    Account,
    /// A child's record (names, birth date, school, achievements).
    Child,
    Application,
    Document,
    /// A school's list of pupils.
    Roster,
    /// Allocation runs and their publication.
    Allocation,
    /// Who is placed in which session: for a host camp, the child's name,
    /// birth date and the state of the offer, nothing more.
    Placement,
    /// The travel manifest and the offline roster of a session: passport
    /// numbers and emergency contacts, for the coordinator and chaperones.
    TravelPapers,
    /// The coordinator's programme report.
    Report,
    /// Children's achievements imported from a spreadsheet.
    Achievement,
}

/// How much of a resource a role reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    All,
    /// Only records that belong to the user (their own account, their
    /// children and applications).
    Own,
    /// Only records of the user's school.
    School,
    /// Only children placed in the sessions of the user's camp.
    Camp,
}

impl Scope {
    /// The scope as the queries take it (`$n = 'own' AND …`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Own => "own",
            Scope::School => "school",
            Scope::Camp => "camp",
        }
    }
}

use Action::*;
use Resource::*;
use Role::*;

/// The policy. Anything not listed is denied.
const POLICY: &[(Role, Action, Resource, Scope)] = &[
    (Coordinator, Read, Programme, Scope::All),
    (Coordinator, Create, Programme, Scope::All),
    (Coordinator, Update, Programme, Scope::All),
    (Coordinator, Read, Session, Scope::All),
    (Coordinator, Create, Session, Scope::All),
    (Coordinator, Update, Session, Scope::All),
    (Coordinator, Read, Outbox, Scope::All),
    (Coordinator, Read, AuditLog, Scope::All),
    (Coordinator, Read, Account, Scope::All),
    (School, Read, Programme, Scope::All),
    (School, Read, Session, Scope::All),
    (Parent, Read, Programme, Scope::All),
    (Parent, Read, Session, Scope::All),
    (Camp, Read, Programme, Scope::All),
    (Camp, Read, Session, Scope::All),
    (Chaperone, Read, Programme, Scope::All),
    (Chaperone, Read, Session, Scope::All),
    (Parent, Read, Child, Scope::Own),
    (Parent, Create, Child, Scope::Own),
    (Parent, Update, Child, Scope::Own),
    (School, Read, Child, Scope::School),
    (Coordinator, Read, Child, Scope::All),
    (Parent, Read, Application, Scope::Own),
    (Parent, Create, Application, Scope::Own),
    (Parent, Update, Application, Scope::Own),
    (School, Read, Application, Scope::School),
    (Coordinator, Read, Application, Scope::All),
    (Parent, Read, Document, Scope::Own),
    (Parent, Create, Document, Scope::Own),
    (Coordinator, Read, Document, Scope::All),
    (Coordinator, Verify, Document, Scope::All),
    (School, Read, Roster, Scope::School),
    (School, Update, Roster, Scope::School),
    (Coordinator, Run, Allocation, Scope::All),
    (Coordinator, Publish, Allocation, Scope::All),
    (Camp, Read, Placement, Scope::Camp),
    // Chaperones are not yet tied to a session's group (that comes with
    // groups), so they may print the papers of every session.
    (Coordinator, Read, TravelPapers, Scope::All),
    (Chaperone, Read, TravelPapers, Scope::All),
    (Coordinator, Read, Report, Scope::All),
    (Coordinator, Create, Achievement, Scope::All),
    (Coordinator, Update, Account, Scope::Own),
    (School, Update, Account, Scope::Own),
    (Parent, Update, Account, Scope::Own),
    (Camp, Update, Account, Scope::Own),
    (Chaperone, Update, Account, Scope::Own),
];

/// The scope the table grants, if any.
pub fn allowed(role: Role, action: Action, resource: Resource) -> Option<Scope> {
    POLICY
        .iter()
        .find(|(r, a, res, _)| *r == role && *a == action && *res == resource)
        .map(|(_, _, _, scope)| *scope)
}

/// The scope for this user, or "not found" when the table denies it.
pub fn authorize(user: &User, action: Action, resource: Resource) -> Result<Scope, AppError> {
    allowed(user.role, action, resource).ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denies_by_default() {
        assert_eq!(allowed(Parent, Read, Outbox), None);
        assert_eq!(allowed(School, Read, AuditLog), None);
        assert_eq!(allowed(Camp, Create, Programme), None);
        assert_eq!(allowed(Coordinator, Read, Outbox), Some(Scope::All));
        assert_eq!(allowed(Parent, Update, Account), Some(Scope::Own));
    }

    #[test]
    fn each_rule_is_listed_once() {
        for (i, (r, a, res, _)) in POLICY.iter().enumerate() {
            assert!(
                !POLICY[..i]
                    .iter()
                    .any(|(r2, a2, res2, _)| r2 == r && a2 == a && res2 == res),
                "{r:?} {a:?} {res:?} twice"
            );
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in [Coordinator, School, Parent, Camp, Chaperone] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
