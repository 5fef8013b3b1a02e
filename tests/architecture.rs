//! The direction of imports in `src/` (docs/architecture.md): no file reaches, through
//! the files it imports, back to itself; the shared pieces import no feature; only the
//! router knows the application that holds every page. A small scan of `use` paths and
//! inline `crate::`/`super::` paths, so that a circle fails the build the day it returns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files every feature may import, which import no feature (nor the wiring above them).
const SHARED: [&str; 9] = [
    "error.rs",
    "testing.rs",
    "site.rs",
    "telemetry.rs",
    "web.rs",
    "timestamp.rs",
    "hardening.rs",
    "db.rs",
    "ui/",
];
/// The upstream client speaks the contract, so it may use the profile model and no
/// other part of a feature.
const UPSTREAM: &str = "upstream/";
const MODEL: &str = "profiles/model/";

/// Every `.rs` file under `src/`, as a path relative to it, with its text.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap();
                let name = relative.to_string_lossy().replace('\\', "/");
                out.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    // The server binary is a crate of its own: its `crate::` is not the library's.
    out.remove("main.rs");
    out
}

/// The module path a file defines: `profiles/model/id.rs` → `profiles::model::id`.
fn module_of(file: &str) -> Vec<String> {
    let mut segments: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// The text without comments (a path in a doc comment is no import).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    // `x as y` names x: drop each ` as y` before the white space goes.
    let mut unaliased = String::new();
    let mut words = tree.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if word == "as" {
            let alias = words.next().unwrap_or_default();
            unaliased.extend(alias.chars().filter(|c| matches!(c, ',' | '}')));
        } else {
            unaliased.push_str(word);
        }
    }
    let tree = unaliased;
    let Some(open) = tree.find('{') else {
        return vec![tree.trim_end_matches("::self").to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let body = &tree[open + 1..tree.len() - 1];
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&p))
        .map(|p| match p.as_str() {
            "self" => prefix.to_owned(),
            _ => format!("{prefix}::{p}"),
        })
        .collect()
}

/// Every path a file names that starts at `crate`, `super` or `self`.
fn paths(code: &str) -> Vec<String> {
    // Where `word` starts a path of its own, not the middle of one (`super::super::`).
    let starts = |word: &str| {
        code.match_indices(word)
            .map(|(at, _)| at)
            .filter(|&at| {
                !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            })
            .collect::<Vec<_>>()
    };
    let mut found = Vec::new();
    for at in starts("use ") {
        let after = &code[at + 4..];
        let rooted = ["crate::", "super::", "self::"]
            .iter()
            .any(|root| after.starts_with(root));
        if let (true, Some(end)) = (rooted, after.find(';')) {
            found.extend(expand(&after[..end]));
        }
    }
    for at in starts("crate::").into_iter().chain(starts("super::")) {
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        found.push(path.trim_end_matches(':').to_owned());
    }
    found
}

/// The files each file imports.
fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let by_module: BTreeMap<Vec<String>, &String> =
        files.keys().map(|f| (module_of(f), f)).collect();
    files
        .iter()
        .map(|(file, text)| {
            let module = module_of(file);
            let targets = paths(&code(text))
                .into_iter()
                .filter_map(|path| {
                    let mut segments: Vec<&str> = path.split("::").collect();
                    let mut absolute: Vec<String> = match segments.first() {
                        Some(&"crate") => Vec::new(),
                        _ => module.clone(),
                    };
                    if segments.first() == Some(&"crate") || segments.first() == Some(&"self") {
                        segments.remove(0);
                    }
                    while segments.first() == Some(&"super") {
                        segments.remove(0);
                        absolute.pop();
                    }
                    absolute.extend(segments.iter().map(|s| s.to_string()));
                    (1..=absolute.len())
                        .rev()
                        .find_map(|n| by_module.get(&absolute[..n]).copied())
                        .filter(|target| *target != file)
                        .cloned()
                })
                .collect();
            (file.clone(), targets)
        })
        .collect()
}

/// A circle of imports, if there is one: depth-first search for a back edge.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        file: &'a String,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a String>,
        done: &mut BTreeSet<&'a String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|f| *f == file) {
            let mut found: Vec<String> = path[start..].iter().map(|f| f.to_string()).collect();
            found.push(file.clone());
            return Some(found);
        }
        if !done.insert(file) {
            return None;
        }
        path.push(file);
        for next in &graph[file] {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|file| visit(file, graph, &mut Vec::new(), &mut done))
}

fn shared(file: &str) -> bool {
    SHARED
        .iter()
        .any(|s| file == *s || (s.ends_with('/') && file.starts_with(s)))
}

#[test]
fn no_file_in_src_imports_itself_back() {
    let graph = imports(&sources());
    assert!(
        graph.values().map(BTreeSet::len).sum::<usize>() > 100,
        "the scan found the imports"
    );
    if let Some(found) = circle(&graph) {
        panic!("an import circle: {}", found.join(" → "));
    }
}

#[test]
fn shared_pieces_import_no_feature_and_only_the_router_knows_the_application() {
    let graph = imports(&sources());
    let mut wrong = Vec::new();
    for (file, targets) in &graph {
        for target in targets {
            let allowed = if shared(file) {
                shared(target)
            } else if file.starts_with(UPSTREAM) {
                shared(target) || target.starts_with(UPSTREAM) || target.starts_with(MODEL)
            } else if target == "app.rs" {
                file == "router.rs"
            } else {
                target != "router.rs"
            };
            if !allowed {
                wrong.push(format!("{file} → {target}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the direction: {wrong:#?}"
    );
}

#[test]
fn the_scan_reads_use_trees_and_inline_paths() {
    assert_eq!(
        expand("crate::a::{b, c::{d, self}, e as f}"),
        [
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c",
            "crate::a::e"
        ]
    );
    let found = paths(&code(
        "use crate::x::Y; // crate::comment::Z\nfn f() { crate::p::q(); super::r(); }",
    ));
    let found: BTreeSet<_> = found.iter().map(String::as_str).collect();
    assert_eq!(
        found,
        BTreeSet::from(["crate::x::Y", "crate::p::q", "super::r"])
    );
    let files = BTreeMap::from([
        ("a.rs".to_owned(), "use crate::b::B;".to_owned()),
        ("b/mod.rs".to_owned(), "pub mod c;".to_owned()),
        (
            "b/c.rs".to_owned(),
            "fn g() { super::super::a::f() }".to_owned(),
        ),
    ]);
    let graph = imports(&files);
    assert_eq!(graph["a.rs"], BTreeSet::from(["b/mod.rs".to_owned()]));
    assert_eq!(graph["b/c.rs"], BTreeSet::from(["a.rs".to_owned()]));
    assert_eq!(circle(&graph), None);
    let looped = BTreeMap::from([
        ("a.rs".to_owned(), "use crate::b::B;".to_owned()),
        ("b.rs".to_owned(), "use crate::a::A;".to_owned()),
    ]);
    assert_eq!(
        circle(&imports(&looped)),
        Some(vec!["a.rs".into(), "b.rs".into(), "a.rs".into()])
    );
}
