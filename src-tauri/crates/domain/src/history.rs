//! A secret-free local history of what was done (`history.jsonl` in the data folder): one JSON
//! line per action with the profile, the app, instance ids and the outcome. Never a token, a
//! key or a full national identity number.

use std::io::Write;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::datadir::{DataDir, DataDirError};
use crate::profile::ProfileName;
use crate::steps::{StepId, StepState};

pub const FILE: &str = "history.jsonl";

/// What a history line records. A line written by another version with an action not known
/// here is read as `Other` (shown, never acted on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum HistoryAction {
    Instantiate,
    Bulk,
    Update,
    ProcessNext,
    Delete,
    Key,
    Checklist,
    Report,
    TokenTest,
    Exchange,
    ConfigCheck,
    SandboxRegister,
    KeyvaultProbe,
    KeyvaultWrite,
    KeyvaultVerify,
    /// A key rotation finished (old and new kid in the rotation record).
    Rotate,
    /// The vendor's system read from or written to the system register.
    SystemRegister,
    /// A system-user request sent to a customer, or its status read.
    SystemUserRequest,
    /// App B's repository checked for system users.
    AppBCheck,
    #[serde(other)]
    Other,
}

impl HistoryAction {
    /// The name as stored and shown in the report (`process-next`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Instantiate => "instantiate",
            HistoryAction::Bulk => "bulk",
            HistoryAction::Update => "update",
            HistoryAction::ProcessNext => "process-next",
            HistoryAction::Delete => "delete",
            HistoryAction::Key => "key",
            HistoryAction::Checklist => "checklist",
            HistoryAction::Report => "report",
            HistoryAction::TokenTest => "token-test",
            HistoryAction::Exchange => "exchange",
            HistoryAction::ConfigCheck => "config-check",
            HistoryAction::SandboxRegister => "sandbox-register",
            HistoryAction::KeyvaultProbe => "keyvault-probe",
            HistoryAction::KeyvaultWrite => "keyvault-write",
            HistoryAction::KeyvaultVerify => "keyvault-verify",
            HistoryAction::Rotate => "rotate",
            HistoryAction::SystemRegister => "system-register",
            HistoryAction::SystemUserRequest => "system-user-request",
            HistoryAction::AppBCheck => "app-b-check",
            HistoryAction::Other => "other",
        }
    }

    /// Instances made by this tool: one at a time or in bulk.
    pub fn makes_instances(self) -> bool {
        matches!(self, HistoryAction::Instantiate | HistoryAction::Bulk)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", from = "StoredEntry")]
#[ts(export)]
pub struct HistoryEntry {
    /// RFC 3339.
    pub at: String,
    pub profile: ProfileName,
    pub action: HistoryAction,
    pub app: Option<String>,
    pub instance_id: Option<String>,
    /// Owner as a label (`organisation 310987654`, `person 15058******`).
    pub owner: Option<String>,
    /// What happened, in words for the person (`created`, an error message, the report's path).
    pub outcome: String,
    /// The same in bokmål, when the action wrote one (the checklist's proofs do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub outcome_nb: Option<String>,
    /// Whether the action did what it set out to do: the rules (which instances were made here,
    /// which deleted) read this, never `outcome`'s words.
    pub succeeded: bool,
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
        action: HistoryAction,
        succeeded: bool,
        outcome: impl Into<String>,
    ) -> Self {
        Self {
            at: now
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            profile: profile.into(),
            action,
            app: None,
            instance_id: None,
            owner: None,
            outcome: outcome.into(),
            outcome_nb: None,
            succeeded,
            step: None,
            state: None,
            kid: None,
            detail: None,
        }
    }

    /// What happened, in bokmål too.
    pub fn in_bokmal(mut self, outcome: impl Into<String>) -> Self {
        self.outcome_nb = Some(outcome.into());
        self
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

/// A line as stored: lines written before `succeeded` existed lack it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredEntry {
    at: String,
    profile: ProfileName,
    action: HistoryAction,
    app: Option<String>,
    instance_id: Option<String>,
    owner: Option<String>,
    outcome: String,
    #[serde(default)]
    outcome_nb: Option<String>,
    #[serde(default)]
    succeeded: Option<bool>,
    #[serde(default)]
    step: Option<StepId>,
    #[serde(default)]
    state: Option<StepState>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    detail: Option<serde_json::Value>,
}

impl From<StoredEntry> for HistoryEntry {
    fn from(line: StoredEntry) -> Self {
        // Older lines said success only in words: the instance actions wrote exactly these on
        // success and the error's message otherwise; a step line said it in its state.
        let succeeded = line.succeeded.unwrap_or_else(|| match line.state {
            Some(state) => state != StepState::Failed,
            None => matches!(
                line.outcome.as_str(),
                "created" | "updated" | "moved on" | "deleted"
            ),
        });
        HistoryEntry {
            at: line.at,
            profile: line.profile,
            action: line.action,
            app: line.app,
            instance_id: line.instance_id,
            owner: line.owner,
            outcome: line.outcome,
            outcome_nb: line.outcome_nb,
            succeeded,
            step: line.step,
            state: line.state,
            kid: line.kid,
            detail: line.detail,
        }
    }
}

pub fn append(dir: &DataDir, entry: &HistoryEntry) -> Result<(), DataDirError> {
    let path = dir.file(FILE);
    let write = |source| DataDirError::Write {
        path: path.clone(),
        source,
    };
    dir.ensure_root()?;
    let mut line = serde_json::to_string(entry).map_err(|e| write(e.into()))?;
    line.push('\n');
    let mut file = crate::datadir::owner_only(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true),
    )
    .open(&path)
    .map_err(write)?;
    // A process killed halfway through its line left no newline: start on a line of our own,
    // so only that line is damaged, not this one too.
    if ends_unfinished(&mut file).map_err(write)? {
        line.insert(0, '\n');
    }
    // One write per line: appends from several processes never interleave within a line.
    file.write_all(line.as_bytes()).map_err(write)
}

