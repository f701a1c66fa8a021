//! RFC 3986 percent-encoding (what both signatures canonicalise with) and a query/form decoder
//! that accepts both spellings of a space on the wire (`+` and `%20`).
//!
//! ```
//! use dataworks_signer::encoding::{decode_form, percent_encode};
//!
//! assert_eq!(percent_encode("a b*c~/é"), "a%20b%2Ac~%2F%C3%A9");
//! let pairs = decode_form("TaskName=rt+task&Note=a%20b&Empty=&Flag")?;
//! assert_eq!(pairs[0], ("TaskName".to_string(), "rt task".to_string()));
//! assert_eq!(pairs[1].1, "a b");
//! assert_eq!(pairs[2].1, "");
//! assert_eq!(pairs[3], ("Flag".to_string(), String::new()));
//! # Ok::<(), dataworks_signer::encoding::DecodeError>(())
//! ```

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use crate::Param;

/// Percent-encodes `text` as RFC 3986 over UTF-8: unreserved characters stay, every other byte
/// becomes `%XX` with upper-case hex (space is `%20`, never `+`; `*` is `%2A`; `~` stays).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    percent_encode_into(&mut out, text);
    out
}

/// [`percent_encode`], appending to `out` instead of allocating.
pub fn percent_encode_into(out: &mut String, text: &str) {
    let mut escaper = Escaper::with_capacity(text.len() + text.len() / 2);
    escaper.push_escaped(text);
    out.push_str(&escaper.finish());
}

/// A percent-encoding writer built for speed (see docs/PERFORMANCE.md).
///
/// Signing a 2 KiB JSON parameter percent-encodes it twice (v1), so the encoder is most of
/// the signing time that is not the hash. It takes a 64-bit word at a time (safe code only):
/// one branch-free SWAR test ([`reserved_lanes`]) finds the bytes that must be escaped, a run
/// of unreserved bytes is copied with one eight-byte store, and each escaped byte is one table
/// load and one eight-byte store. The buffer is kept zero-filled ahead of the write position
/// (grown by doubling when the next block of input might not fit), so every store is a plain
/// slice write; `finish` cuts off what was not written. The `percent-encoding` crate stays
/// the reference: property tests check the encoder gives its output for any input.
pub(crate) struct Escaper {
    buffer: Vec<u8>,
    len: usize,
}

/// Each store writes a whole `u64` (eight bytes); only the bytes it counts are kept, the rest
/// is overwritten by the next store or cut off by [`Escaper::finish`].
const STORE: usize = 8;

impl Escaper {
    /// An empty writer with room for about `capacity` output bytes (it grows as needed).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            buffer: vec![0; capacity + STORE],
            len: 0,
        }
    }

    /// Writes `bytes` as they are.
    pub(crate) fn push_raw(&mut self, bytes: &[u8]) {
        let mut sink = Sink::new(&mut self.buffer, self.len);
        sink.ensure(bytes.len());
        let end = sink.at + bytes.len();
        if let Some(slot) = sink.buffer.get_mut(sink.at..end) {
            slot.copy_from_slice(bytes);
            self.len = end;
        }
    }

    /// Writes `percentEncode(text)`.
    pub(crate) fn push_escaped(&mut self, text: &str) {
        let mut single = Sink::new(&mut self.buffer, self.len);
        let mut unused = Vec::new();
        escape_words::<false>(&mut single, &mut Sink::new(&mut unused, 0), text.as_bytes());
        self.len = single.at;
    }

    /// Writes `percentEncode(text)` to `single` and `percentEncode(percentEncode(text))` to
    /// `double` in one pass over `text` (what a v1 signature needs for every parameter):
    /// unreserved bytes stay, every other byte becomes `%XX` and `%25XX`.
    pub(crate) fn push_escaped_and_double(single: &mut Self, double: &mut Self, text: &str) {
        let mut one = Sink::new(&mut single.buffer, single.len);
        let mut two = Sink::new(&mut double.buffer, double.len);
        escape_words::<true>(&mut one, &mut two, text.as_bytes());
        single.len = one.at;
        double.len = two.at;
    }

    /// The text written.
    pub(crate) fn finish(mut self) -> String {
        self.buffer.truncate(self.len);
        // Only ASCII is ever written, so the lossy branch is never taken.
        String::from_utf8(self.buffer)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// A write position in a buffer that is zero-filled past it.
struct Sink<'a> {
    buffer: &'a mut Vec<u8>,
    at: usize,
}

