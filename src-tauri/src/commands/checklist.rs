//! The guided checklist: its steps for a profile, a person's own marks, the activity log and the
//! shareable report.

use assistant_domain::AppError;
use assistant_domain::checklist::{Checklist, Route};
use assistant_domain::datadir::Existing;
use assistant_domain::history::HistoryEntry;
use tauri::State;

use super::blocking;
use assistant_app::AppState;
use assistant_app::checklist::{
    self, ChecklistRequest, MarkStepRequest, ReportRequest, SavedReport,
};
use assistant_app::grants::{Access, PathGrants};

#[tauri::command]
pub async fn get_checklist(
    state: State<'_, AppState>,
    request: ChecklistRequest,
) -> Result<Checklist, AppError> {
    let state = state.inner().clone();
    blocking(move || checklist::get(&state, &request.profile)).await
}

#[tauri::command]
pub async fn mark_step(
    state: State<'_, AppState>,
    request: MarkStepRequest,
) -> Result<Checklist, AppError> {
    let state = state.inner().clone();
    blocking(move || checklist::mark(&state, &request)).await
}

/// The person's choice of route for the profile's checklist.
#[tauri::command]
pub async fn choose_route(
    state: State<'_, AppState>,
    profile: String,
    route: Route,
) -> Result<Checklist, AppError> {
    let state = state.inner().clone();
    blocking(move || checklist::choose_route(&state, &profile, route)).await
}

#[tauri::command]
pub async fn list_activity(
    state: State<'_, AppState>,
    request: ChecklistRequest,
) -> Result<Vec<HistoryEntry>, AppError> {
    let state = state.inner().clone();
    blocking(move || checklist::activity(&state, &request.profile)).await
}

/// A given path comes from the save dialog, which has already asked about replacing a file.
#[tauri::command]
pub async fn save_report(
    state: State<'_, AppState>,
    grants: State<'_, PathGrants>,
    request: ReportRequest,
) -> Result<SavedReport, AppError> {
    if let Some(path) = &request.path {
        grants.check(path, Access::Write)?;
    }
    let state = state.inner().clone();
    // A path comes from the save dialog, which has asked about replacing a file there.
    blocking(move || checklist::save_report(&state, &request, Existing::Replace)).await
}
