//! A secret-free local history of what was done (`history.jsonl` in the data folder): one JSON
//! line per action with the profile, the app, instance ids and the outcome. Never a token, a
//! key or a full national identity number.

use std::io::Write;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::datadir::{DataDir, DataDirError};

pub const FILE: &str = "history.jsonl";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryEntry {
    /// RFC 3339.
    pub at: String,
    pub profile: String,
    /// What was done, e.g. `instantiate`, `process-next`, `delete`, `bulk`.
    pub action: String,
    pub app: Option<String>,
    pub instance_id: Option<String>,
    /// Owner as a label (`organisation 310987654`, `person 15058******`).
    pub owner: Option<String>,
    pub outcome: String,
}

impl HistoryEntry {
    pub fn new(
        now: OffsetDateTime,
        profile: &str,
        action: &str,
        outcome: impl Into<String>,
    ) -> Self {
        Self {
            at: now
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            profile: profile.into(),
            action: action.into(),
            app: None,
            instance_id: None,
            owner: None,
            outcome: outcome.into(),
        }
    }
}

pub fn append(dir: &DataDir, entry: &HistoryEntry) -> Result<(), DataDirError> {
    let path = dir.file(FILE);
    let write = |source| DataDirError::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(dir.root()).map_err(write)?;
    let mut line = serde_json::to_string(entry).map_err(|e| write(e.into()))?;
    line.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .map_err(write)
}

/// The entries, oldest first; a damaged line is skipped, not fatal (the file is append-only).
pub fn load(dir: &DataDir) -> Result<Vec<HistoryEntry>, DataDirError> {
    let path = dir.file(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(DataDirError::Read { path, source }),
    }
}
