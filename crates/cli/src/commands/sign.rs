//! `dwdi sign`: a signature debugging command.
//!
//! Reads one JSON request description on stdin and prints one JSON object with every
//! intermediate string of its signature on stdout. It signs exactly what it is given and adds
//! nothing (no timestamp, nonce or common parameter of its own), so a user can paste what they
//! sent and see where their signature differs.
//!
//! Input (field names are the contract):
//!
//! ```json
//! {"algorithm": "v1" | "acs3-hmac-sha256", "method": "POST", "pathname": "/",
//!  "query": {"name": "value"}, "form": {"name": "value"},
//!  "headers": {"name": "value"}, "body": "raw body text",
//!  "access_key_id": "...", "access_key_secret": "..."}
//! ```
//!
//! `algorithm`, `method`, `access_key_id` and `access_key_secret` are required; `pathname`
//! defaults to `/`, the maps to `{}`, `body` to `""`. Parameter and header values may be strings,
//! numbers or booleans (written as JSON writes them); `null` means absent and is dropped.
//! v1 signs `query` (common parameters included, `Signature` excluded) and `form`; ACS3 signs
//! `query`, every header in `headers` and the `body` bytes, computing `x-acs-content-sha256` when
//! absent. Bad input exits with code 2 and a message on stderr; the secret is never echoed.

use std::io::Read;

use dataworks_signer::v3::{self, V3Request};
use dataworks_signer::{Credentials, SignatureAlgorithm, v1};
use serde_json::{Map, Value, json};

use crate::exit::Exit;

/// Arguments of `dwdi sign` (none: the request description comes on stdin).
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Sign one request description and print every intermediate string.\n\n\
Reads a JSON object on stdin:\n  \
{\"algorithm\": \"v1\" | \"acs3-hmac-sha256\", \"method\": \"POST\", \"pathname\": \"/\",\n   \
\"query\": {..}, \"form\": {..}, \"headers\": {..}, \"body\": \"..\",\n   \
\"access_key_id\": \"..\", \"access_key_secret\": \"..\"}\n\
and prints the canonical strings, the string to sign and the signature as JSON.\n\
Nothing is added: give every parameter and header as sent (v1: common parameters included)."
)]
pub struct SignArgs {}

/// The fields the input may have.
const FIELDS: [&str; 9] = [
    "algorithm",
    "method",
    "pathname",
    "query",
    "form",
    "headers",
    "body",
    "access_key_id",
    "access_key_secret",
];

/// A parsed request description. Deliberately not `Debug`: it holds the secret.
struct Input {
    algorithm: SignatureAlgorithm,
    method: String,
    pathname: String,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    access_key_id: String,
    access_key_secret: String,
}

/// Runs `dwdi sign`.
pub fn run(_args: SignArgs) -> Exit {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        return usage(&format!("cannot read stdin: {e}"));
    }
    match sign(&text) {
        Ok((output, notes)) => {
            for note in notes {
                eprintln!("dwdi sign: note: {note}");
            }
            match serde_json::to_string_pretty(&output) {
                Ok(json) => {
                    println!("{json}");
                    Exit::Success
                }
                Err(e) => usage(&format!("cannot write the output: {e}")),
            }
        }
        Err(message) => usage(&message),
    }
}

fn usage(message: &str) -> Exit {
    eprintln!("dwdi sign: error: {message}");
    Exit::Usage
}

/// Signs the request described by `text`: the output object and notes for stderr, or an error
/// message (which never contains the secret).
fn sign(text: &str) -> Result<(Value, Vec<String>), String> {
    let input = parse(text)?;
    let mut notes = Vec::new();
    let output = match input.algorithm {
        SignatureAlgorithm::RpcV1HmacSha1 => {
            if !input.body.is_empty() {
                return Err(
                    "v1 signs form parameters, not raw bytes: give the form body's \
                            parameters in `form` and leave `body` empty"
                        .to_string(),
                );
            }
            if !input.headers.is_empty() {
                notes.push("v1 does not sign headers; `headers` were ignored".to_string());
            }
            if input.pathname != "/" {
                notes.push("v1 always signs the path `/`; `pathname` was ignored".to_string());
            }
            let signed = v1::sign(
                &input.method,
                &input.query,
                &input.form,
                &input.access_key_secret,
            );
            json!({
                "canonicalized_query_string": signed.canonicalized_query_string,
                "string_to_sign": signed.string_to_sign,
                "signature": signed.signature,
            })
        }
        SignatureAlgorithm::Acs3HmacSha256 => {
            if !input.form.is_empty() {
                return Err(
                    "acs3-hmac-sha256 signs the body bytes: give the form body as sent \
                            in `body` (e.g. \"TaskContent=%7B...\") and leave `form` empty"
                        .to_string(),
                );
            }
            let credentials = Credentials::new(&input.access_key_id, &input.access_key_secret);
            let signed = v3::sign(
                &V3Request {
                    method: &input.method,
                    pathname: &input.pathname,
                    query: &input.query,
                    headers: &input.headers,
                    body: input.body.as_bytes(),
                },
                &credentials,
            );
            let added: Map<String, Value> = signed
                .added_headers
                .iter()
                .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                .collect();
            if !added.is_empty() {
                notes.push(format!(
                    "added and signed {}: send {} too",
                    join_names(&added),
                    if added.len() == 1 { "it" } else { "them" }
                ));
            }
            json!({
                "hashed_payload": signed.hashed_payload,
                "canonical_query_string": signed.canonical_query_string,
                "canonical_headers": signed.canonical_headers,
                "signed_headers": signed.signed_headers,
                "canonical_request": signed.canonical_request,
                "hashed_canonical_request": signed.hashed_canonical_request,
                "string_to_sign": signed.string_to_sign,
                "signature": signed.signature,
                "authorization": signed.authorization,
                "added_headers": added,
            })
        }
    };
    Ok((output, notes))
}

