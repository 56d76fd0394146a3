//! Bulk instantiation for a profile, as the window and the CLI run it: the CSV read and checked
//! against app B's metadata, the domain's runner with the results file as its journal (each row
//! appended as it is sent and as it settles, with a history line for every instance made), and
//! `--resume` of a run that was cut off.

use std::path::{Path, PathBuf};

use assistant_domain::altinn::bulk::{
    self, Baseline, BulkControl, BulkJob, BulkProgress, BulkRow, Earlier, FileJournal, Journal,
    RowResult, RowStatus,
};
use assistant_domain::altinn::instance::check_owner;
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::history::HistoryAction;
use assistant_domain::{AppError, ErrorKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{remember, with_app};
use crate::AppState;
use crate::flows::AppTarget;

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkSummary {
    /// Rows in the CSV.
    pub total: usize,
    pub created: usize,
    pub failed: usize,
    pub unknown: usize,
    /// Every row and its outcome.
    pub results_file: String,
    /// The rows that did not create an instance (failed, unknown, not sent), in CSV order: what
    /// needs the person's attention. The created ones are in the results file only, so a run of
    /// 100,000 rows does not come back as 100,000 JSON objects.
    pub problems: Vec<RowResult>,
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BulkAction {
    Pause,
    Resume,
    Cancel,
}

impl From<BulkAction> for bulk::RunState {
    fn from(action: BulkAction) -> Self {
        match action {
            BulkAction::Pause => bulk::RunState::Paused,
            BulkAction::Resume => bulk::RunState::Running,
            BulkAction::Cancel => bulk::RunState::Cancelled,
        }
    }
}

/// Where a run's results go.
#[derive(Debug, Clone)]
pub enum ResultsFile {
    /// A new file; an existing one is replaced only with `replace` (the person confirmed).
    New { path: PathBuf, replace: bool },
    /// The results file of an earlier run of the same CSV, to continue it.
    Resume(PathBuf),
}

/// Where the results go: the path asked for (refused if it exists, unless `overwrite`), or next
/// to the CSV as `<name>.results.csv`, numbered so an earlier run's file is never replaced (it
/// is what cleanup and `--resume` read).
pub fn results_path(
    csv_path: &str,
    asked: Option<String>,
    overwrite: bool,
) -> Result<ResultsFile, AppError> {
    if let Some(path) = asked.map(PathBuf::from) {
        if path.exists() && !overwrite {
            return Err(AppError::new(
                ErrorKind::ConfirmationRequired,
                format!("{} exists already; it was not overwritten.", path.display()),
            )
            .with_hint("Choose another results file, confirm replacing it (--force), or continue that run (--resume)."));
        }
        return Ok(ResultsFile::New {
            path,
            replace: overwrite,
        });
    }
    let path = bulk::numbered_results_path(Path::new(csv_path), Path::exists).ok_or_else(|| {
        AppError::new(
            ErrorKind::Storage,
            "Too many results files next to the CSV; give --results.",
        )
    })?;
    Ok(ResultsFile::New {
        path,
        replace: false,
    })
}

/// The window's request to start a bulk run.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StartBulkRequest {
    pub profile: String,
    pub csv_path: String,
    pub concurrency: Option<usize>,
    /// Default: next to the CSV, `.results.csv`.
    pub results_path: Option<String>,
}

/// The window's bulk run: registered so Pause/Cancel reach it, and unregistered when it ends.
/// A results file the save dialog chose may replace an existing one (the dialog asked).
pub async fn bulk_in_window(
    state: &AppState,
    jobs: &BulkJobs,
    request: StartBulkRequest,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Result<BulkSummary, AppError> {
    let control = BulkControl::default();
    {
        let mut current = jobs
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if current
            .as_ref()
            .is_some_and(|c| c.get() != bulk::RunState::Cancelled)
        {
            return Err(AppError::new(
                ErrorKind::AlreadyExists,
                "A bulk run is already going; wait for it or cancel it first.",
            ));
        }
        *current = Some(control.clone());
    }
    let outcome = match results_path(&request.csv_path, request.results_path, true) {
        Ok(results) => {
            bulk_from_file(
                state,
                &request.profile,
                &request.csv_path,
                request.concurrency.unwrap_or(bulk::DEFAULT_CONCURRENCY),
                results,
                &control,
                progress,
            )
            .await
        }
        Err(e) => Err(e),
    };
    *jobs
        .current
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    outcome
}

/// The bulk job the window runs (one at a time), so its buttons can pause and cancel it.
#[derive(Debug, Default)]
pub struct BulkJobs {
    pub current: std::sync::Mutex<Option<BulkControl>>,
}

pub fn steer(jobs: &BulkJobs, action: BulkAction) -> Result<(), AppError> {
    match jobs
        .current
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
    {
        Some(control) => {
            control.set(action.into());
            Ok(())
        }
        None => Err(AppError::new(
            ErrorKind::NotFound,
            "No bulk job is running.",
        )),
    }
}

/// Rows sent per chunk: a run holds one chunk's rows and results, whatever the CSV's size.
const CHUNK: usize = 1000;

/// Bulk from a CSV file. Ctrl-C or Cancel stops sending (in-flight rows finish); every row is in
/// the results file as it goes, and the file is tidied (one line per CSV line) at the end.
///
/// The CSV is read whole once to check every line before anything is sent, keeping only its
/// count and party ids; then it is run in chunks of [`CHUNK`] rows, each chunk's results written
/// to the tidy file and dropped, so memory stays flat from 1,000 rows to 100,000 (README,
/// Performance). Only rows that did not create an instance are kept, for the summary.
pub async fn bulk_from_file(
    state: &AppState,
    profile: &str,
    csv_path: &str,
    concurrency: usize,
    results: ResultsFile,
    control: &BulkControl,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Result<BulkSummary, AppError> {
    if !(1..=bulk::MAX_CONCURRENCY).contains(&concurrency) {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("Concurrency must be 1 to {}.", bulk::MAX_CONCURRENCY),
        ));
    }
    let text = std::fs::read_to_string(csv_path).map_err(|e| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Could not read {csv_path}: {e}"),
        )
    })?;
    let scan = bulk::scan_csv(&text, |_| Ok(()))?;
    let (journal, earlier, new_file) = match results {
        ResultsFile::New { path, replace } => (
            FileJournal::create(&path, replace, control)?,
            Earlier::default(),
            true,
        ),
        ResultsFile::Resume(path) => {
            let (journal, earlier) = FileJournal::resume(&path, control)?;
            same_csv(&text, &earlier, &path)?;
            (journal, earlier, false)
        }
    };
    let path = journal.path().to_path_buf();
    let run = Run {
        text: &text,
        resumed: !new_file,
        scan,
        concurrency,
        earlier,
        control,
        progress,
        journal: &journal,
    };
    let ran = run_bulk(state, profile, run).await;
    let (tidy, summary) = match ran {
        Ok(done) => done,
        Err(e) => {
            // Stopped before anything was sent (no app B, a bad owner): no file is left behind
            // for a new run, and a resumed one keeps its journal as it was.
            drop(journal);
            if new_file {
                let _ = std::fs::remove_file(&path);
            }
            return Err(e);
        }
    };
    journal.finish_with(tidy)?;
    Ok(BulkSummary {
        results_file: path.display().to_string(),
        ..summary
    })
}

