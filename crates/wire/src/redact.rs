//! `Debug` helpers that keep documents out of logs.
//!
//! Task scripts (`TaskContent`, `TaskParam`, `Code`, ...) may carry connection settings, and
//! they are large; the generated `Debug` impls print them as their size.

use std::fmt;

/// Prints a JSON document carried as a string as `<JSON document, N bytes>`.
pub struct JsonDoc<'a>(pub &'a str);

impl fmt::Debug for JsonDoc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<JSON document, {} bytes>", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_the_size() {
        let shown = format!("{:?}", JsonDoc(r#"{"password":"hunter2"}"#));
        assert_eq!(shown, "<JSON document, 22 bytes>");
    }
}
