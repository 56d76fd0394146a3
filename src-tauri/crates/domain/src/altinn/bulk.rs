//! Bulk instantiation from a CSV of instance owners (optional prefill columns): bounded
//! concurrency, 429 `Retry-After` honoured, pause and cancel, progress with rate and ETA, and
//! never an automatic retry of a POST that may have created an instance. Such a row is
//! "unknown" until the owner's active instances are listed: a new one is claimed for it, none
//! means it was not created and may be sent again. Every row ends with a definite outcome.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, watch};
use ts_rs::TS;
use url::Url;

use super::AppCallError;
use super::instance::{self, Create};
use super::owner::InstanceOwner;
use crate::error::{AppError, ErrorKind};
use crate::http::Transport;
use crate::secret::AltinnToken;

pub const DEFAULT_CONCURRENCY: usize = 4;
pub const MAX_CONCURRENCY: usize = 32;
/// Passes over rows whose POST was confirmed not to have created anything.
const MAX_PASSES: usize = 3;
/// How many 429s one row waits out before it is reported as failed (not created).
const MAX_THROTTLED: u32 = 10;
/// A Retry-After longer than this is capped (a misconfigured server must not stall a run).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

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

/// The byte-order mark Excel on Windows writes at the start of a "CSV UTF-8" file, and needs at
/// the start of one it opens, or it reads the file as Windows-1252 and garbles æøå.
const BOM: char = '\u{feff}';

/// The field separator of a CSV: `;` when the header line has semicolons and no commas, as Excel
/// writes CSV where the decimal separator is a comma (Norwegian settings: "CSV
/// (semikolonseparert)"), else `,` (RFC 4180).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    }
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.trim_start_matches(BOM);
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes())
}

/// Reads `owner[,partyId][,prefill columns…]`; every line is checked before anything is sent.
/// Comma or semicolon separated, with or without Excel's byte-order mark, LF or CRLF.
pub fn parse_csv(text: &str) -> Result<Vec<BulkRow>, AppError> {
    let mut reader = csv_reader(text);
    let invalid = |m: String| {
        AppError::new(ErrorKind::InvalidInput, m).with_hint("The first line names the columns: owner (required), partyId (optional), then prefill keys.")
    };
    let headers = reader
        .headers()
        .map_err(|e| invalid(format!("The CSV header could not be read: {e}")))?
        .clone();
    let owner_col = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("owner"))
        .ok_or_else(|| invalid("The CSV has no \"owner\" column.".into()))?;
    let party_col = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("partyId"));
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let owner = match InstanceOwner::parse(record.get(owner_col).unwrap_or_default()) {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let prefill = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != owner_col && Some(*i) != party_col)
            .filter_map(|(i, h)| {
                record
                    .get(i)
                    .filter(|v| !v.is_empty())
                    .map(|v| (h.to_string(), v.to_string()))
            })
            .collect();
        let party_id = party_col
            .and_then(|i| record.get(i))
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        // It goes into a URL path: digits only.
        if party_id
            .as_deref()
            .is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            problems.push(format!("line {line}: partyId must be digits"));
            continue;
        }
        rows.push(BulkRow {
            line,
            owner,
            party_id,
            prefill,
        });
    }
    if !problems.is_empty() {
        return Err(invalid(format!(
            "{} line(s) are not usable; nothing was sent:\n{}",
            problems.len(),
            problems.join("\n")
        )));
    }
    if rows.is_empty() {
        return Err(invalid("The CSV has no rows.".into()));
    }
    Ok(rows)
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
    async fn proceed(&self) -> bool {
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
}

/// What one attempt ended in.
enum Attempt {
    Created(String),
    Failed(String),
    /// The POST may have created an instance.
    Unclear(String),
    Skipped,
}

