//! Probing access without writing (config-keyvault-selfservice.md §3.4): list one secret (the
//! app needs list too, §2.4), read the target names, and for an absent name look for a
//! soft-deleted one. Every answer is explained; nothing is ever written, because a probe secret
//! would be loaded by every app of the organisation (§0.3).

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::api::{self, KeyVaultError, Operation, Reason};
use super::explain;
use super::names::{NameWarning, SecretNames};
use super::verify::{self, Role, SecretInfo};
use crate::diagnosis::{Localized, l};
use crate::http::{HttpResponse, Transport};
use crate::profile::Environment;
use crate::secret::AzureToken;

/// How one check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultCheckResult")]
pub enum CheckResult {
    /// Allowed (and, for a name, it exists).
    Ok,
    /// The name does not exist: fine before the first write.
    Absent,
    /// The name is soft-deleted: recover or purge before writing.
    SoftDeleted,
    /// Refused: no role, a policy, a firewall, or no valid sign-in.
    Denied,
    /// Throttled (429): try again later.
    Throttled,
    /// Anything else (no answer, a server error, a body that is not Key Vault's).
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultProbeCheck")]
pub struct ProbeCheck {
    pub operation: Operation,
    pub name: Option<String>,
    pub status: Option<u16>,
    pub result: CheckResult,
    pub reason: Option<Reason>,
    pub explanation: Localized,
    pub fix: Option<Localized>,
    /// What is there now, for a name that exists or is soft-deleted.
    pub existing: Option<SecretInfo>,
    /// The vault's own words (scrubbed), when it refused.
    pub raw: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultProbeReport")]
pub struct ProbeReport {
    pub vault: String,
    pub names: SecretNames,
    pub warnings: Vec<NameWarning>,
    pub checks: Vec<ProbeCheck>,
    /// Listing and reading work, and no target is soft-deleted.
    pub ready_to_write: bool,
    /// Which role is usually missing, when something was denied.
    pub role_hint: Option<Localized>,
    /// Write access cannot be seen without writing; said once, plainly.
    pub note: Localized,
}

/// The check for a call that failed.
fn failed(
    operation: Operation,
    name: Option<&str>,
    error: &KeyVaultError,
    env: &Environment,
) -> ProbeCheck {
    let (status, reason, raw) = match error {
        KeyVaultError::Refused { error, .. } => (
            Some(error.status),
            Some(error.reason),
            Some(error.message.clone()),
        ),
        KeyVaultError::Unparseable { status, raw, .. } => (Some(*status), None, Some(raw.clone())),
        KeyVaultError::Transport { .. } => (None, None, None),
    };
    let result = match reason {
        Some(Reason::NotFound) => CheckResult::Absent,
        Some(Reason::SoftDeleted) => CheckResult::SoftDeleted,
        Some(
            Reason::Unauthorized
            | Reason::ForbiddenByRbac
            | Reason::ForbiddenByPolicy
            | Reason::AccessDenied
            | Reason::ForbiddenByFirewall
            | Reason::Forbidden,
        ) => CheckResult::Denied,
        Some(Reason::Throttled) => CheckResult::Throttled,
        _ => CheckResult::Failed,
    };
    let (explanation, fix) = match (error, reason) {
        (KeyVaultError::Refused { error: e, .. }, Some(r)) => {
            explain::reason(r, operation, name, e.status, e.retry_after, env)
        }
        _ => {
            let app = explain::to_app_error(error, env);
            (
                l(app.message.clone(), app.message),
                app.hint.map(|h| l(h.clone(), h)),
            )
        }
    };
    ProbeCheck {
        operation,
        name: name.map(str::to_string),
        status,
        result,
        reason,
        explanation,
        fix,
        existing: None,
        raw: raw.filter(|_| result != CheckResult::Absent),
    }
}

fn ok(operation: Operation, name: Option<&str>, explanation: Localized) -> ProbeCheck {
    ProbeCheck {
        operation,
        name: name.map(str::to_string),
        status: Some(200),
        result: CheckResult::Ok,
        reason: None,
        explanation,
        fix: None,
        existing: None,
        raw: None,
    }
}

async fn send(
    transport: &dyn Transport,
    operation: Operation,
    request: crate::http::HttpRequest,
) -> Result<HttpResponse, KeyVaultError> {
    transport
        .send(request)
        .await
        .map_err(|source| KeyVaultError::Transport { operation, source })
}

/// Lists one secret and reads each target name. Never writes.
pub async fn probe(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    names: &SecretNames,
    warnings: Vec<NameWarning>,
    environment: &Environment,
) -> ProbeReport {
    let mut checks = Vec::new();
    let listed = send(transport, Operation::List, api::list(vault, token))
        .await
        .and_then(|r| api::check(Operation::List, None, &r));
    checks.push(match &listed {
        Ok(()) => ok(Operation::List, None, l(
            "You may list the vault's secrets (the app needs list too: it loads every enabled secret).",
            "Du kan liste hemmelighetene i hvelvet (appen trenger også list: den laster alle aktive hemmeligheter).",
        )),
        Err(e) => failed(Operation::List, None, e, environment),
    });
    // Without a valid sign-in every other call would say the same.
    let unauthorized = matches!(&listed, Err(e) if e.reason() == Some(Reason::Unauthorized));
    if !unauthorized {
        for (name, role) in [(&names.client_id, Role::ClientId), (&names.key, Role::Key)] {
            checks.push(probe_name(transport, vault, token, name, role, environment).await);
        }
    }
    let denied = checks.iter().any(|c| c.result == CheckResult::Denied);
    let ready = !unauthorized
        && checks
            .iter()
            .all(|c| matches!(c.result, CheckResult::Ok | CheckResult::Absent));
    ProbeReport {
        vault: vault.as_str().trim_end_matches('/').to_string(),
        names: names.clone(),
        warnings,
        checks,
        ready_to_write: ready,
        role_hint: denied.then(|| explain::role_hint(environment)),
        note: l(
            "Nothing was written. Whether you may write shows only at the first write, which asks before it changes anything that exists.",
            "Ingenting ble skrevet. Om du kan skrive, viser seg først ved første skriving, som spør før den endrer noe som finnes.",
        ),
    }
}

async fn probe_name(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    name: &str,
    role: Role,
    environment: &Environment,
) -> ProbeCheck {
    let read = send(transport, Operation::Get, api::get(vault, token, name))
        .await
        .and_then(|r| api::parse_secret(Operation::Get, name, &r));
    match read {
        Ok(secret) => {
            let mut check = ok(
                Operation::Get,
                Some(name),
                l(
                    format!(
                        "{name} exists and you may read it. Writing will make a new version, after you confirm."
                    ),
                    format!(
                        "{name} finnes, og du kan lese den. Skriving lager en ny versjon, etter at du bekrefter."
                    ),
                ),
            );
            check.existing = Some(verify::info(&secret, role));
            check
        }
        Err(e) if e.reason() == Some(Reason::NotFound) => {
            // GET answers 404 for a soft-deleted name too; the deleted list tells them apart.
            let deleted = send(
                transport,
                Operation::GetDeleted,
                api::get_deleted(vault, token, name),
            )
            .await
            .and_then(|r| api::parse_secret(Operation::GetDeleted, name, &r));
            match deleted {
                Ok(secret) => {
                    let (explanation, fix) = explain::reason(
                        Reason::SoftDeleted,
                        Operation::Get,
                        Some(name),
                        200,
                        None,
                        environment,
                    );
                    ProbeCheck {
                        operation: Operation::GetDeleted,
                        name: Some(name.to_string()),
                        status: Some(200),
                        result: CheckResult::SoftDeleted,
                        reason: Some(Reason::SoftDeleted),
                        explanation,
                        fix,
                        existing: Some(verify::info(&secret, role)),
                        raw: None,
                    }
                }
                Err(_) => failed(Operation::Get, Some(name), &e, environment),
            }
        }
        Err(e) => failed(Operation::Get, Some(name), &e, environment),
    }
}
