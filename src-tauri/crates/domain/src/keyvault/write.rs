//! Writing the client id and the private key (from the keychain) under the app's names
//! (config-keyvault-selfservice.md §3.1, §5), with `contentType` and tags. What exists is shown
//! first and changed only with confirmation: a new version of a secret that holds something
//! else, a recover or a purge of a soft-deleted name (§3.4). Then everything is read back.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::api::{self, KeyVaultError, Operation, Reason, StoredSecret};
use super::material::Material;
use super::names::{NameWarning, SecretNames};
use super::verify::{self, Role, SecretInfo, VerifyReport};
use super::{DeletedAction, Pause, Resume};
use crate::diagnosis::{Localized, l};
use crate::http::{HttpRequest, HttpResponse, Transport};
use crate::secret::AzureToken;

/// §5: "contentType (e.g. `application/jwk+json; base64`)".
pub const KEY_CONTENT_TYPE: &str = "application/jwk+json; base64";
pub const CLIENT_ID_CONTENT_TYPE: &str = "text/plain";
/// Recovering and purging run in the background in Azure; wait this often, this many times.
const SETTLE_WAIT: Duration = Duration::from_secs(2);
const SETTLE_TRIES: usize = 15;

/// What happens to one secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultWritePlan")]
pub enum Plan {
    /// Absent: written as its first version.
    Create,
    /// Holds something else: a new version (needs confirmation).
    NewVersion,
    /// Already holds exactly this: left alone.
    Unchanged,
    /// Soft-deleted: recovered, then a new version if it differs (needs confirmation).
    Recover,
    /// Soft-deleted: purged, then written anew (needs confirmation).
    Purge,
    /// Soft-deleted and no choice made yet.
    Decide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultWriteOutcome")]
pub enum WriteOutcome {
    /// Written (and read back: see `verify`).
    Written,
    /// Both secrets already held these values; nothing was written.
    Unchanged,
    /// Something exists with other values; nothing was written. Confirm to write new versions.
    ConfirmationRequired,
    /// This machine has never written a private key to this vault; nothing was written.
    /// Confirm, having checked the host, to write.
    NewVaultConfirmationRequired,
    /// A name is soft-deleted; nothing was written. Choose recover or purge, and confirm.
    DeletedNeedsDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultSecretWrite")]
pub struct SecretWrite {
    pub name: String,
    pub plan: Plan,
    /// What was there before (or what is soft-deleted).
    pub before: Option<SecretInfo>,
    /// The version written, when one was.
    pub written_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultWriteReport")]
pub struct WriteReport {
    pub vault: String,
    pub names: SecretNames,
    pub warnings: Vec<NameWarning>,
    pub kid: String,
    pub thumbprint: String,
    pub outcome: WriteOutcome,
    pub secrets: Vec<SecretWrite>,
    pub message: Localized,
    /// The read-back, after a write (or when nothing needed writing).
    pub verify: Option<VerifyReport>,
}

/// Everything one write needs.
#[derive(Debug)]
pub struct WriteRequest<'a> {
    pub vault: &'a Url,
    pub token: &'a AzureToken,
    pub names: &'a SecretNames,
    pub warnings: Vec<NameWarning>,
    pub material: &'a Material,
    pub confirmed: bool,
    /// No private key was written to this vault from this machine before: the first write asks
    /// (see `keyvault::known`).
    pub new_vault: bool,
    pub deleted_action: Option<DeletedAction>,
    /// The `created-by` tag, e.g. `maskinporten-assistant/0.1.0`.
    pub created_by: &'a str,
}

/// Tags (§5): the key secret says which key it holds and until when; the client id secret only
/// who wrote it (a kid there would go stale when only the key changes).
pub fn tags(material: &Material, created_by: &str, role: Role) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::from([("created-by".to_string(), created_by.to_string())]);
    if role == Role::Key {
        let expires = material
            .key
            .expires()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        tags.insert("kid".into(), material.key.kid.clone());
        tags.insert("thumbprint".into(), material.key.thumbprint.clone());
        tags.insert("key-expires".into(), expires);
    }
    tags
}

async fn send(
    transport: &dyn Transport,
    operation: Operation,
    request: HttpRequest,
) -> Result<HttpResponse, KeyVaultError> {
    transport
        .send(request)
        .await
        .map_err(|source| KeyVaultError::Transport { operation, source })
}

fn problems(secret: &StoredSecret, role: Role, material: &Material) -> bool {
    match role {
        Role::ClientId => !verify::client_id_problems(secret, &material.client_id).is_empty(),
        Role::Key => !verify::key_problems(secret, material).is_empty(),
    }
}

async fn plan(
    transport: &dyn Transport,
    request: &WriteRequest<'_>,
    name: &str,
    role: Role,
) -> Result<SecretWrite, KeyVaultError> {
    let (vault, token) = (request.vault, request.token);
    if let Some(existing) = verify::read(transport, vault, token, name).await? {
        let plan = if problems(&existing, role, request.material) {
            Plan::NewVersion
        } else {
            Plan::Unchanged
        };
        return Ok(SecretWrite {
            name: name.to_string(),
            plan,
            before: Some(verify::info(&existing, role)),
            written_version: None,
        });
    }
    let deleted = send(
        transport,
        Operation::GetDeleted,
        api::get_deleted(vault, token, name),
    )
    .await
    .and_then(|r| api::parse_secret(Operation::GetDeleted, name, &r));
    let (plan, before) = match deleted {
        Ok(secret) => (
            match request.deleted_action {
                Some(DeletedAction::Recover) => Plan::Recover,
                Some(DeletedAction::Purge) => Plan::Purge,
                None => Plan::Decide,
            },
            Some(verify::info(&secret, role)),
        ),
        // Absent; or the deleted list is not readable, and a 409 on the write will tell.
        Err(_) => (Plan::Create, None),
    };
    Ok(SecretWrite {
        name: name.to_string(),
        plan,
        before,
        written_version: None,
    })
}

fn describe(secrets: &[SecretWrite]) -> (String, String) {
    let mut en = Vec::new();
    let mut nb = Vec::new();
    for s in secrets
        .iter()
        .filter(|s| !matches!(s.plan, Plan::Create | Plan::Unchanged))
    {
        let before = s.before.as_ref();
        let key = before.and_then(|b| b.stored_key.as_ref());
        let holds = match (key, before.and_then(|b| b.client_id.as_ref())) {
            (Some(k), _) => format!(
                "key {} (thumbprint {})",
                k.kid.as_deref().unwrap_or("without kid"),
                k.thumbprint.as_deref().unwrap_or("unknown")
            ),
            (None, Some(c)) => format!("client id {c}"),
            _ => "a value".to_string(),
        };
        let when = before
            .and_then(|b| b.deleted.clone().or(b.updated.clone()))
            .unwrap_or_default();
        en.push(format!("{} holds {holds}, {when}", s.name));
        nb.push(format!("{} har {holds}, {when}", s.name));
    }
    (en.join("; "), nb.join("; "))
}

/// Plans both secrets, stops for a confirmation or a decision, writes, and reads back.
pub async fn write(
    transport: &dyn Transport,
    pause: &dyn Pause,
    request: WriteRequest<'_>,
) -> Result<WriteReport, KeyVaultError> {
    let names = request.names;
    let mut secrets = vec![
        plan(transport, &request, &names.client_id, Role::ClientId).await?,
        plan(transport, &request, &names.key, Role::Key).await?,
    ];
    let plans: Vec<Plan> = secrets.iter().map(|s| s.plan).collect();
    let (existing_en, existing_nb) = describe(&secrets);
    let (outcome, message) = if plans.contains(&Plan::Decide) {
        (
            WriteOutcome::DeletedNeedsDecision,
            l(
                format!(
                    "Nothing was written. A name is soft-deleted: {existing_en}. Choose to recover it (its old versions come back, then the new value is written as a new version) or to purge it (gone for good, then written anew), and confirm."
                ),
                format!(
                    "Ingenting ble skrevet. Et navn er mykt slettet: {existing_nb}. Velg å gjenopprette (gamle versjoner kommer tilbake, så skrives den nye verdien som ny versjon) eller å tømme (borte for godt, så skrives den på nytt), og bekreft."
                ),
            ),
        )
    } else if !request.confirmed && request.new_vault && plans.iter().any(|p| *p != Plan::Unchanged)
    {
        let host = request.vault.host_str().unwrap_or_default();
        let (also_en, also_nb) = if existing_en.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!(" The vault already has: {existing_en}; writing adds new versions."),
                format!(" Hvelvet har allerede: {existing_nb}; skriving legger til nye versjoner."),
            )
        };
        (
            WriteOutcome::NewVaultConfirmationRequired,
            l(
                format!(
                    "Nothing was written. This machine has never written a private key to {host}. Check that this is your organisation's vault (the host, letter by letter), then confirm to write the key there.{also_en}"
                ),
                format!(
                    "Ingenting ble skrevet. Denne maskinen har aldri skrevet en privatnøkkel til {host}. Sjekk at dette er virksomhetens hvelv (vertsnavnet, bokstav for bokstav), og bekreft for å skrive nøkkelen dit.{also_nb}"
                ),
            ),
        )
    } else if !request.confirmed
        && plans
            .iter()
            .any(|p| matches!(p, Plan::NewVersion | Plan::Recover | Plan::Purge))
    {
        (
            WriteOutcome::ConfirmationRequired,
            l(
                format!(
                    "Nothing was written. The vault already has: {existing_en}. Writing adds a new version (older versions stay in the vault's history). Confirm to write."
                ),
                format!(
                    "Ingenting ble skrevet. Hvelvet har allerede: {existing_nb}. Skriving legger til en ny versjon (eldre versjoner blir liggende i historikken). Bekreft for å skrive."
                ),
            ),
        )
    } else if plans.iter().all(|p| *p == Plan::Unchanged) {
        (
            WriteOutcome::Unchanged,
            l(
                "The vault already holds this client id and this key; nothing was written.",
                "Hvelvet har allerede denne klient-id-en og denne nøkkelen; ingenting ble skrevet.",
            ),
        )
    } else {
        (
            WriteOutcome::Written,
            l(
                "The client id and the key were written to the vault and read back.",
                "Klient-id-en og nøkkelen ble skrevet til hvelvet og lest tilbake.",
            ),
        )
    };
    if matches!(outcome, WriteOutcome::Written) {
        for (secret, role) in secrets.iter_mut().zip([Role::ClientId, Role::Key]) {
            secret.written_version = carry_out(transport, pause, &request, secret, role).await?;
        }
    }
    let verify = match outcome {
        WriteOutcome::Written | WriteOutcome::Unchanged => Some(
            verify::verify(
                transport,
                request.vault,
                request.token,
                names,
                request.material,
            )
            .await?,
        ),
        _ => None,
    };
    Ok(WriteReport {
        vault: request.vault.as_str().trim_end_matches('/').to_string(),
        names: names.clone(),
        warnings: request.warnings,
        kid: request.material.key.kid.clone(),
        thumbprint: request.material.key.thumbprint.clone(),
        outcome,
        secrets,
        message,
        verify,
    })
}

