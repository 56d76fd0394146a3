//! What the system-user route's actions prove: the system register read or written, the
//! customer's request and its status, and app B checked for system users. The app crate
//! appends these lines after the action; the fold in `checklist` reads them.

use time::OffsetDateTime;

use super::proofs::folder_name;
use super::{StepId, StepState};
use crate::appconfig::Severity;
use crate::appconfig::appb_system::AppBSystemUserReport;
use crate::diagnosis::{Localized, l};
use crate::error::AppError;
use crate::history::{HistoryAction, HistoryEntry};
use crate::systemuser::request::{Status, SystemUserRequest};

fn line(
    now: OffsetDateTime,
    profile: &str,
    action: HistoryAction,
    step: StepId,
    state: StepState,
    said: Localized,
) -> HistoryEntry {
    HistoryEntry::new(now, profile, action, state != StepState::Failed, said.en)
        .in_bokmal(said.nb)
        .for_step(step, state)
}

/// The register read (and written, when `written`): verified once it has everything the profile
/// needs, still to do while a write would change something.
pub fn system_register(
    now: OffsetDateTime,
    profile: &str,
    system_id: &str,
    changes: &[Localized],
    written: bool,
) -> HistoryEntry {
    let (state, said) = if written {
        (
            StepState::Verified,
            l(
                format!("{system_id} written and read back from the system register"),
                format!("{system_id} skrevet og lest tilbake fra systemregisteret"),
            ),
        )
    } else if changes.is_empty() {
        (
            StepState::Verified,
            l(
                format!("{system_id} has the client id and app B's right"),
                format!("{system_id} har klient-ID-en og rettigheten til app B"),
            ),
        )
    } else {
        let en: Vec<&str> = changes.iter().map(|c| c.en.as_str()).collect();
        let nb: Vec<&str> = changes.iter().map(|c| c.nb.as_str()).collect();
        (
            StepState::Todo,
            l(
                format!("still to do: {}", en.join("; ")),
                format!("gjenstår: {}", nb.join("; ")),
            ),
        )
    };
    line(
        now,
        profile,
        HistoryAction::SystemRegister,
        StepId::SystemRegister,
        state,
        said,
    )
    .with_detail(serde_json::json!({ "systemId": system_id }))
}

/// A failed action of the route's step: its error's message, as the person saw it.
pub fn failed(
    now: OffsetDateTime,
    profile: &str,
    action: HistoryAction,
    step: StepId,
    error: &AppError,
) -> HistoryEntry {
    line(
        now,
        profile,
        action,
        step,
        StepState::Failed,
        l(error.message.clone(), error.message.clone()),
    )
}

/// The request as last seen: approved proves the step, waiting leaves it to do, a refusal or a
/// timeout fails it. The detail names the customer and the `externalRef` every token for this
/// system user must carry, so the token step can ask for exactly that system user.
pub fn system_user_request(
    now: OffsetDateTime,
    profile: &str,
    request: &SystemUserRequest,
) -> HistoryEntry {
    let status = Status::parse(&request.status);
    let customer = &request.party_org_no;
    let (state, said) = match status {
        Status::Accepted => (
            StepState::Verified,
            l(
                format!("{customer} approved the system user"),
                format!("{customer} godkjente systembrukeren"),
            ),
        ),
        Status::New => (
            StepState::Todo,
            l(
                format!("request sent to {customer}, waiting for the approval"),
                format!("forespørsel sendt til {customer}, venter på godkjenning"),
            ),
        ),
        Status::Rejected | Status::Denied | Status::Timedout | Status::Unknown => (
            StepState::Failed,
            l(
                format!("the request to {customer} ended as {}", request.status),
                format!("forespørselen til {customer} endte som {}", request.status),
            ),
        ),
    };
    line(
        now,
        profile,
        HistoryAction::SystemUserRequest,
        StepId::SystemUserApproval,
        state,
        said,
    )
    .with_detail(serde_json::json!({
        "requestId": request.id,
        "customer": customer,
        "externalRef": request.external_ref,
        "systemId": request.system_id,
        "status": status,
    }))
}

/// App B's repository checked: ready when no finding is an error.
pub fn app_b_system_users(
    now: OffsetDateTime,
    profile: &str,
    folder: &str,
    report: &AppBSystemUserReport,
) -> HistoryEntry {
    let first_error = report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error);
    let (state, said) = match first_error {
        None => (
            StepState::Verified,
            l(
                format!(
                    "app B ({}) is ready for system users",
                    report.version.as_deref().unwrap_or("version unknown")
                ),
                format!(
                    "app B ({}) er klar for systembrukere",
                    report.version.as_deref().unwrap_or("ukjent versjon")
                ),
            ),
        ),
        Some(found) => (StepState::Failed, found.message.clone()),
    };
    line(
        now,
        profile,
        HistoryAction::AppBCheck,
        StepId::AppBSystemUsers,
        state,
        said,
    )
    .with_detail(serde_json::json!({
        "folder": folder_name(folder),
        "version": report.version,
        "roles": report.roles,
    }))
}
