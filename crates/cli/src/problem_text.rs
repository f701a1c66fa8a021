//! One validation problem as text, the same for every command that prints one
//! (`dwdi validate`, `dwdi convert`; the manifest's problems for `dwdi check`, `plan`,
//! `apply`):
//!
//! ```text
//! job.json:5:18: error[step.type-name]: `MySQL` differs from ... (at /steps/0/stepType)
//!   = hint: set "stepType": "mysql"
//! ```
//!
//! A message may quote a value of the user's file, so control characters are escaped
//! (`\u{1b}`, `\n`): a file cannot move the cursor, recolour the terminal or split a
//! problem over lines. JSON output needs none of this: serde escapes them.

use std::fmt::Write as _;

use dataworks_project::{ManifestProblem, ManifestProblems};
use dataworks_taskparam::Problem;

/// The two lines of `problem`: `[<position>: ]<severity>[<rule>]: <message> (at <pointer>)`
/// and `  = hint: <hint>`, each ending in a newline. `position` is the file (and its
/// `line:column`, when known) or nothing.
pub fn render(position: Option<&str>, severity: &str, problem: &Problem) -> String {
    let pointer = if problem.pointer.is_empty() {
        "/"
    } else {
        &problem.pointer
    };
    let prefix = position.map(|p| format!("{p}: ")).unwrap_or_default();
    format!(
        "{prefix}{severity}[{}]: {} (at {})\n  = hint: {}\n",
        problem.rule,
        escape_controls(&problem.message),
        escape_controls(pointer),
        escape_controls(&problem.hint),
    )
}

/// A manifest problem as its `Display` writes it, with the control characters of its
/// message, fix and environment escaped (they quote the manifest's and documents' values).
pub fn manifest_problem(problem: &ManifestProblem) -> String {
    escaped(problem).to_string()
}

/// Every manifest problem as `ManifestProblems` writes them (a count line, then each),
/// escaped as [`manifest_problem`] does.
pub fn manifest_problems(problems: &ManifestProblems) -> String {
    ManifestProblems(problems.0.iter().map(escaped).collect()).to_string()
}

/// `problems` with those found alike in several environments (same place, message and fix)
/// merged into one whose environment lists them all (`dev, prod`), in first-seen order: a
/// document's own mistake is found once per environment, and is one mistake to fix.
pub fn merge_environments(problems: &[ManifestProblem]) -> Vec<ManifestProblem> {
    // Each distinct problem, and the environments it was found in.
    let mut groups: Vec<(&ManifestProblem, Vec<&str>)> = Vec::new();
    for problem in problems {
        let alike = groups.iter_mut().find(|(first, _)| {
            first.location == problem.location
                && first.message == problem.message
                && first.fix == problem.fix
                && first.environment.is_some() == problem.environment.is_some()
        });
        let env = problem.environment.as_deref();
        match alike {
            Some((_, envs)) => envs.extend(env.filter(|e| !envs.contains(e))),
            None => groups.push((problem, env.into_iter().collect())),
        }
    }
    groups
        .into_iter()
        .map(|(first, envs)| ManifestProblem {
            environment: first.environment.as_ref().map(|_| envs.join(", ")),
            ..first.clone()
        })
        .collect()
}

fn escaped(problem: &ManifestProblem) -> ManifestProblem {
    ManifestProblem {
        location: problem.location.clone(),
        environment: problem.environment.as_deref().map(escape_controls),
        message: escape_controls(&problem.message),
        fix: escape_controls(&problem.fix),
    }
}

/// `text` with every control character written as its Rust escape (`\n`, `\u{0}`).
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_prints_on_two_lines_with_control_characters_escaped() {
        let problem = Problem::new(
            "/steps/0/parameter/writeMode",
            "param.enum",
            "`writeMode` is `\u{1b}[31m\n\0`".to_owned(),
            "use one of: insert",
        );
        assert_eq!(
            render(Some("job.json:1:2"), "error", &problem),
            "job.json:1:2: error[param.enum]: `writeMode` is `\\u{1b}[31m\\n\\u{0}` (at /steps/0/parameter/writeMode)\n  = hint: use one of: insert\n"
        );
        let at_root = Problem::new("", "json.syntax", "bad".to_owned(), "fix it");
        assert_eq!(
            render(None, "warning", &at_root),
            "warning[json.syntax]: bad (at /)\n  = hint: fix it\n"
        );
        assert_eq!(escape_controls("tab\there, ünïcode"), "tab\\there, ünïcode");
    }

    #[test]
    fn problems_alike_in_several_environments_are_merged_in_order() {
        let problem = |env: Option<&str>, message: &str| ManifestProblem {
            location: dataworks_project::Location::file("dataworks.toml"),
            environment: env.map(str::to_owned),
            message: message.to_owned(),
            fix: "fix it".to_owned(),
        };
        let merged = merge_environments(&[
            problem(Some("dev"), "a"),
            problem(Some("dev"), "b"),
            problem(Some("prod"), "a"),
            problem(Some("staging"), "a"),
            problem(Some("prod"), "a"),
            problem(None, "c"),
            problem(None, "c"),
            problem(None, "a"),
        ]);
        assert_eq!(
            merged,
            [
                problem(Some("dev, prod, staging"), "a"),
                problem(Some("dev"), "b"),
                problem(None, "c"),
                // Found outside any environment: its own problem, not one of the above.
                problem(None, "a"),
            ]
        );
    }

    #[test]
    fn a_manifest_problem_prints_as_its_display_with_control_characters_escaped() {
        let problem = |message: &str| ManifestProblem {
            location: dataworks_project::Location::file("dataworks.toml"),
            environment: Some("dev".to_owned()),
            message: message.to_owned(),
            fix: "fix it".to_owned(),
        };
        let clean = problem("task `orders` has no document");
        assert_eq!(manifest_problem(&clean), clean.to_string());
        let dirty = problem("task `\u{1b}]0;x\u{7}` has no document");
        assert_eq!(
            manifest_problem(&dirty),
            clean.to_string().replace("orders", "\\u{1b}]0;x\\u{7}")
        );
        let all = ManifestProblems(vec![clean.clone(), dirty]);
        let text = manifest_problems(&all);
        assert!(text.starts_with("2 problems found:\n"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
