//! `sandbox`: run the built-in emulators standalone (for Postman, curl or another tool), and
//! `sandbox register`: rehearse the portal step for a profile.

use assistant_domain::{AppError, inventory};
use clap::{Args, Subcommand};

use super::output::Output;
use crate::AppState;

/// `sandbox` alone serves, as `sandbox serve` does.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SandboxArgs {
    #[command(subcommand)]
    command: Option<SandboxCommand>,
    /// Seed a client for this profile's organisation and client id (when serving).
    #[arg(long)]
    profile: Option<String>,
    /// App B's metadata and policy from this JSON file instead of the built-in app (when serving).
    #[arg(long, value_name = "FILE")]
    app_b: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Start the sandbox, print its base URLs and serve until Ctrl-C.
    Serve {
        /// Seed a client for this profile's organisation and client id.
        #[arg(long)]
        profile: Option<String>,
        /// App B's metadata and policy from this JSON file instead of the built-in app (its
        /// template policy lets the owner instantiate, read, write and complete, not delete).
        #[arg(long, value_name = "FILE")]
        app_b: Option<std::path::PathBuf>,
        /// App B answers every request after this many milliseconds, as over a slow network
        /// (to rehearse bulk runs and timeouts).
        #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=120_000))]
        latency: Option<u64>,
    },
    /// Register the profile's public key and scopes on its sandbox client (the portal step).
    Register {
        #[arg(long)]
        profile: String,
    },
}

pub fn run(args: SandboxArgs, json: bool, state: &AppState) -> Result<Output, AppError> {
    let command = args.command.unwrap_or(SandboxCommand::Serve {
        profile: args.profile,
        app_b: args.app_b,
        latency: None,
    });
    match command {
        SandboxCommand::Register { profile } => {
            let profile = inventory::show_profile(&state.dir, &profile)?;
            let registration = crate::sandbox::register(&state.dir, &profile)?;
            super::block(
                state,
                crate::sandbox::push_to_running(&state.dir, &registration, state.transport()?),
            )?;
            // Registration fills in organisation, client and scopes, never the key.
            crate::checklist::client_registered(state, &profile, &registration.client_id);
            let kids: Vec<&str> = registration
                .keys
                .iter()
                .filter_map(|k| k["kid"].as_str())
                .collect();
            let text = format!(
                "Sandbox client {} now has keys {} and scopes {}.",
                registration.client_id,
                kids.join(", "),
                registration.scopes.join(" ")
            );
            Output::new(&registration, text)
        }
        SandboxCommand::Serve {
            profile,
            app_b,
            latency,
        } => {
            let profile = profile
                .map(|p| inventory::show_profile(&state.dir, &p))
                .transpose()?;
            super::block(state, async {
                let sandbox =
                    crate::sandbox::start_with_app(&state.dir, profile.as_ref(), app_b.as_deref())
                        .await?;
                if let Some(ms) = latency.filter(|ms| *ms > 0) {
                    sandbox.control().inject_fault(assistant_sandbox::Fault {
                        service: assistant_sandbox::Service::Apps,
                        path_prefix: None,
                        kind: assistant_sandbox::FaultKind::Latency(
                            std::time::Duration::from_millis(ms),
                        ),
                        schedule: assistant_sandbox::FaultSchedule::Fraction {
                            numerator: 1,
                            denominator: 1,
                        },
                    });
                }
                crate::sandbox::announce_running(&state.dir, &sandbox)?;
                let urls = sandbox.urls().clone();
                let client = crate::sandbox::client_of(profile.as_ref());
                let app_id = match &app_b {
                    Some(path) => assistant_sandbox::AppDefinition::from_json_file(path)
                        .map(|d| d.app_id())
                        .unwrap_or_default(),
                    None => format!(
                        "{}/{}",
                        assistant_sandbox::defaults::APP_ORG,
                        assistant_sandbox::defaults::APP_NAME
                    ),
                };
                let body = serde_json::json!({ "urls": urls, "clientId": client, "appB": app_id });
                let printed = if json {
                    serde_json::to_string(&body).unwrap_or_default()
                } else {
                    format!(
                        "Sandbox running (Ctrl-C stops it):\n  Maskinporten   {}\n  Altinn         {}\n  Apps (app B)   {}/{app_id}/\n  Key Vault      {}\n  Entra ID       {}\n  Request log    {}_sandbox/log (with the X-Sandbox-Secret header: the \"secret\" in {})\nClient id {client}. Other commands with a sandbox profile use this sandbox while it runs.",
                        urls.maskinporten,
                        urls.altinn_platform,
                        urls.apps,
                        urls.key_vault,
                        urls.entra,
                        urls.maskinporten,
                        state.dir.file(crate::sandbox::RUNNING_FILE).display()
                    )
                };
                super::output::to_stdout(&printed);
                let _ = tokio::signal::ctrl_c().await;
                crate::sandbox::withdraw_running(&state.dir);
                sandbox.shutdown().await;
                Output::new(&serde_json::json!({ "stopped": true }), "Sandbox stopped.")
            })
        }
    }
}