struct Shared<'a> {
    transport: &'a dyn Transport,
    tokens: &'a dyn TokenSource,
    control: &'a BulkControl,
    progress: &'a (dyn Fn(BulkProgress) + Send + Sync),
    counters: Mutex<(usize, usize, usize)>,
    total: usize,
    started: Instant,
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
                None => {}
            }
            *c
        };
        let elapsed = self.started.elapsed().as_secs_f64().max(0.001);
        let per_second = done as f64 / elapsed;
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
                Err(e) => return Attempt::Failed(format!("no Altinn token: {}", e.message)),
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

/// Runs the job; results come back in CSV order. The progress callback is called after every row.
pub async fn run(
    transport: &dyn Transport,
    tokens: &dyn TokenSource,
    job: &BulkJob,
    control: &BulkControl,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Vec<RowResult> {
    let shared = Shared {
        transport,
        tokens,
        control,
        progress,
        counters: Mutex::new((0, 0, 0)),
        total: job.rows.len(),
        started: Instant::now(),
    };
    let concurrency = job.concurrency.clamp(1, MAX_CONCURRENCY);
    // What each owner already has, so instances made by this run can be told apart.
    let mut baseline: HashMap<String, HashSet<String>> = HashMap::new();
    for party in job
        .rows
        .iter()
        .filter_map(|r| r.party_id.clone())
        .collect::<HashSet<_>>()
    {
        if let Ok(ids) = shared.active(&job.app, &party).await {
            baseline.insert(party, ids);
        }
    }
    let mut results: Vec<RowResult> = job
        .rows
        .iter()
        .map(|r| RowResult {
            line: r.line,
            owner: r.owner.as_input(),
            instance_id: None,
            status: RowStatus::Skipped,
            error: None,
            attempts: 0,
        })
        .collect();
    let mut pending: Vec<usize> = (0..job.rows.len()).collect();
    for pass in 0..MAX_PASSES {
        if pending.is_empty() {
            break;
        }
        let unclear = run_pass(&shared, job, concurrency, &pending, &mut results).await;
        pending = resolve(
            &shared,
            job,
            &baseline,
            &unclear,
            &mut results,
            pass + 1 == MAX_PASSES,
        )
        .await;
    }
    results
}

/// One pass over `indices` with bounded concurrency; returns the rows left unclear.
async fn run_pass(
    shared: &Shared<'_>,
    job: &BulkJob,
    concurrency: usize,
    indices: &[usize],
    results: &mut [RowResult],
) -> Vec<usize> {
    let semaphore = Semaphore::new(concurrency);
    let outcomes = Mutex::new(Vec::with_capacity(indices.len()));
    let tasks = indices.iter().map(|&i| {
        let (semaphore, outcomes) = (&semaphore, &outcomes);
        async move {
            let Ok(_permit) = semaphore.acquire().await else {
                return;
            };
            let attempt = shared.attempt(&job.app, &job.rows[i]).await;
            let status = match &attempt {
                Attempt::Created(_) => Some(RowStatus::Created),
                Attempt::Failed(_) | Attempt::Skipped => Some(RowStatus::Failed),
                Attempt::Unclear(_) => None,
            };
            if status.is_some() {
                shared.report(status);
            }
            outcomes
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((i, attempt));
        }
    });
    join_all(tasks).await;
    let mut unclear = Vec::new();
    for (i, attempt) in outcomes
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        let row = &mut results[i];
        match attempt {
            Attempt::Created(id) => {
                (row.attempts, row.status, row.instance_id, row.error) =
                    (row.attempts + 1, RowStatus::Created, Some(id), None)
            }
            Attempt::Failed(e) => {
                (row.attempts, row.status, row.error) =
                    (row.attempts + 1, RowStatus::Failed, Some(e))
            }
            Attempt::Skipped => {
                (row.status, row.error) = (
                    RowStatus::Skipped,
                    Some("cancelled before it was sent".into()),
                )
            }
            Attempt::Unclear(e) => {
                (row.attempts, row.status, row.error) =
                    (row.attempts + 1, RowStatus::Unknown, Some(e));
                unclear.push(i);
            }
        }
    }
    unclear
}

