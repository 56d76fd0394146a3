//! How `keyvault` reports read as text: each check with its explanation and what to do, what a
//! secret holds (kid, thumbprint, tags, dates; never a value), and the write's outcome.

use assistant_domain::keyvault::explain;
use assistant_domain::keyvault::names::NameWarning;
use assistant_domain::keyvault::probe::{CheckResult, ProbeReport};
use assistant_domain::keyvault::verify::{SecretCheck, SecretInfo, VerifyReport};
use assistant_domain::keyvault::write::{Plan, WriteOutcome, WriteReport};
use assistant_domain::{AppError, ErrorKind};

use super::to_json;
use crate::cli::output::Output;
use crate::keyvault::VaultTarget;

fn warnings_text(warnings: &[NameWarning]) -> String {
    warnings
        .iter()
        .map(|w| format!("\n⚠ {}", w.text.en))
        .collect()
}

pub(super) fn render_probe(report: &ProbeReport) -> String {
    let names = &report.names;
    let mut out = format!(
        "Key Vault {} (section {})\n  client id secret  {}\n  key secret        {}\n",
        report.vault, names.config_section, names.client_id, names.key
    );
    for check in &report.checks {
        let mark = match check.result {
            CheckResult::Ok => "✓",
            CheckResult::Absent => "·",
            _ => "✗",
        };
        let what = format!(
            "{:?}{}",
            check.operation,
            check
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default()
        );
        out.push_str(&format!("  {mark} {what}: {}\n", check.explanation.en));
        if let Some(info) = &check.existing {
            out.push_str(&format!("      there now: {}\n", describe_info(info)));
        }
        if let Some(fix) = &check.fix {
            out.push_str(&format!("      What to do: {}\n", fix.en));
        }
    }
    out.push_str(&format!(
        "Ready to write: {}",
        if report.ready_to_write { "yes" } else { "no" }
    ));
    out.push_str(&warnings_text(&report.warnings));
    out.push_str(&format!("\n{}", report.note.en));
    out
}

fn describe_info(info: &SecretInfo) -> String {
    let what = match (&info.stored_key, &info.client_id) {
        (Some(k), _) => format!(
            "key kid {}, thumbprint {}",
            k.kid.as_deref().unwrap_or("none"),
            k.thumbprint.as_deref().unwrap_or("unknown")
        ),
        (None, Some(c)) => format!("client id {c}"),
        _ => "a secret".into(),
    };
    let tags: Vec<String> = info.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let when = match (&info.deleted, &info.updated) {
        (Some(d), _) => format!("deleted {d}"),
        (None, Some(u)) => format!("updated {u}"),
        _ => String::new(),
    };
    format!(
        "{what}; {when}; tags {}",
        if tags.is_empty() {
            "none".into()
        } else {
            tags.join(", ")
        }
    )
}

fn render_check(check: &SecretCheck) -> String {
    let mark = if check.ok { "✓" } else { "✗" };
    let mut out = format!("  {mark} {}", check.name);
    if let Some(info) = &check.info {
        out.push_str(&format!(": {}", describe_info(info)));
    }
    for problem in &check.problems {
        out.push_str(&format!("\n      {}", problem.en));
    }
    out
}

pub(super) fn render_verify(report: &VerifyReport) -> String {
    let mut out = format!(
        "Read back from Key Vault {} (keychain key {}, thumbprint {}):\n{}\n{}",
        report.vault,
        report.kid,
        report.thumbprint,
        render_check(&report.client_id),
        render_check(&report.key)
    );
    out.push_str(&format!("\nNext: {}", report.after.redeploy.en));
    for need in &report.after.also_needed {
        out.push_str(&format!("\nThe app also needs: {}", need.en));
    }
    if report.after.old_secrets.is_empty() {
        out.push_str("\nOlder Maskinporten secrets in the vault: none found.");
    } else {
        let old: Vec<&str> = report
            .after
            .old_secrets
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        out.push_str(&format!(
            "\nOlder secrets still in the vault: {}.\n{}",
            old.join(", "),
            report.after.migration_advice.en
        ));
    }
    out
}

pub(super) fn write_output(report: &WriteReport, target: &VaultTarget) -> Result<Output, AppError> {
    let json = to_json(report)?;
    let mut text = format!(
        "Key Vault {} (section {})\n",
        report.vault, report.names.config_section
    );
    for s in &report.secrets {
        let plan = match s.plan {
            Plan::Create => "created",
            Plan::NewVersion => "new version",
            Plan::Unchanged => "unchanged",
            Plan::Recover => "recovered",
            Plan::Purge => "purged and created",
            Plan::Decide => "soft-deleted",
        };
        text.push_str(&format!("  {} {plan}", s.name));
        if let Some(version) = &s.written_version {
            text.push_str(&format!(" (version {version})"));
        }
        if let Some(before) = &s.before {
            text.push_str(&format!("\n      before: {}", describe_info(before)));
        }
        text.push('\n');
    }
    text.push_str(&report.message.en);
    text.push_str(&warnings_text(&report.warnings));
    if let Some(verify) = &report.verify {
        text.push_str(&format!("\n\n{}", render_verify(verify)));
    }
    let env = &target.profile.environment;
    let error = match report.outcome {
        WriteOutcome::ConfirmationRequired => Some(
            AppError::new(
                ErrorKind::ConfirmationRequired,
                "Nothing was written: the vault holds other values (shown above).",
            )
            .with_hint("Repeat with --yes to write new versions."),
        ),
        WriteOutcome::NewVaultConfirmationRequired => Some(
            AppError::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "Nothing was written: this machine has never written a private key to {}.",
                    target.vault.host_str().unwrap_or_default()
                ),
            )
            .with_hint("Check the host letter by letter; if it is your organisation's vault, repeat with --yes."),
        ),
        WriteOutcome::DeletedNeedsDecision => Some(
            AppError::new(
                ErrorKind::ConfirmationRequired,
                "Nothing was written: a name is soft-deleted (shown above).",
            )
            .with_hint("Repeat with --recover --yes or --purge --yes."),
        ),
        _ if report.verify.as_ref().is_some_and(|v| !v.ok) => Some(
            AppError::new(
                ErrorKind::Server,
                "The read-back does not match the keychain key.",
            )
            .with_hint(format!(
                "Probe the vault and try again. {}",
                explain::role_hint(env).en
            )),
        ),
        _ => None,
    };
    Ok(match error {
        Some(error) => Output::failed(json, text, error),
        None => Output::from_json(json, text)?,
    })
}
