//! `dwdi check`: the worked example is valid in both environments; problems are located and
//! reported at once with exit 1; no manifest is a usage error (2). Offline, no credentials.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/project")
}

fn dwdi(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("ALIBABA_CLOUD_") {
            cmd.env_remove(k);
        }
    }
    cmd.output().unwrap()
}

#[test]
fn the_worked_example_is_valid_in_both_environments_from_a_subdirectory() {
    let out = dwdi(&example().join("tasks"), &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("environment dev: 3 tasks valid"),
        "{stdout}"
    );
    assert!(
        stdout.contains("environment prod: 3 tasks valid"),
        "{stdout}"
    );
}

#[test]
fn problems_are_located_and_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tasks")).unwrap();
    for f in ["orders_to_holo.json", "daily_person_copy.json"] {
        std::fs::copy(
            example().join("tasks").join(f),
            dir.path().join("tasks").join(f),
        )
        .unwrap();
    }
    let manifest = r#"[environments.dev]
workspace = 10000
[environments.dev.variables]
mysql = "m"

[[tasks]]
name = "a"
type = "DI_REALTIME"
folder = "di"
document = "tasks/orders_to_holo.json"

[[tasks]]
name = "a"
type = "DI_OFFLINE"
folder = "di"
document = "tasks/daily_person_copy.json"

[[tasks]]
name = "b"
type = "DI_OFFLINE"
folder = "di"
document = { type = "job", steps = [] }
"#;
    std::fs::write(dir.path().join("dataworks.toml"), manifest).unwrap();
    let out = dwdi(dir.path(), &["check", "--output", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = doc["problems"].as_array().unwrap();
    let messages: Vec<&str> = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("undefined variable `group`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("undefined variable `holo`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("duplicate task name `a`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("batch-job of task `b` is not valid")),
        "{messages:?}"
    );
    let group = problems
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("`group`"))
        .unwrap();
    assert_eq!(group["location"]["file"], "tasks/orders_to_holo.json");
    assert_eq!(group["location"]["line"], 4);
    let dup = problems
        .iter()
        .find(|p| p["message"].as_str().unwrap().contains("duplicate"))
        .unwrap();
    assert_eq!(dup["location"]["line"], 13);
}

#[test]
fn no_manifest_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dwdi(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no dataworks.toml"));
}

#[test]
fn a_document_problem_found_in_every_environment_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tasks")).unwrap();
    for f in [
        "orders_to_holo.json",
        "customers_to_odps.json",
        "daily_person_copy.json",
    ] {
        std::fs::copy(
            example().join("tasks").join(f),
            dir.path().join("tasks").join(f),
        )
        .unwrap();
    }
    std::fs::copy(
        example().join("dataworks.toml"),
        dir.path().join("dataworks.toml"),
    )
    .unwrap();
    let job = dir.path().join("tasks/daily_person_copy.json");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(
        &job,
        text.replace("\"stepType\": \"odps\"", "\"stepType\": \"ODPS\""),
    )
    .unwrap();

    let out = dwdi(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("[step.type-name]"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("[dev, prod]"), "{stderr}");
    assert!(stderr.ends_with("1 problem found\n"), "{stderr}");

    // JSON keeps one problem per environment, each with its own.
    let out = dwdi(dir.path(), &["check", "--output", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["environment"].as_str().unwrap())
        .collect();
    assert_eq!(envs, ["dev", "prod"]);
}