/// An earlier run's file must be of this CSV: the same owner on every line it recorded.
fn same_csv(text: &str, earlier: &Earlier, path: &Path) -> Result<(), AppError> {
    let mut unmatched: std::collections::BTreeSet<usize> = earlier.rows.keys().copied().collect();
    for row in bulk::CsvRows::new(text)?.filter_map(Result::ok) {
        if let Some(record) = earlier.rows.get(&row.line) {
            if row.owner.as_input() != record.owner {
                return Err(not_this_csv(path, record));
            }
            unmatched.remove(&row.line);
        }
    }
    match unmatched.first().and_then(|line| earlier.rows.get(line)) {
        Some(record) => Err(not_this_csv(path, record)),
        None => Ok(()),
    }
}

fn not_this_csv(path: &Path, record: &RowResult) -> AppError {
    AppError::new(
        ErrorKind::InvalidInput,
        format!(
            "{} is not the results of this CSV: its line {} is owner {}, which this CSV does not have on that line. Nothing was sent.",
            path.display(),
            record.line,
            record.owner
        ),
    )
    .with_hint("Give the CSV that run was started with, or start a new run without --resume.")
}

/// What one run needs besides the profile.
struct Run<'a> {
    text: &'a str,
    /// `--resume` of an earlier run.
    resumed: bool,
    scan: bulk::CsvScan,
    concurrency: usize,
    earlier: Earlier,
    control: &'a BulkControl,
    progress: &'a (dyn Fn(BulkProgress) + Send + Sync),
    journal: &'a FileJournal,
}

