//! The `smena` binary as users run it: the allocation contract byte for
//! byte, verification, and hostile input files.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/smtp.rs"]
mod smtp;

const SEED: &str = "abababababababababababababababababababababababababababababababab";

fn smena(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smena"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(sessions: &[u8], applicants: &[u8]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sessions.csv"), sessions).unwrap();
        std::fs::write(dir.path().join("applicants.csv"), applicants).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn p(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    fn allocate(&self, extra: &[&str]) -> Output {
        let (s, a, o) = (
            self.p("sessions.csv"),
            self.p("applicants.csv"),
            self.p("placements.csv"),
        );
        let mut args = vec![
            "allocate",
            "--sessions",
            &s,
            "--applicants",
            &a,
            "--seed",
            SEED,
            "--out",
            &o,
        ];
        args.extend_from_slice(extra);
        smena(&args)
    }

    fn placements(&self) -> String {
        std::fs::read_to_string(self.path("placements.csv")).unwrap()
    }

    /// Files in the directory other than the two inputs.
    fn outputs(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "sessions.csv" && n != "applicants.csv")
            .collect();
        names.sort();
        names
    }
}

/// Runs a bad input: exit status 2, the message names what is wrong, and
/// nothing is written.
fn refused(sessions: &[u8], applicants: &[u8], expected: &[&str]) {
    let case = Case::new(sessions, applicants);
    let out = case.allocate(&["--explain", &case.p("explain.csv")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert_eq!(
        case.outputs(),
        Vec::<String>::new(),
        "nothing may be written"
    );
}

const SESSIONS: &[u8] = b"session_id,capacity\nS1,1\nS2,2\n";

#[test]
fn contract_byte_for_byte_with_required_columns_only() {
    let case = Case::new(
        SESSIONS,
        b"applicant_id,score,choice_1,choice_2\nA,5,S1,S2\nB,7,S1,\nC,1,S2,S1\nD,0,,\n",
    );
    let out = case.allocate(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // B (7) beats A (5) for S1; A and C fit in S2; D ranked nothing.
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nA,S2,2\nB,S1,1\nC,S2,1\nD,,\n"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("placed: 3 of 4 applicants"), "{stdout}");
    // SHA-256 of the 32 seed bytes (Python: hashlib.sha256(bytes.fromhex("ab" * 32))).
    assert!(
        stdout.contains(
            "commitment: 9a2db2e23f1504cd056606553ac049c5e718e8f9ce9233876df1a7a1821af885"
        ),
        "{stdout}"
    );
    // No progress bar when standard error is not a terminal.
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn results_digest_is_sha256_of_the_file() {
    let case = Case::new(SESSIONS, b"applicant_id,score,choice_1\nA,5,S1\n");
    let out = case.allocate(&[]);
    let stdout = text(&out.stdout);
    let printed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("results digest: "))
        .unwrap();
    let bytes = std::fs::read(case.path("placements.csv")).unwrap();
    assert!(
        printed.starts_with(&smena_engine::digest(&bytes)),
        "{printed}"
    );
}

#[test]
fn bom_crlf_quotes_and_unicode_ids_are_read() {
    let sessions = "\u{feff}session_id,capacity,camp\r\n\"송도원-1\",2,\"Songdowon, Wonsan\"\r\nНайрамдал,1,x\r\n";
    let applicants = "\u{feff}applicant_id,score,choice_1,choice_2\r\nЯкутск-1,3.5,송도원-1,Найрамдал\r\n\"🙂 x\",3.25,Найрамдал,\r\n";
    let case = Case::new(sessions.as_bytes(), applicants.as_bytes());
    let out = case.allocate(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nЯкутск-1,송도원-1,1\n🙂 x,Найрамдал,1\n"
    );
}

#[test]
fn result_does_not_depend_on_row_order() {
    let rows = [
        "A,5,S1,S2",
        "B,5,S1,S2",
        "C,5,S1,S2",
        "D,6,S2,S1",
        "E,5,S2,S1",
    ];
    let run = |order: &[usize]| {
        let mut csv = String::from("applicant_id,score,choice_1,choice_2\n");
        for &i in order {
            csv.push_str(rows[i]);
            csv.push('\n');
        }
        let case = Case::new(SESSIONS, csv.as_bytes());
        assert_eq!(case.allocate(&[]).status.code(), Some(0));
        let mut lines: Vec<String> = case
            .placements()
            .lines()
            .skip(1)
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(run(&[0, 1, 2, 3, 4]), run(&[4, 3, 2, 1, 0]));
    assert_eq!(run(&[0, 1, 2, 3, 4]), run(&[2, 0, 4, 1, 3]));
}

#[test]
fn capacity_zero_k_zero_and_a_hundred_choices() {
    let case = Case::new(
        b"session_id,capacity\nS1,0\n",
        b"applicant_id,score,choice_1\nA,1,S1\n",
    );
    assert_eq!(case.allocate(&[]).status.code(), Some(0));
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nA,,\n"
    );

    let case = Case::new(SESSIONS, b"applicant_id,score\nA,1\nB,2\n");
    assert_eq!(case.allocate(&[]).status.code(), Some(0));
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nA,,\nB,,\n"
    );

    let mut sessions = String::from("session_id,capacity\n");
    let mut header = String::from("applicant_id,score");
    let mut row = String::from("A,1");
    for i in 1..=100 {
        sessions.push_str(&format!("S{i},{}\n", u32::from(i == 100)));
        header.push_str(&format!(",choice_{i}"));
        row.push_str(&format!(",S{i}"));
    }
    let case = Case::new(sessions.as_bytes(), format!("{header}\n{row}\n").as_bytes());
    assert_eq!(case.allocate(&[]).status.code(), Some(0));
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nA,S100,100\n"
    );
}

#[test]
fn huge_ids_are_kept_intact() {
    let id = "x".repeat(1 << 20);
    let case = Case::new(
        SESSIONS,
        format!("applicant_id,score,choice_1\n{id},1,S1\n").as_bytes(),
    );
    assert_eq!(case.allocate(&[]).status.code(), Some(0));
    assert_eq!(
        case.placements(),
        format!("applicant_id,session_id,choice_rank\n{id},S1,1\n")
    );
}

#[test]
fn bad_input_is_refused_with_file_line_and_column() {
    let a = |rows: &str| format!("applicant_id,score,choice_1,choice_2\n{rows}").into_bytes();
    refused(
        b"",
        &a("A,1,S1,\n"),
        &["sessions.csv: is empty", "session_id,capacity"],
    );
    refused(SESSIONS, b"", &["applicants.csv: is empty"]);
    refused(
        b"session_id,places\nS1,1\n",
        &a("A,1,S1,\n"),
        &["sessions.csv, line 1", "no column \"capacity\""],
    );
    refused(
        SESSIONS,
        b"id,score\nA,1\n",
        &["applicants.csv, line 1", "no column \"applicant_id\""],
    );
    refused(
        SESSIONS,
        &a("A,1,S9,\n"),
        &[
            "applicants.csv, line 2, column 3 (choice_1)",
            "unknown session \"S9\"",
        ],
    );
    refused(
        SESSIONS,
        &a("A,1,S1,\nB,2,S2,\nA,3,S1,\n"),
        &[
            "line 4, column 1 (applicant_id)",
            "\"A\" appears twice (first on line 2)",
        ],
    );
    refused(
        b"session_id,capacity\nS1,1\nS1,2\n",
        &a("A,1,S1,\n"),
        &[
            "sessions.csv, line 3, column 1 (session_id)",
            "appears twice",
        ],
    );
    refused(
        SESSIONS,
        &a("A,1,S1,S1\n"),
        &["line 2, column 4 (choice_2)", "already choice_1"],
    );
    refused(
        SESSIONS,
        &a("A,1,,S1\n"),
        &[
            "line 2, column 3 (choice_1)",
            "choice_1 is empty but choice_2 is filled",
        ],
    );
    refused(
        b"session_id,capacity\nS1,-3\n",
        &a("A,1,S1,\n"),
        &["line 2, column 2 (capacity)", "0 or more", "-3"],
    );
    refused(
        b"session_id,capacity\nS1,2.5\n",
        &a("A,1,S1,\n"),
        &["line 2, column 2 (capacity)", "whole number"],
    );
    refused(
        b"session_id,capacity\nS1,ten\n",
        &a("A,1,S1,\n"),
        &["capacity", "whole number", "ten"],
    );
    refused(
        b"session_id,capacity\nS1,99999999999\n",
        &a("A,1,S1,\n"),
        &["capacity", "too large"],
    );
    refused(
        SESSIONS,
        &a("A,1e3,S1,\n"),
        &["line 2, column 2 (score)", "not a decimal number"],
    );
    refused(
        SESSIONS,
        &a("A,1.2345,S1,\n"),
        &["column 2 (score)", "more than three decimals"],
    );
    refused(
        SESSIONS,
        &a("A,2000000000,S1,\n"),
        &["column 2 (score)", "outside the allowed range"],
    );
    refused(SESSIONS, &a("A,,S1,\n"), &["column 2 (score)", "required"]);
    refused(
        SESSIONS,
        &a("A,1,S1\n"),
        &["applicants.csv, line 2", "3 fields but the header has 4"],
    );
    refused(
        SESSIONS,
        &a("\"A,B\",1,S1,\n"),
        &["column 1 (applicant_id)", "contains a comma"],
    );
    refused(
        SESSIONS,
        &a("\"A\nB\",1,S1,\n"),
        &["column 1 (applicant_id)", "line break"],
    );
    refused(
        SESSIONS,
        &a(" ,1,S1,\n"),
        &["column 1 (applicant_id)", "is empty"],
    );
    refused(
        SESSIONS,
        b"applicant_id,score,choice_1\nA\xff,1,S1\n",
        &["line 2, column 1", "not valid UTF-8"],
    );
    refused(
        SESSIONS,
        b"applicant_id,score,choice_2\nA,1,S1\n",
        &["choice_1 is missing"],
    );
    refused(
        SESSIONS,
        b"applicant_id,score,score\nA,1,2\n",
        &["column \"score\" appears twice"],
    );
}

#[test]
fn bad_optional_columns_are_refused_too() {
    let s = |rows: &str| {
        format!("session_id,capacity,school_cap,reserves,starts,ends,min_age,max_age,passport_months\n{rows}").into_bytes()
    };
    let a = b"applicant_id,score,choice_1\nA,1,S1\n";
    refused(
        &s("S1,5,-1,,,,,,\n"),
        a,
        &["column 3 (school_cap)", "0 or more"],
    );
    refused(
        &s("S1,5,,north,,,,,\n"),
        a,
        &["column 4 (reserves)", "group:places"],
    );
    refused(
        &s("S1,5,,north:9,,,,,\n"),
        a,
        &["column 4 (reserves)", "exceed the session's capacity"],
    );
    refused(
        &s("S1,5,,north:1;north:1,,,,,\n"),
        a,
        &["column 4 (reserves)", "listed twice"],
    );
    refused(
        &s("S1,5,,,2027-02-30,,,,\n"),
        a,
        &["column 5 (starts)", "not a real date"],
    );
    refused(
        &s("S1,5,,,01.07.2027,,,,\n"),
        a,
        &["column 5 (starts)", "YYYY-MM-DD"],
    );
    refused(
        &s("S1,5,,,2027-07-10,2027-07-01,,,\n"),
        a,
        &["column 6 (ends)", "before it starts"],
    );
    refused(
        &s("S1,5,,,,,10,,\n"),
        a,
        &["column 5 (starts)", "age limit needs the session's start"],
    );
    refused(
        &s("S1,5,,,2027-07-01,,15,10,\n"),
        a,
        &["column 7 (min_age)", "above maximum age"],
    );
    refused(
        &s("S1,5,,,,,,,6\n"),
        a,
        &["column 6 (ends)", "passport validity"],
    );

    let ok_sessions = b"session_id,capacity\nS1,5\n";
    let apps = |rows: &str| {
        format!("applicant_id,score,choice_1,tier,block,birth_date,passport_expires,documents_verified\n{rows}").into_bytes()
    };
    refused(
        ok_sessions,
        &apps("A,1,S1,300,,,,yes\n"),
        &["column 4 (tier)", "too large"],
    );
    refused(
        ok_sessions,
        &apps("A,1,S1,0,,2014-13-01,,yes\n"),
        &["column 6 (birth_date)", "not a real date"],
    );
    refused(
        ok_sessions,
        &apps("A,1,S1,0,,,soon,yes\n"),
        &["column 7 (passport_expires)", "YYYY-MM-DD"],
    );
    refused(
        ok_sessions,
        &apps("A,1,S1,0,,,,maybe\n"),
        &["column 8 (documents_verified)", "yes or no"],
    );
    let five = "A,1,S1,0,f,,,yes\nB,1,S1,0,f,,,yes\nC,1,S1,0,f,,,yes\nD,1,S1,0,f,,,yes\nE,1,S1,0,f,,,yes\n";
    refused(
        ok_sessions,
        &apps(five),
        &["line 6, column 5 (block)", "more than 4 children"],
    );
    refused(
        b"session_id,capacity\nS1,5\nS2,5\n",
        &apps("A,1,S1,0,f,,,yes\nB,1,S2,0,f,,,yes\n"),
        &[
            "line 3, column 5 (block)",
            "same sessions in the same order",
        ],
    );
}

#[test]
fn bad_arguments_and_files_are_refused() {
    let case = Case::new(SESSIONS, b"applicant_id,score,choice_1\nA,1,S1\n");
    let (s, a, o) = (
        case.p("sessions.csv"),
        case.p("applicants.csv"),
        case.p("placements.csv"),
    );
    let out = smena(&[
        "allocate",
        "--sessions",
        &s,
        "--applicants",
        &a,
        "--seed",
        "xyz",
        "--out",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--seed: expected 64 hexadecimal digits"),
        "{}",
        text(&out.stderr)
    );
    let missing = case.p("nope.csv");
    let out = smena(&[
        "allocate",
        "--sessions",
        &missing,
        "--applicants",
        &a,
        "--seed",
        SEED,
        "--out",
        &o,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read") && text(&out.stderr).contains("nope.csv"));
    // An output that would overwrite an input is refused, and the input kept.
    let out = smena(&[
        "allocate",
        "--sessions",
        &s,
        "--applicants",
        &a,
        "--seed",
        SEED,
        "--out",
        &a,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is an input file"));
    assert_eq!(
        std::fs::read(&a).unwrap(),
        b"applicant_id,score,choice_1\nA,1,S1\n"
    );
    assert_eq!(case.outputs(), Vec::<String>::new());
    let out = smena(&["allocate", "--sessions", &s]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_failed_run_keeps_the_previous_output() {
    let case = Case::new(SESSIONS, b"applicant_id,score,choice_1\nA,1,S1\n");
    assert_eq!(case.allocate(&[]).status.code(), Some(0));
    let before = case.placements();
    std::fs::write(
        case.path("applicants.csv"),
        b"applicant_id,score,choice_1\nA,1,S7\n",
    )
    .unwrap();
    assert_eq!(case.allocate(&[]).status.code(), Some(2));
    assert_eq!(case.placements(), before);
    assert_eq!(case.outputs(), vec!["placements.csv".to_string()]);
}

fn yakutia() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/yakutia")
}

#[test]
fn yakutia_example_allocates_explains_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (s, a) = (
        yakutia().join("sessions.csv"),
        yakutia().join("applicants.csv"),
    );
    let (s, a) = (s.to_str().unwrap(), a.to_str().unwrap());
    let (p, e) = (
        dir.path().join("placements.csv"),
        dir.path().join("explain.csv"),
    );
    let (p, e) = (p.to_str().unwrap(), e.to_str().unwrap());
    let out = smena(&[
        "allocate",
        "--sessions",
        s,
        "--applicants",
        a,
        "--seed",
        SEED,
        "--out",
        p,
        "--explain",
        e,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let placements = std::fs::read_to_string(p).unwrap();
    let explain = std::fs::read_to_string(e).unwrap();
    // Every applicant has a row, in input order.
    let ids: Vec<&str> = placements
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let input_ids: Vec<String> = std::fs::read_to_string(a)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, input_ids);
    // Explanations cover every kind of reason the scenario has.
    for reason in [
        "placed",
        "below_cutoff",
        "documents_not_verified",
        "too_young",
        "passport_expires_too_soon",
        "block_member_ineligible",
    ] {
        assert!(
            explain.contains(&format!(",{reason},")),
            "no {reason} in explain.csv"
        );
    }
    assert!(
        explain
            .contains("Not placed in songdowon-2027-2: its places went to children ranked higher.")
    );

    let commitment = text(&smena(&["commit", "--seed", SEED]).stdout)
        .trim()
        .to_string();
    let verify = |placements: &str, seed: &str| {
        smena(&[
            "verify",
            "--sessions",
            s,
            "--applicants",
            a,
            "--seed",
            seed,
            "--commitment",
            &commitment,
            "--placements",
            placements,
        ])
    };
    let ok = verify(p, SEED);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).starts_with("VERIFIED"));

    // A tampered result: one child moved to another session.
    let tampered_path = dir.path().join("tampered.csv");
    let mut lines: Vec<String> = placements.lines().map(String::from).collect();
    let (i, row) = lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| !l.ends_with(",,"))
        .unwrap();
    let id = row.split(',').next().unwrap().to_string();
    lines[i] = format!("{id},,");
    std::fs::write(&tampered_path, lines.join("\n") + "\n").unwrap();
    let bad = verify(tampered_path.to_str().unwrap(), SEED);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(
        err.contains("NOT VERIFIED")
            && err.contains(&format!("line {}", i + 1))
            && err.contains(&id),
        "{err}"
    );

    // CRLF and a byte-order mark do not change the content.
    let crlf_path = dir.path().join("crlf.csv");
    std::fs::write(
        &crlf_path,
        format!("\u{feff}{}", placements.replace('\n', "\r\n")),
    )
    .unwrap();
    let crlf = verify(crlf_path.to_str().unwrap(), SEED);
    assert_eq!(crlf.status.code(), Some(0), "{}", text(&crlf.stderr));
    assert!(text(&crlf.stdout).contains("bytes differ from the canonical form"));

    // Another seed does not match the commitment.
    let other = "cd".repeat(32);
    let wrong = verify(p, &other);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong.stderr).contains("does not match the commitment"));
}

#[test]
fn commit_prints_sha256_of_the_seed_bytes() {
    let out = smena(&["commit", "--seed", &"00".repeat(32)]);
    assert_eq!(
        text(&out.stdout).trim(),
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    );
    let fresh = text(&smena(&["commit"]).stdout);
    let seed = fresh
        .lines()
        .find_map(|l| l.strip_prefix("seed: "))
        .unwrap();
    let commitment = fresh
        .lines()
        .find_map(|l| l.strip_prefix("commitment: "))
        .unwrap();
    assert_eq!(
        text(&smena(&["commit", "--seed", seed]).stdout).trim(),
        commitment
    );
}

#[test]
fn lottery_matches_the_python_reference_implementation() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lottery.py");
    let ids = [
        "SKH-27-0001",
        "Якутск-1",
        "송도원",
        "family-007",
        "a\"b",
        "",
    ];
    let out = Command::new("python3")
        .arg(&script)
        .arg(SEED)
        .args(ids)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let seed = smena_engine::Seed::from_hex(SEED).unwrap();
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), ids.len());
    for (id, line) in ids.iter().zip(&lines) {
        assert_eq!(line, &format!("{id}\t{}", seed.lottery_number(id)));
    }
}

