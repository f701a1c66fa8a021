//! The signer's percent-encoder (SWAR, a 64-bit word at a time) against the
//! `percent-encoding` crate, for single encoding and for the v1 double encoding: any input,
//! the same text, never a panic.
#![no_main]

use dataworks_signer::encoding::percent_encode;
use libfuzzer_sys::fuzz_target;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is escaped.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let reference = utf8_percent_encode(&text, RFC3986).to_string();
    assert_eq!(percent_encode(&text), reference);
    let signed = dataworks_signer::v1::sign(
        "GET",
        [("k", text.as_ref())],
        Vec::<(&str, &str)>::new(),
        "secret",
    );
    assert_eq!(signed.canonicalized_query_string, format!("k={reference}"));
    let twice = utf8_percent_encode(&signed.canonicalized_query_string, RFC3986).to_string();
    assert_eq!(signed.string_to_sign, format!("GET&%2F&{twice}"));
});
