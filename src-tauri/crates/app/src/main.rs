//! `maskinporten-assistant`: every subcommand runs here, headless; with none it starts the window
//! program installed beside it. No GUI library is linked (see the crate's Cargo.toml).

fn main() -> std::process::ExitCode {
    assistant_app::headless_main()
}
