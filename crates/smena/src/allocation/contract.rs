//! The files of the allocation contract: reading `sessions.csv` and
//! `applicants.csv` (every problem named by file, line and column), writing
//! `placements.csv` (the engine's canonical form) and `explain.csv`.

use std::collections::HashMap;
use std::fmt;

use smena_engine::{
    Allocation, Applicant, Date, Instance, InstanceError, Score, Session, SessionRules, explain,
};

use super::wording;
use crate::domain::values::parse_whole;
use crate::domain::values::{parse_date, parse_reserves};

/// A problem in an input file, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// 1-based line, when the problem is on one.
    pub line: Option<u64>,
    /// 1-based column number and its header name.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some((n, name)) = &self.column {
            if name.is_empty() {
                write!(f, ", column {n}")?;
            } else {
                write!(f, ", column {n} ({name})")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// A field of a written CSV file, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes an instance as the two input files with every column the
/// contract reads (session dates, ages and passport rules; children's birth
/// dates, passports and whether their documents are verified), so that
/// [`parse`] reads back the same instance. The service keeps this full form
/// of the frozen inputs to itself: it holds personal data.
pub fn write_full(instance: &Instance) -> (String, String) {
    use std::fmt::Write as _;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let mut sessions = String::from(
        "session_id,capacity,school_cap,reserves,starts,ends,min_age,max_age,passport_months\n",
    );
    for s in instance.sessions() {
        let reserves = crate::domain::values::reserves_text(&s.reserves, ";");
        let r = &s.rules;
        let _ = writeln!(
            sessions,
            "{},{},{},{},{},{},{},{},{}",
            field(&s.id),
            s.capacity,
            opt(s.school_cap.map(|c| c.to_string())),
            field(&reserves),
            opt(r.starts.map(|d| d.to_string())),
            opt(r.ends.map(|d| d.to_string())),
            opt(r.min_age.map(|a| a.to_string())),
            opt(r.max_age.map(|a| a.to_string())),
            opt(r.passport_months.map(|m| m.to_string())),
        );
    }
    let k = instance
        .applicants()
        .iter()
        .map(|a| a.choices.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut applicants = String::from("applicant_id,score,");
    for i in 1..=k {
        let _ = write!(applicants, "choice_{i},");
    }
    // `nominated` only when some child misses a nomination the programme
    // requires: inputs of programmes without that rule read as before.
    let nominations = instance.applicants().iter().any(|a| !a.nominated);
    applicants
        .push_str("tier,school,reserve_group,block,birth_date,passport_expires,documents_verified");
    applicants.push_str(if nominations { ",nominated\n" } else { "\n" });
    for a in instance.applicants() {
        let _ = write!(applicants, "{},{},", field(&a.id), a.score);
        for i in 0..k {
            let choice = a
                .choices
                .get(i)
                .map(|&c| field(&instance.sessions()[c as usize].id))
                .unwrap_or_default();
            let _ = write!(applicants, "{choice},");
        }
        let _ = writeln!(
            applicants,
            "{},{},{},{},{},{},{}",
            a.tier,
            field(a.school.as_deref().unwrap_or_default()),
            field(a.reserve_group.as_deref().unwrap_or_default()),
            field(a.block.as_deref().unwrap_or_default()),
            opt(a.birth_date.map(|d| d.to_string())),
            opt(a.passport_expires.map(|d| d.to_string())),
            if a.documents_verified { "yes" } else { "no" },
        );
        if nominations {
            applicants.pop();
            applicants.push_str(if a.nominated { ",yes\n" } else { ",no\n" });
        }
    }
    (sessions, applicants)
}

/// Parsed inputs, with where each row came from.
pub struct Inputs {
    pub instance: Instance,
    /// Line of each session / applicant row.
    pub session_lines: Vec<u64>,
    pub applicant_lines: Vec<u64>,
}

const SESSIONS_HEADER: &str = "session_id,capacity";
const APPLICANTS_HEADER: &str = "applicant_id,score,choice_1,...,choice_K";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV file being read row by row, with its header.
struct Table<'a> {
    file: &'a str,
    names: Vec<String>,
    reader: csv::Reader<&'a [u8]>,
    record: csv::ByteRecord,
    line: u64,
}

impl<'a> Table<'a> {
    fn open(
        file: &'a str,
        bytes: &'a [u8],
        required: &[&str],
        header: &str,
    ) -> Result<Self, InputError> {
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let whole_file = |message: String| InputError {
            file: file.to_string(),
            line: None,
            column: None,
            message,
        };
        let got = reader
            .read_byte_record(&mut record)
            .map_err(|e| whole_file(format!("cannot be read as CSV: {e}")))?;
        if !got {
            return Err(whole_file(format!(
                "is empty: the first line must be the header {header}"
            )));
        }
        let mut t = Table {
            file,
            names: Vec::new(),
            reader,
            record: csv::ByteRecord::new(),
            line: 1,
        };
        t.line = record.position().map_or(1, |p| p.line());
        for (i, raw) in record.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| t.error(i, "the header is not valid UTF-8 text".into()))?
                .trim()
                .to_string();
            if !name.is_empty() && t.names.contains(&name) {
                return Err(t.error(i, format!("column \"{name}\" appears twice in the header")));
            }
            t.names.push(name);
        }
        for name in required {
            if t.col(name).is_none() {
                return Err(InputError {
                    file: file.to_string(),
                    line: Some(t.line),
                    column: None,
                    message: format!(
                        "the header has no column \"{name}\" (it must name at least {header})"
                    ),
                });
            }
        }
        Ok(t)
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Reads the next row; `false` at the end of the file.
    fn advance(&mut self) -> Result<bool, InputError> {
        let got = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| InputError {
                file: self.file.to_string(),
                line: e.position().map(|p| p.line()),
                column: None,
                message: format!("cannot be read as CSV: {e}"),
            })?;
        if !got {
            return Ok(false);
        }
        self.line = self.record.position().map_or(self.line + 1, |p| p.line());
        if self.record.len() != self.names.len() {
            return Err(InputError {
                file: self.file.to_string(),
                line: Some(self.line),
                column: None,
                message: format!(
                    "this row has {} fields but the header has {}",
                    self.record.len(),
                    self.names.len()
                ),
            });
        }
        Ok(true)
    }

    fn byte_offset(&self) -> u64 {
        self.record.position().map_or(0, |p| p.byte())
    }

    fn error(&self, col: usize, message: String) -> InputError {
        InputError {
            file: self.file.to_string(),
            line: Some(self.line),
            column: Some((col + 1, self.names.get(col).cloned().unwrap_or_default())),
            message,
        }
    }

    /// The field at `col` of the current row as text.
    fn text(&self, col: usize) -> Result<&str, InputError> {
        std::str::from_utf8(&self.record[col])
            .map_err(|_| self.error(col, "is not valid UTF-8 text".into()))
    }

    /// An optional column's field, trimmed; `None` if absent or empty.
    fn optional(&self, col: Option<usize>) -> Result<Option<(usize, &str)>, InputError> {
        let Some(c) = col else { return Ok(None) };
        let t = self.text(c)?.trim();
        Ok((!t.is_empty()).then_some((c, t)))
    }

    /// An id: non-empty, no comma or line break.
    fn id(&self, col: usize, what: &str) -> Result<&str, InputError> {
        let t = self.text(col)?;
        if t.trim().is_empty() {
            return Err(self.error(col, format!("{what} is empty")));
        }
        if t.contains(',') {
            return Err(self.error(col, format!("{what} \"{t}\" contains a comma")));
        }
        if t.contains(['\n', '\r']) {
            return Err(self.error(col, format!("{what} contains a line break")));
        }
        Ok(t)
    }

    fn whole(&self, col: usize, what: &str, max: u32) -> Result<u32, InputError> {
        let t = self.text(col)?.trim();
        parse_whole(t, what, max).map_err(|m| self.error(col, m))
    }

    fn date(&self, col: usize) -> Result<Date, InputError> {
        let t = self.text(col)?.trim();
        parse_date(t).map_err(|m| self.error(col, m))
    }
}

