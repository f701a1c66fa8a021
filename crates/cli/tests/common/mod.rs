//! Running the built `dwdi` against an emulator started in-process, with the test
//! credentials in the environment and an empty home.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use dataworks_emulator::Emulator;
use dataworks_signer::Credentials;
use dataworks_workflow::{Client, RateLimit};
use serde_json::Value;

pub const ID: &str = "cli-test-id";
pub const SECRET: &str = "cli-test-secret";
pub const PROJECT: i64 = 10000;

/// An emulator on 127.0.0.1:0 with the test credentials and a processing delay.
pub async fn emulator(delay: Duration) -> Emulator {
    Emulator::builder()
        .credentials(ID, SECRET)
        .processing_delay(delay)
        .start()
        .await
        .unwrap()
}

/// A client of the emulator (for setting up and checking).
pub fn client(emu: &Emulator) -> Client {
    Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(ID, SECRET))
        .rate_limit(RateLimit::unlimited())
        .build()
        .unwrap()
}

/// Runs `dwdi --endpoint <emulator> ARGS` with the test credentials and `home` as HOME.
pub async fn dwdi(emu: &Emulator, home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    cmd.arg("--endpoint")
        .arg(emu.endpoint())
        .args(args)
        .env("HOME", home);
    for (k, _) in std::env::vars() {
        if k.starts_with("ALIBABA_CLOUD_") || k.starts_with("DWDI_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// The exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// Stdout as one JSON document.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
