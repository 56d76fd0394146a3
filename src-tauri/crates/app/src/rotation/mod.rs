//! The key rotation flow for the window and the CLI (the record and its rules are in
//! `assistant_domain::rotation`). `advance` runs the steps in order from where the record says,
//! saving after each, and stops where the person must act (a portal change, a redeploy) or a
//! step fails. Running it again continues; nothing is done twice that was proven once.

use assistant_domain::diagnosis::Localized;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::rotation::{self, KeyRoute, Rotation, Step, StepState};
use assistant_domain::{AppError, ErrorKind, inventory};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppState;
use crate::blocking::blocking;

mod client;
mod steps;
mod words;

use words::failed;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RotateRequest {
    pub profile: String,
    /// For test and prod: the profile of the organisation's self-service admin client (its
    /// client has `idporten:dcr.read` and `idporten:dcr.write`). Without it the keys are changed
    /// in Samarbeidsportalen and the tool checks the result with a token. The sandbox always
    /// has its self-service API.
    #[serde(default)]
    pub via: Option<String>,
    /// The person says app A was redeployed since the new key went to Key Vault.
    #[serde(default)]
    pub redeployed: bool,
    /// Key size of the new key (2048 unless given; Digdir's documented size).
    #[serde(default)]
    pub bits: Option<u32>,
    /// Run one step, then stop (the window's "Next step"; `key rotate --step`).
    #[serde(default)]
    pub one_step: bool,
}

/// Where a rotation stands, for the window and `key rotate --json`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RotationView {
    pub rotation: Rotation,
    pub titles: Vec<Localized>,
    /// The step the person must act on (or that failed), if the flow stopped before the end.
    pub stopped_at: Option<Step>,
}

fn view(rotation: Rotation) -> RotationView {
    let stopped_at = rotation.next();
    RotationView {
        titles: rotation.steps.iter().map(|s| s.step.title()).collect(),
        rotation,
        stopped_at,
    }
}

/// The rotation under way for the profile, if any (nothing is changed).
pub async fn status(state: &AppState, profile: &str) -> Result<Option<RotationView>, AppError> {
    let (dir, name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let dir = state.dir.clone();
    let found = blocking(move || rotation::active(&dir, &profile.name)).await?;
    Ok(found.map(view))
}

struct Run<'a> {
    state: &'a AppState,
    profile: Profile,
    rotation: Rotation,
    request: &'a RotateRequest,
}

/// Starts the profile's rotation or continues it, as far as it can go now.
pub async fn advance(state: &AppState, request: &RotateRequest) -> Result<RotationView, AppError> {
    let (dir, name) = (state.dir.clone(), request.profile.clone());
    let profile = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let route = match (&profile.environment, &request.via) {
        (Environment::Sandbox, _) | (_, Some(_)) => KeyRoute::SelfService,
        _ => KeyRoute::Portal,
    };
    let dir = state.dir.clone();
    let name = profile.name.clone();
    let rotation = match blocking(move || rotation::active(&dir, &name)).await? {
        Some(r) => r,
        None => {
            let old = profile.key_id.clone().ok_or_else(|| {
                AppError::new(ErrorKind::InvalidInput, format!("Profile \"{}\" has no key to rotate.", profile.name))
                    .with_hint("Generate or import its first key (key generate --profile NAME); rotation replaces a key in use.")
            })?;
            let old_thumbprint = thumbprint_of(state, &old).await?;
            Rotation::new(
                profile.name.clone(),
                &old,
                &old_thumbprint,
                route,
                state.clock.now(),
            )
        }
    };
    let mut run = Run {
        state,
        profile,
        rotation,
        request,
    };
    while let Some(step) = run.rotation.next() {
        let (outcome, detail) = match run.step(step).await {
            Ok(done) => done,
            Err(e) => (StepState::Failed, Some(failed(&e))),
        };
        run.rotation.set(step, outcome, detail, state.clock.now())?;
        run.save().await?;
        if request.one_step || !matches!(outcome, StepState::Done | StepState::Skipped) {
            break;
        }
    }
    if run.rotation.is_finished() {
        run.record_history();
    }
    Ok(view(run.rotation))
}

