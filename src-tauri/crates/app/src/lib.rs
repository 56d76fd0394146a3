//! Maskinporten Assistant without the window: the state every action gets, the flows that combine
//! domain steps, and the command line. The window crate (`src-tauri`) adds only Tauri adapters.
//! Nothing here links GTK or WebKitGTK, so the command line runs on servers and CI runners.

pub mod blocking;
pub mod checklist;
pub mod cli;
pub mod clipboard;
pub mod flows;
pub mod grants;
pub mod instances;
pub mod keyvault;
pub mod rehearsal;
pub mod rotation;
pub mod sandbox;
mod state;
pub mod systemuser;
pub mod tokens;

use std::process::ExitCode;

use assistant_domain::datadir::DataDir;
use assistant_domain::error::{AppError, ErrorKind};
use clap::Parser;

pub use state::AppState;

/// The window program's file name, installed beside the command-line one.
pub const WINDOW_PROGRAM: &str = "maskinporten-assistant-window";

/// The command people type: a subcommand runs here; none starts the window program beside this
/// one with the same arguments (and, on Unix, becomes it, so the shell waits for the window as
/// before).
pub fn headless_main() -> ExitCode {
    let args = cli::Cli::parse();
    if args.command.is_some() {
        return run_cli(args);
    }
    let json = args.json;
    match open_window() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => cli::output::fail(json, &error),
    }
}

/// Runs the parsed command line's subcommand; `args.command` must be set.
pub fn run_cli(args: cli::Cli) -> ExitCode {
    let json = args.json;
    let dir = match open_data_dir(&args) {
        Ok(dir) => dir,
        Err(error) => return cli::output::fail(json, &error),
    };
    match args.command {
        Some(command) => cli::run(command, json, AppState::new(dir)),
        None => cli::output::fail(
            json,
            &AppError::new(ErrorKind::InvalidInput, "No subcommand was given.")
                .with_hint("See --help for the list."),
        ),
    }
}

/// The data folder the command line names (or the platform's), closed up to its owner: profiles,
/// history, reports and bulk results (national identity numbers) are the person's own, and a
/// folder left open by an older version is tightened.
pub fn open_data_dir(args: &cli::Cli) -> Result<DataDir, AppError> {
    let dir = DataDir::resolve(args.data_dir.clone())?;
    dir.tighten();
    Ok(dir)
}

fn open_window() -> Result<(), AppError> {
    let program = format!("{WINDOW_PROGRAM}{}", std::env::consts::EXE_SUFFIX);
    let not_here = |detail: String| {
        AppError::new(
            ErrorKind::NotFound,
            format!("The window program could not be started ({detail})."),
        )
        .with_hint(format!(
            "Install the desktop package, which puts {program} beside this command, or run a \
             subcommand (see --help): every one of them works without the window."
        ))
    };
    let exe = std::env::current_exe()
        .map_err(|error| not_here(error.to_string()))?
        .with_file_name(&program);
    if !exe.is_file() {
        return Err(not_here(format!("{} is missing", exe.display())));
    }
    let mut command = std::process::Command::new(&exe);
    command.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only returns on failure.
        let error = command.exec();
        Err(not_here(format!("{}: {error}", exe.display())))
    }
    #[cfg(not(unix))]
    {
        // A window opened from cmd returns the prompt at once, as Windows programs do.
        command
            .spawn()
            .map(drop)
            .map_err(|error| not_here(format!("{}: {error}", exe.display())))
    }
}
