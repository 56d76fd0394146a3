//! Ids of the default seed (`Seed::default()`), for tests and for the guided flow's "sandbox"
//! preset: organisations, clients, parties, the system user, app B, the tenant and identities.

/// The organisation the person rehearses as (Seed::for_org replaces it): app B's owner, the
/// service owner `ttd` (APP_ORG), as in a multi-app solution where app A creates instances of
/// the organisation's own app B. It is also the vendor of the sandbox's system.
pub const ORG_NUMBER: &str = "312345676";
/// Its Maskinporten client (no keys: the person registers one, as in reality), with the
/// service-owner scopes app B's `[org]` rule needs and the instance scopes system users use.
pub const CLIENT_ID: &str = "5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11";
/// A customer organisation: owns the system user and delegates a scope to ORG_NUMBER.
pub const CUSTOMER_ORG_NUMBER: &str = "310987654";
/// A subunit (underenhet), a party type app B does not allow.
pub const SUBUNIT_ORG_NUMBER: &str = "310000019";
/// Digdir: the service owner whose `?test=true` exchange yields org `ttd`.
pub const DIGDIR_ORG_NUMBER: &str = "991825827";
/// Digdir's service-owner client (scope `altinn:serviceowner/instances.*`).
pub const DIGDIR_CLIENT_ID: &str = "8c0f4c5e-3f0b-4a43-8f61-d1f1a3d7a001";
/// Party ids (Altinn register) of the seeded parties.
pub const ORG_PARTY_ID: &str = "500001";
/// Party id of CUSTOMER_ORG_NUMBER.
pub const CUSTOMER_PARTY_ID: &str = "500002";
/// Party id of SUBUNIT_ORG_NUMBER.
pub const SUBUNIT_PARTY_ID: &str = "500005";
/// A person (Kari Nordmann) and her party id.
pub const PERSON_SSN: &str = "15058510170";
/// Party id of PERSON_SSN.
pub const PERSON_PARTY_ID: &str = "510001";
/// The scope CUSTOMER_ORG_NUMBER has delegated to ORG_NUMBER (for `consumer_org`).
pub const DELEGATED_SCOPE: &str = "sandbox:delegated.read";
/// The system user owned by the customer, registered for CLIENT_ID.
pub const SYSTEM_USER_ID: &str = "ebe4a681-4c3e-4bc5-8b1b-1f6a3c2d9e10";
/// Its system id (`{vendor org}_{name}`).
pub const SYSTEM_ID: &str = "312345676_sandbox-system";
/// The externalRef the system-user request was created with.
pub const SYSTEM_USER_EXTERNAL_REF: &str = "310987654_sandbox";
/// App B: `ttd/sandbox-app-b`.
pub const APP_ORG: &str = "ttd";
/// App B's name.
pub const APP_NAME: &str = "sandbox-app-b";
/// The Entra tenant of the vault.
pub const TENANT_ID: &str = "6d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
/// The Azure CLI public client id, which Azure SDKs use for developer sign-in.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// An identity with the "Key Vault Secrets Officer" role.
pub const VAULT_ADMIN: &str = "admin@sandbox.example";
/// An identity with no role on the vault.
pub const VAULT_NO_ROLE: &str = "norole@sandbox.example";

/// The resource (token audience) of Azure Key Vault's data plane: what the vault's challenge
/// names and what Entra issues vault tokens for.
pub const VAULT_RESOURCE: &str = "https://vault.azure.net";