/// Progress over the whole CSV from the progress of one chunk.
struct Overall {
    total: usize,
    /// Done, created and failed in the chunks before this one.
    before: (usize, usize, usize),
    /// Rows an earlier run created: counted as done, not in the rate.
    already: usize,
    started: std::time::Instant,
}

impl Overall {
    fn of(&self, p: &BulkProgress) -> BulkProgress {
        let done = self.before.0 + p.done;
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let per_second = done.saturating_sub(self.already) as f64 / elapsed;
        let remaining = self.total.saturating_sub(done);
        BulkProgress {
            total: self.total,
            done,
            created: self.before.1 + p.created,
            failed: self.before.2 + p.failed,
            per_second,
            eta_seconds: (per_second > 0.0).then(|| (remaining as f64 / per_second).ceil() as u64),
            paused: p.paused,
        }
    }
}

async fn run_bulk(
    state: &AppState,
    profile: &str,
    mut run: Run<'_>,
) -> Result<(bulk::Tidy, BulkSummary), AppError> {
    with_app(state, profile, async |app, client| {
        let metadata = client.metadata().await?;
        for row in bulk::CsvRows::new(run.text)?.filter_map(Result::ok) {
            check_owner(&metadata, &row.owner)
                .map_err(|e| AppError::new(e.kind, format!("line {}: {}", row.line, e.message)))?;
        }
        // One token before any row is sent: without it no row can be, and the person hears it
        // once, at once, instead of from every row after its own timeout. It is cached for the run.
        client.tokens.altinn_token().await?;
        let recorded = Recorded {
            file: run.journal,
            state,
            app,
        };
        // What each owner had before the first run sent anything, listed once for all chunks.
        // A resumed run whose list is missing keeps it missing: a list taken now would hold
        // the instances the first run made, and its cut-off rows would be sent again.
        let mut baseline = match run.earlier.baseline.take() {
            Some(b) => Some(b),
            None if run.resumed => None,
            None => {
                let parties = std::mem::take(&mut run.scan.parties);
                let b = bulk::baseline(client.transport, client.tokens, &app.app, parties).await;
                run.journal.baseline(&b);
                Some(b)
            }
        };
        let mut tidy = run.journal.tidy()?;
        let mut overall = Overall {
            total: run.scan.total,
            before: (0, 0, 0),
            already: run
                .earlier
                .rows
                .values()
                .filter(|r| r.status == RowStatus::Created)
                .count(),
            started: std::time::Instant::now(),
        };
        let mut summary = BulkSummary {
            total: run.scan.total,
            created: 0,
            failed: 0,
            unknown: 0,
            results_file: String::new(),
            problems: Vec::new(),
        };
        let mut rows = bulk::CsvRows::new(run.text)?
            .filter_map(Result::ok)
            .peekable();
        let mut stopped: Option<String> = None;
        while rows.peek().is_some() {
            let chunk: Vec<BulkRow> = rows.by_ref().take(CHUNK).collect();
            let results = match &stopped {
                // Cancelled or halted: the rest is not sent, and says why, as the runner would.
                Some(why) => chunk
                    .iter()
                    .map(|r| {
                        let attempts = run.earlier.rows.get(&r.line).map_or(0, |e| e.attempts);
                        RowResult::not_sent(r, Some(why.clone()), attempts)
                    })
                    .collect(),
                None => {
                    let earlier_rows = chunk
                        .iter()
                        .filter_map(|r| run.earlier.rows.remove(&r.line).map(|e| (r.line, e)))
                        .collect();
                    let job = BulkJob {
                        app: app.app.clone(),
                        rows: chunk,
                        concurrency: run.concurrency,
                        earlier: Earlier {
                            rows: earlier_rows,
                            baseline: baseline.take(),
                        },
                    };
                    let shown = |p: BulkProgress| (run.progress)(overall.of(&p));
                    let results = bulk::run(
                        client.transport,
                        client.tokens,
                        &job,
                        run.control,
                        &shown,
                        &recorded,
                    )
                    .await;
                    baseline = job.earlier.baseline;
                    results
                }
            };
            for r in results {
                tidy.append(&r)?;
                let done = overall.before.0 + 1;
                match r.status {
                    RowStatus::Created => {
                        summary.created += 1;
                        overall.before = (done, overall.before.1 + 1, overall.before.2);
                        // Made by this run: a later chunk's unclear row must not claim it.
                        if let Some(id) = r.instance_id.as_deref()
                            && let Some(party) = id.split('/').next()
                            && let Some(had) = baseline.as_mut().and_then(|b| b.get_mut(party))
                        {
                            had.insert(id.to_string());
                        }
                        continue;
                    }
                    RowStatus::Unknown => summary.unknown += 1,
                    _ => summary.failed += 1,
                }
                overall.before = (done, overall.before.1, overall.before.2 + 1);
                if r.status == RowStatus::Skipped && stopped.is_none() {
                    stopped = r.error.clone();
                }
                summary.problems.push(r);
            }
        }
        Ok((tidy, summary))
    })
    .await
}

