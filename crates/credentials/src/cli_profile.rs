//! The Alibaba Cloud CLI's `~/.aliyun/config.json` (provider `cli_profile/<mode's provider>`).
//!
//! The profile is `--profile` (in code: [`CliProfileProvider::new`]'s `profile`), else
//! `ALIBABA_CLOUD_PROFILE`, else the file's `current`. Modes: `AK`, `StsToken`, `RamRoleArn`,
//! `ChainableRamRoleArn` (`source_profile`, any mode, loops refused), `EcsRamRole`, `OIDC`,
//! `External` (`process_command`); `CloudSSO`, `OAuth` and unknown modes are refused with
//! a message. `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` disables the provider. The file is
//! read at the first call (again after a failure) and the mode's provider kept after.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Mutex;

use crate::ecs::EcsRoleProvider;
use crate::env::{self, CredentialsEnv};
use crate::error::CredentialsError;
use crate::external::ExternalProvider;
use crate::oidc::{OidcRoleProvider, OidcSettings};
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::ram_role::RamRoleProvider;
use crate::static_keys::StaticProvider;
use crate::sts::{RoleRequest, StsSettings};

const NAME: &str = "cli_profile";

/// The modes this provider supports.
pub const SUPPORTED_MODES: &[&str] = &[
    "AK",
    "StsToken",
    "RamRoleArn",
    "ChainableRamRoleArn",
    "EcsRamRole",
    "OIDC",
    "External",
];

/// Credentials from a profile of the CLI's file.
#[derive(Debug)]
pub struct CliProfileProvider {
    cx: ProviderContext,
    profile: Option<String>,
    inner: Mutex<Option<Arc<dyn ProvideCredentials>>>,
}

/// The CLI's file under a home directory.
pub fn config_path(home: &Path) -> PathBuf {
    home.join(".aliyun").join("config.json")
}

fn config_error(reason: impl Into<String>) -> CredentialsError {
    CredentialsError::config(NAME, reason)
}

impl CliProfileProvider {
    /// The provider; `profile` overrides `ALIBABA_CLOUD_PROFILE` and the file's `current`.
    pub fn new(cx: &ProviderContext, profile: Option<&str>) -> CliProfileProvider {
        CliProfileProvider {
            cx: cx.clone(),
            profile: profile.filter(|p| !p.is_empty()).map(str::to_owned),
            inner: Mutex::new(None),
        }
    }

