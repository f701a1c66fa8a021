//! Parameter pairs as the signing functions take them.

/// One name/value parameter. Implemented for any pair of string-likes (`(String, String)`,
/// `(&str, &str)`, `(&String, &String)` as a map iterator yields, …) and references to them, so
/// the signing functions accept slices, vectors and map iterators alike.
pub trait Param {
    /// The parameter's name (not encoded).
    fn name(&self) -> &str;
    /// The parameter's value (not encoded).
    fn value(&self) -> &str;
}

impl<K: AsRef<str>, V: AsRef<str>> Param for (K, V) {
    fn name(&self) -> &str {
        self.0.as_ref()
    }
    fn value(&self) -> &str {
        self.1.as_ref()
    }
}

impl<P: Param + ?Sized> Param for &P {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn value(&self) -> &str {
        (**self).value()
    }
}

/// The pairs of `params`, borrowed and sorted by name then value (raw code-point order, which is
/// UTF-8 byte order). Sorting by value too makes duplicate names order-independent.
pub(crate) fn sorted<P: Param>(params: &[P]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = params.iter().map(|p| (p.name(), p.value())).collect();
    pairs.sort_unstable();
    pairs
}

/// Merges two lists sorted as [`sorted`] sorts into one sorted list (fewer comparisons than
/// sorting their concatenation, which showed up in the v1 signing profile).
pub(crate) fn merge_sorted<'a>(
    a: &[(&'a str, &'a str)],
    b: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if y < x {
            merged.push(*y);
            j += 1;
        } else {
            merged.push(*x);
            i += 1;
        }
    }
    merged.extend_from_slice(a.get(i..).unwrap_or_default());
    merged.extend_from_slice(b.get(j..).unwrap_or_default());
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn merging_equals_sorting_the_concatenation(
            a in proptest::collection::vec(("[a-cA-C_é]{0,3}", "[xy ]{0,2}"), 0..8),
            b in proptest::collection::vec(("[a-cA-C_é]{0,3}", "[xy ]{0,2}"), 0..8),
        ) {
            let (a, b) = (sorted(&a), sorted(&b));
            let mut expected = [a.clone(), b.clone()].concat();
            expected.sort_unstable();
            prop_assert_eq!(merge_sorted(&a, &b), expected);
        }
    }

    #[test]
    fn pairs_of_many_shapes() {
        let owned = [("b".to_string(), "2".to_string()), ("a".into(), "1".into())];
        assert_eq!(sorted(&owned), vec![("a", "1"), ("b", "2")]);
        let borrowed = [("z", ""), ("z", " "), ("Z", "x")];
        assert_eq!(sorted(&borrowed), vec![("Z", "x"), ("z", ""), ("z", " ")]);
        let map: BTreeMap<String, String> = [("k".to_string(), "v".to_string())].into();
        let from_map: Vec<(&String, &String)> = map.iter().collect();
        assert_eq!(sorted(&from_map), vec![("k", "v")]);
    }

    #[test]
    fn code_point_order() {
        let params = [
            ("_", ""),
            ("a", ""),
            ("A", ""),
            ("0", ""),
            (".", ""),
            ("é", ""),
        ];
        let names: Vec<&str> = sorted(&params).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec![".", "0", "A", "_", "a", "é"]);
    }
}
