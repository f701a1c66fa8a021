//! Where requests go: the region → endpoint table (one place) and explicit endpoints.
//!
//! The table is the official SDK's (`official-sdk.md` §6): 23 regions have their own
//! `dataworks.<region>.aliyuncs.com`; every other region uses the central
//! `dataworks.aliyuncs.com`. An explicit endpoint must carry its scheme, so the local
//! emulator (plain `http` on loopback) and the real service (`https`) are never confused.
//! Plain `http` to a host that is not loopback is refused unless the caller allows it
//! ([`Endpoint::check_plain_http`]): keys, tokens and task contents must not cross a network
//! in clear text by accident.

use std::fmt;
use std::net::IpAddr;

use url::Url;

/// The central endpoint, used for every region without its own.
pub(crate) const CENTRAL_HOST: &str = "dataworks.aliyuncs.com";

/// The regions the official SDK maps to `dataworks.<region>.aliyuncs.com` (sorted).
pub(crate) const REGIONAL_ENDPOINT_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "cn-beijing",
    "cn-beijing-finance-1",
    "cn-chengdu",
    "cn-hangzhou",
    "cn-hongkong",
    "cn-north-2-gov-1",
    "cn-shanghai",
    "cn-shanghai-finance-1",
    "cn-shenzhen",
    "cn-shenzhen-finance-1",
    "cn-wulanchabu",
    "cn-zhangjiakou",
    "eu-central-1",
    "eu-west-1",
    "me-central-1",
    "me-east-1",
    "us-east-1",
    "us-west-1",
];

/// The host name serving a region: its own endpoint when the official SDK maps it so, the
/// central endpoint otherwise (`cn-shanghai` → `dataworks.cn-shanghai.aliyuncs.com`,
/// `cn-qingdao` → `dataworks.aliyuncs.com`).
pub(crate) fn host_for_region(region: &str) -> String {
    if REGIONAL_ENDPOINT_REGIONS.binary_search(&region).is_ok() {
        format!("dataworks.{region}.aliyuncs.com")
    } else {
        CENTRAL_HOST.to_owned()
    }
}

/// The URL scheme of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP (the local emulator).
    Http,
    /// HTTPS (the service; the default for regions).
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Why an endpoint or a region was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region id is empty or has characters a region id never has.
    #[error(
        "invalid region id {region:?}: a region id is lower-case letters, digits and '-' (e.g. cn-shanghai)"
    )]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// The endpoint could not be parsed as an absolute URL with a scheme.
    #[error(
        "invalid endpoint {endpoint:?}: {reason}; give a scheme and a host, e.g. https://dataworks.cn-shanghai.aliyuncs.com or http://127.0.0.1:8080 for the emulator"
    )]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A plain `http://` endpoint whose host is not a loopback address, not allowed.
    #[error(
        "refusing plain http:// to {endpoint}: the host is not a loopback address (127.0.0.0/8, ::1, localhost), so \
         signed requests, security tokens and task contents would cross the network unencrypted; use https://, \
         or allow plain HTTP explicitly (ClientBuilder::allow_insecure_http) when the network is trusted"
    )]
    InsecureHttp {
        /// The endpoint, as `http://host[:port]`.
        endpoint: String,
    },
}

/// A resolved endpoint: scheme and authority (host with an explicit port when one was given).
///
/// ```
/// use dataworks_workflow::Endpoint;
/// let e = Endpoint::parse("http://127.0.0.1:8080")?;
/// assert_eq!(e.authority(), "127.0.0.1:8080");
/// assert_eq!(e.base_url(), "http://127.0.0.1:8080/");
/// let r = Endpoint::for_region("eu-central-1")?;
/// assert_eq!(r.base_url(), "https://dataworks.eu-central-1.aliyuncs.com/");
/// // a region without an endpoint of its own is served by the central one
/// assert_eq!(Endpoint::for_region("cn-qingdao")?.authority(), "dataworks.aliyuncs.com");
/// # Ok::<(), dataworks_workflow::EndpointError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: Scheme,
    authority: String,
}

