//! `dwdi schema KIND`.

use std::process::Command;

#[test]
fn prints_the_committed_schema() {
    for kind in [
        "realtime-task-param",
        "update-task-param",
        "task-content",
        "batch-job",
        "task-meta",
        "solution-process",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dwdi"))
            .args(["schema", kind])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{kind}");
        let committed = std::fs::read_to_string(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../schemas/{kind}.schema.json")),
        )
        .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), committed, "{kind}");
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            schema["$id"],
            format!("https://dataworks-di.dev/schemas/{kind}.schema.json")
        );
    }
}

#[test]
fn unknown_kind_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(["schema", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("task-content"));
}
