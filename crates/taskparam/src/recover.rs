//! Recovering the create TaskParam of a real-time task from its TaskContent: the inverse of
//! [`TaskContent::from_realtime_param`], used to compare a live task with a declared one
//! (`dwdi plan`) and to write a live task down as a document (`dwdi export`).
//!
//! The recovered param yields the content again: `from_realtime_param(recover(c))` has the
//! same tables, the same mapping rules and the same other fields as `c` (as
//! [`crate::diff()`] sees them). Mapping rules are left out of the recovered writer when they
//! are exactly the defaults the service generates for the selected tables, so a recovered
//! document stays as short as the one a person would write.

use serde_json::Map;

use crate::diff::diff;
use crate::model::documents::{RealtimeSetting, RealtimeTaskParam, TaskContent, UpdateTaskParam};
use crate::model::enums::{OneClickTaskType, StepCategory};
use crate::model::mysql::{Connection, MysqlReaderParams};
use crate::model::step::{Step, StepParams};

/// A TaskContent that no create TaskParam can yield.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecoverError {
    /// No `extend` (mode, resource group): a solution's embedded template, not a task's content.
    #[error(
        "the TaskContent has no `extend` (mode and resource group); it is not a real-time task's content (a solution's template?)"
    )]
    NoExtend,
    /// No reader step, or no writer step.
    #[error(
        "the TaskContent has no {0} step; a real-time task has one MySQL reader and one writer"
    )]
    MissingStep(&'static str),
}

fn step_of(content: &TaskContent, reader: bool) -> Option<&Step> {
    content
        .steps
        .iter()
        .find(|s| if reader { s.is_reader() } else { s.is_writer() })
}

impl TaskContent {
    /// The create TaskParam (`"type": "realtime"`) that yields this content: the reader with
    /// its table selection, the writer (with its mapping rules only when they are not the
    /// defaults for the selected tables), and `setting` from `extend` (resource group, name,
    /// and the task type of the writer).
    ///
    /// ```
    /// use dataworks_taskparam::{HologresWriter, MysqlReader, TaskContent, TaskParam};
    /// let param = TaskParam::realtime()
    ///     .resource_group("S_res_group_1")
    ///     .reader(MysqlReader::datasource("mysql_pub1").selected_tables("shop", ["orders"]))
    ///     .writer(HologresWriter::datasource("holo_dw"))
    ///     .build()?;
    /// let content = TaskContent::from_realtime_param(&param);
    /// let recovered = content.recover_param()?;
    /// let again = TaskContent::from_realtime_param(&recovered);
    /// assert!(dataworks_taskparam::diff(&content, &again).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recover_param(&self) -> Result<RealtimeTaskParam, RecoverError> {
        let extend = self.extend.as_ref().ok_or(RecoverError::NoExtend)?;
        let mut reader = step_of(self, true)
            .ok_or(RecoverError::MissingStep("reader"))?
            .clone();
        let mut writer = step_of(self, false)
            .ok_or(RecoverError::MissingStep("writer"))?
            .clone();
        reader.name = "Reader".to_owned();
        writer.name = "Writer".to_owned();
        let task_type = writer
            .step_type
            .as_deref()
            .and_then(OneClickTaskType::for_writer)
            .or_else(|| {
                extend
                    .mode
                    .writer_step_type()
                    .and_then(OneClickTaskType::for_writer)
            })
            .unwrap_or_else(|| OneClickTaskType::Other(extend.mode.as_str().to_owned()));
        let rules = writer
            .parameter
            .table_mapping_rule_slot()
            .and_then(Option::take);
        let mut param = RealtimeTaskParam {
            doc_type: "realtime".to_owned(),
            version: "1.0".to_owned(),
            setting: RealtimeSetting {
                resource_group: extend.resource_group.clone(),
                task_type,
                name: extend.name.clone(),
                schedule_resgroup_id: None,
                extra: Map::new(),
            },
            steps: vec![reader, writer],
            extra: Map::new(),
        };
        if rules.is_some() {
            let regenerated = TaskContent::from_realtime_param(&param);
            let change = diff(self, &regenerated);
            let defaults = change.rules_added.is_empty()
                && change.rules_removed.is_empty()
                && change.rules_changed.is_empty();
            if !defaults
                && let Some(slot) = param
                    .steps
                    .iter_mut()
                    .find(|s| s.is_writer())
                    .and_then(|s| s.parameter.table_mapping_rule_slot())
            {
                *slot = rules;
            }
        }
        Ok(param)
    }
}

