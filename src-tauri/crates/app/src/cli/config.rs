//! `config check` and `config snippet`: which Maskinporten path an Altinn app is on, what is
//! wrong in its configuration (file, line, fix), and what to paste. The exit code is 1 when an
//! error-level finding exists; the findings are printed either way.

use std::path::PathBuf;

use assistant_domain::appconfig::{
    self, AppConfigReport, CheckAppConfigRequest, ConfigSnippet, Severity, SnippetPath, snippet,
};
use assistant_domain::{AppError, ErrorKind, inventory};
use clap::{Subcommand, ValueEnum};

use super::output::Output;
use crate::AppState;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Read an Altinn app's repository: its Maskinporten path, and each problem with file, line and fix.
    Check {
        /// App A's repository folder (with App/ and deployment/), its App folder, or one file.
        path: PathBuf,
        /// Cross-check with this profile: section and Key Vault secret names, client id,
        /// environment, scopes.
        #[arg(long)]
        profile: Option<String>,
        /// App B's repository folder: does its policy let the organisation instantiate, read and
        /// write, and does it accept organisations as instance owners?
        #[arg(long, value_name = "PATH")]
        app_b: Option<PathBuf>,
    },
    /// Print what to paste for a path: appsettings section, Program.cs lines, Key Vault secret
    /// names and the values.yaml mount.
    Snippet {
        #[arg(long, value_enum)]
        path: PathArg,
        /// Take prefix, section, environment, client id and scopes from this profile.
        #[arg(long)]
        profile: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PathArg {
    /// Altinn.ApiClients.Maskinporten with ClientId and EncodedJwk in Key Vault.
    OwnIdentity,
    /// The built-in client with ClientId and JwkBase64 in Key Vault (App v8).
    Legacy,
}

pub fn run(command: ConfigCommand, state: &AppState) -> Result<Output, AppError> {
    match command {
        ConfigCommand::Check {
            path,
            profile,
            app_b,
        } => {
            let request = CheckAppConfigRequest {
                path: path.display().to_string(),
                profile,
                app_b: app_b.map(|p| p.display().to_string()),
            };
            let report = crate::checklist::check_app_config(state, &request)?;
            let text = render(&report);
            if !report.has_errors() {
                return Output::new(&report, text);
            }
            let json = serde_json::to_value(&report)
                .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
            let error = AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "The app configuration has {} error{}.",
                    report.errors,
                    if report.errors == 1 { "" } else { "s" }
                ),
            )
            .with_hint(
                "Fix the findings marked ✗ (each names its file, line and fix), then check again.",
            );
            Ok(Output::failed(json, text, error))
        }
        ConfigCommand::Snippet { path, profile } => {
            let profile = profile
                .map(|name| inventory::show_profile(&state.dir, &name))
                .transpose()?;
            let path = match path {
                PathArg::OwnIdentity => SnippetPath::OwnIdentity,
                PathArg::Legacy => SnippetPath::Legacy,
            };
            let snippet = snippet::generate(path, profile.as_ref());
            let text = render_snippet(&snippet);
            Output::new(&snippet, text)
        }
    }
}

fn render(report: &AppConfigReport) -> String {
    let mut out = format!(
        "Checked {} ({} files)\nPath: {}\n",
        report.root,
        report.files.len(),
        report.path.path.label().en
    );
    for reason in &report.path.reasons {
        out.push_str(&format!("  · {}\n", reason.en));
    }
    for s in &report.sections {
        let client = match s.client {
            appconfig::ClientKind::OwnIdentity => "own identity",
            appconfig::ClientKind::BuiltIn => "built-in",
        };
        let defined = if s.defined_in.is_empty() {
            "in no appsettings file".to_string()
        } else {
            format!("in {}", s.defined_in.join(", "))
        };
        out.push_str(&format!(
            "Section {} ({client}), bound at {}:{}, {defined}\n",
            s.section,
            s.file,
            s.line.map_or("?".into(), |l| l.to_string())
        ));
    }
    out.push('\n');
    for f in &report.findings {
        let (mark, word) = match f.severity {
            Severity::Error => ("✗", "error"),
            Severity::Warning => ("⚠", "warning"),
            Severity::Info => ("·", "note"),
        };
        let place = match f.line {
            Some(line) => format!("{}:{line}", f.file),
            None => f.file.clone(),
        };
        out.push_str(&format!(
            "{mark} {word:<7} {place}  [{}]\n    {}\n    fix: {}\n",
            f.id, f.message.en, f.fix.en
        ));
    }
    if report.findings.is_empty() {
        out.push_str("No findings: the configuration fits this path.\n");
    } else {
        out.push_str(&format!(
            "{} error{}, {} warning{}.\n",
            report.errors,
            if report.errors == 1 { "" } else { "s" },
            report.warnings,
            if report.warnings == 1 { "" } else { "s" }
        ));
    }
    if let Some(snippet) = &report.snippet {
        let arg = match snippet.path {
            SnippetPath::OwnIdentity => "own-identity",
            SnippetPath::Legacy => "legacy",
        };
        out.push_str(&format!(
            "What to paste: maskinporten-assistant config snippet --path {arg} [--profile P]"
        ));
    }
    out.trim_end().to_string()
}

fn render_snippet(s: &ConfigSnippet) -> String {
    let mut out = format!(
        "# App/appsettings.json (merge into the file)\n{}\n\n# App/Program.cs\n# {}\n{}\n",
        s.appsettings, s.placement.en, s.program_cs
    );
    if let Some(csproj) = &s.csproj {
        out.push_str(&format!(
            "# App/App.csproj (in the <ItemGroup> with the other packages)\n{csproj}\n\n"
        ));
    }
    out.push_str(&format!(
        "# deployment/values.yaml (merge under deployment:)\n{}\n# Key Vault secrets (the organisation's vault)\n",
        s.values_yaml
    ));
    for secret in &s.secrets {
        out.push_str(&format!("{:<56} {}\n", secret.name, secret.holds.en));
    }
    out.push_str("\nNotes:\n");
    for note in &s.notes {
        out.push_str(&format!("- {}\n", note.en));
    }
    out.trim_end().to_string()
}
