//! `dwdi deploy | start | stop | terminate | delete | status`, run as the built binary against
//! an emulator started in-process: by name and folder or by file id, text and JSON output,
//! start settings from flags, `--wait`, and the exit codes (1 refused or not found, 2 usage,
//! 3 not running within the wait).

mod common;

use std::time::Duration;

use common::*;
use dataworks_wire::TaskType;

const FOLDER: &str = "Workflow/cli/Data Integration";

/// Creates the real-time task `name` in FOLDER; returns its file id.
async fn realtime_task(emu: &dataworks_emulator::Emulator, name: &str) -> i64 {
    let orders = tables(&["orders"]);
    create_task(&client(emu), TaskType::DiRealtime, name, FOLDER, &orders).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_lifecycle_by_name_and_by_id() {
    let emu = emulator(Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let id = realtime_task(&emu, "orders").await;
    let id_text = id.to_string();
    let by_name = ["--project", "10000", "--name", "orders", "--folder", FOLDER];

    let out = dwdi(
        &emu,
        h,
        &[&["status"][..], &by_name, &["--output", "json"]].concat(),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let status = json(&out);
    assert_eq!(status["file_id"], id);
    assert_eq!(status["task_type"], "DI_REALTIME");
    assert_eq!(status["status"], "NORUN");
    assert_eq!(status["deployed"], false);
    assert_eq!(status["folder"], FOLDER);

    // Starting an undeployed task: the service refuses (1).
    let out = dwdi(&emu, h, &[&["start"][..], &by_name].concat()).await;
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("DeployDISyncTask"),
        "{}",
        stderr(&out)
    );

    let out = dwdi(&emu, h, &[&["deploy"][..], &by_name].concat()).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("deployed DI_REALTIME task orders"),
        "{}",
        stdout(&out)
    );
    assert_eq!(emu.inspect().task(id).unwrap().deployed_version, Some(1));

    let start = [
        "--failover-count",
        "5",
        "--failover-interval",
        "30",
        "--ddl",
        "droptable=warning",
        "--wait",
        "30s",
        "--output",
        "json",
    ];
    let out = dwdi(&emu, h, &[&["start"][..], &by_name, &start].concat()).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let started = json(&out);
    assert_eq!(started["status"], "RUN");
    assert_eq!(
        started["start_param"],
        serde_json::json!({"failoverLimit": {"count": 5, "interval": 30}, "ddlMarkMap": {"DROPTABLE": "WARNING"}})
    );

    // By file id with its type (no lookup), then without (looked up).
    let out = dwdi(
        &emu,
        h,
        &[
            "stop",
            "--project",
            "10000",
            "--file-id",
            &id_text,
            "--type",
            "DI_REALTIME",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        format!("stopped DI_REALTIME task {id} in project 10000")
    );
    let out = dwdi(
        &emu,
        h,
        &["status", "--project", "10000", "--file-id", &id_text],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(": PAUSE; the latest version is deployed"),
        "{}",
        stdout(&out)
    );
    let out = dwdi(
        &emu,
        h,
        &["terminate", "--project", "10000", "--file-id", &id_text],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!(
        "terminated DI_REALTIME task orders ({FOLDER}, file {id})"
    )));

    let out = dwdi(&emu, h, &[&["delete"][..], &by_name].concat()).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(emu.inspect().task(id).is_none());

    // Gone: not found (1), with a JSON error.
    let out = dwdi(
        &emu,
        h,
        &[&["status"][..], &by_name, &["--output", "json"]].concat(),
    )
    .await;
    assert_eq!(code(&out), 1);
    let err = json(&out);
    assert_eq!(err["error"]["kind"], "not-found");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no sync task named \"orders\"")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_and_ambiguous_names() {
    let emu = emulator(Duration::ZERO).await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Neither or both of --file-id and --name; --folder without --name; a bad DDL action.
    for args in [
        &["deploy", "--project", "10000"][..],
        &[
            "deploy",
            "--project",
            "10000",
            "--file-id",
            "1",
            "--name",
            "x",
        ],
        &[
            "deploy",
            "--project",
            "10000",
            "--file-id",
            "1",
            "--folder",
            "f",
        ],
        &[
            "start",
            "--project",
            "10000",
            "--name",
            "x",
            "--ddl",
            "DROPTABLE=LOUD",
        ],
        &[
            "start",
            "--project",
            "10000",
            "--name",
            "x",
            "--start-param",
            "/nonexistent.json",
        ],
    ] {
        let out = dwdi(&emu, h, args).await;
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    realtime_task(&emu, "same").await;
    let other = create_task(
        &client(&emu),
        TaskType::DiRealtime,
        "same",
        "Workflow/other",
        &tables(&["users"]),
    )
    .await;
    let out = dwdi(&emu, h, &["deploy", "--project", "10000", "--name", "same"]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("give --folder"), "{}", stderr(&out));
    let out = dwdi(
        &emu,
        h,
        &[
            "deploy",
            "--project",
            "10000",
            "--name",
            "same",
            "--folder",
            "Workflow/other",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(emu.inspect().task(other).unwrap().deployed_version, Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_that_does_not_run_within_the_wait_exits_3() {
    // The emulator's clock moves only when the set-up's virtual clock sleeps: the task is
    // created in virtual time, then stays WAITing while `dwdi start --wait 1s` runs for real.
    let (emu, setup) = emulator_in_virtual_time(Duration::from_secs(60)).await;
    let id = create_task(
        &setup,
        TaskType::DiRealtime,
        "slow",
        FOLDER,
        &tables(&["orders"]),
    )
    .await;
    setup
        .deploy_task(PROJECT, TaskType::DiRealtime, id)
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = dwdi(
        &emu,
        home.path(),
        &[
            "start",
            "--project",
            "10000",
            "--name",
            "slow",
            "--wait",
            "1s",
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = json(&out);
    assert_eq!(err["error"]["kind"], "timeout");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("last status WAIT"),
        "{err}"
    );
}
