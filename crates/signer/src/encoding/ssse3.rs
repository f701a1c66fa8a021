//! The percent-encoder's SSSE3 path (x86-64 only): sixteen input bytes at a time.
//!
//! 1. Classify: SSE2 compares find the bytes to escape (one 16-bit mask, `movemask`). A chunk
//!    with none is copied as it is (two 8-byte stores per output).
//! 2. Expand, eight input bytes at a time: `pshufb` turns the bytes into their hex digits,
//!    then for the half's 8-bit mask a precomputed shuffle places every output byte (the
//!    input byte, `%`, `2`, `5`, or a hex digit) at its position: two shuffles per 16 output
//!    bytes, 24 bytes at most for `%XX`, 40 for `%25XX`. The output is stored through a
//!    fixed-size window taken once per chunk (its worst case), and the position moves by the
//!    length the mask implies.
//!
//! Everything here is safe code: the intrinsics are safe inside functions that enable
//! SSSE3, and no pointer is touched. The one `unsafe` is [`escape_chunks`]'s call into
//! them, made only after the CPU was seen to support SSSE3 (every x86-64 CPU since about
//! 2011 does; the scalar encoder serves the others). The scalar encoder stays the reference:
//! property tests check both give the same output for any input.

use std::arch::x86_64::{
    __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_cvtsi128_si64,
    _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8, _mm_shuffle_epi8,
    _mm_srli_epi16, _mm_unpackhi_epi64, _mm_unpacklo_epi64,
};

/// Input bytes per step.
const CHUNK: usize = 16;

/// Where an output byte comes from: `source` 0 is `[input bytes 0..8 | their high hex digits]`,
/// 1 is `[their low hex digits | '%' '2' '5' ...]`; a shuffle index with its top bit set
/// (0x80) writes a zero, so the two shuffles' results are simply OR-ed.
const NONE: u8 = 0x80;

/// Builds the shuffle controls of one expansion: for every 8-bit mask of escaped lanes,
/// `chunks` pairs of 16-byte controls (source 0, source 1) that lay out the output (`LEN` is
/// `256 × chunks`). `recipe` lists where an escaped byte's output comes from, in order.
const fn shuffle_table<const LEN: usize>(
    chunks: usize,
    recipe: &[(usize, u8)],
) -> [[[u8; 16]; 2]; LEN] {
    assert!(LEN == 256 * chunks);
    let mut table = [[[NONE; 16]; 2]; LEN];
    let mut mask = 0;
    while mask < 256 {
        let mut at = 0usize;
        let mut lane = 0u8;
        while lane < 8 {
            if (mask >> lane) & 1 == 1 {
                let mut k = 0;
                while k < recipe.len() {
                    let (source, index) = recipe[k];
                    // The digits are per lane (high ones at 8.. of source 0, low ones at 0..
                    // of source 1); the constants ('%', '2', '5') are not.
                    let index = if index == LANE_HIGH {
                        8 + lane
                    } else if index == LANE_LOW {
                        lane
                    } else {
                        index
                    };
                    table[mask * chunks + at / 16][source][at % 16] = index;
                    at += 1;
                    k += 1;
                }
            } else {
                table[mask * chunks + at / 16][0][at % 16] = lane;
                at += 1;
            }
            lane += 1;
        }
        mask += 1;
    }
    table
}

/// Placeholders in an escape recipe: the lane's high / low hex digit.
const LANE_HIGH: u8 = 0xF0;
const LANE_LOW: u8 = 0xF1;

/// `%XX`: '%' (source 1, index 8), the high digit, the low digit.
const SINGLE_RECIPE: [(usize, u8); 3] = [(1, 8), (0, LANE_HIGH), (1, LANE_LOW)];
/// `%25XX`: '%', '2', '5' (source 1, indexes 8, 9, 10), the high digit, the low digit.
const DOUBLE_RECIPE: [(usize, u8); 5] = [(1, 8), (1, 9), (1, 10), (0, LANE_HIGH), (1, LANE_LOW)];

