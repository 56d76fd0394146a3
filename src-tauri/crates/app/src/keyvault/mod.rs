//! Key Vault for the window and the CLI: which vault a profile means (the sandbox's own, a
//! running `sandbox serve`, or the profile's URL), who may host its sign-in, the Azure session
//! kept in memory for the app's lifetime (never sent to the UI), and the probe, write and
//! read-back over the domain's `keyvault` steps.

use std::sync::Mutex;

use assistant_domain::http::Transport;
use assistant_domain::keyvault::azcli::{self, CommandOutput, CommandRunner};
use assistant_domain::keyvault::challenge::{self, Challenge, TrustedLogin};
use assistant_domain::keyvault::devicecode::{self, DeviceCodePrompt, PendingSignIn};
use assistant_domain::keyvault::names::{self, NameWarning, SecretNames};
use assistant_domain::keyvault::probe::{self, ProbeReport};
use assistant_domain::keyvault::session::{
    AzureSession, SessionScope, Sessions, SignInError, SignInSummary,
};
use assistant_domain::keyvault::verify::{self, VerifyReport};
use assistant_domain::keyvault::write::{self, WriteReport, WriteRequest};
use assistant_domain::keyvault::{
    AZURE_CLI_CLIENT_ID, KeyField, Pause, Resume, SignInMethod, StartVaultLoginRequest,
    VaultRequest, WriteVaultRequest, explain, known, material,
};
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::{AppError, ErrorKind, inventory};
use serde::Serialize;
use tokio::sync::watch;
use url::Url;

use crate::AppState;
use crate::blocking::blocking;

/// The Azure sign-ins of this app run, each kept for the vault it was made for: in memory only,
/// gone when the app closes.
#[derive(Debug)]
pub struct VaultLogin {
    sessions: Mutex<Sessions>,
    pending: Mutex<Option<(SessionScope, PendingSignIn)>>,
    cancel: watch::Sender<bool>,
}

