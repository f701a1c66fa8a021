//! The retry policy: which failures are retried for which operations, and how long to wait.
//!
//! Pure functions over plain values, so the rules can be tested (and property-tested)
//! without a network. The client ([`crate::Client`]) applies them to every call.
//!
//! The rule, in one table (also in `docs/workflow.md`):
//!
//! | failure | reads (`Get*`, `Query*`) | `Generate*`, `CreateDISyncTask` (with `ClientToken`) | `UpdateDISyncTask` | other mutations |
//! |---|---|---|---|---|
//! | not delivered (connect error, throttled) | retry | retry | retry | retry |
//! | ambiguous (timeout, broken connection, 5xx) | retry | retry (same token) | read back, then retry if not applied | no retry |
//! | anything else (4xx, malformed) | no retry | no retry | no retry | no retry |

use std::time::Duration;

use dataworks_wire::Operation;

/// How many attempts a call may make, how long to wait between them, and for how long in all.
///
/// Which failures are retried depends on the operation, whatever the policy:
///
/// | failure | reads (`Get*`, `Query*`) | `Generate*`, `CreateDISyncTask` (with `ClientToken`) | `UpdateDISyncTask` | other mutations |
/// |---|---|---|---|---|
/// | not delivered (connect error, throttled) | retry | retry | retry | retry |
/// | ambiguous (timeout, broken connection, 5xx) | retry | retry (same token) | read back, then retry if not applied | no retry |
/// | anything else (4xx, malformed) | no retry | no retry | no retry | no retry |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The first backoff ceiling; attempt `n` (0-based retry) waits a random time in
    /// `[0, min(cap, base·2ⁿ)]` (full jitter).
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
    /// The overall time budget of one logical call, all attempts and waits included. No
    /// attempt starts (and no retry-after hint is honoured) past it.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, 200 ms base, 10 s cap, 2 min deadline.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(10),
            deadline: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry (what the official SDK does by default).
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff ceiling before retry number `retry` (0 for the first retry):
    /// `min(cap, base·2^retry)`, saturating.
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The full-jitter delay before retry number `retry`, given a uniform sample in `[0, 1)`.
    pub(crate) fn delay(&self, retry: u32, sample: f64) -> Duration {
        full_jitter(self.ceiling(retry), sample)
    }
}

impl RetryPolicy {
    /// Sets `max_attempts`: total attempts, the first included (1 = no retry).
    pub fn max_attempts(mut self, max_attempts: u32) -> RetryPolicy {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets `base`: the first backoff ceiling.
    pub fn base(mut self, base: Duration) -> RetryPolicy {
        self.base = base;
        self
    }

    /// Sets `cap`: the largest backoff ceiling.
    pub fn cap(mut self, cap: Duration) -> RetryPolicy {
        self.cap = cap;
        self
    }

    /// Sets `deadline`: the overall time budget of one call.
    pub fn deadline(mut self, deadline: Duration) -> RetryPolicy {
        self.deadline = deadline;
        self
    }
}

/// `ceiling · sample`, with `sample` clamped to `[0, 1]` (NaN counts as 0).
pub(crate) fn full_jitter(ceiling: Duration, sample: f64) -> Duration {
    let sample = if sample.is_nan() {
        0.0
    } else {
        sample.clamp(0.0, 1.0)
    };
    ceiling.mul_f64(sample)
}

/// How safe it is to send an operation again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// A read (`Get*`, `Query*`): always safe.
    Read,
    /// A mutation protected by a `ClientToken` kept across attempts: safe.
    TokenProtected,
    /// Any other mutation: retried only when the request certainly did not reach the service.
    Unsafe,
}

impl Safety {
    /// The safety class of a plain call, from the operation's generated metadata
    /// ([`Operation::READ_ONLY`], [`Operation::SUPPORTS_CLIENT_TOKEN`], both derived from the API
    /// description by the xtask). `UpdateDISyncTask`'s read-back verification belongs to
    /// [`crate::Client::update_task`]; a plain call of it is [`Safety::Unsafe`].
    pub(crate) fn of<Op: Operation>() -> Safety {
        if Op::READ_ONLY {
            Safety::Read
        } else if Op::SUPPORTS_CLIENT_TOKEN {
            Safety::TokenProtected
        } else {
            Safety::Unsafe
        }
    }
}

/// What a failed attempt says about whether the service acted on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureClass {
    /// The request did not reach the service, or was refused before processing (connect
    /// error, throttling): always safe to send again.
    NotProcessed,
    /// The service may have acted on it (timeout, broken connection, 5xx).
    MaybeProcessed,
    /// Retrying will not help (4xx other than throttling, malformed answer, signing error).
    Permanent,
}

