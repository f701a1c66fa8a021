//! Helpers of the issue-7 measurement programs (`src/bin/*`), run by `scripts/bench.sh`:
//! command-line flags, percentiles, and the documents the measurements use.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

use std::time::Duration;

use dataworks_taskparam::{
    HologresWriter, MysqlReader, RealtimeTaskParam, TaskContent, TaskParam, UpdateTaskParam,
    WriteMode,
};

/// The value of `--name VALUE` on the command line, parsed, or `default`.
pub fn flag<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The value of `--name VALUE`, when given.
pub fn flag_str(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// Nearest-rank percentile `p` (0..=100) of `values` (sorted inside).
pub fn percentile(values: &mut [Duration], p: f64) -> Duration {
    values.sort_unstable();
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

/// A MySQL → Hologres real-time create TaskParam selecting `tables` tables spread over
/// databases of 500 tables each.
pub fn realtime_param(tables: usize) -> RealtimeTaskParam {
    let mut databases: Vec<(String, Vec<String>)> = Vec::new();
    let mut left = tables.max(1);
    while left > 0 {
        let db = databases.len();
        let n = left.min(500);
        let names = (0..n).map(|i| format!("table_{db:02}_{i:04}")).collect();
        databases.push((format!("db_{db:02}"), names));
        left -= n;
    }
    let mut rest = databases.into_iter();
    let (db, names) = rest.next().unwrap_or_default();
    let mut reader = MysqlReader::datasource("mysql_pub1").selected_tables(db, names);
    for (db, names) in rest {
        reader = reader.selected_tables(db, names);
    }
    TaskParam::realtime()
        .resource_group("S_res_group_bench")
        .reader(reader)
        .writer(HologresWriter::datasource("holo_dw").write_mode(WriteMode::Replay))
        .build()
        .expect("the builder's document validates")
}

/// The real-time TaskContent the service would return for [`realtime_param`].
pub fn task_content(tables: usize) -> TaskContent {
    TaskContent::from_realtime_param(&realtime_param(tables))
}

/// An update TaskParam whose JSON is at least `bytes` long (a `table` list).
pub fn update_param_of_size(bytes: usize) -> UpdateTaskParam {
    let mut n = 8;
    loop {
        let names: Vec<String> = (0..n).map(|i| format!("orders_{i:04}")).collect();
        let param = TaskParam::update()
            .reader(MysqlReader::datasource("mysql_pub1").tables(names))
            .build()
            .expect("the builder's document validates");
        if param.to_json().len() >= bytes {
            return param;
        }
        n += 4;
    }
}
