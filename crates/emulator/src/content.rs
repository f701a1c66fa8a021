//! The documents side of the emulated service, on the taskparam crate: validating TaskParams
//! and TaskContents, synthesising the content of a create, applying an update's table
//! selection, reading the create call's metadata, building a solution's detail.

use dataworks_taskparam::{
    DocumentKind, RealtimeTaskParam, TaskContent, UpdateTaskParam, ValidationReport, validate_str,
};
use serde_json::{Value, json};

/// At most this many problems are listed in one message.
const MAX_LISTED_PROBLEMS: usize = 5;

/// "what is invalid: PROBLEM; PROBLEM; and N more" for the errors of a report, each problem
/// as taskparam renders it (`/pointer: message [rule]; hint`).
pub(crate) fn problems_message(what: &str, report: &ValidationReport) -> String {
    let listed: Vec<String> = report
        .errors
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(ToString::to_string)
        .collect();
    let more = report.errors.len().saturating_sub(MAX_LISTED_PROBLEMS);
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!("{what} is invalid: {}{tail}", listed.join("; "))
}

fn validate(what: &str, text: &str, kind: DocumentKind) -> Result<(), String> {
    let report = validate_str(text, Some(kind));
    if report.is_valid() {
        Ok(())
    } else {
        Err(problems_message(what, &report))
    }
}

/// The normalised full TaskContent for a create's TaskParam, or why the TaskParam is bad.
pub(crate) fn generate_for_create(task_param: &str) -> Result<String, String> {
    validate("TaskParam", task_param, DocumentKind::RealtimeTaskParam)?;
    let param = RealtimeTaskParam::from_json(task_param)
        .map_err(|e| format!("TaskParam is not a real-time TaskParam: {e}"))?;
    Ok(TaskContent::from_realtime_param(&param).to_json())
}

/// The task's content with an update's table selection applied, or why it cannot be.
pub(crate) fn generate_for_update(current: &str, task_param: &str) -> Result<String, String> {
    validate("TaskParam", task_param, DocumentKind::UpdateTaskParam)?;
    let update = UpdateTaskParam::from_json(task_param)
        .map_err(|e| format!("TaskParam is not an update TaskParam: {e}"))?;
    let content = TaskContent::from_json(current)
        .map_err(|e| format!("the task's stored TaskContent cannot be read: {e}"))?;
    content
        .apply_update(&update)
        .map(|c| c.to_json())
        .map_err(|e| format!("the update cannot be applied: {e}"))
}

/// Checks a TaskContent given to Create/UpdateDISyncTask for a task of `task_type`.
pub(crate) fn check_content(task_type: &str, content: &str) -> Result<(), String> {
    let kind = if task_type == "DI_OFFLINE" {
        DocumentKind::BatchJob
    } else {
        DocumentKind::TaskContent
    };
    validate("TaskContent", content, kind)
}

/// The metadata of a Create/UpdateDISyncTask TaskParam (`FileFolderPath`, `ResourceGroup`,
/// `Cu`), read leniently.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TaskMetaInfo {
    pub folder: Option<String>,
    pub resource_group: Option<String>,
}

/// Reads a Create/UpdateDISyncTask TaskParam.
pub(crate) fn task_meta(task_param: &str) -> Result<TaskMetaInfo, String> {
    let value: Value = serde_json::from_str(task_param)
        .map_err(|e| format!("TaskParam is not JSON: {e} (expected e.g. {{\"FileFolderPath\":\"...\",\"ResourceGroup\":\"...\"}})"))?;
    let Value::Object(map) = value else {
        return Err("TaskParam must be a JSON object such as {\"FileFolderPath\":\"...\",\"ResourceGroup\":\"...\"}".into());
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!("TaskParam.{key} must be a string, not {other}")),
        }
    };
    if let Some(cu) = map.get("Cu") {
        let ok = match cu {
            Value::Number(n) => n.as_f64().is_some_and(|v| v > 0.0),
            Value::String(s) => s.parse::<f64>().is_ok_and(|v| v > 0.0),
            Value::Null => true,
            _ => false,
        };
        if !ok {
            return Err(format!("TaskParam.Cu must be a positive number, not {cu}"));
        }
    }
    Ok(TaskMetaInfo {
        folder: text("FileFolderPath")?,
        resource_group: text("ResourceGroup")?,
    })
}

