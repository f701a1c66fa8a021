//! Writes a real-time TaskContent with N tables (databases of 500 tables, one Hologres
//! mapping rule per table), the document of the validation comparison.
//!
//! `gen-taskcontent --tables 5000 --out FILE`
#![forbid(unsafe_code)]

use dataworks_bench::{flag, flag_str, task_content};

fn main() {
    let tables: usize = flag("--tables", 5000);
    let out = flag_str("--out").expect("--out FILE");
    let text = task_content(tables).to_json();
    std::fs::write(&out, &text).expect("writes the file");
    println!(
        "{{\"tables\":{tables},\"bytes\":{},\"file\":{:?}}}",
        text.len(),
        out
    );
}
