//! Lists the app's commands so Tauri generates a permission per command; `capabilities/` grants them.

const COMMANDS: &[&str] = &[
    "get_app_info",
    "choose_path",
    "check_app_config",
    "list_profiles",
    "save_profile",
    "delete_profile",
    "list_keys",
    "generate_key",
    "export_public_key",
    "save_public_key",
    "import_key",
    "delete_key",
    "get_rotation",
    "rotate_key",
    "check_keys",
    "upload_key",
    "run_token_test",
    "copy_token",
    "start_vault_login",
    "poll_vault_login",
    "cancel_vault_login",
    "probe_vault",
    "write_vault_secrets",
    "verify_vault_secrets",
    "get_sandbox_info",
    "register_sandbox_key",
    "get_wire_log",
    "start_rehearsal",
    "get_app_overview",
    "create_instance",
    "show_instance",
    "update_instance_data",
    "advance_instance",
    "save_receipt",
    "delete_instances",
    "start_bulk",
    "steer_bulk",
    "list_made_here",
    "get_checklist",
    "mark_step",
    "choose_route",
    "list_activity",
    "save_report",
    "system_user_scopes",
    "register_system",
    "request_system_user",
    "get_system_user_request",
    "list_system_user_requests",
    "check_app_b_for_system_users",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // build scripts report through cargo; there is no one else to tell
        println!("cargo::error=tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
