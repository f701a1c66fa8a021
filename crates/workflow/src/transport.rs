//! The small trait between the client and the network, and its reqwest implementation.
//!
//! The client signs a request, hands an [`HttpRequest`] to a [`Transport`] and gets an
//! [`HttpResponse`] or a [`TransportError`] back. The default transport is
//! [`ReqwestTransport`] (rustls, connect 5 s / read 10 s as the official SDK, a user agent
//! naming this toolkit, answers capped at [`DEFAULT_MAX_RESPONSE_BYTES`]); tests use
//! `testing::FakeTransport` (feature `test-util`) or any type of their own.
//!
//! Whatever the transport, the client bounds every attempt as a whole (connect, headers and
//! body) by [`DEFAULT_ATTEMPT_TIMEOUT`] or the client's own setting, and by the time left
//! before the call's deadline, so a slow or endless answer cannot hold a call.

use std::fmt;
use std::time::Duration;

use crate::clock::BoxFuture;

#[cfg(feature = "reqwest")]
mod reqwest_transport;
#[cfg(feature = "reqwest")]
pub use reqwest_transport::ReqwestTransport;

/// The largest response body the default transport reads: 64 MiB. The largest real answer
/// is a `GetDISyncTask` carrying a task's content, a few MB even for thousands of tables.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The longest one attempt may take as a whole (connect, send, headers and body): 60 s.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The user agent sent with every request: `dataworks-di/<version> (rust)`.
pub(crate) const USER_AGENT: &str = concat!("dataworks-di/", env!("CARGO_PKG_VERSION"), " (rust)");

/// One HTTP request, already signed.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method (`POST` for every DataWorks call).
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (a form body for CreateDISyncTask, empty otherwise).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    /// Prints the method, the URL without its query (which carries the signature and, for
    /// STS, the token) and the header names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.url.split('?').next().unwrap_or_default();
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &format_args!("{path}?<redacted>"))
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body and no headers (handy in fakes).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: &str, value: &str) -> HttpResponse {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What kind of transport failure happened, which decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, connect timeout, TLS handshake):
    /// the request certainly did not reach the service.
    Connect,
    /// No answer in time after the request was (perhaps) sent: it may have been processed.
    Timeout,
    /// The connection broke while sending or receiving: the request may have been processed.
    Interrupted,
    /// The request could not be built (a bug or a bad URL); retrying will not help.
    Invalid,
    /// The answer was larger than the transport's limit: it was not read whole.
    TooLarge,
}

impl TransportErrorKind {
    /// Whether the service may have received (and acted on) the request.
    pub fn maybe_delivered(self) -> bool {
        matches!(
            self,
            TransportErrorKind::Timeout
                | TransportErrorKind::Interrupted
                | TransportErrorKind::TooLarge
        )
    }
}

/// A failure below HTTP: no response was received.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind_text} ({message})", kind_text = kind_text(*.kind))]
#[non_exhaustive]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// The underlying cause, without the URL (its query may carry a signature or token).
    pub message: String,
}

fn kind_text(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "could not connect to the endpoint",
        TransportErrorKind::Timeout => "no response in time",
        TransportErrorKind::Interrupted => "the connection broke before the response was read",
        TransportErrorKind::Invalid => "the request could not be sent",
        TransportErrorKind::TooLarge => "the response is larger than the limit",
    }
}

impl TransportError {
    /// A transport error of `kind` with a message.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// Which bound ended an attempt in [`send_within`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptBound {
    /// The client's limit on one attempt.
    AttemptTimeout,
    /// The time left before the call's deadline.
    CallDeadline,
}

/// Sends `request` through `transport`, giving up (a [`TransportErrorKind::Timeout`] that
/// names the bound) when the whole exchange takes longer than `limit`.
///
/// The limit runs on tokio's timer (virtual under tokio's paused time), not on the client's
/// injectable [`crate::Clock`]: a test clock advances when a sleep is *started*, which would
/// end every attempt at once. An answer that is ready is taken even when `limit` is zero.
pub(crate) async fn send_within(
    transport: &dyn Transport,
    request: HttpRequest,
    limit: Duration,
    bound: AttemptBound,
) -> Result<HttpResponse, TransportError> {
    match tokio::time::timeout(limit, transport.send(request)).await {
        Ok(result) => result,
        Err(_elapsed) => {
            let message = match bound {
                AttemptBound::AttemptTimeout => format!(
                    "the attempt took longer than its limit of {limit:?} (connect, headers and body together); \
                     raise the client's attempt timeout if the service is this slow"
                ),
                AttemptBound::CallDeadline => format!(
                    "the call's deadline was reached during the attempt ({limit:?} were left); \
                     raise the retry policy's deadline if the service is this slow"
                ),
            };
            Err(TransportError::new(TransportErrorKind::Timeout, message))
        }
    }
}

/// Sends signed requests. Implement it to run the client over anything: the network
/// ([`ReqwestTransport`]), an in-process service, or a test fake.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends one request and returns the response (any status) or a transport failure.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// Connect and read timeouts of the HTTP transport: [`Timeouts::default`] (5 s / 10 s), then
/// setters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time allowed to establish a connection (default 5 s, as the official SDK).
    pub connect: Duration,
    /// Time allowed between reads of the response (default 10 s, as the official SDK).
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(10),
        }
    }
}

impl Timeouts {
    /// Sets `connect`: the time allowed to establish a connection.
    pub fn connect(mut self, connect: Duration) -> Timeouts {
        self.connect = connect;
        self
    }

    /// Sets `read`: the time allowed between reads of the response.
    pub fn read(mut self, read: Duration) -> Timeouts {
        self.read = read;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_the_toolkit_and_version() {
        assert!(USER_AGENT.starts_with("dataworks-di/0."));
        assert!(USER_AGENT.ends_with(" (rust)"));
    }

    #[test]
    fn default_timeouts_are_the_sdk_ones() {
        let t = Timeouts::default();
        assert_eq!(t.connect, Duration::from_secs(5));
        assert_eq!(t.read, Duration::from_secs(10));
    }

    #[test]
    fn request_debug_hides_the_query() {
        let r = HttpRequest {
            method: "POST".into(),
            url: "http://h/?Signature=abc&SecurityToken=tok".into(),
            headers: vec![("authorization".into(), "ACS3 secret-ish".into())],
            body: vec![],
        };
        let text = format!("{r:?}");
        assert!(!text.contains("abc") && !text.contains("tok") && !text.contains("secret-ish"));
        assert_eq!(r.header("Authorization"), Some("ACS3 secret-ish"));
    }

    #[test]
    fn delivery_classification() {
        assert!(!TransportErrorKind::Connect.maybe_delivered());
        assert!(!TransportErrorKind::Invalid.maybe_delivered());
        assert!(TransportErrorKind::Timeout.maybe_delivered());
        assert!(TransportErrorKind::Interrupted.maybe_delivered());
    }
}
