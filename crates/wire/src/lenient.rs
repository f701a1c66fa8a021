//! Lenient deserializers for the response `Data` fields, matching what the service and the
//! official SDKs tolerate: `null` is "absent", an int64 may be a JSON number or a numeric
//! string, a boolean may be `"true"` / `"false"`. Anything else is an error, never a panic.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// The largest magnitude up to which every integer is exactly representable in an `f64`
/// (2^53). serde_json hands integers beyond the i64/u64 range over as (rounded) floats, so a
/// larger float may not be the number that was sent.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// `Option<i64>` from a number, a numeric string (surrounding spaces allowed) or `null`.
pub fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_any(OptI64)
}

/// `Option<bool>` from a boolean, `"true"` / `"false"` (any case) or `null`.
pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(OptBool)
}

/// Parses a numeric string the way the decoder accepts it.
pub fn parse_i64_text(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse().ok()
}

struct OptI64;

impl<'de> Visitor<'de> for OptI64 {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an int64 as a number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {v} is out of the int64 range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && (-EXACT_F64..=EXACT_F64).contains(&v) {
            // Integral and exactly representable, so the conversion is exact.
            Ok(Some(v as i64))
        } else {
            Err(E::custom(format!("number {v} is not an int64")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_i64_text(v).map(Some).ok_or_else(|| {
            let shown: String = v.chars().take(32).collect();
            E::custom(format!("string \"{shown}\" is not an int64"))
        })
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(OptI64)
    }
}

struct OptBool;

impl<'de> Visitor<'de> for OptBool {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean or \"true\" / \"false\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
            _ => {
                let shown: String = v.chars().take(32).collect();
                Err(E::custom(format!("string \"{shown}\" is not a boolean")))
            }
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(OptBool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
    }

    fn n(json: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<T>(json)
            .map(|t| t.n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn integers_from_numbers_and_strings() {
        assert_eq!(n(r#"{"n": 10}"#), Ok(Some(10)));
        assert_eq!(n(r#"{"n": "10"}"#), Ok(Some(10)));
        assert_eq!(n(r#"{"n": " -3 "}"#), Ok(Some(-3)));
        assert_eq!(n(r#"{"n": 10.0}"#), Ok(Some(10)));
        assert_eq!(n(r#"{"n": null}"#), Ok(None));
        assert_eq!(n(r#"{}"#), Ok(None));
        assert_eq!(n(r#"{"n": -9223372036854775808}"#), Ok(Some(i64::MIN)));
        assert_eq!(n(r#"{"n": "9223372036854775807"}"#), Ok(Some(i64::MAX)));
    }

    #[test]
    fn non_integers_are_errors() {
        for bad in [
            r#"{"n": 9223372036854775808}"#,
            r#"{"n": 1e300}"#,
            r#"{"n": 1.5}"#,
            r#"{"n": "abc"}"#,
            r#"{"n": ""}"#,
            r#"{"n": "99999999999999999999"}"#,
            r#"{"n": true}"#,
            r#"{"n": [1]}"#,
            r#"{"n": {"a": 1}}"#,
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_from_bools_and_strings() {
        let b = |json: &str| serde_json::from_str::<T>(json).map(|t| t.b).ok();
        assert_eq!(b(r#"{"b": true}"#), Some(Some(true)));
        assert_eq!(b(r#"{"b": "False"}"#), Some(Some(false)));
        assert_eq!(b(r#"{"b": null}"#), Some(None));
        assert_eq!(b(r#"{"b": "yes"}"#), None);
        assert_eq!(b(r#"{"b": 1}"#), None);
    }
}
