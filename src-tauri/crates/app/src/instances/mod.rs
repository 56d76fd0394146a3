//! App B's instances for a profile, as the window and the CLI both use them: the domain's
//! `AppClient` with the profile's tokens, and a secret-free history line for each action.

pub mod bulk;

use std::path::PathBuf;

use assistant_domain::altinn::app::{AppMetadata, property_paths};
use assistant_domain::altinn::client::{AppClient, Instantiated};
use assistant_domain::altinn::delete::Deleted;
use assistant_domain::altinn::instance::{
    Create, DataElementSummary, InstanceRef, InstanceSummary,
};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::checklist::{StepId, StepState};
use assistant_domain::datadir::{self, DataDirError, Existing};
use assistant_domain::history::{HistoryAction, HistoryEntry};
use assistant_domain::made_here::MadeHere;
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
    with_app_as(state, profile, None, work).await
}

/// `with_app`, acting as a customer's system user when `acting` names one.
async fn with_app_as<T>(
    state: &AppState,
    profile: &str,
    acting: Option<&flows::ActingAs>,
    work: impl AsyncFnOnce(&AppTarget, &AppClient<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let app = flows::app_target_as(state, profile, acting).await?;
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
    action: HistoryAction,
    instance: Option<&str>,
    owner: Option<String>,
    (succeeded, outcome): (bool, String),
) {
    let mut e = HistoryEntry::new(
        state.clock.now(),
        &app.profile.name,
        action,
        succeeded,
        outcome,
    );
    e.app = app.profile.app_b.clone();
    e.instance_id = instance.map(str::to_string);
    e.owner = owner;
    state.remember(e);
}

/// Whether it worked, and in words: `ok` on success, the error's message otherwise.
fn outcome<T>(result: &Result<T, AppError>, ok: &str) -> (bool, String) {
    match result {
        Ok(_) => (true, ok.to_string()),
        Err(e) => (false, e.message.clone()),
    }
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
    instantiate_as(state, profile, None, owner, create).await
}

/// An instance of app B, made as a customer's system user when `acting` names one (the app
/// then checks the system user's rights on the owner, Altinn.App ≥ 8.6).
pub async fn instantiate_as(
    state: &AppState,
    profile: &str,
    acting: Option<&flows::ActingAs>,
    owner: &InstanceOwner,
    create: &Create,
) -> Result<Instantiated, AppError> {
    with_app_as(state, profile, acting, async |app, client| {
        let metadata = client.metadata().await?;
        let made = client.instantiate(&metadata, owner, create).await;
        let (succeeded, said) = outcome(&made, "created");
        let mut e = HistoryEntry::new(
            state.clock.now(),
            &app.profile.name,
            HistoryAction::Instantiate,
            succeeded,
            said,
        )
        .for_step(
            StepId::Instance,
            if made.is_ok() {
                StepState::Verified
            } else {
                StepState::Failed
            },
        )
        .with_kid(app.kid());
        e.app = app.profile.app_b.clone();
        e.instance_id = made.as_ref().ok().map(|m| m.instance.id.clone());
        e.owner = Some(owner.label());
        // The system-user route's instance step counts only instances made as a system user.
        if let Some(acting) = acting {
            e = e.with_detail(serde_json::json!({ "systemUser": acting.system_user_org }));
        }
        state.remember(e);
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
            HistoryAction::Update,
            Some(&id.id()),
            None,
            outcome(&done, "updated"),
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
            HistoryAction::ProcessNext,
            Some(&id.id()),
            None,
            outcome(&done, "moved on"),
        );
        done
    })
    .await
}

/// A receipt written to disk: the data element it came from, where it went, how big it is.
#[derive(Debug, Clone)]
pub struct SavedReceipt {
    pub element: DataElementSummary,
    pub path: PathBuf,
    pub bytes: usize,
}

