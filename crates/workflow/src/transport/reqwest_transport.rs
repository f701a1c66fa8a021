//! The default [`Transport`]: reqwest with rustls (the `reqwest` feature, on by default).

use std::error::Error as _;

use super::{
    DEFAULT_MAX_RESPONSE_BYTES, HttpRequest, HttpResponse, Timeouts, Transport, TransportError,
    TransportErrorKind, USER_AGENT,
};
use crate::clock::BoxFuture;

/// The HTTP transport: reqwest with rustls. It reads a response body up to a limit
/// ([`DEFAULT_MAX_RESPONSE_BYTES`] unless set with [`ReqwestTransport::max_response_bytes`]).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with these timeouts and a user agent naming this toolkit (`dataworks-di/<version> (rust)`).
    pub fn new(timeouts: Timeouts) -> Result<ReqwestTransport, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| TransportError::new(TransportErrorKind::Invalid, describe(&e)))?;
        Ok(ReqwestTransport::from_client(client))
    }

    /// Wraps a reqwest client configured by the caller (proxies, certificates...).
    pub fn from_client(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport {
            client,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The largest response body to read; a larger one ends the attempt with a
    /// [`TransportErrorKind::TooLarge`] error (builder style).
    pub fn max_response_bytes(mut self, bytes: usize) -> ReqwestTransport {
        self.max_response_bytes = bytes;
        self
    }

    /// Reads the body of `response`, refusing more than the limit (by its declared length
    /// before reading, and while reading for a body of unknown or untrue length).
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, TransportError> {
        let limit = self.max_response_bytes;
        let too_large = |what: String| {
            TransportError::new(
                TransportErrorKind::TooLarge,
                format!(
                    "{what}, more than the limit of {limit} bytes; raise the transport's \
                     response size limit if answers this large are expected"
                ),
            )
        };
        if let Some(declared) = response.content_length()
            && declared > limit as u64
        {
            return Err(too_large(format!("the answer declares {declared} bytes")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
            if chunk.len() > limit.saturating_sub(body.len()) {
                return Err(too_large(format!(
                    "the answer went on past {} bytes",
                    body.len() + chunk.len()
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                TransportError::new(
                    TransportErrorKind::Invalid,
                    format!("invalid method {:?}", request.method),
                )
            })?;
            let mut builder = self.client.request(method, &request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let response = builder
                .body(request.body)
                .send()
                .await
                .map_err(|e| classify(&e))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = self.read_body(response).await?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// Maps a reqwest error to a [`TransportError`] (connect failures are the only ones known
/// not to have reached the service).
fn classify(error: &reqwest::Error) -> TransportError {
    let kind = if error.is_builder() {
        TransportErrorKind::Invalid
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Interrupted
    };
    TransportError::new(kind, describe(error))
}

/// The error and its causes, without the URL.
fn describe(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = error.source();
    // reqwest's own Display names the URL; keep only the causes.
    while let Some(cause) = current {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause.to_string());
        current = cause.source();
    }
    if text.is_empty() {
        text = if error.is_timeout() {
            "timed out".to_owned()
        } else {
            "unknown transport error".to_owned()
        };
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connection_refused_is_a_connect_error() {
        // Bind then drop a listener to get a port nobody listens on.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let t = ReqwestTransport::new(Timeouts::default()).unwrap();
        let err = t
            .send(HttpRequest {
                method: "POST".into(),
                url: format!("http://127.0.0.1:{port}/?Signature=s3cr3t"),
                headers: vec![],
                body: vec![],
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind, TransportErrorKind::Connect);
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }
}
