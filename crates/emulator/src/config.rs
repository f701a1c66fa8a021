//! How an emulator is configured: [`EmulatorBuilder`], the default credentials, limits, the
//! credential services to run beside it ([`RoleServices`]).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dataworks_signer::Credentials;

use crate::clock::{EmulatorClock, SystemClock};
use crate::faults::Faults;

/// The AccessKey id accepted when no credentials are configured (documented, not a secret).
pub const DEFAULT_ACCESS_KEY_ID: &str = "dwdi-emulator-access-key-id";

/// The AccessKey secret of [`DEFAULT_ACCESS_KEY_ID`] (documented, not a secret).
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "dwdi-emulator-access-key-secret";

/// The workspace that always exists (the docs' examples use it).
pub const DEFAULT_PROJECT_ID: i64 = 10000;

/// The largest request body accepted (bytes); larger bodies get `413`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The longest request target (path and query, bytes) accepted; longer ones get `414`.
/// hyper refuses targets over 65,534 bytes by itself (a bare `414`), so ours stays below.
pub const DEFAULT_MAX_URL_BYTES: usize = 60 * 1024;

/// The largest acceptable clock skew of a signed request (the service's 15 minutes).
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Size limits of a request.
///
/// ```
/// use dataworks_emulator::Limits;
/// let limits = Limits::default().max_body_bytes(1024);
/// assert_eq!((limits.max_body_bytes, limits.max_url_bytes), (1024, 60 * 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest body, bytes.
    pub max_body_bytes: usize,
    /// Longest path-and-query, bytes.
    pub max_url_bytes: usize,
}

impl Limits {
    /// With this largest body, bytes.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// With this longest path-and-query, bytes.
    pub fn max_url_bytes(mut self, bytes: usize) -> Self {
        self.max_url_bytes = bytes;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_url_bytes: DEFAULT_MAX_URL_BYTES,
        }
    }
}

/// The AccessKey pairs the emulator accepts (signer `Credentials`: `Debug` redacts secrets
/// and tokens).
#[derive(Debug, Clone, Default)]
pub(crate) struct CredentialTable {
    keys: BTreeMap<String, Credentials>,
}

impl CredentialTable {
    pub(crate) fn insert(&mut self, credentials: Credentials) {
        self.keys
            .insert(credentials.access_key_id().to_string(), credentials);
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Credentials> {
        self.keys.get(id)
    }

    pub(crate) fn ids(&self) -> Vec<String> {
        self.keys.keys().cloned().collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Builds and starts an [`crate::Emulator`].
///
/// Defaults: listen on `127.0.0.1:0`, in-memory state, processing delay 0, the default
/// credentials, workspace 10000 only, no faults, [`Limits::default`], the system clock.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    pub(crate) listen: SocketAddr,
    pub(crate) data_dir: Option<PathBuf>,
    pub(crate) processing_delay: Duration,
    pub(crate) credentials: CredentialTable,
    pub(crate) projects: Vec<i64>,
    pub(crate) faults: Faults,
    pub(crate) limits: Limits,
    pub(crate) max_skew: Duration,
    pub(crate) clock: Arc<dyn EmulatorClock>,
    pub(crate) roles: RoleServices,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) accounts: BTreeMap<String, String>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_dir: None,
            processing_delay: Duration::ZERO,
            credentials: CredentialTable::default(),
            projects: vec![DEFAULT_PROJECT_ID],
            faults: Faults::none(),
            limits: Limits::default(),
            max_skew: DEFAULT_MAX_SKEW,
            clock: Arc::new(SystemClock),
            roles: RoleServices::default(),
            rate_limit: None,
            accounts: BTreeMap::new(),
        }
    }
}

impl EmulatorBuilder {
    /// How long a generation process (and an instance transition) takes, measured from its
    /// creation. Default: zero (complete at once).
    pub fn processing_delay(mut self, delay: Duration) -> Self {
        self.processing_delay = delay;
        self
    }

    /// Accepts this AccessKey pair (repeatable). When none is given, the documented
    /// [`DEFAULT_ACCESS_KEY_ID`] / [`DEFAULT_ACCESS_KEY_SECRET`] pair is accepted.
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.credentials
            .insert(Credentials::new(access_key_id, secret));
        self
    }

    /// Accepts this temporary (STS) AccessKey: requests must carry `security_token`
    /// (`SecurityToken` for v1, `x-acs-security-token` for ACS3). Repeatable.
    pub fn sts_credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        self.credentials
            .insert(Credentials::new(access_key_id, secret).with_security_token(security_token));
        self
    }

    /// Adds a workspace (10000 always exists).
    pub fn project(mut self, project_id: i64) -> Self {
        if !self.projects.contains(&project_id) {
            self.projects.push(project_id);
        }
        self
    }

    /// Keeps the state in `emulator.sqlite3` under this directory (created when missing);
    /// in memory when not called.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Injects these faults.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Listens on this address instead of `127.0.0.1:0`.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Request size limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The largest accepted clock skew of a signed request (default 15 minutes).
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// The clock (default: the system clock), e.g. a [`crate::ManualClock`].
    pub fn clock(mut self, clock: Arc<dyn EmulatorClock>) -> Self {
        self.clock = clock;
        self
    }

    /// Runs the credential services (STS, ECS metadata, credentials URI) beside the
    /// endpoint, each on its own loopback port; see [`crate::RoleServices`].
    pub fn roles(mut self, roles: RoleServices) -> Self {
        self.roles = roles;
        self
    }

    /// Limits every account to `per_second` requests a second, as the service does (a token
    /// bucket holding one second's worth): beyond it a request is answered HTTP 429
    /// `Throttling.User` with `x-acs-retry-after`. An account is the owner of the AccessKey
    /// that signed the request (see [`EmulatorBuilder::account`]). Default: unlimited. `0` is
    /// refused by [`EmulatorBuilder::start`].
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Makes `access_key_id` belong to `account`, so that its requests share that account's
    /// rate limit (the service counts a main account and its RAM users together). By default
    /// every key is its own account.
    pub fn account(mut self, access_key_id: impl Into<String>, account: impl Into<String>) -> Self {
        self.accounts.insert(access_key_id.into(), account.into());
        self
    }

    /// The credentials in force: the configured ones, or the default pair.
    pub(crate) fn effective_credentials(&self) -> CredentialTable {
        if self.credentials.is_empty() {
            let mut table = CredentialTable::default();
            table.insert(Credentials::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ));
            table
        } else {
            self.credentials.clone()
        }
    }
}

