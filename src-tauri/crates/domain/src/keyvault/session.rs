//! The signed-in state: an Entra ID token for Key Vault held in memory only (a redacting
//! [`AzureToken`], never serialized), what the UI may see of it ([`SignInSummary`]), and the
//! typed errors of signing in, mapped to the boundary error.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;
use url::Url;

use super::SignInMethod;
use crate::error::{AppError, ErrorKind};
use crate::http::TransportError;
use crate::profile::Environment;
use crate::secret::AzureToken;

/// Sign in again this long before the token runs out, so a write never starts on a token that
/// expires halfway.
pub const EXPIRY_MARGIN_SECONDS: i64 = 120;

/// Which vault a sign-in was made for. A token is kept and reused only for the same environment
/// and the same vault origin, never for a tenant alone: a token obtained through one vault's
/// challenge is not handed to another host that names the same tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionScope {
    pub environment: Environment,
    /// The vault's origin, e.g. `https://ttd-kv.vault.azure.net`.
    pub vault: String,
}

impl SessionScope {
    pub fn new(environment: &Environment, vault: &Url) -> Self {
        Self {
            environment: environment.clone(),
            vault: vault.origin().ascii_serialization(),
        }
    }
}

/// The sessions of one app run, in memory only, each under the scope it was made for.
#[derive(Debug, Default)]
pub struct Sessions {
    kept: HashMap<SessionScope, AzureSession>,
}

impl Sessions {
    pub fn keep(&mut self, scope: SessionScope, session: AzureSession) {
        self.kept.insert(scope, session);
    }

    /// The session made for exactly this scope, if it is still usable for `tenant`.
    pub fn usable(
        &self,
        scope: &SessionScope,
        tenant: &str,
        now: OffsetDateTime,
    ) -> Option<AzureSession> {
        self.kept
            .get(scope)
            .filter(|s| s.usable_for(tenant, now))
            .cloned()
    }
}

/// A token for one tenant's vaults.
#[derive(Debug, Clone)]
pub struct AzureSession {
    pub token: AzureToken,
    pub expires_at: OffsetDateTime,
    pub tenant: String,
    pub method: SignInMethod,
    /// Who signed in (`upn`, `preferred_username` or `unique_name` of the token), for display.
    pub account: Option<String>,
}

/// What the window and `--json` show of a session: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInSummary {
    pub tenant: String,
    pub account: Option<String>,
    pub method: SignInMethod,
    /// RFC 3339.
    pub expires_at: String,
}

impl AzureSession {
    pub fn new(
        token: AzureToken,
        expires_at: OffsetDateTime,
        tenant: String,
        method: SignInMethod,
    ) -> Self {
        let account = account_of(&token);
        Self {
            token,
            expires_at,
            tenant,
            method,
            account,
        }
    }

    /// Still usable for a whole operation, and for this tenant.
    pub fn usable_for(&self, tenant: &str, now: OffsetDateTime) -> bool {
        self.tenant.eq_ignore_ascii_case(tenant)
            && self.expires_at - time::Duration::seconds(EXPIRY_MARGIN_SECONDS) > now
    }

