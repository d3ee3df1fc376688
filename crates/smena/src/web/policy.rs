//! Who may do what: one table, deny by default. Every route asks it first;
//! it answers with a [`Permit`] that carries the scope (applied in the
//! route's query: a parent sees only their children, a school only its
//! pupils, a camp only children placed with it) and is what the audited
//! write takes ([`super::AppState::write`]).

use super::error::AppError;
use super::login::User;
use crate::domain::access::{Action, Resource, Role, Scope};
use crate::store::Actor;

use Action::*;
use Resource::*;
use Role::*;

/// The policy. Anything not listed is denied.
pub const POLICY: &[(Role, Action, Resource, Scope)] = &[
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
    (Role::Camp, Read, Programme, Scope::All),
    (Role::Camp, Read, Session, Scope::All),
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
    (Coordinator, Review, Document, Scope::All),
    (School, Read, Roster, Scope::School),
    (School, Update, Roster, Scope::School),
    (Coordinator, Run, Allocation, Scope::All),
    (Coordinator, Publish, Allocation, Scope::All),
    (Role::Camp, Read, Placement, Scope::Camp),
    (Coordinator, Read, TravelPapers, Scope::All),
    // Only the sessions the coordinator assigned them to (`groups`); camp
    // staff, as adults of a travel group.
    (Chaperone, Read, TravelPapers, Scope::Assigned),
    (Role::Camp, Read, TravelPapers, Scope::Assigned),
    (Coordinator, Read, Report, Scope::All),
    (Coordinator, Create, Achievement, Scope::All),
    (Coordinator, Update, Account, Scope::Own),
    (School, Update, Account, Scope::Own),
    (Parent, Update, Account, Scope::Own),
    (Role::Camp, Update, Account, Scope::Own),
    (Chaperone, Update, Account, Scope::Own),
    (Parent, Export, FamilyData, Scope::Own),
    (Coordinator, Read, FamilyData, Scope::All),
    (Parent, Purge, Account, Scope::Own),
    // About the family's own applications; coordinators about any.
    (Parent, Create, Message, Scope::Own),
    (Coordinator, Create, Message, Scope::All),
    // A child's health needs: the family; the adults of the child's travel
    // group; the medical staff of the camp the child is placed with. Not
    // the coordinator, the school or the camp's representative.
    (Parent, Update, Needs, Scope::Own),
    (Chaperone, Read, Needs, Scope::Assigned),
    (Medic, Read, Needs, Scope::Camp),
    (Medic, Update, Account, Scope::Own),
    // Incidents: recorded by the adults of a child's group and the staff of
    // the child's camp, who read those they may see; the coordinator reads
    // all; the family, its own child's as the programme tells them.
    (Chaperone, Create, Incident, Scope::Assigned),
    (Chaperone, Read, Incident, Scope::Assigned),
    (Role::Camp, Create, Incident, Scope::Camp),
    (Role::Camp, Read, Incident, Scope::Camp),
    (Medic, Create, Incident, Scope::Camp),
    (Medic, Read, Incident, Scope::Camp),
    (Coordinator, Read, Incident, Scope::All),
    // The return: a group's adults hand each child over; the coordinator
    // may record it too.
    (Chaperone, Create, Handover, Scope::Assigned),
    (Coordinator, Create, Handover, Scope::All),
    // Roll calls: taken by a group's adults (chaperones and camp staff
    // assigned to it); the coordinator reads them.
    (Chaperone, Read, RollCall, Scope::Assigned),
    (Chaperone, Create, RollCall, Scope::Assigned),
    (Role::Camp, Read, RollCall, Scope::Assigned),
    (Role::Camp, Create, RollCall, Scope::Assigned),
    (Coordinator, Read, RollCall, Scope::All),
    // Rooms: the camp's representative describes them and assigns the
    // children of the camp's sessions; the coordinator reads; families
    // name friends for their own children.
    (Role::Camp, Read, Room, Scope::Camp),
    (Role::Camp, Update, Room, Scope::Camp),
    (Coordinator, Read, Room, Scope::All),
    (Parent, Create, RoomRequest, Scope::Own),
    // The camp's representative sees the diets counted, without names.
    (Role::Camp, Read, Diets, Scope::Camp),
];

/// The scope the table grants, if any.
pub fn allowed(role: Role, action: Action, resource: Resource) -> Option<Scope> {
    POLICY
        .iter()
        .find(|(r, a, res, _)| *r == role && *a == action && *res == resource)
        .map(|(_, _, _, scope)| *scope)
}

/// What the policy granted: who may do which action on which resource, and
/// how far. Only the policy makes one (or a job, for the service itself).
#[derive(Clone, Copy, Debug)]
pub struct Permit {
    actor: Actor,
    action: Action,
    resource: Resource,
    scope: Scope,
}

impl Permit {
    /// For the service itself and the command line: everything, in the
    /// name of `actor`.
    pub fn system(actor: Actor, action: Action, resource: Resource) -> Permit {
        Permit {
            actor,
            action,
            resource,
            scope: Scope::All,
        }
    }

    /// For what anyone may do without logging in (register, log in, reset
    /// a password): only their own.
    pub fn anyone(action: Action, resource: Resource) -> Permit {
        Permit {
            actor: Actor::Anonymous,
            action,
            resource,
            scope: Scope::Own,
        }
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn on(&self) -> (Action, Resource) {
        (self.action, self.resource)
    }
}

/// The permit for this user, or "not found" when the table denies it.
pub fn authorize(user: &User, action: Action, resource: Resource) -> Result<Permit, AppError> {
    let scope = allowed(user.role, action, resource).ok_or(AppError::NotFound)?;
    Ok(Permit {
        actor: user.actor(),
        action,
        resource,
        scope,
    })
}

/// The condition that keeps a child row `c` within a scope, for queries
/// that bind the scope's code at `$scope`, the user at `$user` and the
/// user's school at `$school` (numbered by the caller).
pub fn child_in_scope(scope: usize, user: usize, school: usize) -> String {
    format!(
        "(${scope} = 'all' OR (${scope} = 'own' AND c.guardian_id = ${user}) \
          OR (${scope} = 'school' AND c.school_id = ${school}))"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denies_by_default() {
        assert_eq!(allowed(Parent, Read, Outbox), None);
        assert_eq!(allowed(School, Read, AuditLog), None);
        assert_eq!(allowed(Role::Camp, Create, Programme), None);
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
}
