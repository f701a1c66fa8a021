//! The planner's properties: applying a plan's actions to the observed state (as the service
//! does: content synthesised from the create TaskParam, updates applied to the table
//! selection) yields the desired state, and planning again yields no changes. Plus examples of
//! each action.

use dataworks_project::{
    Action, Desired, DesiredTask, Lifecycle, ObservedTask, Plan, PlanOptions, PlanStep, RunState,
    SavedPlan, Target, plan, render_json, render_text,
};
use dataworks_taskparam::{
    HologresWriter, KafkaWriter, MaxComputeWriter, MysqlReader, RealtimeTaskParam, TaskContent,
    TaskParam, Writer,
};
use dataworks_wire::TaskType;
use proptest::prelude::*;
use serde_json::{Value, json};

const FOLDER: &str = "di";

fn target() -> Target {
    Target {
        environment: "dev".into(),
        workspace: 10000,
        region: None,
        endpoint: None,
        profile: None,
        rate_limit: None,
    }
}

fn realtime(datasource: &str, writer: Writer, tables: &[String]) -> RealtimeTaskParam {
    TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(MysqlReader::datasource(datasource).selected_tables("shop", tables.iter()))
        .writer(writer)
        .build()
        .expect("a valid param")
}

fn batch(table: &str) -> Value {
    json!({"type": "job", "version": "2.0", "steps": [
        {"stepType": "mysql", "name": "Reader", "category": "reader", "parameter": {"datasource": "m", "table": [table]}},
        {"stepType": "odps", "name": "Writer", "category": "writer", "parameter": {"datasource": "o", "table": table}}],
        "order": {"hops": [{"from": "Reader", "to": "Writer"}]}})
}

fn desired_task(
    name: &str,
    task_type: TaskType,
    document: Value,
    lifecycle: Lifecycle,
) -> DesiredTask {
    DesiredTask {
        name: name.into(),
        folder: FOLDER.into(),
        task_type,
        resource_group: None,
        document,
        lifecycle,
        start: None,
    }
}

/// What the service holds after the create of a desired task.
fn created_content(task: &DesiredTask) -> String {
    match task.task_type {
        TaskType::DiOffline => task.document.to_string(),
        _ => TaskContent::from_realtime_param(
            &RealtimeTaskParam::from_value(task.document.clone()).unwrap(),
        )
        .to_json(),
    }
}

/// Plays a plan against the observed state the way the service would.
fn apply(plan: &Plan, desired: &Desired, observed: &mut Vec<ObservedTask>, next_id: &mut i64) {
    for change in &plan.changes {
        let task = desired.tasks.iter().find(|t| t.name == change.task);
        let index = observed
            .iter()
            .position(|o| o.name == change.task && o.folder == change.folder);
        match change.action {
            Action::Create | Action::Replace => {
                if let Some(i) = index {
                    observed.remove(i);
                }
                let task = task.expect("a declared task");
                *next_id += 1;
                observed.push(ObservedTask {
                    file_id: *next_id,
                    name: task.name.clone(),
                    folder: task.folder.clone(),
                    task_type: task.task_type,
                    content: created_content(task),
                    deployed: false,
                    run_state: RunState::Stopped,
                });
            }
            Action::Update => {
                let task = task.expect("a declared task");
                let o = &mut observed[index.expect("a live task")];
                o.content = match task.task_type {
                    TaskType::DiOffline => task.document.to_string(),
                    _ => {
                        let param = RealtimeTaskParam::from_value(task.document.clone()).unwrap();
                        TaskContent::from_json(&o.content)
                            .unwrap()
                            .apply_update(&param.update_param().unwrap())
                            .unwrap()
                            .to_json()
                    }
                };
                o.deployed = false;
            }
            Action::Delete => {
                observed.remove(index.expect("a live task"));
            }
            Action::None => {}
        }
        let Some(o) = observed
            .iter_mut()
            .find(|o| o.name == change.task && o.folder == change.folder)
        else {
            continue;
        };
        for step in &change.lifecycle {
            match step {
                PlanStep::Stop => o.run_state = RunState::Stopped,
                PlanStep::Deploy => o.deployed = true,
                PlanStep::Start => {
                    assert!(o.deployed, "{}: started before deployed", o.name);
                    o.run_state = RunState::Running;
                }
            }
        }
    }
}

fn writer_of(k: u8) -> Writer {
    match k % 3 {
        0 => HologresWriter::datasource("holo_dw").into(),
        1 => MaxComputeWriter::datasource("odps_dw").into(),
        _ => KafkaWriter::datasource("kafka_dw").topic("t").into(),
    }
}

