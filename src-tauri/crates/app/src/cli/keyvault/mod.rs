//! `keyvault login|probe|write|verify`: the Key Vault step headless. The CLI is one process per
//! command and never stores a token, so every command signs in itself: the Azure CLI's sign-in
//! when it has one, else the device code (printed to stderr, then polled). In the sandbox,
//! `--sandbox-identity` approves the code as a seeded identity: a rehearsal convenience.

use assistant_domain::http::{HttpRequest, Transport};
use assistant_domain::keyvault::challenge::Challenge;
use assistant_domain::keyvault::session::SignInSummary;
use assistant_domain::keyvault::write::WriteOutcome;
use assistant_domain::keyvault::{DeletedAction, KeyField, SignInMethod, WriteVaultRequest};
use assistant_domain::profile::Environment;
use assistant_domain::{AppError, ErrorKind};
use clap::{Args, Subcommand, ValueEnum};

mod render;

use render::{render_probe, render_verify, write_output};

use super::output::{Output, confirm_on_terminal};
use crate::AppState;
use crate::keyvault::{self as flows, VaultLoginStart, VaultTarget};

#[derive(Debug, Subcommand)]
pub enum KeyVaultCommand {
    /// Sign in to Azure for the profile's vault (in this process only; shows who and until when).
    Login(Common),
    /// Check access without writing: list one secret, read the target names, explain refusals.
    Probe(Common),
    /// Write the client id and the key from the keychain, then read both back.
    Write {
        #[command(flatten)]
        common: Common,
        /// Confirm a new version of a secret that holds something else, or a recover or purge.
        #[arg(long)]
        yes: bool,
        /// A soft-deleted name: recover it (old versions come back) before writing.
        #[arg(long, conflicts_with = "purge")]
        recover: bool,
        /// A soft-deleted name: purge it (gone for good) before writing.
        #[arg(long)]
        purge: bool,
    },
    /// Read the secrets back and compare them with the profile and the keychain key.
    Verify(Common),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FieldArg {
    /// `EncodedJwk` (Altinn.ApiClients.Maskinporten): the own-identity set-up.
    EncodedJwk,
    /// `JwkBase64` (built-in client, legacy v8 manual set-up).
    JwkBase64,
}

#[derive(Debug, Args)]
pub struct Common {
    #[arg(long)]
    pub(crate) profile: String,
    /// Sign in with a device code (always so in the sandbox).
    #[arg(long, conflicts_with = "azure_cli")]
    pub(crate) device_code: bool,
    /// Reuse the Azure CLI's sign-in (`az login`); by default tried first outside the sandbox.
    #[arg(long)]
    pub(crate) azure_cli: bool,
    /// Public client id for the device code (default: the Azure CLI's, see README).
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// Sandbox rehearsal only: approve the device code as this sandbox identity
    /// (admin@sandbox.example has the Secrets Officer role, norole@sandbox.example none).
    #[arg(long, value_name = "UPN")]
    pub(crate) sandbox_identity: Option<String>,
    /// Which value the app reads the key from.
    #[arg(long, value_enum, default_value = "encoded-jwk")]
    pub(crate) key_field: FieldArg,
}

impl Common {
    fn key_field(&self) -> KeyField {
        match self.key_field {
            FieldArg::EncodedJwk => KeyField::EncodedJwk,
            FieldArg::JwkBase64 => KeyField::JwkBase64,
        }
    }
}

pub fn run(command: KeyVaultCommand, state: &AppState) -> Result<Output, AppError> {
    super::block(state, run_async(command, state))
}

async fn run_async(command: KeyVaultCommand, state: &AppState) -> Result<Output, AppError> {
    let common = match &command {
        KeyVaultCommand::Login(c) | KeyVaultCommand::Probe(c) | KeyVaultCommand::Verify(c) => c,
        KeyVaultCommand::Write { common, .. } => common,
    };
    let target = flows::target(state, &common.profile).await?;
    let challenge = flows::challenge(state, &target).await?;
    let signed_in = sign_in(state, &target, &challenge, common).await?;
    let field = Some(common.key_field());
    match &command {
        KeyVaultCommand::Login(_) => {
            let text = format!(
                "{}\nThe sign-in lives in this process only: each keyvault command signs in again (with --azure-cli it reuses `az login`).",
                signed_in_line(&signed_in)
            );
            Output::new(&signed_in, text)
        }
        KeyVaultCommand::Probe(_) => {
            let report = flows::probe_with(state, &target, &challenge, field).await?;
            let text = render_probe(&report);
            let json = to_json(&report)?;
            if report.ready_to_write {
                Output::from_json(json, text)
            } else {
                let error = AppError::new(
                    ErrorKind::Server,
                    "The vault is not ready for the write; see the checks above.",
                )
                .with_hint(
                    report
                        .role_hint
                        .as_ref()
                        .map(|h| h.en.clone())
                        .unwrap_or_else(|| "Follow the advice of each check.".into()),
                );
                Ok(Output::failed(json, text, error))
            }
        }
        KeyVaultCommand::Write {
            yes,
            recover,
            purge,
            ..
        } => {
            let mut request = WriteVaultRequest {
                profile: common.profile.clone(),
                key_field: field,
                confirmed: *yes,
                deleted_action: match (recover, purge) {
                    (true, _) => Some(DeletedAction::Recover),
                    (_, true) => Some(DeletedAction::Purge),
                    _ => None,
                },
            };
            let mut report = flows::write_with(state, &target, &challenge, &request).await?;
            if matches!(
                report.outcome,
                WriteOutcome::ConfirmationRequired | WriteOutcome::NewVaultConfirmationRequired
            ) && std::io::IsTerminal::is_terminal(&std::io::stdin())
            {
                super::output::to_stderr(&report.message.en);
                let question = if report.outcome == WriteOutcome::NewVaultConfirmationRequired {
                    format!(
                        "Write the private key to {}?",
                        target.vault.host_str().unwrap_or_default()
                    )
                } else {
                    "Write new versions?".to_string()
                };
                if confirm_on_terminal(&question) {
                    request.confirmed = true;
                    report = flows::write_with(state, &target, &challenge, &request).await?;
                }
            }
            write_output(&report, &target)
        }
        KeyVaultCommand::Verify(_) => {
            let report = flows::verify_with(state, &target, &challenge, field).await?;
            let mut text = render_verify(&report);
            let json = to_json(&report)?;
            if report.ok {
                return Output::from_json(json, text);
            }
            if target.sandbox.is_some() && !report.key.found {
                text.push_str(&format!("\n\nNote: {}", flows::IN_PROCESS_SANDBOX_NOTE));
            }
            let error = AppError::new(ErrorKind::Server, "The vault's secrets do not match this profile and its keychain key.")
                .with_hint("Write them again with keyvault write (it shows what is there and asks before a new version).");
            Ok(Output::failed(json, text, error))
        }
    }
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))
}