/// The resource group named in a content's `extend.resourceGroup`, if any.
pub(crate) fn content_resource_group(content: &str) -> Option<String> {
    let value: Value = serde_json::from_str(content).ok()?;
    match value.pointer("/extend/resourceGroup")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// GetDISyncTask's `SolutionDetail` for a solution: `ProcessContent` is built around the
/// stored content (its `extend` goes to `realtimeSyncConfig.extend`, the rest to
/// `realtimeSyncConfig.content`).
pub(crate) fn solution_detail(
    file_id: i64,
    project_id: i64,
    name: &str,
    content: &str,
    status: &str,
    created_at_ms: i64,
) -> Value {
    let mut body: Value = serde_json::from_str(content).unwrap_or(Value::Null);
    let extend = body
        .as_object_mut()
        .and_then(|m| m.remove("extend"))
        .unwrap_or_else(|| json!({}));
    let writer = body
        .get("steps")
        .and_then(Value::as_array)
        .and_then(|steps| {
            steps
                .iter()
                .find(|s| s.get("category").and_then(Value::as_str) == Some("writer"))
        });
    let writer_type = writer
        .and_then(|w| w.get("stepType"))
        .and_then(Value::as_str)
        .unwrap_or("holo")
        .to_string();
    let mapping = writer
        .and_then(|w| w.pointer("/parameter/tableMappingRule"))
        .cloned()
        .unwrap_or_else(|| json!({"datasource": []}));
    let table_num = mapping
        .get("totalTableMapping")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let process_content = json!({
        "processRuleId": file_id,
        "srcType": "mysql",
        "realtimeSyncConfig": { "content": body, "extend": extend.clone() },
        "offlineSyncConfig": { "resourceGroup": extend.get("resourceGroup").cloned().unwrap_or(Value::Null) },
        "setting": { "autoCreateWorkflow": true },
        "tableMappingRuleFromRealtimeSyncConfig": mapping,
    });
    let process_extra = json!({ "processType": "new", "tableNum": table_num });
    let time = crate::clock::format_ms(created_at_ms);
    json!({
        "Id": file_id,
        "ProjectId": project_id,
        "Name": name,
        "CreatorName": "emulator",
        "ProcessContent": process_content.to_string(),
        "ProcessExtra": process_extra.to_string(),
        "SourceType": "mysql",
        "Type": writer_type,
        "StartTime": time,
        "SubmitTime": time,
        "Status": status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The metadata reader never panics, whatever the text.
        #[test]
        fn task_meta_never_panics(text in ".{0,200}") {
            let _ = task_meta(&text);
            let _ = content_resource_group(&text);
        }

        /// Any string folder/resource group is read back as given.
        #[test]
        fn task_meta_reads_strings(folder in ".{0,40}", group in "[A-Za-z0-9_]{1,30}") {
            let text = serde_json::json!({"FileFolderPath": folder, "ResourceGroup": group}).to_string();
            let meta = task_meta(&text).unwrap();
            prop_assert_eq!(meta.folder.as_deref(), Some(folder.as_str()));
            prop_assert_eq!(meta.resource_group.as_deref(), Some(group.as_str()));
        }
    }

    #[test]
    fn task_meta_reads_leniently() {
        let m =
            task_meta(r#"{"FileFolderPath":"Business Flow/x","ResourceGroup":280749,"Cu":0.5}"#)
                .unwrap();
        assert_eq!(m.folder.as_deref(), Some("Business Flow/x"));
        assert_eq!(m.resource_group.as_deref(), Some("280749"));
        assert!(task_meta("[]").is_err());
        assert!(task_meta("{").unwrap_err().contains("not JSON"));
        assert!(task_meta(r#"{"Cu":-1}"#).unwrap_err().contains("Cu"));
    }

    #[test]
    fn solution_detail_wraps_content() {
        let content = r#"{"extend":{"mode":"migration_holo","resourceGroup":"g"},"type":"job","steps":[{"category":"writer","stepType":"holo","parameter":{"tableMappingRule":{"datasource":[],"totalTableMapping":0}}}]}"#;
        let d = solution_detail(1000, 10000, "s", content, "success", 0);
        let pc: Value = serde_json::from_str(d["ProcessContent"].as_str().unwrap()).unwrap();
        assert_eq!(pc["realtimeSyncConfig"]["extend"]["mode"], "migration_holo");
        assert!(pc["realtimeSyncConfig"]["content"].get("extend").is_none());
        assert_eq!(d["Type"], "holo");
    }
}
