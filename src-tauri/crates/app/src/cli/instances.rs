//! `app-info`, `instantiate`, `instance show|update|next|receipt|delete` and `bulk`: what
//! testers do by hand with Postman and scripts, over the same domain functions as the window.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use assistant_domain::altinn::bulk::{self, BulkControl, BulkProgress};

use crate::instances::bulk::{ResultsFile, bulk_from_file, results_path};
use assistant_domain::altinn::instance::{Create, DataPart, InstanceRef, InstanceSummary};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::{AppError, ErrorKind};
use clap::{Args, Subcommand};

use super::output::{Output, confirm_on_terminal};
use crate::{AppState, instances};

#[derive(Debug, Args)]
pub struct Target {
    /// The profile (its app B, key and client).
    #[arg(long)]
    profile: String,
}

#[derive(Debug, Args)]
pub struct InstantiateArgs {
    #[command(flatten)]
    target: Target,
    /// Organisation number, national identity number / D-number, or party:ID.
    #[arg(long)]
    owner: String,
    /// A prefill pair KEY=VALUE (uses instances/create); repeat for more.
    #[arg(long = "prefill", value_name = "KEY=VALUE")]
    prefill: Vec<String>,
    /// A data file DATATYPE=FILE[;CONTENT-TYPE] (sends multipart); repeat for more.
    #[arg(long = "data", value_name = "TYPE=FILE", conflicts_with = "prefill")]
    data: Vec<String>,
    /// Act as this customer's system user (the vendor's system-user path).
    #[arg(long, value_name = "ORG")]
    system_user: Option<String>,
    /// The system user's externalRef, when it was requested with one.
    #[arg(long, requires = "system_user", value_name = "REF")]
    external_ref: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum InstanceCommand {
    /// The instance: current task, data elements, links.
    Show {
        id: String,
        #[command(flatten)]
        target: Target,
    },
    /// Replace a data element with a JSON or XML file.
    Update {
        id: String,
        #[command(flatten)]
        target: Target,
        /// The data element's id (see `instance show`).
        #[arg(long)]
        element: String,
        #[arg(long)]
        file: PathBuf,
        /// Defaults from the file name: .json → application/json, else application/xml.
        #[arg(long)]
        content_type: Option<String>,
    },
    /// Move the process to the next task (`process/next`).
    Next {
        id: String,
        #[command(flatten)]
        target: Target,
    },
    /// Save the receipt PDF (after the process has ended).
    Receipt {
        id: String,
        #[command(flatten)]
        target: Target,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Delete test instances: the ids given, those in a results file, or all made here.
    Delete {
        ids: Vec<String>,
        #[command(flatten)]
        target: Target,
        /// A results CSV from `bulk`.
        #[arg(long, value_name = "FILE")]
        from_results: Option<PathBuf>,
        /// Every instance this tool's history shows as made with the profile and not deleted.
        #[arg(long)]
        all_made_here: bool,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct BulkArgs {
    #[command(flatten)]
    target: Target,
    /// CSV: owner[,partyId][,prefill columns…].
    #[arg(long)]
    csv: PathBuf,
    /// Parallel requests (1–32).
    #[arg(long, default_value_t = bulk::DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Where to write the results CSV (default: next to the input, `.results.csv`, numbered
    /// when one exists, since cleanup reads it).
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Replace the --results FILE if it exists.
    #[arg(long, requires = "results")]
    force: bool,
    /// Continue a run of this CSV that was cut off: FILE is its results file. Rows it created
    /// are skipped, rows that were in flight are checked first, the rest are sent.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["results", "force"])]
    resume: Option<PathBuf>,
}

fn describe(i: &InstanceSummary) -> String {
    let task = match (&i.current_task, &i.ended) {
        (Some(task), _) => format!(
            "current task {task}{}",
            i.current_task_name
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ),
        (None, Some(ended)) => format!("process ended {ended}"),
        (None, None) => "no process".into(),
    };
    let mut text = format!("Instance {}\n  {task}", i.id);
    for d in &i.data {
        text.push_str(&format!(
            "\n  data {} {} {} ({} bytes)",
            d.id, d.data_type, d.content_type, d.size
        ));
    }
    if let Some(link) = &i.app_link {
        text.push_str(&format!("\n  {link}"));
    }
    text
}

pub fn app_info(target: Target, state: &AppState) -> Result<Output, AppError> {
    let view = super::block(state, instances::overview(state, &target.profile))?;
    let meta = &view.metadata;
    let mut text = format!(
        "{}\n  instance owners: {}{}",
        meta.id,
        owners_allowed(meta),
        if meta.disallow_user_instantiation {
            "\n  user instantiation disallowed: only service-owner tokens"
        } else {
            ""
        }
    );
    for d in &meta.data_types {
        text.push_str(&format!(
            "\n  data type {}{}: {}",
            d.id,
            if d.is_form { " (form)" } else { "" },
            if d.allowed_content_types.is_empty() {
                "any".into()
            } else {
                d.allowed_content_types.join(", ")
            }
        ));
    }
    if let Some(keys) = &view.prefill_keys {
        text.push_str(&format!("\n  prefill keys: {}", keys.join(", ")));
    }
    Output::new(&view, text)
}

fn owners_allowed(meta: &assistant_domain::altinn::app::AppMetadata) -> String {
    let p = meta.party_types_allowed;
    let kinds: Vec<&str> = [
        (p.organisation, "organisation"),
        (p.sub_unit, "subunit"),
        (p.person, "person"),
        (p.bankruptcy_estate, "bankruptcy estate"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| *n)
    .collect();
    if kinds.is_empty() {
        "any".into()
    } else {
        kinds.join(", ")
    }
}

fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>, AppError> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    AppError::new(ErrorKind::InvalidInput, format!("\"{p}\" is not KEY=VALUE"))
                })
        })
        .collect()
}

