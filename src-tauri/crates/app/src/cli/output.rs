//! How the CLI prints: human text, or `--json` for scripts. Errors use the boundary shape.
//!
//! Every line goes through [`to_stdout`] or [`to_stderr`], never `println!`/`eprintln!`, which
//! panic when the other end of a pipe is gone (`… | head`, `2>&1 >out | true`). A write that
//! fails is remembered and the command exits 1: the person's script learns that not everything
//! was delivered.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use assistant_domain::AppError;
use serde::Serialize;

/// A result in both forms; the caller picks by `--json`.
#[derive(Debug)]
pub struct Output {
    json: serde_json::Value,
    text: String,
    /// A result worth printing that still means failure (a token chain that broke): printed
    /// like a success, with the error added, and the exit code is 1.
    error: Option<AppError>,
}

impl Output {
    pub fn new<T: Serialize>(value: &T, text: impl Into<String>) -> Result<Self, AppError> {
        let json = serde_json::to_value(value).map_err(|e| {
            AppError::new(
                assistant_domain::ErrorKind::Internal,
                format!("could not encode the result: {e}"),
            )
        })?;
        Ok(Self {
            json,
            text: text.into(),
            error: None,
        })
    }

    pub fn from_json(json: serde_json::Value, text: impl Into<String>) -> Result<Self, AppError> {
        Ok(Self {
            json,
            text: text.into(),
            error: None,
        })
    }

    /// A report that is also a failure: `--json` gets the report with `"error"` added.
    pub fn failed(mut json: serde_json::Value, text: impl Into<String>, error: AppError) -> Self {
        if let Some(object) = json.as_object_mut() {
            object.insert(
                "error".into(),
                serde_json::to_value(&error).unwrap_or_default(),
            );
        }
        Self {
            json,
            text: text.into(),
            error: Some(error),
        }
    }
}

/// Set when a write to stdout or stderr failed (a closed pipe).
static UNDELIVERED: AtomicBool = AtomicBool::new(false);

fn write_line(mut to: impl Write, text: &str, newline: bool) {
    let written = if newline {
        writeln!(to, "{text}")
    } else {
        write!(to, "{text}")
    }
    .and_then(|()| to.flush());
    if written.is_err() {
        UNDELIVERED.store(true, Ordering::SeqCst);
    }
}

/// A line on stdout.
pub fn to_stdout(text: &str) {
    write_line(std::io::stdout().lock(), text, true);
}

/// A line on stderr (progress, prompts, errors in text mode).
pub fn to_stderr(text: &str) {
    write_line(std::io::stderr().lock(), text, true);
}

/// Text on stderr without a line break (a progress line redrawn with `\r`, a prompt).
pub fn to_stderr_inline(text: &str) {
    write_line(std::io::stderr().lock(), text, false);
}

/// The exit code, made 1 when something could not be written.
pub fn exit_code(code: ExitCode) -> ExitCode {
    if UNDELIVERED.load(Ordering::SeqCst) {
        ExitCode::FAILURE
    } else {
        code
    }
}

pub fn succeed(json: bool, out: Output) -> ExitCode {
    let printed = if json {
        serde_json::to_string_pretty(&out.json).unwrap_or_default()
    } else {
        out.text
    };
    to_stdout(&printed);
    let code = match out.error {
        None => ExitCode::SUCCESS,
        Some(error) => {
            if !json {
                to_stderr(&format!("error: {}", error.message));
                if let Some(hint) = &error.hint {
                    to_stderr(&format!("hint:  {hint}"));
                }
            }
            ExitCode::FAILURE
        }
    };
    exit_code(code)
}

pub fn fail(json: bool, error: &AppError) -> ExitCode {
    if json {
        let body = serde_json::json!({ "error": error });
        to_stdout(&serde_json::to_string_pretty(&body).unwrap_or_default());
    } else {
        to_stderr(&format!("error: {}", error.message));
        if let Some(hint) = &error.hint {
            to_stderr(&format!("hint:  {hint}"));
        }
    }
    ExitCode::FAILURE
}

/// Asks on the terminal; without one (scripts, CI) the answer is no, so nothing is lost.
pub fn confirm_on_terminal(question: &str) -> bool {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return false;
    }
    to_stderr_inline(&format!("{question} [y/N] "));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes" | "ja" | "j")
}
