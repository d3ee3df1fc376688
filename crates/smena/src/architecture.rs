//! The crate's shape, checked: imports point one way (cli → app → the
//! features → the kernel), the kernel imports no feature, no two features
//! import each other and the features' imports have no circle, and only the
//! kernel opens a bare write transaction (every change goes through the one
//! audited write). Read from the source, as a reviewer would.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The kernel every feature stands on, and what each part of it may use.
const KERNEL: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("language", &["domain"]),
    ("charts", &["language"]),
    ("store", &["domain", "language"]),
    ("web", &["domain", "language", "store"]),
];

/// Above the features: they may use anything, nothing uses them.
const TOP: &[&str] = &["app", "cli", "scenario", "architecture"];

/// Files that may open a bare write transaction: the store itself, a
/// login's bookkeeping, counting attempts, and the outbox's delivery state.
const BARE_WRITES: &[&str] = &[
    "store/",
    "web/login.rs",
    "web/throttle.rs",
    "notifications/delivery.rs",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (doc links name modules too).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| {
            // A `//` inside a string ("http://…") is kept: cut at the first
            // one with balanced quotes before it.
            let cut = l
                .match_indices("//")
                .map(|(i, _)| i)
                .find(|&i| l[..i].matches('"').count() % 2 == 0);
            cut.map_or(l, |i| &l[..i])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level module of each file, and the top-level modules its code names
/// as `crate::module`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).expect("readable"));
        let used = graph.entry(module.clone()).or_default();
        for part in text.split("crate::").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                used.insert(name);
            }
        }
    }
    graph
}

fn is_kernel(module: &str) -> bool {
    KERNEL.iter().any(|(k, _)| *k == module)
}

#[test]
fn the_kernel_imports_no_feature() {
    let graph = imports();
    for (module, allowed) in KERNEL {
        let used = graph.get(*module).expect("the kernel module exists");
        for name in used {
            assert!(
                allowed.contains(&name.as_str()),
                "{module} imports crate::{name}; the kernel may use only {allowed:?}"
            );
        }
    }
}

#[test]
fn features_import_one_way_without_a_circle() {
    let graph = imports();
    let features: BTreeMap<&String, Vec<&String>> = graph
        .iter()
        .filter(|(m, _)| !is_kernel(m) && !TOP.contains(&m.as_str()))
        .map(|(m, used)| {
            for name in used {
                assert!(
                    !TOP.contains(&name.as_str()),
                    "the feature {m} imports crate::{name}, which is above the features"
                );
            }
            (m, used.iter().filter(|u| !is_kernel(u)).collect())
        })
        .collect();
    assert!(features.len() >= 10, "features found: {features:?}");
    for (a, used) in &features {
        for b in used {
            assert!(
                !features.get(b).is_some_and(|theirs| theirs.contains(a)),
                "the features {a} and {b} import each other"
            );
        }
    }
    if let Some(circle) = circle(&features) {
        panic!("features import in a circle: {circle:?}");
    }
}

/// A circle in a graph of imports, if there is one: a depth-first walk that
/// finds a way back to a module on its path.
fn circle(graph: &BTreeMap<&String, Vec<&String>>) -> Option<Vec<String>> {
    fn walk<'a>(
        at: &'a String,
        graph: &BTreeMap<&'a String, Vec<&'a String>>,
        path: &mut Vec<&'a String>,
        done: &mut BTreeSet<&'a String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == at) {
            return Some(path[i..].iter().map(|s| s.to_string()).collect());
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in graph.get(at).into_iter().flatten() {
            if let Some(found) = walk(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| walk(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn a_circle_would_be_found() {
    let (a, b, c) = ("a".to_string(), "b".to_string(), "c".to_string());
    let line: BTreeMap<&String, Vec<&String>> = [(&a, vec![&b]), (&b, vec![&c])].into();
    assert_eq!(circle(&line), None);
    let round: BTreeMap<&String, Vec<&String>> =
        [(&a, vec![&b]), (&b, vec![&c]), (&c, vec![&a])].into();
    assert_eq!(circle(&round), Some(vec![a.clone(), b.clone(), c.clone()]));
}

#[test]
fn only_the_kernel_opens_a_bare_write() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = 0;
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = code(&std::fs::read_to_string(&file).expect("readable"));
        if text.contains(".begin_write(") && relative != "architecture.rs" {
            found += 1;
            assert!(
                BARE_WRITES
                    .iter()
                    .any(|allowed| relative.starts_with(allowed)),
                "{relative} opens a write transaction of its own: use the audited write"
            );
        }
    }
    assert!(found >= 2, "the bare writes of the kernel are found");
}

#[test]
fn comments_are_not_code() {
    assert_eq!(code("use a; // crate::x"), "use a; ");
    assert_eq!(code("let u = \"http://x\"; // y"), "let u = \"http://x\"; ");
}