    pub fn summary(&self) -> SignInSummary {
        SignInSummary {
            tenant: self.tenant.clone(),
            account: self.account.clone(),
            method: self.method,
            expires_at: self
                .expires_at
                .replace_nanosecond(0)
                .unwrap_or(self.expires_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

/// The signed-in account from the token's claims (read, not verified: display only).
fn account_of(token: &AzureToken) -> Option<String> {
    let payload = token.expose_secret().split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    ["upn", "preferred_username", "unique_name", "email"]
        .iter()
        .find_map(|c| claims.get(*c).and_then(|v| v.as_str()))
        .map(|s| s.chars().take(200).collect())
}

/// One variant per step of signing in; the server's words kept (scrubbed) where there are any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("the vault could not be reached: {0}")]
    VaultUnreachable(#[source] TransportError),
    #[error("the vault did not ask for a sign-in (HTTP {status}); is this a Key Vault URL?")]
    NoChallenge { status: u16 },
    #[error("the vault's sign-in challenge is not usable: {problem}")]
    BadChallenge { problem: String },
    #[error("the vault sends sign-in to {authority}, which this environment does not trust")]
    UntrustedAuthority { authority: String },
    #[error(
        "the vault's challenge asks for a token for {resource}, which does not belong to the vault's host {vault}"
    )]
    ResourceMismatch { resource: String, vault: String },
    #[error("Entra ID could not be reached: {0}")]
    LoginUnreachable(#[source] TransportError),
    #[error("Entra ID refused the sign-in: {error}{}", description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("Entra ID answered HTTP {status} with something that is not an OAuth answer")]
    Unparseable { status: u16, raw: String },
    #[error("the sign-in was declined")]
    Declined,
    #[error("the sign-in code expired before it was used")]
    Expired,
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("no sign-in is waiting; start one first")]
    NothingPending,
    #[error("the Azure CLI (az) is not installed or not on PATH")]
    AzureCliMissing,
    #[error("the Azure CLI is not signed in{}: {detail}", tenant.as_deref().map(|t| format!(" to tenant {t}")).unwrap_or_default())]
    AzureCliNotSignedIn {
        tenant: Option<String>,
        detail: String,
    },
    #[error("the Azure CLI failed: {detail}")]
    AzureCliFailed { detail: String },
    #[error("the Azure CLI's token is for tenant {got}, but the vault is in tenant {want}")]
    AzureCliWrongTenant { got: String, want: String },
}

impl From<SignInError> for AppError {
    fn from(error: SignInError) -> Self {
        let (kind, hint): (ErrorKind, Option<String>) = match &error {
            SignInError::VaultUnreachable(t) | SignInError::LoginUnreachable(t) => {
                let mut app = AppError::from(t.clone());
                app.message = format!("Signing in to Azure failed: {error}.");
                return app;
            }
            SignInError::NoChallenge { .. } | SignInError::BadChallenge { .. } => (
                ErrorKind::InvalidInput,
                Some("Check the profile's Key Vault URL: it looks like https://<name>.vault.azure.net.".into()),
            ),
            SignInError::UntrustedAuthority { .. } => (
                ErrorKind::Server,
                Some("A test or prod vault's challenge may name only Entra ID (login.microsoftonline.com, login.windows.net, login.microsoft.com or sts.windows.net), and sign-in then happens at login.microsoftonline.com. Check the vault URL; a proxy that rewrites answers can also cause this.".into()),
            ),
            SignInError::ResourceMismatch { .. } => (
                ErrorKind::Server,
                Some("Nothing was sent. A real vault at https://<name>.vault.azure.net asks for a token for https://vault.azure.net; check that the profile's Key Vault URL is your organisation's vault.".into()),
            ),
            SignInError::Refused { error, .. } if error == "unauthorized_client" || error == "invalid_client" => (
                ErrorKind::Server,
                Some("The public client id is not accepted in the vault's tenant. Use the default (the Azure CLI's) or one your organisation registered.".into()),
            ),
            SignInError::Refused { .. } | SignInError::Unparseable { .. } => (
                ErrorKind::Server,
                Some("Start the sign-in again. Conditional Access in the tenant may block the device-code flow: then sign in with the Azure CLI (az login) instead.".into()),
            ),
            SignInError::Declined => (ErrorKind::Server, Some("Start again and approve the sign-in on the verification page.".into())),
            SignInError::Expired => (ErrorKind::Server, Some("Start again: a code lives about 15 minutes.".into())),
            SignInError::Cancelled | SignInError::NothingPending => (ErrorKind::InvalidInput, None),
            SignInError::AzureCliMissing => (
                ErrorKind::InvalidInput,
                Some("Install the Azure CLI, or sign in with the device code instead.".into()),
            ),
            SignInError::AzureCliNotSignedIn { tenant, .. } => (
                ErrorKind::InvalidInput,
                Some(match tenant {
                    Some(t) => format!("Run: az login --tenant {t} --allow-no-subscriptions, then try again."),
                    None => "Run: az login --allow-no-subscriptions, then try again.".into(),
                }),
            ),
            SignInError::AzureCliWrongTenant { want, .. } => (
                ErrorKind::InvalidInput,
                Some(format!("Run: az login --tenant {want} --allow-no-subscriptions, then try again.")),
            ),
            SignInError::AzureCliFailed { .. } => (
                ErrorKind::Server,
                Some("Run az account get-access-token --scope https://vault.azure.net/.default yourself to see the problem, or use the device code.".into()),
            ),
        };
        let app = AppError::new(kind, format!("Signing in to Azure failed: {error}."));
        match hint {
            Some(hint) => app.with_hint(hint),
            None => app,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_with(claims: &str) -> AzureToken {
        AzureToken::new(format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(claims)
        ))
    }

    #[test]
    fn the_summary_shows_tenant_account_and_expiry_but_never_the_token() {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
        let session = AzureSession::new(
            token_with(r#"{"upn":"admin@sandbox.example","tid":"t"}"#),
            at,
            "t".into(),
            SignInMethod::DeviceCode,
        );
        let summary = session.summary();
        assert_eq!(summary.account.as_deref(), Some("admin@sandbox.example"));
        assert_eq!(summary.expires_at, "2027-01-15T08:00:00Z");
        let shown = format!(
            "{session:?}{}",
            serde_json::to_string(&summary).expect("json")
        );
        assert!(!shown.contains("eyJ"), "{shown}");
    }

    #[test]
    fn a_kept_session_serves_only_its_own_environment_and_vault_never_the_tenant_alone() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
        let vault = |u: &str| Url::parse(u).expect("url");
        let mine = SessionScope::new(
            &Environment::Test,
            &vault("https://ttd-kv.vault.azure.net/"),
        );
        let mut sessions = Sessions::default();
        sessions.keep(
            mine.clone(),
            AzureSession::new(
                AzureToken::new("opaque".into()),
                now + time::Duration::minutes(30),
                "t-1".into(),
                SignInMethod::DeviceCode,
            ),
        );
        assert!(sessions.usable(&mine, "t-1", now).is_some());
        let same_path = SessionScope::new(
            &Environment::Test,
            &vault("https://TTD-KV.vault.azure.net/secrets"),
        );
        assert!(
            sessions.usable(&same_path, "t-1", now).is_some(),
            "the origin is what counts"
        );
        for other in [
            SessionScope::new(&Environment::Test, &vault("https://other.vault.azure.net/")),
            SessionScope::new(
                &Environment::Prod,
                &vault("https://ttd-kv.vault.azure.net/"),
            ),
        ] {
            assert!(
                sessions.usable(&other, "t-1", now).is_none(),
                "same tenant, other vault or environment: {other:?}"
            );
        }
        assert!(sessions.usable(&mine, "t-2", now).is_none());
    }

    #[test]
    fn a_session_is_usable_only_for_its_tenant_and_well_before_expiry() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
        let session = AzureSession::new(
            AzureToken::new("opaque".into()),
            now + time::Duration::minutes(10),
            "T-1".into(),
            SignInMethod::AzureCli,
        );
        assert!(session.usable_for("t-1", now));
        assert!(!session.usable_for("other", now));
        assert!(!session.usable_for("t-1", now + time::Duration::minutes(9)));
        assert_eq!(
            session.account, None,
            "an opaque token has no readable account"
        );
    }
}