fn parse_data(specs: &[String]) -> Result<Vec<DataPart>, AppError> {
    specs
        .iter()
        .map(|spec| {
            let (data_type, rest) = spec.split_once('=').ok_or_else(|| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("\"{spec}\" is not TYPE=FILE"),
                )
            })?;
            match rest.split_once(';') {
                Some((file, content_type)) => {
                    instances::read_part(data_type, file, Some(content_type.to_string()))
                }
                None => instances::read_part(data_type, rest, None),
            }
        })
        .collect()
}

pub fn instantiate(args: InstantiateArgs, state: &AppState) -> Result<Output, AppError> {
    let owner = InstanceOwner::parse(&args.owner)?;
    let create = if !args.data.is_empty() {
        Create::Multipart(parse_data(&args.data)?)
    } else if !args.prefill.is_empty() {
        Create::Prefill(parse_pairs(&args.prefill)?)
    } else {
        Create::Template
    };
    let acting = args.system_user.map(|org| crate::flows::ActingAs {
        system_user_org: org,
        external_ref: args.external_ref,
    });
    let made = super::block(
        state,
        instances::instantiate_as(
            state,
            &args.target.profile,
            acting.as_ref(),
            &owner,
            &create,
        ),
    )?;
    let mut text = describe(&made.instance);
    if !made.ignored_prefill_keys.is_empty() {
        text.push_str(&format!(
            "\nwarning: the app ignores prefill keys its form does not have: {}",
            made.ignored_prefill_keys.join(", ")
        ));
    }
    Output::new(&made, text)
}

pub fn instance(command: InstanceCommand, state: &AppState) -> Result<Output, AppError> {
    match command {
        InstanceCommand::Show { id, target } => {
            let i = super::block(
                state,
                instances::show(state, &target.profile, &InstanceRef::parse(&id)?),
            )?;
            Output::new(&i, describe(&i))
        }
        InstanceCommand::Update {
            id,
            target,
            element,
            file,
            content_type,
        } => {
            let body = std::fs::read(&file).map_err(|e| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("Could not read {}: {e}", file.display()),
                )
            })?;
            let content_type = content_type
                .unwrap_or_else(|| instances::guess_content_type(&file.display().to_string()));
            let i = super::block(
                state,
                instances::update(
                    state,
                    &target.profile,
                    &InstanceRef::parse(&id)?,
                    &element,
                    &content_type,
                    body,
                ),
            )?;
            Output::new(&i, describe(&i))
        }
        InstanceCommand::Next { id, target } => {
            let i = super::block(
                state,
                instances::next(state, &target.profile, &InstanceRef::parse(&id)?),
            )?;
            Output::new(&i, describe(&i))
        }
        InstanceCommand::Receipt {
            id,
            target,
            out,
            force,
        } => {
            let instances::SavedReceipt {
                element,
                path,
                bytes,
            } = super::block(
                state,
                instances::save_receipt(
                    state,
                    &target.profile,
                    &InstanceRef::parse(&id)?,
                    out,
                    force,
                ),
            )?;
            let text = format!("Saved the receipt ({bytes} bytes) to {}", path.display());
            Output::new(
                &serde_json::json!({ "path": path, "dataElement": element }),
                text,
            )
        }
        InstanceCommand::Delete {
            ids,
            target,
            from_results,
            all_made_here,
            yes,
        } => delete(ids, target, from_results, all_made_here, yes, state),
    }
}

