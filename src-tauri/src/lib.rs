//! Wiring only: the state, the plugins and the command list. Commands live in `commands/`, the
//! CLI in `cli/`, and every decision in the domain crate.

mod blocking;
mod checklist;
mod cli;
mod clipboard;
mod commands;
mod flows;
mod grants;
mod instances;
mod keyvault;
mod sandbox;
mod state;

use std::process::ExitCode;

use assistant_domain::error::{AppError, ErrorKind};
use clap::Parser;

pub use state::AppState;

/// The console program on Windows (`maskinporten-assistant.com`, see `bin/console.rs`): a
/// subcommand runs the CLI with the terminal's stdout, stderr and exit code; none starts the
/// window program beside it (`maskinporten-assistant.exe`) and returns at once, as a window
/// opened from a terminal does on Linux.
pub fn console_entry() -> ExitCode {
    const WINDOW_EXE: &str = "maskinporten-assistant.exe";
    let args = cli::Cli::parse();
    if args.command.is_some() {
        return run(args);
    }
    // Named in full: the console program under its build name must not start itself.
    let window = std::env::current_exe().map(|exe| exe.with_file_name(WINDOW_EXE));
    let started = window
        .as_ref()
        .map_err(|error| error.to_string())
        .and_then(|exe| {
            std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .spawn()
                .map_err(|error| format!("{}: {error}", exe.display()))
        });
    match started {
        Ok(_) => ExitCode::SUCCESS,
        Err(detail) => cli::output::fail(
            args.json,
            &AppError::new(
                ErrorKind::Internal,
                format!("Could not start the window program ({detail})."),
            )
            .with_hint("Reinstall Maskinporten Assistant, or run a subcommand (see --help)."),
        ),
    }
}

/// Parses the command line: a subcommand runs the CLI, none opens the window.
pub fn main_entry() -> ExitCode {
    run(cli::Cli::parse())
}

fn run(args: cli::Cli) -> ExitCode {
    let dir = match assistant_domain::datadir::DataDir::resolve(args.data_dir.clone()) {
        Ok(dir) => dir,
        Err(error) => return cli::output::fail(args.json, &error.into()),
    };
    // Profiles, history, reports and bulk results (national identity numbers) are the person's
    // own: a folder left open by an older version is closed up.
    dir.tighten();
    match args.command {
        Some(command) => cli::run(command, args.json, AppState::new(dir)),
        None => run_window(AppState::new(dir)),
    }
}

fn run_window(state: AppState) -> ExitCode {
    use tauri::Manager;
    let result = tauri::Builder::default()
        // Rust opens the dialogs (commands::dialogs); the page has no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(instances::bulk::BulkJobs::default())
        .manage(grants::PathGrants::default())
        .invoke_handler(tauri::generate_handler![
            commands::app::get_app_info,
            commands::dialogs::choose_path,
            commands::appconfig::check_app_config,
            commands::profiles::list_profiles,
            commands::profiles::save_profile,
            commands::profiles::delete_profile,
            commands::keys::list_keys,
            commands::keys::generate_key,
            commands::keys::export_public_key,
            commands::keys::save_public_key,
            commands::keys::import_key,
            commands::keys::delete_key,
            commands::chain::run_token_test,
            commands::chain::copy_token,
            commands::keyvault::start_vault_login,
            commands::keyvault::poll_vault_login,
            commands::keyvault::cancel_vault_login,
            commands::keyvault::probe_vault,
            commands::keyvault::write_vault_secrets,
            commands::keyvault::verify_vault_secrets,
            commands::sandbox::get_sandbox_info,
            commands::sandbox::register_sandbox_key,
            commands::sandbox::get_wire_log,
            commands::instances::get_app_overview,
            commands::instances::create_instance,
            commands::instances::show_instance,
            commands::instances::update_instance_data,
            commands::instances::advance_instance,
            commands::instances::save_receipt,
            commands::instances::delete_instances,
            commands::instances::start_bulk,
            commands::instances::steer_bulk,
            commands::instances::list_history,
            commands::checklist::get_checklist,
            commands::checklist::mark_step,
            commands::checklist::list_activity,
            commands::checklist::save_report,
        ])
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    let state = handle.state::<AppState>();
                    state
                        .copied
                        .clear_on_exit(&clipboard::SystemClipboard(handle));
                }
            });
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cli::output::to_stderr(&format!("error: the window could not be opened: {error}"));
            ExitCode::FAILURE
        }
    }
}
