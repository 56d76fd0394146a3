//! App B's instances in the window: at a glance, create, follow up, receipt, cleanup, bulk.

use assistant_domain::AppError;
use assistant_domain::altinn::bulk::BulkProgress;
use assistant_domain::altinn::client::Instantiated;
use assistant_domain::altinn::instance::{InstanceRef, InstanceSummary};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::made_here::MadeHere;
use serde::Deserialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::blocking;
use assistant_app::AppState;
use assistant_app::flows::ActingAs;
use assistant_app::grants::{Access, PathGrants};
use assistant_app::instances::bulk::{BulkAction, BulkJobs, BulkSummary, StartBulkRequest};
use assistant_app::instances::{self, AppOverview, CreateMode, DeleteOutcome};

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ProfileRequest {
    pub profile: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CreateInstanceRequest {
    pub profile: String,
    /// Organisation number, national identity number / D-number, or party:ID.
    pub owner: String,
    pub mode: CreateMode,
    /// As a customer's system user (the customer owns the instance), else as the profile's own
    /// organisation.
    #[serde(default)]
    #[ts(optional)]
    pub acting: Option<ActingAs>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct InstanceRequest {
    pub profile: String,
    pub id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateDataRequest {
    pub profile: String,
    pub id: String,
    pub element: String,
    pub path: String,
    pub content_type: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SaveReceiptRequest {
    pub profile: String,
    pub id: String,
    /// From the save dialog, which has asked about replacing a file.
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeleteInstancesRequest {
    pub profile: String,
    pub ids: Vec<String>,
    /// Also every instance the history shows as made with this profile.
    pub all_made_here: bool,
    pub confirmed: bool,
}

#[tauri::command]
pub async fn get_app_overview(
    state: State<'_, AppState>,
    request: ProfileRequest,
) -> Result<AppOverview, AppError> {
    instances::overview(&state, &request.profile).await
}

#[tauri::command]
pub async fn create_instance(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: CreateInstanceRequest,
) -> Result<Instantiated, AppError> {
    if let CreateMode::Multipart { files } = &request.mode {
        for file in files {
            grants.check(&file.path, Access::Read)?;
        }
    }
    let owner = InstanceOwner::parse(&request.owner)?;
    instances::instantiate_as(
        &state,
        &request.profile,
        request.acting.as_ref(),
        &owner,
        &request.mode.into_create()?,
    )
    .await
}

#[tauri::command]
pub async fn show_instance(
    state: State<'_, AppState>,
    request: InstanceRequest,
) -> Result<InstanceSummary, AppError> {
    instances::show(&state, &request.profile, &InstanceRef::parse(&request.id)?).await
}

#[tauri::command]
pub async fn update_instance_data(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: UpdateDataRequest,
) -> Result<InstanceSummary, AppError> {
    grants.check(&request.path, Access::Read)?;
    let part = instances::read_part(&request.element, &request.path, request.content_type)?;
    instances::update(
        &state,
        &request.profile,
        &InstanceRef::parse(&request.id)?,
        &request.element,
        &part.content_type,
        part.body,
    )
    .await
}

#[tauri::command]
pub async fn advance_instance(
    state: State<'_, AppState>,
    request: InstanceRequest,
) -> Result<InstanceSummary, AppError> {
    instances::next(&state, &request.profile, &InstanceRef::parse(&request.id)?).await
}

#[tauri::command]
pub async fn save_receipt(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: SaveReceiptRequest,
) -> Result<String, AppError> {
    grants.check(&request.path, Access::Write)?;
    let saved = instances::save_receipt(
        &state,
        &request.profile,
        &InstanceRef::parse(&request.id)?,
        request.path.into(),
        true,
    )
    .await?;
    Ok(saved.path.display().to_string())
}

#[tauri::command]
pub async fn delete_instances(
    state: State<'_, AppState>,
    request: DeleteInstancesRequest,
) -> Result<Vec<DeleteOutcome>, AppError> {
    let references = instances::deletion_targets(
        &state,
        &request.profile,
        &request.ids,
        request.all_made_here,
        request.confirmed,
    )?;
    instances::delete(&state, &request.profile, &references).await
}

#[tauri::command]
pub async fn start_bulk(
    state: State<'_, AppState>,
    jobs: State<'_, BulkJobs>,
    grants: State<'_, PathGrants>,
    request: StartBulkRequest,
    on_progress: Channel<BulkProgress>,
) -> Result<BulkSummary, AppError> {
    grants.check(&request.csv_path, Access::Read)?;
    if let Some(results) = &request.results_path {
        grants.check(results, Access::Write)?;
    }
    let report = move |p: BulkProgress| drop(on_progress.send(p));
    instances::bulk::bulk_in_window(&state, &jobs, request, &report).await
}

/// Pause, resume or cancel the running bulk job.
#[tauri::command]
pub fn steer_bulk(jobs: State<'_, BulkJobs>, request: SteerBulkRequest) -> Result<(), AppError> {
    instances::bulk::steer(&jobs, request.action)
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SteerBulkRequest {
    pub action: BulkAction,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct MadeHereRequest {
    pub profile: String,
}

/// What this tool made with the profile, and what "delete all made here" would delete.
#[tauri::command]
pub async fn list_made_here(
    state: State<'_, AppState>,
    request: MadeHereRequest,
) -> Result<MadeHere, AppError> {
    let state = state.inner().clone();
    blocking(move || instances::made_here(&state, &request.profile)).await
}
