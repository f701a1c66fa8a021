//! A local emulator of the DataWorks Data Integration API (2020-05-18), for tests and
//! development: the twelve DI operations and ListFiles / GetFile at `POST /` (and `GET /`), both signature
//! algorithms checked, state in SQLite, `ClientToken` idempotency, and faults on demand.
//!
//! Start it in-process on `127.0.0.1:0`, point a client at [`Emulator::endpoint`], look at
//! what happened with [`Emulator::inspect`], and stop it with [`Emulator::shutdown`] (or by
//! dropping it).
//!
//! ```
//! # async fn demo() -> Result<(), dataworks_emulator::EmulatorError> {
//! use std::time::Duration;
//! use dataworks_emulator::{Emulator, Faults};
//!
//! let emu = Emulator::builder()
//!     .processing_delay(Duration::from_millis(200))
//!     .credentials("my-id", "my-secret")
//!     .project(20000)
//!     .faults(Faults::none().throttle_rate(0.2).seed(42))
//!     .start()
//!     .await?;
//! println!("emulator at {}", emu.endpoint());
//! assert!(emu.inspect().tasks().is_empty());
//! emu.shutdown().await?;
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```
//!
//! Decisions the public material does not settle are in `docs/emulator.md`.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod actions;
mod auth;
mod clock;
mod config;
mod conn;
mod content;
mod dispatch;
mod error;
mod faults;
mod inspect;
mod instance;
mod rate_limit;
mod response;
mod roles;
mod server;
mod state;
mod stats;
mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use actions::files::EMULATOR_ACCOUNT;
pub use clock::{EmulatorClock, ManualClock, SystemClock};
pub use config::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SKEW,
    DEFAULT_MAX_URL_BYTES, DEFAULT_PROJECT_ID, EmulatorBuilder, Limits, OidcTrust, RoleServices,
};
pub use error::{EmulatorError, StoreError};
pub use faults::{Faults, FaultsError, THROTTLE_RETRY_AFTER_MS};
pub use inspect::Inspector;
pub use stats::{ActionStats, EmulatorStats};
pub use store::{
    DB_FILE_NAME, FIRST_FILE_ID, FIRST_PROCESS_ID, ProcessKind, ProcessRecord, ProcessState,
    TaskRecord,
};

use crate::auth::Auth;
use crate::conn::{ConnHandle, KillableListener};
use crate::faults::FaultInjector;
use crate::rate_limit::RateLimiter;
use crate::state::App;
use crate::stats::StatsRecorder;
use crate::store::{Store, StoreLocation};

/// A running emulator. Stops (gracefully) on [`Emulator::shutdown`] or when dropped.
#[derive(Debug)]
pub struct Emulator {
    local_addr: SocketAddr,
    app: Arc<App>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    roles: roles::RunningRoles,
}

impl Emulator {
    /// A builder with the defaults (see [`EmulatorBuilder`]).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://IP:PORT`, to give a client as its endpoint.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The STS endpoint (`http://127.0.0.1:PORT`), when [`RoleServices::sts`] is on.
    pub fn sts_endpoint(&self) -> Option<String> {
        self.roles.sts.map(|a| format!("http://{a}"))
    }

    /// The ECS metadata service's base URL, when a [`RoleServices::metadata_role`] is set.
    pub fn metadata_endpoint(&self) -> Option<String> {
        self.roles.metadata.map(|a| format!("http://{a}"))
    }

    /// The credentials URI, when [`RoleServices::credentials_uri`] is on.
    pub fn credentials_uri(&self) -> Option<String> {
        self.roles.uri.map(|a| format!("http://{a}/credentials"))
    }

    /// The AccessKey ids accepted (never the secrets).
    pub fn access_key_ids(&self) -> Vec<String> {
        self.app.credentials.ids()
    }

    /// The database file, when the state is on disk.
    pub fn database_path(&self) -> Option<std::path::PathBuf> {
        self.app.store.path()
    }

    /// What the emulator has served so far (also `GET /_emulator/stats`).
    pub fn stats(&self) -> EmulatorStats {
        self.app.stats.snapshot()
    }

    /// `http://IP:PORT/_emulator/stats`, the statistics as JSON.
    pub fn stats_url(&self) -> String {
        format!("{}{}", self.endpoint(), server::STATS_PATH)
    }

    /// A read-only view of the state, for tests.
    pub fn inspect(&self) -> Inspector {
        Inspector {
            app: Arc::clone(&self.app),
        }
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(err)) => Err(EmulatorError::Server {
                    detail: err.to_string(),
                }),
                Err(err) => Err(EmulatorError::Server {
                    detail: err.to_string(),
                }),
            },
            None => Ok(()),
        }
    }

    /// Resolves when the server ends by itself (it only does on an I/O failure); for a
    /// long-running `dwdi emulator`.
    pub async fn wait(&mut self) -> Result<(), EmulatorError> {
        match self.task.as_mut() {
            Some(task) => match task.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(err)) => Err(EmulatorError::Server {
                    detail: err.to_string(),
                }),
                Err(err) => Err(EmulatorError::Server {
                    detail: err.to_string(),
                }),
            },
            None => Ok(()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for stop in self.roles.stops.drain(..) {
            let _ = stop.send(());
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl EmulatorBuilder {
    /// Opens the store, binds the socket and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        self.faults.validate()?;
        if self.rate_limit == Some(0) {
            return Err(EmulatorError::Config {
                detail: "the rate limit must be at least 1 request per second per account \
                         (leave it unset for no limit)"
                    .to_string(),
            });
        }
        let location = match &self.data_dir {
            Some(dir) => StoreLocation::Dir(dir.clone()),
            None => StoreLocation::Memory,
        };
        let projects = self.projects.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(location, &projects))
            .await
            .map_err(|err| EmulatorError::Server {
                detail: format!("opening the store: {err}"),
            })??;
        let listener =
            TcpListener::bind(self.listen)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: self.listen,
                    source,
                })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.listen,
                source,
            })?;
        let credentials = self.effective_credentials();
        let issued = Arc::new(roles::IssuedKeys::default());
        let roles = roles::start(roles::RoleState {
            config: self.roles.clone(),
            long_term: credentials.clone(),
            issued: Arc::clone(&issued),
            clock: Arc::clone(&self.clock),
            max_skew: self.max_skew,
        })
        .await?;
        let app = Arc::new(App {
            issued,
            store: Arc::new(store),
            faults: self
                .faults
                .is_active()
                .then(|| FaultInjector::new(self.faults)),
            auth: Auth::new(self.max_skew),
            credentials,
            processing_delay: self.processing_delay,
            limits: self.limits,
            clock: Arc::clone(&self.clock),
            requests: AtomicU64::new(0),
            rate_limiter: self.rate_limit.map(RateLimiter::new),
            accounts: self.accounts.clone(),
            stats: StatsRecorder::new(self.rate_limit),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let service =
            server::router(Arc::clone(&app)).into_make_service_with_connect_info::<ConnHandle>();
        let task = tokio::spawn(async move {
            axum::serve(KillableListener::new(listener), service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        tracing::info!(endpoint = %format!("http://{local_addr}"), "emulator started");
        Ok(Emulator {
            local_addr,
            app,
            shutdown: Some(tx),
            task: Some(task),
            roles,
        })
    }
}
