//! The data a sandbox starts with: organisations, Maskinporten clients, scope delegations,
//! system users, app-B definitions, Altinn parties, and the vault with its identities.
//! `Seed::default()` is a consistent little world; `crate::defaults` names its ids.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::{AppDefinition, SandboxError, defaults};

/// Everything the sandbox starts with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Seed {
    /// Known organisations.
    pub orgs: Vec<Organisation>,
    /// Registered Maskinporten clients.
    pub clients: Vec<MaskinportenClient>,
    /// Altinn scope delegations (for `consumer_org`).
    pub delegations: Vec<ScopeDelegation>,
    /// Approved system users.
    pub system_users: Vec<SystemUser>,
    /// App-B definitions served on the apps port.
    pub apps: Vec<AppDefinition>,
    /// Altinn register parties.
    pub parties: Vec<Party>,
    /// The Key Vault and the Entra tenant in front of it.
    pub vault: VaultSeed,
}

/// An organisation (Enhetsregisteret entry, optionally an Altinn service owner).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organisation {
    /// 9 digits, mod 11.
    pub org_number: String,
    /// Display name.
    pub name: String,
    /// The service-owner code (`ttd`, `digdir` …) if it is one.
    pub service_owner: Option<String>,
}

/// A Maskinporten client as the registry holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MaskinportenClient {
    /// The client id (`iss` of its grants).
    pub client_id: String,
    /// The owning organisation.
    pub org_number: String,
    /// Display name.
    pub name: String,
    /// Scopes the client may ask for.
    pub scopes: Vec<String>,
    /// Registered public keys (at most 5).
    pub keys: Vec<RegisteredKey>,
    /// `expires_in` of issued tokens, 119–599 s (protocols §5: set per API; 599 in examples).
    pub access_token_lifetime: u32,
}

/// A registered public JWK and when it was posted (keys live one year after posting).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisteredKey {
    /// The public JWK (`kty, e, n, use, kid, alg`).
    pub jwk: Value,
    /// When it was posted; `None` means "when the sandbox starts".
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub posted_at: Option<OffsetDateTime>,
}

/// `consumer_org` has delegated `scope` to `supplier_org` in Altinn.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeDelegation {
    /// The delegating (consuming) organisation.
    pub consumer_org: String,
    /// The supplier that may ask on its behalf.
    pub supplier_org: String,
    /// The delegated scope.
    pub scope: String,
}

/// An approved system user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemUser {
    /// The system user id (a UUID).
    pub id: String,
    /// The system in the system register.
    pub system_id: String,
    /// The organisation that owns the system user (the customer).
    pub owner_org: String,
    /// The Maskinporten client id registered on the system.
    pub client_id: String,
    /// The externalRef of the system-user request; `None` means it defaulted to the owner org.
    pub external_ref: Option<String>,
}

/// The kind of an Altinn party (`partyTypesAllowed` keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PartyType {
    /// A person (fødselsnummer).
    Person,
    /// A main organisation unit.
    Organisation,
    /// An underenhet.
    SubUnit,
    /// A bankruptcy estate.
    BankruptcyEstate,
}

/// An Altinn register party.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Party {
    /// The party id (Altinn uses it in instance ids).
    pub party_id: String,
    /// The party UUID.
    pub party_uuid: String,
    /// Person, organisation, …
    pub party_type: PartyType,
    /// Display name.
    pub name: String,
    /// For organisations.
    pub org_number: Option<String>,
    /// For persons: the national identity number.
    pub ssn: Option<String>,
}

/// The Key Vault and its Entra tenant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultSeed {
    /// The vault name (the host label in reality).
    pub name: String,
    /// The tenant that issues tokens for the vault.
    pub tenant_id: String,
    /// Public client ids that may start a device-code sign-in.
    pub public_client_ids: Vec<String>,
    /// People who can sign in.
    pub identities: Vec<VaultIdentity>,
}

