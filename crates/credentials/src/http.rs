//! One HTTP exchange of a provider: timeouts, the environment's proxy, the loopback guard,
//! and errors that never show a query string (STS queries carry signatures and tokens).

use std::time::Duration;

use reqwest::{Method, Url};

use crate::env::CredentialsEnv;
use crate::error::CredentialsError;

/// Connect and read timeouts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

/// The metadata service's timeouts (1 s / 1 s).
pub(crate) const METADATA_TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(1),
    read: Duration::from_secs(1),
};

/// STS and credentials URI timeouts (5 s / 10 s).
pub(crate) const SERVICE_TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(5),
    read: Duration::from_secs(10),
};

/// The status and text of an answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
}

/// The URL without its query, for messages.
pub(crate) fn shown(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sends one request and reads the whole answer.
pub(crate) async fn send(
    env: &CredentialsEnv,
    provider: &str,
    method: Method,
    url: &Url,
    headers: &[(&str, String)],
    timeouts: Timeouts,
) -> Result<Answer, CredentialsError> {
    let request_error = |reason: String| CredentialsError::Request {
        provider: provider.to_owned(),
        url: shown(url),
        reason,
    };
    let proxy = match env.proxy_for(url.scheme()) {
        Some(p) => Some(
            Url::parse(p)
                .map_err(|e| request_error(format!("the proxy {p:?} is not a URL: {e}")))?,
        ),
        None => None,
    };
    if env.is_loopback_only() {
        let target = proxy.as_ref().unwrap_or(url);
        if !is_loopback(target) {
            return Err(CredentialsError::NotLoopback {
                provider: provider.to_owned(),
                url: shown(target),
            });
        }
    }
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.connect + timeouts.read)
        .user_agent(concat!(
            "dataworks-di/",
            env!("CARGO_PKG_VERSION"),
            " credentials"
        ));
    if let Some(proxy) = proxy {
        let proxy = reqwest::Proxy::all(proxy.as_str())
            .map_err(|e| request_error(format!("the proxy cannot be used: {e}")))?;
        builder = builder.proxy(proxy);
    }
    let client = builder
        .build()
        .map_err(|e| request_error(format!("the HTTP client could not be created: {e}")))?;
    let mut request = client.request(method, url.clone());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| request_error(without_url(&e)))?;
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .map_err(|e| request_error(without_url(&e)))?;
    Ok(Answer { status, body })
}

/// A reqwest error's text without the URL it carries (which may hold a query).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({detail})")
    }
}

/// The JSON document of an answer from `url` that must be HTTP 200: another status, or a
/// body that is not JSON, is the provider's `Response` error (quoting at most an excerpt of
/// the body, never a value read from it).
pub(crate) fn json_of_200(
    answer: &Answer,
    provider: &str,
    url: &Url,
) -> Result<serde_json::Value, CredentialsError> {
    if answer.status != 200 {
        return Err(CredentialsError::Response {
            provider: provider.to_owned(),
            url: shown(url),
            detail: format!("HTTP {}: {}", answer.status, excerpt(&answer.body)),
        });
    }
    json_of(&answer.body, provider, url)
}

/// The JSON document of a 200 answer's body from `url`, or the provider's `Response` error.
pub(crate) fn json_of(
    body: &str,
    provider: &str,
    url: &Url,
) -> Result<serde_json::Value, CredentialsError> {
    serde_json::from_str(body).map_err(|e| CredentialsError::Response {
        provider: provider.to_owned(),
        url: shown(url),
        detail: format!("HTTP 200 with a body that is not JSON ({e})"),
    })
}

/// At most 300 characters of an answer's body, for messages.
pub(crate) fn excerpt(body: &str) -> String {
    let mut text: String = body.chars().take(300).collect();
    if body.chars().count() > 300 {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.to_owned(),
        }
    }

    #[test]
    fn only_a_200_with_a_json_body_is_a_document() {
        let url = Url::parse("http://127.0.0.1:9/role?Token=t").unwrap();
        let doc = json_of_200(&answer(200, r#"{"Code":"Success"}"#), "p", &url).unwrap();
        assert_eq!(doc["Code"], "Success");

        let err = json_of_200(&answer(500, "busy"), "p", &url).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("HTTP 500: busy"), "{text}");
        assert!(!text.contains("Token=t"), "the query is not shown: {text}");

        let err = json_of_200(&answer(200, "<html>"), "p", &url).unwrap_err();
        assert!(err.to_string().contains("not JSON"), "{err}");
    }
}
