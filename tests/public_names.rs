//! No type or function name means two things across our library crates' roots.
//!
//! A user who depends on several of our crates imports from each root; the same name for two
//! different things (two `BuildError`s, two `Clock`s) makes every such import a guess. The same
//! type re-exported by a higher crate (`Credentials` from the signer, `InstanceStatus` from the
//! wire crate) is one thing with one name and is allowed.
//!
//! The roots are read from each crate's `src/lib.rs`: items defined there, `pub use` lists
//! (nested braces, `as` renames) and `pub use module::*` globs (followed into the module's
//! files). A name's origin is the crate that defines it: a path that starts with
//! `dataworks_*` (directly, or in the module it names) is that crate's item.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The library crates whose roots users import from.
const LIBRARY_CRATES: &[&str] = &[
    "signer",
    "wire",
    "taskparam",
    "project",
    "credentials",
    "workflow",
    "emulator",
];

#[test]
fn no_name_means_two_things_across_crate_roots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    // name -> [(crate whose root shows it, crate that defines it)]
    let mut seen: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for krate in LIBRARY_CRATES {
        let src = root.join(krate).join("src");
        for (name, origin) in root_names(&src, krate) {
            seen.entry(name)
                .or_default()
                .push((krate.to_string(), origin));
        }
    }
    let clashes: Vec<String> = seen
        .iter()
        .filter_map(|(name, uses)| {
            let mut origins: Vec<&str> = uses.iter().map(|(_, o)| o.as_str()).collect();
            origins.sort_unstable();
            origins.dedup();
            (origins.len() > 1).then(|| {
                let roots: Vec<String> = uses
                    .iter()
                    .map(|(at, origin)| format!("dataworks-{at} (defined in dataworks-{origin})"))
                    .collect();
                format!("`{name}` at {}", roots.join(", "))
            })
        })
        .collect();
    assert!(
        clashes.is_empty(),
        "names used for different things at two crate roots (rename one, or re-export the same type):\n  {}",
        clashes.join("\n  ")
    );
}

#[test]
fn the_reader_sees_every_kind_of_root_item() {
    // The parser this test relies on: a definition, a nested `pub use` list with a rename,
    // a re-export of another crate's item, and a glob into a module.
    let dir = std::env::temp_dir().join(format!("public-names-{}", std::process::id()));
    fs::create_dir_all(dir.join("gen")).unwrap();
    fs::write(
        dir.join("lib.rs"),
        "//! doc\npub struct Defined;\n// pub struct Commented;\npub use a::{B, c::{D as E, f}};\n\
         pub use dataworks_wire::TaskType;\npub use gen::*;\npub use dataworks_signer as signer;\n",
    )
    .unwrap();
    fs::write(dir.join("gen/mod.rs"), "mod x;\npub use x::*;\n").unwrap();
    fs::write(
        dir.join("gen/x.rs"),
        "pub enum Globbed {}\npub(crate) struct Hidden;\n",
    )
    .unwrap();
    let mut names = root_names(&dir, "me");
    names.sort();
    fs::remove_dir_all(&dir).unwrap();
    let expected: Vec<(String, String)> = [
        ("B", "me"),
        ("Defined", "me"),
        ("E", "me"),
        ("Globbed", "me"),
        ("TaskType", "wire"),
        ("f", "me"),
    ]
    .iter()
    .map(|(n, o)| (n.to_string(), o.to_string()))
    .collect();
    assert_eq!(names, expected);
}

/// The names at a crate root with the crate that defines each.
fn root_names(src: &Path, krate: &str) -> Vec<(String, String)> {
    let lib = src.join("lib.rs");
    let mut out = Vec::new();
    collect_module(src, &lib, krate, &mut out);
    out
}

