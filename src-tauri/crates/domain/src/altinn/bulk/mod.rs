//! Bulk instantiation from a CSV of instance owners (optional prefill columns): bounded
//! concurrency, 429 `Retry-After` honoured, pause and cancel, progress with rate and ETA, and
//! never an automatic retry of a POST that may have created an instance. Such a row is
//! "unknown" until the owner's active instances are listed: a new one is claimed for it, none
//! means it was not created and may be sent again. Every row ends with a definite outcome.
//!
//! Every row is written to a [`Journal`] as it goes: before its request goes out (`sending`) and
//! when it settles. A run that dies (`kill -9`, a power cut) leaves a true record, and a resumed
//! run ([`Earlier`]) skips the rows created, checks the ones that were in flight against the
//! owners' instances listed before the first run began, and sends only what was not created.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use url::Url;

use crate::altinn::AppCallError;
use crate::altinn::instance::{self, Create};
use crate::error::AppError;
use crate::http::Transport;

mod journal;
mod model;
mod resolve;
mod results_name;
mod table;

pub use journal::{FileJournal, Tidy};
pub use model::*;
use resolve::resolve;
pub use results_name::numbered_results_path;
pub use table::{
    CsvRows, CsvScan, created_ids_from_results, csv_cell, csv_uncell, parse_csv, read_results,
    results_csv, scan_csv,
};

pub const DEFAULT_CONCURRENCY: usize = 4;
pub const MAX_CONCURRENCY: usize = 32;
/// Passes over rows whose POST was confirmed not to have created anything.
const MAX_PASSES: usize = 3;
/// How many 429s one row waits out before it is reported as failed (not created).
const MAX_THROTTLED: u32 = 10;
/// A Retry-After longer than this is capped (a misconfigured server must not stall a run).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// What one attempt ended in.
enum Attempt {
    Created(String),
    Failed(String),
    /// The POST may have created an instance.
    Unclear(String),
    Skipped,
}

pub(super) struct Shared<'a> {
    transport: &'a dyn Transport,
    tokens: &'a dyn TokenSource,
    control: &'a BulkControl,
    progress: &'a (dyn Fn(BulkProgress) + Send + Sync),
    journal: &'a dyn Journal,
    counters: Mutex<(usize, usize, usize)>,
    total: usize,
    /// Rows an earlier run settled: counted as done, not in the rate.
    already: Mutex<usize>,
    started: Instant,
    /// Why the run stopped on its own: a failure no row can get past (no Altinn token), so
    /// the rows not yet sent are not each left to time out the same way.
    halted: Mutex<Option<String>>,
}

