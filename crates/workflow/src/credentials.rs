//! The credentials chain: explicit → environment → the Alibaba Cloud CLI's profile file →
//! the credentials file.
//!
//! A source that is absent is skipped; a source that is present but broken stops the chain
//! with an error naming it; when nothing is found the error lists every source tried.
//! Environment variables and the home directory come from a [`CredentialsEnv`], so tests
//! never touch the process environment. No error or `Debug` output contains a secret.
//!
//! ```
//! use dataworks_workflow::credentials::{CredentialsChain, CredentialsEnv, CredentialSource};
//! let env = CredentialsEnv::empty()
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
//! let found = CredentialsChain::new(env).resolve()?;
//! assert_eq!(found.source, CredentialSource::Environment);
//! assert_eq!(found.credentials.access_key_id(), "LTAI-example");
//! # Ok::<(), dataworks_workflow::credentials::CredentialsError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use dataworks_signer::Credentials;
use serde_json::Value;

/// `ALIBABA_CLOUD_ACCESS_KEY_ID`.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// `ALIBABA_CLOUD_PROFILE`: the profile (CLI file) or section (credentials file) to use.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// `ALIBABA_CLOUD_CREDENTIALS_FILE`: the credentials file instead of the default path.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED`: `true` skips the CLI's profile file.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// The environment the chain reads: variables and the home directory.
#[derive(Clone, Default)]
pub struct CredentialsEnv {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl fmt::Debug for CredentialsEnv {
    /// Prints the variable names only (their values may be secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("home", &self.home)
            .finish()
    }
}

impl CredentialsEnv {
    /// No variables and no home directory.
    pub fn empty() -> CredentialsEnv {
        CredentialsEnv::default()
    }

    /// The process's `ALIBABA_CLOUD_*` variables and its home directory (`HOME`, or
    /// `USERPROFILE` on Windows).
    pub fn from_process() -> CredentialsEnv {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("ALIBABA_CLOUD_"))
            .collect();
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        CredentialsEnv { vars, home }
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

    /// A variable's value, `None` when unset or empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }
}

