//! When each token of Program.cs runs: matched brackets, function definitions, the innermost
//! function that holds each token, and the first call of each function, followed recursively.

use std::collections::HashMap;

use super::MAX_CALL_DEPTH;
use super::NOT_FUNCTIONS;
use super::lex::{Kind, Tok};

pub(super) fn partners(toks: &[Tok]) -> Vec<Option<usize>> {
    let mut partner = vec![None; toks.len()];
    let mut stack: Vec<(usize, &str)> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        match tok.text.as_str() {
            "(" | "{" if tok.kind == Kind::Punct => stack.push((i, tok.text.as_str())),
            ")" | "}" if tok.kind == Kind::Punct => {
                let want = if tok.text == ")" { "(" } else { "{" };
                // Unbalanced code: drop openers until the matching kind, so one stray bracket
                // does not shift every pair after it.
                while let Some((open, kind)) = stack.pop() {
                    if kind == want {
                        partner[open] = Some(i);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    partner
}

#[derive(Debug)]
pub(super) struct Function {
    name: String,
    /// Index of the name token.
    at: usize,
    /// Token range of the body, `{` to `}` inclusive.
    body: (usize, usize),
}

/// `Type Name(…) {` at any depth: local functions and methods.
pub(super) fn functions(toks: &[Tok], partner: &[Option<usize>]) -> Vec<Function> {
    let mut out = Vec::new();
    for i in 1..toks.len() {
        let tok = &toks[i];
        if tok.kind != Kind::Ident || NOT_FUNCTIONS.contains(&tok.text.as_str()) {
            continue;
        }
        let prev = &toks[i - 1];
        let typed = (prev.kind == Kind::Ident && !NOT_FUNCTIONS.contains(&prev.text.as_str()))
            || matches!(prev.text.as_str(), ">" | "]" | "?");
        if !typed || toks.get(i + 1).map(|t| t.text.as_str()) != Some("(") {
            continue;
        }
        let Some(close) = partner[i + 1] else {
            continue;
        };
        if toks.get(close + 1).map(|t| t.text.as_str()) != Some("{") {
            continue;
        }
        let end = partner[close + 1].unwrap_or(toks.len().saturating_sub(1));
        out.push(Function {
            name: tok.text.clone(),
            at: i,
            body: (close + 1, end),
        });
    }
    out
}

/// For each token, the innermost function whose body holds it: one sweep with a stack of open
/// bodies (bodies nest, as they come from matched braces).
pub(super) fn owners(len: usize, functions: &[Function]) -> Vec<Option<usize>> {
    let mut owner = vec![None; len];
    let mut by_start: Vec<usize> = (0..functions.len()).collect();
    by_start.sort_by_key(|&f| (functions[f].body.0, usize::MAX - functions[f].body.1));
    let mut next = by_start.into_iter().peekable();
    let mut open: Vec<usize> = Vec::new();
    for (i, slot) in owner.iter_mut().enumerate() {
        while open.last().is_some_and(|&f| functions[f].body.1 < i) {
            open.pop();
        }
        while let Some(f) = next.next_if(|&f| functions[f].body.0 <= i) {
            open.push(f);
        }
        *slot = open.last().copied();
    }
    owner
}

pub(super) struct Orders<'a> {
    functions: &'a [Function],
    owner: &'a [Option<usize>],
    /// Call sites by name: `Name(` not preceded by `.`.
    sites: HashMap<&'a str, Vec<usize>>,
    memo: Vec<Option<Option<Vec<usize>>>>,
}

impl<'a> Orders<'a> {
    pub(super) fn new(
        toks: &'a [Tok],
        functions: &'a [Function],
        owner: &'a [Option<usize>],
    ) -> Self {
        let mut sites: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, tok) in toks.iter().enumerate() {
            let called = tok.kind == Kind::Ident
                && toks.get(i + 1).is_some_and(|t| t.text == "(")
                && (i == 0 || toks[i - 1].text != ".");
            if called {
                sites.entry(tok.text.as_str()).or_default().push(i);
            }
        }
        Self {
            functions,
            owner,
            sites,
            memo: vec![None; functions.len()],
        }
    }

    /// When token `i` runs: top-level statements run in text order; inside a function, at its
    /// first call (recursively), then in text order within the body.
    pub(super) fn of(&mut self, i: usize, depth: usize) -> Option<Vec<usize>> {
        let Some(f) = self.owner.get(i).copied().flatten() else {
            return Some(vec![i]);
        };
        let mut key = self.function(f, depth)?;
        key.push(i);
        Some(key)
    }

    fn function(&mut self, f: usize, depth: usize) -> Option<Vec<usize>> {
        if let Some(known) = &self.memo[f] {
            return known.clone();
        }
        if depth >= MAX_CALL_DEPTH {
            return None;
        }
        self.memo[f] = Some(None); // a recursive call finds "unknown", not a loop
        let function = &self.functions[f];
        let mut best: Option<Vec<usize>> = None;
        if function.name == "Main" {
            best = Some(vec![function.at]);
        }
        let sites: Vec<usize> = self
            .sites
            .get(function.name.as_str())
            .map(|s| s.iter().copied().filter(|&i| i != function.at).collect())
            .unwrap_or_default();
        for site in sites {
            if let Some(key) = self.of(site, depth + 1)
                && best.as_ref().is_none_or(|b| key < *b)
            {
                best = Some(key);
            }
        }
        self.memo[f] = Some(best.clone());
        best
    }
}
