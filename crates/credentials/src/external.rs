//! The CLI's `External` mode: run `process_command` (split like a POSIX shell, no shell
//! involved) and read `{access_key_id, access_key_secret, sts_token, expiration, mode}`
//! from its standard output. Provider name `external`; stale 180 s before `expiration`,
//! fetched on every call when there is none; 60 s to finish. The process runs under
//! `tokio::process` (never blocking the runtime); its stderr is shown on failure.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use dataworks_signer::Credentials;
use serde_json::Value;

use crate::cache::Refreshing;
use crate::error::CredentialsError;
use crate::http;
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::sts;

const NAME: &str = "external";
/// How long the command may run.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials printed by a command.
#[derive(Debug)]
pub struct ExternalProvider {
    cache: Refreshing,
}

#[derive(Debug)]
struct Fetch {
    argv: Vec<String>,
}

fn process_error(reason: String) -> CredentialsError {
    CredentialsError::Process {
        provider: NAME.to_owned(),
        reason,
    }
}

impl ExternalProvider {
    /// A provider running `command`.
    pub fn new(
        cx: &ProviderContext,
        command: Option<&str>,
    ) -> Result<ExternalProvider, CredentialsError> {
        let command = command
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| CredentialsError::config(NAME, "process_command is empty"))?;
        let argv = shlex::split(command)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                CredentialsError::config(
                    NAME,
                    "process_command cannot be split into words (an unclosed quote?)",
                )
            })?;
        Ok(ExternalProvider {
            cache: Refreshing::new(Fetch { argv })
                .stale_window(time::Duration::seconds(180))
                .clock(Arc::clone(&cx.clock)),
        })
    }
}

/// Reads the command's output.
pub(crate) fn parse_output(stdout: &str) -> Result<Credentials, CredentialsError> {
    let doc: Value = serde_json::from_str(stdout).map_err(|e| {
        process_error(format!(
            "failed to parse the external command's output: {e}"
        ))
    })?;
    let field = |name: &str| {
        doc.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let (Some(id), Some(secret)) = (field("access_key_id"), field("access_key_secret")) else {
        return Err(process_error(
            "invalid credential response: access_key_id or access_key_secret is empty".to_owned(),
        ));
    };
    let token = field("sts_token");
    if field("mode") == Some("StsToken") && token.is_none() {
        return Err(process_error(
            "invalid StsToken credential response: sts_token is empty".to_owned(),
        ));
    }
    let mut credentials = Credentials::new(id, secret);
    if let Some(token) = token {
        credentials = credentials.with_security_token(token);
    }
    if let Some(expiration) = field("expiration") {
        credentials =
            credentials.with_expiration(sts::parse_expiration(expiration).map_err(process_error)?);
    }
    Ok(credentials)
}

impl ProvideCredentials for Fetch {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
            let (program, args) = self
                .argv
                .split_first()
                .ok_or_else(|| process_error("process_command is empty".to_owned()))?;
            let child = tokio::process::Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| {
                    process_error(format!(
                        "failed to execute external command {program:?}: {e}"
                    ))
                })?;
            let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
                .await
                .map_err(|_| {
                    process_error(format!(
                        "command process timed out after {} milliseconds",
                        TIMEOUT.as_millis()
                    ))
                })?
                .map_err(|e| process_error(format!("failed to execute external command: {e}")))?;
            if !output.status.success() {
                return Err(process_error(format!(
                    "failed to execute external command: {}\nstderr: {}",
                    output.status,
                    http::excerpt(&String::from_utf8_lossy(&output.stderr))
                )));
            }
            let credentials = parse_output(&String::from_utf8_lossy(&output.stdout))?;
            Ok(Provided {
                credentials,
                provider: NAME.to_owned(),
            })
        })
    }
}

impl ProvideCredentials for ExternalProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        self.cache.provide()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_rules() {
        let ok = parse_output(r#"{"access_key_id":"a","access_key_secret":"b","sts_token":"c","expiration":"2030-01-01T00:00:00Z","mode":"StsToken"}"#).unwrap();
        assert_eq!(ok.security_token(), Some("c"));
        assert!(ok.expiration().is_some());
        assert!(
            parse_output(r#"{"access_key_id":"a","access_key_secret":"b","mode":"StsToken"}"#)
                .is_err()
        );
        let err = parse_output(r#"{"access_key_id":"a"}"#).unwrap_err();
        assert!(err.to_string().contains("access_key_secret is empty"));
        let err = parse_output("the-secret not json").unwrap_err();
        assert!(!err.to_string().contains("the-secret"), "{err}");
    }
}