impl Default for VaultLogin {
    fn default() -> Self {
        Self {
            sessions: Mutex::default(),
            pending: Mutex::default(),
            cancel: watch::channel(false).0,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl VaultLogin {
    pub fn keep(&self, scope: SessionScope, session: AzureSession) {
        lock(&self.sessions).keep(scope, session);
    }

    fn usable(
        &self,
        scope: &SessionScope,
        tenant: &str,
        now: time::OffsetDateTime,
    ) -> Option<AzureSession> {
        lock(&self.sessions).usable(scope, tenant, now)
    }
}

/// Waits with tokio's timer; with a cancel signal, a cancel ends the wait at once.
#[derive(Debug)]
pub struct TokioPause(pub Option<watch::Receiver<bool>>);

impl Pause for TokioPause {
    fn pause(
        &self,
        duration: std::time::Duration,
    ) -> assistant_domain::http::BoxFuture<'_, Resume> {
        Box::pin(async move {
            let Some(cancel) = &self.0 else {
                tokio::time::sleep(duration).await;
                return Resume::Go;
            };
            let mut cancel = cancel.clone();
            if *cancel.borrow() {
                return Resume::Cancelled;
            }
            tokio::select! {
                _ = tokio::time::sleep(duration) => Resume::Go,
                changed = cancel.wait_for(|c| *c) => if changed.is_ok() { Resume::Cancelled } else { Resume::Go },
            }
        })
    }
}

/// Runs `az` (`az.cmd` on Windows); its output goes straight to the parser, never to a log.
#[derive(Debug)]
pub struct SystemRunner;

impl CommandRunner for SystemRunner {
    fn run(&self, program: &str, args: &[String]) -> std::io::Result<CommandOutput> {
        let program = if cfg!(windows) {
            format!("{program}.cmd")
        } else {
            program.to_string()
        };
        let out = std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        Ok(CommandOutput::new(out.status.success(), out.stdout, stderr))
    }
}

/// The vault a profile means, and where its sign-in may happen.
#[derive(Debug, Clone)]
pub struct VaultTarget {
    pub profile: Profile,
    pub vault: Url,
    pub trusted: TrustedLogin,
    /// The in-process sandbox, when the vault is that one (for `--sandbox-identity`).
    pub sandbox: Option<assistant_sandbox::Control>,
}

fn url(value: &str) -> Result<Url, AppError> {
    Url::parse(value)
        .map_err(|e| AppError::new(ErrorKind::Internal, format!("sandbox URL {value}: {e}")))
}

/// Sandbox profiles use the sandbox's vault (a running `sandbox serve` first, else the
/// in-process one); test and prod sign in only at Microsoft; custom like its other URLs.
pub async fn target(state: &AppState, profile: &str) -> Result<VaultTarget, AppError> {
    let dir = state.dir.clone();
    let name = profile.to_string();
    let profile = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let from_profile = |profile: &Profile| {
        profile
            .vault_url
            .as_deref()
            .map(url)
            .transpose()?
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("Profile \"{}\" has no Key Vault URL.", profile.name),
                )
                .with_hint(
                    "Set it: profile edit NAME --vault-url https://<vault-name>.vault.azure.net",
                )
            })
    };
    let (vault, trusted, sandbox) = match &profile.environment {
        Environment::Sandbox => {
            if let Some(running) = crate::sandbox::running_now(&state.dir).await {
                (
                    url(&running.key_vault)?,
                    TrustedLogin::Exactly(url(&running.entra)?),
                    None,
                )
            } else {
                state.sandbox.endpoints_for(&state.dir, &profile).await?;
                let info = state.sandbox.info(Some(&profile)).await.ok_or_else(|| {
                    AppError::new(ErrorKind::Internal, "the sandbox did not start")
                })?;
                let control = state.sandbox.control().await;
                (
                    url(&info.key_vault)?,
                    TrustedLogin::Exactly(url(&info.entra)?),
                    control,
                )
            }
        }
        Environment::Test | Environment::Prod => {
            // Checked when the profile is saved; checked again for profiles saved before the rule.
            let vault = from_profile(&profile)?;
            assistant_domain::profile::check_azure_vault_url(vault.as_str())?;
            (vault, TrustedLogin::Microsoft, None)
        }
        Environment::Custom { .. } => {
            (from_profile(&profile)?, TrustedLogin::HttpsOrLoopback, None)
        }
    };
    Ok(VaultTarget {
        profile,
        vault,
        trusted,
        sandbox,
    })
}

/// The vault's challenge: its tenant and a sign-in host the environment trusts.
pub async fn challenge(state: &AppState, target: &VaultTarget) -> Result<Challenge, AppError> {
    let response = state
        .transport()?
        .send(challenge::request(&target.vault))
        .await
        .map_err(SignInError::VaultUnreachable)?;
    let found = challenge::parse(&response)?;
    Ok(challenge::check_trusted(
        &found,
        &target.trusted,
        &target.vault,
    )?)
}

impl VaultTarget {
    /// The key its sign-in is kept under.
    pub fn scope(&self) -> SessionScope {
        SessionScope::new(&self.profile.environment, &self.vault)
    }
}

/// How a sign-in starts: a code to show, or (Azure CLI) done already.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export)]
pub enum VaultLoginStart {
    DeviceCode { prompt: DeviceCodePrompt },
    SignedIn { session: SignInSummary },
}