/// Which credential services to run and how.
///
/// ```
/// use dataworks_emulator::{OidcTrust, RoleServices};
/// let roles = RoleServices::default()
///     .sts(true)
///     .oidc(OidcTrust::new("acs:ram::1:oidc-provider/test", "a-token"))
///     .metadata_role("EcsRole");
/// assert!(!roles.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    /// Runs STS or not ([`RoleServices::sts`]).
    pub fn sts(mut self, on: bool) -> Self {
        self.sts = on;
        self
    }

    /// What `AssumeRoleWithOIDC` accepts ([`RoleServices::oidc`]).
    pub fn oidc(mut self, trust: OidcTrust) -> Self {
        self.oidc = Some(trust);
        self
    }

    /// Runs the ECS metadata service for this instance role ([`RoleServices::metadata_role`]).
    pub fn metadata_role(mut self, role: impl Into<String>) -> Self {
        self.metadata_role = Some(role.into());
        self
    }

    /// Whether the metadata service requires an IMDSv2 token
    /// ([`RoleServices::metadata_token_required`]).
    pub fn metadata_token_required(mut self, required: bool) -> Self {
        self.metadata_token_required = required;
        self
    }

    /// Whether the metadata service refuses the IMDSv2 token request
    /// ([`RoleServices::metadata_token_refused`]).
    pub fn metadata_token_refused(mut self, refused: bool) -> Self {
        self.metadata_token_refused = refused;
        self
    }

    /// Runs a credentials URI or not ([`RoleServices::credentials_uri`]).
    pub fn credentials_uri(mut self, on: bool) -> Self {
        self.credentials_uri = on;
        self
    }

    /// The lifetime of the metadata service's and the URI's credentials
    /// ([`RoleServices::lifetime`]).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// True when no service is asked for.
    pub fn is_empty(&self) -> bool {
        !self.sts && self.metadata_role.is_none() && !self.credentials_uri
    }
}

/// What `AssumeRoleWithOIDC` accepts.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcTrust {
    /// `OIDCProviderArn`.
    pub provider_arn: String,
    /// `OIDCToken`, compared exactly.
    pub token: String,
}

impl OidcTrust {
    /// Trusts `token` from the provider `provider_arn`.
    pub fn new(provider_arn: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            provider_arn: provider_arn.into(),
            token: token.into(),
        }
    }
}

/// The token is a credential: `Debug` shows its length only.
impl std::fmt::Debug for OidcTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcTrust")
            .field("provider_arn", &self.provider_arn)
            .field(
                "token",
                &format_args!("<{} bytes redacted>", self.token.len()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pair_only_when_none_given() {
        let b = EmulatorBuilder::default();
        assert_eq!(b.effective_credentials().ids(), vec![DEFAULT_ACCESS_KEY_ID]);
        let b = b.credentials("a", "s1").credentials("b", "s2");
        assert_eq!(b.effective_credentials().ids(), vec!["a", "b"]);
        assert_eq!(
            b.effective_credentials()
                .get("b")
                .unwrap()
                .access_key_secret(),
            "s2"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let b = EmulatorBuilder::default()
            .credentials("id-1", "very-secret-value")
            .sts_credentials("id-2", "other-secret-value", "sts-token-value");
        let text = format!("{b:?}");
        assert!(!text.contains("other-secret-value") && !text.contains("sts-token-value"));
        assert!(text.contains("id-1"));
        assert!(!text.contains("very-secret-value"));
    }

    #[test]
    fn the_oidc_token_never_shows_in_debug() {
        let b = EmulatorBuilder::default().roles(RoleServices::default().sts(true).oidc(
            OidcTrust::new("acs:ram::1:oidc-provider/p", "oidc-token-value"),
        ));
        let text = format!("{b:?}");
        assert!(!text.contains("oidc-token-value"), "{text}");
        assert!(text.contains("acs:ram::1:oidc-provider/p"), "{text}");
    }

    #[test]
    fn projects_dedup_and_keep_default() {
        let b = EmulatorBuilder::default()
            .project(20000)
            .project(20000)
            .project(10000);
        assert_eq!(b.projects, vec![10000, 20000]);
    }
}
