//! The allocation problem as given: sessions with places and rules, and
//! applicants with their ranked choices.

use foldhash::HashMap;

use thiserror::Error;
use time::Date;

use crate::score::Score;

/// Index of a session in [`Instance::sessions`].
pub type SessionIdx = u32;
/// Index of an applicant in [`Instance::applicants`].
pub type ApplicantIdx = u32;

/// Most children one block may hold (siblings or friends placed together).
pub const MAX_BLOCK_SIZE: usize = 4;
/// Most reserves one session may have.
pub const MAX_RESERVES: usize = 64;

/// A camp session: its places and who may take them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    /// Places in the session.
    pub capacity: u32,
    /// At most this many children of one school on the session's general
    /// places (children on reserved places don't count; see docs).
    pub school_cap: Option<u32>,
    /// Places reserved for a district or category; unused ones become general.
    pub reserves: Vec<Reserve>,
    pub rules: SessionRules,
}

/// Places of a session kept first for members of one reserve group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reserve {
    pub group: String,
    pub places: u32,
}

/// Eligibility rules of a session. A rule that is not set is not checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionRules {
    /// First day; ages are taken on this day.
    pub starts: Option<Date>,
    /// Last day; passports must stay valid past it.
    pub ends: Option<Date>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// The passport must be valid at least this many months after `ends`.
    pub passport_months: Option<u32>,
}

/// A child who applies, with ranked choices (best first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub id: String,
    pub score: Score,
    /// Preferential category tier: a higher tier ranks above any score.
    pub tier: u8,
    pub school: Option<String>,
    /// District or category whose reserved places the child may take.
    pub reserve_group: Option<String>,
    /// Children with the same block id are placed together or not at all.
    pub block: Option<String>,
    pub birth_date: Option<Date>,
    pub passport_expires: Option<Date>,
    pub documents_verified: bool,
    /// Meets the programme's nomination requirement: nominated by the
    /// school, or the programme asks for no nomination.
    pub nominated: bool,
    /// Sessions in order of preference, best first.
    pub choices: Vec<SessionIdx>,
}

impl Applicant {
    /// An applicant with only the required fields set.
    pub fn new(id: impl Into<String>, score: Score, choices: Vec<SessionIdx>) -> Self {
        Applicant {
            id: id.into(),
            score,
            tier: 0,
            school: None,
            reserve_group: None,
            block: None,
            birth_date: None,
            passport_expires: None,
            documents_verified: true,
            nominated: true,
            choices,
        }
    }
}

impl Session {
    /// A session with only a capacity.
    pub fn new(id: impl Into<String>, capacity: u32) -> Self {
        Session {
            id: id.into(),
            capacity,
            school_cap: None,
            reserves: Vec::new(),
            rules: SessionRules::default(),
        }
    }
}

/// What makes a set of sessions and applicants unusable. Indices point at
/// the offending session or applicant so a caller can name the line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InstanceError {
    #[error("session id is empty")]
    EmptySessionId { session: SessionIdx },
    #[error("applicant id is empty")]
    EmptyApplicantId { applicant: ApplicantIdx },
    #[error("session \"{id}\" appears twice")]
    DuplicateSession {
        session: SessionIdx,
        first: SessionIdx,
        id: String,
    },
    #[error("applicant \"{id}\" appears twice")]
    DuplicateApplicant {
        applicant: ApplicantIdx,
        first: ApplicantIdx,
        id: String,
    },
    #[error("choice {position} names a session that does not exist")]
    UnknownChoice {
        applicant: ApplicantIdx,
        position: usize,
    },
    #[error("choice {position} repeats choice {first}")]
    DuplicateChoice {
        applicant: ApplicantIdx,
        position: usize,
        first: usize,
    },
    #[error("reserved places ({reserved}) exceed the session's capacity ({capacity})")]
    ReservesExceedCapacity {
        session: SessionIdx,
        reserved: u64,
        capacity: u32,
    },
    #[error("reserve group \"{group}\" is listed twice")]
    DuplicateReserve { session: SessionIdx, group: String },
    #[error("too many reserves (at most {MAX_RESERVES})")]
    TooManyReserves { session: SessionIdx },
    #[error("minimum age {min} is above maximum age {max}")]
    AgeRangeInverted {
        session: SessionIdx,
        min: u32,
        max: u32,
    },
    #[error("the session ends ({ends}) before it starts ({starts})")]
    DatesInverted {
        session: SessionIdx,
        starts: Date,
        ends: Date,
    },
    #[error("{rule} needs the session's {needs} date")]
    RuleNeedsDate {
        session: SessionIdx,
        rule: &'static str,
        needs: &'static str,
    },
    #[error("block \"{block}\" has more than {MAX_BLOCK_SIZE} children")]
    BlockTooLarge {
        applicant: ApplicantIdx,
        block: String,
    },
    #[error("children of block \"{block}\" must rank the same sessions in the same order")]
    BlockChoicesDiffer {
        applicant: ApplicantIdx,
        block: String,
    },
}

/// A validated allocation problem.
#[derive(Clone, Debug)]
pub struct Instance {
    sessions: Vec<Session>,
    applicants: Vec<Applicant>,
    /// Blocks by first appearance; each lists its members in input order.
    blocks: Vec<Block>,
}

/// Children placed together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub id: String,
    pub members: Vec<ApplicantIdx>,
}

