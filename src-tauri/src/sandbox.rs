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

/// The profile's client, or the sandbox's default one.
pub fn client_of(profile: Option<&Profile>) -> String {
    profile
        .and_then(|p| p.client_id.clone())
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
    let urls = sandbox.urls();
    let parse = |u: &str| {
        url::Url::parse(&format!("{}/", u.trim_end_matches('/')))
            .map_err(|e| AppError::new(ErrorKind::Internal, format!("sandbox URL {u}: {e}")))
    };
    Ok(Endpoints {
        maskinporten: parse(&urls.maskinporten)?,
        altinn: parse(&urls.altinn_platform)?,
        apps: format!("{}/", urls.apps.trim_end_matches('/')),
    })
}

fn complete(dir: &DataDir, profile: &Profile) -> Result<Profile, AppError> {
    if profile.client_id.is_some()
        && profile.org_number.is_some()
        && !profile.scopes.is_empty()
        && profile.app_b.is_some()
    {
        return Ok(profile.clone());
    }
    let mut filled = profile.clone();
    filled
        .org_number
        .get_or_insert_with(|| defaults::ORG_NUMBER.to_string());
    filled
        .client_id
        .get_or_insert_with(|| defaults::CLIENT_ID.to_string());
    if filled.scopes.is_empty() {
        filled.scopes = vec![
            "altinn:instances.read".into(),
            "altinn:instances.write".into(),
        ];
    }
    filled
        .app_b
        .get_or_insert_with(|| format!("{}/{}", defaults::APP_ORG, defaults::APP_NAME));
    let request = inventory::SaveProfileRequest {
        profile: filled,
        original_name: Some(profile.name.clone()),
    };
    inventory::save_profile(dir, &request)
}

/// Starts the sandbox for a profile (or with defaults) and replays the registrations.
pub async fn start(dir: &DataDir, profile: Option<&Profile>) -> Result<Sandbox, AppError> {
    let config = SandboxConfig {
        seed: seed_for(profile),
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
        // Registrations for clients this seed does not have are simply not applied.
        let _ = control.set_client_scopes(&registration.client_id, &registration.scopes);
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
    let profile = &complete(dir, profile)?;
    let kid = profile.key_id.clone().ok_or_else(|| {
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
        entry.scopes = profile.scopes.clone();
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
}
