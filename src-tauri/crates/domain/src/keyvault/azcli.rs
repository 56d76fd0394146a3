//! Reusing an Azure CLI sign-in (config-keyvault-selfservice.md §3.5): run
//! `az account get-access-token --scope https://vault.azure.net/.default -o json`, exactly what
//! `azure_identity::AzureCliCredential` runs, through a small [`CommandRunner`] so tests can
//! fake `az`. Its standard output holds the token: it is never logged, printed or kept beyond
//! the parse.

use serde::Deserialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::session::{AzureSession, SignInError};
use super::{SignInMethod, VAULT_SCOPE, scrub};
use crate::clock::Clock;
use crate::secret::AzureToken;

/// When `az` gives no `expires_on` (CLI older than 2.54), assume only this much is left.
const ASSUMED_LIFETIME_SECONDS: i64 = 300;

/// What a finished command gave back. `Debug` never shows standard output.
pub struct CommandOutput {
    pub success: bool,
    pub stdout: Zeroizing<Vec<u8>>,
    pub stderr: String,
}

impl CommandOutput {
    pub fn new(success: bool, stdout: Vec<u8>, stderr: String) -> Self {
        Self {
            success,
            stdout: Zeroizing::new(stdout),
            stderr,
        }
    }
}

impl std::fmt::Debug for CommandOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandOutput")
            .field("success", &self.success)
            .field("stdout_bytes", &self.stdout.len())
            .finish_non_exhaustive()
    }
}

/// Runs a program and waits for it. Blocking: call it off the async runtime.
pub trait CommandRunner: Send + Sync {
    /// `Err` with `ErrorKind::NotFound` when the program is not installed.
    fn run(&self, program: &str, args: &[String]) -> std::io::Result<CommandOutput>;
}

pub const PROGRAM: &str = "az";

/// The arguments, with `--tenant` when the vault's tenant is known (§3.5).
pub fn arguments(tenant: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> = [
        "account",
        "get-access-token",
        "--scope",
        VAULT_SCOPE,
        "-o",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(tenant) = tenant {
        args.extend(["--tenant".to_string(), tenant.to_string()]);
    }
    args
}

#[derive(Deserialize)]
struct CliToken {
    #[serde(rename = "accessToken")]
    access_token: String,
    /// Unix seconds (CLI ≥ 2.54).
    expires_on: Option<i64>,
    tenant: Option<String>,
}

/// Turns `az`'s answer into a session for `tenant` (the vault's, from its challenge).
pub fn parse(
    output: &CommandOutput,
    tenant: Option<&str>,
    now: OffsetDateTime,
) -> Result<AzureSession, SignInError> {
    let stderr: String = scrub(output.stderr.trim()).chars().take(400).collect();
    if !output.success {
        let lower = stderr.to_ascii_lowercase();
        let not_signed_in = lower.contains("az login")
            || lower.contains("aadsts700082")
            || lower.contains("aadsts50076")
            || lower.contains("aadsts50078")
            || lower.contains("no subscription found");
        return Err(if not_signed_in {
            SignInError::AzureCliNotSignedIn {
                tenant: tenant.map(str::to_string),
                detail: stderr,
            }
        } else {
            SignInError::AzureCliFailed { detail: stderr }
        });
    }
    let parsed: CliToken =
        serde_json::from_slice(&output.stdout).map_err(|_| SignInError::AzureCliFailed {
            detail: "its output is not the JSON of az account get-access-token".into(),
        })?;
    let token = AzureToken::new(parsed.access_token);
    let got = parsed.tenant.unwrap_or_default();
    if let Some(want) = tenant
        && !got.is_empty()
        && !got.eq_ignore_ascii_case(want)
    {
        return Err(SignInError::AzureCliWrongTenant {
            got,
            want: want.to_string(),
        });
    }
    let expires_at = parsed
        .expires_on
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .unwrap_or(now + time::Duration::seconds(ASSUMED_LIFETIME_SECONDS));
    let tenant = tenant.map(str::to_string).unwrap_or(got);
    Ok(AzureSession::new(
        token,
        expires_at,
        tenant,
        SignInMethod::AzureCli,
    ))
}

/// Runs `az` and returns the session, or why not.
pub fn sign_in(
    runner: &dyn CommandRunner,
    clock: &dyn Clock,
    tenant: Option<&str>,
) -> Result<AzureSession, SignInError> {
    let output = runner
        .run(PROGRAM, &arguments(tenant))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SignInError::AzureCliMissing,
            _ => SignInError::AzureCliFailed {
                detail: e.to_string(),
            },
        })?;
    parse(&output, tenant, clock.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(success: bool, stdout: &str, stderr: &str) -> CommandOutput {
        CommandOutput {
            success,
            stdout: Zeroizing::new(stdout.as_bytes().to_vec()),
            stderr: stderr.into(),
        }
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time")
    }

    #[test]
    fn the_arguments_ask_for_a_vault_token_as_json_for_the_vaults_tenant() {
        assert_eq!(
            arguments(Some("t1")).join(" "),
            "account get-access-token --scope https://vault.azure.net/.default -o json --tenant t1"
        );
    }

    #[test]
    fn a_token_answer_becomes_a_session_with_its_expiry_and_the_output_never_prints() {
        let json = r#"{"accessToken":"eyJ0.eyJ1.sig","expiresOn":"2027-01-15 09:00:00.000000","expires_on":1800003600,"tenant":"t1","tokenType":"Bearer"}"#;
        let out = output(true, json, "");
        assert!(!format!("{out:?}").contains("eyJ"));
        let session = parse(&out, Some("T1"), now()).expect("session");
        assert_eq!(session.expires_at.unix_timestamp(), 1_800_003_600);
        assert_eq!(session.method, SignInMethod::AzureCli);
        let old_cli =
            r#"{"accessToken":"x","expiresOn":"2027-01-15 09:00:00.000000","tenant":"t1"}"#;
        let session = parse(&output(true, old_cli, ""), Some("t1"), now()).expect("session");
        assert_eq!(session.expires_at, now() + time::Duration::seconds(300));
    }

    #[test]
    fn not_signed_in_another_tenant_and_garbage_are_each_explained() {
        let login = output(false, "", "ERROR: Please run 'az login' to setup account.");
        assert!(matches!(
            parse(&login, Some("t1"), now()),
            Err(SignInError::AzureCliNotSignedIn { tenant: Some(t), .. }) if t == "t1"
        ));
        let other = output(
            true,
            r#"{"accessToken":"x","expires_on":1,"tenant":"t2"}"#,
            "",
        );
        assert!(matches!(
            parse(&other, Some("t1"), now()),
            Err(SignInError::AzureCliWrongTenant { .. })
        ));
        assert!(matches!(
            parse(&output(true, "not json", ""), None, now()),
            Err(SignInError::AzureCliFailed { .. })
        ));
    }

    #[test]
    fn a_missing_az_says_so() {
        struct NoAz;
        impl CommandRunner for NoAz {
            fn run(&self, _: &str, _: &[String]) -> std::io::Result<CommandOutput> {
                Err(std::io::Error::from(std::io::ErrorKind::NotFound))
            }
        }
        let clock = crate::clock::FixedClock(now());
        assert!(matches!(
            sign_in(&NoAz, &clock, None),
            Err(SignInError::AzureCliMissing)
        ));
    }
}