impl<'a> Sink<'a> {
    fn new(buffer: &'a mut Vec<u8>, at: usize) -> Self {
        Self { buffer, at }
    }

    /// Makes sure `bytes` more bytes, plus the slack of one store, fit past the position.
    #[inline(always)]
    fn ensure(&mut self, bytes: usize) {
        let needed = self.at + bytes + STORE;
        if self.buffer.len() < needed {
            self.grow(needed);
        }
    }

    #[cold]
    fn grow(&mut self, needed: usize) {
        let grown = needed.max(self.buffer.len() * 2);
        self.buffer.resize(grown, 0);
    }
}

/// Stores the eight bytes of `word` (little-endian) at `at`. Only the bytes the caller counts
/// are kept; the rest is scratch for the next store. Callers have made room (see
/// [`Sink::ensure`]), so the slot always exists.
#[inline(always)]
fn put(buffer: &mut [u8], at: usize, word: u64) {
    if let Some(slot) = buffer.get_mut(at..at + STORE) {
        slot.copy_from_slice(&word.to_le_bytes());
    }
}

/// How many bytes of a table entry count (kept in its top byte).
#[inline(always)]
fn entry_len(entry: u64) -> usize {
    (entry >> 56) as usize
}

/// Input bytes escaped per room check: the writers grow (zero-filled) block by block, so
/// they never hold much more than the output.
const BLOCK: usize = 256;

/// Escapes `src` into `single` (`%XX`) and, when `DOUBLE`, into `double` (`%25XX`).
#[inline(always)]
fn escape_words<const DOUBLE: bool>(single: &mut Sink<'_>, double: &mut Sink<'_>, src: &[u8]) {
    for block in src.chunks(BLOCK) {
        single.ensure(3 * block.len());
        if DOUBLE {
            double.ensure(5 * block.len());
        }
        // Positions in locals and the buffers as plain slices, so they stay in registers.
        (single.at, double.at) = escape_block::<DOUBLE>(
            single.buffer.as_mut_slice(),
            single.at,
            double.buffer.as_mut_slice(),
            double.at,
            block,
        );
    }
}

/// Escapes one block, word by word: the escaped bytes of the word are found at once; the run
/// of unreserved bytes before each (possibly empty) is stored as the shifted word, then the
/// escape. Returns the new positions.
#[inline(always)]
fn escape_block<const DOUBLE: bool>(
    single: &mut [u8],
    mut s: usize,
    double: &mut [u8],
    mut d: usize,
    src: &[u8],
) -> (usize, usize) {
    let mut words = src.chunks_exact(STORE);
    for chunk in &mut words {
        let mut bytes = [0u8; STORE];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let mut reserved = reserved_lanes(word);
        let mut done = 0u32;
        while reserved != 0 {
            let lane = reserved.trailing_zeros() / 8;
            let run = word >> (8 * done);
            let run_len = (lane - done) as usize;
            let byte = usize::from((word >> (8 * lane)) as u8);
            put(single, s, run);
            s += run_len;
            put(single, s, ESCAPE[byte]);
            s += 3;
            if DOUBLE {
                put(double, d, run);
                d += run_len;
                put(double, d, DOUBLE_ESCAPE[byte]);
                d += 5;
            }
            done = lane + 1;
            reserved &= reserved - 1;
        }
        if done < 8 {
            let run = word >> (8 * done);
            let run_len = (8 - done) as usize;
            put(single, s, run);
            s += run_len;
            if DOUBLE {
                put(double, d, run);
                d += run_len;
            }
        }
    }
    for &byte in words.remainder() {
        let entry = ESCAPE[usize::from(byte)];
        put(single, s, entry);
        s += entry_len(entry);
        if DOUBLE {
            let entry = DOUBLE_ESCAPE[usize::from(byte)];
            put(double, d, entry);
            d += entry_len(entry);
        }
    }
    (s, d)
}