    async fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let home = self.cx.env.home().ok_or_else(|| {
            config_error(
                "unable to open credentials file: the home directory is unknown (HOME unset)",
            )
        })?;
        let path = config_path(home);
        let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
            config_error(format!(
                "unable to open credentials file: {} ({e})",
                path.display()
            ))
        })?;
        let config: Value = serde_json::from_str(&text).map_err(|e| {
            config_error(format!(
                "failed to parse credential from cli credentials file: {} (line {}, column {}); fix the file or run `aliyun configure`",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        let name = selected_profile(&self.cx.env, self.profile.as_deref(), &config)
            .ok_or_else(|| {
                config_error(format!(
                    "invalid profile name: no --profile, no ALIBABA_CLOUD_PROFILE and no `current` in {}",
                    path.display()
                ))
            })?;
        build(&self.cx, &config, &name, &mut Vec::new())
    }
}

/// The profile name: the override, `ALIBABA_CLOUD_PROFILE`, then the file's `current`.
fn selected_profile(env: &CredentialsEnv, given: Option<&str>, config: &Value) -> Option<String> {
    given
        .or_else(|| env.var(env::PROFILE))
        .or_else(|| {
            config
                .get("current")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
        })
        .map(str::to_owned)
}

/// The region (`region_id`) of the profile the provider would use, read synchronously (for
/// building a client outside async code); `None` when anything is missing.
pub fn profile_region(env: &CredentialsEnv, given: Option<&str>) -> Option<String> {
    if env.flag(env::CLI_PROFILE_DISABLED) {
        return None;
    }
    let text = std::fs::read_to_string(config_path(env.home()?)).ok()?;
    let config: Value = serde_json::from_str(&text).ok()?;
    let name = selected_profile(env, given, &config)?;
    find(&config, &name)?
        .get("region_id")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

fn find<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .get("profiles")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
}

/// The provider for profile `name`; `visiting` holds the chain of `source_profile`s.
fn build(
    cx: &ProviderContext,
    config: &Value,
    name: &str,
    visiting: &mut Vec<String>,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    if visiting.iter().any(|v| v == name) {
        visiting.push(name.to_owned());
        return Err(config_error(format!(
            "source_profile loop: {}; make the chain end at a profile with keys",
            visiting.join(" -> ")
        )));
    }
    visiting.push(name.to_owned());
    let profile = find(config, name).ok_or_else(|| {
        config_error(format!(
            "unable to get profile with '{name}' from cli credentials file"
        ))
    })?;
    let text = |key: &str| {
        profile
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let number = |key: &str| {
        profile.get(key).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
    };
    let sts = StsSettings {
        region: text("sts_region").map(str::to_owned),
        vpc: profile.get("enable_vpc").and_then(|v| {
            v.as_bool()
                .or_else(|| v.as_str().map(|s| s.eq_ignore_ascii_case("true")))
        }),
    };
    let mode = text("mode").unwrap_or("");
    let in_profile = |e: CredentialsError| match e {
        CredentialsError::Config { provider, reason } => CredentialsError::Config {
            provider: NAME.to_owned(),
            reason: format!("profile {name:?} (mode {mode}): {provider}: {reason}"),
        },
        other => other,
    };
    let role = |source: Arc<dyn ProvideCredentials>| -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let request = RoleRequest::new(
            "ram_role_arn",
            cx,
            text("ram_role_arn"),
            text("ram_session_name"),
            number("expired_seconds"),
            text("policy"),
            text("external_id"),
        )?;
        Ok(Arc::new(RamRoleProvider::new(cx, source, request, &sts)?))
    };
    let provider: Arc<dyn ProvideCredentials> = match mode {
        "AK" => Arc::new(
            StaticProvider::access_key(&cx.env, text("access_key_id"), text("access_key_secret"))
                .map_err(in_profile)?,
        ),
        "StsToken" => Arc::new(
            StaticProvider::sts_token(
                &cx.env,
                text("access_key_id"),
                text("access_key_secret"),
                text("sts_token"),
            )
            .map_err(in_profile)?,
        ),
        "RamRoleArn" => {
            let source = StaticProvider::access_key(
                &cx.env,
                text("access_key_id"),
                text("access_key_secret"),
            )
            .map_err(in_profile)?;
            role(Arc::new(source)).map_err(in_profile)?
        }
        "ChainableRamRoleArn" => {
            let source_name = text("source_profile").ok_or_else(|| {
                config_error(format!(
                    "profile {name:?} (mode ChainableRamRoleArn) has no source_profile"
                ))
            })?;
            let source = build(cx, config, source_name, visiting)?;
            role(source).map_err(in_profile)?
        }
        "EcsRamRole" => {
            Arc::new(EcsRoleProvider::new(cx, text("ram_role_name")).map_err(in_profile)?)
        }
        "OIDC" => Arc::new(
            OidcRoleProvider::new(
                cx,
                OidcSettings {
                    role_arn: text("ram_role_arn"),
                    provider_arn: text("oidc_provider_arn"),
                    token_file: text("oidc_token_file"),
                    session_name: text("role_session_name"),
                    duration_seconds: number("expired_seconds"),
                    policy: text("policy"),
                },
                &sts,
            )
            .map_err(in_profile)?,
        ),
        "External" => {
            Arc::new(ExternalProvider::new(cx, text("process_command")).map_err(in_profile)?)
        }
        "CloudSSO" | "OAuth" => {
            return Err(config_error(format!(
                "profile {name:?}: mode {mode} is not supported by dataworks-di (it needs an interactive sign-in); use `aliyun` to export an StsToken profile, or choose another profile with --profile or ALIBABA_CLOUD_PROFILE"
            )));
        }
        other => {
            return Err(config_error(format!(
                "unsupported profile mode '{other}' in profile {name:?} (supported: {})",
                SUPPORTED_MODES.join(", ")
            )));
        }
    };
    Ok(provider)
}

impl ProvideCredentials for CliProfileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            if self.cx.env.flag(env::CLI_PROFILE_DISABLED) {
                return Err(config_error(
                    "cli credentials file is disabled (ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true)",
                ));
            }
            let inner = {
                let mut slot = self.inner.lock().await;
                match slot.as_ref() {
                    Some(p) => Arc::clone(p),
                    None => {
                        let p = self.load().await?;
                        *slot = Some(Arc::clone(&p));
                        p
                    }
                }
            };
            Ok(inner.provide().await?.within(NAME))
        })
    }
}
