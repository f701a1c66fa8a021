//! From a manifest and one environment to the desired state: variables substituted, defaults
//! applied, documents read (through [`Sources`], so this crate does no I/O) and validated.
//! Every problem of every task is collected before anything is returned.

use std::collections::{BTreeMap, BTreeSet};

use dataworks_taskparam::{DocumentKind, validate_str, validate_value};
use dataworks_wire::TaskType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::{DocumentSource, Lifecycle, Manifest, RateLimitDecl, TaskDecl};
use crate::problem::{Location, ManifestProblem, ManifestProblems};
use crate::variables::{UndefinedVariable, json_escape, substitute, substitute_value};
use dataworks_taskparam::StartParam;

/// The documents a manifest names, by path relative to the manifest's directory. The CLI
/// reads files; tests and other callers can give a map.
pub trait Sources {
    /// The text of `path`, or why it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
}

impl Sources for BTreeMap<String, String> {
    fn read(&self, path: &str) -> Result<String, String> {
        self.get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_owned())
    }
}

/// Where an environment's tasks live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The environment's name.
    pub environment: String,
    /// The workspace (`ProjectId`).
    pub workspace: i64,
    /// The region, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The endpoint, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The credentials profile, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The request budget, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitDecl>,
}

/// One task as it should be in an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredTask {
    /// The name.
    pub name: String,
    /// The folder.
    pub folder: String,
    /// The type.
    #[serde(rename = "type")]
    pub task_type: TaskType,
    /// The create call's `ResourceGroup`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    /// The document, variables substituted and validated: a real-time create TaskParam
    /// (DI_REALTIME, DI_SOLUTION) or a batch job (DI_OFFLINE).
    pub document: Value,
    /// Deployed or running.
    pub lifecycle: Lifecycle,
    /// The start settings of a running task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<StartParam>,
}

/// Every task of one environment as it should be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    /// Where.
    pub target: Target,
    /// The folders the manifest manages (where `--prune` deletes undeclared tasks).
    pub folders: Vec<String>,
    /// The tasks, in manifest order.
    pub tasks: Vec<DesiredTask>,
}

/// The document kind a task type is declared with.
pub fn document_kind(task_type: TaskType) -> DocumentKind {
    match task_type {
        TaskType::DiOffline => DocumentKind::BatchJob,
        // Real-time tasks, solutions (and any kind the service adds) are created from a TaskParam.
        _ => DocumentKind::RealtimeTaskParam,
    }
}

