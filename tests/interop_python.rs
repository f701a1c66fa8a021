//! Interoperability with the official Python SDK: `alibabacloud-dataworks-public20200518`
//! (pinned in `tests/interop/requirements.txt`) drives the emulator through the whole create
//! then update workflow, once with its default V3 signature and once with v1
//! (`signature_algorithm='v2'`), and a wrong secret must be refused.
//!
//! The virtual environment lives in `target/interop-venv` and is reused while the pinned
//! requirements are unchanged. Skipped only when `DWDI_SKIP_PYTHON_INTEROP=1`; a missing
//! `python3` is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use dataworks_emulator::Emulator;
use sha2::{Digest, Sha256};

const KEY_ID: &str = "interop-key-id";
const KEY_SECRET: &str = "interop-key-secret";
const STAMP: &str = "dwdi-requirements.sha256";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn interop_dir() -> PathBuf {
    root().join("tests/interop")
}

fn python3() -> String {
    let python = std::env::var("DWDI_PYTHON").unwrap_or_else(|_| "python3".to_string());
    match Command::new(&python).arg("--version").output() {
        Ok(out) if out.status.success() => python,
        Ok(out) => panic!(
            "`{python} --version` failed ({}): the Python interop test needs Python 3 with venv \
             (install python3 and python3-venv, or set DWDI_SKIP_PYTHON_INTEROP=1 to skip it explicitly)",
            out.status
        ),
        Err(err) => panic!(
            "cannot run `{python}`: {err}. The Python interop test needs Python 3 with venv \
             (install python3 and python3-venv, or set DWDI_SKIP_PYTHON_INTEROP=1 to skip it explicitly)"
        ),
    }
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating/refreshing the venv when the pinned requirements changed.
fn venv_python() -> PathBuf {
    let requirements = interop_dir().join("requirements.txt");
    let pinned = std::fs::read(&requirements).unwrap();
    let hash = hex::encode(Sha256::digest(&pinned));
    let target = root().join("target");
    let venv = target.join("interop-venv");
    let python_in = |dir: &Path| dir.join("bin/python");
    if std::fs::read_to_string(venv.join(STAMP)).is_ok_and(|s| s.trim() == hash)
        && python_in(&venv).exists()
    {
        return python_in(&venv);
    }
    // Build in a private directory, then move it into place, so concurrent runs never see a
    // half-installed venv.
    let building = target.join(format!("interop-venv.building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&target).unwrap();
    run(
        Command::new(python3()).args(["-m", "venv"]).arg(&building),
        "creating the interop venv (python3 -m venv; on Debian install python3-venv)",
    );
    run(
        Command::new(python_in(&building))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/interop/requirements.txt",
    );
    std::fs::write(building.join(STAMP), &hash).unwrap();
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&building, &venv).is_err() {
        // Another run won the race; use its venv.
        let _ = std::fs::remove_dir_all(&building);
    }
    python_in(&venv)
}

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
            assert_eq!(task.update_count, 1);
            assert_eq!(task.version, 2);
        }
        emu.shutdown().await.unwrap();
    });
}