/// Two 16-byte chunks (24 bytes used) per mask.
static SINGLE_SHUFFLES: [[[u8; 16]; 2]; 512] = shuffle_table(2, &SINGLE_RECIPE);
/// Three 16-byte chunks (40 bytes used) per mask.
static DOUBLE_SHUFFLES: [[[u8; 16]; 2]; 768] = shuffle_table(3, &DOUBLE_RECIPE);

/// Escapes the whole 16-byte chunks of `src` into `single` (`%XX`) and, when `DOUBLE`, into
/// `double` (`%25XX`), from positions `s` and `d`. Returns how many input bytes it consumed
/// (a multiple of 16; the caller's scalar encoder does the rest) and the new positions, or
/// `None` when the CPU lacks SSSE3.
///
/// The buffers must have room past the positions for the worst case of the input given
/// (3 or 5 output bytes per input byte), as [`super::Sink::ensure`] provides; a chunk whose
/// worst case does not fit is left whole to the caller (it never writes part of a chunk).
#[inline]
pub(super) fn escape_chunks<const DOUBLE: bool>(
    single: &mut [u8],
    s: usize,
    double: &mut [u8],
    d: usize,
    src: &[u8],
) -> Option<(usize, usize, usize)> {
    if src.len() < CHUNK || !std::arch::is_x86_feature_detected!("ssse3") {
        return None;
    }
    #[allow(unsafe_code)]
    // SAFETY: `escape_ssse3` only requires the SSSE3 target feature, checked just above; it
    // touches memory through safe slices only.
    let done = unsafe { escape_ssse3::<DOUBLE>(single, s, double, d, src) };
    Some(done)
}

#[target_feature(enable = "ssse3")]
fn escape_ssse3<const DOUBLE: bool>(
    single: &mut [u8],
    mut s: usize,
    double: &mut [u8],
    mut d: usize,
    src: &[u8],
) -> (usize, usize, usize) {
    let hex = vector(b"0123456789ABCDEF");
    let nibble = _mm_set1_epi8(0x0F);
    // "%25" at the start of both halves (indexes 8, 9, 10 of source 1 after the unpack).
    let percent = _mm_set_epi64x(0x35_32_25, 0x35_32_25);
    let mut consumed = 0;
    for chunk in src.chunks_exact(CHUNK) {
        // The room this chunk can need (16 × 3 and 16 × 5 bytes), taken before anything is
        // written, so the chunk is either encoded whole or left to the caller whole.
        let Some(one) = window::<{ 3 * CHUNK }>(single, s) else {
            break;
        };
        let mut two = None;
        if DOUBLE {
            two = window::<{ 5 * CHUNK }>(double, d);
            if two.is_none() {
                break;
            }
        }
        let (low, high) = halves(chunk);
        let input = _mm_set_epi64x(high as i64, low as i64);
        let mask = escaped_lanes(input);
        if mask == 0 {
            store_at(one, 0, &[low, high]);
            s += CHUNK;
            if let Some(two) = two {
                store_at(two, 0, &[low, high]);
                d += CHUNK;
            }
            consumed += CHUNK;
            continue;
        }
        let high_digits = _mm_shuffle_epi8(hex, _mm_and_si128(_mm_srli_epi16(input, 4), nibble));
        let low_digits = _mm_shuffle_epi8(hex, _mm_and_si128(input, nibble));
        let sources = [
            (
                _mm_unpacklo_epi64(input, high_digits),
                _mm_unpacklo_epi64(low_digits, percent),
            ),
            (
                _mm_unpackhi_epi64(input, high_digits),
                _mm_unpackhi_epi64(low_digits, percent),
            ),
        ];
        // Where the second half's output starts in each window (at most 24 and 40).
        let (mut at_one, mut at_two) = (0, 0);
        for (half, (zero, one_source)) in sources.into_iter().enumerate() {
            let lanes = (mask >> (8 * half)) & 0xFF;
            let escapes = lanes.count_ones() as usize;
            let words = expand::<2>(&SINGLE_SHUFFLES, lanes, zero, one_source);
            store_at(one, at_one, &words[..3]);
            at_one += 8 + 2 * escapes;
            if let Some(two) = two.as_deref_mut() {
                let words = expand::<3>(&DOUBLE_SHUFFLES, lanes, zero, one_source);
                store_at(two, at_two, &words[..5]);
                at_two += 8 + 4 * escapes;
            }
        }
        s += at_one;
        if DOUBLE {
            d += at_two;
        }
        consumed += CHUNK;
    }
    (consumed, s, d)
}

