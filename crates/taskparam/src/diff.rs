//! Differences between two documents: tables added and removed per database, writer mapping
//! rules added, removed or changed, and every other changed path. Text for people
//! ([`ContentDiff::to_text`]), JSON for machines (`Serialize`). Values of secret-like fields
//! are never shown.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kind::DocumentKind;
use crate::model::documents::TaskContent;
use crate::util::{is_secret_key, join_pointer};

/// What is shown instead of a secret-like value.
pub const REDACTED: &str = "<redacted>";

/// One changed path: `old` absent means added, `new` absent means removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathChange {
    /// JSON pointer of the value (relative to the rule for [`RuleChange::changes`]).
    pub pointer: String,
    /// The old value (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Which source table a mapping rule is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RuleKey {
    /// The source database (`""` when not named).
    pub db: String,
    /// The source table.
    pub table: String,
}

impl std::fmt::Display for RuleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.db.is_empty() {
            f.write_str(&self.table)
        } else {
            write!(f, "{}.{}", self.db, self.table)
        }
    }
}

/// A mapping rule present in both documents with different contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChange {
    /// The rule's source table.
    pub key: RuleKey,
    /// The changed paths inside the rule.
    pub changes: Vec<PathChange>,
}

/// The differences between two documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContentDiff {
    /// Tables newly selected, by database (`""` when the `table` form does not name it).
    pub tables_added: BTreeMap<String, Vec<String>>,
    /// Tables no longer selected, by database.
    pub tables_removed: BTreeMap<String, Vec<String>>,
    /// Mapping rules only in the new document.
    pub rules_added: Vec<RuleKey>,
    /// Mapping rules only in the old document.
    pub rules_removed: Vec<RuleKey>,
    /// Mapping rules in both, changed.
    pub rules_changed: Vec<RuleChange>,
    /// Every other changed path.
    pub other_changes: Vec<PathChange>,
}

impl ContentDiff {
    /// Whether the documents are the same.
    pub fn is_empty(&self) -> bool {
        self.tables_added.is_empty()
            && self.tables_removed.is_empty()
            && self.rules_added.is_empty()
            && self.rules_removed.is_empty()
            && self.rules_changed.is_empty()
            && self.other_changes.is_empty()
    }

    /// The diff for people, one change per line (`+` added, `-` removed, `~` changed).
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return "no changes\n".to_owned();
        }
        let mut out = String::new();
        let tables =
            |out: &mut String, title: &str, sign: char, map: &BTreeMap<String, Vec<String>>| {
                if map.is_empty() {
                    return;
                }
                out.push_str(title);
                out.push('\n');
                for (db, tables) in map {
                    for t in tables {
                        let key = RuleKey {
                            db: db.clone(),
                            table: t.clone(),
                        };
                        out.push_str(&format!("  {sign} {key}\n"));
                    }
                }
            };
        tables(&mut out, "tables added:", '+', &self.tables_added);
        tables(&mut out, "tables removed:", '-', &self.tables_removed);
        for (title, sign, keys) in [
            ("mapping rules added:", '+', &self.rules_added),
            ("mapping rules removed:", '-', &self.rules_removed),
        ] {
            if !keys.is_empty() {
                out.push_str(title);
                out.push('\n');
                for key in keys {
                    out.push_str(&format!("  {sign} {key}\n"));
                }
            }
        }
        if !self.rules_changed.is_empty() {
            out.push_str("mapping rules changed:\n");
            for change in &self.rules_changed {
                out.push_str(&format!("  ~ {}\n", change.key));
                for c in &change.changes {
                    out.push_str(&format!("    {}\n", line(c)));
                }
            }
        }
        if !self.other_changes.is_empty() {
            out.push_str("other changes:\n");
            for c in &self.other_changes {
                out.push_str(&format!("  {}\n", line(c)));
            }
        }
        out
    }
}

/// Longest value shown in text output.
const MAX_SHOWN: usize = 80;

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_SHOWN {
        text
    } else {
        let cut: String = text.chars().take(MAX_SHOWN).collect();
        format!("{cut}…")
    }
}

