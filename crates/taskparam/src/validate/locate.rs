//! Finds the line and column of JSON pointers in JSON text, in one pass over the text.
//!
//! Only called when a document has problems; the text is known to be valid JSON (it parsed),
//! but the scanner never panics on anything.

use std::collections::{HashMap, HashSet};

/// 1-based (line, column) of each wanted pointer found in `text`. Columns count characters.
pub fn locate(text: &str, wanted: &HashSet<&str>) -> HashMap<String, (usize, usize)> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        wanted,
        found: Vec::new(),
    };
    let mut path = String::new();
    scanner.value(&mut path, 0);
    let found = scanner.found;
    // Byte offsets → (line, column), walking the text once in offset order.
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| found.get(i).map_or(0, |f| f.1));
    // The column is counted as the walk goes (one step per character start byte), so the
    // whole conversion is linear in the text even for a one-line document with many problems.
    let mut out = HashMap::with_capacity(found.len());
    let (mut line, mut column, mut at) = (1usize, 1usize, 0usize);
    for i in order {
        let Some((pointer, offset)) = found.get(i) else {
            continue;
        };
        let offset = (*offset).min(text.len());
        while at < offset {
            match text.as_bytes().get(at) {
                Some(b'\n') => {
                    line += 1;
                    column = 1;
                }
                Some(&byte) if byte & 0xC0 != 0x80 => column += 1,
                _ => {}
            }
            at += 1;
        }
        out.insert(pointer.clone(), (line, column));
    }
    out
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    wanted: &'a HashSet<&'a str>,
    found: Vec<(String, usize)>,
}

/// serde_json refuses deeper documents, so a valid text never reaches this.
const MAX_DEPTH: usize = 256;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, path: &mut String, depth: usize) {
        self.skip_ws();
        if self.wanted.contains(path.as_str()) {
            self.found.push((path.clone(), self.pos));
        }
        if depth > MAX_DEPTH {
            self.pos = self.bytes.len();
            return;
        }
        match self.peek() {
            Some(b'{') => self.object(path, depth),
            Some(b'[') => self.array(path, depth),
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    // Not JSON here (never in text that parsed): always make progress.
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    /// Skips a string starting at `"`; returns its raw contents (between the quotes).
    fn string(&mut self) -> Option<(usize, usize)> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.pos += 2,
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return Some((start, end));
                }
                _ => self.pos += 1,
            }
        }
        None
    }

    fn key(&mut self) -> Option<String> {
        let (start, end) = self.string()?;
        let raw = self.bytes.get(start..end)?;
        let raw = std::str::from_utf8(raw).ok()?;
        if raw.contains('\\') {
            serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()
        } else {
            Some(raw.to_owned())
        }
    }

    fn object(&mut self, path: &mut String, depth: usize) {
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => {
                    self.pos = self.bytes.len();
                    return;
                }
            }
            let Some(key) = self.key() else {
                self.pos = self.bytes.len();
                return;
            };
            self.skip_ws();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            let len = path.len();
            path.push('/');
            path.push_str(&crate::util::escape_pointer_token(&key));
            self.value(path, depth + 1);
            path.truncate(len);
        }
    }

    fn array(&mut self, path: &mut String, depth: usize) {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return;
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                None => return,
                Some(_) => {}
            }
            let len = path.len();
            path.push('/');
            path.push_str(&index.to_string());
            self.value(path, depth + 1);
            path.truncate(len);
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_nested_pointers() {
        let text = "{\n  \"a\": [1,\n    {\"b/c\": \"x\"}],\n  \"é\": true\n}";
        let wanted: HashSet<&str> = ["", "/a/1/b~1c", "/a/0", "/é", "/missing"]
            .into_iter()
            .collect();
        let found = locate(text, &wanted);
        assert_eq!(found.get(""), Some(&(1, 1)));
        assert_eq!(found.get("/a/0"), Some(&(2, 9)));
        assert_eq!(found.get("/a/1/b~1c"), Some(&(3, 13)));
        assert_eq!(found.get("/é"), Some(&(4, 8)));
        assert_eq!(found.get("/missing"), None);
        // Not JSON: still terminates.
        for text in ["[}", "{\"a\":}", "[,,]", "{\"a\" 1 2}", "\"\\"] {
            let _ = locate(text, &wanted);
        }
    }

    #[test]
    fn columns_count_characters_on_one_long_line() {
        let text = r#"{"é":1,"b":[1,"ü",3]}"#;
        let wanted: HashSet<&str> = ["/é", "/b/1", "/b/2"].into_iter().collect();
        let found = locate(text, &wanted);
        assert_eq!(found.get("/é"), Some(&(1, 6)));
        assert_eq!(found.get("/b/1"), Some(&(1, 15)));
        assert_eq!(found.get("/b/2"), Some(&(1, 19)));
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let wanted: HashSet<&str> = ["", "/a", "/0"].into_iter().collect();
            let _ = locate(&text, &wanted);
        }
    }
}