/// Does one secret's plan; returns the version written, if any.
async fn carry_out(
    transport: &dyn Transport,
    pause: &dyn Pause,
    request: &WriteRequest<'_>,
    secret: &SecretWrite,
    role: Role,
) -> Result<Option<String>, KeyVaultError> {
    let (vault, token, name) = (request.vault, request.token, secret.name.as_str());
    match secret.plan {
        Plan::Unchanged | Plan::Decide => return Ok(None),
        Plan::Recover => {
            let response = send(
                transport,
                Operation::Recover,
                api::recover(vault, token, name),
            )
            .await?;
            api::check(Operation::Recover, Some(name), &response)?;
            // Recovery is asynchronous in Azure: wait until the secret reads again.
            let mut recovered = None;
            for _ in 0..SETTLE_TRIES {
                recovered = verify::read(transport, vault, token, name).await?;
                if recovered.is_some() || pause.pause(SETTLE_WAIT).await == Resume::Cancelled {
                    break;
                }
            }
            if recovered.is_some_and(|s| !problems(&s, role, request.material)) {
                return Ok(None);
            }
        }
        Plan::Purge => {
            let response =
                send(transport, Operation::Purge, api::purge(vault, token, name)).await?;
            api::check(Operation::Purge, Some(name), &response)?;
        }
        Plan::Create | Plan::NewVersion => {}
    }
    let purged = secret.plan == Plan::Purge;
    put(transport, pause, request, name, role, purged)
        .await
        .map(Some)
}