/// The 16-bit mask of the chunk's bytes that must be escaped: not `0-9`, `A-Z`, `a-z`, `-`,
/// `.`, `_` or `~`. Signed compares put every byte >= 0x80 outside the ranges (escaped).
#[target_feature(enable = "ssse3")]
fn escaped_lanes(x: __m128i) -> usize {
    let digit = between(x, b'0', b'9');
    let letter = between(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z');
    let dash_dot = between(x, b'-', b'.');
    let underscore = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8));
    let tilde = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'~' as i8));
    let unreserved = _mm_or_si128(
        _mm_or_si128(digit, letter),
        _mm_or_si128(dash_dot, _mm_or_si128(underscore, tilde)),
    );
    (!_mm_movemask_epi8(unreserved) & 0xFFFF) as usize
}

/// All-ones in the lanes of `v` within `lo..=hi` (signed compare: both are below 0x80).
#[target_feature(enable = "ssse3")]
fn between(v: __m128i, lo: u8, hi: u8) -> __m128i {
    _mm_and_si128(
        _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
        _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
    )
}

/// The output of one half under `lanes`, as little-endian words (`CHUNKS` × 16 bytes).
#[target_feature(enable = "ssse3")]
fn expand<const CHUNKS: usize>(
    table: &[[[u8; 16]; 2]],
    lanes: usize,
    zero: __m128i,
    one: __m128i,
) -> [u64; 6] {
    let mut words = [0u64; 6];
    for chunk in 0..CHUNKS {
        let Some([from_zero, from_one]) = table.get(lanes * CHUNKS + chunk) else {
            break;
        };
        let bytes = _mm_or_si128(
            _mm_shuffle_epi8(zero, vector(from_zero)),
            _mm_shuffle_epi8(one, vector(from_one)),
        );
        words[2 * chunk] = _mm_cvtsi128_si64(bytes) as u64;
        words[2 * chunk + 1] = _mm_cvtsi128_si64(_mm_unpackhi_epi64(bytes, bytes)) as u64;
    }
    words
}

/// 16 bytes as a vector.
#[target_feature(enable = "ssse3")]
fn vector(bytes: &[u8; 16]) -> __m128i {
    let (low, high) = halves(bytes);
    _mm_set_epi64x(high as i64, low as i64)
}

/// A 16-byte chunk as two little-endian words.
#[inline(always)]
fn halves(chunk: &[u8]) -> (u64, u64) {
    let mut low = [0u8; 8];
    let mut high = [0u8; 8];
    if let (Some(l), Some(h)) = (chunk.get(..8), chunk.get(8..16)) {
        low.copy_from_slice(l);
        high.copy_from_slice(h);
    }
    (u64::from_le_bytes(low), u64::from_le_bytes(high))
}

/// The `N` bytes at `at`, when they exist.
#[inline(always)]
fn window<const N: usize>(buffer: &mut [u8], at: usize) -> Option<&mut [u8; N]> {
    buffer
        .get_mut(at..at.checked_add(N)?)
        .and_then(|slot| slot.try_into().ok())
}

/// Writes `words` (little-endian) at `at` in `out`. The callers' offsets keep every write
/// inside the window (a half writes 24 or 40 bytes from offset 0, or from at most 24 or 40
/// in a 48- or 80-byte window), so the slot always exists.
#[inline(always)]
fn store_at<const N: usize>(out: &mut [u8; N], at: usize, words: &[u64]) {
    if let Some(slot) = out.get_mut(at..at + 8 * words.len()) {
        for (bytes, word) in slot.chunks_exact_mut(8).zip(words) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
    }
}
