//! The conformance corpus (`tests/conformance/<service>/*.json`): real request/response pairs
//! from public sources (SDK test recordings, Altinn's test fixtures and controllers, Digdir's
//! documented bodies), each naming where it comes from. The replay tests run the responses
//! through the domain's parsers; the sandbox tests send the request shapes to the sandbox and
//! compare the shape of its answers. Nothing here is fetched: the files are the record.

use std::path::{Path, PathBuf};

use assistant_domain::http::HttpResponse;
use serde::Deserialize;
use serde_json::Value;

/// Where a recording comes from: a repository file (with its commit when known) or a page.
#[derive(Debug, Deserialize)]
pub struct Source {
    pub repo: Option<String>,
    pub path: Option<String>,
    pub commit: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Request {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: serde_json::Map<String, Value>,
    pub body: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Response {
    pub status: u16,
    #[serde(default)]
    pub headers: serde_json::Map<String, Value>,
    pub body: Option<Value>,
}

/// One recorded exchange and what the tool must make of it.
#[derive(Debug, Deserialize)]
pub struct Recorded {
    pub id: String,
    pub service: String,
    pub call: String,
    pub source: Source,
    pub shows: String,
    pub request: Request,
    pub response: Response,
    #[serde(default)]
    pub notes: String,
    /// The tool's verdict on the response: `verdict` plus call-specific fields, and `says`,
    /// words the person-facing explanation must contain.
    pub expect: Value,
    /// How the sandbox answers the same request, when it emulates the call: `skip` with the
    /// reason when it does not.
    #[serde(default)]
    pub sandbox: Option<Value>,
    #[serde(skip)]
    pub file: PathBuf,
}

/// A stand-in for a redacted token, shaped like a JWT so parsers that decode claims can run.
pub const SYNTHETIC_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL3BsYXRmb3JtLnR0MDIuYWx0aW5uLm5vL2F1dGhlbnRpY2F0aW9uL2FwaS92MS9vcGVuaWQvIiwidXJuOmFsdGlubjpvcmdOdW1iZXIiOiI5OTE4MjU4MjciLCJleHAiOjE4MDAwMDAwMDAsImlhdCI6MTc5OTk5ODIwMH0.c2ln";

impl Response {
    /// The response as the transport would hand it over. A JSON body is serialized; a string is
    /// sent as it stands; a redacted token is replaced by [`SYNTHETIC_JWT`].
    pub fn http(&self) -> HttpResponse {
        let body = match &self.body {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(text)) => unredact(text).into_bytes(),
            Some(other) => unredact(&other.to_string()).into_bytes(),
        };
        HttpResponse {
            status: self.status,
            headers: self
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect(),
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    }
}

fn unredact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("<redacted") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        out.push_str(SYNTHETIC_JWT);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Every recorded exchange, sorted by file.
pub fn load_all() -> Vec<Recorded> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/conformance")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .flat_map(|d| std::fs::read_dir(d.path()).expect("service folder"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("readable");
            let mut recorded: Recorded =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            recorded.file = file;
            recorded
        })
        .collect()
}

impl Recorded {
    pub fn verdict(&self) -> &str {
        self.expect["verdict"].as_str().unwrap_or_default()
    }

    pub fn says(&self) -> Vec<&str> {
        self.expect["says"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.expect[name].as_str()
    }
}

/// The shape of a body for comparison: objects by their keys (recursively), arrays by their first
/// element, strings and numbers by kind; an empty body as `empty`.
pub fn shape(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::String("empty".into());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => shape_of(&value),
        Err(_) => Value::String("text".into()),
    }
}

pub fn shape_of(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape_of(v))).collect())
        }
        Value::Array(items) => Value::Array(items.first().map(shape_of).into_iter().collect()),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::Null,
    }
}

/// A transport that answers from a list, in order, and keeps every request it was sent.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: std::sync::Mutex<std::collections::VecDeque<HttpResponse>>,
    sent: std::sync::Mutex<Vec<assistant_domain::http::HttpRequest>>,
}

impl Scripted {
    pub fn answering(answers: Vec<HttpResponse>) -> Self {
        Self {
            answers: std::sync::Mutex::new(answers.into()),
            sent: std::sync::Mutex::default(),
        }
    }

    pub fn sent(&self) -> Vec<assistant_domain::http::HttpRequest> {
        self.sent.lock().expect("lock").clone()
    }
}

impl assistant_domain::http::Transport for Scripted {
    fn send(
        &self,
        request: assistant_domain::http::HttpRequest,
    ) -> assistant_domain::http::BoxFuture<
        '_,
        Result<HttpResponse, assistant_domain::http::TransportError>,
    > {
        self.sent.lock().expect("lock").push(request);
        let answer = self.answers.lock().expect("lock").pop_front();
        Box::pin(async move { Ok(answer.expect("the script has an answer for every request")) })
    }
}
