//! The credentials file (provider `profile/<type's provider>`): `ALIBABA_CLOUD_CREDENTIALS_FILE`,
//! else `~/.alibabacloud/credentials.ini`; section `--profile`, else `ALIBABA_CLOUD_PROFILE`,
//! else `default`. Types: `access_key`, `ram_role_arn`, `oidc_role_arn`, `ecs_ram_role`
//! (`rsa_key_pair` is refused: the official libraries deprecate it).
//!
//! The file is read as Python's `configparser` reads it (the official library's parser):
//! `key = value` or `key: value`, keys case-insensitive, `#`/`;` comment lines, indented
//! continuation lines, `[DEFAULT]` inherited by every section, `%%` and `%(key)s`
//! interpolation (any other `%` is an error), duplicate sections or keys refused; then,
//! as the official provider does, a value is cut at its first `#` and trimmed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::ecs::EcsRoleProvider;
use crate::env;
use crate::error::CredentialsError;
use crate::oidc::{OidcRoleProvider, OidcSettings};
use crate::provider::{BoxFuture, ProvideCredentials, Provided, ProviderContext};
use crate::ram_role::RamRoleProvider;
use crate::static_keys::StaticProvider;
use crate::sts::{RoleRequest, StsSettings};

const NAME: &str = "profile";

/// A parsed INI file: section → key → value (`DEFAULT` merged in, not listed).
pub type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// Why an INI text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct IniError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Parses INI text the way `configparser.ConfigParser()` does, then applies the official
/// provider's `#` cut (the unit tests below show each rule).
pub fn parse(text: &str) -> Result<Sections, IniError> {
    /// (key, value, line) in file order.
    type Entries = Vec<(String, String, usize)>;
    let mut raw: Vec<(String, Entries)> = Vec::new();
    let mut defaults: Entries = Vec::new();
    let mut current: Option<usize> = None; // None before any header; usize::MAX for DEFAULT
    let mut last_key = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let err = |reason: &str| IniError {
            line: number,
            reason: reason.to_owned(),
        };
        let stripped = line.trim();
        if stripped.starts_with('#') || stripped.starts_with(';') {
            continue;
        }
        if stripped.is_empty() {
            last_key = false;
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented && last_key {
            let list = match current {
                Some(usize::MAX) => &mut defaults,
                Some(i) => &mut raw[i].1,
                None => return Err(err("a continuation line before any section")),
            };
            if let Some(entry) = list.last_mut() {
                entry.1.push('\n');
                entry.1.push_str(stripped);
            }
            continue;
        }
        if stripped.starts_with('[') && stripped.ends_with(']') && stripped.len() > 2 {
            let name = &stripped[1..stripped.len() - 1];
            if name == "DEFAULT" {
                current = Some(usize::MAX);
            } else if raw.iter().any(|(n, _)| n == name) {
                return Err(err(&format!("section [{name}] appears twice")));
            } else {
                raw.push((name.to_owned(), Vec::new()));
                current = Some(raw.len() - 1);
            }
            last_key = false;
            continue;
        }
        let Some(at) = stripped.find(['=', ':']) else {
            return Err(err("not `key = value`, a [section] or a comment"));
        };
        let key = stripped[..at].trim().to_lowercase();
        if key.is_empty() {
            return Err(err("a value without a key"));
        }
        let value = stripped[at + 1..].trim().to_owned();
        let list = match current {
            Some(usize::MAX) => &mut defaults,
            Some(i) => &mut raw[i].1,
            None => return Err(err("a key before any [section] header")),
        };
        if list.iter().any(|(k, _, _)| *k == key) {
            return Err(err(&format!("key {key:?} appears twice in its section")));
        }
        list.push((key, value, number));
        last_key = true;
    }
    let mut out = Sections::new();
    for (name, entries) in raw {
        let mut merged: BTreeMap<String, (String, usize)> = defaults
            .iter()
            .map(|(k, v, l)| (k.clone(), (v.clone(), *l)))
            .collect();
        for (k, v, l) in entries {
            merged.insert(k, (v, l));
        }
        let mut section = BTreeMap::new();
        for (key, (value, line)) in &merged {
            let value = interpolate(value, &merged, 0).map_err(|reason| IniError {
                line: *line,
                reason,
            })?;
            let value = match value.split_once('#') {
                Some((before, _)) => before.trim().to_owned(),
                None => value.trim().to_owned(),
            };
            section.insert(key.clone(), value);
        }
        out.insert(name, section);
    }
    Ok(out)
}

