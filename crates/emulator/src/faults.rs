//! Faults on demand, for resilience tests: throttling, 5xx answers, dropped connections,
//! added latency and generation processes that fail. Seeded, so a run can be repeated.
//!
//! Every request to `/` draws one [`FaultPlan`] from a seeded `StdRng`, always with the same
//! number of draws, so the n-th request of a run gets the same plan for the same seed
//! whatever happened to the requests before it.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The `x-acs-retry-after` hint (milliseconds) sent with an injected `Throttling.User`.
pub const THROTTLE_RETRY_AFTER_MS: u64 = 50;

/// Which faults to inject, and how often. Rates are probabilities in `[0, 1]`, drawn
/// independently for each request.
///
/// ```
/// use dataworks_emulator::Faults;
/// let faults = Faults::none().throttle_rate(0.2).seed(7);
/// assert!(faults.validate().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Share of requests answered `429 Throttling.User` (with `x-acs-retry-after`) before
    /// any processing.
    pub throttle_rate: f64,
    /// Share of requests answered `500 InternalError.System`; half of them (seeded) after the
    /// request was processed and committed, so the effect happened but the client cannot know.
    pub server_error_rate: f64,
    /// Share of requests whose connection is closed without an answer; half of them (seeded)
    /// after the request was processed and committed.
    pub drop_rate: f64,
    /// Added to every request before it is processed.
    pub latency: Duration,
    /// Share of generation processes (GenerateDISyncTaskConfigFor*) that end in `fail`.
    pub process_fail_rate: f64,
    /// The seed of the fault generator.
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self::none()
    }
}

/// A fault rate outside `[0, 1]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
#[error("fault rate {name} = {value} is not a probability; give a number from 0 to 1 (e.g. 0.2)")]
pub struct FaultsError {
    /// Which rate.
    pub name: &'static str,
    /// Its value.
    pub value: f64,
}

impl Faults {
    /// No faults at all.
    pub const fn none() -> Self {
        Self {
            throttle_rate: 0.0,
            server_error_rate: 0.0,
            drop_rate: 0.0,
            latency: Duration::ZERO,
            process_fail_rate: 0.0,
            seed: 0,
        }
    }

    /// With this share of requests answered `429 Throttling.User` ([`Faults::throttle_rate`]).
    pub fn throttle_rate(mut self, rate: f64) -> Self {
        self.throttle_rate = rate;
        self
    }

    /// With this share of requests answered `500 InternalError.System`
    /// ([`Faults::server_error_rate`]).
    pub fn server_error_rate(mut self, rate: f64) -> Self {
        self.server_error_rate = rate;
        self
    }

    /// With this share of connections closed without an answer ([`Faults::drop_rate`]).
    pub fn drop_rate(mut self, rate: f64) -> Self {
        self.drop_rate = rate;
        self
    }

    /// With this latency added to every request ([`Faults::latency`]).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// With this share of generation processes ending in `fail` ([`Faults::process_fail_rate`]).
    pub fn process_fail_rate(mut self, rate: f64) -> Self {
        self.process_fail_rate = rate;
        self
    }

    /// With this seed of the fault generator ([`Faults::seed`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether any fault can happen.
    pub fn is_active(&self) -> bool {
        self.throttle_rate > 0.0
            || self.server_error_rate > 0.0
            || self.drop_rate > 0.0
            || !self.latency.is_zero()
            || self.process_fail_rate > 0.0
    }

    /// Checks that every rate is a probability.
    pub fn validate(&self) -> Result<(), FaultsError> {
        for (name, value) in [
            ("throttle_rate", self.throttle_rate),
            ("server_error_rate", self.server_error_rate),
            ("drop_rate", self.drop_rate),
            ("process_fail_rate", self.process_fail_rate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(FaultsError { name, value });
            }
        }
        Ok(())
    }
}

/// When a 5xx or a drop happens relative to the processing of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTiming {
    /// Nothing was done.
    BeforeProcessing,
    /// The request was processed and committed; only the answer is lost.
    AfterProcessing,
}

/// The faults one request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultPlan {
    /// Answer `429 Throttling.User` before processing.
    pub throttle: bool,
    /// Answer `500 InternalError.System`, before or after processing.
    pub server_error: Option<FaultTiming>,
    /// Close the connection without an answer, before or after processing.
    pub drop: Option<FaultTiming>,
    /// A generation process started by this request ends in `fail`.
    pub fail_process: bool,
}