const LANES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The lanes (bytes) of `word` that must be escaped, as the high bit of each such lane.
///
/// SWAR over the low seven bits `y` of each lane, with no carry between lanes (every sum
/// stays below 0x100): `y + (0x80 - lo)` has its high bit set iff `y >= lo`, `y + (0x7F - hi)`
/// iff `y > hi`, and `!((y ^ c) + 0x7F)` iff `y == c`. Unreserved is `0-9`, `A-Z`/`a-z`
/// (tested as `y | 0x20` in `a-z`), `-` and `.` (0x2D-0x2E), `_` and `~`, and the lane's own
/// high bit clear (non-ASCII bytes are always escaped).
#[inline(always)]
fn reserved_lanes(word: u64) -> u64 {
    let low = word & !HIGH_BITS;
    let in_range = |value: u64, lo: u64, hi: u64| {
        (value + LANES * (0x80 - lo)) & !(value + LANES * (0x7F - hi))
    };
    let equal = |value: u64, c: u64| !((value ^ (LANES * c)) + LANES * 0x7F);
    let digit = in_range(low, 0x30, 0x39);
    let letter = in_range(low | (LANES * 0x20), 0x61, 0x7A);
    let dash_dot = in_range(low, 0x2D, 0x2E);
    let unreserved = (digit | letter | dash_dot | equal(low, 0x5F) | equal(low, 0x7E)) & !word;
    !unreserved & HIGH_BITS
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// RFC 3986 unreserved: `A-Z a-z 0-9 - _ . ~`.
const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Packs up to seven output bytes and their count (top byte) into a table entry.
const fn entry(bytes: &[u8]) -> u64 {
    let mut packed = (bytes.len() as u64) << 56;
    let mut i = 0;
    while i < bytes.len() {
        packed |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    packed
}

/// Per byte: its percent-encoding (1 or 3 bytes), packed by [`entry`].
static ESCAPE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if is_unreserved(b) {
            entry(&[b])
        } else {
            entry(&[b'%', HEX[byte >> 4], HEX[byte & 0x0F]])
        };
        byte += 1;
    }
    table
};

/// Per byte: its double percent-encoding (1 or 5 bytes: `%25XX`).
static DOUBLE_ESCAPE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if is_unreserved(b) {
            entry(&[b])
        } else {
            entry(&[b'%', b'2', b'5', HEX[byte >> 4], HEX[byte & 0x0F]])
        };
        byte += 1;
    }
    table
};

/// `name=value` pairs joined by `&`, names and values percent-encoded (RFC 3986), in the order
/// given. This is the wire form this crate sends in query strings and form bodies; with `%20`
/// for spaces it coincides with the canonical encoding.
pub fn encode_pairs<P: Param>(params: impl IntoIterator<Item = P>) -> String {
    let mut out = String::new();
    for (index, param) in params.into_iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, param.name());
        out.push('=');
        percent_encode_into(&mut out, param.value());
    }
    out
}

/// Why a query string or form body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// A percent-decoded name or value is not UTF-8.
    #[error(
        "the {part} of parameter #{index} is not UTF-8 once percent-decoded; encode text as UTF-8 before percent-encoding it"
    )]
    InvalidUtf8 {
        /// Which part: `name` or `value`.
        part: &'static str,
        /// The parameter's position (0-based) among the `&`-separated pairs.
        index: usize,
    },
}

/// Decodes one query/form component: `+` is a space, `%XX` is a byte, the bytes must be UTF-8.
/// A `%` not followed by two hex digits stays literal (as browsers and servers do).
pub fn decode_component(text: &str) -> Result<String, DecodeError> {
    decode_part(text, "value", 0)
}

fn decode_part(text: &str, part: &'static str, index: usize) -> Result<String, DecodeError> {
    let spaced: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| DecodeError::InvalidUtf8 { part, index })
}

