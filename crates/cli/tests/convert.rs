//! `dwdi convert datax`: the job on stdout validates with `dwdi validate`, notes on stderr,
//! a connection without a data source is exit 2 naming it, credentials never printed.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dwdi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(args)
        .output()
        .expect("dwdi runs")
}

fn datax(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../taskparam/tests/data/datax")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn converts_to_a_job_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("job.json");
    let out_path = out_file.to_string_lossy().into_owned();
    let map = datax("datasource-map.json");
    let out = dwdi(&[
        "convert",
        "datax",
        &datax("mysql_odps.json"),
        "--datasource-map",
        &map,
        "--out",
        &out_path,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "note: /job/content/0/reader/parameter/password: replaced by the data source"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("converted to a valid batch job"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        written.contains("\"datasource\": \"odps_first\""),
        "{written}"
    );
    assert!(
        !written.contains("xxxx") && !written.contains("\"root\""),
        "{written}"
    );
    let check = dwdi(&["validate", &out_path]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let out = dwdi(&[
        "convert",
        "datax",
        &datax("stream_stream.json"),
        "--output",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["job"]["steps"][0]["stepType"], "stream");
}

#[test]
fn a_missing_data_source_is_exit_2_naming_the_connection() {
    let out = dwdi(&["convert", "datax", &datax("stream_mysql.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("jdbc:mysql://127.0.0.1:3306/datax?…"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("characterEncoding") && !stderr.contains("root"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