/// Settles unclear rows by listing each owner's active instances (after every request of the
/// pass has finished, so a new instance cannot be someone else's in-flight one). Returns the
/// rows confirmed not created, which are safe to send again.
async fn resolve(
    shared: &Shared<'_>,
    job: &BulkJob,
    baseline: &HashMap<String, HashSet<String>>,
    unclear: &[usize],
    results: &mut [RowResult],
    last_pass: bool,
) -> Vec<usize> {
    let mut again = Vec::new();
    let mut by_party: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in unclear {
        match (
            &job.rows[i].party_id,
            baseline.contains_key(job.rows[i].party_id.as_deref().unwrap_or_default()),
        ) {
            (Some(party), true) => by_party.entry(party.clone()).or_default().push(i),
            _ => {
                let row = &mut results[i];
                row.error = Some(format!(
                    "{} — the app's answer left it open whether an instance was created; add a partyId column so the tool can check, or look for it before running this row again",
                    row.error.clone().unwrap_or_default()
                ));
                shared.report(Some(RowStatus::Unknown));
            }
        }
    }
    let claimed: HashSet<String> = results
        .iter()
        .filter_map(|r| r.instance_id.clone())
        .collect();
    for (party, rows) in by_party {
        let now = match shared.active(&job.app, &party).await {
            Ok(ids) => ids,
            Err(e) => {
                for i in rows {
                    results[i].error = Some(format!(
                        "unclear answer, and listing the owner's instances failed: {e}"
                    ));
                    shared.report(Some(RowStatus::Unknown));
                }
                continue;
            }
        };
        let mut fresh: Vec<String> = now
            .into_iter()
            .filter(|id| !baseline[&party].contains(id) && !claimed.contains(id))
            .collect();
        fresh.sort();
        for i in rows {
            let row = &mut results[i];
            if let Some(id) = fresh.pop() {
                (row.status, row.instance_id, row.error) = (
                    RowStatus::Created,
                    Some(id),
                    Some(
                        "created, found by listing the owner's instances after an unclear answer"
                            .into(),
                    ),
                );
                shared.report(Some(RowStatus::Created));
            } else if last_pass {
                (row.status, row.error) = (
                    RowStatus::Failed,
                    Some(format!(
                        "not created after {} attempts: {}",
                        row.attempts,
                        row.error.clone().unwrap_or_default()
                    )),
                );
                shared.report(Some(RowStatus::Failed));
            } else {
                again.push(i);
            }
        }
    }
    again
}

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