fn parse_bool(t: &str) -> Option<bool> {
    match t.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Reads both files of the contract. `progress` is told how many bytes of
/// the two files together have been read.
pub fn parse(
    sessions_file: &str,
    sessions_bytes: &[u8],
    applicants_file: &str,
    applicants_bytes: &[u8],
    progress: &dyn Fn(u64),
) -> Result<Inputs, InputError> {
    let (sessions, session_lines, session_ids, session_columns) =
        parse_sessions(sessions_file, sessions_bytes)?;
    let offset = sessions_bytes.len() as u64;
    progress(offset);
    let (applicants, applicant_lines, columns) =
        parse_applicants(applicants_file, applicants_bytes, &session_ids, &|b| {
            progress(offset + b)
        })?;
    let instance = Instance::new(sessions, applicants).map_err(|e| {
        locate(
            e,
            sessions_file,
            &session_lines,
            &session_columns,
            applicants_file,
            &applicant_lines,
            &columns,
        )
    })?;
    Ok(Inputs {
        instance,
        session_lines,
        applicant_lines,
    })
}

type SessionRows = (Vec<Session>, Vec<u64>, HashMap<String, u32>, Vec<String>);

fn parse_sessions(file: &str, bytes: &[u8]) -> Result<SessionRows, InputError> {
    let mut t = Table::open(file, bytes, &["session_id", "capacity"], SESSIONS_HEADER)?;
    let c_id = t.col("session_id").unwrap_or(0);
    let c_capacity = t.col("capacity").unwrap_or(1);
    let c_cap = t.col("school_cap");
    let c_reserves = t.col("reserves");
    let (c_starts, c_ends) = (t.col("starts"), t.col("ends"));
    let (c_min, c_max) = (t.col("min_age"), t.col("max_age"));
    let c_passport = t.col("passport_months");
    let mut sessions = Vec::new();
    let mut lines = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    while t.advance()? {
        let id = t.id(c_id, "session_id")?.to_string();
        if let Some(&first) = ids.get(&id) {
            return Err(t.error(
                c_id,
                format!(
                    "session \"{id}\" appears twice (first on line {})",
                    lines[first as usize]
                ),
            ));
        }
        let mut s = Session::new(id.clone(), t.whole(c_capacity, "capacity", u32::MAX)?);
        if let Some((c, _)) = t.optional(c_cap)? {
            s.school_cap = Some(t.whole(c, "school_cap", u32::MAX)?);
        }
        if let Some((c, text)) = t.optional(c_reserves)? {
            s.reserves = parse_reserves(text).map_err(|m| t.error(c, m))?;
        }
        let mut rules = SessionRules::default();
        if let Some((c, _)) = t.optional(c_starts)? {
            rules.starts = Some(t.date(c)?);
        }
        if let Some((c, _)) = t.optional(c_ends)? {
            rules.ends = Some(t.date(c)?);
        }
        if let Some((c, _)) = t.optional(c_min)? {
            rules.min_age = Some(t.whole(c, "min_age", 150)?);
        }
        if let Some((c, _)) = t.optional(c_max)? {
            rules.max_age = Some(t.whole(c, "max_age", 150)?);
        }
        if let Some((c, _)) = t.optional(c_passport)? {
            rules.passport_months = Some(t.whole(c, "passport_months", 600)?);
        }
        s.rules = rules;
        ids.insert(id, sessions.len() as u32);
        sessions.push(s);
        lines.push(t.line);
    }
    Ok((sessions, lines, ids, t.names))
}

/// Header names of the applicants file, by column number.
type ApplicantRows = (Vec<Applicant>, Vec<u64>, Vec<String>);

fn parse_applicants(
    file: &str,
    bytes: &[u8],
    session_ids: &HashMap<String, u32>,
    progress: &dyn Fn(u64),
) -> Result<ApplicantRows, InputError> {
    let mut t = Table::open(file, bytes, &["applicant_id", "score"], APPLICANTS_HEADER)?;
    let c_id = t.col("applicant_id").unwrap_or(0);
    let c_score = t.col("score").unwrap_or(1);
    let choice_cols = choice_columns(&t)?;
    let c_tier = t.col("tier");
    let c_school = t.col("school");
    let c_group = t.col("reserve_group");
    let c_block = t.col("block");
    let c_birth = t.col("birth_date");
    let c_passport = t.col("passport_expires");
    let c_docs = t.col("documents_verified");
    let c_nominated = t.col("nominated");
    let mut applicants = Vec::new();
    let mut lines = Vec::new();
    while t.advance()? {
        if lines.len() % 65_536 == 0 {
            progress(t.byte_offset());
        }
        let id = t.id(c_id, "applicant_id")?.to_string();
        let score =
            Score::parse(t.text(c_score)?).map_err(|e| t.error(c_score, format!("score {e}")))?;
        let mut choices = Vec::with_capacity(choice_cols.len());
        let mut first_empty: Option<usize> = None;
        for (k, &c) in choice_cols.iter().enumerate() {
            let field = t.text(c)?;
            if field.trim().is_empty() {
                first_empty.get_or_insert(k);
                continue;
            }
            if let Some(e) = first_empty {
                return Err(t.error(
                    choice_cols[e],
                    format!("choice_{} is empty but choice_{} is filled: only the last choices may be left empty", e + 1, k + 1),
                ));
            }
            match session_ids.get(field) {
                Some(&s) => choices.push(s),
                None => {
                    return Err(t.error(
                        c,
                        format!("unknown session \"{field}\" (not in the sessions file)"),
                    ));
                }
            }
        }
        let mut a = Applicant::new(id, score, choices);
        if let Some((c, text)) = t.optional(c_tier)? {
            a.tier = u8::try_from(parse_whole(text, "tier", 255).map_err(|m| t.error(c, m))?)
                .unwrap_or(u8::MAX);
        }
        a.school = t.optional(c_school)?.map(|(_, s)| s.to_string());
        a.reserve_group = t.optional(c_group)?.map(|(_, s)| s.to_string());
        a.block = t.optional(c_block)?.map(|(_, s)| s.to_string());
        if let Some((c, _)) = t.optional(c_birth)? {
            a.birth_date = Some(t.date(c)?);
        }
        if let Some((c, _)) = t.optional(c_passport)? {
            a.passport_expires = Some(t.date(c)?);
        }
        if let Some(c) = c_docs {
            let text = t.text(c)?.trim();
            a.documents_verified = parse_bool(text).ok_or_else(|| {
                t.error(
                    c,
                    format!("documents_verified must be yes or no, found \"{text}\""),
                )
            })?;
        }
        if let Some(c) = c_nominated {
            let text = t.text(c)?.trim();
            a.nominated = parse_bool(text).ok_or_else(|| {
                t.error(c, format!("nominated must be yes or no, found \"{text}\""))
            })?;
        }
        applicants.push(a);
        lines.push(t.line);
    }
    Ok((applicants, lines, t.names))
}

/// Columns `choice_1` … `choice_K`, in order; K may be 0.
fn choice_columns(t: &Table<'_>) -> Result<Vec<usize>, InputError> {
    let mut numbered: Vec<(u32, usize)> = Vec::new();
    for (c, name) in t.names.iter().enumerate() {
        if let Some(n) = name.strip_prefix("choice_") {
            let k = n
                .parse::<u32>()
                .ok()
                .filter(|&k| k >= 1 && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    t.error(
                        c,
                        format!(
                            "\"{name}\" is not a choice column: number them choice_1, choice_2, …"
                        ),
                    )
                })?;
            numbered.push((k, c));
        }
    }
    numbered.sort_unstable();
    for (i, &(k, c)) in numbered.iter().enumerate() {
        if k != i as u32 + 1 {
            return Err(InputError {
                file: t.file.to_string(),
                line: Some(t.line),
                column: Some((c + 1, t.names[c].clone())),
                message: format!(
                    "column choice_{} is missing: choices must be numbered from choice_1 without gaps",
                    i + 1
                ),
            });
        }
    }
    Ok(numbered.into_iter().map(|(_, c)| c).collect())
}

