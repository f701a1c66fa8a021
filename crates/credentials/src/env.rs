//! What the providers read from the process: the official environment variables, the home
//! directory, the proxy variables, and whether only loopback addresses may be contacted.
//!
//! A [`CredentialsEnv`] is a snapshot (the official libraries also read the environment
//! once), so tests never touch the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`.
pub const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.
pub const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
pub const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// `ALIBABA_CLOUD_PROFILE`: the profile (CLI file) or section (credentials file).
pub const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`: the credentials file instead of the default path.
pub const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED`: `true` skips `~/.aliyun/config.json`.
pub const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// `ALIBABA_CLOUD_ROLE_ARN`.
pub const ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.
pub const OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
pub const OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// `ALIBABA_CLOUD_ROLE_SESSION_NAME`.
pub const ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// `ALIBABA_CLOUD_STS_REGION`: use the regional STS endpoint.
pub const STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`: `true` uses the VPC STS endpoint.
pub const VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// `ALIBABA_CLOUD_STS_ENDPOINT`: an explicit STS endpoint (our extension, for private clouds
/// and tests; the official libraries take it only in code).
pub const STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// `ALIBABA_CLOUD_ECS_METADATA`: the instance's RAM role name.
pub const ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED`: `true` removes the ECS provider.
pub const ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `ALIBABA_CLOUD_IMDSV1_DISABLED`: `true` forbids the IMDSv1 fallback.
pub const IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// `ALIBABA_CLOUD_CREDENTIALS_URI`: the credentials URI.
pub const CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// `DWDI_CREDENTIALS_LOOPBACK_ONLY`: `1`/`true` refuses every non-loopback address (tests).
pub const LOOPBACK_ONLY: &str = "DWDI_CREDENTIALS_LOOPBACK_ONLY";

/// Proxy variables read besides the `ALIBABA_CLOUD_*` ones (as Python's `requests` does).
const PROXY_VARS: &[&str] = &["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"];

/// The environment the providers read: variables, the home directory, the network policy.
#[derive(Clone, Default)]
pub struct CredentialsEnv {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
    loopback_only: bool,
}

impl fmt::Debug for CredentialsEnv {
    /// Prints the variable names only (their values may be secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("home", &self.home)
            .field("loopback_only", &self.loopback_only)
            .finish()
    }
}

impl CredentialsEnv {
    /// No variables, no home directory, any address allowed.
    pub fn empty() -> CredentialsEnv {
        CredentialsEnv::default()
    }

    /// The process's `ALIBABA_CLOUD_*` and proxy variables and its home directory (`HOME`,
    /// or `USERPROFILE` on Windows); loopback only when `DWDI_CREDENTIALS_LOOPBACK_ONLY` is
    /// `1` or `true`.
    pub fn from_process() -> CredentialsEnv {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("ALIBABA_CLOUD_") || PROXY_VARS.contains(&k.as_str()))
            .collect();
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let loopback_only =
            std::env::var(LOOPBACK_ONLY).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        CredentialsEnv {
            vars,
            home,
            loopback_only,
        }
    }

    /// Sets a variable (builder style).
    pub fn with_var(mut self, name: &str, value: &str) -> CredentialsEnv {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Sets the home directory (builder style).
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> CredentialsEnv {
        self.home = Some(home.into());
        self
    }

    /// Refuses every request to a non-loopback address (tests; builder style).
    pub fn loopback_only(mut self) -> CredentialsEnv {
        self.loopback_only = true;
        self
    }

    /// True when only loopback addresses may be contacted.
    pub fn is_loopback_only(&self) -> bool {
        self.loopback_only
    }

    /// A variable's value, `None` when unset or empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// True when the variable is `true` (any case), as the official libraries test flags.
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The proxy for a URL scheme (`HTTP_PROXY`/`http_proxy` for http, `HTTPS_PROXY`/
    /// `https_proxy` for https).
    pub fn proxy_for(&self, scheme: &str) -> Option<&str> {
        match scheme {
            "http" => self.var("HTTP_PROXY").or_else(|| self.var("http_proxy")),
            "https" => self.var("HTTPS_PROXY").or_else(|| self.var("https_proxy")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_values() {
        let env = CredentialsEnv::empty().with_var(ACCESS_KEY_SECRET, "very-secret");
        assert!(!format!("{env:?}").contains("very-secret"));
    }

    #[test]
    fn empty_values_count_as_unset_and_flags_are_true_only() {
        let env = CredentialsEnv::empty()
            .with_var(ACCESS_KEY_ID, "")
            .with_var(ECS_METADATA_DISABLED, "TRUE")
            .with_var(IMDSV1_DISABLED, "1");
        assert_eq!(env.var(ACCESS_KEY_ID), None);
        assert!(env.flag(ECS_METADATA_DISABLED));
        assert!(!env.flag(IMDSV1_DISABLED));
    }

    #[test]
    fn proxies_by_scheme() {
        let env = CredentialsEnv::empty()
            .with_var("http_proxy", "http://127.0.0.1:1")
            .with_var("HTTPS_PROXY", "http://127.0.0.1:2");
        assert_eq!(env.proxy_for("http"), Some("http://127.0.0.1:1"));
        assert_eq!(env.proxy_for("https"), Some("http://127.0.0.1:2"));
        assert_eq!(env.proxy_for("ftp"), None);
    }
}
