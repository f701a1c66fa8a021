//! The floor of the validation comparison: read a file and parse it with
//! `serde_json::from_str::<Value>`, nothing else. Run once per process for whole-process
//! timings; `--iterations N` also prints the in-process mean of N parses.
//!
//! `parse-floor FILE [--iterations N]`
#![forbid(unsafe_code)]

use std::time::Instant;

use dataworks_bench::flag;
use serde_json::Value;

fn main() {
    let file = std::env::args().nth(1).expect("FILE");
    let iterations: u32 = flag("--iterations", 0);
    let text = std::fs::read_to_string(&file).expect("reads the file");
    let value: Value = serde_json::from_str(&text).expect("the file is JSON");
    std::hint::black_box(&value);
    if iterations > 0 {
        let start = Instant::now();
        for _ in 0..iterations {
            let v: Value = serde_json::from_str(&text).expect("JSON");
            std::hint::black_box(v);
        }
        let mean = start.elapsed() / iterations;
        println!(
            "{{\"parse_mean_ms\":{:.3},\"iterations\":{iterations}}}",
            mean.as_secs_f64() * 1e3
        );
    }
}
