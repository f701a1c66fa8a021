//! `dwdi diff OLD NEW`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dwdi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(args)
        .output()
        .expect("dwdi runs")
}

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../taskparam/tests/data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The seed content with table `m_v1` replaced by `m_v2` (reader and mapping rule) and a new
/// resource group.
fn changed_seed(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(sample("task_content_seed.json"))
        .unwrap()
        .replace("m_v1", "m_v2")
        .replace("\"280749\"", "\"280750\"");
    let path = dir.join("new.json");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn same_documents_exit_0() {
    let seed = sample("task_content_seed.json");
    let out = dwdi(&["diff", &seed, &seed]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));
}

#[test]
fn text_diff_lists_tables_rules_and_paths() {
    let dir = tempfile::tempdir().unwrap();
    let new = changed_seed(dir.path());
    let out = dwdi(&["diff", &sample("task_content_seed.json"), &new]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "tables added:\n  + m.m_v2",
        "tables removed:\n  - m.m_v1",
        "mapping rules added:",
        "~ /extend/resourceGroup: \"280749\" → \"280750\"",
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
}

#[test]
fn json_diff_for_machines() {
    let dir = tempfile::tempdir().unwrap();
    let new = changed_seed(dir.path());
    let out = dwdi(&[
        "diff",
        "--output",
        "json",
        &sample("task_content_seed.json"),
        &new,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["kind"], "task-content");
    assert_eq!(doc["identical"], false);
    assert_eq!(doc["tables_added"]["m"][0], "m_v2");
    assert_eq!(doc["rules_removed"][0]["table"], "m_v1");
}

#[test]
fn other_kinds_and_usage_errors() {
    let out = dwdi(&[
        "diff",
        &sample("task_meta_create.json"),
        &sample("task_meta_update.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("/FileFolderPath"));
    let out = dwdi(&[
        "diff",
        &sample("task_meta_create.json"),
        &sample("task_content_seed.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        dwdi(&[
            "diff",
            &sample("invalid_syntax.json"),
            &sample("task_meta_create.json")
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        dwdi(&["diff", "/no/such", &sample("task_meta_create.json")])
            .status
            .code(),
        Some(2)
    );
}
