//! `dwdi validate`: exit codes, compiler-style text, JSON lines, stdin.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

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

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn valid_files_exit_0() {
    let files = [
        sample("task_content_seed.json"),
        sample("realtime_holo.json"),
        sample("batch_mysql_odps.json"),
    ];
    let out = dwdi(&["validate", &files[0], &files[1], &files[2]]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("valid task-content"), "{text}");
    assert!(text.contains("valid realtime-task-param"), "{text}");
}

#[test]
fn invalid_files_exit_1_with_compiler_style_lines() {
    let file = sample("invalid_update_duplicate.json");
    let out = dwdi(&["validate", &sample("update_tables.json"), &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("error[tables.duplicate]"))
        .expect("an error line");
    assert!(line.starts_with(&format!("{file}:")), "{line}");
    assert!(
        line.contains("(at /steps/0/parameter/connection/0/table/2)"),
        "{line}"
    );
    let parts: Vec<&str> = line.splitn(4, ':').collect();
    assert!(
        parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(),
        "{line}"
    );
    assert!(text.contains("  = hint: list each table once"), "{text}");
}

#[test]
fn json_output_is_one_object_per_file() {
    let out = dwdi(&[
        "validate",
        "--output",
        "json",
        &sample("invalid_syntax.json"),
        &sample("batch_unknown_step.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[0]["errors"][0]["rule"], "json.syntax");
    assert_eq!(lines[0]["errors"][0]["line"], 2);
    for key in ["pointer", "rule", "message", "hint"] {
        assert!(lines[0]["errors"][0].get(key).is_some(), "{key}");
    }
    assert_eq!(lines[1]["kind"], "batch-job");
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(lines[1]["warnings"][0]["rule"], "step.unknown-type");
}

#[test]
fn kind_can_be_given() {
    let out = dwdi(&[
        "validate",
        "--kind",
        "task-content",
        &sample("update_tables.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[extend.required]"));
}

#[test]
fn unreadable_files_and_usage_errors_exit_2() {
    let out = dwdi(&[
        "validate",
        &sample("task_content_seed.json"),
        "/no/such/file.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.json"));
    assert_eq!(
        dwdi(&["validate", "--kind", "nope", "x.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(dwdi(&["validate"]).status.code(), Some(2));
}

#[test]
fn stdin_is_read_for_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"ResourceGroup":"S_res_group_1","Cu":1.5}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("-: valid task-meta"));
}

#[test]
fn secrets_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.json");
    let text = std::fs::read_to_string(sample("batch_mysql_odps.json"))
        .unwrap()
        .replace(
            "\"splitPk\": \"id\"",
            "\"password\": {\"nested\": \"hunter2-secret\"}, \"splitPk\": 3",
        );
    std::fs::write(&path, text).unwrap();
    for format in ["text", "json"] {
        let out = dwdi(&["validate", "--output", format, path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!stdout(&out).contains("hunter2"));
    }
}

#[test]
fn a_value_with_control_characters_is_printed_escaped() {
    let job = r#"{"type": "job", "version": "2.0", "steps": [
        {"stepType": "stream", "parameter": {}, "name": "Reader", "category": "reader"},
        {"stepType": "mysql", "parameter": {"datasource": "d", "table": "t", "column": ["a"],
         "writeMode": "\u001b[2J\ninsert"}, "name": "Writer", "category": "writer"}],
        "setting": {"speed": {"concurrent": 1}}, "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("dwdi runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(job.as_bytes())
        .expect("job written");
    let out = child.wait_with_output().expect("dwdi ends");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let line = text
        .lines()
        .find(|l| l.contains("error[param.enum]"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains(r"`writeMode` is `\u{1b}[2J\ninsert`"),
        "{line}"
    );
}

#[test]
fn a_directory_stands_for_the_json_files_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("jobs/daily")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let valid = std::fs::read_to_string(sample("batch_mysql_odps.json")).unwrap();
    std::fs::write(root.join("jobs/b.json"), &valid).unwrap();
    std::fs::write(root.join("jobs/daily/a.json"), &valid).unwrap();
    std::fs::write(root.join("jobs/notes.txt"), "not json").unwrap();
    std::fs::write(root.join(".git/broken.json"), "{").unwrap();

    let out = dwdi(&["validate", &root.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let summaries: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.contains(": valid "))
        .map(|l| l.split(": valid").next().unwrap().to_owned())
        .collect();
    let expect = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    assert_eq!(
        summaries,
        [expect("jobs/b.json"), expect("jobs/daily/a.json")]
    );

    // A directory with no JSON file is a usage error that names it.
    let empty = tempfile::tempdir().unwrap();
    let out = dwdi(&["validate", &empty.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holds no .json file"), "{stderr}");
}
