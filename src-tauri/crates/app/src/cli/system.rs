//! `system register|show`: the vendor's system in Altinn's system register (issue 17).

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
            text.push_str(&format!("\n{verb}: {change}"));
        }
    }
    text
}

pub fn run(command: SystemCommand, state: &AppState) -> Result<Output, AppError> {
    let (which, yes) = match &command {
        SystemCommand::Register { which, yes } => (which, *yes),
        SystemCommand::Show(which) => (which, false),
    };
    let plan = super::block(
        state,
        systemuser::register(state, &which.profile, Some(&which.name), yes),
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
