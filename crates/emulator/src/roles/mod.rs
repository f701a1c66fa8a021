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

use crate::clock::EmulatorClock;
use crate::config::{CredentialTable, RoleServices};
use crate::error::EmulatorError;

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
    pub clock: Arc<dyn EmulatorClock>,
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