/// A task spec: (name index, kind, tables, writer, datasource index, running).
type Spec = (u8, u8, Vec<String>, u8, u8, bool);

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..6,
        0u8..3,
        proptest::collection::btree_set("[a-e]", 1..4).prop_map(|s| s.into_iter().collect()),
        0u8..3,
        0u8..2,
        any::<bool>(),
    )
}

fn build(specs: &[Spec]) -> Vec<DesiredTask> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (n, kind, tables, w, ds, running) in specs {
        if !seen.insert(*n) {
            continue;
        }
        let name = format!("task{n}");
        let task_type = [
            TaskType::DiRealtime,
            TaskType::DiSolution,
            TaskType::DiOffline,
        ][*kind as usize];
        let document = match task_type {
            TaskType::DiOffline => batch(&tables[0]),
            _ => realtime(&format!("mysql{ds}"), writer_of(*w), tables).to_value(),
        };
        let lifecycle = if *running && task_type != TaskType::DiOffline {
            Lifecycle::Running
        } else {
            Lifecycle::Deployed
        };
        out.push(desired_task(&name, task_type, document, lifecycle));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// From any observed state (made by applying another manifest, then drifting the run
    /// states), one plan applied brings the workspace to the desired state: planning again
    /// finds nothing to do.
    #[test]
    fn applying_a_plan_converges(
        before in proptest::collection::vec(spec(), 0..6),
        after in proptest::collection::vec(spec(), 0..6),
        stopped in proptest::collection::vec(any::<bool>(), 6),
        prune in any::<bool>(),
    ) {
        let options = PlanOptions::default().prune(prune);
        let mut next_id = 0;
        let mut observed = Vec::new();
        let old = Desired { target: target(), folders: vec![FOLDER.into()], tasks: build(&before) };
        let first = plan(&old, &observed, options);
        apply(&first, &old, &mut observed, &mut next_id);
        prop_assert!(!plan(&old, &observed, options).has_changes());
        for (o, stop) in observed.iter_mut().zip(&stopped) {
            if *stop { o.run_state = RunState::Stopped; }
        }

        let new = Desired { target: target(), folders: vec![FOLDER.into()], tasks: build(&after) };
        let p = plan(&new, &observed, options);
        let created_before: Vec<i64> = observed.iter().map(|o| o.file_id).collect();
        apply(&p, &new, &mut observed, &mut next_id);
        let again = plan(&new, &observed, options);
        prop_assert!(!again.has_changes(), "{}\nthen\n{}", render_text(&p), render_text(&again));
        // Every declared task exists once; without prune nothing else was deleted.
        for t in &new.tasks {
            prop_assert_eq!(observed.iter().filter(|o| o.name == t.name).count(), 1);
        }
        if !prune {
            for id in created_before {
                let replaced = p.changes.iter().any(|c| c.action == Action::Replace && c.file_id == Some(id));
                prop_assert!(replaced || observed.iter().any(|o| o.file_id == id));
            }
        }
    }
}

fn live(task: &DesiredTask, id: i64) -> ObservedTask {
    ObservedTask {
        file_id: id,
        name: task.name.clone(),
        folder: task.folder.clone(),
        task_type: task.task_type,
        content: created_content(task),
        deployed: true,
        run_state: if task.lifecycle == Lifecycle::Running {
            RunState::Running
        } else {
            RunState::Stopped
        },
    }
}

