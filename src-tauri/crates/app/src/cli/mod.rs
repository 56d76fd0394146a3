//! The headless command line: the same domain functions as the window, for testers who script
//! runs and for tests. Every subcommand takes `--json`; the exit code is 0 only on success.

mod chain;
mod checklist;
mod config;
mod instances;
mod keys;
mod keyvault;
pub mod output;
mod profiles;
mod rotate;
mod sandbox;
mod system;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::AppState;
use output::Output;

#[derive(Debug, Parser)]
#[command(
    name = "maskinporten-assistant",
    bin_name = "maskinporten-assistant",
    version,
    about = "Set up and prove the Maskinporten → Altinn chain for an Altinn 3 multi-app solution.",
    long_about = "Without a subcommand the window opens. With one, it runs headless.\n\
                  Private keys live in the OS keychain; nothing secret is written to files."
)]
pub struct Cli {
    /// Where profiles and the key index are kept (default: the platform's data folder).
    #[arg(long, global = true, env = assistant_domain::datadir::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON (errors too, as {kind, message, hint}).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Signing keys: generate, list, export the public part, import, delete.
    #[command(subcommand)]
    Key(keys::KeyCommand),
    /// Profiles: environment, organisation, client id, scopes, apps, key, vault and secret names.
    #[command(subcommand)]
    Profile(profiles::ProfileCommand),
    /// Get a Maskinporten token for a profile, verify it and explain any failure.
    Token(chain::ChainArgs),
    /// Token, then the exchange to an Altinn token: the whole chain in one call.
    Exchange(chain::ChainArgs),
    /// App B at a glance: data types, which is the form, party types, prefill keys.
    AppInfo(instances::Target),
    /// Create an instance of app B (template, prefill pairs, or data files).
    Instantiate(instances::InstantiateArgs),
    /// Follow up an instance: show, update data, process next, receipt, delete.
    #[command(subcommand)]
    Instance(instances::InstanceCommand),
    /// Create many instances from a CSV of owners, with a results CSV.
    Bulk(instances::BulkArgs),
    /// Azure Key Vault: sign in, probe access, write the client id and key, read them back.
    #[command(subcommand, name = "keyvault")]
    KeyVault(keyvault::KeyVaultCommand),
    /// App configuration: which Maskinporten path an app is on, what is wrong, what to paste.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// The built-in sandbox: serve it standalone, or register a profile's key on it.
    Sandbox(sandbox::SandboxArgs),
    /// The vendor's system in Altinn's system register (the system-user path).
    #[command(subcommand)]
    System(system::SystemCommand),
    /// System-user requests to customers: send one, follow its status, list them.
    #[command(subcommand, name = "systemuser")]
    SystemUser(system::SystemUserCommand),
    /// The guided checklist: each step's state for a profile; mark steps done outside the tool.
    Checklist(checklist::ChecklistArgs),
    /// Save the shareable HTML report: steps, kid and thumbprint, decoded claims, instance ids.
    Report(checklist::ReportArgs),
    /// Version, data folder and keychain namespace of this installation.
    Info,
}

pub fn run(command: Command, json: bool, state: AppState) -> ExitCode {
    let result = match command {
        Command::Key(command) => keys::run(command, json, &state),
        Command::Profile(command) => profiles::run(command, &state),
        Command::Token(args) => chain::run(args, false, &state),
        Command::Exchange(args) => chain::run(args, true, &state),
        Command::AppInfo(target) => instances::app_info(target, &state),
        Command::Instantiate(args) => instances::instantiate(args, &state),
        Command::Instance(command) => instances::instance(command, &state),
        Command::Bulk(args) => instances::run_bulk(args, json, &state),
        Command::KeyVault(command) => keyvault::run(command, &state),
        Command::Config(command) => config::run(command, &state),
        Command::Sandbox(command) => sandbox::run(command, json, &state),
        Command::Checklist(args) => checklist::run(args, &state),
        Command::Report(args) => checklist::report(args, &state),
        Command::System(command) => system::run(command, &state),
        Command::SystemUser(command) => system::run_systemuser(command, &state),
        Command::Info => {
            let info = assistant_domain::about::app_info(&state.dir, env!("CARGO_PKG_VERSION"));
            let text = format!(
                "version          {}\ndata folder      {}\nkeychain service {}\nbuild            {}",
                info.version, info.data_dir, info.keychain_service, info.build_profile
            );
            Output::new(&info, text)
        }
    };
    match result {
        Ok(out) => output::succeed(json, out),
        Err(error) => output::fail(json, &error),
    }
}

/// Runs async work for one command: a runtime of its own, and the built-in sandbox (when the
/// command started one) stopped before the process ends.
pub(crate) fn block<T>(
    state: &AppState,
    work: impl std::future::Future<Output = Result<T, assistant_domain::AppError>>,
) -> Result<T, assistant_domain::AppError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| {
        assistant_domain::AppError::new(assistant_domain::ErrorKind::Internal, e.to_string())
    })?;
    runtime.block_on(async {
        let result = work.await;
        state.sandbox.shutdown().await;
        result
    })
}