/// `configparser`'s basic interpolation.
fn interpolate(
    value: &str,
    section: &BTreeMap<String, (String, usize)>,
    depth: usize,
) -> Result<String, String> {
    if depth > 10 {
        return Err("interpolation nested too deeply (a %(key)s loop?)".to_owned());
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        if let Some(after) = tail.strip_prefix('%') {
            out.push('%');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix('(') {
            let Some(close) = inner.find(")s") else {
                return Err(
                    "bad interpolation syntax: '%(' without ')s'; write %% for a percent sign"
                        .to_owned(),
                );
            };
            let key = inner[..close].to_lowercase();
            let Some((referenced, _)) = section.get(&key) else {
                return Err(format!(
                    "%({key})s refers to a key the section does not have"
                ));
            };
            out.push_str(&interpolate(referenced, section, depth + 1)?);
            rest = &inner[close + 2..];
        } else {
            return Err(
                "'%' must be followed by '%' or '(': write %% for a percent sign".to_owned(),
            );
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Credentials from a section of the credentials file.
#[derive(Debug)]
pub struct IniFileProvider {
    cx: ProviderContext,
    section: Option<String>,
    inner: Mutex<Option<Arc<dyn ProvideCredentials>>>,
}

fn config_error(reason: impl Into<String>) -> CredentialsError {
    CredentialsError::config(NAME, reason)
}

impl IniFileProvider {
    /// The provider; `section` overrides `ALIBABA_CLOUD_PROFILE` and `default`.
    pub fn new(cx: &ProviderContext, section: Option<&str>) -> IniFileProvider {
        IniFileProvider {
            cx: cx.clone(),
            section: section.filter(|s| !s.is_empty()).map(str::to_owned),
            inner: Mutex::new(None),
        }
    }

    /// The file this provider reads, if it can be named.
    pub fn path(&self) -> Option<PathBuf> {
        match self.cx.env.var(env::CREDENTIALS_FILE) {
            Some(p) => Some(PathBuf::from(p)),
            None => Some(
                self.cx
                    .env
                    .home()?
                    .join(".alibabacloud")
                    .join("credentials.ini"),
            ),
        }
    }

    async fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let path = self.path().ok_or_else(|| {
            config_error("no credentials file: the home directory is unknown and ALIBABA_CLOUD_CREDENTIALS_FILE is unset")
        })?;
        let text = match tokio::fs::read_to_string(&path).await {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(config_error(format!("cannot read {}: {e}", path.display())));
            }
        };
        let sections = parse(&text).map_err(|e| {
            config_error(format!("{} is not a valid INI file: {e}", path.display()))
        })?;
        let name = self
            .section
            .as_deref()
            .or_else(|| self.cx.env.var(env::PROFILE))
            .unwrap_or("default");
        let section = sections.get(name).ok_or_else(|| {
            config_error(format!(
                "failed to get credential from credentials file: {} has no section [{name}]",
                path.display()
            ))
        })?;
        let cx = &self.cx;
        let text = |key: &str| {
            section
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let in_section = |e: CredentialsError| match e {
            CredentialsError::Config { provider, reason } => config_error(format!(
                "{}, section [{name}]: {provider}: {reason}",
                path.display()
            )),
            other => other,
        };
        let provider: Arc<dyn ProvideCredentials> = match text("type") {
            Some("access_key") => Arc::new(
                StaticProvider::access_key(
                    &cx.env,
                    text("access_key_id"),
                    text("access_key_secret"),
                )
                .map_err(in_section)?,
            ),
            Some("ram_role_arn") => {
                let source = StaticProvider::access_key(
                    &cx.env,
                    text("access_key_id"),
                    text("access_key_secret"),
                )
                .map_err(in_section)?;
                let request = RoleRequest::new(
                    "ram_role_arn",
                    cx,
                    text("role_arn"),
                    text("role_session_name"),
                    None,
                    text("policy"),
                    None,
                )
                .map_err(in_section)?;
                Arc::new(
                    RamRoleProvider::new(cx, Arc::new(source), request, &StsSettings::default())
                        .map_err(in_section)?,
                )
            }
            Some("oidc_role_arn") => Arc::new(
                OidcRoleProvider::new(
                    cx,
                    OidcSettings {
                        role_arn: text("role_arn"),
                        provider_arn: text("oidc_provider_arn"),
                        token_file: text("oidc_token_file_path"),
                        session_name: text("role_session_name"),
                        duration_seconds: None,
                        policy: text("policy"),
                    },
                    &StsSettings::default(),
                )
                .map_err(in_section)?,
            ),
            Some("ecs_ram_role") => {
                Arc::new(EcsRoleProvider::new(cx, text("role_name")).map_err(in_section)?)
            }
            Some("rsa_key_pair") => {
                return Err(config_error(format!(
                    "{}, section [{name}]: type rsa_key_pair is not supported (deprecated by Alibaba Cloud); use access_key or ram_role_arn",
                    path.display()
                )));
            }
            other => {
                return Err(config_error(format!(
                    "unsupported credential type {} from credentials file {} (supported: access_key, ram_role_arn, oidc_role_arn, ecs_ram_role)",
                    other.unwrap_or("(none)"),
                    path.display()
                )));
            }
        };
        Ok(provider)
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Provided, CredentialsError>> {
        Box::pin(async move {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn configparser_rules() {
        let s = parse(
            "# comment\n; also\n[DEFAULT]\nregion = x\n[a]\nTYPE: access_key\nkey = 50%% off # c\nref = %(type)s!\nlong = first\n  second\n",
        )
        .unwrap();
        let a = &s["a"];
        assert_eq!(a["type"], "access_key");
        assert_eq!(a["region"], "x");
        assert_eq!(a["key"], "50% off");
        assert_eq!(a["ref"], "access_key!");
        assert_eq!(a["long"], "first\nsecond");
        assert!(!s.contains_key("DEFAULT"));
    }

    #[test]
    fn broken_files_name_the_line() {
        for (text, line) in [
            ("key = v\n", 1),
            ("[a]\nno delimiter\n", 2),
            ("[a]\nk = 1\nk = 2\n", 3),
            ("[a]\n[a]\n", 2),
            ("[a]\nk = 5% off\n", 2),
            ("[a]\nk = %(missing)s\n", 2),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn simple_sections_round_trip(
            entries in proptest::collection::btree_map("[a-z_]{1,12}", "[A-Za-z0-9_./-]{0,20}", 0..8),
            name in "[a-z]{1,8}",
        ) {
            let mut text = format!("[{name}]\n");
            for (k, v) in &entries {
                text.push_str(&format!("{k} = {v}\n"));
            }
            let parsed = parse(&text).unwrap();
            prop_assert_eq!(&parsed[&name], &entries);
        }
    }
}