impl Shared<'_> {
    fn report(&self, outcome: Option<RowStatus>) {
        let (done, created, failed) = {
            let mut c = self
                .counters
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match outcome {
                Some(RowStatus::Created) => (c.0, c.1) = (c.0 + 1, c.1 + 1),
                Some(RowStatus::Failed | RowStatus::Unknown | RowStatus::Skipped) => {
                    (c.0, c.2) = (c.0 + 1, c.2 + 1)
                }
                Some(RowStatus::Sending) | None => {}
            }
            *c
        };
        let already = *self
            .already
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let per_second = done.saturating_sub(already) as f64 / elapsed;
        let remaining = self.total - done;
        let eta_seconds = (per_second > 0.0).then(|| (remaining as f64 / per_second).ceil() as u64);
        (self.progress)(BulkProgress {
            total: self.total,
            done,
            created,
            failed,
            per_second,
            eta_seconds,
            paused: self.control.get() == RunState::Paused,
        });
    }

    /// Stops the run for a reason that holds for every row; the first reason is kept.
    fn halt(&self, why: &str) {
        let mut halted = self
            .halted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        halted.get_or_insert_with(|| why.to_string());
        self.control.set(RunState::Cancelled);
    }

    /// What a row that was not sent says: cancelled by the person, or stopped by the run.
    fn not_sent(&self) -> String {
        match &*self
            .halted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Some(why) => format!("not sent: the run stopped ({why})"),
            None => CANCELLED.to_string(),
        }
    }

    /// Records a settled row in the journal and the progress.
    fn settle(&self, row: &RowResult) {
        self.journal.record(row);
        self.report(Some(row.status));
    }

    async fn attempt(&self, app: &Url, row: &BulkRow) -> Attempt {
        let create = if row.prefill.is_empty() {
            Create::Template
        } else {
            Create::Prefill(row.prefill.clone())
        };
        let mut token_refreshed = false;
        let mut throttled = 0;
        loop {
            if !self.control.proceed().await {
                return Attempt::Skipped;
            }
            let token = match self.tokens.altinn_token().await {
                Ok(t) => t,
                Err(e) => {
                    let why = format!("no Altinn token: {}", e.message);
                    self.halt(&why);
                    return Attempt::Failed(why);
                }
            };
            let sent = self
                .transport
                .send(instance::create_request(app, &token, &row.owner, &create))
                .await;
            let response = match sent {
                Ok(r) => r,
                // Refused before any byte was sent: nothing can have been created.
                Err(
                    crate::http::TransportError::Connect { .. }
                    | crate::http::TransportError::Dns { .. }
                    | crate::http::TransportError::Proxy { .. },
                ) => return Attempt::Failed("app B could not be reached".into()),
                Err(e) => return Attempt::Unclear(e.to_string()),
            };
            match instance::parse_instance(&response) {
                Ok(created) => return Attempt::Created(created.id),
                // 429: not processed; wait as told and send again (RFC 6585), a bounded number of times.
                Err(AppCallError::Throttled { .. }) if throttled >= MAX_THROTTLED => {
                    return Attempt::Failed(format!(
                        "still throttled (429) after {MAX_THROTTLED} waits; nothing was created"
                    ));
                }
                Err(AppCallError::Throttled {
                    retry_after_seconds,
                }) => {
                    throttled += 1;
                    let wait =
                        Duration::from_secs(retry_after_seconds.unwrap_or(1)).min(MAX_RETRY_AFTER);
                    tokio::time::sleep(wait).await;
                }
                // 401 is decided before the app runs: refresh the token once and send again.
                Err(AppCallError::Unauthorized) if !token_refreshed => {
                    token_refreshed = true;
                    self.tokens.invalidate();
                }
                Err(e @ (AppCallError::Server { .. } | AppCallError::Unparseable { .. })) => {
                    return Attempt::Unclear(e.to_string());
                }
                Err(e) => return Attempt::Failed(AppError::from(e).message),
            }
        }
    }

    async fn active(&self, app: &Url, party_id: &str) -> Result<HashSet<String>, String> {
        let token = self.tokens.altinn_token().await.map_err(|e| e.message)?;
        let response = self
            .transport
            .send(instance::active_request(app, &token, party_id))
            .await
            .map_err(|e| e.to_string())?;
        instance::parse_active(&response)
            .map(|ids| ids.into_iter().collect())
            .map_err(|e| e.to_string())
    }
}

async fn list_baseline(shared: &Shared<'_>, app: &Url, parties: BTreeSet<String>) -> Baseline {
    let mut baseline = Baseline::new();
    for party in parties {
        if let Ok(ids) = shared.active(app, &party).await {
            baseline.insert(party, ids.into_iter().collect());
        }
    }
    baseline
}

/// What each owner (party id) has before anything is sent: a run in chunks lists it once and
/// gives it to every chunk as `earlier.baseline`.
pub async fn baseline(
    transport: &dyn Transport,
    tokens: &dyn TokenSource,
    app: &Url,
    parties: BTreeSet<String>,
) -> Baseline {
    let control = BulkControl::default();
    let shared = Shared {
        transport,
        tokens,
        control: &control,
        progress: &|_| {},
        journal: &NoJournal,
        counters: Mutex::new((0, 0, 0)),
        total: 0,
        already: Mutex::new(0),
        started: Instant::now(),
        halted: Mutex::new(None),
    };
    list_baseline(&shared, app, parties).await
}