fn line(change: &PathChange) -> String {
    let pointer = if change.pointer.is_empty() {
        "/"
    } else {
        &change.pointer
    };
    match (&change.old, &change.new) {
        (None, Some(new)) => format!("+ {pointer}: {}", short(new)),
        (Some(old), None) => format!("- {pointer}: {}", short(old)),
        (Some(old), Some(new)) => format!("~ {pointer}: {} → {}", short(old), short(new)),
        (None, None) => format!("~ {pointer}"),
    }
}

/// Every path where `new` differs from `old`: objects by key, arrays by index, anything
/// else by value. Values under secret-like keys are shown as `<redacted>`.
///
/// ```
/// use serde_json::json;
/// let changes = dataworks_taskparam::diff_values(&json!({"a": 1, "b": [1]}), &json!({"a": 2, "b": [1, 2]}));
/// assert_eq!(changes[0].pointer, "/a");
/// assert_eq!(changes[1].pointer, "/b/1");
/// ```
pub fn diff_values(old: &Value, new: &Value) -> Vec<PathChange> {
    let mut out = Vec::new();
    walk(old, new, "", false, &mut out);
    out
}

fn shown(value: &Value, secret: bool) -> Value {
    if secret {
        Value::String(REDACTED.to_owned())
    } else {
        value.clone()
    }
}

fn walk(old: &Value, new: &Value, ptr: &str, secret: bool, out: &mut Vec<PathChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, va) in a {
                let p = join_pointer(ptr, key);
                let s = secret || is_secret_key(key);
                match b.get(key) {
                    Some(vb) => walk(va, vb, &p, s, out),
                    None => out.push(PathChange {
                        pointer: p,
                        old: Some(shown(va, s)),
                        new: None,
                    }),
                }
            }
            for (key, vb) in b {
                if !a.contains_key(key) {
                    let s = secret || is_secret_key(key);
                    out.push(PathChange {
                        pointer: join_pointer(ptr, key),
                        old: None,
                        new: Some(shown(vb, s)),
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = join_pointer(ptr, &i.to_string());
                match (a.get(i), b.get(i)) {
                    (Some(va), Some(vb)) => walk(va, vb, &p, secret, out),
                    (Some(va), None) => out.push(PathChange {
                        pointer: p,
                        old: Some(shown(va, secret)),
                        new: None,
                    }),
                    (None, Some(vb)) => out.push(PathChange {
                        pointer: p,
                        old: None,
                        new: Some(shown(vb, secret)),
                    }),
                    (None, None) => {}
                }
            }
        }
        _ if old == new => {}
        _ => out.push(PathChange {
            pointer: ptr.to_owned(),
            old: Some(shown(old, secret)),
            new: Some(shown(new, secret)),
        }),
    }
}

fn selection_map(content: &TaskContent) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (db, table) in content.selected_pairs() {
        map.entry(db).or_default().insert(table);
    }
    map
}

fn minus(
    a: &BTreeMap<String, BTreeSet<String>>,
    b: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (db, tables) in a {
        let gone: Vec<String> = match b.get(db) {
            Some(other) => tables.difference(other).cloned().collect(),
            None => tables.iter().cloned().collect(),
        };
        if !gone.is_empty() {
            out.insert(db.clone(), gone);
        }
    }
    out
}

fn rules_map(content: &TaskContent) -> BTreeMap<RuleKey, Value> {
    let db = content.table_form_db();
    content
        .steps
        .iter()
        .filter(|s| s.is_writer())
        .filter_map(|s| s.parameter.table_mapping_rule())
        .flat_map(|r| r.rules())
        .map(|r| {
            let key = RuleKey {
                db: r.src_db_name.clone().unwrap_or_else(|| db.clone()),
                table: r.src_table.clone(),
            };
            (key, serde_json::to_value(r).unwrap_or(Value::Null))
        })
        .collect()
}

