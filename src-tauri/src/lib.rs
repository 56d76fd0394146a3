//! The window: Tauri's wiring, the plugins and the command list, and the adapters in `commands/`.
//! Every flow and decision lives in `assistant_app` (Tauri-free) and `assistant_domain`.

mod clipboard;
mod commands;

use std::process::ExitCode;

use assistant_app::{AppState, cli};
use clap::Parser;

/// `maskinporten-assistant-window`: opens the window. Given a subcommand (someone typed the
/// window program's name) it runs it like the command-line program does.
pub fn main_entry() -> ExitCode {
    let args = cli::Cli::parse();
    if args.command.is_some() {
        return assistant_app::run_cli(args);
    }
    match assistant_app::open_data_dir(&args) {
        Ok(dir) => run_window(AppState::new(dir)),
        Err(error) => cli::output::fail(args.json, &error),
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
        .manage(assistant_app::instances::bulk::BulkJobs::default())
        .manage(assistant_app::grants::PathGrants::default())
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
            commands::keys::get_rotation,
            commands::keys::rotate_key,
            commands::keys::check_keys,
            commands::keys::upload_key,
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
            commands::sandbox::start_rehearsal,
            commands::instances::get_app_overview,
            commands::instances::create_instance,
            commands::instances::show_instance,
            commands::instances::update_instance_data,
            commands::instances::advance_instance,
            commands::instances::save_receipt,
            commands::instances::delete_instances,
            commands::instances::start_bulk,
            commands::instances::steer_bulk,
            commands::instances::list_made_here,
            commands::checklist::get_checklist,
            commands::checklist::mark_step,
            commands::checklist::choose_route,
            commands::checklist::list_activity,
            commands::checklist::save_report,
            commands::systemuser::system_user_scopes,
            commands::systemuser::register_system,
            commands::systemuser::request_system_user,
            commands::systemuser::get_system_user_request,
            commands::systemuser::list_system_user_requests,
            commands::systemuser::check_app_b_for_system_users,
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
