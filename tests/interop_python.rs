//! Interoperability with the official Python SDK: `alibabacloud-dataworks-public20200518`
//! (pinned in `tests/interop/requirements.txt`) drives the emulator through the whole create
//! then update workflow, finds the task with ListFiles (by name, folder and file type) and reads
//! it with GetFile, once with its default V3 signature and once with v1
//! (`signature_algorithm='v2'`), and a wrong secret must be refused.
//!
//! The virtual environment lives in `target/interop-venv` and is reused while the pinned
//! requirements are unchanged. Skipped only when `DWDI_SKIP_PYTHON_INTEROP=1`; a missing
//! `python3` is a failure.

use std::time::Duration;

use dataworks_emulator::Emulator;

mod interop_venv;
use interop_venv::{interop_dir, venv_python};

const KEY_ID: &str = "interop-key-id";
const KEY_SECRET: &str = "interop-key-secret";
#[test]
fn official_python_sdk_drives_the_emulator() {
    if std::env::var("DWDI_SKIP_PYTHON_INTEROP").as_deref() == Ok("1") {
        eprintln!(
            "\n!!!!!!!! SKIPPED: the Python interop test (DWDI_SKIP_PYTHON_INTEROP=1); the official \
             SDK was NOT run against the emulator !!!!!!!!\n"
        );
        return;
    }
    let python = venv_python();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emu = Emulator::builder()
            .credentials(KEY_ID, KEY_SECRET)
            .processing_delay(Duration::from_millis(200))
            .start()
            .await
            .unwrap();
        let host = emu.local_addr().to_string();
        let out = tokio::process::Command::new(&python)
            .arg(interop_dir().join("drive.py"))
            .args([&host, KEY_ID, KEY_SECRET])
            .arg(interop_dir().join("create-param.json"))
            .arg(interop_dir().join("update-param.json"))
            .env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1")
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "drive.py failed:\n{stdout}\n{stderr}");
        let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(summary["wrong_secret_v3"], "SignatureDoesNotMatch");
        assert_eq!(summary["wrong_secret_v1"], "SignatureDoesNotMatch");
        let tasks = emu.inspect().tasks();
        assert_eq!(tasks.len(), 2, "{tasks:?}");
        for (task, key) in tasks.iter().zip(["v3_file_id", "v1_file_id"]) {
            assert_eq!(summary[key].as_i64(), Some(task.file_id));
            let label = key.trim_end_matches("_file_id");
            assert_eq!(
                summary[format!("{label}_get_file_id")].as_i64(),
                Some(task.file_id),
                "{summary}"
            );
            assert_eq!(task.update_count, 1);
            assert_eq!(task.version, 2);
        }
        emu.shutdown().await.unwrap();
    });
}
