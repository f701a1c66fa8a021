//! Plan output: text a person reads at a glance, and the JSON document scripts read.

use serde_json::{Value, json};

use crate::plan::{Action, Change, Plan};

/// The sign of an action in text output.
fn sign(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::Delete => "-",
        Action::None => " ",
    }
}

/// The plan as text: a summary line, then one line per task that changes (`+` create, `~`
/// update, `-/+` replace, `-` delete, blank for lifecycle only) with its tables added and
/// removed.
///
/// ```
/// use dataworks_project::{render_text, Plan};
/// let p = Plan { environment: "dev".into(), changes: vec![] };
/// assert!(render_text(&p).contains("no changes"));
/// ```
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    let unchanged = plan.changes.iter().filter(|c| !c.is_change()).count();
    if !plan.has_changes() {
        out.push_str(&format!(
            "environment {}: no changes ({} task{} as declared)\n",
            plan.environment,
            unchanged,
            if unchanged == 1 { "" } else { "s" }
        ));
        return out;
    }
    for change in plan.changes.iter().filter(|c| c.is_change()) {
        out.push_str(&line(change));
    }
    out.push_str(&format!(
        "environment {}: {} to create, {} to update, {} to replace, {} to delete, {} lifecycle only, {} unchanged\n",
        plan.environment,
        plan.count(Action::Create),
        plan.count(Action::Update),
        plan.count(Action::Replace),
        plan.count(Action::Delete),
        plan.changes
            .iter()
            .filter(|c| c.action == Action::None && c.is_change())
            .count(),
        unchanged
    ));
    out
}

fn line(change: &Change) -> String {
    let mut out = format!(
        "{} {} ({}, {}): {}",
        sign(change.action),
        change.task,
        change.task_type,
        change.folder,
        change.action.as_str()
    );
    if !change.lifecycle.is_empty() {
        let steps: Vec<&str> = change.lifecycle.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!("; {}", steps.join(", ")));
    }
    out.push('\n');
    if let Some(reason) = &change.reason {
        out.push_str(&format!("    because {reason}\n"));
    }
    if let Some(diff) = &change.diff {
        for (db, tables) in &diff.tables_added {
            for t in tables {
                out.push_str(&format!("    + table {}\n", qualified(db, t)));
            }
        }
        for (db, tables) in &diff.tables_removed {
            for t in tables {
                out.push_str(&format!("    - table {}\n", qualified(db, t)));
            }
        }
        let tables_only = diff.other_changes.is_empty() && diff.rules_changed.is_empty();
        if !tables_only {
            for c in &diff.other_changes {
                out.push_str(&format!("    ~ {}\n", c.pointer));
            }
            for r in &diff.rules_changed {
                out.push_str(&format!("    ~ mapping rule {}\n", r.key));
            }
        }
    }
    out
}

fn qualified(db: &str, table: &str) -> String {
    if db.is_empty() {
        table.to_owned()
    } else {
        format!("{db}.{table}")
    }
}

/// The plan as JSON: `{"environment", "has_changes", "changes": [{"task", "folder", "type",
/// "action", "lifecycle", "diff", ...}]}`.
pub fn render_json(plan: &Plan) -> Value {
    let mut doc = serde_json::to_value(plan).unwrap_or_else(|_| json!({}));
    if let Some(map) = doc.as_object_mut() {
        map.insert("has_changes".to_owned(), json!(plan.has_changes()));
    }
    doc
}