/// Saves the receipt PDF; `overwrite` says the person confirmed replacing an existing file.
pub async fn save_receipt(
    state: &AppState,
    profile: &str,
    id: &InstanceRef,
    path: PathBuf,
    overwrite: bool,
) -> Result<SavedReceipt, AppError> {
    let existing = if overwrite {
        Existing::Replace
    } else {
        Existing::Keep
    };
    // Asked before the download, so nothing is fetched for a file that will not be written.
    if existing == Existing::Keep && std::fs::symlink_metadata(&path).is_ok() {
        return Err(DataDirError::Exists { path }.into());
    }
    let (element, pdf) = with_app(state, profile, async |_, c| c.receipt(id).await).await?;
    datadir::save(&path, &pdf, existing)?;
    Ok(SavedReceipt {
        element,
        path,
        bytes: pdf.len(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteOutcome {
    pub id: String,
    pub deleted: bool,
    /// Gone for good (a hard delete), not only in the owner's trash.
    pub hard: bool,
    pub error: Option<String>,
    /// What to do about the error (for a 403: the policy rule to add).
    pub hint: Option<String>,
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
                HistoryAction::Delete,
                Some(&id.id()),
                None,
                outcome(&result, "deleted"),
            );
            let (hard, error) = match result {
                Ok(kind) => (kind == Deleted::Hard, None),
                Err(e) => (false, Some(e)),
            };
            outcomes.push(DeleteOutcome {
                id: id.id(),
                deleted: error.is_none(),
                hard,
                hint: error.as_ref().and_then(|e| e.hint.clone()),
                error: error.map(|e| e.message),
            });
        }
        Ok(outcomes)
    })
    .await
}

/// Instances this tool's history shows as made with the profile and not deleted since, with
/// the rule's verdict per line (`assistant_domain::made_here`).
pub fn made_here(state: &AppState, profile: &str) -> Result<MadeHere, AppError> {
    let entries = assistant_domain::history::load(&state.dir)?.entries;
    Ok(assistant_domain::made_here::made_here(&entries, profile))
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
        file_name: std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
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

/// The instances to delete (`assistant_domain::made_here::deletion_targets`), with the history
/// read only when "all made here" needs it.
pub fn deletion_targets(
    state: &AppState,
    profile: &str,
    ids: &[String],
    all_made_here: bool,
    confirmed: bool,
) -> Result<Vec<InstanceRef>, AppError> {
    let entries = if all_made_here {
        assistant_domain::history::load(&state.dir)?.entries
    } else {
        Vec::new()
    };
    assistant_domain::made_here::deletion_targets(&entries, profile, ids, all_made_here, confirmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_delete_keeps_the_instance_in_the_made_here_list() {
        let tmp = tempfile::tempdir().expect("tmp");
        let state = AppState::with(
            assistant_domain::datadir::DataDir::new(tmp.path()),
            std::sync::Arc::new(assistant_domain::secret_store::MemoryStore::default()),
            std::sync::Arc::new(assistant_domain::clock::SystemClock),
        );
        let entry = |action: HistoryAction, id: &str, (ok, said): (bool, &str)| {
            let mut e = HistoryEntry::new(time::OffsetDateTime::UNIX_EPOCH, "P", action, ok, said);
            e.instance_id = Some(id.into());
            assistant_domain::history::append(&state.dir, &e).expect("history");
        };
        entry(HistoryAction::Instantiate, "1/a", (true, "created"));
        entry(HistoryAction::Bulk, "1/b", (true, "created"));
        entry(
            HistoryAction::Instantiate,
            "1/c",
            (false, "Cannot lookup party"),
        );
        entry(
            HistoryAction::Delete,
            "1/a",
            (false, "app B failed (HTTP 503)"),
        );
        entry(HistoryAction::Delete, "1/b", (true, "deleted"));
        assert_eq!(made_here(&state, "p").expect("list").deletable, ["1/a"]);
    }
}