async fn thumbprint_of(state: &AppState, kid: &str) -> Result<String, AppError> {
    let (dir, kid) = (state.dir.clone(), kid.to_string());
    blocking(move || {
        inventory::list_keys(&dir)?
            .into_iter()
            .find(|k| k.kid == kid)
            .map(|k| k.thumbprint)
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::NotFound,
                    format!("The key {kid} is not in this machine's keychain index."),
                )
            })
    })
    .await
}

/// The key probes: the client's keys through the self-service API (the sandbox's, or
/// Digdir's with `via`), the key app A reads from Key Vault (when signed in), and the profile's
/// newest rotation, compared. Each problem comes back as a diagnosis with what to do.
pub async fn check(
    state: &AppState,
    profile: &str,
    via: Option<&str>,
) -> Result<KeyCheck, AppError> {
    let (dir, name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let mut looked = Vec::new();
    let client_keys = match client::SelfServiceApi::for_profile(state, &profile, via).await {
        Ok(api) => {
            looked.push("client".to_string());
            Some(api.read(state).await?.summary())
        }
        Err(e) if e.kind == ErrorKind::InvalidInput => None,
        Err(e) => return Err(e),
    };
    let has_vault = profile.environment == Environment::Sandbox || profile.vault_url.is_some();
    let vault = if has_vault {
        let request = assistant_domain::keyvault::VaultRequest {
            profile: profile.name.to_string(),
            key_field: None,
        };
        match crate::keyvault::verify(state, request).await {
            Ok(report) => {
                looked.push("vault".to_string());
                report.key.info
            }
            // Not signed in: the vault is not looked at, and the result says so.
            Err(e) if e.kind == ErrorKind::InvalidInput => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let (dir, name) = (state.dir.clone(), profile.name.clone());
    let rotation = blocking(move || {
        Ok(rotation::load(&dir)?
            .into_iter()
            .rev()
            .find(|r| r.profile == name))
    })
    .await?;
    let vault_kid = vault
        .as_ref()
        .and_then(|i| i.stored_key.as_ref())
        .and_then(|k| k.kid.clone());
    let seen = assistant_domain::rotation_check::Seen {
        client_keys: client_keys.as_deref(),
        vault_kid: vault_kid.as_deref(),
        vault_updated: vault.as_ref().and_then(|i| i.updated.as_deref()),
        rotation: rotation.as_ref(),
    };
    Ok(KeyCheck {
        findings: assistant_domain::rotation_check::findings(&seen),
        looked_at: looked,
        client_keys: client_keys.unwrap_or_default(),
        vault_kid,
    })
}

/// What `check` found, and which probes could look.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyCheck {
    pub findings: Vec<assistant_domain::diagnosis::Diagnosis>,
    /// `client` (self-service API) and/or `vault` (signed in).
    pub looked_at: Vec<String>,
    pub client_keys: Vec<assistant_domain::selfservice::ClientKey>,
    pub vault_kid: Option<String>,
}

/// The first set-up's client step without the portal: the profile's key added to its client
/// through the self-service API (the whole set plus this key; a sixth is refused before
/// anything is sent), read back, recorded in the checklist. Returns the client's keys now.
pub async fn upload(
    state: &AppState,
    profile: &str,
    via: Option<&str>,
) -> Result<Vec<assistant_domain::selfservice::ClientKey>, AppError> {
    let (dir, name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let kid = profile
        .key_id
        .as_deref()
        .map(str::to_string)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("Profile \"{}\" has no key.", profile.name),
            )
            .with_hint("Generate one first: key generate --profile NAME.")
        })?;
    let api = client::SelfServiceApi::for_profile(state, &profile, via).await?;
    let set = api.read(state).await?;
    if set.contains(&kid) {
        return Ok(set.summary());
    }
    let (dir, wanted) = (state.dir.clone(), kid.clone());
    let export = blocking(move || {
        inventory::export_public_key(
            &dir,
            &inventory::ExportPublicKeyRequest {
                kid: wanted,
                format: inventory::PublicKeyFormat::Jwk,
            },
        )
    })
    .await?;
    let jwk: assistant_domain::keys::jwk::PublicJwk = serde_json::from_str(&export.content)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let planned = set.with_added(&jwk, None)?;
    let now = api.replace(state, &planned).await?;
    if !now.contains(&kid) {
        return Err(AppError::new(
            ErrorKind::Server,
            "The client's key set read back does not hold the key.",
        ));
    }
    crate::checklist::key_uploaded(state, profile.name.as_str(), &api.client_id, &kid);
    Ok(now.summary())
}
