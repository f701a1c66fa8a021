//! Optional credential services beside the DataWorks endpoint, each on its own loopback
//! port: STS (`AssumeRole` checked against the emulator's long-term keys and the temporary
//! keys it issued; `AssumeRoleWithOIDC` against a configured provider ARN and token), the ECS
//! metadata service (IMDSv2 token, role listing, role credentials) and a credentials URI.
//!
//! Temporary keys are issued into one [`IssuedKeys`] table that the DataWorks endpoint
//! also reads: a key is accepted until its expiration (by the emulator's clock), then
//! refused with `InvalidSecurityToken.Expired`. A key's id is stable for its source (the
//! role), so two clients resolving the same configuration see the same access key id; each
//! issuance gets its own token and expiration.

mod issued;
mod metadata;
mod sts;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub(crate) use issued::{IssuedKeys, RequestKeys, request_token};

use crate::clock::Clock;
use crate::config::CredentialTable;
use crate::error::EmulatorError;

/// Which credential services to run and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleServices {
    /// Run STS (`AssumeRole`, and `AssumeRoleWithOIDC` when `oidc` is set).
    pub sts: bool,
    /// The OIDC provider ARN and token `AssumeRoleWithOIDC` accepts.
    pub oidc: Option<OidcTrust>,
    /// Run the ECS metadata service for this instance role.
    pub metadata_role: Option<String>,
    /// The metadata service refuses requests without an IMDSv2 token (IMDSv1 off).
    pub metadata_token_required: bool,
    /// The metadata service answers 403 to the IMDSv2 token request.
    pub metadata_token_refused: bool,
    /// Run a credentials URI (`GET /credentials`).
    pub credentials_uri: bool,
    /// Lifetime of the metadata service's and the URI's credentials (STS uses the
    /// request's `DurationSeconds`). Default 1 hour.
    pub lifetime: Duration,
}

impl Default for RoleServices {
    fn default() -> Self {
        Self {
            sts: false,
            oidc: None,
            metadata_role: None,
            metadata_token_required: false,
            metadata_token_refused: false,
            credentials_uri: false,
            lifetime: Duration::from_secs(3600),
        }
    }
}

impl RoleServices {
    /// True when no service is asked for.
    pub fn is_empty(&self) -> bool {
        !self.sts && self.metadata_role.is_none() && !self.credentials_uri
    }
}

/// What `AssumeRoleWithOIDC` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcTrust {
    /// `OIDCProviderArn`.
    pub provider_arn: String,
    /// `OIDCToken`, compared exactly.
    pub token: String,
}

/// The running services' endpoints.
#[derive(Debug, Default)]
pub(crate) struct RunningRoles {
    pub sts: Option<SocketAddr>,
    pub metadata: Option<SocketAddr>,
    pub uri: Option<SocketAddr>,
    pub stops: Vec<oneshot::Sender<()>>,
}

/// What every credential service shares.
#[derive(Debug)]
pub(crate) struct RoleState {
    pub config: RoleServices,
    pub long_term: CredentialTable,
    pub issued: Arc<IssuedKeys>,
    pub clock: Arc<dyn Clock>,
    pub max_skew: Duration,
}

async fn serve(router: axum::Router) -> Result<(SocketAddr, oneshot::Sender<()>), EmulatorError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| EmulatorError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind { addr, source })?;
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok((local, tx))
}

/// Starts the services asked for, each on 127.0.0.1 with an ephemeral port.
pub(crate) async fn start(state: RoleState) -> Result<RunningRoles, EmulatorError> {
    let mut running = RunningRoles::default();
    if state.config.is_empty() {
        return Ok(running);
    }
    let state = Arc::new(state);
    if state.config.sts {
        let (addr, stop) = serve(sts::router(Arc::clone(&state))).await?;
        tracing::info!(endpoint = %format!("http://{addr}"), "emulator STS started");
        running.sts = Some(addr);
        running.stops.push(stop);
    }
    if state.config.metadata_role.is_some() {
        let (addr, stop) = serve(metadata::router(Arc::clone(&state))).await?;
        tracing::info!(endpoint = %format!("http://{addr}"), "emulator ECS metadata service started");
        running.metadata = Some(addr);
        running.stops.push(stop);
    }
    if state.config.credentials_uri {
        let (addr, stop) = serve(metadata::uri_router(Arc::clone(&state))).await?;
        tracing::info!(uri = %format!("http://{addr}/credentials"), "emulator credentials URI started");
        running.uri = Some(addr);
        running.stops.push(stop);
    }
    Ok(running)
}
