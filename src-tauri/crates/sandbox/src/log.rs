//! The request log: one secret-free line per request served. It keeps the method, the path with
//! only safe query values, the status, the duration and a short outcome (an error code). It never
//! keeps headers, bodies, tokens or assertions.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use time::OffsetDateTime;

use crate::Service;

/// The log keeps the latest entries only.
const CAPACITY: usize = 5_000;
/// Query parameters whose values are safe to log; any other value becomes `***`.
const SAFE_QUERY: &[&str] = &[
    "api-version",
    "maxresults",
    "test",
    "instanceOwnerPartyId",
    "language",
    "$skiptoken",
];

/// One served request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// When it arrived (real time, not the skewed clock).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Which emulated host served it.
    pub service: Service,
    /// HTTP method.
    pub method: String,
    /// Path, plus the query with unsafe values masked.
    pub path: String,
    /// Status sent; `None` when the connection was dropped on purpose.
    pub status: Option<u16>,
    /// Time to answer.
    pub duration_ms: u64,
    /// Short outcome: `ok`, an error code such as `MP-110` or `SecretNotFound`, or `fault:…`.
    pub outcome: String,
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<LogEntry>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: LogEntry) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<LogEntry> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.iter().cloned().collect()
    }
}

/// The path and a masked query: `?api-version=7.6&code=***`.
pub(crate) fn loggable_path(uri: &axum::http::Uri) -> String {
    let mut out = uri.path().to_owned();
    if let Some(query) = uri.query() {
        let masked: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if SAFE_QUERY.contains(&key) => format!("{key}={value}"),
                Some((key, _)) => format!("{key}=***"),
                None => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_query_values_are_masked() {
        let uri: axum::http::Uri = "/secrets?api-version=7.6&code=abc"
            .parse()
            .unwrap_or_default();
        assert_eq!(loggable_path(&uri), "/secrets?api-version=7.6&code=***");
    }
}