/// Resolves `manifest` (read from `file`) for the environment `env` (the only one when
/// `None`); documents are read from `sources`. Every problem is returned at once.
///
/// ```
/// use std::collections::BTreeMap;
/// use dataworks_project::{Manifest, resolve};
/// let text = r#"
/// [environments.dev]
/// workspace = 10000
/// [[tasks]]
/// name = "copy"
/// type = "DI_OFFLINE"
/// folder = "di/${area}"
/// document = { type = "job", version = "2.0", steps = [] }
/// "#;
/// let manifest = Manifest::parse("dataworks.toml", text)?;
/// let problems = resolve(&manifest, "dataworks.toml", text, None, &BTreeMap::new()).unwrap_err();
/// assert!(problems.0[0].message.contains("`area`"));
/// assert_eq!(problems.0[0].location.line, Some(7));
/// # Ok::<(), dataworks_project::ManifestProblems>(())
/// ```
pub fn resolve(
    manifest: &Manifest,
    file: &str,
    text: &str,
    env: Option<&str>,
    sources: &dyn Sources,
) -> Result<Desired, ManifestProblems> {
    let (env_name, environment) = manifest.environment(env).map_err(|message| {
        ManifestProblems(vec![ManifestProblem {
            location: Location::file(file),
            environment: env.map(str::to_owned),
            message,
            fix: "add or name an environment: [environments.NAME] workspace = ID".to_owned(),
        }])
    })?;
    let mut r = Resolver {
        file,
        text,
        env: env_name,
        vars: &environment.variables,
        problems: Vec::new(),
    };
    let default_folder = manifest
        .defaults
        .folder
        .as_deref()
        .map(|f| r.string(f, "defaults.folder"));
    let default_group = manifest
        .defaults
        .resource_group
        .as_deref()
        .map(|g| r.string(g, "defaults.resource_group"));
    let managed: Vec<String> = manifest
        .folders
        .iter()
        .map(|f| r.string(f, "folders"))
        .collect();

    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tasks = Vec::new();
    for decl in &manifest.tasks {
        let offset = decl.name.span().start;
        let name = decl.name.get_ref();
        if let Some(first) = seen.insert(name.as_str(), offset) {
            let first = Location::at_offset(file, text, first);
            r.problem_at(
                offset,
                format!(
                    "duplicate task name `{name}` (first declared at line {})",
                    first.line.unwrap_or(0)
                ),
                "give every task its own name; a task's identity in the workspace is its folder and name",
            );
            continue;
        }
        if name.trim().is_empty() {
            r.problem_at(offset, "a task has an empty name", "give the task a name");
            continue;
        }
        if let Some(task) = r.task(
            decl,
            default_folder.as_deref(),
            default_group.as_deref(),
            &managed,
            sources,
        ) {
            tasks.push(task);
        }
    }
    if !r.problems.is_empty() {
        return Err(ManifestProblems(r.problems));
    }
    let folders = if managed.is_empty() {
        tasks
            .iter()
            .map(|t: &DesiredTask| t.folder.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        managed
    };
    Ok(Desired {
        target: Target {
            environment: env_name.to_owned(),
            workspace: environment.workspace,
            region: environment.region.clone(),
            endpoint: environment.endpoint.clone(),
            profile: environment.profile.clone(),
            rate_limit: environment.rate_limit,
        },
        folders,
        tasks,
    })
}

struct Resolver<'a> {
    file: &'a str,
    text: &'a str,
    env: &'a str,
    vars: &'a BTreeMap<String, String>,
    problems: Vec<ManifestProblem>,
}