fn join_names(map: &Map<String, Value>) -> String {
    map.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// Reads the request description. Error messages name fields, never their values.
fn parse(text: &str) -> Result<Input, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "the input is not JSON ({}, line {} column {}); give one JSON object on stdin",
            category(&e),
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(object) = value else {
        return Err(
            "the input must be a JSON object with the fields: ".to_string() + &FIELDS.join(", "),
        );
    };
    if let Some(unknown) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field `{unknown}`; the fields are: {}",
            FIELDS.join(", ")
        ));
    }
    let algorithm_name = required_string(&object, "algorithm")?;
    let algorithm = algorithm_name
        .parse::<SignatureAlgorithm>()
        .map_err(|e| e.to_string())?;
    Ok(Input {
        algorithm,
        method: required_string(&object, "method")?,
        pathname: optional_string(&object, "pathname")?.unwrap_or_else(|| "/".to_string()),
        query: pairs(&object, "query")?,
        form: pairs(&object, "form")?,
        headers: pairs(&object, "headers")?,
        body: optional_string(&object, "body")?.unwrap_or_default(),
        access_key_id: required_string(&object, "access_key_id")?,
        access_key_secret: required_string(&object, "access_key_secret")?,
    })
}

/// What kind of JSON error this is, without echoing any input.
fn category(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "data error",
        serde_json::error::Category::Eof => "unexpected end of input",
    }
}

fn required_string(object: &Map<String, Value>, field: &str) -> Result<String, String> {
    optional_string(object, field)?.ok_or_else(|| format!("missing field `{field}`"))
}

fn optional_string(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("field `{field}` must be a string")),
    }
}

/// A map field as name/value pairs: strings as they are, numbers and booleans as JSON writes
/// them, `null` dropped.
fn pairs(object: &Map<String, Value>, field: &str) -> Result<Vec<(String, String)>, String> {
    let map = match object.get(field) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(format!(
                "field `{field}` must be an object of name/value pairs"
            ));
        }
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(format!(
                    "`{field}.{name}` must be a string, number, boolean or null (JSON documents go in as text)"
                ));
            }
        };
        out.push((name.clone(), text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_fields_not_values() {
        let secret = "VerySecretValue";
        for input in [
            format!(
                r#"{{"algorithm":"v1","method":"POST","access_key_id":"id","access_key_secret":["{secret}"]}}"#
            ),
            format!(
                r#"{{"algorithm":"v9","method":"POST","access_key_id":"id","access_key_secret":"{secret}"}}"#
            ),
            format!(r#"{{"algorithm":"v1","access_key_id":"id","access_key_secret":"{secret}"}}"#),
            format!(
                r#"{{"algorithm":"v1","method":"POST","access_key_id":"id","access_key_secret":"{secret}","extra":1}}"#
            ),
            format!(
                r#"{{"algorithm":"v1","method":"POST","access_key_id":"id","access_key_secret":"{secret}""#
            ),
            format!(
                r#"{{"algorithm":"v1","method":"POST","access_key_id":"id","access_key_secret":"{secret}","body":"x"}}"#
            ),
            format!(
                r#"{{"algorithm":"acs3-hmac-sha256","method":"POST","access_key_id":"id","access_key_secret":"{secret}","form":{{"a":"b"}}}}"#
            ),
            format!(
                r#"{{"algorithm":"v1","method":"POST","access_key_id":"id","access_key_secret":"{secret}","query":{{"a":[1]}}}}"#
            ),
        ] {
            let err = sign(&input).err().unwrap();
            assert!(!err.contains(secret), "{err}");
        }
    }

    #[test]
    fn scalars_become_text_and_null_is_dropped() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"query":{"a":1,"b":true,"c":null,"d":"x"}}"#).unwrap();
        assert_eq!(
            pairs(&object, "query").unwrap(),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "true".to_string()),
                ("d".to_string(), "x".to_string())
            ]
        );
    }
}
