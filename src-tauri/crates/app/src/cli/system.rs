//! `system register|show|check-app-b` and `systemuser request|status|list`: the vendor's system
//! in Altinn's system register, the customer's system user, and app B's readiness for it.

use assistant_domain::{AppError, ErrorKind};
use clap::{Args, Subcommand};

use super::output::Output;
use crate::AppState;
use crate::systemuser::{self, SystemPlan};

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Create or update the vendor's system: its id `{org}_{name}`, the profile's client id and
    /// app B as a right. Shows what would change; changes it only with --yes.
    Register {
        #[command(flatten)]
        which: Which,
        /// Yes, create or update the system as shown.
        #[arg(long)]
        yes: bool,
    },
    /// What the system register holds for the system, beside what the profile needs.
    Show(Which),
    /// App B's repository read for system users: Altinn.App 8.6 or later, and a policy rule that
    /// gives a role the approver holds instantiate and read. Exits 1 when something is an error.
    CheckAppB {
        /// App B's repository folder (or its App folder).
        #[arg(long, value_name = "FOLDER")]
        app_b: std::path::PathBuf,
        /// Record the result in this profile's checklist.
        #[arg(long)]
        profile: Option<String>,
    },
}

fn check_app_b(
    app_b: &std::path::Path,
    profile: Option<&str>,
    state: &AppState,
) -> Result<Output, AppError> {
    let path = app_b.display().to_string();
    let report = systemuser::check_app_b_recorded(state, profile, &path)?;
    let mut text = format!(
        "App B: Altinn.App {}; roles that may instantiate and read: {}",
        report.version.as_deref().unwrap_or("(version not found)"),
        if report.roles.is_empty() {
            "none".to_string()
        } else {
            report.roles.join(", ")
        }
    );
    for finding in &report.findings {
        let at = finding.line.map(|l| format!(":{l}")).unwrap_or_default();
        text.push_str(&format!(
            "\n{:?} {}{at}: {}\n  Fix: {}",
            finding.severity, finding.file, finding.message.en, finding.fix.en
        ));
    }
    if report.findings.is_empty() {
        text.push_str("\nApp B is ready for system users.");
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == assistant_domain::appconfig::Severity::Error)
        .count();
    let json = serde_json::to_value(&report)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    if errors > 0 {
        let error = AppError::new(
            ErrorKind::InvalidInput,
            format!("App B is not ready for system users ({errors} error(s))."),
        )
        .with_hint("Make the changes shown, deploy app B, and check again.");
        return Ok(Output::failed(json, text, error));
    }
    Output::from_json(json, text)
}

#[derive(Debug, Args)]
pub struct Which {
    /// The vendor's profile (its organisation, client id and app B).
    #[arg(long)]
    profile: String,
    /// The system's name after the organisation number (one word).
    #[arg(long, default_value = systemuser::DEFAULT_NAME)]
    name: String,
}

fn render(plan: &SystemPlan) -> String {
    let mut text = match &plan.registered {
        Some(system) => format!(
            "System {} is registered: client id(s) {}, rights {}.",
            system.id,
            system.client_id.join(", "),
            system
                .rights
                .iter()
                .flat_map(|r| r.resource.iter().map(|x| x.value.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("System {} is not in the system register.", plan.system_id),
    };
    if plan.changes.is_empty() {
        text.push_str("\nIt has everything the profile needs.");
    } else {
        let verb = if plan.written { "Done" } else { "To do" };
        for change in &plan.changes {
            text.push_str(&format!("\n{verb}: {}", change.en));
        }
    }
    text
}

pub fn run(command: SystemCommand, state: &AppState) -> Result<Output, AppError> {
    let (which, yes) = match &command {
        SystemCommand::Register { which, yes } => (which, *yes),
        SystemCommand::Show(which) => (which, false),
        SystemCommand::CheckAppB { app_b, profile } => {
            return check_app_b(app_b, profile.as_deref(), state);
        }
    };
    let plan = super::block(
        state,
        systemuser::register_recorded(state, &which.profile, Some(&which.name), yes),
    )?;
    let text = render(&plan);
    let json = serde_json::to_value(&plan)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    match command {
        SystemCommand::Register { yes: false, .. } if !plan.changes.is_empty() => {
            let error = AppError::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "Nothing was changed in the system register ({} change(s) shown).",
                    plan.changes.len()
                ),
            )
            .with_hint("Repeat with --yes to make them.");
            Ok(Output::failed(json, text, error))
        }
        _ => Output::from_json(json, text),
    }
}

#[derive(Debug, Subcommand)]
pub enum SystemUserCommand {
    /// Ask a customer organisation for a system user on the vendor's system (app B's right);
    /// prints the confirm link to hand to the customer.
    Request {
        #[command(flatten)]
        which: Which,
        /// The customer's organisation number (9 digits).
        #[arg(long)]
        customer: String,
        /// Your own reference for this customer's system user. If set, every system-user token
        /// grant must carry it as `externalRef` (else Maskinporten answers MP-303).
        #[arg(long)]
        external_ref: Option<String>,
    },
    /// A request's status and what to do next; --wait polls until the customer has decided.
    Status {
        #[arg(long)]
        profile: String,
        /// The request id (from `systemuser request`).
        #[arg(long)]
        id: String,
        /// Poll every 5 seconds (for up to 10 minutes) while the status is New.
        #[arg(long)]
        wait: bool,
    },
    /// Every request for the vendor's system.
    List(Which),
}

fn request_line(view: &crate::systemuser::RequestView) -> String {
    let r = &view.request;
    format!(
        "{} customer {} ref {} — {}",
        r.id,
        r.party_org_no,
        r.external_ref.as_deref().unwrap_or("-"),
        r.status
    )
}

pub fn run_systemuser(command: SystemUserCommand, state: &AppState) -> Result<Output, AppError> {
    match command {
        SystemUserCommand::Request {
            which,
            customer,
            external_ref,
        } => {
            let view = super::block(
                state,
                systemuser::request_recorded(
                    state,
                    &which.profile,
                    Some(&which.name),
                    &customer,
                    external_ref.as_deref(),
                ),
            )?;
            let mut text = format!("Request {}: {}", request_line(&view), view.next_step.en);
            if let Some(url) = &view.request.confirm_url {
                text.push_str(&format!("\nConfirm link for the customer: {url}"));
            }
            if external_ref.is_some() {
                text.push_str("\nYou set an externalRef: every system-user token grant must carry it (token --external-ref).");
            }
            text.push_str(&format!(
                "\nFollow it with: maskinporten-assistant systemuser status --profile {} --id {} --wait",
                which.profile, view.request.id
            ));
            Output::new(&view, text)
        }
        SystemUserCommand::Status { profile, id, wait } => {
            let view = super::block(state, async {
                let mut view = systemuser::status_recorded(state, &profile, &id).await?;
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
                while wait && view.status.pending() && std::time::Instant::now() < deadline {
                    super::output::to_stderr(&format!(
                        "Waiting for the customer… (status {})",
                        view.request.status
                    ));
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    view = systemuser::status_recorded(state, &profile, &id).await?;
                }
                Ok(view)
            })?;
            let text = format!("{}\n{}", request_line(&view), view.next_step.en);
            Output::new(&view, text)
        }
        SystemUserCommand::List(which) => {
            let all = super::block(
                state,
                systemuser::list(state, &which.profile, Some(&which.name)),
            )?;
            let text = if all.is_empty() {
                "No system-user requests for this system yet.".to_string()
            } else {
                all.iter().map(request_line).collect::<Vec<_>>().join("\n")
            };
            Output::new(&all, text)
        }
    }
}