/// Turns an engine validation error into a located input error.
fn locate(
    e: InstanceError,
    sessions_file: &str,
    session_lines: &[u64],
    session_columns: &[String],
    applicants_file: &str,
    applicant_lines: &[u64],
    applicant_columns: &[String],
) -> InputError {
    let at =
        |file: &str, lines: &[u64], columns: &[String], row: u32, column: &str, message: String| {
            let col = columns.iter().position(|c| c == column);
            InputError {
                file: file.to_string(),
                line: lines.get(row as usize).copied(),
                column: col.map(|c| (c + 1, column.to_string())),
                message,
            }
        };
    let session = |row: u32, column: &str, message: String| {
        at(
            sessions_file,
            session_lines,
            session_columns,
            row,
            column,
            message,
        )
    };
    let applicant = |row: u32, column: &str, message: String| {
        at(
            applicants_file,
            applicant_lines,
            applicant_columns,
            row,
            column,
            message,
        )
    };
    let message = e.to_string();
    match e {
        InstanceError::EmptySessionId { session: s }
        | InstanceError::TooManyReserves { session: s } => session(s, "session_id", message),
        InstanceError::DuplicateSession {
            session: s, first, ..
        } => session(
            s,
            "session_id",
            format!(
                "{message} (first on line {})",
                session_lines.get(first as usize).copied().unwrap_or(0)
            ),
        ),
        InstanceError::ReservesExceedCapacity { session: s, .. }
        | InstanceError::DuplicateReserve { session: s, .. } => session(s, "reserves", message),
        InstanceError::AgeRangeInverted { session: s, .. } => session(s, "min_age", message),
        InstanceError::DatesInverted { session: s, .. } => session(s, "ends", message),
        InstanceError::RuleNeedsDate {
            session: s, needs, ..
        } => session(s, if needs == "start" { "starts" } else { "ends" }, message),
        InstanceError::EmptyApplicantId { applicant: a } => applicant(a, "applicant_id", message),
        InstanceError::DuplicateApplicant {
            applicant: a,
            first,
            ..
        } => applicant(
            a,
            "applicant_id",
            format!(
                "{message} (first on line {})",
                applicant_lines.get(first as usize).copied().unwrap_or(0)
            ),
        ),
        InstanceError::UnknownChoice {
            applicant: a,
            position,
        } => applicant(a, &format!("choice_{position}"), message),
        InstanceError::DuplicateChoice {
            applicant: a,
            position,
            first,
        } => applicant(
            a,
            &format!("choice_{position}"),
            format!("the same session is already choice_{first}: each session may be ranked once"),
        ),
        InstanceError::BlockTooLarge { applicant: a, .. }
        | InstanceError::BlockChoicesDiffer { applicant: a, .. } => applicant(a, "block", message),
    }
}

