//! The bulk run's vocabulary: rows and their outcomes, progress, the pause/cancel control, the
//! job, and the two seams the runner is given (where tokens come from, where outcomes go).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use ts_rs::TS;
use url::Url;

use crate::altinn::owner::InstanceOwner;
use crate::error::AppError;
use crate::secret::AltinnToken;

/// Where the Altinn token comes from: cached per lifetime, refreshed before expiry.
pub trait TokenSource: Send + Sync {
    fn altinn_token(&self) -> crate::http::BoxFuture<'_, Result<AltinnToken, AppError>>;
    /// Forgets the cached token (after a 401), so the next call fetches a new one.
    fn invalidate(&self) {}
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    /// 1-based line in the CSV (the header is line 1).
    pub line: usize,
    pub owner: InstanceOwner,
    /// Lets the tool itself check an unclear answer by listing the owner's active instances.
    pub party_id: Option<String>,
    pub prefill: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowStatus {
    Created,
    Failed,
    /// The app's answer left it open and the tool could not check (no party id).
    Unknown,
    /// Cancelled before it was sent.
    Skipped,
    /// In the journal only: the request was about to go out. A row whose last record says this
    /// was cut off mid-request, and is checked before it is sent again.
    Sending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RowResult {
    pub line: usize,
    pub owner: String,
    pub instance_id: Option<String>,
    pub status: RowStatus,
    pub error: Option<String>,
    pub attempts: u32,
}

impl RowResult {
    /// A row not (yet) sent: skipped, with why when known.
    pub fn not_sent(row: &BulkRow, error: Option<String>, attempts: u32) -> Self {
        Self {
            line: row.line,
            owner: row.owner.as_input(),
            instance_id: None,
            status: RowStatus::Skipped,
            error,
            attempts,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkProgress {
    pub total: usize,
    pub done: usize,
    pub created: usize,
    pub failed: usize,
    pub per_second: f64,
    pub eta_seconds: Option<u64>,
    pub paused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Running,
    Paused,
    Cancelled,
}

/// Pause, resume and cancel a running bulk job from another task (the window's buttons).
#[derive(Debug, Clone)]
pub struct BulkControl {
    state: Arc<watch::Sender<RunState>>,
}

impl Default for BulkControl {
    fn default() -> Self {
        Self {
            state: Arc::new(watch::Sender::new(RunState::Running)),
        }
    }
}

impl BulkControl {
    pub fn set(&self, state: RunState) {
        self.state.send_replace(state);
    }

    pub fn get(&self) -> RunState {
        *self.state.borrow()
    }

    /// Waits while paused; false when cancelled.
    pub(super) async fn proceed(&self) -> bool {
        let mut rx = self.state.subscribe();
        loop {
            match *rx.borrow_and_update() {
                RunState::Running => return true,
                RunState::Cancelled => return false,
                RunState::Paused => {}
            }
            if rx.changed().await.is_err() {
                return false;
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct BulkJob {
    pub app: Url,
    pub rows: Vec<BulkRow>,
    pub concurrency: usize,
    /// What an earlier, cut-off run of the same CSV recorded (empty for a new run).
    pub earlier: Earlier,
}

/// Each owner's (party id's) active instances before the first run sent anything: what tells
/// an instance the run made from one the owner had.
pub type Baseline = BTreeMap<String, BTreeSet<String>>;

/// An earlier run's record, for `bulk --resume`.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The last record of each CSV line, by line.
    pub rows: HashMap<usize, RowResult>,
    /// Its baseline, if it got as far as writing one.
    pub baseline: Option<Baseline>,
}

/// Where a run writes each row as it goes. Writing must not block for long: it runs on the
/// run's task.
pub trait Journal: Send + Sync {
    /// Once, before anything is sent.
    fn baseline(&self, _baseline: &Baseline) {}
    /// A row about to be sent (`Sending`), or settled.
    fn record(&self, _row: &RowResult) {}
}

/// For runs that keep no record (tests).
#[derive(Debug)]
pub struct NoJournal;
impl Journal for NoJournal {}