/// The content as a value without the parts the typed diff reports (the reader's table
/// lists and the writers' mapping rules).
fn rest(content: &TaskContent) -> Value {
    let mut value = content.to_value();
    if let Some(steps) = value.get_mut("steps").and_then(Value::as_array_mut) {
        for step in steps {
            let Some(param) = step.get_mut("parameter").and_then(Value::as_object_mut) else {
                continue;
            };
            param.shift_remove("tableMappingRule");
            if let Some(conns) = param.get_mut("connection").and_then(Value::as_array_mut) {
                for conn in conns.iter_mut().filter_map(Value::as_object_mut) {
                    conn.shift_remove("table");
                    conn.shift_remove("selectedTables");
                }
            }
        }
    }
    value
}

/// The differences between two real-time TaskContents.
///
/// ```
/// use dataworks_taskparam::{diff, TaskContent};
/// let old = TaskContent::from_json(r#"{"extend":{"mode":"migration_holo","resourceGroup":"g"},"type":"job","version":"2.0","steps":[{"stepType":"mysql","name":"reader","category":"reader","parameter":{"connection":[{"datasource":"m","table":["a","b"]}]}}]}"#).unwrap();
/// let new = TaskContent::from_json(r#"{"extend":{"mode":"migration_holo","resourceGroup":"h"},"type":"job","version":"2.0","steps":[{"stepType":"mysql","name":"reader","category":"reader","parameter":{"connection":[{"datasource":"m","table":["b","c"]}]}}]}"#).unwrap();
/// let d = diff(&old, &new);
/// assert_eq!(d.tables_added[""], ["c"]);
/// assert_eq!(d.tables_removed[""], ["a"]);
/// assert_eq!(d.other_changes[0].pointer, "/extend/resourceGroup");
/// ```
pub fn diff(old: &TaskContent, new: &TaskContent) -> ContentDiff {
    let (old_sel, new_sel) = (selection_map(old), selection_map(new));
    let (old_rules, new_rules) = (rules_map(old), rules_map(new));
    let mut rules_changed = Vec::new();
    for (key, a) in &old_rules {
        if let Some(b) = new_rules.get(key) {
            let changes = diff_values(a, b);
            if !changes.is_empty() {
                rules_changed.push(RuleChange {
                    key: key.clone(),
                    changes,
                });
            }
        }
    }
    ContentDiff {
        tables_added: minus(&new_sel, &old_sel),
        tables_removed: minus(&old_sel, &new_sel),
        rules_added: new_rules
            .keys()
            .filter(|k| !old_rules.contains_key(*k))
            .cloned()
            .collect(),
        rules_removed: old_rules
            .keys()
            .filter(|k| !new_rules.contains_key(*k))
            .cloned()
            .collect(),
        rules_changed,
        other_changes: diff_values(&rest(old), &rest(new)),
    }
}

/// The differences between two documents of `kind`: the typed [`diff`] for TaskContents that
/// parse, the generic [`diff_values`] (in `other_changes`) otherwise.
pub fn diff_documents(old: &Value, new: &Value, kind: DocumentKind) -> ContentDiff {
    if kind == DocumentKind::TaskContent
        && let (Ok(a), Ok(b)) = (
            TaskContent::from_value(old.clone()),
            TaskContent::from_value(new.clone()),
        )
    {
        return diff(&a, &b);
    }
    ContentDiff {
        other_changes: diff_values(old, new),
        ..ContentDiff::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted() {
        let changes = diff_values(
            &json!({"p": {"password": "old-secret"}}),
            &json!({"p": {"password": "new-secret"}}),
        );
        let text = format!("{changes:?}");
        assert!(!text.contains("secret\""), "{text}");
        assert!(text.contains(REDACTED));
    }

    #[test]
    fn text_lists_every_change() {
        let d = ContentDiff {
            tables_added: BTreeMap::from([("db".to_owned(), vec!["t".to_owned()])]),
            other_changes: vec![PathChange {
                pointer: "/x".into(),
                old: Some(json!(1)),
                new: Some(json!(2)),
            }],
            ..ContentDiff::default()
        };
        assert_eq!(
            d.to_text(),
            "tables added:\n  + db.t\nother changes:\n  ~ /x: 1 → 2\n"
        );
        assert_eq!(ContentDiff::default().to_text(), "no changes\n");
    }
}
