//! A tolerant reader for `appsettings*.json`, as ASP.NET Core reads them: comments (`//`, `/* */`)
//! and trailing commas allowed, a BOM skipped, CRLF or LF, keys compared case-insensitively, the
//! tree flattened into `Section:Key` paths, and a duplicate key reported (dotnet/runtime
//! `src/libraries/Microsoft.Extensions.Configuration.Json/src/JsonConfigurationFileParser.cs`:
//! `JsonCommentHandling.Skip`, `AllowTrailingCommas = true`, "A duplicate key '…' was found").
//!
//! Every entry keeps the line it starts on, so a finding can point at it. On a syntax error the
//! entries read so far are kept and the error names its line: a half-written file still gets
//! checked. Depends on `std` only (the fuzz target compiles this folder on its own) and never panics.

mod parser;

/// System.Text.Json's default `MaxDepth`; deeper documents are refused, as ASP.NET refuses them.
const MAX_DEPTH: usize = 64;

/// One flattened configuration entry: `MaskinportenSettings:Scope`, line 7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The full key with `:` between levels, in the file's own spelling.
    pub key: String,
    /// 1-based line of the key (or of the array element).
    pub line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An object or array: the start of a section.
    Section,
    /// A JSON string, unescaped.
    Text(String),
    /// A number, `true` or `false`, as written.
    Literal(String),
    Null,
}

impl Value {
    /// The value as configuration binding sees it (strings and literals alike).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Literal(s) => Some(s),
            Value::Section | Value::Null => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub line: u32,
    pub message: String,
}

/// What a file gave: its entries in document order, duplicate keys, and the first syntax error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub entries: Vec<Entry>,
    /// Keys that appear twice (ASP.NET refuses to start): the key and the second line.
    pub duplicates: Vec<(String, u32)>,
    pub error: Option<ReadError>,
}

impl Settings {
    /// The entry for `key`, compared case-insensitively as configuration keys are.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| same_key(&e.key, key))
    }

    /// Entries directly or deeply under `section` (`a:b` is under `a`).
    pub fn under<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| is_under(&e.key, section))
    }

    /// Whether `section` exists as a section or has anything under it.
    pub fn has_section(&self, section: &str) -> bool {
        self.get(section).is_some() || self.under(section).next().is_some()
    }
}

/// Configuration keys are case-insensitive (`StringComparer.OrdinalIgnoreCase`).
pub fn same_key(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// `key` is strictly inside `section`.
pub fn is_under(key: &str, section: &str) -> bool {
    key.len() > section.len() + 1
        && key.is_char_boundary(section.len())
        && key.as_bytes().get(section.len()) == Some(&b':')
        && same_key(&key[..section.len()], section)
}

/// Reads one appsettings file. Never fails: problems land in `Settings::error`.
pub fn read(text: &str) -> Settings {
    parser::run(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_trailing_commas_bom_and_crlf_are_read_as_asp_net_reads_them() {
        let text = "\u{FEFF}{\r\n  // a comment\r\n  \"A\": { \"b\": \"x\", /* c */ },\r\n  \"n\": [1, true,],\r\n}\r\n";
        let settings = read(text);
        assert_eq!(settings.error, None);
        assert_eq!(settings.get("a:B").map(|e| e.line), Some(3));
        assert_eq!(
            settings.get("A:b").map(|e| e.value.clone()),
            Some(Value::Text("x".into()))
        );
        assert_eq!(
            settings.get("n:1").and_then(|e| e.value.as_text()),
            Some("true")
        );
        assert_eq!(settings.get("n:1").map(|e| e.line), Some(4));
    }

    #[test]
    fn a_syntax_error_keeps_what_came_before_and_names_its_line() {
        let settings = read("{\n \"a\": 1,\n \"b\": nope\n}");
        assert_eq!(settings.get("a").map(|e| e.line), Some(2));
        assert_eq!(settings.error.as_ref().map(|e| e.line), Some(3));
    }

    #[test]
    fn duplicate_keys_differing_only_in_case_are_reported_with_the_second_line() {
        let settings = read("{\"Scope\": \"a\",\n\"scope\": \"b\"}");
        assert_eq!(settings.duplicates, vec![("scope".to_string(), 2)]);
        assert_eq!(
            settings.get("SCOPE").and_then(|e| e.value.as_text()),
            Some("b")
        );
    }

    #[test]
    fn deep_nesting_is_refused_instead_of_overflowing_the_stack() {
        let text = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read(&text).error.is_some());
    }

    #[test]
    fn keys_with_colons_are_paths_like_nested_sections() {
        let settings = read("{\"app:Mp\": {\"ClientId\": \"c\"}}");
        assert!(settings.has_section("APP:mp"));
        assert!(settings.has_section("app"));
        assert!(!settings.has_section("ap"));
    }
}
