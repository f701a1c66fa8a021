//! Why credentials could not be provided. No variant ever holds a secret: providers put
//! only names, paths, URLs, status codes and the service's own error text in them.

use std::fmt;

/// Why a provider (or the chain) gave no credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The provider is not configured, disabled, or its configuration is broken.
    #[error("{provider}: {reason}")]
    Config {
        /// The provider (e.g. `cli_profile`).
        provider: String,
        /// What is missing or wrong, and how to fix it.
        reason: String,
    },
    /// A request could not be sent or got no answer.
    #[error("{provider}: request to {url} failed: {reason}")]
    Request {
        /// The provider.
        provider: String,
        /// The URL (never with a secret: STS queries are left out).
        url: String,
        /// The transport's error.
        reason: String,
    },
    /// The service answered, but not with credentials.
    #[error("{provider}: {url} answered {detail}")]
    Response {
        /// The provider.
        provider: String,
        /// The URL (without its query).
        url: String,
        /// The status and the answer's error text.
        detail: String,
    },
    /// The external command failed or printed something unusable.
    #[error("{provider}: {reason}")]
    Process {
        /// The provider (`external`).
        provider: String,
        /// What went wrong.
        reason: String,
    },
    /// The source gave credentials that have already expired, and none are cached.
    #[error(
        "{provider}: the credentials it returned expired at {expiration}; check the source's clock and configuration"
    )]
    Expired {
        /// The provider.
        provider: String,
        /// When they expired (RFC 3339).
        expiration: String,
    },
    /// A test environment refused a non-loopback address.
    #[error(
        "{provider}: refusing to contact {url}: this environment allows loopback addresses only (DWDI_CREDENTIALS_LOOPBACK_ONLY); point the provider at a local server or disable it"
    )]
    NotLoopback {
        /// The provider.
        provider: String,
        /// The address refused.
        url: String,
    },
    /// No provider of the chain gave credentials.
    #[error("unable to load credentials from any of the providers in the chain: [{}]", Tried(.tried))]
    NoneWorked {
        /// Every provider tried, with the reason it failed.
        tried: Vec<(String, CredentialsError)>,
    },
}

struct Tried<'a>(&'a [(String, CredentialsError)]);

impl fmt::Display for Tried<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every error names its provider first.
        for (i, (_, error)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl CredentialsError {
    /// A configuration error of `provider`.
    pub fn config(provider: &str, reason: impl Into<String>) -> CredentialsError {
        CredentialsError::Config {
            provider: provider.to_owned(),
            reason: reason.into(),
        }
    }

    /// The providers tried, for [`CredentialsError::NoneWorked`]; empty otherwise.
    pub fn tried(&self) -> &[(String, CredentialsError)] {
        match self {
            CredentialsError::NoneWorked { tried } => tried,
            _ => &[],
        }
    }
}