/// Draws a [`FaultPlan`] per request from a seeded generator.
#[derive(Debug)]
pub struct FaultInjector {
    faults: Faults,
    rng: Mutex<StdRng>,
}

impl FaultInjector {
    /// A generator for these faults, seeded with `faults.seed`.
    pub fn new(faults: Faults) -> Self {
        Self {
            faults,
            rng: Mutex::new(StdRng::seed_from_u64(faults.seed)),
        }
    }

    /// The configuration.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The plan for the next request. Exactly six draws per call, whatever the outcome, so
    /// the sequence of plans depends only on the seed.
    pub fn next_plan(&self) -> FaultPlan {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let draws: [f64; 6] = std::array::from_fn(|_| rng.random::<f64>());
        drop(rng);
        let [throttle, server, server_when, drop_conn, drop_when, fail] = draws;
        let timing = |u: f64| {
            if u < 0.5 {
                FaultTiming::BeforeProcessing
            } else {
                FaultTiming::AfterProcessing
            }
        };
        let f = &self.faults;
        let mut plan = FaultPlan {
            fail_process: fail < f.process_fail_rate,
            ..FaultPlan::default()
        };
        // At most one of throttle / 5xx / drop, in that order of precedence.
        if throttle < f.throttle_rate {
            plan.throttle = true;
        } else if server < f.server_error_rate {
            plan.server_error = Some(timing(server_when));
        } else if drop_conn < f.drop_rate {
            plan.drop = Some(timing(drop_when));
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plans(faults: Faults, n: usize) -> Vec<FaultPlan> {
        let inj = FaultInjector::new(faults);
        (0..n).map(|_| inj.next_plan()).collect()
    }

    #[test]
    fn no_faults_gives_clean_plans() {
        assert!(
            plans(Faults::none(), 200)
                .iter()
                .all(|p| *p == FaultPlan::default())
        );
    }

    #[test]
    fn rate_one_always_applies() {
        let all = Faults {
            throttle_rate: 1.0,
            process_fail_rate: 1.0,
            ..Faults::none()
        };
        assert!(plans(all, 50).iter().all(|p| p.throttle && p.fail_process));
    }

    #[test]
    fn validate_rejects_non_probabilities() {
        let bad = Faults {
            drop_rate: 1.5,
            ..Faults::none()
        };
        let err = bad.validate().unwrap_err();
        assert_eq!(err.name, "drop_rate");
        assert!(err.to_string().contains("0 to 1"));
        let nan = Faults {
            throttle_rate: f64::NAN,
            ..Faults::none()
        };
        assert!(nan.validate().is_err());
    }

    #[test]
    fn both_timings_occur() {
        let p = plans(
            Faults {
                server_error_rate: 1.0,
                seed: 3,
                ..Faults::none()
            },
            100,
        );
        assert!(
            p.iter()
                .any(|p| p.server_error == Some(FaultTiming::BeforeProcessing))
        );
        assert!(
            p.iter()
                .any(|p| p.server_error == Some(FaultTiming::AfterProcessing))
        );
    }

    proptest! {
        #[test]
        fn same_seed_same_plans(seed in any::<u64>(), t in 0.0f64..=1.0, s in 0.0f64..=1.0,
                                d in 0.0f64..=1.0, f in 0.0f64..=1.0) {
            let faults = Faults { throttle_rate: t, server_error_rate: s, drop_rate: d,
                                  latency: Duration::ZERO, process_fail_rate: f, seed };
            prop_assert_eq!(plans(faults, 40), plans(faults, 40));
        }

        #[test]
        fn at_most_one_answer_fault(seed in any::<u64>()) {
            let faults = Faults { throttle_rate: 0.4, server_error_rate: 0.4, drop_rate: 0.4,
                                  latency: Duration::ZERO, process_fail_rate: 0.0, seed };
            for p in plans(faults, 40) {
                let n = usize::from(p.throttle) + usize::from(p.server_error.is_some())
                    + usize::from(p.drop.is_some());
                prop_assert!(n <= 1);
            }
        }
    }
}