fn signed_in_line(s: &SignInSummary) -> String {
    let how = match s.method {
        SignInMethod::DeviceCode => "device code",
        SignInMethod::AzureCli => "Azure CLI",
    };
    format!(
        "Signed in to Azure: tenant {}, account {} ({how}), until {}.",
        s.tenant,
        s.account.as_deref().unwrap_or("unknown"),
        s.expires_at
    )
}

/// Azure CLI first outside the sandbox (unless told), else the device code, printed to stderr.
pub(crate) async fn sign_in(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    c: &Common,
) -> Result<SignInSummary, AppError> {
    if c.sandbox_identity.is_some() && !assistant_domain::http::is_loopback(&challenge.authority) {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "--sandbox-identity works only with the sandbox.",
        )
        .with_hint("Sign in with your own account: drop --sandbox-identity."));
    }
    let sandbox =
        target.profile.environment == Environment::Sandbox || c.sandbox_identity.is_some();
    if c.azure_cli || (!c.device_code && !sandbox) {
        match flows::start_login(state, target, challenge, SignInMethod::AzureCli, None).await {
            Ok(VaultLoginStart::SignedIn { session }) => return Ok(session),
            Ok(VaultLoginStart::DeviceCode { .. }) => {}
            Err(e) if c.azure_cli => return Err(e),
            Err(e) => super::output::to_stderr(&format!(
                "Azure CLI: {} Signing in with a device code instead.",
                e.message
            )),
        }
    }
    let start = flows::start_login(
        state,
        target,
        challenge,
        SignInMethod::DeviceCode,
        c.client_id.as_deref(),
    )
    .await?;
    let VaultLoginStart::DeviceCode { prompt } = start else {
        return Err(AppError::new(
            ErrorKind::Internal,
            "the device-code sign-in did not start",
        ));
    };
    super::output::to_stderr(&format!(
        "To sign in, open {} and enter the code {} (valid until {}).\nWaiting for the sign-in… (Ctrl-C cancels)",
        prompt.verification_uri, prompt.user_code, prompt.expires_at
    ));
    if let Some(identity) = &c.sandbox_identity {
        approve(state, target, challenge, &prompt.user_code, identity).await?;
        super::output::to_stderr(&format!(
            "Sandbox: approved as {identity} (a rehearsal convenience; a person approves on the page)."
        ));
    }
    flows::poll_login(state).await
}

/// The sandbox's approval: through the in-process sandbox's control, or for a running
/// `sandbox serve` on its sign-in page, as a person would.
async fn approve(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    user_code: &str,
    identity: &str,
) -> Result<(), AppError> {
    let unknown = |e: String| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("The sandbox could not approve as {identity}: {e}"),
        )
        .with_hint(
            "Use admin@sandbox.example (Secrets Officer) or norole@sandbox.example (no role).",
        )
    };
    if let Some(control) = &target.sandbox {
        return control
            .approve_device_code(user_code, identity)
            .map_err(|e| unknown(e.to_string()));
    }
    let seed = assistant_sandbox::Seed::default();
    let object_id = seed
        .vault
        .identities
        .iter()
        .find(|i| i.user_principal_name.eq_ignore_ascii_case(identity) || i.object_id == identity)
        .map(|i| i.object_id.clone())
        .ok_or_else(|| unknown("no such identity".into()))?;
    let mut page = challenge.authority.clone();
    page.set_path("/devicelogin");
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("user_code", user_code)
        .append_pair("identity", &object_id)
        .append_pair("decision", "approve")
        .finish();
    // The page takes the run's secret, which `sandbox serve` left in the data folder.
    let secret = crate::sandbox::running_now(&state.dir)
        .await
        .map(|r| r.secret)
        .ok_or_else(|| {
            unknown("no running `sandbox serve` was found in this data folder".into())
        })?;
    let request = HttpRequest::post(page, "application/x-www-form-urlencoded", form.into_bytes())
        .header(assistant_sandbox::SECRET_HEADER, secret);
    let response = state.transport()?.send(request).await?;
    if response.status == 200 {
        Ok(())
    } else {
        Err(unknown(format!(
            "its sign-in page answered HTTP {}",
            response.status
        )))
    }
}
