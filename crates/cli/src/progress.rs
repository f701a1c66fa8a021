//! The progress line on stderr while a workflow waits: stage, process id, polls, elapsed.
//! Hidden when stderr is not a terminal or the output is JSON.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use dataworks_workflow::{Progress, Workflow};

/// A progress line (a spinner with a message), possibly hidden.
#[derive(Debug, Clone)]
pub struct ProgressLine {
    bar: ProgressBar,
}

impl ProgressLine {
    /// A line on stderr, hidden when `hidden` or when stderr is not a terminal.
    pub fn new(hidden: bool) -> ProgressLine {
        let bar = if hidden || !std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        };
        ProgressLine { bar }
    }

    /// Shows one observation.
    pub fn show(&self, p: &Progress) {
        self.bar.set_message(render(p));
    }

    /// Attaches the line to a workflow's progress.
    pub fn attach(&self, workflow: Workflow) -> Workflow {
        let line = self.clone();
        workflow.on_progress(move |p| line.show(p))
    }

    /// Removes the line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `stage poll · process 12 · 3 polls · 4.2s · status running`.
pub fn render(p: &Progress) -> String {
    let mut parts = vec![format!("stage {}", p.stage)];
    if let Some(id) = p.process_id {
        parts.push(format!("process {id}"));
    }
    if p.polls > 0 {
        parts.push(format!(
            "{} poll{}",
            p.polls,
            if p.polls == 1 { "" } else { "s" }
        ));
    }
    parts.push(format!("{:.1}s", p.elapsed.as_secs_f64()));
    if let Some(status) = &p.status {
        parts.push(format!("status {status}"));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataworks_workflow::Stage;

    #[test]
    fn renders_every_part() {
        let p = Progress {
            stage: Stage::Poll,
            process_id: Some(12),
            polls: 3,
            elapsed: Duration::from_millis(4200),
            status: Some("running".into()),
        };
        assert_eq!(
            render(&p),
            "stage poll · process 12 · 3 polls · 4.2s · status running"
        );
    }
}
