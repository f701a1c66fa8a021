//! `dwdi quickstart`, the README's main command: runs with no account and no set-up, prints
//! every step, exits 0; with `--output json` it prints one summary document.

use std::process::{Command, Output};

fn quickstart(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.arg("quickstart").args(args).env("HOME", home.path());
    for (k, _) in std::env::vars() {
        if k.starts_with("ALIBABA_CLOUD_") {
            cmd.env_remove(k);
        }
    }
    cmd.output().unwrap()
}

#[test]
fn prints_every_step_and_exits_0() {
    let out = quickstart(&["--processing-delay", "300ms"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "Start the DataWorks DI emulator",
        "builder DSL",
        "TaskParam::realtime()",
        "valid: 0 error(s)",
        "created DI_REALTIME task",
        "+ shop.refunds",
        "updated DI_REALTIME task",
        "tables now: shop.orders, shop.customers, shop.refunds",
        "matches the plan",
        "+ orders_to_holo (DI_REALTIME, Workflow/sales/Data Integration): create; deploy, start",
        "create orders_to_holo: done (deploy, start)",
        "create daily_person_copy: done (deploy)",
        "Plan again: the workspace is as declared\n    no changes",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn json_summary_with_the_v1_signature() {
    let out = quickstart(&[
        "--processing-delay",
        "0s",
        "--signature",
        "v1",
        "--output",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["validation"]["valid"], true);
    assert_eq!(doc["created"]["action"], "created");
    assert_eq!(doc["updated"]["action"], "updated");
    assert_eq!(doc["created"]["file_id"], doc["updated"]["file_id"]);
    assert_eq!(doc["plan"]["diff"]["tables_added"]["shop"][0], "refunds");
    assert_eq!(doc["plan_matches_result"], true);
    assert_eq!(doc["project"]["plan"]["environment"], "dev");
    assert_eq!(
        doc["project"]["applied"]["tasks"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(doc["project"]["changes_after_apply"], 0);
    assert!(
        doc["tables_after"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "shop.refunds")
    );
}
