//! The built-in sandbox, wired to profiles: started in-process for a `sandbox` profile, seeded
//! with a client for the profile's organisation and client id, and with the keys and scopes
//! registered earlier (the rehearsed portal step, kept in `sandbox.json`: public keys only).

use assistant_domain::datadir::DataDir;
use assistant_domain::endpoints::Endpoints;
use assistant_domain::error::{AppError, ErrorKind};
use assistant_domain::inventory;
use assistant_domain::profile::Profile;
use assistant_sandbox::{Sandbox, SandboxConfig, Seed, defaults};
use serde::{Deserialize, Serialize};

mod profile_defaults;
mod running;

use running::endpoints_of;

use profile_defaults::sandbox_defaults_for;

pub use running::{RUNNING_FILE, announce_running, push_to_running, running_now, withdraw_running};

pub const REGISTRY_FILE: &str = "sandbox.json";
/// What the person registered on a sandbox client, as they would in Samarbeidsportalen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// Public JWKs only (kty, kid, use, alg, n, e).
    pub keys: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Registry {
    version: u32,
    registrations: Vec<Registration>,
}

fn load(dir: &DataDir) -> Result<Vec<Registration>, AppError> {
    Ok(dir
        .read_json::<Registry>(REGISTRY_FILE)?
        .map(|r| r.registrations)
        .unwrap_or_default())
}

/// Whether a key has been in the sandbox: registered on one of its clients, or written to its
/// vault by a sandbox profile (the history says which profile did what with which key).
pub fn key_used_in_sandbox(
    dir: &DataDir,
    kid: &str,
    history: &[assistant_domain::history::HistoryEntry],
) -> Result<bool, AppError> {
    let registered = load(dir)?
        .iter()
        .flat_map(|r| &r.keys)
        .any(|k| k["kid"] == kid);
    if registered {
        return Ok(true);
    }
    let sandbox_profiles: Vec<assistant_domain::profile::ProfileName> =
        inventory::list_profiles(dir)?
            .into_iter()
            .filter(|p| {
                matches!(
                    p.environment,
                    assistant_domain::profile::Environment::Sandbox
                )
            })
            .map(|p| p.name)
            .collect();
    Ok(history
        .iter()
        .any(|e| e.kid.as_deref() == Some(kid) && sandbox_profiles.contains(&e.profile)))
}

/// The profile's client, or the sandbox's default one.
pub fn client_of(profile: Option<&Profile>) -> String {
    profile
        .and_then(|p| p.client_id.as_deref().map(str::to_string))
        .unwrap_or_else(|| defaults::CLIENT_ID.to_string())
}

fn seed_for(profile: Option<&Profile>) -> Seed {
    let org = profile
        .and_then(|p| p.org_number.as_deref())
        .unwrap_or(defaults::ORG_NUMBER);
    let client = client_of(profile);
    // An org that the sandbox seeds itself (the customer, digdir, ttd) keeps the default seed.
    Seed::for_org(org, Some(&client)).unwrap_or_default()
}

pub fn endpoints(sandbox: &Sandbox) -> Result<Endpoints, AppError> {
    let u = sandbox.urls();
    endpoints_from(&u.maskinporten, &u.altinn_platform, &u.apps)
}

fn endpoints_from(maskinporten: &str, altinn: &str, apps: &str) -> Result<Endpoints, AppError> {
    let parse = |u: &str| {
        url::Url::parse(&format!("{}/", u.trim_end_matches('/')))
            .map_err(|e| AppError::new(ErrorKind::Internal, format!("sandbox URL {u}: {e}")))
    };
    Ok(Endpoints {
        maskinporten: parse(maskinporten)?,
        altinn: parse(altinn)?,
        apps: format!("{}/", apps.trim_end_matches('/')),
    })
}

