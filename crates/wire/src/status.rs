//! Reading `Data.Status`: the outcome of a call ([`ProcessStatus`], [`BusinessFailure`]) or the
//! state of a task ([`InstanceStatus`]).

use std::fmt;

use crate::GetDISyncInstanceInfoData;

/// A response `Data` with the `Status` / `Message` pair every operation returns.
///
/// For most operations `Status` is the outcome of the call: `fail` on an HTTP 200 is a
/// *business failure* (the reason is in `Message`). For GetDISyncInstanceInfo it is the state
/// of the task ([`StatusData::STATUS_IS_OUTCOME`] is `false`), which is never a failure of the
/// call.
pub trait StatusData {
    /// Whether `Status` is the outcome of the call (`success` / `fail`).
    const STATUS_IS_OUTCOME: bool;

    /// `Data.Status`, verbatim.
    fn status(&self) -> Option<&str>;

    /// `Data.Message`, verbatim.
    fn message(&self) -> Option<&str>;

    /// `Data.Status` read as an outcome.
    fn process_status(&self) -> Option<ProcessStatus> {
        self.status().map(ProcessStatus::parse)
    }

    /// The business failure this `Data` reports, if any: `Status` is `fail` and
    /// `Status` is an outcome.
    fn business_failure(&self) -> Option<BusinessFailure> {
        if !Self::STATUS_IS_OUTCOME {
            return None;
        }
        let status = self.status()?;
        match ProcessStatus::parse(status) {
            ProcessStatus::Fail => Some(BusinessFailure {
                status: status.to_owned(),
                message: self.message().map(str::to_owned),
            }),
            _ => None,
        }
    }
}

/// `Data.Status` as the outcome of a call or of an asynchronous process.
///
/// Like the service's other text values it never fails to read: a value this crate does not
/// know is kept in [`ProcessStatus::Other`]. Marked `#[non_exhaustive]`: a value may get its own
/// variant later; match with a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProcessStatus {
    /// `success`.
    Success,
    /// `fail` (also `failed`); the reason is in `Data.Message`.
    Fail,
    /// Anything else, verbatim: for QueryDISyncTaskConfigProcessResult a process that is
    /// still running. (The reference's own example shows `"true"`, which lands here.)
    Other(String),
}

impl ProcessStatus {
    /// Reads a status, ignoring case and surrounding spaces.
    pub fn parse(status: &str) -> ProcessStatus {
        let trimmed = status.trim();
        if trimmed.eq_ignore_ascii_case("success") {
            ProcessStatus::Success
        } else if trimmed.eq_ignore_ascii_case("fail") || trimmed.eq_ignore_ascii_case("failed") {
            ProcessStatus::Fail
        } else {
            ProcessStatus::Other(status.to_owned())
        }
    }

    /// The wire spelling (`success`, `fail`, or the other value verbatim).
    pub fn as_str(&self) -> &str {
        match self {
            ProcessStatus::Success => "success",
            ProcessStatus::Fail => "fail",
            ProcessStatus::Other(other) => other,
        }
    }

    /// Whether the process has finished (`success` or `fail`).
    pub fn is_terminal(&self) -> bool {
        matches!(self, ProcessStatus::Success | ProcessStatus::Fail)
    }
}

impl fmt::Display for ProcessStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `Data.Status == "fail"` on an HTTP 200: the call reached the service, which refused it.
///
/// Marked `#[non_exhaustive]`: read the fields; [`StatusData::business_failure`] builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BusinessFailure {
    /// `Data.Status`, verbatim.
    pub status: String,
    /// `Data.Message`, the reason.
    pub message: Option<String>,
}

impl fmt::Display for BusinessFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) if !message.is_empty() => {
                write!(
                    f,
                    "the service answered Status \"{}\": {message}",
                    self.status
                )
            }
            _ => write!(
                f,
                "the service answered Status \"{}\" without a message",
                self.status
            ),
        }
    }
}

/// The running state GetDISyncInstanceInfo reports in `Data.Status`.
///
/// It never fails to read: a state this crate does not know is kept in
/// [`InstanceStatus::Other`]. Marked `#[non_exhaustive]`: a state may get its own variant later;
/// match with a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InstanceStatus {
    /// `RUN`: the real-time task is running.
    Run,
    /// `PAUSE`: the real-time task is paused (stopped).
    Pause,
    /// `NORUN`: the real-time task is not running.
    NoRun,
    /// `KILLING`: the real-time task is being stopped.
    Killing,
    /// `WAIT`: the real-time task waits for resources.
    Wait,
    /// `success`: the solution ran successfully.
    Success,
    /// `fail`: the solution failed.
    Fail,
    /// Anything else, verbatim.
    Other(String),
}

impl InstanceStatus {
    /// Reads a state, ignoring case and surrounding spaces.
    pub fn parse(status: &str) -> InstanceStatus {
        match status.trim().to_ascii_uppercase().as_str() {
            "RUN" => InstanceStatus::Run,
            "PAUSE" => InstanceStatus::Pause,
            "NORUN" => InstanceStatus::NoRun,
            "KILLING" => InstanceStatus::Killing,
            "WAIT" => InstanceStatus::Wait,
            "SUCCESS" => InstanceStatus::Success,
            "FAIL" => InstanceStatus::Fail,
            _ => InstanceStatus::Other(status.to_owned()),
        }
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            InstanceStatus::Run => "RUN",
            InstanceStatus::Pause => "PAUSE",
            InstanceStatus::NoRun => "NORUN",
            InstanceStatus::Killing => "KILLING",
            InstanceStatus::Wait => "WAIT",
            InstanceStatus::Success => "success",
            InstanceStatus::Fail => "fail",
            InstanceStatus::Other(other) => other,
        }
    }
}

impl fmt::Display for InstanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl GetDISyncInstanceInfoData {
    /// `Data.Status` read as the task's running state.
    pub fn instance_status(&self) -> Option<InstanceStatus> {
        self.status.as_deref().map(InstanceStatus::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateDISyncTaskData, GetDISyncInstanceInfoData};

    #[test]
    fn process_status_parses_case_insensitively() {
        assert_eq!(ProcessStatus::parse("SUCCESS"), ProcessStatus::Success);
        assert_eq!(ProcessStatus::parse(" fail "), ProcessStatus::Fail);
        assert_eq!(ProcessStatus::parse("failed"), ProcessStatus::Fail);
        assert_eq!(
            ProcessStatus::parse("running"),
            ProcessStatus::Other("running".into())
        );
        assert!(!ProcessStatus::parse("true").is_terminal());
    }

    #[test]
    fn fail_is_a_business_failure() {
        let data = CreateDISyncTaskData {
            status: Some("fail".into()),
            message: Some("Invalid path: Workflow/x/Data Integration".into()),
            file_id: None,
        };
        let failure = data.business_failure().unwrap();
        assert!(failure.to_string().contains("Invalid path"), "{failure}");
        let ok = CreateDISyncTaskData {
            status: Some("success".into()),
            file_id: Some(1),
            message: None,
        };
        assert_eq!(ok.business_failure(), None);
    }

    #[test]
    fn instance_state_is_never_a_business_failure() {
        let data = GetDISyncInstanceInfoData {
            status: Some("fail".into()),
            ..Default::default()
        };
        assert_eq!(data.business_failure(), None);
        assert_eq!(data.instance_status(), Some(InstanceStatus::Fail));
        let running = GetDISyncInstanceInfoData {
            status: Some("RUN".into()),
            ..Default::default()
        };
        assert_eq!(running.instance_status(), Some(InstanceStatus::Run));
    }
}