/// Decodes a query string (without or with its leading `?`) or an
/// `application/x-www-form-urlencoded` body into pairs, in wire order. Empty segments (`a=1&&b=2`)
/// are skipped; a segment without `=` is a name with an empty value; both `+` and `%20` decode to
/// a space.
pub fn decode_form(text: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let text = text.strip_prefix('?').unwrap_or(text);
    let mut pairs = Vec::new();
    for (index, segment) in text.split('&').filter(|s| !s.is_empty()).enumerate() {
        let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
        pairs.push((
            decode_part(name, "name", index)?,
            decode_part(value, "value", index)?,
        ));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn special_characters() {
        assert_eq!(
            percent_encode("a b*c~d/e+f=g&h%i:j,k;l!m'n(o)p\"q#r?s@t[u]v^w`x{y}z|$"),
            "a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%25i%3Aj%2Ck%3Bl%21m%27n%28o%29p%22q%23r%3Fs%40t%5Bu%5Dv%5Ew%60x%7By%7Dz%7C%24"
        );
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("业务"), "%E4%B8%9A%E5%8A%A1");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn reserved_lanes_follow_the_byte_rule_in_every_lane() {
        // Neighbours of every kind, so a carry or borrow between lanes would show.
        for filler in [b'a', b'Z', b'~', 0x00, b'%', 0x7F, 0x80, 0xFF] {
            for byte in 0..=255u8 {
                for lane in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[lane] = byte;
                    let mut expected = 0u64;
                    for (i, &b) in bytes.iter().enumerate() {
                        if !is_unreserved(b) {
                            expected |= 0x80 << (8 * i);
                        }
                    }
                    assert_eq!(
                        reserved_lanes(u64::from_le_bytes(bytes)),
                        expected,
                        "byte {byte:#04x} in lane {lane} among {filler:#04x}"
                    );
                }
            }
        }
    }

    /// `(percentEncode(text), percentEncode(percentEncode(text)))` by one pass of the word loop
    /// over the whole text, into buffers sized for the worst case up front.
    fn one_block_both(text: &str) -> (String, String) {
        let mut single = vec![0u8; 3 * text.len() + STORE];
        let mut double = vec![0u8; 5 * text.len() + STORE];
        let (s, d) = escape_block::<true>(&mut single, 0, &mut double, 0, text.as_bytes());
        single.truncate(s);
        double.truncate(d);
        (
            String::from_utf8(single).unwrap(),
            String::from_utf8(double).unwrap(),
        )
    }

    /// The same through the writer (block by block, growing its buffers).
    fn writer_both(text: &str) -> (String, String) {
        let mut single = Escaper::with_capacity(0);
        let mut double = Escaper::with_capacity(0);
        Escaper::push_escaped_and_double(&mut single, &mut double, text);
        (single.finish(), double.finish())
    }

    #[test]
    fn every_mask_of_escaped_lanes_in_both_halves() {
        // 256 patterns of escaped lanes in each of two words, with every kind of escaped byte
        // (ASCII punctuation, control, UTF-8) and unreserved neighbours, against the
        // `percent-encoding` crate.
        for mask in 0..256u32 {
            for escaped in ['"', ' ', '\u{7f}', 'é'] {
                let half: String = (0..8)
                    .map(|lane| {
                        if mask >> lane & 1 == 1 {
                            escaped
                        } else {
                            char::from(b"aZ9-._~b"[lane])
                        }
                    })
                    .collect();
                for text in [
                    format!("{half}{half}"),
                    format!("xxxxxxxx{half}"),
                    format!("{half}xxxxxxxx{half}"),
                ] {
                    let once = percent_encoding::utf8_percent_encode(&text, RFC3986).to_string();
                    let twice = percent_encoding::utf8_percent_encode(&once, RFC3986).to_string();
                    assert_eq!(writer_both(&text), (once, twice), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn writer_grows_past_its_first_capacity() {
        let mut escaper = Escaper::with_capacity(0);
        for _ in 0..100 {
            escaper.push_raw(b"&");
            escaper.push_escaped("{\"a b\":\"\u{4e1a}\"}");
        }
        let expected = "&%7B%22a%20b%22%3A%22%E4%B8%9A%22%7D".repeat(100);
        assert_eq!(escaper.finish(), expected);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode_component("a+b%20c%2B").unwrap(), "a b c+");
        assert_eq!(decode_component("100%").unwrap(), "100%");
        assert_eq!(decode_component("%zz").unwrap(), "%zz");
        assert_eq!(
            decode_component("%FF"),
            Err(DecodeError::InvalidUtf8 {
                part: "value",
                index: 0
            })
        );
        assert_eq!(
            decode_form("?a=1&&b==2&c").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "=2".into()),
                ("c".into(), "".into())
            ]
        );
        assert!(decode_form("").unwrap().is_empty());
        assert!(matches!(
            decode_form("ok=1&%C3=x"),
            Err(DecodeError::InvalidUtf8 {
                part: "name",
                index: 1
            })
        ));
    }

    #[test]
    fn encode_pairs_keeps_order() {
        let pairs = [("b", "x y"), ("a", "")];
        assert_eq!(encode_pairs(pairs), "b=x%20y&a=");
        assert_eq!(encode_pairs(Vec::<(&str, &str)>::new()), "");
    }

    /// The `percent-encoding` crate's RFC 3986 set: the reference for the hand-rolled loop.
    const RFC3986: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');

    proptest! {
        #[test]
        fn same_output_as_the_percent_encoding_crate(
            text in prop_oneof![any::<String>(), "[ -~é]{60,300}", "[a-z\"{}:,]{0,200}"],
            prefix in "[a-z%]{0,3}",
        ) {
            let reference = percent_encoding::utf8_percent_encode(&text, RFC3986).to_string();
            prop_assert_eq!(percent_encode(&text), reference.clone());
            let mut appended = prefix.clone();
            percent_encode_into(&mut appended, &text);
            prop_assert_eq!(appended, format!("{prefix}{reference}"));
        }

        #[test]
        fn double_escaping_is_encoding_twice(text in prop_oneof![any::<String>(), "[ -~业]{60,300}"]) {
            let mut escaper = Escaper::with_capacity(0);
            escaper.push_raw(b"x&");
            escaper.push_escaped(&text);
            let mut single = Escaper::with_capacity(1);
            let mut double = Escaper::with_capacity(2);
            Escaper::push_escaped_and_double(&mut single, &mut double, &text);
            prop_assert_eq!(single.finish(), percent_encode(&text));
            prop_assert_eq!(double.finish(), percent_encode(&percent_encode(&text)));
            let expected = format!("x&{}", percent_encode(&text));
            prop_assert_eq!(escaper.finish(), expected);
        }

        #[test]
        fn the_writer_equals_one_pass_of_the_word_loop(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            text in prop_oneof![any::<String>(), "[ -~é]{0,300}", "[a-z\"{}:,_.~-]{0,300}"],
        ) {
            let lossy = String::from_utf8_lossy(&bytes);
            for input in [lossy.as_ref(), text.as_str()] {
                prop_assert_eq!(writer_both(input), one_block_both(input));
            }
        }

        #[test]
        fn encode_then_decode_round_trips(text in any::<String>()) {
            prop_assert_eq!(decode_component(&percent_encode(&text)).unwrap(), text);
        }

        #[test]
        fn encoded_text_is_unreserved_or_escapes(text in any::<String>()) {
            let encoded = percent_encode(&text);
            let bytes = encoded.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b == b'%' {
                    prop_assert!(i + 2 < bytes.len());
                    let hex = &encoded[i + 1..i + 3];
                    prop_assert!(hex.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
                    i += 3;
                } else {
                    prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
                    i += 1;
                }
            }
        }

        #[test]
        fn plus_and_pct20_both_decode_to_space(words in proptest::collection::vec("[a-z]{0,4}", 1..5)) {
            let with_plus = words.join("+");
            let with_pct = words.join("%20");
            prop_assert_eq!(decode_component(&with_plus).unwrap(), words.join(" "));
            prop_assert_eq!(decode_component(&with_pct).unwrap(), words.join(" "));
        }

        #[test]
        fn pairs_round_trip(pairs in proptest::collection::vec((any::<String>(), any::<String>()), 0..6)) {
            let wire = encode_pairs(&pairs);
            prop_assert_eq!(decode_form(&wire).unwrap(), pairs);
        }

        #[test]
        fn decode_never_panics(text in any::<String>()) {
            let _ = decode_form(&text);
        }
    }
}
