//! The TaskParam / TaskContent parser and validator on arbitrary text: `validate_str` for
//! every kind (and detection), the typed parsers, `apply_update` and `diff` — never a panic.
#![no_main]

use dataworks_taskparam::{
    DocumentKind, RealtimeTaskParam, TaskContent, UpdateTaskParam, diff, diff_values, validate_str,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let kind = DocumentKind::ALL.get(usize::from(selector) % 8).copied();
    let report = validate_str(&text, kind);
    // A report is always printable.
    for problem in report.errors.iter().chain(&report.warnings) {
        let _ = format!("{problem:?}");
    }
    let _ = RealtimeTaskParam::from_json(&text).map(|p| TaskContent::from_realtime_param(&p));
    let update = UpdateTaskParam::from_json(&text);
    if let Ok(content) = TaskContent::from_json(&text) {
        let _ = content.table_selection();
        let _ = content.to_json();
        let _ = diff(&content, &content);
        if let Ok(update) = &update {
            if let Ok(next) = content.apply_update(update) {
                let _ = diff(&content, &next).to_text();
            }
        }
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        let _ = DocumentKind::detect(&value);
        let _ = diff_values(&value, &serde_json::Value::Null);
    }
});
