//! App B's instances for a profile, as the window and the CLI both use them: the domain's
//! `AppClient` with the profile's tokens, and a secret-free history line for each action.

use std::path::PathBuf;

use assistant_domain::altinn::app::{AppMetadata, property_paths};
use assistant_domain::altinn::bulk::{
    self, BulkControl, BulkJob, BulkProgress, BulkRow, RowResult,
};
use assistant_domain::altinn::client::{AppClient, Instantiated};
use assistant_domain::altinn::instance::{
    Create, DataElementSummary, InstanceRef, InstanceSummary, check_owner,
};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::history::HistoryEntry;
use assistant_domain::{AppError, ErrorKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppState;
use crate::flows::{self, AppTarget};

/// Runs `work` with a client for the profile's app B.
async fn with_app<T>(
    state: &AppState,
    profile: &str,
    work: impl AsyncFnOnce(&AppTarget, &AppClient<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let app = flows::app_target(state, profile).await?;
    let tokens = app.tokens(state)?;
    let client = AppClient {
        transport: state.transport()?,
        tokens: &tokens,
        app: app.app.clone(),
    };
    work(&app, &client).await
}

fn remember(
    state: &AppState,
    app: &AppTarget,
    action: &str,
    instance: Option<&str>,
    owner: Option<String>,
    outcome: &str,
) {
    let mut e = HistoryEntry::new(state.clock.now(), &app.profile.name, action, outcome);
    e.app = app.profile.app_b.clone();
    e.instance_id = instance.map(str::to_string);
    e.owner = owner;
    flows::remember(state, e);
}

fn outcome<T>(result: &Result<T, AppError>, ok: &str) -> String {
    result
        .as_ref()
        .map(|_| ok.to_string())
        .unwrap_or_else(|e| e.message.clone())
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppOverview {
    pub metadata: AppMetadata,
    /// The form's property paths, when the app serves its schema.
    pub prefill_keys: Option<Vec<String>>,
}

pub async fn overview(state: &AppState, profile: &str) -> Result<AppOverview, AppError> {
    with_app(state, profile, async |_, client| {
        let metadata = client.metadata().await?;
        let prefill_keys = match metadata.form() {
            Some(form) => client.schema(&form.id).await?.map(|s| property_paths(&s)),
            None => None,
        };
        Ok(AppOverview {
            metadata,
            prefill_keys,
        })
    })
    .await
}

pub async fn instantiate(
    state: &AppState,
    profile: &str,
    owner: &InstanceOwner,
    create: &Create,
) -> Result<Instantiated, AppError> {
    with_app(state, profile, async |app, client| {
        let metadata = client.metadata().await?;
        let made = client.instantiate(&metadata, owner, create).await;
        remember(
            state,
            app,
            "instantiate",
            made.as_ref().ok().map(|m| m.instance.id.as_str()),
            Some(owner.label()),
            &outcome(&made, "created"),
        );
        made
    })
    .await
}

pub async fn show(
    state: &AppState,
    profile: &str,
    id: &InstanceRef,
) -> Result<InstanceSummary, AppError> {
    with_app(state, profile, async |_, c| c.show(id).await).await
}

pub async fn update(
    state: &AppState,
    profile: &str,
    id: &InstanceRef,
    element: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<InstanceSummary, AppError> {
    with_app(state, profile, async |app, c| {
        let done = c.update(id, element, content_type, body).await;
        remember(
            state,
            app,
            "update",
            Some(&id.id()),
            None,
            &outcome(&done, "updated"),
        );
        done
    })
    .await
}

pub async fn next(
    state: &AppState,
    profile: &str,
    id: &InstanceRef,
) -> Result<InstanceSummary, AppError> {
    with_app(state, profile, async |app, c| {
        let done = c.next(id).await;
        remember(
            state,
            app,
            "process-next",
            Some(&id.id()),
            None,
            &outcome(&done, "moved on"),
        );
        done
    })
    .await
}

/// Saves the receipt PDF; `overwrite` says the person confirmed replacing an existing file.
pub async fn save_receipt(
    state: &AppState,
    profile: &str,
    id: &InstanceRef,
    path: PathBuf,
    overwrite: bool,
) -> Result<(DataElementSummary, PathBuf, usize), AppError> {
    if path.exists() && !overwrite {
        return Err(AppError::new(
            ErrorKind::ConfirmationRequired,
            format!("{} exists already; it was not overwritten.", path.display()),
        )
        .with_hint("Choose another file, or confirm replacing it."));
    }
    let (element, pdf) = with_app(state, profile, async |_, c| c.receipt(id).await).await?;
    std::fs::write(&path, &pdf).map_err(|e| {
        AppError::new(
            ErrorKind::Storage,
            format!("Could not write {}: {e}", path.display()),
        )
    })?;
    Ok((element, path, pdf.len()))
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteOutcome {
    pub id: String,
    pub deleted: bool,
    pub error: Option<String>,
}

pub async fn delete(
    state: &AppState,
    profile: &str,
    ids: &[InstanceRef],
) -> Result<Vec<DeleteOutcome>, AppError> {
    with_app(state, profile, async |app, c| {
        let mut outcomes = Vec::new();
        for id in ids {
            let result = c.delete(id).await;
            remember(
                state,
                app,
                "delete",
                Some(&id.id()),
                None,
                &outcome(&result, "deleted"),
            );
            outcomes.push(DeleteOutcome {
                id: id.id(),
                deleted: result.is_ok(),
                error: result.err().map(|e| e.message),
            });
        }
        Ok(outcomes)
    })
    .await
}

/// Instances this tool's history shows as made with the profile and not deleted since.
pub fn made_here(state: &AppState, profile: &str) -> Result<Vec<String>, AppError> {
    let entries = assistant_domain::history::load(&state.dir)?;
    let ids = |actions: &[&str]| -> Vec<String> {
        entries
            .iter()
            .filter(|e| {
                e.profile.eq_ignore_ascii_case(profile)
                    && actions.contains(&e.action.as_str())
                    && e.outcome != "failed"
            })
            .filter_map(|e| e.instance_id.clone())
            .collect()
    };
    let deleted = ids(&["delete"]);
    Ok(ids(&["instantiate", "bulk"])
        .into_iter()
        .filter(|id| !deleted.contains(id))
        .collect())
}

pub async fn run_bulk(
    state: &AppState,
    profile: &str,
    rows: Vec<BulkRow>,
    concurrency: usize,
    control: &BulkControl,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Result<Vec<RowResult>, AppError> {
    if !(1..=bulk::MAX_CONCURRENCY).contains(&concurrency) {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("Concurrency must be 1 to {}.", bulk::MAX_CONCURRENCY),
        ));
    }
    with_app(state, profile, async |app, client| {
        let metadata = client.metadata().await?;
        for row in &rows {
            check_owner(&metadata, &row.owner)
                .map_err(|e| AppError::new(e.kind, format!("line {}: {}", row.line, e.message)))?;
        }
        let job = BulkJob {
            app: app.app.clone(),
            rows,
            concurrency,
        };
        let results = bulk::run(client.transport, client.tokens, &job, control, progress).await;
        for r in results.iter().filter(|r| r.instance_id.is_some()) {
            remember(
                state,
                app,
                "bulk",
                r.instance_id.as_deref(),
                InstanceOwner::parse(&r.owner).ok().map(|o| o.label()),
                "created",
            );
        }
        Ok(results)
    })
    .await
}

/// How the window asks to instantiate.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum CreateMode {
    Template,
    Prefill {
        pairs: std::collections::BTreeMap<String, String>,
    },
    Multipart {
        files: Vec<DataFile>,
    },
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataFile {
    pub data_type: String,
    pub path: String,
    /// Guessed from the file name when not given.
    pub content_type: Option<String>,
}

/// Reads a data file for a multipart instantiation.
pub fn read_part(
    data_type: &str,
    path: &str,
    content_type: Option<String>,
) -> Result<assistant_domain::altinn::instance::DataPart, AppError> {
    let body = std::fs::read(path).map_err(|e| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Could not read {path}: {e}"),
        )
    })?;
    Ok(assistant_domain::altinn::instance::DataPart {
        data_type: data_type.to_string(),
        content_type: content_type.unwrap_or_else(|| guess_content_type(path)),
        body,
    })
}

/// From the file name: the content types apps usually take.
pub fn guess_content_type(file: &str) -> String {
    match file
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/xml",
    }
    .to_string()
}

impl CreateMode {
    pub fn into_create(self) -> Result<Create, AppError> {
        Ok(match self {
            CreateMode::Template => Create::Template,
            CreateMode::Prefill { pairs } => Create::Prefill(pairs),
            CreateMode::Multipart { files } => Create::Multipart(
                files
                    .into_iter()
                    .map(|f| read_part(&f.data_type, &f.path, f.content_type))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// The bulk job the window runs (one at a time), so its buttons can pause and cancel it.
#[derive(Debug, Default)]
pub struct BulkJobs {
    pub current: std::sync::Mutex<Option<BulkControl>>,
}

/// The instances to delete: the ids given plus, when asked, all made here; refused without
/// consent (deleting cannot be undone).
pub fn deletion_targets(
    state: &AppState,
    profile: &str,
    ids: &[String],
    all_made_here: bool,
    confirmed: bool,
) -> Result<Vec<InstanceRef>, AppError> {
    let mut ids = ids.to_vec();
    if all_made_here {
        ids.extend(made_here(state, profile)?);
    }
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "No instances to delete.",
        ));
    }
    if !confirmed {
        return Err(AppError::new(
            ErrorKind::ConfirmationRequired,
            format!("Deleting {} instance(s) cannot be undone.", ids.len()),
        )
        .with_hint("Confirm to delete."));
    }
    ids.iter().map(|id| InstanceRef::parse(id)).collect()
}

/// Bulk from a CSV file, writing the results file next to it (or where asked).
pub async fn bulk_from_file(
    state: &AppState,
    profile: &str,
    csv_path: &str,
    concurrency: usize,
    results_path: Option<String>,
    control: &BulkControl,
    progress: &(dyn Fn(BulkProgress) + Send + Sync),
) -> Result<crate::commands::instances::BulkSummary, AppError> {
    let text = std::fs::read_to_string(csv_path).map_err(|e| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Could not read {csv_path}: {e}"),
        )
    })?;
    let rows = bulk::parse_csv(&text)?;
    let results = run_bulk(state, profile, rows, concurrency, control, progress).await?;
    let results_file = results_path
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(csv_path).with_extension("results.csv"));
    std::fs::write(&results_file, bulk::results_csv(&results)).map_err(|e| {
        AppError::new(
            ErrorKind::Storage,
            format!("Could not write {}: {e}", results_file.display()),
        )
    })?;
    let count = |s| results.iter().filter(|r| r.status == s).count();
    Ok(crate::commands::instances::BulkSummary {
        created: count(bulk::RowStatus::Created),
        failed: count(bulk::RowStatus::Failed),
        unknown: count(bulk::RowStatus::Unknown),
        results_file: results_file.display().to_string(),
        results,
    })
}

pub fn steer(
    jobs: &BulkJobs,
    action: crate::commands::instances::BulkAction,
) -> Result<(), AppError> {
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
