//! The display of `dwdi apply`: at a terminal, a line per task in flight and an overall bar
//! (indicatif); otherwise one plain line per event on stderr. Then a summary table.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use dataworks_workflow::apply::{ApplyEvent, ApplyReport, TaskStatus};

/// The progress display of one run.
pub struct ApplyProgress {
    fancy: Option<(MultiProgress, ProgressBar)>,
    lines: Mutex<HashMap<String, ProgressBar>>,
}

impl ApplyProgress {
    /// A display for `total` tasks; plain lines unless stderr is a terminal.
    pub fn new(total: usize) -> ApplyProgress {
        let fancy = std::io::stderr().is_terminal().then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(total as u64));
            overall.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} tasks · {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            (multi, overall)
        });
        ApplyProgress {
            fancy,
            lines: Mutex::new(HashMap::new()),
        }
    }

    /// Shows one event.
    pub fn show(&self, event: &ApplyEvent) {
        let Some((multi, overall)) = &self.fancy else {
            match event {
                ApplyEvent::Started { task, action } => eprintln!("{task}: {}", action.as_str()),
                ApplyEvent::Step { task, step } => eprintln!("{task}: {step}"),
                ApplyEvent::Finished(o) => eprintln!("{}: {}", o.task, status_text(&o.status)),
            }
            return;
        };
        let Ok(mut lines) = self.lines.lock() else {
            return;
        };
        match event {
            ApplyEvent::Started { task, action } => {
                let line = multi.insert_before(overall, ProgressBar::new_spinner());
                line.set_style(
                    ProgressStyle::with_template("{spinner} {prefix}: {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                line.set_prefix(task.clone());
                line.set_message(action.as_str());
                line.enable_steady_tick(Duration::from_millis(120));
                lines.insert(task.clone(), line);
            }
            ApplyEvent::Step { task, step } => {
                if let Some(line) = lines.get(task) {
                    line.set_message(*step);
                }
            }
            ApplyEvent::Finished(o) => {
                if let Some(line) = lines.remove(&o.task) {
                    line.finish_and_clear();
                    multi.remove(&line);
                }
                let _ = multi.println(format!("{}: {}", o.task, status_text(&o.status)));
                overall.inc(1);
            }
        }
    }

    /// Removes the display.
    pub fn finish(&self) {
        if let Some((_, overall)) = &self.fancy {
            overall.finish_and_clear();
        }
    }
}

fn status_text(status: &TaskStatus) -> String {
    match status {
        TaskStatus::Done => "done".to_owned(),
        TaskStatus::Failed(e) => format!("FAILED: {e}"),
        TaskStatus::Skipped(why) => format!("skipped: {why}"),
    }
}

/// The summary table: task, action, steps, result, FileId.
pub fn summary(report: &ApplyReport) -> String {
    let rows: Vec<[String; 5]> = report
        .tasks
        .iter()
        .map(|t| {
            let steps: Vec<&str> = t.steps.iter().map(|s| s.as_str()).collect();
            let result = match &t.status {
                TaskStatus::Done => "done",
                TaskStatus::Failed(_) => "failed",
                TaskStatus::Skipped(_) => "skipped",
            };
            [
                t.task.clone(),
                t.action.as_str().to_owned(),
                if steps.is_empty() {
                    "-".to_owned()
                } else {
                    steps.join(",")
                },
                result.to_owned(),
                t.file_id
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    let header = ["TASK", "ACTION", "STEPS", "RESULT", "FILE ID"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let failed = report.failed();
    out.push_str(&format!(
        "{} task{} applied, {failed} failed or skipped\n",
        report.tasks.len() - failed,
        if report.tasks.len() - failed == 1 {
            ""
        } else {
            "s"
        }
    ));
    out
}
