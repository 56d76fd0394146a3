//! `key rotate`: the rotation flow from the command line, resumable (run it again to continue),
//! and `key list --expiring` for a scheduled job.

use assistant_domain::rotation::{Step, StepState};
use assistant_domain::{AppError, ErrorKind, inventory};
use clap::Args;

use super::keyvault::{Common, FieldArg, sign_in};
use super::output::Output;
use crate::AppState;
use crate::keyvault as vault_flows;
use crate::rotation::{self, RotateRequest, RotationView};

#[derive(Debug, Args)]
pub struct RotateArgs {
    #[arg(long)]
    profile: String,
    /// Test and prod: the profile of the organisation's self-service admin client
    /// (idporten:dcr.read + idporten:dcr.write). Without it, the keys are changed in
    /// Samarbeidsportalen and the tool checks each change with a token.
    #[arg(long, value_name = "PROFILE")]
    via: Option<String>,
    /// App A was redeployed since the new key went to Key Vault: prove it, then remove the old key.
    #[arg(long)]
    redeployed: bool,
    /// Run one step, then stop (run again for the next).
    #[arg(long)]
    step: bool,
    /// Size of the new key.
    #[arg(long, default_value_t = 2048)]
    bits: u32,
    #[command(flatten)]
    vault: VaultSignIn,
}

/// The Key Vault sign-in of `key rotate` and `key check`, as `keyvault` commands take it.
#[derive(Debug, Args)]
struct VaultSignIn {
    /// Key Vault sign-in with a device code (always so in the sandbox).
    #[arg(long, conflicts_with = "azure_cli")]
    device_code: bool,
    /// Key Vault sign-in reusing `az login`.
    #[arg(long)]
    azure_cli: bool,
    /// Sandbox rehearsal only: approve the Key Vault device code as this sandbox identity.
    #[arg(long, value_name = "UPN")]
    sandbox_identity: Option<String>,
}

impl VaultSignIn {
    async fn sign_in(&self, state: &AppState, profile: &str) -> Result<(), AppError> {
        let common = Common {
            profile: profile.to_string(),
            device_code: self.device_code,
            azure_cli: self.azure_cli,
            client_id: None,
            sandbox_identity: self.sandbox_identity.clone(),
            key_field: FieldArg::EncodedJwk,
        };
        let target = vault_flows::target(state, profile).await?;
        let challenge = vault_flows::challenge(state, &target).await?;
        sign_in(state, &target, &challenge, &common).await?;
        Ok(())
    }
}

/// The sandbox always has a vault; another environment when the profile names one.
fn has_vault(profile: &assistant_domain::profile::Profile) -> bool {
    profile.environment == assistant_domain::profile::Environment::Sandbox
        || profile.vault_url.is_some()
}

pub fn run(args: RotateArgs, state: &AppState) -> Result<Output, AppError> {
    super::block(state, run_async(args, state))
}

/// Whether this run will touch Key Vault: then it signs in first (the write, the disabling).
fn needs_vault(
    state: &AppState,
    args: &RotateArgs,
    view: Option<&RotationView>,
) -> Result<bool, AppError> {
    let profile = inventory::show_profile(&state.dir, &args.profile)?;
    let next = view
        .and_then(|v| v.rotation.next())
        .unwrap_or(Step::Generate);
    let vault_written = view.is_some_and(|v| v.rotation.vault_version.is_some());
    Ok(has_vault(&profile)
        && match next {
            Step::Generate | Step::AddToClient | Step::ProveNewKey | Step::WriteVault => true,
            Step::Redeploy => args.redeployed && vault_written,
            Step::RemoveOld => vault_written,
        })
}

async fn run_async(args: RotateArgs, state: &AppState) -> Result<Output, AppError> {
    let before = rotation::status(state, &args.profile).await?;
    if needs_vault(state, &args, before.as_ref())? {
        args.vault.sign_in(state, &args.profile).await?;
    }
    let request = RotateRequest {
        profile: args.profile.clone(),
        via: args.via.clone(),
        redeployed: args.redeployed,
        bits: Some(args.bits),
        one_step: args.step,
    };
    let view = rotation::advance(state, &request).await?;
    let text = render(&view, &args.profile);
    let json = serde_json::to_value(&view)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let failed = view
        .rotation
        .steps
        .iter()
        .find(|s| s.state == StepState::Failed);
    match failed {
        Some(step) => {
            let words = step
                .detail
                .as_ref()
                .map(|d| d.en.clone())
                .unwrap_or_default();
            let error = AppError::new(ErrorKind::Server, format!("Rotation step \"{}\" failed: {words}", step.step.title().en))
                .with_hint(format!("Fix it, then run `maskinporten-assistant key rotate --profile {}` again to continue.", args.profile));
            Ok(Output::failed(json, text, error))
        }
        None => Output::from_json(json, text),
    }
}