/// The results file, and a history line for each instance the moment it is made, so the
/// checklist and cleanup know of it even if the run dies next.
struct Recorded<'a> {
    file: &'a FileJournal,
    state: &'a AppState,
    app: &'a AppTarget,
}

impl Journal for Recorded<'_> {
    fn baseline(&self, baseline: &Baseline) {
        self.file.baseline(baseline);
    }

    fn record(&self, row: &RowResult) {
        // History first: a run killed between the two writes then leaves the row "sending" in
        // the results file, which --resume checks against the owner's instances (and records
        // again), instead of "created" in the results and unknown to the history, which no
        // later run would ever add (seen once in CI's kill -9 test).
        if row.status == RowStatus::Created {
            remember(
                self.state,
                self.app,
                HistoryAction::Bulk,
                row.instance_id.as_deref(),
                InstanceOwner::parse(&row.owner).ok().map(|o| o.label()),
                (true, "created".into()),
            );
        }
        self.file.record(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(results: ResultsFile) -> PathBuf {
        match results {
            ResultsFile::New { path, .. } | ResultsFile::Resume(path) => path,
        }
    }

    #[test]
    fn an_earlier_results_file_is_never_replaced_without_being_asked() {
        let tmp = tempfile::tempdir().expect("tmp");
        let csv = tmp.path().join("owners.csv");
        let csv = csv.display().to_string();
        let first = path_of(results_path(&csv, None, false).expect("first"));
        assert!(first.ends_with("owners.results.csv"));
        std::fs::write(&first, "x").expect("write");
        assert!(
            path_of(results_path(&csv, None, false).expect("second"))
                .ends_with("owners.results-2.csv")
        );
        let asked = Some(first.display().to_string());
        assert_eq!(
            results_path(&csv, asked.clone(), false)
                .expect_err("exists")
                .kind,
            ErrorKind::ConfirmationRequired
        );
        assert!(matches!(
            results_path(&csv, asked, true).expect("confirmed"),
            ResultsFile::New { replace: true, .. }
        ));
    }
}
