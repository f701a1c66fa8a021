//! The temporary keys the credential services issued, and the lookup the DataWorks endpoint
//! and STS verify signatures with (long-term keys first, then issued ones).

use std::collections::BTreeMap;
use std::sync::Mutex;

use dataworks_signer::Credentials;
use dataworks_signer::SecretLookup;
use dataworks_wire::ErrorCode;
use rand::Rng;
use time::OffsetDateTime;

use crate::config::CredentialTable;
use crate::error::ServiceError;

#[derive(Debug)]
struct Key {
    secret: String,
    /// Every token issued under this id, with its expiration.
    tokens: Vec<(String, OffsetDateTime)>,
}

/// Issued temporary keys: id → secret and tokens.
#[derive(Debug, Default)]
pub(crate) struct IssuedKeys {
    keys: Mutex<BTreeMap<String, Key>>,
}

fn random(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::rng().random();
    format!("{prefix}{}", hex::encode(bytes))
}

impl IssuedKeys {
    /// Issues credentials under `id` valid until `expiration`. The secret stays the same
    /// for an id; the token is new.
    pub(crate) fn issue(&self, id: &str, expiration: OffsetDateTime) -> Credentials {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = keys.entry(id.to_owned()).or_insert_with(|| Key {
            secret: random("emu-secret-"),
            tokens: Vec::new(),
        });
        let token = random("emu-token-");
        key.tokens.push((token.clone(), expiration));
        if key.tokens.len() > 64 {
            key.tokens.remove(0);
        }
        Credentials::new(id, key.secret.clone())
            .with_security_token(token)
            .with_expiration(expiration)
    }

    /// Refuses a request signed with an issued key whose token has expired.
    pub(crate) fn check_expiry(
        &self,
        id: &str,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), ServiceError> {
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(key) = keys.get(id) else {
            return Ok(());
        };
        let expiration =
            token.and_then(|t| key.tokens.iter().find(|(k, _)| k == t).map(|(_, e)| *e));
        match expiration {
            Some(e) if e <= now => Err(ServiceError::new(
                ErrorCode::InvalidSecurityTokenExpired,
                format!(
                    "Specified SecurityToken is expired (it expired at {e}); get new temporary credentials."
                ),
            )),
            _ => Ok(()),
        }
    }

    fn credentials(&self, id: &str, token: Option<&str>) -> Option<Credentials> {
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = keys.get(id)?;
        // The request's token when it is one of ours, else the latest (the verifier then
        // refuses the mismatch).
        let (token, expiration) = token
            .and_then(|t| key.tokens.iter().find(|(k, _)| k == t))
            .or_else(|| key.tokens.last())?;
        Some(
            Credentials::new(id, key.secret.clone())
                .with_security_token(token.clone())
                .with_expiration(*expiration),
        )
    }
}

/// The request's `SecurityToken` (v1 query) or `x-acs-security-token` header (ACS3).
pub(crate) fn request_token(raw_query: &str, headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-acs-security-token"))
        .map(|(_, v)| v.clone())
        .or_else(|| {
            form_urlencoded::parse(raw_query.trim_start_matches('?').as_bytes())
                .find(|(k, _)| k == "SecurityToken")
                .map(|(_, v)| v.into_owned())
        })
}

/// The secrets one request may be signed with.
pub(crate) struct RequestKeys<'a> {
    pub long_term: &'a CredentialTable,
    pub issued: &'a IssuedKeys,
    pub token: Option<&'a str>,
}

impl SecretLookup for RequestKeys<'_> {
    fn secret(&self, access_key_id: &str) -> Option<Credentials> {
        self.long_term
            .get(access_key_id)
            .cloned()
            .or_else(|| self.issued.credentials(access_key_id, self.token))
    }
}
