//! Validating a real-time TaskContent with 5,000 tables, beside a bare `serde_json` parse of
//! the same text. Goal: validation within 3x of the parse. Results: `docs/PERFORMANCE.md`.
//!
//! `cargo bench -p dataworks-taskparam --bench validate -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dataworks_taskparam::{HologresWriter, MysqlReader, TaskContent, TaskParam, validate_str};

/// The TaskContent the service would return for 5,000 tables in 10 databases.
fn content_text(tables: usize) -> String {
    let per_db = tables / 10;
    let mut reader = MysqlReader::datasource("mysql_src")
        .selected_tables("db_0", (0..per_db).map(|t| format!("table_{t:05}")));
    for db in 1..10 {
        reader = reader.selected_tables(
            format!("db_{db}"),
            (0..per_db).map(|t| format!("table_{t:05}")),
        );
    }
    let param = TaskParam::realtime()
        .resource_group("S_res_group_1")
        .reader(reader)
        .writer(HologresWriter::datasource("holo_dw"))
        .build()
        .expect("the generated TaskParam is valid");
    TaskContent::from_realtime_param(&param).to_json()
}

fn bench(c: &mut Criterion) {
    let text = content_text(5_000);
    assert!(validate_str(&text, None).is_valid());
    let mut group = c.benchmark_group("task_content_5000_tables");
    group.throughput(criterion::Throughput::Bytes(text.len() as u64));
    group.bench_function("serde_json_parse", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)))
    });
    group.bench_function("validate_str", |b| {
        b.iter(|| validate_str(black_box(&text), None))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
