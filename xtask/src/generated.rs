//! The wire crate's generated Rust types and `docs/api.md`, from `api/dataworks-2020-05-18.json`.
//!
//! The description is read and checked by [`crate::api_model`]; [`crate::gen_wire`] writes the
//! Rust files (formatted with rustfmt, so `cargo fmt --check` accepts them) and
//! [`crate::gen_api_doc`] the reference page.

use std::path::{Path, PathBuf};

use crate::api_model::Api;

/// Where the generated Rust files go, relative to the workspace root.
pub const WIRE_GENERATED_DIR: &str = "crates/wire/src/generated";

/// Where the generated reference page goes, relative to the workspace root.
pub const API_DOC: &str = "docs/api.md";

/// Every file generated from the API description, as (path, contents).
pub fn files(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let api = Api::load(root)?;
    let mut files = Vec::new();
    for (name, source) in crate::gen_wire::sources(&api)? {
        let formatted =
            crate::rustfmt(&source).map_err(|e| format!("{WIRE_GENERATED_DIR}/{name}: {e}"))?;
        files.push((root.join(WIRE_GENERATED_DIR).join(name), formatted));
    }
    files.push((root.join(API_DOC), crate::gen_api_doc::markdown(&api)?));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mode, ensure_file_contents, workspace_root};

    /// `cargo test` fails when a committed generated file differs from what codegen writes
    /// (the same comparison `cargo xtask codegen --check` makes).
    #[test]
    fn generated_files_are_fresh() {
        let root = workspace_root();
        let mut stale = Vec::new();
        for (path, contents) in files(&root).unwrap() {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != contents {
                stale.push(
                    path.strip_prefix(&root)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files (run `cargo xtask codegen` and commit): {stale:?}"
        );
    }

    #[test]
    fn every_generated_file_starts_with_the_marker() {
        for (path, contents) in files(&workspace_root()).unwrap() {
            let first = contents.lines().next().unwrap_or_default();
            assert!(
                first.contains(crate::GENERATED_MARKER),
                "{}: {first}",
                path.display()
            );
        }
    }

    /// The check mode reports a stale file and leaves it alone; the write mode fixes it.
    #[test]
    fn check_mode_catches_a_stale_file() {
        let dir = std::env::temp_dir().join(format!("xtask-codegen-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("generated.rs");
        let fresh = "// generated\npub struct A;\n";
        std::fs::write(&path, "// generated\npub struct Stale;\n").unwrap();

        assert!(!ensure_file_contents(&path, fresh, Mode::Check).unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "// generated\npub struct Stale;\n",
            "check mode must not write"
        );
        assert!(ensure_file_contents(&path, fresh, Mode::Write).unwrap());
        assert!(ensure_file_contents(&path, fresh, Mode::Check).unwrap());

        // A missing file is stale too.
        let missing = dir.join("missing.rs");
        assert!(!ensure_file_contents(&missing, fresh, Mode::Check).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
