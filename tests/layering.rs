//! The workspace's layering rules, checked from the manifests.
//!
//! Lower layers never depend on higher ones, and every dependency version lives in the root
//! `Cargo.toml` (`[workspace.dependencies]`); crates only say `name.workspace = true`.

use std::fs;
use std::path::Path;

/// Which of our crates each crate may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("signer", &[]),
    ("wire", &[]),
    ("taskparam", &[]),
    ("project", &["dataworks-wire", "dataworks-taskparam"]),
    ("credentials", &["dataworks-signer"]),
    (
        "emulator",
        &["dataworks-signer", "dataworks-wire", "dataworks-taskparam"],
    ),
    (
        "workflow",
        &[
            "dataworks-signer",
            "dataworks-credentials",
            "dataworks-wire",
            "dataworks-taskparam",
            "dataworks-project",
        ],
    ),
    (
        "test-support",
        &["dataworks-emulator", "dataworks-workflow"],
    ),
    (
        "cli",
        &[
            "dataworks-signer",
            "dataworks-wire",
            "dataworks-taskparam",
            "dataworks-project",
            "dataworks-workflow",
            "dataworks-emulator",
        ],
    ),
];

/// The crates that promise to be sans-IO (no HTTP, no async runtime, no storage).
const SANS_IO: &[&str] = &["signer", "wire", "taskparam", "project"];

/// Dependencies that would break the sans-IO promise of the lower crates.
const IO_CRATES: &[&str] = &["tokio", "reqwest", "axum", "hyper", "rusqlite", "async-std"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `[dependencies]` table of a manifest as (name, line) pairs.
fn section(manifest: &str, header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
            continue;
        }
        if inside
            && !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && let Some((name, _)) = trimmed.split_once('=')
        {
            let name = name.trim().trim_end_matches(".workspace").to_string();
            out.push((name, trimmed.to_string()));
        }
    }
    out
}

#[test]
fn crates_depend_only_on_lower_layers() {
    for (krate, allowed) in ALLOWED {
        let path = root().join("crates").join(krate).join("Cargo.toml");
        let manifest = fs::read_to_string(&path).expect("crate manifest is readable");
        for (dep, _) in section(&manifest, "[dependencies]") {
            if dep.starts_with("dataworks-") {
                assert!(
                    allowed.contains(&dep.as_str()),
                    "{krate} depends on {dep}, which is not a lower layer (allowed: {allowed:?})"
                );
            }
            if SANS_IO.contains(krate) {
                assert!(
                    !IO_CRATES.contains(&dep.as_str()),
                    "{krate} is sans-IO but depends on {dep}"
                );
            }
        }
    }
}

#[test]
fn dependency_versions_live_in_the_workspace_root() {
    let mut manifests = vec![root().join("xtask").join("Cargo.toml")];
    for (krate, _) in ALLOWED {
        manifests.push(root().join("crates").join(krate).join("Cargo.toml"));
    }
    for path in manifests {
        let manifest = fs::read_to_string(&path).expect("manifest is readable");
        for header in [
            "[dependencies]",
            "[dev-dependencies]",
            "[build-dependencies]",
        ] {
            for (dep, line) in section(&manifest, header) {
                // The one exception: a crate's dev-dependency on itself (to turn on its
                // `test-util` feature for its own tests) is `path = "."` with no version, so
                // `cargo package` drops it from the published manifest.
                let on_itself = header == "[dev-dependencies]" && line.contains("path = \".\"");
                assert!(
                    on_itself || line.contains("workspace = true"),
                    "{}: {header} {dep} must use `{dep}.workspace = true` (versions live in the root Cargo.toml), found `{line}`",
                    path.display()
                );
            }
        }
    }
}
