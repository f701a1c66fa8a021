//! The floor of the validation comparison: read each file and parse it with
//! `serde_json::from_str::<Value>`, nothing else. Run once per process for whole-process
//! timings (one file, or many: the `dwdi validate` speed goal over 1,000 batch jobs);
//! `--iterations N` also prints the in-process mean of N parses of the first file.
//!
//! `parse-floor FILE... [--iterations N]`

use std::time::Instant;

use dataworks_bench::flag;
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut skip = false;
    for arg in &args {
        if skip {
            skip = false;
        } else if arg == "--iterations" {
            skip = true;
        } else {
            files.push(arg.clone());
        }
    }
    assert!(!files.is_empty(), "FILE...");
    let iterations: u32 = flag("--iterations", 0);
    let mut first = String::new();
    for (i, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).expect("reads the file");
        let value: Value = serde_json::from_str(&text).expect("the file is JSON");
        std::hint::black_box(&value);
        if i == 0 {
            first = text;
        }
    }
    if iterations > 0 {
        let start = Instant::now();
        for _ in 0..iterations {
            let v: Value = serde_json::from_str(&first).expect("JSON");
            std::hint::black_box(v);
        }
        let mean = start.elapsed() / iterations;
        println!(
            "{{\"parse_mean_ms\":{:.3},\"iterations\":{iterations}}}",
            mean.as_secs_f64() * 1e3
        );
    }
}
