//! The `dataworks.toml` manifest as written: environments, managed folders, defaults and
//! tasks. Parsing only; [`crate::resolve()`] turns it into the desired state of one environment.

use std::collections::BTreeMap;

use dataworks_wire::TaskType;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use toml::Spanned;

use crate::problem::{Location, ManifestProblem};
use dataworks_taskparam::StartParam;

/// The name of the manifest file (found as Cargo finds `Cargo.toml`).
pub const MANIFEST_FILE: &str = "dataworks.toml";

/// The `$id` of the manifest's published JSON Schema.
pub const SCHEMA_ID: &str = "https://dataworks-di.dev/schemas/dataworks-manifest.schema.json";

/// A `dataworks.toml`: the DI tasks of a workspace, declared once for every environment.
///
/// ```
/// let manifest = dataworks_project::Manifest::parse("dataworks.toml", r#"
/// folders = ["Workflow/di"]
/// [environments.dev]
/// workspace = 10000
/// endpoint = "http://127.0.0.1:8080"
/// [environments.dev.variables]
/// mysql = "mysql_dev"
///
/// [[tasks]]
/// name = "orders_to_holo"
/// type = "DI_REALTIME"
/// folder = "Workflow/di"
/// document = "tasks/orders.json"
/// lifecycle = "running"
/// "#)?;
/// assert_eq!(manifest.tasks[0].name.get_ref(), "orders_to_holo");
/// # Ok::<(), dataworks_project::ManifestProblems>(())
/// ```
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dataworks-di manifest (dataworks.toml)")]
pub struct Manifest {
    /// The environments, by name (`dev`, `prod`): where the tasks live and the variables that
    /// differ between them.
    pub environments: BTreeMap<String, Environment>,
    /// The folders this manifest manages: `dwdi plan --prune` deletes the tasks found there that
    /// the manifest does not declare. Default: the folders of the declared tasks.
    #[serde(default)]
    pub folders: Vec<String>,
    /// Defaults for every task.
    #[serde(default)]
    pub defaults: Defaults,
    /// The tasks.
    #[serde(default)]
    pub tasks: Vec<TaskDecl>,
}

/// One environment: a DataWorks workspace and how to reach it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The workspace id (`ProjectId`).
    pub workspace: i64,
    /// The region whose endpoint to use (`cn-shanghai`); `endpoint` wins when both are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// An explicit endpoint with its scheme (`http://127.0.0.1:8080` for the emulator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The credentials profile (`~/.aliyun/config.json` or the credentials file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Values for `${name}` in documents, folders and resource groups.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// The request budget of this account (shared by every user of it); default: the
    /// edition's documented limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitDecl>,
}

/// Requests per second, separate budgets for reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitDecl {
    /// Read calls (Get*, List*, Query*) per second.
    pub reads_per_second: f64,
    /// Write calls (Create*, Update*, Deploy*, Start*, ...) per second.
    pub writes_per_second: f64,
}

/// Defaults for every task.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// The folder of tasks that name none (`FileFolderPath`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// The resource group of tasks that name none (`ResourceGroup` of the create call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
}

/// The state a task should be kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// Created and its latest version deployed, not running (a running task is stopped).
    #[default]
    Deployed,
    /// Deployed and running (DI_REALTIME, DI_SOLUTION), started with `start` settings.
    Running,
}

/// One task.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDecl {
    /// The task's name, unique in the manifest; with the folder, its identity in the workspace.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// `DI_REALTIME`, `DI_SOLUTION` or `DI_OFFLINE`.
    #[serde(rename = "type")]
    #[schemars(schema_with = "task_type_schema")]
    pub task_type: TaskType,
    /// The folder (`FileFolderPath`); default: `defaults.folder`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// The resource group (`ResourceGroup` of the create call); default:
    /// `defaults.resource_group`, then the document's `setting.resourceGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    /// The document: a path relative to the manifest, or the document inline. DI_REALTIME and
    /// DI_SOLUTION take a real-time create TaskParam; DI_OFFLINE a batch job.
    pub document: DocumentSource,
    /// `deployed` (default) or `running`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// The start settings (`StartParam` of StartDISyncInstance) of a `running` task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<StartParam>,
}

/// Where a task's document is.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum DocumentSource {
    /// A JSON file, relative to the manifest's directory.
    File(String),
    /// The document inline, as a TOML table.
    Inline(serde_json::Map<String, Value>),
}

fn task_type_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "enum": TaskType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "description": "The DI task type."
    })
}

impl Manifest {
    /// Parses a manifest's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Manifest, crate::ManifestProblems> {
        toml::from_str(text).map_err(|e| {
            let location = e.span().map(|span| Location::at_offset(file, text, span.start));
            crate::ManifestProblems(vec![ManifestProblem {
                location: location.unwrap_or_else(|| Location::file(file)),
                environment: None,
                message: format!("the manifest is not valid: {}", e.message()),
                fix: "fix the TOML at this position (see schemas/dataworks-manifest.schema.json for every field)".to_owned(),
            }])
        })
    }

    /// The environment `name`, or the only one when `name` is `None`.
    pub fn environment(&self, name: Option<&str>) -> Result<(&str, &Environment), String> {
        match name {
            Some(n) => self
                .environments
                .get_key_value(n)
                .map(|(k, v)| (k.as_str(), v))
                .ok_or_else(|| {
                    format!(
                        "no environment `{n}` in the manifest; it declares: {}",
                        self.environment_names().join(", ")
                    )
                }),
            None => {
                let mut all = self.environments.iter();
                match (all.next(), all.next()) {
                    (Some((k, v)), None) => Ok((k.as_str(), v)),
                    (None, _) => Err(
                        "the manifest declares no environment; add [environments.NAME] with a workspace".to_owned(),
                    ),
                    _ => Err(format!(
                        "the manifest declares several environments ({}); choose one with --env",
                        self.environment_names().join(", ")
                    )),
                }
            }
        }
    }

    /// The environments' names, sorted.
    pub fn environment_names(&self) -> Vec<&str> {
        self.environments.keys().map(String::as_str).collect()
    }
}

/// The manifest's JSON Schema (published as `schemas/dataworks-manifest.schema.json`).
pub fn manifest_schema() -> Value {
    let mut schema = schemars::schema_for!(Manifest).to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert("$id".to_owned(), Value::String(SCHEMA_ID.to_owned()));
    }
    schema
}

/// The text of the published schema file: pretty JSON with a final newline.
pub fn manifest_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&manifest_schema()).unwrap_or_default();
    text.push('\n');
    text
}
