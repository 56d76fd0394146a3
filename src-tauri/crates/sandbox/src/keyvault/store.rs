//! The vault's contents: secrets with their versions, and soft-deleted secrets, plus how they
//! are shown (`SecretBundle`, `SecretItem`, `DeletedSecretBundle`; config-keyvault-selfservice §3.1).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Soft-delete retention (Azure's default, 90 days).
const RETENTION_DAYS: i64 = 90;

#[derive(Debug, Default)]
pub(crate) struct Vault {
    /// Keyed by the lower-case name: secret names are case-insensitive (§3.2).
    pub secrets: BTreeMap<String, Secret>,
    pub deleted: BTreeMap<String, Deleted>,
}

#[derive(Debug, Clone)]
pub(crate) struct Secret {
    pub name: String,
    /// Oldest first; the last one is the current version.
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub id: String,
    pub value: String,
    pub content_type: Option<String>,
    pub tags: Map<String, Value>,
    pub enabled: bool,
    pub nbf: Option<i64>,
    pub exp: Option<i64>,
    pub created: i64,
    pub updated: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Deleted {
    pub secret: Secret,
    pub deleted_date: i64,
}

impl Secret {
    pub(crate) fn current(&self) -> Option<&Version> {
        self.versions.last()
    }

    pub(crate) fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id.eq_ignore_ascii_case(id))
    }
}

fn attributes(version: &Version) -> Value {
    let mut attributes = json!({
        "enabled": version.enabled,
        "created": version.created,
        "updated": version.updated,
        "recoveryLevel": "Recoverable+Purgeable",
        "recoverableDays": RETENTION_DAYS,
    });
    if let Some(map) = attributes.as_object_mut() {
        if let Some(nbf) = version.nbf {
            map.insert("nbf".into(), nbf.into());
        }
        if let Some(exp) = version.exp {
            map.insert("exp".into(), exp.into());
        }
    }
    attributes
}

/// `SecretBundle`: `{value,id,contentType,attributes,tags}`; without the value when `with_value`
/// is false (delete, recover).
pub(crate) fn bundle(
    vault_url: &str,
    secret: &Secret,
    version: &Version,
    with_value: bool,
) -> Value {
    let mut body = json!({
        "id": format!("{vault_url}/secrets/{}/{}", secret.name, version.id),
        "attributes": attributes(version),
        "tags": version.tags,
    });
    if let Some(map) = body.as_object_mut() {
        if with_value {
            map.insert("value".into(), version.value.clone().into());
        }
        if let Some(content_type) = &version.content_type {
            map.insert("contentType".into(), content_type.clone().into());
        }
    }
    body
}

/// `SecretItem` (list results carry no values). `versioned` for the versions list.
pub(crate) fn item(vault_url: &str, secret: &Secret, version: &Version, versioned: bool) -> Value {
    let id = if versioned {
        format!("{vault_url}/secrets/{}/{}", secret.name, version.id)
    } else {
        format!("{vault_url}/secrets/{}", secret.name)
    };
    let mut body = json!({"id": id, "attributes": attributes(version), "tags": version.tags});
    if let (Some(map), Some(content_type)) = (body.as_object_mut(), &version.content_type) {
        map.insert("contentType".into(), content_type.clone().into());
    }
    body
}

/// `DeletedSecretBundle` without the value.
pub(crate) fn deleted_bundle(vault_url: &str, deleted: &Deleted) -> Value {
    let mut body = match deleted.secret.current() {
        Some(version) => bundle(vault_url, &deleted.secret, version, false),
        None => json!({}),
    };
    if let Some(map) = body.as_object_mut() {
        map.insert(
            "recoveryId".into(),
            format!("{vault_url}/deletedsecrets/{}", deleted.secret.name).into(),
        );
        map.insert("deletedDate".into(), deleted.deleted_date.into());
        map.insert(
            "scheduledPurgeDate".into(),
            (deleted.deleted_date + RETENTION_DAYS * 86_400).into(),
        );
    }
    body
}