/// `explain.csv`: one row per ranked session down to the one received (all
/// of them for an unplaced child), in input order, streamed to `out`.
pub fn explain_csv(
    instance: &Instance,
    allocation: &Allocation,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let header = [
        "applicant_id",
        "choice_rank",
        "session_id",
        "outcome",
        "reason",
        "applicant_tier",
        "applicant_score",
        "applicant_lottery",
        "cutoff_tier",
        "cutoff_score",
        "cutoff_lottery",
        "explanation",
    ];
    w.write_record(header)?;
    let show_tiers = instance.applicants().iter().any(|a| a.tier != 0);
    for (i, a) in instance.applicants().iter().enumerate() {
        let i = i as u32;
        let own = allocation.priority(i);
        let (own_tier, own_score, own_lottery) = match own {
            Some(p) => (
                p.tier.to_string(),
                p.score.to_string(),
                p.lottery.to_string(),
            ),
            None => (
                String::new(),
                String::new(),
                allocation.lottery(i).to_string(),
            ),
        };
        let rows = explain(instance, allocation, i);
        if rows.is_empty() {
            w.write_record([
                a.id.as_str(),
                "",
                "",
                "not_placed",
                "no_choices",
                &own_tier,
                &own_score,
                &own_lottery,
                "",
                "",
                "",
                wording::NO_CHOICES,
            ])?;
        }
        for row in rows {
            let session = &instance.sessions()[row.session as usize];
            let cutoff = wording::cutoff(&row.verdict);
            let (c_tier, c_score, c_lottery) = match cutoff {
                Some(p) => (
                    p.tier.to_string(),
                    p.score.to_string(),
                    p.lottery.to_string(),
                ),
                None => Default::default(),
            };
            w.write_record([
                a.id.as_str(),
                &row.choice_rank.to_string(),
                &session.id,
                wording::outcome(&row.verdict),
                row.verdict.code(),
                &own_tier,
                &own_score,
                &own_lottery,
                &c_tier,
                &c_score,
                &c_lottery,
                &wording::sentence(&session.id, row.choice_rank, &row.verdict, show_tiers),
            ])?;
        }
    }
    w.flush()
}