/// Saves the profile with the sandbox's defaults filled in where it has none; a profile that
/// lacks nothing is returned as it is, unsaved.
fn save_with_sandbox_defaults(dir: &DataDir, profile: &Profile) -> Result<Profile, AppError> {
    let filled = sandbox_defaults_for(profile);
    if filled == *profile {
        return Ok(filled);
    }
    let request = inventory::SaveProfileRequest {
        profile: filled,
        original_name: Some(profile.name.to_string()),
    };
    inventory::save_profile(dir, &request)
}

/// Starts the sandbox for a profile (or with defaults) and replays the registrations.
pub async fn start(dir: &DataDir, profile: Option<&Profile>) -> Result<Sandbox, AppError> {
    start_with_app(dir, profile, None).await
}

/// `start`, with app B defined by a JSON file (metadata and policy, see the sandbox's
/// `AppDefinition`) instead of the built-in one.
pub async fn start_with_app(
    dir: &DataDir,
    profile: Option<&Profile>,
    app_definition: Option<&std::path::Path>,
) -> Result<Sandbox, AppError> {
    let mut seed = seed_for(profile);
    if let Some(path) = app_definition {
        seed = seed.with_app_file(path).map_err(|e| {
            AppError::new(ErrorKind::InvalidInput, format!("App B's definition: {e}"))
                .with_hint("See the format in the README's sandbox section (org, app, dataTypes, partyTypesAllowed, policy).")
        })?;
    }
    let config = SandboxConfig {
        seed,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.map_err(|e| {
        AppError::new(
            ErrorKind::Internal,
            format!("The sandbox could not start: {e}"),
        )
    })?;
    let control = sandbox.control();
    for registration in load(dir)? {
        // Registrations for clients this seed does not have are simply not applied; one that
        // only holds keys (a rotation's) leaves the seeded scopes alone.
        if !registration.scopes.is_empty() {
            let _ = control.set_client_scopes(&registration.client_id, &registration.scopes);
        }
        for jwk in registration.keys {
            let _ = control.register_key(&registration.client_id, jwk);
        }
    }
    Ok(sandbox)
}

/// Rehearses the portal step: the profile's public key (and scopes) are registered on its
/// sandbox client. At most 5 keys per client, like Maskinporten; the oldest goes first. A
/// profile without a client id gets the sandbox client's (as if pasted back from the portal),
/// and empty organisation, scopes and app B get the sandbox's.
pub fn register(dir: &DataDir, profile: &Profile) -> Result<Registration, AppError> {
    let profile = &save_with_sandbox_defaults(dir, profile)?;
    let kid = profile
        .key_id
        .as_deref()
        .map(str::to_string)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("Profile \"{}\" has no key to register.", profile.name),
            )
        })?;
    let export = inventory::export_public_key(
        dir,
        &inventory::ExportPublicKeyRequest {
            kid: kid.clone(),
            format: inventory::PublicKeyFormat::Jwk,
        },
    )?;
    let jwk: serde_json::Value = serde_json::from_str(&export.content)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let client_id = client_of(Some(profile));
    dir.locked(|| {
        let mut registrations = load(dir)?;
        let position = registrations.iter().position(|r| r.client_id == client_id);
        let entry = match position {
            Some(i) => &mut registrations[i],
            None => {
                registrations.push(Registration {
                    client_id: client_id.clone(),
                    scopes: Vec::new(),
                    keys: Vec::new(),
                });
                let last = registrations.len() - 1;
                &mut registrations[last]
            }
        };
        entry.keys.retain(|k| k["kid"] != jwk["kid"]);
        entry.keys.push(jwk);
        while entry.keys.len() > 5 {
            entry.keys.remove(0);
        }
        if !profile.scopes.is_empty() {
            entry.scopes = profile.scopes.iter().map(|s| s.to_string()).collect();
        }
        let result = entry.clone();
        dir.write_json(
            REGISTRY_FILE,
            &Registry {
                version: 1,
                registrations,
            },
        )?;
        Ok(result)
    })
}