fn tables(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_table_added_out_of_band_shows_as_the_update_that_removes_it_and_restarts() {
    let declared = desired_task(
        "orders",
        TaskType::DiRealtime,
        realtime(
            "mysql_pub1",
            HologresWriter::datasource("holo_dw").into(),
            &tables(&["orders"]),
        )
        .to_value(),
        Lifecycle::Running,
    );
    let drifted = desired_task(
        "orders",
        TaskType::DiRealtime,
        realtime(
            "mysql_pub1",
            HologresWriter::datasource("holo_dw").into(),
            &tables(&["orders", "users"]),
        )
        .to_value(),
        Lifecycle::Running,
    );
    let desired = Desired {
        target: target(),
        folders: vec![FOLDER.into()],
        tasks: vec![declared],
    };
    let p = plan(&desired, &[live(&drifted, 7)], PlanOptions::default());
    let c = &p.changes[0];
    assert_eq!(c.action, Action::Update);
    assert_eq!(
        c.lifecycle,
        [PlanStep::Stop, PlanStep::Deploy, PlanStep::Start]
    );
    assert_eq!(c.diff.as_ref().unwrap().tables_removed["shop"], ["users"]);
    let text = render_text(&p);
    assert!(
        text.contains("~ orders (DI_REALTIME, di): update; stop, deploy, start"),
        "{text}"
    );
    assert!(text.contains("    - table shop.users"), "{text}");
    let doc = render_json(&p);
    assert_eq!(doc["environment"], "dev");
    assert_eq!(doc["changes"][0]["action"], "update");
    assert_eq!(
        doc["changes"][0]["lifecycle"],
        json!(["stop", "deploy", "start"])
    );
    assert_eq!(
        doc["changes"][0]["diff"]["tables_removed"]["shop"],
        json!(["users"])
    );
}

#[test]
fn another_writer_or_data_source_is_a_replace() {
    let t = tables(&["orders"]);
    let holo = desired_task(
        "x",
        TaskType::DiRealtime,
        realtime("m1", HologresWriter::datasource("h").into(), &t).to_value(),
        Lifecycle::Deployed,
    );
    let odps = desired_task(
        "x",
        TaskType::DiRealtime,
        realtime("m1", MaxComputeWriter::datasource("o").into(), &t).to_value(),
        Lifecycle::Deployed,
    );
    let other_ds = desired_task(
        "x",
        TaskType::DiRealtime,
        realtime("m2", HologresWriter::datasource("h").into(), &t).to_value(),
        Lifecycle::Deployed,
    );
    for (want, reason) in [(&odps, "writer"), (&other_ds, "data source")] {
        let desired = Desired {
            target: target(),
            folders: vec![FOLDER.into()],
            tasks: vec![want.clone()],
        };
        let p = plan(&desired, &[live(&holo, 1)], PlanOptions::default());
        assert_eq!(p.changes[0].action, Action::Replace);
        assert!(p.changes[0].reason.as_deref().unwrap().contains(reason));
    }
}

#[test]
fn undeclared_tasks_are_deleted_only_with_prune_and_only_in_managed_folders() {
    let t = desired_task("old", TaskType::DiOffline, batch("a"), Lifecycle::Deployed);
    let mut elsewhere = live(&t, 2);
    elsewhere.folder = "other".into();
    let desired = Desired {
        target: target(),
        folders: vec![FOLDER.into()],
        tasks: vec![],
    };
    let observed = [live(&t, 1), elsewhere];
    assert!(!plan(&desired, &observed, PlanOptions::default()).has_changes());
    let p = plan(&desired, &observed, PlanOptions::default().prune(true));
    assert_eq!(p.changes.len(), 1);
    assert_eq!(
        (p.changes[0].action, p.changes[0].file_id),
        (Action::Delete, Some(1))
    );
    assert!(render_text(&p).starts_with("- old (DI_OFFLINE, di): delete"));
}

#[test]
fn a_batch_job_changes_whole() {
    let want = desired_task("copy", TaskType::DiOffline, batch("b"), Lifecycle::Deployed);
    let was = desired_task("copy", TaskType::DiOffline, batch("a"), Lifecycle::Deployed);
    let desired = Desired {
        target: target(),
        folders: vec![FOLDER.into()],
        tasks: vec![want],
    };
    let p = plan(&desired, &[live(&was, 3)], PlanOptions::default());
    assert_eq!(p.changes[0].action, Action::Update);
    assert_eq!(p.changes[0].lifecycle, [PlanStep::Deploy]);
    assert!(!p.changes[0].diff.as_ref().unwrap().other_changes.is_empty());
}

#[test]
fn a_saved_plan_is_refused_when_a_task_changed() {
    let t = desired_task("copy", TaskType::DiOffline, batch("a"), Lifecycle::Deployed);
    let desired = Desired {
        target: target(),
        folders: vec![FOLDER.into()],
        tasks: vec![t.clone()],
    };
    let observed = vec![live(&t, 3)];
    let p = plan(&desired, &observed, PlanOptions::default());
    let saved = SavedPlan {
        format: 1,
        target: target(),
        prune: false,
        plan: p,
        tasks: desired.tasks.clone(),
    };
    let text = serde_json::to_string(&saved).unwrap();
    let back: SavedPlan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, saved);
    assert!(back.check_fresh(&observed).is_ok());
    let mut changed = observed.clone();
    changed[0].content = batch("z").to_string();
    let err = back.check_fresh(&changed).unwrap_err();
    assert!(err[0].to_string().contains("task `copy` changed"));
    assert!(back.check_fresh(&[]).is_err());
}
