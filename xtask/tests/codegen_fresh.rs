//! `cargo xtask codegen --check` passes on the committed tree: every generated file (the wire
//! crate's types, `docs/api.md`, the schemas) is what codegen would write. The check mode's
//! own behaviour on a stale file is tested in `src/generated.rs`.

use std::process::Command;

#[test]
fn committed_generated_files_are_fresh() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generated files are stale; run `cargo xtask codegen` and commit:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("up to date"));
}

#[test]
fn unknown_arguments_are_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
}