/// Keeps a client's key set as the sandbox's self-service API now holds it (after a rotation's
/// change), so the next command's in-process sandbox starts with the same keys.
pub fn remember_keys(
    dir: &DataDir,
    client_id: &str,
    keys: Vec<serde_json::Value>,
) -> Result<(), AppError> {
    dir.locked(|| {
        let mut registrations = load(dir)?;
        match registrations.iter_mut().find(|r| r.client_id == client_id) {
            Some(entry) => entry.keys = keys,
            None => registrations.push(Registration {
                client_id: client_id.to_string(),
                scopes: Vec::new(),
                keys,
            }),
        }
        dir.write_json(
            REGISTRY_FILE,
            &Registry {
                version: 1,
                registrations,
            },
        )?;
        Ok(())
    })
}

/// Keeps one running sandbox for the app's lifetime, restarted when a profile needs another
/// organisation or client than the one it was seeded for.
#[derive(Debug, Default)]
pub struct SandboxHost {
    current: tokio::sync::Mutex<Option<Hosted>>,
}

/// The in-process sandbox and the seed it was started with.
#[derive(Debug)]
struct Hosted {
    seed: SeedKey,
    sandbox: Sandbox,
}

/// Which seed a sandbox runs: the organisation and the client it was seeded for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeedKey {
    org: String,
    client: String,
}

/// What the window shows about the running sandbox.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SandboxInfo {
    pub maskinporten: String,
    pub altinn: String,
    pub apps: String,
    pub key_vault: String,
    pub entra: String,
    pub client_id: String,
    pub app_b: String,
}

/// One request the sandbox served: what went over the wire, without secrets.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WireLine {
    pub at: String,
    pub service: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub duration_ms: u64,
    pub outcome: String,
}

/// Which seed a profile needs. An unset organisation means the default one, as in `seed_for`:
/// filling in the defaults (the portal step does) must not restart the sandbox, which would end
/// a Key Vault sign-in and empty the vault.
fn seed_key(profile: Option<&Profile>) -> SeedKey {
    let org = profile
        .and_then(|p| p.org_number.as_deref())
        .unwrap_or(defaults::ORG_NUMBER);
    SeedKey {
        org: org.to_string(),
        client: client_of(profile),
    }
}

impl SandboxHost {
    /// The sandbox's endpoints for this profile, starting (or restarting) it when needed.
    pub async fn endpoints_for(
        &self,
        dir: &DataDir,
        profile: &Profile,
    ) -> Result<Endpoints, AppError> {
        if let Some(running) = running::running_now(dir).await {
            return endpoints_of(&running);
        }
        let mut current = self.current.lock().await;
        let seed = seed_key(Some(profile));
        if current.as_ref().is_none_or(|hosted| hosted.seed != seed) {
            if let Some(old) = current.take() {
                old.sandbox.shutdown().await;
            }
            let sandbox = start(dir, Some(profile)).await?;
            *current = Some(Hosted { seed, sandbox });
        }
        let hosted = current
            .as_ref()
            .ok_or_else(|| AppError::new(ErrorKind::Internal, "the sandbox did not start"))?;
        endpoints(&hosted.sandbox)
    }

    pub async fn info(&self, profile: Option<&Profile>) -> Option<SandboxInfo> {
        let current = self.current.lock().await;
        let urls = current.as_ref()?.sandbox.urls();
        Some(SandboxInfo {
            maskinporten: urls.maskinporten.clone(),
            altinn: urls.altinn_platform.clone(),
            apps: urls.apps.clone(),
            key_vault: urls.key_vault.clone(),
            entra: urls.entra.clone(),
            client_id: client_of(profile),
            app_b: format!("{}/{}", defaults::APP_ORG, defaults::APP_NAME),
        })
    }

    pub async fn wire_log(&self) -> Vec<WireLine> {
        let current = self.current.lock().await;
        let Some(hosted) = current.as_ref() else {
            return Vec::new();
        };
        hosted
            .sandbox
            .control()
            .request_log()
            .into_iter()
            .map(|e| WireLine {
                at: e
                    .at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                service: serde_json::to_value(e.service)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                method: e.method,
                path: e.path,
                status: e.status,
                duration_ms: e.duration_ms,
                outcome: e.outcome,
            })
            .collect()
    }