fn ends_unfinished(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The history as read: every line that could be read, and how many could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Lines that are not a history entry (cut short by a crash, edited by hand, not UTF-8):
    /// skipped, counted, and left in the file as they are.
    pub damaged: usize,
}

/// Reads every line that can be read; a damaged line (even one with bytes that are not UTF-8)
/// costs only itself. The file is append-only and never rewritten here.
pub fn load(dir: &DataDir) -> Result<History, DataDirError> {
    let path = dir.file(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
        Err(source) => return Err(DataDirError::Read { path, source }),
    };
    let mut history = History::default();
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match std::str::from_utf8(line)
            .ok()
            .and_then(|l| serde_json::from_str(l.trim_end()).ok())
        {
            Some(entry) => history.entries.push(entry),
            None => history.damaged += 1,
        }
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u32) -> HistoryEntry {
        HistoryEntry::new(
            time::OffsetDateTime::UNIX_EPOCH,
            "Acme",
            HistoryAction::Instantiate,
            true,
            format!("created {n}"),
        )
    }

    #[test]
    fn damaged_lines_cost_only_themselves_and_the_file_is_never_rewritten() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path());
        append(&dir, &entry(1)).expect("append");
        // A hand edit, bytes that are not UTF-8, and a line cut short by a crash (no newline).
        let mut damage = b"{ not json\n\xff\xfe{\"at\":1}\n".to_vec();
        damage.extend_from_slice(&serde_json::to_vec(&entry(2)).expect("json")[..20]);
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.file(FILE))
            .and_then(|mut f| f.write_all(&damage))
            .expect("damage");
        let before = std::fs::read(dir.file(FILE)).expect("read");
        append(&dir, &entry(3)).expect("append after the cut line");
        let history = load(&dir).expect("load");
        assert_eq!(
            history
                .entries
                .iter()
                .map(|e| e.outcome.as_str())
                .collect::<Vec<_>>(),
            ["created 1", "created 3"]
        );
        assert_eq!(history.damaged, 3);
        let after = std::fs::read(dir.file(FILE)).expect("read");
        assert!(
            after.starts_with(&before),
            "the old bytes are all still there"
        );
    }

    #[test]
    fn every_action_is_stored_under_the_name_the_report_shows() {
        use HistoryAction::*;
        for action in [
            Instantiate,
            Bulk,
            Update,
            ProcessNext,
            Delete,
            Key,
            Checklist,
            Report,
            TokenTest,
            Exchange,
            ConfigCheck,
            SandboxRegister,
            KeyvaultProbe,
            KeyvaultWrite,
            KeyvaultVerify,
            Other,
        ] {
            assert_eq!(
                serde_json::to_value(action).expect("json"),
                serde_json::json!(action.as_str())
            );
        }
    }

    #[test]
    fn lines_from_before_succeeded_existed_are_read_by_their_words_and_unknown_actions_as_other() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path());
        let old = [
            r#"{"at":"2026-01-01T00:00:00Z","profile":"P","action":"instantiate","app":null,"instanceId":"1/a","owner":null,"outcome":"created"}"#,
            r#"{"at":"2026-01-01T00:00:00Z","profile":"P","action":"delete","app":null,"instanceId":"1/a","owner":null,"outcome":"403 Forbidden"}"#,
            r#"{"at":"2026-01-01T00:00:00Z","profile":"P","action":"token-test","app":null,"instanceId":null,"owner":null,"outcome":"ok","step":"token","state":"failed"}"#,
            r#"{"at":"2026-01-01T00:00:00Z","profile":"P","action":"rotate-key","app":null,"instanceId":null,"owner":null,"outcome":"done","succeeded":true}"#,
        ];
        std::fs::write(dir.file(FILE), old.join("\n")).expect("write");
        let history = load(&dir).expect("load");
        assert_eq!(history.damaged, 0);
        let read: Vec<(HistoryAction, bool)> = history
            .entries
            .iter()
            .map(|e| (e.action, e.succeeded))
            .collect();
        assert_eq!(
            read,
            [
                (HistoryAction::Instantiate, true),
                (HistoryAction::Delete, false),
                (HistoryAction::TokenTest, false),
                (HistoryAction::Other, true),
            ]
        );
    }
}