/// Runs the job; results come back in CSV order. The progress callback is called after every
/// row, the journal before every request and after every row settles.
pub async fn run(
    transport: &dyn Transport,
    tokens: &dyn TokenSource,
    job: &BulkJob,
    control: &BulkControl,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
    journal: &dyn Journal,
) -> Vec<RowResult> {
    let shared = Shared {
        transport,
        tokens,
        control,
        progress,
        journal,
        counters: Mutex::new((0, 0, 0)),
        total: job.rows.len(),
        already: Mutex::new(0),
        started: Instant::now(),
        halted: Mutex::new(None),
    };
    let concurrency = job.concurrency.clamp(1, MAX_CONCURRENCY);
    // What each owner already has, so instances made by this run can be told apart. A resumed
    // run uses the first run's: the instances that run made are not the owner's old ones.
    let listed;
    let baseline: &Baseline = match &job.earlier.baseline {
        Some(earlier) => earlier,
        None => {
            let parties: BTreeSet<String> =
                job.rows.iter().filter_map(|r| r.party_id.clone()).collect();
            listed = list_baseline(&shared, &job.app, parties).await;
            journal.baseline(&listed);
            &listed
        }
    };
    let mut results: Vec<RowResult> = job
        .rows
        .iter()
        .map(|r| RowResult::not_sent(r, None, 0))
        .collect();
    let mut pending = Vec::new();
    let mut cut_off = Vec::new();
    for (i, result) in results.iter_mut().enumerate() {
        let Some(before) = job.earlier.rows.get(&result.line) else {
            pending.push(i);
            continue;
        };
        result.attempts = before.attempts;
        match before.status {
            RowStatus::Created => {
                (result.status, result.instance_id, result.error) = (
                    RowStatus::Created,
                    before.instance_id.clone(),
                    before.error.clone(),
                );
                shared.report(Some(RowStatus::Created));
            }
            RowStatus::Sending | RowStatus::Unknown => {
                (result.status, result.error) = (
                    RowStatus::Unknown,
                    Some(before.error.clone().unwrap_or_else(|| {
                        "the earlier run was cut off while this row's request was out".into()
                    })),
                );
                cut_off.push(i);
            }
            RowStatus::Failed | RowStatus::Skipped => pending.push(i),
        }
    }
    *shared
        .already
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = results
        .iter()
        .filter(|r| r.status == RowStatus::Created)
        .count();
    if !cut_off.is_empty() && job.earlier.baseline.is_none() {
        // Without the first run's list, an instance it made looks like one the owner had.
        for i in cut_off {
            let row = &mut results[i];
            row.error = Some(format!(
                "{} — the earlier run's list of the owners' instances is missing, so the tool cannot tell whether it was created; look for it before running this row again",
                row.error.clone().unwrap_or_default()
            ));
            shared.settle(row);
        }
    } else if !cut_off.is_empty() {
        // Never sent again on a guess: checked against the owner's instances first.
        pending.extend(resolve(&shared, job, baseline, &cut_off, &mut results, false).await);
        pending.sort_unstable();
    }
    for pass in 0..MAX_PASSES {
        if pending.is_empty() {
            break;
        }
        let unclear = run_pass(&shared, job, concurrency, &pending, &mut results).await;
        pending = resolve(
            &shared,
            job,
            baseline,
            &unclear,
            &mut results,
            pass + 1 == MAX_PASSES,
        )
        .await;
    }
    results
}

/// One pass over `indices` with bounded concurrency; returns the rows left unclear.
///
/// `concurrency` workers take the next row as they finish one, so a pass holds `concurrency`
/// requests in memory however many rows the CSV has (one future per row made 100,000 rows cost
/// ~90 MiB and every wake-up polled all of them).
async fn run_pass(
    shared: &Shared<'_>,
    job: &BulkJob,
    concurrency: usize,
    indices: &[usize],
    results: &mut [RowResult],
) -> Vec<usize> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new(results);
    let unclear = Mutex::new(Vec::new());
    let worker = || async {
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&i) = indices.get(k) else { return };
            let row = &job.rows[i];
            let attempts = lock(&results)[i].attempts;
            let record =
                |status, instance_id: Option<&str>, error: Option<&str>, attempts| RowResult {
                    line: row.line,
                    owner: row.owner.as_input(),
                    instance_id: instance_id.map(str::to_string),
                    status,
                    error: error.map(str::to_string),
                    attempts,
                };
            // Written before the request leaves: if the run dies now, the row is checked on
            // resume instead of being sent twice.
            shared
                .journal
                .record(&record(RowStatus::Sending, None, None, attempts + 1));
            let settled = match shared.attempt(&job.app, row).await {
                Attempt::Created(id) => record(RowStatus::Created, Some(&id), None, attempts + 1),
                Attempt::Failed(e) => record(RowStatus::Failed, None, Some(&e), attempts + 1),
                Attempt::Skipped => {
                    record(RowStatus::Skipped, None, Some(&shared.not_sent()), attempts)
                }
                Attempt::Unclear(e) => {
                    // Settled by `resolve`; the journal says what is known so far.
                    let row = record(RowStatus::Unknown, None, Some(&e), attempts + 1);
                    shared.journal.record(&row);
                    lock(&unclear).push(i);
                    lock(&results)[i] = row;
                    continue;
                }
            };
            shared.settle(&settled);
            lock(&results)[i] = settled;
        }
    };
    join_all((0..concurrency.min(indices.len())).map(|_| worker())).await;
    let mut unclear = unclear
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    unclear.sort_unstable();
    unclear
}

/// A lock that outlives a panicked holder: the counters and results stay usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

const CANCELLED: &str = "cancelled before it was sent";

/// Polls futures together on this task (the transport does the waiting); no extra crate needed.
async fn join_all<F: std::future::Future<Output = ()>>(futures: impl IntoIterator<Item = F>) {
    let mut set: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    std::future::poll_fn(move |cx| {
        set.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if set.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}
