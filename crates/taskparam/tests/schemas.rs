//! The committed `schemas/*.schema.json` files are what `cargo xtask codegen` would write
//! (so plain `cargo test` catches a stale schema), and every official sample passes them.

use std::path::PathBuf;

use dataworks_taskparam::{DocumentKind, schema_file_text, schema_for};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_schemas_are_up_to_date() {
    for kind in DocumentKind::ALL {
        let path = repo_root()
            .join("schemas")
            .join(format!("{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema_file_text(kind),
            "{} is stale: run `cargo xtask codegen` and commit the result",
            path.display()
        );
    }
}

#[test]
fn schemas_have_titles_and_descriptions_from_the_doc_comments() {
    let s = schema_for(DocumentKind::TaskContent);
    assert_eq!(
        s["$id"],
        "https://dataworks-di.dev/schemas/task-content.schema.json"
    );
    assert!(
        s["description"]
            .as_str()
            .unwrap()
            .contains("QueryDISyncTaskConfigProcessResult")
    );
    assert!(s["$defs"]["Step"]["description"].as_str().is_some());
    assert!(
        s["$defs"]["TableRule"]["properties"]["srcTable"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("source table"))
    );
}
