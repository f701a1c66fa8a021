//! The timestamp format both signatures use: UTC, to the second, `YYYY-MM-DDThh:mm:ssZ`.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// A timestamp that cannot be written or read in the signatures' format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The year is outside `0000..=9999`, which the four-digit format cannot express.
    #[error("timestamp year {year} is outside 0000..=9999; pass the current UTC time")]
    OutOfRange {
        /// The year given.
        year: i32,
    },
    /// The text is not `YYYY-MM-DDThh:mm:ssZ`.
    #[error(
        "timestamp `{value}` is not UTC `YYYY-MM-DDThh:mm:ssZ` (for example 2024-01-02T03:04:05Z)"
    )]
    Malformed {
        /// The text given (truncated to 64 characters).
        value: String,
    },
}

/// Formats `at` as `YYYY-MM-DDThh:mm:ssZ`, converted to UTC and truncated to the second.
///
/// ```
/// use time::macros::datetime;
/// let text = dataworks_signer::timestamp::format(datetime!(2024-01-02 11:04:05.9 +08:00))?;
/// assert_eq!(text, "2024-01-02T03:04:05Z");
/// # Ok::<(), dataworks_signer::timestamp::TimestampError>(())
/// ```
pub fn format(at: OffsetDateTime) -> Result<String, TimestampError> {
    let utc = at.to_offset(UtcOffset::UTC);
    if !(0..=9999).contains(&utc.year()) {
        return Err(TimestampError::OutOfRange { year: utc.year() });
    }
    // Digits written into a fixed template: the `time` crate's formatter (and `format!`)
    // took ~4% of a v1 signing.
    let mut text = *b"0000-00-00T00:00:00Z";
    let fields = [
        (0..4, utc.year().unsigned_abs()),
        (5..7, u32::from(u8::from(utc.month()))),
        (8..10, u32::from(utc.day())),
        (11..13, u32::from(utc.hour())),
        (14..16, u32::from(utc.minute())),
        (17..19, u32::from(utc.second())),
    ];
    for (range, mut value) in fields {
        for digit in text.get_mut(range).unwrap_or_default().iter_mut().rev() {
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` (UTC) into an [`OffsetDateTime`].
pub fn parse(text: &str) -> Result<OffsetDateTime, TimestampError> {
    PrimitiveDateTime::parse(text, FORMAT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| TimestampError::Malformed {
            value: text.chars().take(64).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn known_values() {
        assert_eq!(
            format(datetime!(2016-02-23 12:46:24 UTC)).unwrap(),
            "2016-02-23T12:46:24Z"
        );
        assert_eq!(
            parse("2023-10-26T10:22:32Z").unwrap(),
            datetime!(2023-10-26 10:22:32 UTC)
        );
        assert!(matches!(
            parse("2023-10-26 10:22:32"),
            Err(TimestampError::Malformed { .. })
        ));
        assert!(matches!(
            parse("2023-10-26T10:22:32.5Z"),
            Err(TimestampError::Malformed { .. })
        ));
        assert!(parse("").is_err());
        assert_eq!(
            format(datetime!(-0001-01-01 0:00 UTC)),
            Err(TimestampError::OutOfRange { year: -1 })
        );
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(secs in 0i64..253_402_300_799) {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            prop_assert_eq!(parse(&format(at).unwrap()).unwrap(), at);
        }

        #[test]
        fn format_matches_the_time_crates_formatter(secs in 0i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap().replace_nanosecond(nanos).unwrap();
            prop_assert_eq!(format(at).unwrap(), at.format(FORMAT).unwrap());
        }

        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = parse(&text);
        }
    }
}
