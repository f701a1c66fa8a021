//! `schemas/*.schema.json`, derived by schemars from the taskparam crate's types (one file per
//! document kind, named by the kind: `schemas/task-content.schema.json`, ...), and the
//! StartDISyncInstance's `StartParam` (`schemas/start-param.schema.json`), and the
//! `dataworks.toml` manifest's schema from the project crate (`schemas/dataworks-manifest.schema.json`).

use std::path::{Path, PathBuf};

use dataworks_taskparam::{published_schemas, schema_file_text};

/// Every JSON Schema file, as (path, contents).
pub fn files(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files: Vec<(PathBuf, String)> = published_schemas()
        .into_iter()
        .map(|(kind, _)| {
            let path = root.join("schemas").join(format!("{kind}.schema.json"));
            (path, schema_file_text(kind))
        })
        .collect();
    files.push((
        root.join("schemas").join("start-param.schema.json"),
        dataworks_taskparam::start_param_schema_text(),
    ));
    files.push((
        root.join("schemas").join("dataworks-manifest.schema.json"),
        dataworks_project::manifest_schema_text(),
    ));
    Ok(files)
}
