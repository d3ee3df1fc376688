//! Lifecycle states. A state changes only by a compare-and-set in the
//! database (`UPDATE … WHERE id = $1 AND status = $2`): of two requests
//! that try the same change at once, exactly one wins.

use super::coded;

coded! {
    /// A programme: set up as a draft, open for applications, closed, and
    /// published once its result is out.
    pub enum ProgrammeStatus {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
        /// A final run was made from the frozen inputs; not yet published.
        Allocated = "allocated",
        Published = "published",
        /// The groups have left: places are final (no more backfill).
        Travelling = "travelling",
        /// Every group is back.
        Completed = "completed",
        /// Past its retention date: its personal data is deleted, its
        /// anonymised figures and published files stay.
        Purged = "purged",
    }
}

impl ProgrammeStatus {
    /// The allocation's result is out (published, travelling or completed).
    pub fn results_out(self) -> bool {
        matches!(
            self,
            ProgrammeStatus::Published | ProgrammeStatus::Travelling | ProgrammeStatus::Completed
        )
    }
}

coded! {
    /// A child's application: a draft the family edits, submitted once
    /// (it then has its public reference), or withdrawn.
    pub enum ApplicationStatus {
        Draft = "draft",
        Submitted = "submitted",
        Withdrawn = "withdrawn",
    }
}

coded! {
    /// A child at a roll call, as a group's adult marked them.
    pub enum Presence {
        Present = "present",
        Absent = "absent",
        Excused = "excused",
    }
}

coded! {
    /// A published placement the family answers.
    pub enum OfferStatus {
        Offered = "offered",
        Accepted = "accepted",
        Declined = "declined",
        Expired = "expired",
        Withdrawn = "withdrawn",
    }
}

impl OfferStatus {
    /// Whether the place is still held (awaiting an answer or accepted).
    pub fn holds_place(self) -> bool {
        matches!(self, OfferStatus::Offered | OfferStatus::Accepted)
    }
}

coded! {
    /// An uploaded document, until the coordinator's review.
    pub enum DocumentStatus {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

coded! {
    /// A change of a child's identity asked for after applications closed:
    /// it waits for the coordinator's decision.
    pub enum IdentityChangeStatus {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

coded! {
    /// One execution of the allocation: a dry run to try rules, or a final
    /// run that can be published.
    pub enum RunKind {
        DryRun = "dry_run",
        Final = "final",
    }
}