/// One published placement row, as read back for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRow {
    pub line: u64,
    pub applicant_id: String,
    pub session_id: String,
    pub choice_rank: String,
}

/// Reads a published `placements.csv` (BOM and CRLF tolerated).
pub fn parse_placements(file: &str, bytes: &[u8]) -> Result<Vec<PublishedRow>, InputError> {
    let header = "applicant_id,session_id,choice_rank";
    let mut t = Table::open(
        file,
        bytes,
        &["applicant_id", "session_id", "choice_rank"],
        header,
    )?;
    let (a, s, r) = (
        t.col("applicant_id").unwrap_or(0),
        t.col("session_id").unwrap_or(1),
        t.col("choice_rank").unwrap_or(2),
    );
    let mut rows = Vec::new();
    while t.advance()? {
        rows.push(PublishedRow {
            line: t.line,
            applicant_id: t.text(a)?.to_string(),
            session_id: t.text(s)?.to_string(),
            choice_rank: t.text(r)?.trim().to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_form_reads_back_as_the_same_instance() {
        let sessions = "session_id,capacity,school_cap,reserves,starts,ends,min_age,max_age,passport_months\n\
                        s1,3,1,rural:1,2027-07-01,2027-07-21,9,15,6\ns2,2,,,,,,,\n";
        let applicants = "applicant_id,score,choice_1,choice_2,tier,school,reserve_group,block,birth_date,passport_expires,documents_verified\n\
                          A1,12.5,s1,s2,1,school-1,rural,B1,2013-04-02,2031-01-01,yes\n\
                          A2,3,s1,s2,0,school-2,,B1,2014-05-06,,no\nA3,0,,,0,,,,,,yes\n";
        let inputs = parse(
            "s",
            sessions.as_bytes(),
            "a",
            applicants.as_bytes(),
            &|_| {},
        )
        .unwrap();
        let (s, a) = write_full(&inputs.instance);
        let again = parse("s", s.as_bytes(), "a", a.as_bytes(), &|_| {}).unwrap();
        assert_eq!(write_full(&again.instance), (s.clone(), a.clone()));
        assert!(
            a.contains("A1,12.5,s1,s2,1,school-1,rural,B1,2013-04-02,2031-01-01,yes"),
            "{a}"
        );
        assert!(
            s.contains("s1,3,1,rural:1,2027-07-01,2027-07-21,9,15,6"),
            "{s}"
        );
    }
}
