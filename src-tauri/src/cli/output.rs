//! How the CLI prints: human text, or `--json` for scripts. Errors use the boundary shape.

use std::io::Write;
use std::process::ExitCode;

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

pub fn succeed(json: bool, out: Output) -> ExitCode {
    let printed = if json {
        serde_json::to_string_pretty(&out.json).unwrap_or_default()
    } else {
        out.text
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not our failure to report.
    let _ = writeln!(stdout, "{printed}");
    drop(stdout);
    match out.error {
        None => ExitCode::SUCCESS,
        Some(error) => {
            if !json {
                eprintln!("error: {}", error.message);
                if let Some(hint) = &error.hint {
                    eprintln!("hint:  {hint}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

pub fn fail(json: bool, error: &AppError) -> ExitCode {
    if json {
        let body = serde_json::json!({ "error": error });
        println!(
            "{}",
            serde_json::to_string_pretty(&body).unwrap_or_default()
        );
    } else {
        eprintln!("error: {}", error.message);
        if let Some(hint) = &error.hint {
            eprintln!("hint:  {hint}");
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
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes" | "ja" | "j")
}
