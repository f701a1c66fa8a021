//! What every request handler of the DataWorks endpoint shares: the store, the keys, the
//! limits, the clock and the counters ([`App`]).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use crate::auth::Auth;
use crate::clock::EmulatorClock;
use crate::config::{CredentialTable, Limits};
use crate::faults::FaultInjector;
use crate::rate_limit::RateLimiter;
use crate::roles::IssuedKeys;
use crate::stats::StatsRecorder;
use crate::store::Store;

/// Everything a request handler needs.
#[derive(Debug)]
pub(crate) struct App {
    pub store: Arc<Store>,
    pub faults: Option<FaultInjector>,
    pub credentials: CredentialTable,
    pub issued: Arc<IssuedKeys>,
    pub auth: Auth,
    pub processing_delay: Duration,
    pub limits: Limits,
    pub clock: Arc<dyn EmulatorClock>,
    pub requests: AtomicU64,
    pub rate_limiter: Option<RateLimiter>,
    pub accounts: BTreeMap<String, String>,
    pub stats: StatsRecorder,
}

impl App {
    /// The account an AccessKey belongs to (itself unless configured).
    pub(crate) fn account_of<'a>(&'a self, access_key_id: &'a str) -> &'a str {
        self.accounts
            .get(access_key_id)
            .map_or(access_key_id, String::as_str)
    }
}