/// `PUT` the value; while a delete or (after `purged`) the purge is still running (409), wait
/// and try again.
async fn put(
    transport: &dyn Transport,
    pause: &dyn Pause,
    request: &WriteRequest<'_>,
    name: &str,
    role: Role,
    purged: bool,
) -> Result<String, KeyVaultError> {
    let material = request.material;
    let (value, content_type) = match role {
        Role::ClientId => (material.client_id.as_str(), CLIENT_ID_CONTENT_TYPE),
        Role::Key => (material.encoded_jwk.expose_secret(), KEY_CONTENT_TYPE),
    };
    let tags = tags(material, request.created_by, role);
    let mut tries = 0;
    loop {
        let set = api::set(
            request.vault,
            request.token,
            name,
            value,
            content_type,
            &tags,
        );
        let response = send(transport, Operation::Set, set).await?;
        match api::parse_secret(Operation::Set, name, &response) {
            Ok(stored) => return Ok(stored.version.unwrap_or_default()),
            Err(e)
                if tries < SETTLE_TRIES
                    && (e.reason() == Some(Reason::BeingDeleted)
                        || (purged && e.reason() == Some(Reason::SoftDeleted))) =>
            {
                tries += 1;
                if pause.pause(SETTLE_WAIT).await == Resume::Cancelled {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
}