impl Resolver<'_> {
    fn problem(&mut self, location: Location, message: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(ManifestProblem {
            location,
            environment: Some(self.env.to_owned()),
            message: message.into(),
            fix: fix.into(),
        });
    }

    fn problem_at(&mut self, offset: usize, message: impl Into<String>, fix: impl Into<String>) {
        let location = Location::at_offset(self.file, self.text, offset);
        self.problem(location, message, fix);
    }

    fn undefined(&mut self, location: Location, missing: &[UndefinedVariable], what: &str) {
        for u in missing {
            self.problem(
                location.clone(),
                format!(
                    "undefined variable `{}` in {what}",
                    u.name
                ),
                format!(
                    "add `{} = \"...\"` under [environments.{}.variables], or write `$${{` for a literal `${{` (a DataWorks scheduling parameter such as `$${{bizdate}}`)",
                    u.name, self.env
                ),
            );
        }
    }

    /// A manifest string with variables substituted (problems located at the string's first
    /// occurrence in the manifest).
    fn string(&mut self, value: &str, what: &str) -> String {
        match substitute(value, self.vars, str::to_owned) {
            Ok(s) => s,
            Err(missing) => {
                let offset = self.text.find(value).unwrap_or(0);
                let location = Location::at_offset(self.file, self.text, offset);
                self.undefined(location, &missing, what);
                value.to_owned()
            }
        }
    }

    fn task(
        &mut self,
        decl: &TaskDecl,
        default_folder: Option<&str>,
        default_group: Option<&str>,
        managed: &[String],
        sources: &dyn Sources,
    ) -> Option<DesiredTask> {
        let offset = decl.name.span().start;
        let name = decl.name.get_ref().clone();
        let before = self.problems.len();
        let folder = match decl.folder.as_deref() {
            Some(f) => Some(self.string(f, &format!("the folder of task `{name}`"))),
            None => default_folder.map(str::to_owned),
        };
        let folder = match folder {
            Some(f) if !f.trim().is_empty() => f,
            _ => {
                self.problem_at(
                    offset,
                    format!("task `{name}` has no folder"),
                    "give the task `folder = \"...\"` or set [defaults] folder",
                );
                String::new()
            }
        };
        if !managed.is_empty() && !folder.is_empty() && !managed.contains(&folder) {
            self.problem_at(
                offset,
                format!(
                    "task `{name}` is in folder `{folder}`, which the manifest does not manage"
                ),
                format!(
                    "add \"{folder}\" to `folders`, or move the task to one of: {}",
                    managed.join(", ")
                ),
            );
        }
        let resource_group = match decl.resource_group.as_deref() {
            Some(g) => Some(self.string(g, &format!("the resource group of task `{name}`"))),
            None => default_group.map(str::to_owned),
        };
        if decl.lifecycle == Lifecycle::Running && decl.task_type == TaskType::DiOffline {
            self.problem_at(
                offset,
                format!("task `{name}` is DI_OFFLINE and cannot be `running` (batch tasks run on their schedule)"),
                "use `lifecycle = \"deployed\"` for a DI_OFFLINE task",
            );
        }
        if decl.start.is_some() && decl.lifecycle != Lifecycle::Running {
            self.problem_at(
                offset,
                format!("task `{name}` has `start` settings but is not `running`"),
                "set `lifecycle = \"running\"`, or remove the [tasks.start] table",
            );
        }
        if let Some(start) = &decl.start {
            let value = serde_json::to_value(start).unwrap_or(Value::Null);
            let report = dataworks_taskparam::validate_start_param(&value);
            for e in report.errors {
                let location = Location::at_offset(self.file, self.text, offset)
                    .with_pointer(format!("/start{}", e.pointer));
                self.problem(
                    location,
                    format!(
                        "the start settings of task `{name}` are not valid: {} ({})",
                        e.message, e.rule
                    ),
                    e.hint,
                );
            }
        }
        let document = self.document(decl, &name, offset, sources);
        if self.problems.len() > before {
            return None;
        }
        Some(DesiredTask {
            name,
            folder,
            task_type: decl.task_type,
            resource_group,
            document: document?,
            lifecycle: decl.lifecycle,
            start: decl.start.clone(),
        })
    }

    fn document(
        &mut self,
        decl: &TaskDecl,
        name: &str,
        offset: usize,
        sources: &dyn Sources,
    ) -> Option<Value> {
        let kind = document_kind(decl.task_type);
        match &decl.document {
            DocumentSource::File(path) => {
                let raw = match sources.read(path) {
                    Ok(t) => t,
                    Err(why) => {
                        self.problem_at(
                            offset,
                            format!("the document `{path}` of task `{name}` cannot be read: {why}"),
                            "give a path relative to the manifest's directory",
                        );
                        return None;
                    }
                };
                let text = match substitute(&raw, self.vars, json_escape) {
                    Ok(t) => t,
                    Err(missing) => {
                        for u in &missing {
                            let location = Location::at_offset(path, &raw, u.offset);
                            self.undefined(
                                location,
                                std::slice::from_ref(u),
                                &format!("the document of task `{name}`"),
                            );
                        }
                        return None;
                    }
                };
                let report = validate_str(&text, Some(kind));
                self.report(path, None, name, kind, report.errors);
                serde_json::from_str(&text).ok()
            }
            DocumentSource::Inline(map) => {
                let mut value = Value::Object(map.clone());
                let mut missing = Vec::new();
                substitute_value(&mut value, self.vars, "", &mut missing);
                for (pointer, u) in &missing {
                    let location =
                        Location::at_offset(self.file, self.text, offset).with_pointer(pointer);
                    self.undefined(
                        location,
                        std::slice::from_ref(u),
                        &format!("the inline document of task `{name}`"),
                    );
                }
                if !missing.is_empty() {
                    return None;
                }
                let report = validate_value(&value, Some(kind));
                self.report(self.file, Some(offset), name, kind, report.errors);
                Some(value)
            }
        }
    }

    fn report(
        &mut self,
        file: &str,
        manifest_offset: Option<usize>,
        name: &str,
        kind: DocumentKind,
        errors: Vec<dataworks_taskparam::Problem>,
    ) {
        for e in errors {
            let location = match manifest_offset {
                Some(offset) => Location::at_offset(self.file, self.text, offset),
                None => Location {
                    file: file.to_owned(),
                    line: e.line,
                    column: e.column,
                    pointer: None,
                },
            }
            .with_pointer(e.pointer.clone());
            self.problem(
                location,
                format!("the {kind} of task `{name}` is not valid: {}", e.summary()),
                e.hint,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAM: &str = r#"{
  "type": "realtime", "version": "1.0",
  "setting": {"resourceGroup": "${group}", "taskType": "oneclick_to_holo"},
  "steps": [
    {"stepType": "mysql", "name": "Reader", "category": "reader",
     "parameter": {"connection": [{"datasource": "${mysql}",
       "selectedTables": [{"dbName": "shop", "schema": [{"tableInfos": [{"table": "orders"}]}]}]}]}},
    {"stepType": "holo", "name": "Writer", "category": "writer",
     "parameter": {"datasource": "holo_dw", "writeMode": "replay"}}
  ]
}"#;

    const MANIFEST: &str = r#"folders = ["di"]
[defaults]
folder = "di"

[environments.dev]
workspace = 10000
[environments.dev.variables]
mysql = "mysql_dev"
group = "S_dev"

[environments.prod]
workspace = 20000
[environments.prod.variables]
mysql = "mysql_prod"

[[tasks]]
name = "orders"
type = "DI_REALTIME"
document = "orders.json"
lifecycle = "running"
start = { failoverLimit = { count = 3, interval = 30 } }
"#;

    fn sources() -> BTreeMap<String, String> {
        BTreeMap::from([("orders.json".to_owned(), PARAM.to_owned())])
    }

    #[test]
    fn variables_differ_by_environment() {
        let m = Manifest::parse("dataworks.toml", MANIFEST).unwrap();
        let dev = resolve(&m, "dataworks.toml", MANIFEST, Some("dev"), &sources()).unwrap();
        assert_eq!(dev.target.workspace, 10000);
        assert_eq!(dev.folders, ["di"]);
        let doc = &dev.tasks[0].document;
        assert_eq!(
            doc["steps"][0]["parameter"]["connection"][0]["datasource"],
            "mysql_dev"
        );
        let start = serde_json::to_value(dev.tasks[0].start.as_ref().unwrap()).unwrap();
        assert_eq!(start["failoverLimit"]["count"], 3);

        let err = resolve(&m, "dataworks.toml", MANIFEST, Some("prod"), &sources()).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        let p = &err.0[0];
        assert!(p.message.contains("`group`"), "{p}");
        assert_eq!(
            (p.location.file.as_str(), p.location.line),
            ("orders.json", Some(3))
        );
        assert!(p.fix.contains("[environments.prod.variables]"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = format!(
            "{MANIFEST}\n[[tasks]]\nname = \"orders\"\ntype = \"DI_OFFLINE\"\ndocument = \"missing.json\"\n\n[[tasks]]\nname = \"bad\"\ntype = \"DI_REALTIME\"\nfolder = \"elsewhere\"\ndocument = {{ type = \"realtime\", steps = [] }}\n"
        );
        let m = Manifest::parse("dataworks.toml", &text).unwrap();
        let err = resolve(&m, "dataworks.toml", &text, Some("dev"), &sources()).unwrap_err();
        let all = err.to_string();
        assert!(all.contains("duplicate task name `orders`"), "{all}");
        assert!(all.contains("does not manage"), "{all}");
        assert!(
            all.contains("realtime-task-param of task `bad` is not valid"),
            "{all}"
        );
        let dup = err
            .0
            .iter()
            .find(|p| p.message.contains("duplicate"))
            .unwrap();
        assert_eq!(dup.location.line, Some(24));
    }

    #[test]
    fn one_environment_needs_no_name_and_several_do() {
        let m = Manifest::parse("dataworks.toml", MANIFEST).unwrap();
        let err = resolve(&m, "dataworks.toml", MANIFEST, None, &sources()).unwrap_err();
        assert!(err.0[0].message.contains("choose one with --env"));
    }

    #[test]
    fn toml_errors_are_located() {
        let err = Manifest::parse("dataworks.toml", "[environments.dev]\nworkspace = \"x\"\n")
            .unwrap_err();
        assert_eq!(err.0[0].location.line, Some(2), "{err}");
    }
}
