//! `dwdi emulator --sts --metadata-role --credentials-uri` as a process, and
//! `dwdi credentials` against it: the provider and key id, the JSON shape, exit 1 listing
//! every provider when none works, `-v` naming the provider.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn dwdi(home: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("DWDI_CREDENTIALS_LOOPBACK_ONLY", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn dwdi_credentials_against_dwdi_emulator() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dwdi"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--sts",
            "--metadata-role",
            "CliRole",
            "--credentials-uri",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "exited early: {banner:?}"
        );
        let done = line.starts_with("running");
        banner.push(line.trim_end().to_owned());
        if done {
            break;
        }
    }
    let find = |prefix: &str| {
        banner
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {banner:?}"))
            .to_owned()
    };
    let uri = find("credentials uri: ");
    let metadata = find("metadata endpoint: ");
    assert!(find("sts endpoint: ").starts_with("http://127.0.0.1:"));
    let home = tempfile::tempdir().unwrap();

    let out = dwdi(
        home.path(),
        &[
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri),
        ],
        &["credentials", "--output", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["source"], "default/credential_uri");
    assert_eq!(doc["access_key_id"], "STS.emu.uri");
    assert_eq!(doc["has_security_token"], true);
    assert!(doc["expiration"].as_str().unwrap().ends_with('Z'));
    assert_eq!(doc.as_object().unwrap().len(), 4);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("emu-secret"));

    let out = dwdi(
        home.path(),
        &[("HTTP_PROXY", &metadata)],
        &["-v", "credentials"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("STS.emu.ecs.CliRole"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("default/ecs_ram_role"));

    let out = dwdi(
        home.path(),
        &[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")],
        &["credentials"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    for provider in ["env:", "cli_profile:", "profile:"] {
        assert!(text.contains(provider), "{text}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
