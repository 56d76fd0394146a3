//! The recursive-descent parser behind `json::read`: System.Text.Json's grammar with comments and
//! trailing commas, entries pushed as they are read so a syntax error keeps what came before.

use std::collections::HashSet;

use super::{Entry, MAX_DEPTH, ReadError, Settings, Value};

/// Parses `text` into flattened entries; never fails (problems land in `Settings::error`).
pub(super) fn run(text: &str) -> Settings {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        out: Settings::default(),
        seen: HashSet::new(),
    };
    if parser.bytes.starts_with(b"\xEF\xBB\xBF") {
        parser.pos = 3;
    }
    if let Err(error) = parser.document() {
        parser.out.error = Some(error);
    }
    parser.out
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    out: Settings,
    /// Lower-cased keys read so far.
    seen: HashSet<String>,
}

type Step<T = ()> = Result<T, ReadError>;

impl Parser<'_> {
    fn fail<T>(&self, message: impl Into<String>) -> Step<T> {
        Err(ReadError {
            line: self.line,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line = self.line.saturating_add(1);
        }
        Some(b)
    }

    /// Whitespace and comments.
    fn skip(&mut self) -> Step {
        loop {
            match (self.peek(), self.bytes.get(self.pos + 1).copied()) {
                (Some(b' ' | b'\t' | b'\r' | b'\n'), _) => {
                    self.bump();
                }
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.bump();
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.line;
                    self.pos += 2;
                    loop {
                        match self.bump() {
                            Some(b'*') if self.peek() == Some(b'/') => {
                                self.pos += 1;
                                break;
                            }
                            Some(_) => {}
                            None => {
                                return Err(ReadError {
                                    line: start,
                                    message: "a /* comment is never closed".into(),
                                });
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn document(&mut self) -> Step {
        self.skip()?;
        if self.peek() != Some(b'{') {
            if self.peek().is_none() {
                return self.fail("the file is empty; ASP.NET needs at least {}");
            }
            return self
                .fail("the file must start with { (the top level of appsettings is an object)");
        }
        self.object("", 1)?;
        self.skip()?;
        match self.peek() {
            None => Ok(()),
            Some(_) => self.fail("there is text after the closing }"),
        }
    }

    fn push(&mut self, key: &str, line: u32, value: Value) {
        // Keys compare case-insensitively; a set keeps big files linear.
        if !self.seen.insert(key.to_lowercase()) {
            self.out.duplicates.push((key.to_string(), line));
        }
        self.out.entries.push(Entry {
            key: key.to_string(),
            line,
            value,
        });
    }

    fn value(&mut self, key: &str, line: u32, depth: usize) -> Step {
        if depth > MAX_DEPTH {
            return self.fail(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        match self.peek() {
            Some(b'{') => {
                self.push(key, line, Value::Section);
                self.object(key, depth + 1)
            }
            Some(b'[') => {
                self.push(key, line, Value::Section);
                self.array(key, depth + 1)
            }
            Some(b'"') => {
                let text = self.string()?;
                self.push(key, line, Value::Text(text));
                Ok(())
            }
            Some(_) => {
                let literal = self.literal()?;
                let value = if literal == "null" {
                    Value::Null
                } else {
                    Value::Literal(literal)
                };
                self.push(key, line, value);
                Ok(())
            }
            None => self.fail("the file ends where a value was expected"),
        }
    }

    fn object(&mut self, prefix: &str, depth: usize) -> Step {
        self.bump(); // {
        loop {
            self.skip()?;
            match self.peek() {
                Some(b'}') => {
                    self.bump();
                    return Ok(());
                }
                Some(b'"') => {}
                Some(_) => return self.fail("expected a \"quoted\" key or }"),
                None => return self.fail("the file ends inside an object: a } is missing"),
            }
            let line = self.line;
            let name = self.string()?;
            self.skip()?;
            if self.bump() != Some(b':') {
                return self.fail(format!("expected : after \"{name}\""));
            }
            self.skip()?;
            let key = join(prefix, &name);
            self.value(&key, line, depth)?;
            self.skip()?;
            match self.peek() {
                Some(b',') => {
                    self.bump();
                }
                Some(b'}') => {}
                _ => return self.fail(format!("expected , or }} after the value of \"{name}\"")),
            }
        }
    }

    fn array(&mut self, prefix: &str, depth: usize) -> Step {
        self.bump(); // [
        let mut index = 0usize;
        loop {
            self.skip()?;
            match self.peek() {
                Some(b']') => {
                    self.bump();
                    return Ok(());
                }
                None => return self.fail("the file ends inside a list: a ] is missing"),
                Some(_) => {}
            }
            let key = join(prefix, &index.to_string());
            let line = self.line;
            self.value(&key, line, depth)?;
            index += 1;
            self.skip()?;
            match self.peek() {
                Some(b',') => {
                    self.bump();
                }
                Some(b']') => {}
                _ => return self.fail("expected , or ] in a list"),
            }
        }
    }

    fn string(&mut self) -> Step<String> {
        let start = self.line;
        self.bump(); // "
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.bump() {
                Some(b'"') => return Ok(String::from_utf8_lossy(&out).into_owned()),
                Some(b'\\') => {
                    let escaped = match self.bump() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return self.fail("a string has an unknown \\ escape"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(escaped.encode_utf8(&mut buf).as_bytes());
                }
                Some(b'\n') => return self.fail("a string runs past the end of its line"),
                Some(b) => out.push(b),
                None => {
                    return Err(ReadError {
                        line: start,
                        message: "a string is never closed (a \" is missing)".into(),
                    });
                }
            }
        }
    }

    fn hex4(&mut self) -> Step<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self.bump().and_then(|b| (b as char).to_digit(16));
            match digit {
                Some(d) => value = value * 16 + d,
                None => return self.fail("a \\u escape needs four hex digits"),
            }
        }
        Ok(value)
    }

    /// `\uXXXX`, with surrogate pairs; a lone surrogate becomes U+FFFD, as .NET's decoder does.
    fn unicode_escape(&mut self) -> Step<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u".as_slice())
        {
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            return Ok('\u{FFFD}');
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }

    /// Numbers, `true`, `false`, `null`.
    fn literal(&mut self) -> Step<String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
        {
            self.bump();
        }
        let word = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
        let number = word.starts_with(|c: char| c == '-' || c.is_ascii_digit())
            && word.chars().any(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
        if number || matches!(word.as_str(), "true" | "false" | "null") {
            Ok(word)
        } else if word.is_empty() {
            let shown = self.bytes[self.pos..]
                .iter()
                .take(12)
                .map(|&b| b as char)
                .filter(|c| !c.is_control())
                .collect::<String>();
            self.fail(format!("unexpected \"{shown}\" where a value was expected"))
        } else {
            self.fail(format!(
                "\"{word}\" is not a JSON value (strings need \"quotes\"; true, false and null are lower case)"
            ))
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}:{name}")
    }
}
