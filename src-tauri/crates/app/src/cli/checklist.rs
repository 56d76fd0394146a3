//! `checklist` and `report`: where a profile stands on the guided checklist (the same steps and
//! states as the window), a person's own marks, and the shareable HTML report.

use std::path::PathBuf;

use assistant_domain::AppError;
use assistant_domain::checklist::{Checklist, ExpiryLevel, Route, StepId, StepState};
use clap::{Args, ValueEnum};

use super::output::Output;
use crate::AppState;
use crate::checklist::{self, MarkStepRequest, ReportRequest};

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    #[arg(long)]
    pub profile: String,
    /// Mark a step done outside the tool (path, vault-access, client, redeploy,
    /// app-b-system-users) or to do again.
    #[arg(long, value_name = "STEP", requires = "state")]
    pub mark: Option<String>,
    #[arg(long, value_enum)]
    pub state: Option<MarkState>,
    /// With `--mark path --state done`: the path the app is on.
    #[arg(long, value_enum)]
    pub path: Option<PathChoice>,
    /// Which way the calls reach app B: app A for its own organisation (multi-app), or a
    /// vendor's system as a customer's system user. Kept for the profile.
    #[arg(long, value_enum, conflicts_with = "mark")]
    pub route: Option<RouteChoice>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RouteChoice {
    MultiApp,
    SystemUser,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MarkState {
    Done,
    Todo,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PathChoice {
    StudioProvisioned,
    OwnIdentity,
    Legacy,
    V9Preview,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long)]
    pub profile: String,
    /// Where to save the HTML (default: a new file in the data folder's `reports`).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// en or nb.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Replace `--out` if it exists.
    #[arg(long)]
    pub force: bool,
}

fn symbol(state: StepState) -> &'static str {
    match state {
        StepState::Todo => "·",
        StepState::Done => "✓",
        StepState::Verified => "✓✓",
        StepState::Failed => "✗",
        StepState::NotNeeded => "–",
    }
}

fn render(list: &Checklist) -> String {
    let route = match list.route {
        Route::MultiApp => "multi-app",
        Route::SystemUser => "system user",
    };
    let mut lines = vec![format!(
        "Profile {}, environment {}, route {route} ({}), path {}",
        list.profile,
        list.environment,
        list.route_reason.en.trim_end_matches('.'),
        list.path
            .map(|p| serde_json::to_value(p)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default())
            .unwrap_or_else(|| "not found yet".into())
    )];
    for warning in &list.warnings {
        lines.push(format!("⚠ {}", warning.en));
    }
    for (i, step) in list.steps.iter().enumerate() {
        let mut line = format!(
            "{:>2}. {:<3} {:<42} {}",
            i + 1,
            symbol(step.state),
            step.id.title().en,
            step.state.as_str()
        );
        if let Some(said) = step
            .outcome
            .as_ref()
            .map(|o| o.en.as_str())
            .or(step.note.as_ref().map(|n| n.en.as_str()))
        {
            line.push_str(&format!(": {said}"));
        }
        lines.push(line);
    }
    if let Some(key) = &list.key {
        let warning = match key.level {
            ExpiryLevel::Ok => "",
            ExpiryLevel::Soon => "  ⚠ expires soon: make the next key now",
            ExpiryLevel::Expired => "  ✗ expired: Maskinporten refuses it",
        };
        lines.push(format!(
            "Key {} ({} days old, {} days left){warning}",
            key.kid, key.age_days, key.days_left
        ));
    }
    lines.push(match list.next {
        Some(next) => format!("Next: {}", next.title().en),
        None => "Every step is done.".into(),
    });
    if list.history_damaged > 0 {
        lines.push(format!(
            "Note: {} line(s) of the history could not be read and were skipped (the file is left as it is).",
            list.history_damaged
        ));
    }
    lines.join("\n")
}

pub fn run(args: ChecklistArgs, state: &AppState) -> Result<Output, AppError> {
    let list = match (args.mark, args.route) {
        (None, Some(route)) => checklist::choose_route(
            state,
            &args.profile,
            match route {
                RouteChoice::MultiApp => Route::MultiApp,
                RouteChoice::SystemUser => Route::SystemUser,
            },
        )?,
        (None, None) => checklist::get(state, &args.profile)?,
        (Some(step), _) => {
            let step = StepId::parse(&step.replace('-', "_")).ok_or_else(|| {
                AppError::new(assistant_domain::ErrorKind::InvalidInput, format!("There is no step \"{step}\"."))
                    .with_hint("Steps: path, vault-access, client, key, vault-write, config, token, exchange, instance, redeploy; on the system-user route also system-register, system-user-approval, app-b-system-users.")
            })?;
            let path = args.path.map(|p| match p {
                PathChoice::StudioProvisioned => {
                    assistant_domain::appconfig::ConfigPath::StudioProvisioned
                }
                PathChoice::OwnIdentity => assistant_domain::appconfig::ConfigPath::OwnIdentity,
                PathChoice::Legacy => assistant_domain::appconfig::ConfigPath::LegacyBuiltIn,
                PathChoice::V9Preview => assistant_domain::appconfig::ConfigPath::V9Preview,
            });
            let state_to = match args.state {
                Some(MarkState::Done) => StepState::Done,
                _ => StepState::Todo,
            };
            checklist::mark(
                state,
                &MarkStepRequest {
                    profile: args.profile,
                    step,
                    state: state_to,
                    path,
                },
            )?
        }
    };
    let text = render(&list);
    Output::new(&list, text)
}

pub fn report(args: ReportArgs, state: &AppState) -> Result<Output, AppError> {
    let existing = if args.force {
        assistant_domain::datadir::Existing::Replace
    } else {
        assistant_domain::datadir::Existing::Keep
    };
    let saved = checklist::save_report(
        state,
        &ReportRequest {
            profile: args.profile,
            lang: args.lang,
            path: args.out.map(|p| p.display().to_string()),
        },
        existing,
    )?;
    let text = format!(
        "Report saved to {}\nIt holds no key, assertion or token; share it with your team.",
        saved.path
    );
    Output::new(&saved, text)
}
