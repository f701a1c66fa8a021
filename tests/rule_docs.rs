//! docs/taskparam.md stays true: every rule id the validator can emit (each `"area.rule"`
//! string literal in `crates/taskparam/src/validate/`) is documented there, in backticks, so a
//! user who meets a rule id can look it up.

use std::fs;
use std::path::Path;

/// The `"area.rule"` literals of one source file: lowercase words joined by dots, the last
/// ones may have dashes (`odps.partition-absent`, `schema.type` built at run time aside).
fn rule_ids(source: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for literal in source.split('"').skip(1).step_by(2) {
        let parts: Vec<&str> = literal.split('.').collect();
        let is_rule = parts.len() >= 2
            && parts[0].chars().all(|c| c.is_ascii_lowercase())
            && !parts[0].is_empty()
            && parts[1..].iter().all(|p| {
                !p.is_empty()
                    && p.starts_with(|c: char| c.is_ascii_lowercase())
                    && p.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            });
        if is_rule {
            ids.push(literal.to_owned());
        }
    }
    ids
}

#[test]
fn every_rule_id_the_validator_emits_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = fs::read_to_string(root.join("docs/taskparam.md")).expect("docs/taskparam.md");
    let dir = root.join("crates/taskparam/src/validate");
    let mut checked = 0;
    let mut missing = Vec::new();
    for entry in fs::read_dir(&dir).expect("the validate sources") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = fs::read_to_string(&path).expect("a source file");
        for id in rule_ids(&source) {
            checked += 1;
            if !docs.contains(&format!("`{id}`")) {
                missing.push(format!("{id} ({})", path.display()));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} rule ids found: is the scan still right?"
    );
    assert!(
        missing.is_empty(),
        "rule ids not in docs/taskparam.md: {missing:?}"
    );
}

#[test]
fn the_scan_finds_rule_ids_and_nothing_else() {
    let source = r#"sink.error(p, "odps.partition-absent", format!("a.b {x}"), "use one of: a.b");
        let _ = "UTF-8"; let _ = "schema.type"; let _ = "v2.0"; let _ = "x."; "#;
    assert_eq!(
        rule_ids(source),
        ["odps.partition-absent", "schema.type"],
        "{source}"
    );
}
