//! The exit codes of `dwdi`, one place for all commands.

use std::process::ExitCode;

/// What a `dwdi` command ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked (for `validate`: every file is valid).
    Success,
    /// 1: the service (or emulator) refused or failed the operation, or `validate` found
    /// invalid documents.
    Failure,
    /// 2: usage error, unreadable input, or a document that failed validation before sending.
    Usage,
    /// 3: the workflow gave up waiting (overall wait limit reached).
    Timeout,
    /// 2 with `dwdi plan --detailed-exitcode`: the plan has changes (then every error is 1,
    /// as Terraform users know it); 0 without the flag.
    Changes,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(match exit {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Timeout => 3,
            Exit::Changes => 2,
        })
    }
}
