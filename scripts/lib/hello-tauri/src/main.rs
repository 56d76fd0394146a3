// A hello-world Tauri v2 window: the reference the bench compares Maskinporten Assistant's window to.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the hello window runs");
}