    /// Applies a new registration to the running sandbox (it is also in sandbox.json).
    pub async fn apply(&self, registration: &Registration) {
        let current = self.current.lock().await;
        if let Some(hosted) = current.as_ref() {
            let control = hosted.sandbox.control();
            let _ = control.set_client_scopes(&registration.client_id, &registration.scopes);
            for jwk in &registration.keys {
                let _ = control.register_key(&registration.client_id, jwk.clone());
            }
        }
    }

    /// The run's secret, which the sandbox's self-service API takes in place of Digdir's admin
    /// token: a running `sandbox serve`'s, else the in-process sandbox's.
    pub async fn self_service_secret(&self, dir: &DataDir) -> Option<String> {
        if let Some(running) = running::running_now(dir).await {
            return Some(running.secret);
        }
        Some(
            self.current
                .lock()
                .await
                .as_ref()?
                .sandbox
                .secret()
                .to_string(),
        )
    }

    /// The in-process sandbox's control handle, when one runs (for approving device codes).
    pub async fn control(&self) -> Option<assistant_sandbox::Control> {
        Some(self.current.lock().await.as_ref()?.sandbox.control())
    }

    pub async fn shutdown(&self) {
        if let Some(hosted) = self.current.lock().await.take() {
            hosted.sandbox.shutdown().await;
        }
    }
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SandboxInfoRequest {
    /// Start the sandbox for this profile if it is not running (it must be a sandbox profile).
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RegisterRequest {
    pub profile: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistrationOutcome {
    /// The profile as saved (the client id filled in when it was empty).
    pub profile: Profile,
    pub client_id: String,
    pub kids: Vec<String>,
    pub scopes: Vec<String>,
}

/// The sandbox's URLs for a sandbox profile, starting it when asked.
pub async fn info(
    state: &crate::AppState,
    request: SandboxInfoRequest,
) -> Result<Option<SandboxInfo>, AppError> {
    let profile = match request.profile {
        Some(name) => {
            let dir = state.dir.clone();
            Some(crate::blocking::blocking(move || inventory::show_profile(&dir, &name)).await?)
        }
        None => None,
    };
    if let Some(profile) = profile
        .as_ref()
        .filter(|p| p.environment == assistant_domain::profile::Environment::Sandbox)
    {
        state.sandbox.endpoints_for(&state.dir, profile).await?;
    }
    Ok(state.sandbox.info(profile.as_ref()).await)
}

/// The portal step, rehearsed from the window: recorded, and applied to the running sandbox.
/// The caller records it in the checklist's history.
pub async fn register_for_window(
    state: &crate::AppState,
    request: RegisterRequest,
) -> Result<RegistrationOutcome, AppError> {
    let dir = state.dir.clone();
    let (registration, profile) = crate::blocking::blocking(move || {
        let profile = inventory::show_profile(&dir, &request.profile)?;
        let registration = register(&dir, &profile)?;
        Ok((registration, inventory::show_profile(&dir, &profile.name)?))
    })
    .await?;
    state.sandbox.apply(&registration).await;
    push_to_running(&state.dir, &registration, state.transport()?).await?;
    Ok(RegistrationOutcome {
        client_id: registration.client_id.clone(),
        kids: registration
            .keys
            .iter()
            .filter_map(|k| k["kid"].as_str().map(str::to_string))
            .collect(),
        scopes: registration.scopes.clone(),
        profile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filling_in_the_default_organisation_and_client_keeps_the_same_sandbox() {
        let bare = Profile {
            name: "P".into(),
            ..Profile::default()
        };
        let filled = Profile {
            org_number: Some(defaults::ORG_NUMBER.into()),
            client_id: Some(defaults::CLIENT_ID.into()),
            ..bare.clone()
        };
        assert_eq!(seed_key(Some(&bare)), seed_key(Some(&filled)));
        let other = Profile {
            org_number: Some("310987654".into()),
            ..bare.clone()
        };
        assert_ne!(seed_key(Some(&bare)), seed_key(Some(&other)));
    }
}
