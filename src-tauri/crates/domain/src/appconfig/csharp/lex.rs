//! The C# lexer for the Program.cs scanner: identifiers, string literals (their text), single
//! punctuation characters, and line numbers; comments, preprocessor lines and character literals
//! are skipped so that braces inside them do not count.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Ident,
    Str,
    Punct,
    Other,
}

#[derive(Debug, Clone)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) text: String,
    pub(super) line: u32,
}

pub(super) fn lex(source: &str) -> Vec<Tok> {
    let chars: Vec<char> = source.chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        pos: 0,
        line: 1,
        toks: Vec::new(),
    };
    lexer.run();
    lexer.toks
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    line: u32,
    toks: Vec<Tok>,
}

impl Lexer<'_> {
    fn at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.at(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
        }
        Some(c)
    }

    fn push(&mut self, kind: Kind, text: String, line: u32) {
        self.toks.push(Tok { kind, text, line });
    }

    fn run(&mut self) {
        let mut line_start = true;
        while let Some(c) = self.at(0) {
            let line = self.line;
            match c {
                '\n' => {
                    self.bump();
                    line_start = true;
                    continue;
                }
                c if c.is_whitespace() => {
                    self.bump();
                    continue;
                }
                '#' if line_start => self.skip_line(),
                '/' if self.at(1) == Some('/') => self.skip_line(),
                '/' if self.at(1) == Some('*') => self.skip_block_comment(),
                '"' | '@' | '$' if self.string_start().is_some() => {
                    let text = self.string();
                    self.push(Kind::Str, text, line);
                }
                '\'' => self.char_literal(),
                c if c.is_alphabetic() || c == '_' || c == '@' => {
                    self.bump();
                    let mut text = if c == '@' { String::new() } else { c.into() };
                    while let Some(n) = self.at(0).filter(|n| n.is_alphanumeric() || *n == '_') {
                        text.push(n);
                        self.bump();
                    }
                    self.push(Kind::Ident, text, line);
                }
                c if c.is_ascii_digit() => {
                    while self.at(0).is_some_and(|n| n.is_alphanumeric() || n == '.') {
                        self.bump();
                    }
                    self.push(Kind::Other, String::new(), line);
                }
                c => {
                    self.bump();
                    self.push(Kind::Punct, c.into(), line);
                }
            }
            line_start = false;
        }
    }

    fn skip_line(&mut self) {
        while self.at(0).is_some_and(|c| c != '\n') {
            self.bump();
        }
    }

    fn skip_block_comment(&mut self) {
        self.pos += 2;
        while let Some(c) = self.bump() {
            if c == '*' && self.at(0) == Some('/') {
                self.pos += 1;
                return;
            }
        }
    }

    /// At a string start: how many prefix characters (`$`, `@`) come before the first quote.
    fn string_start(&self) -> Option<usize> {
        let mut n = 0;
        while matches!(self.at(n), Some('$' | '@')) && n < 8 {
            n += 1;
        }
        (self.at(n) == Some('"')).then_some(n)
    }

    /// Consumes a string literal of any kind and returns its text (escapes resolved for plain and
    /// verbatim strings; interpolation holes kept as written).
    fn string(&mut self) -> String {
        let prefix = self.string_start().unwrap_or(0);
        let verbatim = self.chars[self.pos..self.pos + prefix].contains(&'@');
        let interpolated = self.chars[self.pos..self.pos + prefix].contains(&'$');
        self.pos += prefix;
        let mut quotes = 0;
        while self.at(quotes) == Some('"') {
            quotes += 1;
        }
        if quotes >= 3 {
            return self.raw_string(quotes);
        }
        self.bump(); // "
        let mut text = String::new();
        let mut holes = 0usize;
        while let Some(c) = self.bump() {
            match c {
                '"' if verbatim && self.at(0) == Some('"') => {
                    self.bump();
                    text.push('"');
                }
                '"' if holes == 0 => return text,
                '"' => {
                    // a string inside an interpolation hole
                    while let Some(inner) = self.bump() {
                        if inner == '"' || inner == '\n' {
                            break;
                        }
                    }
                }
                '\\' if !verbatim => {
                    if let Some(escaped) = self.bump() {
                        text.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                }
                '{' if interpolated && self.at(0) == Some('{') => {
                    self.bump();
                    text.push('{');
                }
                '{' if interpolated => {
                    holes += 1;
                    text.push('{');
                }
                '}' if interpolated && holes > 0 => {
                    holes -= 1;
                    text.push('}');
                }
                '\n' if !verbatim => return text,
                c => text.push(c),
            }
        }
        text
    }

    fn raw_string(&mut self, quotes: usize) -> String {
        self.pos += quotes;
        let mut text = String::new();
        while let Some(c) = self.at(0) {
            if c == '"' && (0..quotes).all(|k| self.at(k) == Some('"')) {
                self.pos += quotes;
                return text.trim().to_string();
            }
            text.push(c);
            self.bump();
        }
        text
    }

    fn char_literal(&mut self) {
        let line = self.line;
        // 'x', '\n', '\u0041', '\''
        let close = if self.at(1) == Some('\\') {
            (3..10).find(|&k| self.at(k) == Some('\''))
        } else {
            (self.at(2) == Some('\'')).then_some(2)
        };
        match close {
            Some(k) if (1..k).all(|j| self.at(j) != Some('\n')) => {
                for _ in 0..=k {
                    self.bump();
                }
                self.push(Kind::Other, String::new(), line);
            }
            _ => {
                self.bump();
                self.push(Kind::Punct, "'".into(), line);
            }
        }
    }
}
