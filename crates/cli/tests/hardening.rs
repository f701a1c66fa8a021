//! `dwdi` as a Unix tool and as a careful client: a closed stdout ends it quietly, and a plain
//! `http://` endpoint that is not loopback is refused before any connection unless
//! `--allow-insecure-http` is given.

use std::process::{Command, Output, Stdio};

fn dwdi() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dwdi"));
    let home = std::env::temp_dir().join("dwdi-hardening-test-home-that-does-not-exist");
    cmd.env("HOME", home)
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env_remove("ALIBABA_CLOUD_REGION_ID")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "test-id")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "test-secret");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    // The read end is closed before the command starts, so its first write fails with EPIPE
    // (what `dwdi … | head` gives once head has exited).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = dwdi()
        .args(["schema", "task-content"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let text = stderr(&out);
    assert!(!text.contains("panicked"), "{text}");
    assert!(!text.contains("Broken pipe"), "{text}");
    assert!(text.is_empty(), "nothing on stderr: {text}");
    assert_eq!(out.status.code(), Some(141), "128 + SIGPIPE: {text}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused_with_the_flag_to_allow_it() {
    // A reserved `.invalid` host: nothing is resolved or sent even if the check were wrong.
    let out = dwdi()
        .args([
            "--endpoint",
            "http://dataworks.example.invalid:8080",
            "get",
            "--project",
            "10000",
            "--type",
            "DI_REALTIME",
            "1",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("refusing plain http://"), "{text}");
    assert!(text.contains("not a loopback address"), "{text}");
    assert!(text.contains("--allow-insecure-http"), "{text}");
    assert!(out.stdout.is_empty());
}