impl RealtimeTaskParam {
    /// The update TaskParam (GenerateDISyncTaskConfigForUpdating) that gives an existing task
    /// this param's table selection: the reader step with its first connection's data source
    /// and selection. `None` when the param has no reader connection with a selection.
    ///
    /// ```
    /// use dataworks_taskparam::{HologresWriter, MysqlReader, TaskParam};
    /// let param = TaskParam::realtime()
    ///     .resource_group("g")
    ///     .reader(MysqlReader::datasource("m").selected_tables("shop", ["orders", "refunds"]))
    ///     .writer(HologresWriter::datasource("h"))
    ///     .build()?;
    /// let update = param.update_param().expect("a selection");
    /// assert_eq!(update.datasource(), Some("m"));
    /// assert_eq!(update.table_selection().map(|s| s.len()), Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update_param(&self) -> Option<UpdateTaskParam> {
        let reader = self.steps.iter().find(|s| s.is_reader())?;
        let conn = reader
            .mysql_reader()?
            .connection
            .as_ref()?
            .iter()
            .find(|c| c.selection.is_some())?;
        let selection = conn.selection.clone()?;
        let datasource = conn.datasource.clone()?;
        let step = Step::new(
            None,
            "Reader",
            StepCategory::Reader,
            StepParams::MysqlReader(MysqlReaderParams {
                connection: Some(vec![Connection::new(datasource, selection)]),
                ..MysqlReaderParams::default()
            }),
        );
        Some(UpdateTaskParam {
            steps: vec![step],
            extra: Map::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{
        HologresWriter, KafkaWriter, MaxComputeWriter, MysqlReader, TaskParam, Writer,
    };
    use proptest::prelude::*;

    fn param(writer: Writer, db: &str, tables: &[String]) -> RealtimeTaskParam {
        TaskParam::realtime()
            .resource_group("S_res_group_1")
            .reader(MysqlReader::datasource("mysql_pub1").selected_tables(db, tables.iter()))
            .writer(writer)
            .build()
            .expect("a valid param")
    }

    fn writers() -> impl Strategy<Value = Writer> {
        prop_oneof![
            Just(Writer::from(HologresWriter::datasource("holo_dw"))),
            Just(Writer::from(MaxComputeWriter::datasource("odps_dw"))),
            Just(Writer::from(KafkaWriter::datasource("kafka_dw").topic("t"))),
        ]
    }

    fn tables() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::btree_set("[a-z]{1,6}", 1..8)
            .prop_map(|s| s.into_iter().collect::<Vec<_>>())
    }

    proptest! {
        /// The recovered param yields the content again, and again after an update.
        #[test]
        fn recover_then_synthesise_is_identity(
            writer in writers(), first in tables(), second in tables()
        ) {
            let created = TaskContent::from_realtime_param(&param(writer.clone(), "shop", &first));
            let again = TaskContent::from_realtime_param(&created.recover_param().unwrap());
            prop_assert!(diff(&created, &again).is_empty(), "{:?}", diff(&created, &again));
            let target = param(writer, "shop", &second);
            let updated = created.apply_update(&target.update_param().unwrap()).unwrap();
            let again = TaskContent::from_realtime_param(&updated.recover_param().unwrap());
            prop_assert!(diff(&updated, &again).is_empty(), "{:?}", diff(&updated, &again));
            // The update reaches what a create of the target would have made.
            let direct = TaskContent::from_realtime_param(&target);
            prop_assert!(diff(&updated, &direct).is_empty(), "{:?}", diff(&updated, &direct));
        }
    }

    #[test]
    fn default_rules_are_left_out_and_changed_rules_kept() {
        let tables = vec!["orders".to_owned(), "users".to_owned()];
        let content = TaskContent::from_realtime_param(&param(
            HologresWriter::datasource("holo_dw").into(),
            "shop",
            &tables,
        ));
        let recovered = content.recover_param().unwrap();
        assert!(recovered.to_json().contains("\"mysql_pub1\""));
        assert!(!recovered.to_json().contains("tableMappingRule"));

        let mut value = content.to_value();
        let rule = value
            .pointer_mut("/steps/1/parameter/tableMappingRule/datasource/0/tableRule/0/dstTable")
            .expect("a rule");
        *rule = serde_json::json!("custom.orders");
        let custom = TaskContent::from_value(value).unwrap();
        let recovered = custom.recover_param().unwrap();
        assert!(recovered.to_json().contains("custom.orders"));
        let again = TaskContent::from_realtime_param(&recovered);
        assert!(diff(&custom, &again).is_empty());
    }

    #[test]
    fn a_template_without_extend_is_refused() {
        let content = TaskContent::from_json(
            r#"{"steps":[{"stepType":"mysql","name":"reader","category":"reader","parameter":{}}]}"#,
        )
        .unwrap();
        assert_eq!(content.recover_param(), Err(RecoverError::NoExtend));
    }
}