/// A person who can sign in to Entra, with their roles on the vault.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultIdentity {
    /// The Entra object id.
    pub object_id: String,
    /// The sign-in name.
    pub user_principal_name: String,
    /// Display name.
    pub display_name: String,
    /// Role assignments on the vault.
    pub roles: Vec<VaultRole>,
}

/// Azure built-in data-plane roles for secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VaultRole {
    /// "Key Vault Secrets Officer": every secrets action.
    SecretsOfficer,
    /// "Key Vault Secrets User": read secret values and metadata only.
    SecretsUser,
}

impl Default for Seed {
    fn default() -> Self {
        Self::build(defaults::ORG_NUMBER, defaults::CLIENT_ID)
    }
}

impl Seed {
    /// The default world, centred on `org_number` (and its client id, default
    /// `defaults::CLIENT_ID`). The org owns app B as service owner `ttd`, is a supplier to the
    /// customer org and owns the system user's system.
    pub fn for_org(org_number: &str, client_id: Option<&str>) -> Result<Seed, SandboxError> {
        if !crate::is_valid_org_number(org_number) {
            return Err(SandboxError::InvalidSeed(format!(
                "{org_number} is not a valid organisation number"
            )));
        }
        let known = [
            defaults::CUSTOMER_ORG_NUMBER,
            defaults::SUBUNIT_ORG_NUMBER,
            defaults::DIGDIR_ORG_NUMBER,
        ];
        if known.contains(&org_number) {
            return Err(SandboxError::InvalidSeed(format!(
                "{org_number} is already one of the seeded organisations"
            )));
        }
        Ok(Self::build(
            org_number,
            client_id.unwrap_or(defaults::CLIENT_ID),
        ))
    }

    /// Replaces the app definitions with the one in `path` (JSON, see [`AppDefinition`]).
    pub fn with_app_file(mut self, path: &std::path::Path) -> Result<Seed, SandboxError> {
        self.apps = vec![AppDefinition::from_json_file(path)?];
        Ok(self)
    }