/// Starts a device-code sign-in (kept pending for `poll_login`) or reuses the Azure CLI's.
pub async fn start_login(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    method: SignInMethod,
    client_id: Option<&str>,
) -> Result<VaultLoginStart, AppError> {
    if method == SignInMethod::AzureCli {
        if target.profile.environment == Environment::Sandbox {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "The sandbox has its own sign-in; the Azure CLI signs in to the real Azure.",
            )
            .with_hint("Use the device code with the sandbox."));
        }
        let (clock, tenant) = (state.clock.clone(), challenge.tenant.clone());
        let session =
            blocking(move || Ok(azcli::sign_in(&SystemRunner, &*clock, Some(&tenant))?)).await?;
        let summary = session.summary();
        state.vault.keep(target.scope(), session);
        return Ok(VaultLoginStart::SignedIn { session: summary });
    }
    let client_id = client_id
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(AZURE_CLI_CLIENT_ID);
    let pending =
        devicecode::start(state.transport()?, &*state.clock, challenge, client_id).await?;
    let prompt = pending.prompt.clone();
    state.vault.cancel.send_replace(false);
    *lock(&state.vault.pending) = Some((target.scope(), pending));
    Ok(VaultLoginStart::DeviceCode { prompt })
}

/// Waits for the pending device-code sign-in (cancellable) and keeps the session.
pub async fn poll_login(state: &AppState) -> Result<SignInSummary, AppError> {
    let (scope, pending) = lock(&state.vault.pending)
        .clone()
        .ok_or(SignInError::NothingPending)?;
    let pause = TokioPause(Some(state.vault.cancel.subscribe()));
    let result = devicecode::wait(state.transport()?, &*state.clock, &pause, &pending).await;
    let mut slot = lock(&state.vault.pending);
    if slot
        .as_ref()
        .is_some_and(|(_, p)| p.prompt.user_code == pending.prompt.user_code)
    {
        *slot = None;
    }
    drop(slot);
    let session = result?;
    let summary = session.summary();
    state.vault.keep(scope, session);
    Ok(summary)
}

/// Cancels a pending sign-in; a `poll_login` that waits returns "cancelled".
pub fn cancel_login(state: &AppState) {
    *lock(&state.vault.pending) = None;
    state.vault.cancel.send_replace(true);
}

/// The window's `start_vault_login`.
pub async fn start_login_for(
    state: &AppState,
    request: StartVaultLoginRequest,
) -> Result<VaultLoginStart, AppError> {
    let target = target(state, &request.profile).await?;
    let challenge = challenge(state, &target).await?;
    let method = request.method.unwrap_or(SignInMethod::DeviceCode);
    start_login(
        state,
        &target,
        &challenge,
        method,
        request.client_id.as_deref(),
    )
    .await
}

/// The session kept for this very vault (and its tenant), or what to do.
pub fn session(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
) -> Result<AzureSession, AppError> {
    state
        .vault
        .usable(&target.scope(), &challenge.tenant, state.clock.now())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "Not signed in to Azure for the vault {} (tenant {}), or the sign-in has expired.",
                    target.vault.origin().ascii_serialization(),
                    challenge.tenant
                ),
            )
            .with_hint("Sign in first (keyvault login, or the Sign in button). A sign-in is kept for one vault only.")
        })
}

fn names_for(
    profile: &Profile,
    key_field: Option<KeyField>,
) -> Result<(SecretNames, Vec<NameWarning>), AppError> {
    names::derive(
        profile.secret_prefix.as_deref(),
        profile.section_name.as_deref(),
        key_field.unwrap_or_default(),
    )
}

/// Said when a read-back finds nothing in the in-process sandbox: it lives as long as one command.
pub const IN_PROCESS_SANDBOX_NOTE: &str = "The built-in sandbox starts empty in each command (keyvault write reads back at once). To keep one vault across commands, leave `sandbox serve` running.";

pub async fn probe_with(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    key_field: Option<KeyField>,
) -> Result<ProbeReport, AppError> {
    let session = session(state, target, challenge)?;
    let (names, warnings) = names_for(&target.profile, key_field)?;
    let env = &target.profile.environment;
    let report = probe::probe(
        state.transport()?,
        &target.vault,
        &session.token,
        &names,
        warnings,
        env,
    )
    .await;
    crate::checklist::vault_probed(state, &target.profile.name, &report);
    Ok(report)
}

