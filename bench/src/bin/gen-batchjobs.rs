//! Writes N batch job scripts for the `dwdi validate` speed goal (issue 13): every typed
//! plugin's demo reader paired with every demo writer (from
//! `crates/taskparam/tests/data/plugins/demos.json`), writer columns aligned to the reader's,
//! cycled until N files. Every file is a valid job.
//!
//! `gen-batchjobs --n 1000 --out DIR [--demos FILE]`

use std::path::PathBuf;

use dataworks_bench::{flag, flag_str};
use dataworks_taskparam::explicit_columns;
use serde_json::{Value, json};

fn main() {
    let n: usize = flag("--n", 1000);
    let out = PathBuf::from(flag_str("--out").expect("--out DIR"));
    let demos_path = flag_str("--demos").unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/taskparam/tests/data/plugins/demos.json"
        )
        .to_owned()
    });
    let demos: Value =
        serde_json::from_str(&std::fs::read_to_string(&demos_path).expect("reads the demos"))
            .expect("JSON");
    let demos = demos["demos"].as_array().expect("demos").clone();
    let of = |role: &str| -> Vec<Value> {
        demos
            .iter()
            .filter(|d| d["role"] == role)
            .map(|d| d["step"].clone())
            .collect()
    };
    let (readers, writers) = (of("reader"), of("writer"));
    std::fs::create_dir_all(&out).expect("creates the directory");
    for i in 0..n {
        let mut reader = readers[i % readers.len()].clone();
        let mut writer = writers[(i / readers.len()) % writers.len()].clone();
        reader["name"] = json!("Reader");
        writer["name"] = json!("Writer");
        let count = reader["parameter"].as_object().and_then(explicit_columns);
        if let (Some(count), Some(Value::Array(cols))) =
            (count, writer["parameter"].get_mut("column"))
            && !cols.is_empty()
            && !cols.iter().any(|c| c == "*")
        {
            let source = cols.clone();
            *cols = source.iter().cycle().take(count).cloned().collect();
        }
        let job = json!({
            "type": "job",
            "version": "2.0",
            "steps": [reader, writer],
            "setting": {"errorLimit": {"record": "0"}, "speed": {"throttle": false, "concurrent": 1 + i % 8}},
            "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
        });
        let text = serde_json::to_string_pretty(&job).expect("serialises");
        std::fs::write(out.join(format!("job-{i:04}.json")), text).expect("writes the file");
    }
}