    fn build(org: &str, client_id: &str) -> Seed {
        use defaults as d;
        let organisation = |org_number: &str, name: &str, code: Option<&str>| Organisation {
            org_number: org_number.into(),
            name: name.into(),
            service_owner: code.map(Into::into),
        };
        let client =
            |client_id: &str, org_number: &str, name: &str, scopes: &[&str]| MaskinportenClient {
                client_id: client_id.into(),
                org_number: org_number.into(),
                name: name.into(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                keys: Vec::new(),
                access_token_lifetime: 599,
            };
        let party = |id: &str,
                     uuid: &str,
                     kind: PartyType,
                     name: &str,
                     org: Option<&str>,
                     ssn: Option<&str>| Party {
            party_id: id.into(),
            party_uuid: uuid.into(),
            party_type: kind,
            name: name.into(),
            org_number: org.map(Into::into),
            ssn: ssn.map(Into::into),
        };
        let serviceowner = [
            "altinn:serviceowner/instances.read",
            "altinn:serviceowner/instances.write",
        ];
        Seed {
            orgs: vec![
                organisation(org, "Sandkasse Tjenesteeier AS", Some(d::APP_ORG)),
                organisation(d::CUSTOMER_ORG_NUMBER, "Sandbox Kunde AS", None),
                organisation(d::SUBUNIT_ORG_NUMBER, "Sandbox Kunde AS avd. Bergen", None),
                organisation(
                    d::DIGDIR_ORG_NUMBER,
                    "Digitaliseringsdirektoratet",
                    Some("digdir"),
                ),
            ],
            clients: vec![
                client(
                    client_id,
                    org,
                    "Sandbox integration",
                    &[
                        "altinn:serviceowner/instances.read",
                        "altinn:serviceowner/instances.write",
                        "altinn:instances.read",
                        "altinn:instances.write",
                    ],
                ),
                client(
                    d::DIGDIR_CLIENT_ID,
                    d::DIGDIR_ORG_NUMBER,
                    "Digdir service owner",
                    &serviceowner,
                ),
            ],
            delegations: vec![ScopeDelegation {
                consumer_org: d::CUSTOMER_ORG_NUMBER.into(),
                supplier_org: org.into(),
                scope: d::DELEGATED_SCOPE.into(),
            }],
            system_users: vec![SystemUser {
                id: d::SYSTEM_USER_ID.into(),
                system_id: format!("{org}_sandbox-system"),
                owner_org: d::CUSTOMER_ORG_NUMBER.into(),
                client_id: client_id.into(),
                external_ref: Some(d::SYSTEM_USER_EXTERNAL_REF.into()),
            }],
            apps: vec![AppDefinition::template_policy_app()],
            parties: vec![
                party(
                    d::ORG_PARTY_ID,
                    "7d2c0b0e-1f43-4f38-9d5b-000000500001",
                    PartyType::Organisation,
                    "Sandkasse Tjenesteeier AS",
                    Some(org),
                    None,
                ),
                party(
                    d::CUSTOMER_PARTY_ID,
                    "7d2c0b0e-1f43-4f38-9d5b-000000500002",
                    PartyType::Organisation,
                    "Sandbox Kunde AS",
                    Some(d::CUSTOMER_ORG_NUMBER),
                    None,
                ),
                party(
                    "500003",
                    "7d2c0b0e-1f43-4f38-9d5b-000000500003",
                    PartyType::Organisation,
                    "Digitaliseringsdirektoratet",
                    Some(d::DIGDIR_ORG_NUMBER),
                    None,
                ),
                party(
                    d::SUBUNIT_PARTY_ID,
                    "7d2c0b0e-1f43-4f38-9d5b-000000500005",
                    PartyType::SubUnit,
                    "Sandbox Kunde AS avd. Bergen",
                    Some(d::SUBUNIT_ORG_NUMBER),
                    None,
                ),
                party(
                    d::PERSON_PARTY_ID,
                    "7d2c0b0e-1f43-4f38-9d5b-000000510001",
                    PartyType::Person,
                    "Kari Nordmann",
                    None,
                    Some(d::PERSON_SSN),
                ),
                party(
                    "510002",
                    "7d2c0b0e-1f43-4f38-9d5b-000000510002",
                    PartyType::Person,
                    "Ola Nordmann",
                    None,
                    Some("02029010075"),
                ),
            ],
            vault: VaultSeed {
                name: "sandbox-kv".into(),
                tenant_id: d::TENANT_ID.into(),
                public_client_ids: vec![d::AZURE_CLI_CLIENT_ID.into()],
                identities: vec![
                    VaultIdentity {
                        object_id: "a11ce000-0000-4000-8000-000000000001".into(),
                        user_principal_name: d::VAULT_ADMIN.into(),
                        display_name: "Vault Admin".into(),
                        roles: vec![VaultRole::SecretsOfficer],
                    },
                    VaultIdentity {
                        object_id: "a11ce000-0000-4000-8000-000000000002".into(),
                        user_principal_name: d::VAULT_NO_ROLE.into(),
                        display_name: "No Role".into(),
                        roles: Vec::new(),
                    },
                ],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seeded_number_has_valid_check_digits() {
        let seed = Seed::default();
        for org in &seed.orgs {
            assert!(
                crate::is_valid_org_number(&org.org_number),
                "{}",
                org.org_number
            );
        }
        for ssn in seed.parties.iter().filter_map(|p| p.ssn.as_deref()) {
            assert!(crate::is_valid_national_identity_number(ssn), "{ssn}");
        }
    }

    #[test]
    fn for_org_refuses_an_invalid_org_number() {
        assert!(Seed::for_org("123456789", None).is_err());
        assert!(Seed::for_org("310000027", Some("my-client")).is_ok());
    }
}