#[test]
fn generator_is_deterministic_and_matches_the_bundled_example() {
    let dir = tempfile::tempdir().unwrap();
    let out = smena(&["generate", "yakutia", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    for f in ["sessions.csv", "applicants.csv"] {
        let fresh = std::fs::read_to_string(dir.path().join(f)).unwrap();
        let bundled = std::fs::read_to_string(yakutia().join(f)).unwrap();
        assert!(
            fresh == bundled,
            "examples/yakutia/{f} is not what `smena generate yakutia` writes"
        );
    }
}

#[test]
fn blocks_are_named_so_they_cannot_form_cycles() {
    // A names B as its block and B names A: these are two one-child blocks
    // called "B" and "A", not a cycle; C and D share block "fam" and are
    // placed together or not at all.
    let sessions = b"session_id,capacity\nS1,3\nS2,2\n";
    let applicants = b"applicant_id,score,choice_1,choice_2,block\nA,9,S1,S2,B\nB,8,S1,S2,A\nC,7,S1,S2,fam\nD,1,S1,S2,fam\nE,5,S1,S2,\n";
    let case = Case::new(sessions, applicants);
    let out = case.allocate(&["--explain", &case.p("explain.csv")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // S1 has 3 places: A and B first; the block needs 2 (its weakest member
    // scores 1) and does not fit, E takes the third; the block goes to S2.
    assert_eq!(
        case.placements(),
        "applicant_id,session_id,choice_rank\nA,S1,1\nB,S1,1\nC,S2,2\nD,S2,2\nE,S1,1\n"
    );
    let explain = std::fs::read_to_string(case.path("explain.csv")).unwrap();
    assert!(
        explain.contains("C,1,S1,not_placed,block_does_not_fit"),
        "{explain}"
    );
}

/// A port nobody listens on yet.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the server `command` listening on `port`, and waits until it
/// answers; returns it with its address and a browser-like client.
async fn started(
    mut command: Command,
    port: u16,
) -> (std::process::Child, String, reqwest::Client) {
    let mut server = command.stdout(std::process::Stdio::null()).spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for _ in 0..600 {
        if c.get(format!("{base}/healthz")).send().await.is_ok() {
            return (server, base, c);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("the server does not answer on {base}");
}

/// `smena demo` or `smena serve` on `port` with the SQLite file `database`.
fn listening(command: &str, port: u16, database: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smena"));
    c.args([
        command,
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--database",
    ])
    .arg(database);
    c
}

/// Logs `c` in as the demo parent; the id of the parent's first child.
async fn as_demo_parent(c: &reqwest::Client, base: &str) -> String {
    let login = c.get(format!("{base}/login")).send().await.unwrap();
    let csrf = csrf_of(&login.text().await.unwrap());
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "parent@demo.smena"),
            ("password", "smena-demo-2027"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the demo parent logs in");
    let children = c.get(format!("{base}/children")).send().await.unwrap();
    let children = children.text().await.unwrap();
    // The demo family's daughter (children added by a test sort elsewhere).
    let name = children.find("Айыына").unwrap();
    let at = children[..name].rfind("href=\"/children/").unwrap() + 16;
    children[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The CSRF token of the form on `page`.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_string()
}

/// `smena demo` serves the reference scenario; its log says who did what
/// (accounts by id, routes by pattern, the audit entries) and never names
/// a child or prints an e-mail address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_logs_who_did_what_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("stderr.log");
    let mut command = Command::new(env!("CARGO_BIN_EXE_smena"));
    command
        .args([
            "demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
        ])
        .arg(dir.path().join("demo.db"))
        .env("SMENA_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap());
    let (mut server, base, c) = started(command, port).await;
    let id = as_demo_parent(&c, &base).await;
    let page = c
        .get(format!("{base}/children/{id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let name = page
        .split("<h1>")
        .nth(1)
        .and_then(|h| h.split("</h1>").next())
        .unwrap()
        .to_string();
    assert!(!name.is_empty());
    // SIGTERM: the server finishes and closes the database.
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success(), "a clean stop on SIGTERM");

    let log = std::fs::read_to_string(&log).unwrap();
    let audit = log
        .lines()
        .find(|l| {
            l.contains("smena::audit")
                && l.contains(&format!("id={id}"))
                && l.contains("action=\"read\"")
        })
        .unwrap_or_else(|| panic!("the read of the child's record is logged:\n{log}"));
    assert!(
        audit.contains("action=\"read\"")
            && audit.contains("resource=\"child\"")
            && audit.contains("role=\"parent\"")
            && audit.contains("account="),
        "{audit}"
    );
    assert!(
        log.lines().any(|l| l.contains("smena::request")
            && l.contains("route=\"/children/{id}\"")
            && l.contains("status=200")
            && l.contains("account=")),
        "each request is logged by route, status and account:\n{log}"
    );
    for (what, secret) in [
        ("the child's name", name.as_str()),
        ("an e-mail address", "@demo.smena"),
    ] {
        for part in secret.split_whitespace() {
            assert!(!log.contains(part), "the log shows {what} ({part}):\n{log}");
        }
    }
}

/// Registers sardana@example.org through the service's form, which sends
/// the confirmation e-mail.
async fn register_sardana(c: &reqwest::Client, base: &str) {
    let form = c
        .get(format!("{base}/register"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let r = c
        .post(format!("{base}/register"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Sardana Ivanova"),
            ("email", "sardana@example.org"),
            ("password", "a long enough passphrase"),
            ("password_again", "a long enough passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// `smena serve --smtp` delivers the outbox: a registration's confirmation
/// link arrives at a real SMTP server, from the configured sender.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_mail_through_the_smtp_server() {
    let sink = smtp::SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_smena"));
    command
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--base-url",
            // Not https: the test's client must get its cookies back over http.
            "http://smena.example.org:8080",
            "--smtp",
            &format!("smtp://127.0.0.1:{}", sink.port),
            "--database",
        ])
        .arg(dir.path().join("smena.db"))
        .stderr(std::process::Stdio::null());
    let (mut server, base, c) = started(command, port).await;
    register_sardana(&c, &base).await;
    let arrived = sink.wait_for(1).await;
    let _ = server.kill();
    let _ = server.wait();
    let mail = &arrived[0];
    assert!(mail.contains("To: sardana@example.org"), "{mail}");
    assert!(
        mail.contains("From: Smena <noreply@smena.example.org>"),
        "{mail}"
    );
    assert!(mail.contains("http://smena.example.org:8080/verify-email?token="));
    assert!(
        mail.contains("@smena.example.org>"),
        "Message-ID in the service's domain"
    );
}

/// With TLS (`smtps://` and `smtp+starttls://`), the mail server's
/// certificate is checked: one from an authority the service does not know
/// is refused and the message waits in the outbox; given that authority
/// (`--smtp-ca`), the message arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_mail_over_tls_only_to_a_trusted_server() {
    for (mode, scheme) in [("smtps", "smtps"), ("starttls", "smtp+starttls")] {
        let sink = smtp::SmtpSink::start_tls(mode).await;
        let ca = sink.ca().display().to_string();
        for trusted in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let mut command = Command::new(env!("CARGO_BIN_EXE_smena"));
            command
                .args([
                    "serve",
                    "--listen",
                    &format!("127.0.0.1:{port}"),
                    "--smtp",
                    &format!("{scheme}://127.0.0.1:{}", sink.port),
                    "--database",
                ])
                .arg(dir.path().join("smena.db"))
                .stderr(std::process::Stdio::null());
            if trusted {
                command.args(["--smtp-ca", &ca]);
            }
            let (mut server, base, c) = started(command, port).await;
            register_sardana(&c, &base).await;
            if trusted {
                let arrived = sink.wait_for(1).await;
                assert!(arrived[0].contains("To: sardana@example.org"), "{mode}");
            } else {
                // The attempt fails on the certificate and is recorded.
                let db = dir.path().join("smena.db").display().to_string();
                let mut error = None;
                for _ in 0..300 {
                    let db = smena::store::Db::connect(&db).await.unwrap();
                    let row: Option<(Option<String>,)> = sqlx::query_as(
                        "SELECT last_error FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL",
                    )
                    .fetch_optional(db.pool())
                    .await
                    .unwrap();
                    db.close().await;
                    if let Some((e,)) = row {
                        error = e;
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                let error = error.unwrap_or_default();
                assert!(
                    error.to_lowercase().contains("certificate"),
                    "{mode}: {error}"
                );
                assert!(
                    sink.messages().is_empty(),
                    "{mode}: nothing sent to an unknown server"
                );
            }
            let _ = server.kill();
            let _ = server.wait();
        }
    }
    // A trusted certificate that is not one is refused at start.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let database = dir.path().join("smena.db");
    let out = smena(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--smtp",
        "smtps://mail.example.org",
        "--smtp-ca",
        bad.to_str().unwrap(),
        "--database",
        database.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--smtp/--smtp-ca"),
        "{}",
        text(&out.stderr)
    );
}

/// The SQLite file `database`, migrated and unlocked with the key file
/// beside it (made there if missing), as `smena serve` would open it.
async fn opened(database: &str) -> smena::store::Db {
    let db = smena::store::Db::connect(database).await.unwrap();
    db.migrate().await.unwrap();
    let key =
        smena::store::ServerKey::load_or_create(std::path::Path::new(&format!("{database}.key")))
            .unwrap();
    db.unlock(&key).await.unwrap();
    db
}

/// `live.db` in `dir` holding the reference scenario (scans beside it, in
/// `live.db.files`), opened as `smena serve` would: its path, URL and
/// handle.
async fn demo_database(dir: &tempfile::TempDir) -> (std::path::PathBuf, String, smena::store::Db) {
    let live = dir.path().join("live.db");
    let database = live.display().to_string();
    let db = opened(&database).await;
    smena::scenario::demo::load(&db, &dir.path().join("live.db.files"))
        .await
        .unwrap();
    (live, database, db)
}

/// How many rows `table` of the SQLite file `database` has now.
async fn count_rows(database: &str, table: &str) -> i64 {
    let db = smena::store::Db::connect(database).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    n
}

/// `smena import roster` checks the file and names what is wrong; it writes
/// only with --yes, and then all the pupils.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_roster_checks_then_writes_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("smena.db").display().to_string();
    let db = opened(&database).await;
    smena::scenario::demo::load(&db, &dir.path().join("files"))
        .await
        .unwrap();
    db.close().await;
    let pupils = || count_rows(&database, "pupils");
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, "family_name,given_name,birth_date,class\nPetrova,Aiyyna,2013-04-02,7A\nIvanov,,2012-13-01,8B\n").unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "Фамилия;Имя;Дата рождения;Класс\nPetrova;Aiyyna;02.04.2013;7A\nIvanov;Erchim;2012-01-01;8B\n").unwrap();
    let import_to = |school: &str, file: &Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "roster",
            file.to_str().unwrap(),
            "--school",
            school,
            "--database",
            &database,
        ];
        args.extend_from_slice(extra);
        smena(&args)
    };
    let import = |file: &Path, extra: &[&str]| import_to("Саха гимназия", file, extra);
    let out = import(&broken, &["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("nothing was imported")
            && err.contains("Line 3, column 2 (given_name)")
            && err.contains("Line 3, column 3 (birth_date)"),
        "{err}"
    );
    assert_eq!(pupils().await, 0);
    let out = import(&good, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("2 pupils for Саха гимназия")
            && text(&out.stdout).contains("Nothing was written")
    );
    assert_eq!(pupils().await, 0);
    let out = import(&good, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 pupils imported"));
    assert_eq!(pupils().await, 2);
    let out = import_to("Nowhere", &good, &["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no school is called \"Nowhere\""));
}

/// `smena import achievements` names broken rows and unknown children and
/// writes nothing; with `--yes` it adds the achievements once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_achievements_checks_then_writes_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("smena.db").display().to_string();
    let db = opened(&database).await;
    smena::scenario::demo::load(&db, &dir.path().join("files"))
        .await
        .unwrap();
    let (family, given, birth): (String, String, String) = sqlx::query_as(
        "SELECT family_name, given_name, birth_date FROM children ORDER BY id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    db.close().await;
    let achievements = || count_rows(&database, "achievements");
    let before = achievements().await;
    let header = "family_name,given_name,birth_date,achievement,level,place";
    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        format!("{header}\n{family},{given},{birth},Chess,regional,9\nNobody,Known,2013-01-01,Chess,regional,1\n"),
    )
    .unwrap();
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(
        &unknown,
        format!("{header}\nNobody,Known,2013-01-01,Chess,regional,1\n"),
    )
    .unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("{header}\n{family},{given},{birth},Chess,regional,1\n"),
    )
    .unwrap();
    let import = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "achievements",
            file.to_str().unwrap(),
            "--database",
            &database,
        ];
        args.extend_from_slice(extra);
        smena(&args)
    };
    let out = import(&broken, &["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("Line 2, column 6 (place)"),
        "{}",
        text(&out.stderr)
    );
    let out = import(&unknown, &["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Line 2: no child Known Nobody"));
    assert_eq!(achievements().await, before);
    let out = import(&good, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Nothing was written"));
    assert_eq!(achievements().await, before);
    let out = import(&good, &["--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 achievements added"));
    assert_eq!(achievements().await, before + 1);
    let out = import(&good, &["--yes"]);
    assert!(text(&out.stdout).contains("0 achievements added"));
    assert_eq!(achievements().await, before + 1);
}

/// `smena export` writes the same rows as the coordinator's download, as
/// XLSX or CSV, and refuses what it cannot export without writing a file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_spreadsheets_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("smena.db").display().to_string();
    let db = opened(&database).await;
    smena::scenario::demo::load(&db, &dir.path().join("files"))
        .await
        .unwrap();
    let (programme,): (i64,) = sqlx::query_as("SELECT id FROM programmes")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let (submitted,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications")
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    let export = |what: &str, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "export",
            what,
            "--out",
            out.to_str().unwrap(),
            "--database",
            &database,
        ];
        args.extend_from_slice(extra);
        smena(&args)
    };
    let placements = dir.path().join("placements.xlsx");
    let out = export("placements", &placements, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("the programme has no final allocation yet"),
        "{}",
        text(&out.stderr)
    );
    assert!(!placements.exists(), "nothing written");
    for (what, file, expected) in [
        ("passwords", "x.csv", "cannot export \"passwords\""),
        ("applications", "x.pdf", "must end in .xlsx or .csv"),
        ("manifest", "x.csv", "--session names the session"),
    ] {
        let out = export(what, &dir.path().join(file), &[]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(
            text(&out.stderr).contains(expected),
            "{}",
            text(&out.stderr)
        );
    }
    let out = export(
        "manifest",
        &dir.path().join("m.csv"),
        &["--session", "nope"],
    );
    assert!(text(&out.stderr).contains("no session \"nope\""));

    let csv_file = dir.path().join("applications.csv");
    let out = export("applications", &csv_file, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv_text = std::fs::read_to_string(&csv_file).unwrap();
    assert!(csv_text.starts_with("\u{feff}reference,family_name,given_name"));
    assert_eq!(csv_text.lines().count() as i64, submitted + 1);
    assert!(csv_text.contains("songdowon-2027-"));

    // After the final allocation: placements and the waitlist, as XLSX.
    let db = opened(&database).await;
    {
        use smena::allocation::lottery;
        use smena::domain::access::{Action, Resource};
        use smena::store::{Actor, now_ms};
        let on = (Action::Update, Resource::Programme);
        db.write(Actor::CommandLine, on, async |c| {
            lottery::close(c, programme, now_ms(), None).await
        })
        .await
        .unwrap()
        .unwrap();
        db.write(Actor::CommandLine, on, async |c| {
            lottery::freeze(c, &db, programme).await
        })
        .await
        .unwrap();
        let beacon = smena_engine::Beacon::from_bytes([7; 32]);
        db.write(Actor::CommandLine, on, async |c| {
            lottery::enter_beacon(c, programme, &beacon).await
        })
        .await
        .unwrap();
    }
    let request = smena::allocation::runs::RunRequest {
        kind: smena::domain::states::RunKind::Final,
        label: "final",
        overrides: &Default::default(),
    };
    smena::allocation::runs::run(&db, smena::store::Actor::CommandLine, programme, &request)
        .await
        .unwrap();
    let (placed, unplaced): (i64, i64) = sqlx::query_as(
        "SELECT SUM(CASE WHEN session_id IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN session_id IS NULL THEN 1 ELSE 0 END) FROM placements",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(placed > 0 && unplaced > 0);
    db.close().await;
    use calamine::Reader as _;
    for (what, rows) in [("placements", placed), ("waitlist", unplaced)] {
        let file = dir.path().join(format!("{what}.xlsx"));
        let out = export(what, &file, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains(&format!("{rows} rows of {what}")));
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.height() as i64, rows + 1, "{what}");
    }
}

/// The server's peak resident memory (VmHWM) and now (VmRSS), in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap()
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// More idle connections than the server may open files (`ulimit -n 256`
/// for it) never keep out a request that is actually sent: `/healthz`
/// answers within a second, again and again, while they are held; the log
/// says what cap the server set itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_beyond_the_open_files_limit_leave_healthz_answering() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("stderr.log");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -n 256 && exec '{}' serve --listen 127.0.0.1:{port} --database '{}'",
            env!("CARGO_BIN_EXE_smena"),
            dir.path().join("flood.db").display()
        ))
        .env("SMENA_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap());
    let (mut server, base, _) = started(command, port).await;
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("accepting connections")
            && said.contains("max_connections=192")
            && said.contains("open_files_limit=256"),
        "{said}"
    );
    let mut idle = Vec::new();
    for _ in 0..400 {
        idle.push(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap(),
        );
    }
    for _ in 0..5 {
        let c = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(1))
            .build()
            .unwrap();
        let r = c.get(format!("{base}/healthz")).send().await;
        assert!(
            matches!(&r, Ok(r) if r.status() == 200),
            "/healthz under a flood of idle connections: {r:?}"
        );
        // The flood goes on: as many again, newer than the answer.
        for _ in 0..100 {
            if let Ok(s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                idle.push(s);
            }
        }
    }
    // The oldest idle connections were closed to make room.
    let mut closed = 0;
    for s in idle.iter().take(100) {
        let mut buf = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(std::time::Duration::from_millis(50), s.peek(&mut buf)).await
        {
            closed += 1;
        }
    }
    assert!(closed > 50, "only {closed} of the oldest were closed");
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("connections at their cap"), "{said}");
    let _ = server.kill();
    let _ = server.wait();
}

/// Forty uploads of 9.9 MB at once by one parent, three times over: two
/// at a time are stored (streamed to disk), the rest are told to wait
/// (429 with Retry-After) without breaking the connection, and the
/// server's peak memory grows by less than 128 MiB, where holding the
/// uploads would take 400 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_stream_to_disk_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = listening("demo", port, &dir.path().join("demo.db"));
    command
        .env("SMENA_LOG", "warn")
        .stderr(std::process::Stdio::null());
    let (mut server, base, c) = started(command, port).await;
    let child = as_demo_parent(&c, &base).await;
    let page = c
        .get(format!("{base}/children/{child}"))
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&page.text().await.unwrap());
    let (before, _) = memory_kib(server.id());
    let (mut stored, mut waited) = (0, 0);
    for round in 0..3u8 {
        let mut sending = Vec::new();
        for i in 0..40u8 {
            let mut scan = b"%PDF-1.4\n".to_vec();
            scan.resize(9_900_000, round * 40 + i);
            let form = reqwest::multipart::Form::new()
                .text("kind", "medical")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(scan).file_name(format!("scan{i}.pdf")),
                );
            let request = c
                .post(format!("{base}/children/{child}/documents?csrf={csrf}"))
                .multipart(form);
            sending.push(tokio::spawn(request.send()));
        }
        for s in sending {
            let r = s
                .await
                .unwrap()
                .expect("an answer, not a broken connection");
            match r.status().as_u16() {
                303 => stored += 1,
                429 => {
                    assert!(r.headers().contains_key("retry-after"));
                    assert!(r.text().await.unwrap().contains("several files"));
                    waited += 1;
                }
                other => panic!("upload answered {other}"),
            }
        }
    }
    let (peak, now) = memory_kib(server.id());
    eprintln!(
        "uploads: {stored} stored, {waited} told to wait; memory {before} KiB before, peak {peak} KiB, now {now} KiB"
    );
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        stored >= 3 && waited >= 60,
        "{stored} stored, {waited} told to wait"
    );
    // The bound: what 32 uploads under way at once hold (a chunk each, and
    // the connections' buffers) plus what the allocator keeps of it.
    assert!(
        peak.saturating_sub(before) < 128 * 1024,
        "memory grew from {before} KiB to a peak of {peak} KiB (now {now} KiB)"
    );
    // Every stored scan is on disk, whole.
    let files = walk(&dir.path().join("demo.db.files"));
    assert!(
        files.iter().filter(|(_, size)| *size > 9_900_000).count() >= stored,
        "{files:?}"
    );
    // Children's scans and the database are the service's alone.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("demo.db.files")), 0o700);
    for (file, _) in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
        assert_eq!(mode(file.parent().unwrap()), 0o700, "{}", file.display());
    }
    for name in ["demo.db", "demo.db-wal", "demo.db-shm"] {
        assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
    }
}