async fn load_material(
    state: &AppState,
    profile: &Profile,
) -> Result<material::Material, AppError> {
    let (dir, store, profile) = (state.dir.clone(), state.store.clone(), profile.clone());
    blocking(move || material::load(&dir, &*store, &profile)).await
}

pub async fn write_with(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    request: &WriteVaultRequest,
) -> Result<WriteReport, AppError> {
    let session = session(state, target, challenge)?;
    let (names, warnings) = names_for(&target.profile, request.key_field)?;
    let material = load_material(state, &target.profile).await?;
    let created_by = concat!("maskinporten-assistant/", env!("CARGO_PKG_VERSION"));
    // The sandbox's vault is on this machine; any other asks before its first private key.
    let new_vault = target.profile.environment != Environment::Sandbox
        && !known::written_before(&state.dir, &target.vault)?;
    let write = WriteRequest {
        vault: &target.vault,
        token: &session.token,
        names: &names,
        warnings,
        material: &material,
        confirmed: request.confirmed,
        new_vault,
        deleted_action: request.deleted_action,
        created_by,
    };
    let report = write::write(state.transport()?, &TokioPause(None), write)
        .await
        .map_err(|e| explain::to_app_error(&e, &target.profile.environment))?;
    if report.outcome == write::WriteOutcome::Written {
        known::remember(&state.dir, &target.vault)?;
    }
    crate::checklist::vault_written(state, &target.profile.name, &report);
    Ok(report)
}

pub async fn verify_with(
    state: &AppState,
    target: &VaultTarget,
    challenge: &Challenge,
    key_field: Option<KeyField>,
) -> Result<VerifyReport, AppError> {
    let session = session(state, target, challenge)?;
    let (names, _) = names_for(&target.profile, key_field)?;
    let material = load_material(state, &target.profile).await?;
    let report = verify::verify(
        state.transport()?,
        &target.vault,
        &session.token,
        &names,
        &material,
    )
    .await
    .map_err(|e| explain::to_app_error(&e, &target.profile.environment))?;
    crate::checklist::vault_verified(state, &target.profile.name, &report);
    Ok(report)
}

/// After a rotation: every version of the profile's key secret but `keep` is disabled (signed
/// in already: the rotation wrote `keep` in this session). Returns the versions disabled.
pub async fn disable_other_key_versions(
    state: &AppState,
    profile: &str,
    keep: &str,
) -> Result<Vec<String>, AppError> {
    let target = target(state, profile).await?;
    let challenge = challenge(state, &target).await?;
    let session = session(state, &target, &challenge)?;
    let (names, _) = names_for(&target.profile, None)?;
    assistant_domain::keyvault::versions::disable_all_but(
        state.transport()?,
        &target.vault,
        &session.token,
        &names.key,
        keep,
    )
    .await
    .map_err(|e| explain::to_app_error(&e, &target.profile.environment))
}

/// The window's `probe_vault`, `write_vault_secrets` and `verify_vault_secrets`.
pub async fn probe(state: &AppState, request: VaultRequest) -> Result<ProbeReport, AppError> {
    let target = target(state, &request.profile).await?;
    let challenge = challenge(state, &target).await?;
    probe_with(state, &target, &challenge, request.key_field).await
}

pub async fn write(state: &AppState, request: WriteVaultRequest) -> Result<WriteReport, AppError> {
    let target = target(state, &request.profile).await?;
    let challenge = challenge(state, &target).await?;
    write_with(state, &target, &challenge, &request).await
}

pub async fn verify(state: &AppState, request: VaultRequest) -> Result<VerifyReport, AppError> {
    let target = target(state, &request.profile).await?;
    let challenge = challenge(state, &target).await?;
    verify_with(state, &target, &challenge, request.key_field).await
}

#[cfg(test)]
mod tests;
