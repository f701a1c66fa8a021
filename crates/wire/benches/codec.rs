//! Speed of the wire codec: decoding answers (the seed's QueryDISyncTaskConfigProcessResult
//! answer with its task content, and the reference's GetDISyncTask answer), encoding a request
//! into wire parameters and decoding them back.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use dataworks_wire::{
    CreateDISyncTask, GetDISyncTask, Operation, Params, QueryDISyncTaskConfigProcessResult,
    TaskType, decode_response,
};

fn fixture_body(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_vec(&fixture["body"]).unwrap()
}

fn decode(c: &mut Criterion) {
    let query = fixture_body("seed-query-process-result-success.json");
    c.bench_function(
        "decode QueryDISyncTaskConfigProcessResult (seed, 1.3 kB)",
        |b| {
            b.iter(|| decode_response::<QueryDISyncTaskConfigProcessResult>(200, black_box(&query)))
        },
    );
    let task = fixture_body("doc-get-task-success.json");
    c.bench_function("decode GetDISyncTask (reference example)", |b| {
        b.iter(|| decode_response::<GetDISyncTask>(200, black_box(&task)))
    });
}

fn params(c: &mut Criterion) {
    let content =
        String::from_utf8(fixture_body("seed-query-process-result-success.json")).unwrap();
    let request = CreateDISyncTask::new(10000, TaskType::DiRealtime, content)
        .task_name("rt_task")
        .task_param(r#"{"ResourceGroup":"S_res_group_1"}"#)
        .client_token("00000000-0000-0000-0000-000000000000");
    c.bench_function("CreateDISyncTask -> params -> from_params", |b| {
        b.iter(|| {
            let request = black_box(&request);
            let params = Params::from_pairs(
                request
                    .query_params()
                    .into_iter()
                    .chain(request.form_params()),
            );
            CreateDISyncTask::from_params(&params)
        })
    });
}

criterion_group!(benches, decode, params);
criterion_main!(benches);