/// Every file under `dir` with its size.
fn walk(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else if let Ok(m) = e.metadata() {
                found.push((path, m.len()));
            }
        }
    }
    found
}

/// A connection that sends nothing, one that sends half its headers, and
/// a keep-alive connection left idle after its answer are all closed once
/// `--header-timeout` has passed; a connection still within it is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_slow_and_idle_connections_are_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = listening("serve", port, &dir.path().join("timeout.db"));
    command
        .args(["--header-timeout", "2"])
        .stderr(std::process::Stdio::null());
    let (mut server, _, _) = started(command, port).await;
    let connect = || tokio::net::TcpStream::connect(("127.0.0.1", port));
    let silent = connect().await.unwrap();
    let mut slow = connect().await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut idle = connect().await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    while !answer.ends_with(b"\r\n\r\nok") {
        let mut piece = [0u8; 4096];
        let n = idle.read(&mut piece).await.unwrap();
        assert!(n > 0, "closed before the answer");
        answer.extend_from_slice(&piece[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    // Within the timeout all three are open.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let mut byte = [0u8; 1];
    for (what, s) in [("silent", &silent), ("slow", &slow), ("idle", &idle)] {
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(100), s.peek(&mut byte))
                .await
                .is_err(),
            "the {what} connection was closed too early"
        );
    }
    // Past it, each is closed by the server.
    for (what, mut s) in [("silent", silent), ("slow", slow), ("idle", idle)] {
        let mut rest = Vec::new();
        let closed =
            tokio::time::timeout(std::time::Duration::from_secs(4), s.read_to_end(&mut rest)).await;
        assert!(
            matches!(closed, Ok(Ok(_)) | Ok(Err(_))),
            "the {what} connection is still open"
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// `smena audit verify`: entries written before the chain existed are
/// chained once when the database is migrated; the intact log is
/// confirmed with its head; an entry changed behind the service's back
/// (its guard removed first) is named, with exit status 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_names_the_entry_changed_behind_the_services_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.db");
    let database = file.display().to_string();
    assert!(
        smena(&["migrate", "--database", &database])
            .status
            .success()
    );
    // As an earlier version left it: entries outside any chain, and no
    // guard on the table.
    let db = smena::store::Db::connect(&database).await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    for sql in [
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_delete",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    for (id, at) in [(11i64, 5i64), (10, 7)] {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor_role, action, resource, outcome, detail) \
             VALUES ($1, $2, 'coordinator', 'update', 'programme', 'ok', 'earlier')",
        )
        .bind(id)
        .bind(at)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE audit_chain SET seq = -1")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;

    let out = smena(&["audit", "verify", "--database", &database]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("the audit log is intact: 2 entries, head "),
        "{}",
        text(&out.stdout)
    );

    let db = smena::store::Db::connect(&database).await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let guarded = sqlx::query("UPDATE audit_log SET detail = 'forged' WHERE id = 10")
        .execute(&mut *tx)
        .await;
    assert!(guarded.is_err(), "the guard refuses the change");
    drop(tx);
    let mut tx = db.begin_write().await.unwrap();
    for sql in [
        "DROP TRIGGER audit_log_no_update",
        "UPDATE audit_log SET detail = 'forged' WHERE id = 10",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    db.close().await;
    let out = smena(&["audit", "verify", "--database", &database]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("audit entry 2 (id 10): its contents do not match its hash"),
        "{}",
        text(&out.stderr)
    );
}

/// The backup drill: while `smena serve` runs on the database and audited
/// changes keep coming, `smena backup` writes an encrypted snapshot (no
/// e-mail address or SQLite header readable in it); `smena restore` puts
/// it into a new file, checks the audit chain and counts; the service
/// starts on it and the demo parent logs in. Another key restores nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_restores_into_a_working_database() {
    use smena::domain::access::{Action, Resource};
    let dir = tempfile::tempdir().unwrap();
    let (live, database, db) = demo_database(&dir).await;
    let port = free_port();
    let mut command = listening("serve", port, &live);
    command.stderr(std::process::Stdio::null());
    let (mut server, _, _) = started(command, port).await;
    let audited = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
            .fetch_one(db.pool())
            .await
            .unwrap();
        n
    };
    let before = audited().await;
    // A write load through the audited write, from another process's
    // point of view (its own connections), during the backup.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let load = {
        let (db, writing) = (db.clone(), writing.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                db.write(
                    smena::store::Actor::CommandLine,
                    (Action::Update, Resource::Programme),
                    async |c| {
                        c.audit(None, format!("drill {i}"));
                        Ok::<_, anyhow::Error>(())
                    },
                )
                .await
                .unwrap();
                i += 1;
            }
            i
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let out = dir.path().join("backup.smena");
    let backed = {
        let (database, out) = (database.clone(), out.clone());
        tokio::task::spawn_blocking(move || {
            smena(&[
                "backup",
                "--database",
                &database,
                "--out",
                &out.display().to_string(),
            ])
        })
        .await
        .unwrap()
    };
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    let nowhere = dir.path().join("no such folder").join("b.smena");
    let refused = smena(&[
        "backup",
        "--database",
        &database,
        "--out",
        &nowhere.display().to_string(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("does not exist"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!nowhere.parent().unwrap().exists());
    let written = load.await.unwrap();
    assert_eq!(backed.status.code(), Some(0), "{}", text(&backed.stderr));
    assert!(written > 0);
    let after = audited().await;
    db.close().await;
    let _ = server.kill();
    let _ = server.wait();

    let sealed = std::fs::read(&out).unwrap();
    for clear in [&b"parent@demo.smena"[..], b"SQLite format 3"] {
        assert!(!sealed.windows(clear.len()).any(|w| w == clear), "in clear");
    }
    let key = format!("{database}.key");
    let other = dir.path().join("other.key");
    std::fs::write(&other, "ab".repeat(32)).unwrap();
    let wrong = dir.path().join("wrong.db");
    let refused = smena(&[
        "restore",
        "--from",
        &out.display().to_string(),
        "--database",
        &wrong.display().to_string(),
        "--key-file",
        &other.display().to_string(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("cannot be opened with this key"));
    assert!(!wrong.exists());

    let restored = dir.path().join("restored.db");
    let done = smena(&[
        "restore",
        "--from",
        &out.display().to_string(),
        "--database",
        &restored.display().to_string(),
        "--key-file",
        &key,
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(said.contains("the audit log is intact"), "{said}");
    let entries: i64 = said
        .split("intact: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        before < entries && entries <= after,
        "a snapshot taken during the load: {before} < {entries} <= {after}"
    );
    let verified = smena(&[
        "audit",
        "verify",
        "--database",
        &restored.display().to_string(),
    ]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );

    let port = free_port();
    let mut command = listening("serve", port, &restored);
    command
        .args([
            "--files",
            &dir.path().join("live.db.files").display().to_string(),
        ])
        .stderr(std::process::Stdio::null());
    let (mut server, base, c) = started(command, port).await;
    let child = as_demo_parent(&c, &base).await;
    let page = c
        .get(format!("{base}/children/{child}/edit"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the child's record opens with the key");
    let _ = server.kill();
    let _ = server.wait();
}

/// `smena keys rotate` while `smena serve` runs: the data keys are
/// re-wrapped and a reset link waiting in the outbox re-sealed under a new
/// key; the service goes on answering and takes the new key up by itself;
/// restarted, it opens with the new key (the child's passport number
/// still reads) and the old key, kept as `.previous`, is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_key_rotates_without_stopping_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let (live, database, db) = demo_database(&dir).await;
    let (school,): (i64,) = sqlx::query_as("SELECT id FROM schools ORDER BY id LIMIT 1")
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    let port = free_port();
    let log = dir.path().join("serve.log");
    let mut command = listening("serve", port, &live);
    command
        .env("SMENA_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap());
    let (mut server, base, c) = started(command, port).await;
    let anonymous = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let forgot = anonymous
        .get(format!("{base}/password/forgot"))
        .send()
        .await
        .unwrap();
    let csrf = csrf_of(&forgot.text().await.unwrap());
    let r = anonymous
        .post(format!("{base}/password/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", "parent@demo.smena")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let child = as_demo_parent(&c, &base).await;
    let passport_shown = || async {
        let page = c
            .get(format!("{base}/children/{child}/edit"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        let at = page.find("id=\"passport_number\"").unwrap();
        page[at..]
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let passport = passport_shown().await;
    assert!(!passport.is_empty());

    // Under load: the family keeps adding children with passport numbers
    // (each encrypted under the data key) while the key rotates.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loader = {
        let (c, base, stop) = (c.clone(), base.clone(), stop.clone());
        tokio::spawn(async move {
            let page = c.get(format!("{base}/children/new")).send().await.unwrap();
            let csrf = csrf_of(&page.text().await.unwrap());
            let mut saved = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || i < 5 {
                let number = format!("ROT{i:06}");
                let r = c
                    .post(format!("{base}/children"))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("given_name", &format!("Load{i}")),
                        ("family_name", "Rotationova"),
                        ("birth_date", "2013-05-01"),
                        ("school_id", &school.to_string()),
                        ("category", ""),
                        ("passport_expires", "2031-01-01"),
                        ("passport_number", &number),
                        ("emergency_contact", ""),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 303, "a save during the rotation");
                saved.push(number);
                i += 1;
            }
            saved
        })
    };
    let key_file = format!("{database}.key");
    let old = std::fs::read_to_string(&key_file).unwrap();
    let rotated = {
        let database = database.clone();
        tokio::task::spawn_blocking(move || smena(&["keys", "rotate", "--database", &database]))
            .await
            .unwrap()
    };
    assert_eq!(rotated.status.code(), Some(0), "{}", text(&rotated.stderr));
    assert!(
        text(&rotated.stdout)
            .contains("1 data keys re-wrapped, 1 links waiting in the outbox re-sealed"),
        "{}",
        text(&rotated.stdout)
    );
    let new = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(new.trim(), old.trim());
    assert_eq!(
        std::fs::read_to_string(format!("{key_file}.previous"))
            .unwrap()
            .trim(),
        old.trim()
    );
    assert!(!std::path::Path::new(&format!("{key_file}.new")).exists());

    // No downtime: it answers, and takes the new key up by itself.
    assert_eq!(passport_shown().await, passport);
    let mut taken = false;
    for _ in 0..100 {
        if std::fs::read_to_string(&log)
            .unwrap()
            .contains("the server's key was rotated")
        {
            taken = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(taken, "{}", std::fs::read_to_string(&log).unwrap());
    assert_eq!(passport_shown().await, passport);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let saved = loader.await.unwrap();
    let _ = server.kill();
    let _ = server.wait();
    // Nothing written during the rotation is lost or unreadable: every
    // child saved is there, its passport number opens with the new key.
    let db = smena::store::Db::connect(&database).await.unwrap();
    db.unlock(
        &smena::store::ServerKey::parse(&std::fs::read_to_string(&key_file).unwrap(), "new")
            .unwrap(),
    )
    .await
    .unwrap();
    let stored: Vec<(String,)> = sqlx::query_as(
        "SELECT passport_number FROM children WHERE family_name = 'Rotationova' ORDER BY given_name",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut opened: Vec<String> = stored
        .iter()
        .map(|(p,)| {
            db.keys()
                .unwrap()
                .reveal(smena::store::keys::PASSPORT, p)
                .unwrap()
        })
        .collect();
    db.close().await;
    opened.sort();
    let mut saved = saved;
    saved.sort();
    assert!(saved.len() >= 5);
    assert_eq!(
        opened, saved,
        "every child saved during the rotation, readable"
    );

    // The link waiting in the outbox opens with the new key only.
    let db = smena::store::Db::connect(&database).await.unwrap();
    let (sealed,): (String,) =
        sqlx::query_as("SELECT secret FROM outbox WHERE secret IS NOT NULL LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    db.close().await;
    let sealed = smena::store::Sealed(sealed);
    let purpose = smena::store::write::SECRET_PURPOSE;
    let new_key = smena::store::ServerKey::parse(&new, "new").unwrap();
    let old_key = smena::store::ServerKey::parse(&old, "old").unwrap();
    assert!(new_key.open(purpose, &sealed).is_ok());
    assert!(old_key.open(purpose, &sealed).is_err());

    // Restarted: the new key opens the database; the old one is refused.
    let port = free_port();
    let mut command = listening("serve", port, &live);
    command.stderr(std::process::Stdio::null());
    let (mut server, base2, c2) = started(command, port).await;
    let child2 = as_demo_parent(&c2, &base2).await;
    assert_eq!(child2, child);
    let page = c2
        .get(format!("{base2}/children/{child}/edit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&passport));
    let _ = server.kill();
    let _ = server.wait();
    let refused = Command::new(env!("CARGO_BIN_EXE_smena"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &database,
            "--key-file",
        ])
        .arg(format!("{key_file}.previous"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("not the one this database was opened with"));
}

/// `smena purge` lists what is past its retention date and deletes it
/// only with --yes; then the audit chain still verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_lists_then_deletes_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let (_live, database, db) = demo_database(&dir).await;
    let none = smena(&["purge", "--database", &database]);
    assert_eq!(none.status.code(), Some(0), "{}", text(&none.stderr));
    assert!(text(&none.stdout).contains("no programme is past its retention date"));
    let mut tx = db.begin_write().await.unwrap();
    sqlx::query("UPDATE programmes SET retain_until = '2020-01-01'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let children = count_rows(&database, "children").await;
    let listed = smena(&["purge", "--database", &database]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    assert!(
        text(&listed.stdout).contains("due: programme") && text(&listed.stdout).contains("--yes"),
        "{}",
        text(&listed.stdout)
    );
    assert_eq!(
        count_rows(&database, "children").await,
        children,
        "nothing deleted without --yes"
    );
    let done = smena(&["purge", "--database", &database, "--yes"]);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert!(
        text(&done.stdout).contains("purged programme"),
        "{}",
        text(&done.stdout)
    );
    assert!(count_rows(&database, "children").await < children);
    assert_eq!(count_rows(&database, "applications").await, 0);
    let verified = smena(&["audit", "verify", "--database", &database]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
}
