//! What the emulator has served, for users' tests and for measuring: requests in total, by
//! action (answered with success or with an error), by HTTP status, and the throttled ones.
//! Read with [`crate::Emulator::stats`] or `GET /_emulator/stats` (JSON, no signature).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

/// Requests served by one action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ActionStats {
    /// Answered with HTTP 200 (a business `Status: fail` inside counts here too).
    pub ok: u64,
    /// Answered with an error (4xx/5xx) after the action was known, throttling included.
    pub errors: u64,
}

/// A snapshot of the emulator's counters (since it started).
///
/// ```json
/// {"requests":12,"by_action":{"ListFiles":{"ok":3,"errors":0}},"by_status":{"200":11,"429":1},
///  "throttled":1,"rate_limited":1,"dropped":0,"rate_limit":20}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EmulatorStats {
    /// Every HTTP request to the service endpoint (not counting `/_emulator/*`), refused and
    /// fault-injected ones included.
    pub requests: u64,
    /// By action, for the requests whose signature verified (the action is known then).
    pub by_action: BTreeMap<String, ActionStats>,
    /// By the HTTP status answered (dropped connections are not here: see `dropped`).
    pub by_status: BTreeMap<u16, u64>,
    /// Answers `429` (`Throttling.User`): the rate limit's and injected throttling.
    pub throttled: u64,
    /// Of those, the ones the rate limit (`--rate-limit`) refused.
    pub rate_limited: u64,
    /// Connections dropped by fault injection, without an answer.
    pub dropped: u64,
    /// The configured rate limit, requests per second per account (`None`: unlimited).
    pub rate_limit: Option<u32>,
}

/// What the handler learnt about one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequestNote {
    /// The action, once the signature verified.
    pub action: Option<String>,
    /// Refused by the rate limit.
    pub rate_limited: bool,
    /// The connection was dropped (no answer).
    pub dropped: bool,
}

/// The counters, behind a mutex (one short critical section per request).
#[derive(Debug, Default)]
pub(crate) struct StatsRecorder {
    inner: Mutex<EmulatorStats>,
}

impl StatsRecorder {
    pub(crate) fn new(rate_limit: Option<u32>) -> StatsRecorder {
        StatsRecorder {
            inner: Mutex::new(EmulatorStats {
                rate_limit,
                ..EmulatorStats::default()
            }),
        }
    }

    /// Counts one request answered with `status` (ignored when the connection was dropped).
    pub(crate) fn record(&self, note: &RequestNote, status: u16) {
        let mut stats = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        stats.requests += 1;
        if note.dropped {
            stats.dropped += 1;
            return;
        }
        *stats.by_status.entry(status).or_default() += 1;
        if status == 429 {
            stats.throttled += 1;
        }
        if note.rate_limited {
            stats.rate_limited += 1;
        }
        if let Some(action) = &note.action {
            let entry = stats.by_action.entry(action.clone()).or_default();
            if status == 200 {
                entry.ok += 1;
            } else {
                entry.errors += 1;
            }
        }
    }

    /// A copy of the counters.
    pub(crate) fn snapshot(&self) -> EmulatorStats {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_action_status_and_kind() {
        let stats = StatsRecorder::new(Some(5));
        let listed = RequestNote {
            action: Some("ListFiles".into()),
            ..RequestNote::default()
        };
        stats.record(&listed, 200);
        stats.record(&listed, 200);
        stats.record(
            &RequestNote {
                rate_limited: true,
                ..listed.clone()
            },
            429,
        );
        stats.record(&RequestNote::default(), 400);
        stats.record(
            &RequestNote {
                dropped: true,
                ..RequestNote::default()
            },
            500,
        );
        let snap = stats.snapshot();
        assert_eq!(snap.requests, 5);
        assert_eq!(
            snap.by_action["ListFiles"],
            ActionStats { ok: 2, errors: 1 }
        );
        assert_eq!(snap.by_status[&200], 2);
        assert_eq!(snap.by_status[&429], 1);
        assert_eq!(snap.by_status[&400], 1);
        assert!(!snap.by_status.contains_key(&500));
        assert_eq!((snap.throttled, snap.rate_limited, snap.dropped), (1, 1, 1));
        let json = serde_json::to_value(&snap).unwrap();
        assert_eq!(json["by_status"]["429"], 1);
        assert_eq!(json["rate_limit"], 5);
    }
}
