//! The system-user path's vendor steps (issue 17), shared by the window and the CLI: the
//! vendor's system in Altinn's system register, read, compared with what the profile needs, and
//! created or updated only with the person's consent.

use assistant_domain::chain::ChainOptions;
use assistant_domain::http::Transport;
use assistant_domain::profile::Profile;
use assistant_domain::secret::AccessToken;
use assistant_domain::systemuser::register::{self, RegisteredSystem};
use assistant_domain::{AppError, ErrorKind, inventory};
use serde::Serialize;
use ts_rs::TS;

use crate::AppState;
use crate::blocking::blocking;

/// The system name when none is given: `{org}_maskinporten-assistant`.
pub const DEFAULT_NAME: &str = "maskinporten-assistant";

/// What is registered, what the profile needs, and what a write would change.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SystemPlan {
    pub system_id: String,
    pub registered: Option<RegisteredSystem>,
    /// The system as it will be after a write (the registered one with what the profile needs).
    pub wanted: RegisteredSystem,
    /// In words: what a write changes; empty when the register already has it all.
    pub changes: Vec<String>,
    /// Whether this call wrote it (then `registered` is the read-back).
    pub written: bool,
}

/// The vendor's token for the system register: its own Maskinporten token with
/// `altinn:authentication/systemregister.write` (docs/reference/systemuser.md §1).
async fn vendor_token(state: &AppState, profile: &str) -> Result<AccessToken, AppError> {
    let options = ChainOptions {
        scopes: vec![register::SCOPE.into()],
        ..ChainOptions::default()
    };
    let (report, tokens) = crate::flows::token_test(state, profile, options).await?;
    match tokens {
        Some(tokens) if report.ok => Ok(tokens.access_token),
        _ => {
            let why = report
                .diagnosis
                .map(|d| format!("{} {}", d.title.en, d.fix.en))
                .unwrap_or_default();
            Err(AppError::new(
                ErrorKind::Server,
                format!("No Maskinporten token with {} for profile \"{profile}\". {why}", register::SCOPE),
            )
            .with_hint(format!(
                "Add {} to the client's scopes (Samarbeidsportalen; on the sandbox: add it to the profile's scopes and run sandbox register).",
                register::SCOPE
            )))
        }
    }
}

fn needs(profile: &Profile) -> Result<(String, String, String), AppError> {
    let missing = |what: &str| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" has no {what}.", profile.name),
        )
        .with_hint("Set it with profile edit, then try again.")
    };
    Ok((
        profile
            .org_number
            .clone()
            .ok_or_else(|| missing("organisation number"))?,
        profile
            .client_id
            .as_deref()
            .map(str::to_string)
            .ok_or_else(|| missing("client id"))?,
        profile.app_b.clone().ok_or_else(|| missing("app B"))?,
    ))
}

/// Reads the system and compares; with `confirmed`, creates or updates it and reads it back.
pub async fn register(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
    confirmed: bool,
) -> Result<SystemPlan, AppError> {
    let (dir, wanted_name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &wanted_name)).await?;
    let (org, client_id, app_b) = needs(&profile)?;
    let wanted = register::wanted(&org, name.unwrap_or(DEFAULT_NAME), &client_id, &app_b)?;
    let token = vendor_token(state, profile.name.as_str()).await?;
    let platform = crate::flows::endpoints(state, &profile).await?.altinn;
    let transport = state.transport()?;
    let read = |token: &AccessToken| register::read(&platform, token, &wanted.id);
    let registered = register::parse_read(&transport.send(read(&token)?).await?, &wanted.id)?;
    let (target, changes) = match &registered {
        Some(existing) => register::changes(existing, &wanted),
        None => (
            wanted.clone(),
            vec![format!("create the system {}", wanted.id)],
        ),
    };
    if changes.is_empty() || !confirmed {
        return Ok(SystemPlan {
            system_id: wanted.id.clone(),
            registered,
            wanted: target,
            changes,
            written: false,
        });
    }
    let write = register::write(&platform, &token, &target, registered.is_some())?;
    register::parse_write(&transport.send(write).await?, &target.id)?;
    let back = register::parse_read(&transport.send(read(&token)?).await?, &target.id)?;
    if back
        .as_ref()
        .is_none_or(|b| !register::changes(b, &wanted).1.is_empty())
    {
        return Err(AppError::new(
            ErrorKind::Server,
            format!(
                "The system register does not show {} as written.",
                target.id
            ),
        ));
    }
    Ok(SystemPlan {
        system_id: target.id.clone(),
        registered: back,
        wanted: target,
        changes,
        written: true,
    })
}
