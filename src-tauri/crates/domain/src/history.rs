//! A secret-free local history of what was done (`history.jsonl` in the data folder): one JSON
//! line per action with the profile, the app, instance ids and the outcome. Never a token, a
//! key or a full national identity number.

use std::io::Write;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::checklist::{StepId, StepState};
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
    /// The checklist step this line proves or changes (see `checklist`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub step: Option<StepId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub state: Option<StepState>,
    /// The key the action used: a proof made with an older key does not count for the new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kid: Option<String>,
    /// Secret-free facts for the report: decoded claims (never a signature or a whole token),
    /// the path found, the folder checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub detail: Option<serde_json::Value>,
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
            step: None,
            state: None,
            kid: None,
            detail: None,
        }
    }

    /// Marks the line as the outcome of a checklist step.
    pub fn for_step(mut self, step: StepId, state: StepState) -> Self {
        self.step = Some(step);
        self.state = Some(state);
        self
    }

    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
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