fn delete(
    mut ids: Vec<String>,
    target: Target,
    from_results: Option<PathBuf>,
    all_made_here: bool,
    yes: bool,
    state: &AppState,
) -> Result<Output, AppError> {
    if let Some(file) = from_results {
        let text = std::fs::read_to_string(&file).map_err(|e| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("Could not read {}: {e}", file.display()),
            )
        })?;
        ids.extend(bulk::created_ids_from_results(&text)?);
    }
    // Ask the shared rules first (they count and refuse without consent), then the person.
    let references =
        match instances::deletion_targets(state, &target.profile, &ids, all_made_here, yes) {
            Err(e)
                if e.kind == ErrorKind::ConfirmationRequired
                    && confirm_on_terminal(&format!("{} Delete?", e.message)) =>
            {
                instances::deletion_targets(state, &target.profile, &ids, all_made_here, true)?
            }
            Err(e) if e.kind == ErrorKind::ConfirmationRequired => {
                return Err(e.with_hint("Repeat with --yes."));
            }
            other => other?,
        };
    let outcomes = super::block(
        state,
        instances::delete(state, &target.profile, &references),
    )?;
    let failed: Vec<&instances::DeleteOutcome> = outcomes.iter().filter(|o| !o.deleted).collect();
    let soft = outcomes.iter().filter(|o| o.deleted && !o.hard).count();
    let mut text = format!(
        "Hard-deleted {} of {} instance(s): gone for good, not only in the owner's trash.",
        outcomes.len() - failed.len() - soft,
        outcomes.len()
    );
    if soft > 0 {
        text.push_str(&format!("\n{soft} instance(s) were only soft-deleted: the app ignored hard=true, so they stay in the owner's trash."));
    }
    for o in &failed {
        text.push_str(&format!(
            "\n  not deleted {}: {}",
            o.id,
            o.error.clone().unwrap_or_default()
        ));
    }
    let json = serde_json::json!({ "results": outcomes });
    if let Some(first) = failed.first() {
        let mut error = AppError::new(
            ErrorKind::Server,
            format!("{} instance(s) could not be deleted.", failed.len()),
        );
        if let Some(hint) = &first.hint {
            text.push_str(&format!("\n\nWhat to do: {hint}"));
            error = error.with_hint(hint.clone());
        }
        return Ok(Output::failed(json, text, error));
    }
    Output::from_json(json, text)
}

pub fn run_bulk(args: BulkArgs, json: bool, state: &AppState) -> Result<Output, AppError> {
    let csv = args.csv.display().to_string();
    let results_file = match args.resume {
        Some(path) => ResultsFile::Resume(path),
        None => results_path(
            &csv,
            args.results.map(|p| p.display().to_string()),
            args.force,
        )?,
    };
    let bar = |p: BulkProgress| {
        if !json {
            super::output::to_stderr_inline(&format!("\r{}", progress_line(&p)));
            let _ = std::io::stderr().flush();
        }
    };
    let control = BulkControl::default();
    let summary = super::block(state, async {
        // Ctrl-C stops sending; rows in flight finish and the results file is still written.
        let stop = control.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.set(bulk::RunState::Cancelled);
            }
        });
        let summary = bulk_from_file(
            state,
            &args.target.profile,
            &csv,
            args.concurrency,
            results_file,
            &control,
            &bar,
        )
        .await;
        watcher.abort();
        summary
    });
    if !json {
        super::output::to_stderr("");
    }
    let summary = summary?;
    let text = format!(
        "{} created, {} failed, {} unknown of {}. Results: {}",
        summary.created, summary.failed, summary.unknown, summary.total, summary.results_file
    );
    let failed = summary.failed + summary.unknown;
    let json_out = serde_json::to_value(&summary)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    if failed > 0 {
        return Ok(Output::failed(
            json_out,
            text,
            AppError::new(
                ErrorKind::Server,
                format!("{failed} row(s) did not create an instance; see the results file."),
            ),
        ));
    }
    Output::from_json(json_out, text)
}

/// `[########------------]  412/1000  41 %  38.2/s  ETA 15 s`
pub fn progress_line(p: &BulkProgress) -> String {
    let width = 24;
    let filled = (p.done * width).checked_div(p.total).unwrap_or(width);
    let eta = p
        .eta_seconds
        .map(|s| format!("ETA {s} s"))
        .unwrap_or_default();
    format!(
        "[{}{}] {:>5}/{}  {:>3} %  {:.1}/s  {eta}   ",
        "#".repeat(filled),
        "-".repeat(width - filled),
        p.done,
        p.total,
        (p.done * 100).checked_div(p.total).unwrap_or(100),
        p.per_second
    )
}
