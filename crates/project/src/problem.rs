//! Located problems: every error of a manifest and its documents, with the file, the line
//! (or a JSON pointer) and a fix, reported all at once.

use std::fmt;

use serde::Serialize;

/// Where a problem is: a file, and a line and column or a JSON pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file (the manifest or a document), as the user named it.
    pub file: String,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// JSON pointer inside a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Location {
    /// The whole file.
    pub fn file(file: &str) -> Location {
        Location {
            file: file.to_owned(),
            line: None,
            column: None,
            pointer: None,
        }
    }

    /// The position of byte `offset` of `text`.
    pub fn at_offset(file: &str, text: &str, offset: usize) -> Location {
        let before = text.get(..offset.min(text.len())).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count() + 1)
            .unwrap_or(1);
        Location {
            file: file.to_owned(),
            line: Some(line),
            column: Some(column),
            pointer: None,
        }
    }

    /// This location with a JSON pointer.
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Location {
        let pointer = pointer.into();
        self.pointer = Some(if pointer.is_empty() {
            "/".to_owned()
        } else {
            pointer
        });
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " ({pointer})")?;
        }
        Ok(())
    }
}

/// One problem: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestProblem {
    /// Where.
    pub location: Location,
    /// The environment it was found in (variables differ between environments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// What is wrong.
    pub message: String,
    /// A one-line fix.
    pub fix: String,
}

impl fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if let Some(env) = &self.environment {
            write!(f, "[{env}] ")?;
        }
        write!(f, "{}\n  fix: {}", self.message, self.fix)
    }
}

/// Every problem found, at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ManifestProblems(pub Vec<ManifestProblem>);

impl fmt::Display for ManifestProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbb = 2\n";
        let at = Location::at_offset("m.toml", text, 7);
        assert_eq!((at.line, at.column), (Some(2), Some(2)));
        assert_eq!(at.to_string(), "m.toml:2:2");
        assert_eq!(
            Location::file("d.json")
                .with_pointer("/steps/0")
                .to_string(),
            "d.json (/steps/0)"
        );
    }
}