impl Instance {
    /// Checks everything the engine relies on; the first problem found is
    /// returned (in input order).
    pub fn new(sessions: Vec<Session>, applicants: Vec<Applicant>) -> Result<Self, InstanceError> {
        let mut session_ids: HashMap<&str, SessionIdx> =
            HashMap::with_capacity_and_hasher(sessions.len(), Default::default());
        for (i, s) in sessions.iter().enumerate() {
            let i = i as SessionIdx;
            if s.id.is_empty() {
                return Err(InstanceError::EmptySessionId { session: i });
            }
            if let Some(&first) = session_ids.get(s.id.as_str()) {
                return Err(InstanceError::DuplicateSession {
                    session: i,
                    first,
                    id: s.id.clone(),
                });
            }
            session_ids.insert(&s.id, i);
            validate_session(i, s)?;
        }
        let mut applicant_ids: HashMap<&str, ApplicantIdx> =
            HashMap::with_capacity_and_hasher(applicants.len(), Default::default());

        for (i, a) in applicants.iter().enumerate() {
            let i = i as ApplicantIdx;
            if a.id.is_empty() {
                return Err(InstanceError::EmptyApplicantId { applicant: i });
            }
            if let Some(&first) = applicant_ids.get(a.id.as_str()) {
                return Err(InstanceError::DuplicateApplicant {
                    applicant: i,
                    first,
                    id: a.id.clone(),
                });
            }
            applicant_ids.insert(&a.id, i);
            check_choices(i, &a.choices, sessions.len())?;
        }
        let blocks = collect_blocks(&applicants)?;
        Ok(Instance {
            sessions,
            applicants,
            blocks,
        })
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    pub fn applicants(&self) -> &[Applicant] {
        &self.applicants
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The session with this id, if any.
    pub fn session_index(&self, id: &str) -> Option<SessionIdx> {
        self.sessions
            .iter()
            .position(|s| s.id == id)
            .map(|i| i as SessionIdx)
    }

    /// The applicant with this id, if any.
    pub fn applicant_index(&self, id: &str) -> Option<ApplicantIdx> {
        self.applicants
            .iter()
            .position(|a| a.id == id)
            .map(|i| i as ApplicantIdx)
    }
}

/// Every choice names a session, and none twice.
fn check_choices(
    i: ApplicantIdx,
    choices: &[SessionIdx],
    sessions: usize,
) -> Result<(), InstanceError> {
    if let Some(pos) = choices.iter().position(|&c| c as usize >= sessions) {
        return Err(InstanceError::UnknownChoice {
            applicant: i,
            position: pos + 1,
        });
    }
    // Short lists (the usual case) are checked pairwise; long ones by map.
    if choices.len() <= 32 {
        for (pos, c) in choices.iter().enumerate() {
            if let Some(first) = choices[..pos].iter().position(|x| x == c) {
                return Err(InstanceError::DuplicateChoice {
                    applicant: i,
                    position: pos + 1,
                    first: first + 1,
                });
            }
        }
        return Ok(());
    }
    let mut seen: HashMap<SessionIdx, usize> = HashMap::default();
    for (pos, &c) in choices.iter().enumerate() {
        if let Some(first) = seen.insert(c, pos + 1) {
            return Err(InstanceError::DuplicateChoice {
                applicant: i,
                position: pos + 1,
                first,
            });
        }
    }
    Ok(())
}

fn validate_session(i: SessionIdx, s: &Session) -> Result<(), InstanceError> {
    if s.reserves.len() > MAX_RESERVES {
        return Err(InstanceError::TooManyReserves { session: i });
    }
    let reserved: u64 = s.reserves.iter().map(|r| u64::from(r.places)).sum();
    if reserved > u64::from(s.capacity) {
        return Err(InstanceError::ReservesExceedCapacity {
            session: i,
            reserved,
            capacity: s.capacity,
        });
    }
    for (k, r) in s.reserves.iter().enumerate() {
        if s.reserves[..k].iter().any(|o| o.group == r.group) {
            return Err(InstanceError::DuplicateReserve {
                session: i,
                group: r.group.clone(),
            });
        }
    }
    let rules = &s.rules;
    if let (Some(min), Some(max)) = (rules.min_age, rules.max_age)
        && min > max
    {
        return Err(InstanceError::AgeRangeInverted {
            session: i,
            min,
            max,
        });
    }
    if let (Some(starts), Some(ends)) = (rules.starts, rules.ends)
        && ends < starts
    {
        return Err(InstanceError::DatesInverted {
            session: i,
            starts,
            ends,
        });
    }
    if (rules.min_age.is_some() || rules.max_age.is_some()) && rules.starts.is_none() {
        return Err(InstanceError::RuleNeedsDate {
            session: i,
            rule: "an age limit",
            needs: "start",
        });
    }
    if rules.passport_months.is_some() && rules.ends.is_none() {
        return Err(InstanceError::RuleNeedsDate {
            session: i,
            rule: "passport validity",
            needs: "end",
        });
    }
    Ok(())
}

fn collect_blocks(applicants: &[Applicant]) -> Result<Vec<Block>, InstanceError> {
    let mut by_id: HashMap<&str, usize> = HashMap::default();
    let mut blocks: Vec<Block> = Vec::new();
    for (i, a) in applicants.iter().enumerate() {
        let Some(block) = a.block.as_deref() else {
            continue;
        };
        let i = i as ApplicantIdx;
        let k = *by_id.entry(block).or_insert_with(|| {
            blocks.push(Block {
                id: block.to_string(),
                members: Vec::new(),
            });
            blocks.len() - 1
        });
        let b = &mut blocks[k];
        if b.members.len() == MAX_BLOCK_SIZE {
            return Err(InstanceError::BlockTooLarge {
                applicant: i,
                block: block.to_string(),
            });
        }
        if let Some(&first) = b.members.first()
            && applicants[first as usize].choices != a.choices
        {
            return Err(InstanceError::BlockChoicesDiffer {
                applicant: i,
                block: block.to_string(),
            });
        }
        b.members.push(i);
    }
    Ok(blocks)
}
