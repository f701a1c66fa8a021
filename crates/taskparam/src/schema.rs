//! JSON Schema of every document kind, derived by schemars from the Rust types (one source
//! of truth), with `$schema`, `$id`, `title` and `description` so editors can use them.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::kind::DocumentKind;
use crate::model::documents::{
    BatchJob, RealtimeTaskParam, SolutionProcess, TaskContent, TaskMeta, UpdateTaskParam,
};

fn root_schema<T: JsonSchema>(kind: DocumentKind) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<T>().to_value();
    let Value::Object(body) = schema else {
        return schema;
    };
    // Put the identifying keys first, the way people read a schema file.
    let mut out = Map::new();
    for key in ["$schema"] {
        if let Some(v) = body.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    out.insert("$id".to_owned(), Value::String(kind.schema_id()));
    out.insert("title".to_owned(), Value::String(kind.title().to_owned()));
    if let Some(description) = body.get("description") {
        out.insert("description".to_owned(), description.clone());
    }
    for (key, value) in body {
        if !matches!(key.as_str(), "$schema" | "$id" | "title" | "description") {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

/// The JSON Schema (draft 2020-12) of one document kind.
///
/// ```
/// use dataworks_taskparam::{DocumentKind, schema_for};
/// let s = schema_for(DocumentKind::TaskContent);
/// assert_eq!(s["$id"], "https://dataworks-di.dev/schemas/task-content.schema.json");
/// ```
pub fn schema_for(kind: DocumentKind) -> Value {
    match kind {
        DocumentKind::RealtimeTaskParam => root_schema::<RealtimeTaskParam>(kind),
        DocumentKind::UpdateTaskParam => root_schema::<UpdateTaskParam>(kind),
        DocumentKind::TaskContent => root_schema::<TaskContent>(kind),
        DocumentKind::BatchJob => root_schema::<BatchJob>(kind),
        DocumentKind::TaskMeta => root_schema::<TaskMeta>(kind),
        DocumentKind::SolutionProcess => root_schema::<SolutionProcess>(kind),
    }
}

/// Every kind's schema, in [`DocumentKind::ALL`] order (what `cargo xtask codegen` writes to
/// `schemas/<kind>.schema.json`).
pub fn published_schemas() -> Vec<(DocumentKind, Value)> {
    DocumentKind::ALL
        .into_iter()
        .map(|kind| (kind, schema_for(kind)))
        .collect()
}

/// The text of a published schema file: pretty JSON with a final newline.
pub fn schema_file_text(kind: DocumentKind) -> String {
    let mut text = serde_json::to_string_pretty(&schema_for(kind)).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_valid_draft_2020_12() {
        for (kind, schema) in published_schemas() {
            assert!(jsonschema::meta::is_valid(&schema), "{kind}");
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert!(schema["title"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(
                schema["description"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty()),
                "{kind}"
            );
        }
    }
}