/// Where credentials were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// Given to the builder.
    Explicit,
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN`.
    Environment,
    /// The Alibaba Cloud CLI's profile file.
    CliProfile {
        /// The file.
        path: PathBuf,
        /// The profile used.
        profile: String,
    },
    /// The credentials file.
    CredentialsFile {
        /// The file.
        path: PathBuf,
        /// The section used.
        section: String,
    },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Explicit => f.write_str("explicit credentials"),
            CredentialSource::Environment => f.write_str("environment variables"),
            CredentialSource::CliProfile { path, profile } => {
                write!(f, "profile {profile:?} of {}", path.display())
            }
            CredentialSource::CredentialsFile { path, section } => {
                write!(f, "section [{section}] of {}", path.display())
            }
        }
    }
}

/// Credentials and where they came from.
#[derive(Debug, Clone)]
pub struct ResolvedCredentials {
    /// The credentials (redacted in `Debug`).
    pub credentials: Credentials,
    /// Their source.
    pub source: CredentialSource,
    /// The region the source names, if any (the CLI profile's `region_id`).
    pub region: Option<String>,
}

/// Why no credentials could be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// A source is present but cannot be used; the chain stops there.
    #[error("credentials source {source_name} is present but unusable: {reason}")]
    Broken {
        /// The source (e.g. `~/.aliyun/config.json, profile "default"`).
        source_name: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// No source had credentials.
    #[error(
        "no credentials found; tried: {}. Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, run `aliyun configure`, or write ~/.alibabacloud/credentials.ini",
        tried.join("; ")
    )]
    NotFound {
        /// Every source tried and why it was skipped.
        tried: Vec<String>,
    },
}

/// The chain, with its inputs.
#[derive(Debug, Clone, Default)]
pub struct CredentialsChain {
    explicit: Option<Credentials>,
    profile: Option<String>,
    env: CredentialsEnv,
}

/// One source of the chain.
type Source = fn(&CredentialsChain) -> Result<Lookup, CredentialsError>;

/// What one source said.
enum Lookup {
    Found(ResolvedCredentials),
    Absent(String),
}

impl CredentialsChain {
    /// A chain over this environment.
    pub fn new(env: CredentialsEnv) -> CredentialsChain {
        CredentialsChain {
            explicit: None,
            profile: None,
            env,
        }
    }

    /// A chain over the process environment.
    pub fn from_process() -> CredentialsChain {
        CredentialsChain::new(CredentialsEnv::from_process())
    }

    /// Explicit credentials, used before any other source.
    pub fn explicit(mut self, credentials: Credentials) -> CredentialsChain {
        self.explicit = Some(credentials);
        self
    }

    /// The profile (CLI file) / section (credentials file) to use, overriding
    /// `ALIBABA_CLOUD_PROFILE` (the CLI's `--profile`).
    pub fn profile(mut self, name: impl Into<String>) -> CredentialsChain {
        self.profile = Some(name.into());
        self
    }

    /// Walks the chain.
    pub fn resolve(&self) -> Result<ResolvedCredentials, CredentialsError> {
        if let Some(credentials) = &self.explicit {
            return Ok(ResolvedCredentials {
                credentials: credentials.clone(),
                source: CredentialSource::Explicit,
                region: None,
            });
        }
        let mut tried = vec!["explicit credentials (none given)".to_owned()];
        let sources: [Source; 3] = [
            Self::lookup_environment,
            Self::lookup_cli_profile,
            Self::lookup_credentials_file,
        ];
        for source in sources {
            match source(self)? {
                Lookup::Found(found) => return Ok(found),
                Lookup::Absent(why) => tried.push(why),
            }
        }
        Err(CredentialsError::NotFound { tried })
    }

    fn profile_name(&self) -> Option<&str> {
        self.profile
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .or_else(|| self.env.var(ENV_PROFILE))
    }

    fn lookup_environment(&self) -> Result<Lookup, CredentialsError> {
        let id = self.env.var(ENV_ACCESS_KEY_ID);
        let secret = self.env.var(ENV_ACCESS_KEY_SECRET);
        let token = self.env.var(ENV_SECURITY_TOKEN);
        let broken = |reason: &str| CredentialsError::Broken {
            source_name: "environment variables".to_owned(),
            reason: reason.to_owned(),
        };
        match (id, secret) {
            (Some(id), Some(secret)) => {
                let mut credentials = Credentials::new(id, secret);
                if let Some(token) = token {
                    credentials = credentials.with_security_token(token);
                }
                Ok(Lookup::Found(ResolvedCredentials {
                    credentials,
                    source: CredentialSource::Environment,
                    region: None,
                }))
            }
            (Some(_), None) => Err(broken(
                "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not; set both or neither",
            )),
            (None, Some(_)) => Err(broken(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not; set both or neither",
            )),
            (None, None) if token.is_some() => Err(broken(
                "ALIBABA_CLOUD_SECURITY_TOKEN is set without ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            )),
            (None, None) => Ok(Lookup::Absent(
                "environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET not set)"
                    .to_owned(),
            )),
        }
    }

    fn lookup_cli_profile(&self) -> Result<Lookup, CredentialsError> {
        if self
            .env
            .var(ENV_CLI_PROFILE_DISABLED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Ok(Lookup::Absent(
                "Alibaba Cloud CLI profile (disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED)"
                    .to_owned(),
            ));
        }
        let Some(home) = self.env.home() else {
            return Ok(Lookup::Absent(
                "~/.aliyun/config.json (home directory unknown)".to_owned(),
            ));
        };
        let path = home.join(".aliyun").join("config.json");
        let Some(text) = read_if_present(&path)? else {
            return Ok(Lookup::Absent(format!("{} (no such file)", path.display())));
        };
        let file_broken = |reason: String| CredentialsError::Broken {
            source_name: path.display().to_string(),
            reason,
        };
        let doc: Value = serde_json::from_str(&text).map_err(|e| {
            file_broken(format!(
                "not valid JSON (line {}, column {}); fix the file or run `aliyun configure`",
                e.line(),
                e.column()
            ))
        })?;
        let current = doc
            .get("current")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty());
        let name = self
            .profile_name()
            .or(current)
            .unwrap_or("default")
            .to_owned();
        let profiles = doc
            .get("profiles")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let Some(profile) = profiles
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
        else {
            return Ok(Lookup::Absent(format!(
                "{} (no profile named {name:?})",
                path.display()
            )));
        };
        let broken = |reason: String| CredentialsError::Broken {
            source_name: format!("{}, profile {name:?}", path.display()),
            reason,
        };
        let field = |key: &str| {
            profile
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
        };
        let mode = field("mode").unwrap_or("AK");
        let (Some(id), Some(secret)) = (field("access_key_id"), field("access_key_secret")) else {
            return Err(broken(format!(
                "mode {mode} needs access_key_id and access_key_secret; run `aliyun configure --profile {name}`"
            )));
        };
        let credentials = match mode {
            "AK" => Credentials::new(id, secret),
            "StsToken" => {
                let Some(token) = field("sts_token") else {
                    return Err(broken(
                        "mode StsToken needs sts_token; run `aliyun configure --mode StsToken`"
                            .to_owned(),
                    ));
                };
                Credentials::new(id, secret).with_security_token(token)
            }
            other => {
                return Err(broken(format!(
                    "mode {other:?} is not supported (supported: AK, StsToken); choose another profile with --profile or ALIBABA_CLOUD_PROFILE, or set the environment variables"
                )));
            }
        };
        Ok(Lookup::Found(ResolvedCredentials {
            credentials,
            region: field("region_id").map(str::to_owned),
            source: CredentialSource::CliProfile {
                path,
                profile: name,
            },
        }))
    }

    fn lookup_credentials_file(&self) -> Result<Lookup, CredentialsError> {
        let (path, named) = match self.env.var(ENV_CREDENTIALS_FILE) {
            Some(p) => (PathBuf::from(p), true),
            None => match self.env.home() {
                Some(home) => (home.join(".alibabacloud").join("credentials.ini"), false),
                None => {
                    return Ok(Lookup::Absent(
                        "~/.alibabacloud/credentials.ini (home directory unknown)".to_owned(),
                    ));
                }
            },
        };
        let Some(text) = read_if_present(&path)? else {
            if named {
                return Err(CredentialsError::Broken {
                    source_name: format!(
                        "{} (from ALIBABA_CLOUD_CREDENTIALS_FILE)",
                        path.display()
                    ),
                    reason: "the file does not exist; fix the variable or unset it".to_owned(),
                });
            }
            return Ok(Lookup::Absent(format!("{} (no such file)", path.display())));
        };
        let ini = ini::Ini::load_from_str(&text).map_err(|e| CredentialsError::Broken {
            source_name: path.display().to_string(),
            reason: format!("not a valid INI file (line {}, column {})", e.line, e.col),
        })?;
        let section = self.profile_name().unwrap_or("default").to_owned();
        let Some(props) = ini.section(Some(section.as_str())) else {
            return Ok(Lookup::Absent(format!(
                "{} (no section [{section}])",
                path.display()
            )));
        };
        let broken = |reason: String| CredentialsError::Broken {
            source_name: format!("{}, section [{section}]", path.display()),
            reason,
        };
        let get = |key: &str| props.get(key).map(str::trim).filter(|v| !v.is_empty());
        match get("type") {
            Some("access_key") => {}
            Some(other) => {
                return Err(broken(format!(
                    "type {other:?} is not supported (supported: access_key)"
                )));
            }
            None => {
                return Err(broken(
                    "the section has no type; add `type = access_key`".to_owned(),
                ));
            }
        }
        let (Some(id), Some(secret)) = (get("access_key_id"), get("access_key_secret")) else {
            return Err(broken(
                "type access_key needs access_key_id and access_key_secret".to_owned(),
            ));
        };
        Ok(Lookup::Found(ResolvedCredentials {
            credentials: Credentials::new(id, secret),
            region: None,
            source: CredentialSource::CredentialsFile { path, section },
        }))
    }
}

/// The file's text, `None` when it does not exist; other read errors are "broken".
fn read_if_present(path: &Path) -> Result<Option<String>, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CredentialsError::Broken {
            source_name: path.display().to_string(),
            reason: format!("cannot be read: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_debug_hides_values() {
        let env = CredentialsEnv::empty().with_var(ENV_ACCESS_KEY_SECRET, "very-secret");
        assert!(!format!("{env:?}").contains("very-secret"));
    }

    #[test]
    fn empty_values_count_as_unset() {
        let env = CredentialsEnv::empty().with_var(ENV_ACCESS_KEY_ID, "  ");
        assert_eq!(env.var(ENV_ACCESS_KEY_ID), None);
    }

    #[test]
    fn nothing_lists_every_source() {
        let err = CredentialsChain::new(CredentialsEnv::empty())
            .resolve()
            .unwrap_err();
        let CredentialsError::NotFound { tried } = &err else {
            panic!("{err}")
        };
        assert_eq!(tried.len(), 4, "{tried:?}");
        assert!(err.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));
    }
}