/// Public names of one module file: definitions, `pub use` lists and globs.
fn collect_module(src: &Path, file: &Path, krate: &str, out: &mut Vec<(String, String)>) {
    let text = code_only(&fs::read_to_string(file).unwrap_or_default());
    for name in definitions(&text) {
        out.push((name, krate.to_string()));
    }
    for statement in pub_use_statements(&text) {
        for (path, name) in expand_use(&statement) {
            let first = path.first().map(String::as_str).unwrap_or("");
            if let Some(other) = first.strip_prefix("dataworks_") {
                if path.len() == 1 {
                    continue; // a whole crate re-exported as a module: not a name clash
                }
                out.push((name, other.replace('_', "-").replace("-", "_")));
                continue;
            }
            let inner: Vec<&str> = path
                .iter()
                .map(String::as_str)
                .filter(|s| *s != "crate" && *s != "self")
                .collect();
            if name == "*" {
                if let Some(module) = module_file(src, file, &inner[..inner.len() - 1]) {
                    collect_module(src, &module, krate, out);
                }
                continue;
            }
            let origin = reexport_origin(src, file, &inner[..inner.len().saturating_sub(1)], &name)
                .unwrap_or_else(|| krate.to_string());
            out.push((name, origin));
        }
    }
}

/// The file of a module path relative to the file that names it.
fn module_file(src: &Path, from: &Path, path: &[&str]) -> Option<PathBuf> {
    let base = if from.ends_with("lib.rs") || from.ends_with("mod.rs") {
        from.parent()?.to_path_buf()
    } else {
        src.to_path_buf()
    };
    let mut dir = base;
    for (i, segment) in path.iter().enumerate() {
        if i + 1 == path.len() {
            for candidate in [
                dir.join(format!("{segment}.rs")),
                dir.join(segment).join("mod.rs"),
            ] {
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            return None;
        }
        dir = dir.join(segment);
    }
    None
}

/// When `module::Name` is itself `pub use dataworks_x::…::Name`, the crate `x`.
fn reexport_origin(src: &Path, from: &Path, module: &[&str], name: &str) -> Option<String> {
    if module.is_empty() {
        return None;
    }
    let file = module_file(src, from, module)?;
    let text = code_only(&fs::read_to_string(file).ok()?);
    for statement in pub_use_statements(&text) {
        for (path, used) in expand_use(&statement) {
            if used == name {
                let first = path.first()?;
                return first.strip_prefix("dataworks_").map(str::to_string);
            }
        }
    }
    None
}

/// The text without line comments.
fn code_only(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names of `pub struct|enum|trait|type|fn|const|static` items at the start of a line.
fn definitions(text: &str) -> Vec<String> {
    let kinds = [
        "struct", "enum", "trait", "type", "fn", "const", "static", "async fn",
    ];
    let mut names = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("pub ") else {
            continue;
        };
        for kind in kinds {
            if let Some(after) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix(' ')) {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The bodies of `pub use …;` statements at the start of a line.
fn pub_use_statements(text: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("pub use ") {
        let at_line_start = at == 0 || rest[..at].ends_with('\n');
        let after = &rest[at + "pub use ".len()..];
        let end = after.find(';').unwrap_or(after.len());
        if at_line_start {
            statements.push(
                after[..end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        rest = &after[end..];
    }
    statements
}

/// Every (path, name) a use tree brings in: `a::{B, c::{D as E}}` → (a::B, B), (a::c::D, E).
fn expand_use(tree: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    expand_into(&[], tree.trim(), &mut out);
    out
}

fn expand_into(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let mut path: Vec<String> = prefix.to_vec();
        path.extend(
            head.split("::")
                .filter(|s| !s.is_empty())
                .map(|s| s.trim().to_string()),
        );
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        for part in split_top_level(inner) {
            if !part.trim().is_empty() {
                expand_into(&path, part.trim(), out);
            }
        }
        return;
    }
    let (path_text, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p.trim(), Some(a.trim())),
        None => (tree.trim(), None),
    };
    let mut path: Vec<String> = prefix.to_vec();
    path.extend(path_text.split("::").map(|s| s.trim().to_string()));
    let last = path.last().cloned().unwrap_or_default();
    if last == "self" {
        return;
    }
    let name = alias.map(str::to_string).unwrap_or(last);
    out.push((path, name));
}

/// Splits at commas outside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}
