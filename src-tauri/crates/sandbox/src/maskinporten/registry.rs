//! The Maskinporten client registry: clients, their registered public keys (at most five, each
//! valid one year after posting), and the `jti` values already used.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::keys::{PublicKey, validate_public_jwk};
use crate::seed::{MaskinportenClient, Organisation};

/// DD-admin / config-keyvault-selfservice §5: "Max keys | 5 per client".
pub(crate) const MAX_KEYS: usize = 5;
/// DD-admin, DD-err MP-121: "A key is valid for at most 1 year after posting".
pub(crate) const KEY_LIFETIME: Duration = Duration::days(365);

#[derive(Debug, Clone)]
pub(crate) struct ClientRecord {
    pub client_id: String,
    pub org_number: String,
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
    pub access_token_lifetime: u32,
    pub keys: Vec<StoredKey>,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredKey {
    pub key: PublicKey,
    pub posted_at: OffsetDateTime,
}

impl StoredKey {
    /// One year after posting, or the JWK's own `exp` if that is sooner.
    pub(crate) fn expires_at(&self) -> OffsetDateTime {
        let by_posting = self.posted_at + KEY_LIFETIME;
        match self
            .key
            .jwk
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok())
        {
            Some(exp) if exp < by_posting => exp,
            _ => by_posting,
        }
    }

    /// The JWK as the self-service API shows it, with `exp` filled in.
    pub(crate) fn public_view(&self) -> Value {
        let mut jwk = self.key.jwk.clone();
        if let Some(map) = jwk.as_object_mut() {
            map.insert(
                "exp".into(),
                Value::from(self.expires_at().unix_timestamp()),
            );
        }
        jwk
    }
}

#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub clients: BTreeMap<String, ClientRecord>,
    /// `client_id jti` → unix time after which it may be forgotten (the grant has expired).
    used_jti: HashMap<String, i64>,
}

/// The token lifetime range the sandbox accepts (protocols §5: 599 s in examples, ~10 min).
pub(crate) fn valid_lifetime(seconds: u32) -> bool {
    (119..=599).contains(&seconds)
}

impl Registry {
    pub(crate) fn from_seed(
        clients: &[MaskinportenClient],
        orgs: &[Organisation],
        now: OffsetDateTime,
    ) -> Result<Registry, String> {
        let mut registry = Registry::default();
        for client in clients {
            if registry.clients.contains_key(&client.client_id) {
                return Err(format!("client id {} is used twice", client.client_id));
            }
            if !orgs.iter().any(|o| o.org_number == client.org_number) {
                return Err(format!(
                    "client {} belongs to an unknown organisation {}",
                    client.client_id, client.org_number
                ));
            }
            if !valid_lifetime(client.access_token_lifetime) {
                return Err(format!(
                    "client {} has access_token_lifetime outside 119–599",
                    client.client_id
                ));
            }
            registry.insert_client(client, now)?;
        }
        Ok(registry)
    }

    /// Registers (or replaces) `client` as posted `now`, its seeded keys included.
    pub(crate) fn insert_client(
        &mut self,
        client: &MaskinportenClient,
        now: OffsetDateTime,
    ) -> Result<(), String> {
        self.clients.insert(
            client.client_id.clone(),
            ClientRecord {
                client_id: client.client_id.clone(),
                org_number: client.org_number.clone(),
                name: client.name.clone(),
                description: client.name.clone(),
                scopes: client.scopes.clone(),
                access_token_lifetime: client.access_token_lifetime,
                keys: Vec::new(),
                created: now,
                last_updated: now,
            },
        );
        let keys: Vec<(Value, OffsetDateTime)> = client
            .keys
            .iter()
            .map(|k| (k.jwk.clone(), k.posted_at.unwrap_or(now)))
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        self.replace_keys(&client.client_id, &keys, now)
    }

    /// Replaces a client's whole key set (the self-service API has no "add one key").
    pub(crate) fn replace_keys(
        &mut self,
        client_id: &str,
        jwks: &[(Value, OffsetDateTime)],
        now: OffsetDateTime,
    ) -> Result<(), String> {
        if jwks.is_empty() {
            // config-keyvault-selfservice §4.2: "an empty POST is not allowed" (DELETE removes keys).
            return Err("the key set is empty; use DELETE to remove every key".into());
        }
        if jwks.len() > MAX_KEYS {
            return Err(format!(
                "{} keys posted; a client can have at most {MAX_KEYS}",
                jwks.len()
            ));
        }
        let mut stored = Vec::with_capacity(jwks.len());
        for (jwk, posted_at) in jwks {
            let key = validate_public_jwk(jwk)?;
            if stored.iter().any(|s: &StoredKey| s.key.kid == key.kid) {
                return Err(format!("kid {} appears twice in the key set", key.kid));
            }
            // protocols §1.6: kid unique within the client, and (older DD-admin) across all
            // customers. Strict: unique across every client in the sandbox.
            let taken = self
                .clients
                .values()
                .any(|c| c.client_id != client_id && c.keys.iter().any(|k| k.key.kid == key.kid));
            if taken {
                return Err(format!(
                    "kid {} is already registered on another client",
                    key.kid
                ));
            }
            stored.push(StoredKey {
                key,
                posted_at: *posted_at,
            });
        }
        let client = self
            .clients
            .get_mut(client_id)
            .ok_or_else(|| format!("unknown client {client_id}"))?;
        client.keys = stored;
        client.last_updated = now;
        Ok(())
    }

    /// Records a `jti`; false when it was seen before (DD-err MP-012 "Grant is used before").
    pub(crate) fn use_jti(
        &mut self,
        client_id: &str,
        jti: &str,
        forget_after: i64,
        now: i64,
    ) -> bool {
        self.used_jti.retain(|_, until| *until >= now);
        let key = format!("{client_id} {jti}");
        if self.used_jti.contains_key(&key) {
            return false;
        }
        self.used_jti.insert(key, forget_after);
        true
    }
}