/// The results file: owner, instance id, status, error (and the CSV line).
/// A cell as a spreadsheet may safely open it: one that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be read as a formula, so it gets a leading `'` (OWASP, "CSV
/// Injection"). An owner or an error text from a server is not ours to trust.
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The value of a cell written with [`csv_cell`].
pub fn csv_uncell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// RFC 4180 (CRLF line ends) with a byte-order mark, so that Excel on Windows, where testers open
/// it, shows owner names with æøå as written; `created_ids_from_results` reads it back.
pub fn results_csv(results: &[RowResult]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_string().into_bytes());
    let _ = writer.write_record([
        "line",
        "owner",
        "instance_id",
        "status",
        "error",
        "attempts",
    ]);
    for r in results {
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writer.write_record([
            r.line.to_string(),
            csv_cell(&r.owner).into_owned(),
            csv_cell(r.instance_id.as_deref().unwrap_or_default()).into_owned(),
            status,
            csv_cell(r.error.as_deref().unwrap_or_default()).into_owned(),
            r.attempts.to_string(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Instance ids from a results file (for cleanup).
pub fn created_ids_from_results(text: &str) -> Result<Vec<String>, AppError> {
    let mut reader = csv_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| AppError::new(ErrorKind::InvalidInput, format!("Not a results file: {e}")))?
        .clone();
    let col = headers
        .iter()
        .position(|h| h == "instance_id")
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                "Not a results file: no instance_id column.",
            )
        })?;
    Ok(reader
        .records()
        .flatten()
        .filter_map(|r| {
            r.get(col)
                .map(csv_uncell)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_owners_party_ids_and_prefill_columns_is_read_and_bad_lines_are_listed() {
        let rows =
            parse_csv("owner,partyId,skjema.navn\n310987654,500002,Kari\n\"15058510170\",,\n")
                .expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].party_id.as_deref()),
            (2, Some("500002"))
        );
        assert_eq!(
            rows[0].prefill.get("skjema.navn").map(String::as_str),
            Some("Kari")
        );
        assert!(rows[1].prefill.is_empty(), "empty cells are not prefilled");
        let error = parse_csv("owner\n310987654\n310987655\nabc\n").expect_err("bad lines");
        assert!(
            error.message.contains("line 3")
                && error.message.contains("line 4")
                && error.message.contains("nothing was sent"),
            "{}",
            error.message
        );
        assert!(parse_csv("name\nx\n").is_err(), "no owner column");
        let bad_party =
            parse_csv("owner,partyId\n310987654,../1\n").expect_err("party id in a path");
        assert!(
            bad_party.message.contains("partyId must be digits"),
            "{}",
            bad_party.message
        );
    }

    #[test]
    fn the_results_file_round_trips_its_instance_ids() {
        let rows = vec![RowResult {
            line: 2,
            owner: "310987654".into(),
            instance_id: Some("500002/abc".into()),
            status: RowStatus::Created,
            error: None,
            attempts: 1,
        }];
        let text = results_csv(&rows);
        assert!(
            text.starts_with(
                "\u{feff}line,owner,instance_id,status,error,attempts\r\n2,310987654,500002/abc,created,,1\r\n"
            ),
            "{text:?}"
        );
        assert_eq!(
            created_ids_from_results(&text).expect("ids"),
            ["500002/abc"]
        );
        // The same file after Excel with Norwegian settings has saved it again.
        let resaved = "\u{feff}line;owner;instance_id;status;error;attempts\r\n2;310987654;500002/abc;created;;1\r\n";
        assert_eq!(
            created_ids_from_results(resaved).expect("ids"),
            ["500002/abc"]
        );
    }

    #[test]
    fn a_csv_saved_by_excel_with_norwegian_settings_is_read_like_a_plain_one() {
        // "CSV (semikolonseparert)": semicolons, CRLF, a byte-order mark, a comma inside a value.
        let excel = "\u{feff}owner;partyId;skjema.navn\r\n310987654;500002;Kari Nordmann, Søknad\r\n15058510170;;Ærlig Øystein\r\n";
        let plain = "owner,partyId,skjema.navn\n310987654,500002,\"Kari Nordmann, Søknad\"\n15058510170,,Ærlig Øystein\n";
        let rows = parse_csv(excel).expect("the Excel file");
        assert_eq!(rows, parse_csv(plain).expect("the plain file"));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].prefill.get("skjema.navn").map(String::as_str),
            Some("Kari Nordmann, Søknad")
        );
        // A header with both is comma separated, as RFC 4180 says; the semicolon stays in the name.
        let mixed = parse_csv("owner,a;b\n310987654,x\n").expect("commas");
        assert_eq!(mixed[0].prefill.get("a;b").map(String::as_str), Some("x"));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_escaped_and_read_back_as_written() {
        let rows = vec![RowResult {
            line: 2,
            owner: "=HYPERLINK(\"http://evil.example\",\"x\")".into(),
            instance_id: None,
            status: RowStatus::Failed,
            error: Some("-1 rows; @SUM(A1)".into()),
            attempts: 1,
        }];
        let text = results_csv(&rows);
        let line = text.lines().nth(1).expect("row");
        assert!(
            line.starts_with("2,\"'=HYPERLINK(") && line.contains(",'-1 rows; @SUM(A1),"),
            "{line}"
        );
        for value in [
            "=1+1", "+47", "-5", "@A1", "\tx", "\rx", "plain", "'quoted", "",
        ] {
            assert_eq!(csv_uncell(&csv_cell(value)), value);
            assert!(
                !csv_cell(value).starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{value:?}"
            );
        }
    }
}