/// Whether a failure of class `class` may be retried for an operation of `safety`
/// (attempts and deadline permitting). `UpdateDISyncTask` is [`Safety::Unsafe`] here:
/// [`crate::Client::update_task`] reads the task back before it sends it again.
pub(crate) fn may_retry(safety: Safety, class: FailureClass) -> bool {
    match class {
        FailureClass::NotProcessed => true,
        FailureClass::Permanent => false,
        FailureClass::MaybeProcessed => matches!(safety, Safety::Read | Safety::TokenProtected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            deadline: Duration::from_secs(60),
        };
        let c: Vec<u128> = (0..6).map(|n| p.ceiling(n).as_millis()).collect();
        assert_eq!(c, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(1));
        assert_eq!(p.delay(1, 0.5), Duration::from_millis(100));
        assert_eq!(p.delay(1, 0.0), Duration::ZERO);
    }

    #[test]
    fn every_operation_keeps_its_class() {
        // Every generated operation, with the class and ClientToken support the client gave it by
        // name before the metadata drove it (`UpdateDISyncTask`: a plain call is `Unsafe`).
        use dataworks_wire as w;
        let table = [
            (
                w::GenerateDISyncTaskConfigForCreating::ACTION,
                Safety::of::<w::GenerateDISyncTaskConfigForCreating>(),
                w::GenerateDISyncTaskConfigForCreating::SUPPORTS_CLIENT_TOKEN,
                Safety::TokenProtected,
                true,
            ),
            (
                w::GenerateDISyncTaskConfigForUpdating::ACTION,
                Safety::of::<w::GenerateDISyncTaskConfigForUpdating>(),
                w::GenerateDISyncTaskConfigForUpdating::SUPPORTS_CLIENT_TOKEN,
                Safety::TokenProtected,
                true,
            ),
            (
                w::QueryDISyncTaskConfigProcessResult::ACTION,
                Safety::of::<w::QueryDISyncTaskConfigProcessResult>(),
                w::QueryDISyncTaskConfigProcessResult::SUPPORTS_CLIENT_TOKEN,
                Safety::Read,
                false,
            ),
            (
                w::CreateDISyncTask::ACTION,
                Safety::of::<w::CreateDISyncTask>(),
                w::CreateDISyncTask::SUPPORTS_CLIENT_TOKEN,
                Safety::TokenProtected,
                true,
            ),
            (
                w::UpdateDISyncTask::ACTION,
                Safety::of::<w::UpdateDISyncTask>(),
                w::UpdateDISyncTask::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::GetDISyncTask::ACTION,
                Safety::of::<w::GetDISyncTask>(),
                w::GetDISyncTask::SUPPORTS_CLIENT_TOKEN,
                Safety::Read,
                false,
            ),
            (
                w::DeleteDISyncTask::ACTION,
                Safety::of::<w::DeleteDISyncTask>(),
                w::DeleteDISyncTask::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::DeployDISyncTask::ACTION,
                Safety::of::<w::DeployDISyncTask>(),
                w::DeployDISyncTask::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::StartDISyncInstance::ACTION,
                Safety::of::<w::StartDISyncInstance>(),
                w::StartDISyncInstance::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::StopDISyncInstance::ACTION,
                Safety::of::<w::StopDISyncInstance>(),
                w::StopDISyncInstance::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::TerminateDISyncInstance::ACTION,
                Safety::of::<w::TerminateDISyncInstance>(),
                w::TerminateDISyncInstance::SUPPORTS_CLIENT_TOKEN,
                Safety::Unsafe,
                false,
            ),
            (
                w::GetDISyncInstanceInfo::ACTION,
                Safety::of::<w::GetDISyncInstanceInfo>(),
                w::GetDISyncInstanceInfo::SUPPORTS_CLIENT_TOKEN,
                Safety::Read,
                false,
            ),
            (
                w::ListFiles::ACTION,
                Safety::of::<w::ListFiles>(),
                w::ListFiles::SUPPORTS_CLIENT_TOKEN,
                Safety::Read,
                false,
            ),
            (
                w::GetFile::ACTION,
                Safety::of::<w::GetFile>(),
                w::GetFile::SUPPORTS_CLIENT_TOKEN,
                Safety::Read,
                false,
            ),
        ];
        assert_eq!(table.len(), w::ACTIONS.len());
        for (action, got, token, want, want_token) in table {
            assert_eq!(got, want, "{action}");
            assert_eq!(token, want_token, "{action}");
        }
    }

    #[test]
    fn retry_matrix() {
        use FailureClass::*;
        for s in [Safety::Read, Safety::TokenProtected, Safety::Unsafe] {
            assert!(may_retry(s, NotProcessed));
            assert!(!may_retry(s, Permanent));
        }
        assert!(may_retry(Safety::Read, MaybeProcessed));
        assert!(may_retry(Safety::TokenProtected, MaybeProcessed));
        assert!(!may_retry(Safety::Unsafe, MaybeProcessed));
    }

    proptest! {
        #[test]
        fn jitter_stays_within_the_ceiling(retry in 0u32..100, sample in proptest::num::f64::ANY,
                                           base_ms in 0u64..10_000, cap_ms in 0u64..100_000) {
            let p = RetryPolicy { max_attempts: 3, base: Duration::from_millis(base_ms),
                                  cap: Duration::from_millis(cap_ms), deadline: Duration::from_secs(1) };
            let d = p.delay(retry, sample);
            prop_assert!(d <= p.ceiling(retry));
            prop_assert!(p.ceiling(retry) <= p.cap);
        }

    }
}
