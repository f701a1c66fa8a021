//! The crate's error types.

use crate::kind::DocumentKind;
use crate::validate::{Problem, describe_problems};

/// A document that could not be parsed into its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{kind}: line {line}, column {column}: {message} (run `dwdi validate --kind {kind}` for every problem with a fix)"
)]
#[non_exhaustive]
pub struct ParseError {
    /// The kind that was being parsed.
    pub kind: DocumentKind,
    /// 1-based line of the problem (0 when unknown, e.g. parsing from a value).
    pub line: usize,
    /// 1-based column of the problem (0 when unknown).
    pub column: usize,
    /// What was wrong (serde_json's message; values of typed fields only, never secrets,
    /// which are not typed).
    pub message: String,
    /// Whether the text was not JSON at all (as opposed to JSON of the wrong shape).
    pub syntax: bool,
}

impl ParseError {
    pub(crate) fn from_serde(kind: DocumentKind, error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let full = error.to_string();
        // serde_json appends " at line L column C"; we carry those separately.
        let message = match full.rfind(" at line ") {
            Some(at) if error.line() > 0 => full.get(..at).unwrap_or(&full).to_owned(),
            _ => full,
        };
        Self {
            kind,
            line: error.line(),
            column: error.column(),
            message,
            syntax: matches!(error.classify(), Category::Syntax | Category::Eof),
        }
    }
}

/// A builder whose document failed validation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The built document breaks one or more rules; each problem names the JSON pointer,
    /// the rule and a one-line fix.
    #[error("the built {kind} is invalid:\n{}", describe_problems(.problems))]
    Invalid {
        /// The kind built.
        kind: DocumentKind,
        /// Every error found.
        problems: Vec<Problem>,
    },
}

/// Why an update could not be applied to a TaskContent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The content has no MySQL reader step with a connection.
    #[error(
        "the TaskContent has no MySQL reader step with a connection; fix: apply updates only to a real-time MySQL TaskContent"
    )]
    NoReader,
    /// The update TaskParam has no reader connection with `table` or `selectedTables`.
    #[error(
        "the update TaskParam selects no tables (no reader connection with `table` or `selectedTables`); fix: build it with `TaskParam::update().reader(MysqlReader::datasource(..).tables([..]))`"
    )]
    NoSelection,
    /// The update names a different data source than the content's reader.
    #[error(
        "the update is for data source `{update}` but the task reads `{content}`; fix: name the task's data source `{content}` in the update"
    )]
    DatasourceMismatch {
        /// The content reader's data source.
        content: String,
        /// The update's data source.
        update: String,
    },
    /// A `table` update on content that selects tables of several databases (or a
    /// several-database update on `table` content): the database is ambiguous.
    #[error(
        "the update gives {update_form} but the task's reader uses {content_form} over {databases} databases; fix: use `selectedTables` (MysqlReader::selected_tables) naming each database"
    )]
    AmbiguousDatabase {
        /// The update's form (`table` or `selectedTables`).
        update_form: &'static str,
        /// The content's form.
        content_form: &'static str,
        /// How many databases are involved.
        databases: usize,
    },
}