impl Endpoint {
    /// The HTTPS endpoint serving `region` (its own `dataworks.<region>.aliyuncs.com` when the official SDK maps the
    /// region so, the central `dataworks.aliyuncs.com` otherwise).
    pub fn for_region(region: &str) -> Result<Endpoint, EndpointError> {
        let valid = !region.is_empty()
            && region.len() <= 64
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(EndpointError::InvalidRegion {
                region: region.to_owned(),
            });
        }
        Ok(Endpoint {
            scheme: Scheme::Https,
            authority: host_for_region(region),
        })
    }

    /// Parses an explicit endpoint such as `https://dataworks.cn-shanghai.aliyuncs.com` or
    /// `http://127.0.0.1:PORT`. The scheme is required; a path other than `/`, a query, a
    /// fragment or user info are refused.
    pub fn parse(text: &str) -> Result<Endpoint, EndpointError> {
        let bad = |reason: &str| EndpointError::InvalidEndpoint {
            endpoint: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if !trimmed.contains("://") {
            return Err(bad("the scheme (https:// or http://) is missing"));
        }
        let url = Url::parse(trimmed).map_err(|e| bad(&e.to_string()))?;
        let scheme = match url.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(bad("the scheme must be http or https")),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("user info is not allowed in an endpoint"));
        }
        if url.path() != "/" && !url.path().is_empty() {
            return Err(bad("an endpoint has no path (DataWorks calls go to /)"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("an endpoint has no query or fragment"));
        }
        let host = url.host_str().ok_or_else(|| bad("the host is missing"))?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Endpoint { scheme, authority })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, with `:port` when the endpoint names one: the value of the `host` header.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The host without the port (an IPv6 address keeps its brackets).
    pub fn host(&self) -> &str {
        let authority = self.authority.as_str();
        if authority.starts_with('[') {
            return authority
                .find(']')
                .map_or(authority, |end| &authority[..=end]);
        }
        authority
            .rsplit_once(':')
            .map_or(authority, |(host, _port)| host)
    }

    /// Whether the host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`: a host
    /// that traffic never leaves the machine for.
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => host.eq_ignore_ascii_case("localhost"),
        }
    }

    /// Refuses a plain-HTTP endpoint to a host that is not loopback, unless
    /// `allow_insecure_http`. HTTPS endpoints and loopback ones always pass. Nothing is
    /// resolved or sent: the check reads the endpoint only.
    ///
    /// ```
    /// use dataworks_workflow::Endpoint;
    /// assert!(Endpoint::parse("http://127.0.0.1:8080")?.check_plain_http(false).is_ok());
    /// let remote = Endpoint::parse("http://dataworks.example.invalid")?;
    /// assert!(remote.check_plain_http(false).is_err());
    /// assert!(remote.check_plain_http(true).is_ok());
    /// # Ok::<(), dataworks_workflow::EndpointError>(())
    /// ```
    pub fn check_plain_http(&self, allow_insecure_http: bool) -> Result<(), EndpointError> {
        if self.scheme == Scheme::Http && !allow_insecure_http && !self.is_loopback() {
            return Err(EndpointError::InsecureHttp {
                endpoint: self.to_string(),
            });
        }
        Ok(())
    }

    /// `scheme://authority/`, the URL every call is posted to (before its query).
    pub fn base_url(&self) -> String {
        format!("{}://{}/", self.scheme.as_str(), self.authority)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_sorted_and_has_the_sdk_count() {
        let mut sorted = REGIONAL_ENDPOINT_REGIONS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, REGIONAL_ENDPOINT_REGIONS);
        assert_eq!(REGIONAL_ENDPOINT_REGIONS.len(), 23);
    }

    #[test]
    fn mapped_and_central_regions() {
        assert_eq!(
            host_for_region("cn-hangzhou"),
            "dataworks.cn-hangzhou.aliyuncs.com"
        );
        assert_eq!(
            host_for_region("us-west-1"),
            "dataworks.us-west-1.aliyuncs.com"
        );
        for central in ["ap-south-1", "ap-southeast-2", "cn-qingdao", "cn-wuhan"] {
            assert_eq!(host_for_region(central), CENTRAL_HOST);
        }
    }

    #[test]
    fn region_ids_are_checked() {
        assert!(Endpoint::for_region("").is_err());
        assert!(Endpoint::for_region("cn-shanghai/evil").is_err());
        assert!(Endpoint::for_region("CN-SHANGHAI").is_err());
        let e = Endpoint::for_region("cn-shanghai").unwrap();
        assert_eq!(e.scheme(), Scheme::Https);
        assert_eq!(e.to_string(), "https://dataworks.cn-shanghai.aliyuncs.com");
    }

    #[test]
    fn explicit_endpoints() {
        let e = Endpoint::parse("http://127.0.0.1:43121").unwrap();
        assert_eq!(e.scheme(), Scheme::Http);
        assert_eq!(e.authority(), "127.0.0.1:43121");
        let e = Endpoint::parse("https://dataworks.aliyuncs.com/").unwrap();
        assert_eq!(e.authority(), "dataworks.aliyuncs.com");
        for bad in [
            "127.0.0.1:8080",
            "dataworks.aliyuncs.com",
            "ftp://x",
            "http://u:p@x",
            "http://x/path",
            "http://x/?q=1",
            "http://",
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert!(err.to_string().contains("e.g."), "{err}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://localhost:8080",
            "http://LOCALHOST",
        ] {
            let e = Endpoint::parse(local).unwrap();
            assert!(e.is_loopback(), "{local}");
            assert!(e.check_plain_http(false).is_ok(), "{local}");
        }
        for remote in [
            "http://dataworks.example.invalid",
            "http://10.0.0.1:8080",
            "http://[2001:db8::1]:80",
            "http://localhost.example.invalid",
            "http://128.0.0.1",
        ] {
            let e = Endpoint::parse(remote).unwrap();
            assert!(!e.is_loopback(), "{remote}");
            let err = e.check_plain_http(false).unwrap_err();
            assert!(
                matches!(err, EndpointError::InsecureHttp { .. }),
                "{remote}"
            );
            let text = err.to_string();
            assert!(
                text.contains("https://") && text.contains("allow_insecure_http"),
                "{text}"
            );
            assert!(e.check_plain_http(true).is_ok(), "{remote}");
        }
        let secure = Endpoint::parse("https://dataworks.example.invalid").unwrap();
        assert!(secure.check_plain_http(false).is_ok());
        assert_eq!(
            Endpoint::parse("http://[::1]:9000").unwrap().host(),
            "[::1]"
        );
        assert_eq!(
            Endpoint::parse("http://h.invalid:1").unwrap().host(),
            "h.invalid"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Endpoint::parse(&s);
            let _ = Endpoint::for_region(&s);
        }

        #[test]
        fn any_valid_region_gives_an_aliyun_host(r in "[a-z0-9-]{1,30}") {
            let e = Endpoint::for_region(&r).unwrap();
            prop_assert!(e.authority().ends_with(".aliyuncs.com"));
            prop_assert_eq!(Endpoint::parse(&e.to_string()).unwrap(), e);
        }
    }
}
