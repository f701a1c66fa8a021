//! `${name}` substitution with an environment's variables. `$${` writes a literal `${`.

use std::collections::BTreeMap;

use serde_json::Value;

/// A `${name}` with no value in the environment, at byte `offset` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedVariable {
    /// The variable's name.
    pub name: String,
    /// Byte offset of the `$` in the text.
    pub offset: usize,
}

/// Replaces every `${name}` in `text`; `escape` turns a value into what is written (JSON
/// string escaping for a document's text, nothing for a TOML value). Every undefined
/// variable is reported, not only the first.
///
/// ```
/// use std::collections::BTreeMap;
/// let vars = BTreeMap::from([("ds".to_owned(), "mysql_prod".to_owned())]);
/// let out = dataworks_project::substitute("${ds} costs $${x}", &vars, |v| v.to_owned());
/// assert_eq!(out.unwrap(), "mysql_prod costs ${x}");
/// ```
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
    escape: impl Fn(&str) -> String,
) -> Result<String, Vec<UndefinedVariable>> {
    let mut out = String::with_capacity(text.len());
    let mut undefined = Vec::new();
    let mut rest = text;
    let mut consumed = 0;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
            consumed += at + 3;
            continue;
        }
        if let Some(body) = tail.strip_prefix("${")
            && let Some(end) = body.find('}')
        {
            let name = body[..end].trim();
            match vars.get(name) {
                Some(value) => out.push_str(&escape(value)),
                None => undefined.push(UndefinedVariable {
                    name: name.to_owned(),
                    offset: consumed + at,
                }),
            }
            rest = &body[end + 1..];
            consumed += at + 2 + end + 1;
            continue;
        }
        out.push('$');
        rest = &tail[1..];
        consumed += at + 1;
    }
    out.push_str(rest);
    if undefined.is_empty() {
        Ok(out)
    } else {
        Err(undefined)
    }
}

/// The JSON string escaping of a value, without the quotes (for substitution inside a
/// JSON text: a value with quotes or backslashes cannot break the document).
pub fn json_escape(value: &str) -> String {
    let quoted = Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

/// Substitutes in every string of a JSON value; undefined variables by JSON pointer.
pub fn substitute_value(
    value: &mut Value,
    vars: &BTreeMap<String, String>,
    pointer: &str,
    undefined: &mut Vec<(String, UndefinedVariable)>,
) {
    match value {
        Value::String(s) => match substitute(s, vars, str::to_owned) {
            Ok(new) => *s = new,
            Err(missing) => undefined.extend(missing.into_iter().map(|u| (pointer.to_owned(), u))),
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                substitute_value(item, vars, &format!("{pointer}/{i}"), undefined);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let key = k.replace('~', "~0").replace('/', "~1");
                substitute_value(v, vars, &format!("{pointer}/{key}"), undefined);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("a".to_owned(), "A".to_owned()),
            ("q".to_owned(), "say \"hi\"\\".to_owned()),
        ])
    }

    #[test]
    fn every_undefined_variable_is_reported_with_its_offset() {
        let err = substitute("x ${nope} ${a} ${also}", &vars(), str::to_owned).unwrap_err();
        assert_eq!(
            err,
            vec![
                UndefinedVariable {
                    name: "nope".into(),
                    offset: 2
                },
                UndefinedVariable {
                    name: "also".into(),
                    offset: 15
                }
            ]
        );
    }

    #[test]
    fn values_are_escaped_for_json() {
        let text = r#"{"k": "${q}"}"#;
        let out = substitute(text, &vars(), json_escape).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["k"], "say \"hi\"\\");
    }

    #[test]
    fn a_lone_dollar_and_an_unclosed_brace_stay() {
        assert_eq!(
            substitute("$5 ${a", &vars(), str::to_owned).unwrap(),
            "$5 ${a"
        );
    }

    proptest! {
        /// Text without `$` is unchanged; with a defined variable, no `${` is left.
        #[test]
        fn substitution_is_total(text in "[^$]{0,40}", before in "[^$]{0,5}") {
            prop_assert_eq!(substitute(&text, &vars(), str::to_owned).unwrap(), text.clone());
            let with = format!("{before}${{a}}{text}");
            let out = substitute(&with, &vars(), str::to_owned).unwrap();
            prop_assert_eq!(out, format!("{before}A{text}"));
        }
    }
}
