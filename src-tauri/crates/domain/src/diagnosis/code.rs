//! The stable ids of the diagnoses: the UI, the CLI's `--json` and the tests branch on these, so
//! they are an enum (exported to TypeScript) rather than strings written in many places.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DiagnosisCode {
    /// Maskinporten does not know the client id.
    ClientNotFound,
    /// The grant's times are outside what Maskinporten accepts: this computer's clock.
    Clock,
    /// A consumer_org claim names the client's own organisation.
    ConsumerOrgIsOwn,
    /// Altinn's exchange failed in another way.
    ExchangeFailed,
    /// Altinn's exchange answered something that is no token.
    ExchangeGarbage,
    /// Altinn's exchange refused the token (403 or similar).
    ExchangeRefused,
    /// Altinn's exchange answered 401: the token is from another environment, expired or without a consumer.
    ExchangeUnauthorized,
    /// The grant's jti was used before.
    GrantReused,
    /// Maskinporten refused the grant's form or claims.
    InvalidAssertion,
    /// The key on the client has expired.
    KeyExpired,
    /// The grant carries no kid.
    KidRequired,
    /// The environment's metadata document is not what Maskinporten publishes.
    MetadataInvalid,
    /// The environment's metadata could not be fetched.
    MetadataUnavailable,
    /// Maskinporten refused the grant for a reason not recognised here; its own words are shown.
    Rejected,
    /// The scope needs a delegation in Altinn that is missing.
    ScopeNotDelegated,
    /// The scope is not one Maskinporten issues.
    ScopeNotForMaskinporten,
    /// The organisation has not been granted the scope.
    ScopeNotGranted,
    /// The scope is not added to the client.
    ScopeNotOnClient,
    /// The grant could not be signed with the key.
    SigningFailed,
    /// The system user's authorization_details are malformed.
    SystemUserDetails,
    /// MP-303: no system user for this client and organisation.
    SystemUserNotFound,
    /// The issued token did not check out against Maskinporten's published keys.
    TokenNotVerified,
    /// A server answered something this tool does not read.
    UnexpectedAnswer,
    /// The grant's kid is not registered on the client.
    UnknownKid,
    /// The grant's aud is not the environment's issuer.
    WrongAud,
    /// A host name could not be looked up.
    NetworkDns,
    /// The TLS connection failed (often TLS inspection).
    NetworkTls,
    /// A server did not answer in time.
    NetworkTimeout,
    /// The proxy refused or failed.
    NetworkProxy,
    /// No connection to a host.
    NetworkConnect,
    /// A host closed the connection or did not speak HTTP.
    NetworkProtocol,
    /// An answer was larger than the cap and was not read.
    NetworkTooLarge,
    /// The key app A reads from Key Vault is not on the Maskinporten client.
    VaultKeyNotOnClient,
    /// Key Vault holds the new key but app A was not redeployed since: it still signs with the old one.
    NotRedeployed,
    /// The client has five keys, Maskinporten's limit: a new one cannot be added.
    ClientKeysFull,
    /// MP-303, found by looking: no system in the register has this client id.
    SystemNotRegistered,
    /// MP-303, found by looking: no system-user request for this customer.
    SystemUserNotRequested,
    /// MP-303, found by looking: the customer has not approved (or refused) the request.
    SystemUserNotApproved,
    /// MP-303, found by looking: system users exist, but for other organisations.
    SystemUserWrongOrg,
    /// MP-303, found by looking: the system user was made with another externalRef.
    SystemUserWrongExternalRef,
}