fn render(view: &RotationView, profile: &str) -> String {
    let r = &view.rotation;
    let mut text = format!(
        "Key rotation for {} (started {}): {} → {}\n",
        r.profile,
        r.started,
        r.old_kid,
        r.new_kid.as_deref().unwrap_or("(new key not made yet)")
    );
    for (record, title) in r.steps.iter().zip(&view.titles) {
        let mark = match record.state {
            StepState::Done => "[x]",
            StepState::Skipped => "[-]",
            StepState::Waiting => "[…]",
            StepState::Failed => "[!]",
            StepState::Todo => "[ ]",
        };
        text.push_str(&format!("{mark} {}", title.en));
        if let Some(detail) = &record.detail {
            text.push_str(&format!("\n      {}", detail.en));
        }
        text.push('\n');
    }
    if !r.client_keys.is_empty() {
        let kids: Vec<&str> = r.client_keys.iter().map(|k| k.kid.as_str()).collect();
        text.push_str(&format!("Keys on the client now: {}\n", kids.join(", ")));
    }
    match (r.finished.as_deref(), view.stopped_at) {
        (Some(at), _) => text.push_str(&format!("Rotation finished {at}. The report lists it.")),
        (None, Some(Step::Redeploy)) => text.push_str(&format!(
            "Next: redeploy app A, then run `maskinporten-assistant key rotate --profile {profile} --redeployed`."
        )),
        (None, _) => text.push_str(&format!(
            "Next: do what the step says, then run `maskinporten-assistant key rotate --profile {profile}` again."
        )),
    }
    text
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long)]
    profile: String,
    /// Test and prod: the self-service admin client's profile, to read the client's keys.
    #[arg(long, value_name = "PROFILE")]
    via: Option<String>,
    #[command(flatten)]
    vault: VaultSignIn,
    /// Do not sign in to Key Vault: probe the client's keys and the rotation only.
    #[arg(long)]
    no_vault: bool,
}

pub fn check(args: CheckArgs, state: &AppState) -> Result<Output, AppError> {
    super::block(state, check_async(args, state))
}

async fn check_async(args: CheckArgs, state: &AppState) -> Result<Output, AppError> {
    let profile = inventory::show_profile(&state.dir, &args.profile)?;
    if has_vault(&profile) && !args.no_vault {
        args.vault.sign_in(state, &args.profile).await?;
    }
    let report = rotation::check(state, &args.profile, args.via.as_deref()).await?;
    let mut text = format!(
        "Looked at: {}.",
        if report.looked_at.is_empty() {
            "nothing (give --via for the client's keys, sign in for the vault)".to_string()
        } else {
            report.looked_at.join(", ")
        }
    );
    if !report.client_keys.is_empty() {
        let kids: Vec<&str> = report.client_keys.iter().map(|k| k.kid.as_str()).collect();
        text.push_str(&format!("\nKeys on the client: {}", kids.join(", ")));
    }
    if let Some(kid) = &report.vault_kid {
        text.push_str(&format!("\nKey in Key Vault: {kid}"));
    }
    for finding in &report.findings {
        text.push_str(&format!(
            "\n✗ {}\n  {}\n  What to do: {}",
            finding.title.en, finding.explanation.en, finding.fix.en
        ));
    }
    let json = serde_json::to_value(&report)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    match report.findings.first() {
        None => {
            text.push_str("\n✓ No problem found.");
            Output::from_json(json, text)
        }
        Some(first) => {
            let error = AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} problem(s) with the keys: {}",
                    report.findings.len(),
                    first.title.en
                ),
            )
            .with_hint(first.fix.en.clone());
            Ok(Output::failed(json, text, error))
        }
    }
}
