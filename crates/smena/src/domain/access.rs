//! Who may do what: the words of the policy table (`web::policy`) and of
//! the audit log, which records every change and every read of a full
//! record as an action on a resource.

use super::coded;

coded! {
    /// What an account is for; it decides what the policy lets it do.
    pub enum Role {
        Coordinator = "coordinator",
        School = "school",
        Parent = "parent",
        Camp = "camp",
        Chaperone = "chaperone",
        /// A host camp's medical staff: a camp's children's health needs.
        Medic = "camp_medic",
    }
}

impl Role {
    /// The role's name for the command line (pages use the Fluent text
    /// `role-{code}`).
    pub fn title(self) -> &'static str {
        match self {
            Role::Coordinator => "Coordinator",
            Role::School => "School representative",
            Role::Parent => "Parent or guardian",
            Role::Camp => "Host camp representative",
            Role::Chaperone => "Chaperone",
            Role::Medic => "Host camp medical staff",
        }
    }
}

coded! {
    /// What is done: asked of the policy, and written in the audit log.
    pub enum Action {
        Read = "read",
        Create = "create",
        Update = "update",
        /// The coordinator's accept or reject of a document.
        Review = "review",
        Run = "run",
        Publish = "publish",
        Print = "print",
        Export = "export",
        Import = "import",
        Login = "login",
        Logout = "logout",
        /// Deleting personal data past its retention date, or a family's
        /// account at its request.
        Purge = "purge",
    }
}

coded! {
    /// What it is done to.
    pub enum Resource {
        Programme = "programme",
        Session = "session",
        Camp = "camp",
        Outbox = "outbox",
        AuditLog = "audit_log",
        Account = "account",
        /// A child's record (names, birth date, school, achievements).
        Child = "child",
        Application = "application",
        Document = "document",
        /// A school's list of pupils.
        Roster = "roster",
        /// One pupil on a school's list.
        Pupil = "pupil",
        /// Allocation runs and their publication.
        Allocation = "allocation",
        /// Who is placed in which session: for a host camp, the child's
        /// name, birth date and the state of the offer, nothing more.
        Placement = "placement",
        /// The travel manifest and the offline roster of a session:
        /// passport numbers and emergency contacts.
        TravelPapers = "travel_papers",
        /// A child's allergies, diet, medication and health notes.
        Needs = "needs",
        /// The diets of a camp's sessions, counted (no names).
        Diets = "diets",
        /// The travel voucher of an accepted place.
        Voucher = "voucher",
        /// The coordinator's programme report, dashboard and exports.
        Report = "report",
        /// Children's achievements imported from a spreadsheet.
        Achievement = "achievement",
        /// Everything held on a family, as its data export gives it.
        FamilyData = "family_data",
        /// A message between a family and the coordinators about an
        /// application.
        Message = "message",
        /// Something that happened to a child on the journey: illness,
        /// injury, behaviour, a lost document.
        Incident = "incident",
        /// A child handed over to a guardian at the return.
        Handover = "handover",
        /// A roll call of a travel group and its marks.
        RollCall = "roll_call",
        /// A camp's rooms and who sleeps in which in each session.
        Room = "room",
        /// A family's wish that their child share a room with a friend.
        RoomRequest = "room_request",
    }
}

coded! {
    /// How much of a resource a role reaches.
    pub enum Scope {
        /// Everything.
        All = "all",
        /// Only records that belong to the user (their own account, their
        /// children and applications).
        Own = "own",
        /// Only records of the user's school.
        School = "school",
        /// Only children placed in the sessions of the user's camp.
        Camp = "camp",
        /// Only the sessions the user is assigned to (a chaperone).
        Assigned = "assigned",
    }
}
