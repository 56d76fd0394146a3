//! What each action proves: the history lines a token test, a configuration check, a sandbox
//! registration and the Key Vault probe, write and read-back leave for the checklist. The app
//! crate appends them after the action; the rules live here, with the fold that reads them.

use time::OffsetDateTime;

use super::{StepId, StepState};
use crate::appconfig::{AppConfigReport, ConfigPath};
use crate::chain::ChainReport;
use crate::history::{HistoryAction, HistoryEntry};
use crate::keyvault::probe::ProbeReport;
use crate::keyvault::verify::VerifyReport;
use crate::keyvault::write::{WriteOutcome, WriteReport};

/// A step line: which action, which step, what it showed, with which key.
struct Proof<'a> {
    now: OffsetDateTime,
    profile: &'a str,
    action: HistoryAction,
}

impl Proof<'_> {
    fn line(&self, step: StepId, state: StepState, said: impl Into<String>) -> HistoryEntry {
        HistoryEntry::new(
            self.now,
            self.profile,
            self.action,
            state != StepState::Failed,
            said,
        )
        .for_step(step, state)
    }
}

fn proven(ok: bool) -> StepState {
    if ok {
        StepState::Verified
    } else {
        StepState::Failed
    }
}

/// A token test proves the client and key (Maskinporten accepted the grant), the token, and,
/// when asked for, the exchange. The report goes along as detail: decoded claims, no signatures.
pub fn token_test(
    now: OffsetDateTime,
    profile: &str,
    exchange: bool,
    report: &ChainReport,
) -> Vec<HistoryEntry> {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::TokenTest,
    };
    let detail = serde_json::to_value(report).ok();
    let with = |line: HistoryEntry, detail: Option<serde_json::Value>| {
        let mut line = line.with_kid(&report.kid);
        line.detail = detail;
        line
    };
    let failure = report
        .diagnosis
        .as_ref()
        .map(|d| d.title.en.clone())
        .unwrap_or_else(|| "the chain stopped".into());
    let Some(token) = &report.maskinporten else {
        return vec![with(
            p.line(StepId::Token, StepState::Failed, failure),
            detail,
        )];
    };
    let accepted = "Maskinporten accepted the client and key";
    let said = format!(
        "Maskinporten token for {} with {}",
        token.consumer_org.as_deref().unwrap_or("?"),
        token.scopes.join(" ")
    );
    let mut lines = vec![
        with(p.line(StepId::Client, StepState::Verified, accepted), None),
        with(p.line(StepId::Key, StepState::Verified, accepted), None),
        with(
            p.line(StepId::Token, StepState::Verified, said),
            detail.clone(),
        ),
    ];
    if exchange {
        let ok = report.altinn.is_some();
        let said = if ok {
            "exchanged for an Altinn token".to_string()
        } else {
            failure
        };
        let p = Proof {
            action: HistoryAction::Exchange,
            ..p
        };
        lines.push(with(p.line(StepId::Exchange, proven(ok), said), detail));
    }
    lines
}

/// A check finds the path (unless it could not tell) and checks the configuration. `folder` is
/// the checked folder as it should be shown and checked again (absolute).
pub fn config_check(
    now: OffsetDateTime,
    profile: &str,
    folder: &str,
    report: &AppConfigReport,
) -> Vec<HistoryEntry> {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::ConfigCheck,
    };
    let path = report.path.path;
    let mut lines = Vec::new();
    if path != ConfigPath::Unknown {
        let detail = serde_json::json!({ "path": path, "folder": folder, "appVersion": report.path.app_version });
        lines.push(
            p.line(
                StepId::Path,
                StepState::Verified,
                format!("path found in {folder}"),
            )
            .with_detail(detail),
        );
    }
    let said = format!("{} error(s), {} warning(s)", report.errors, report.warnings);
    let detail = serde_json::json!({ "folder": folder, "errors": report.errors, "warnings": report.warnings });
    lines.push(
        p.line(StepId::Config, proven(!report.has_errors()), said)
            .with_detail(detail),
    );
    lines
}

/// The portal step rehearsed in the sandbox: the client exists and knows the key.
pub fn sandbox_registration(
    now: OffsetDateTime,
    profile: &str,
    client_id: &str,
    kid: Option<&str>,
) -> HistoryEntry {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::SandboxRegister,
    };
    let mut line = p.line(
        StepId::Client,
        StepState::Verified,
        format!("public key registered on sandbox client {client_id}"),
    );
    line.kid = kid.map(str::to_string);
    line
}

pub fn vault_probe(now: OffsetDateTime, profile: &str, report: &ProbeReport) -> HistoryEntry {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::KeyvaultProbe,
    };
    let said = if report.ready_to_write {
        format!("can list and read secrets in {}", report.vault)
    } else {
        format!("not ready to write to {}", report.vault)
    };
    p.line(StepId::VaultAccess, proven(report.ready_to_write), said)
}

/// A write proves what its read-back shows; waiting for the person's confirmation (or their
/// decision on a deleted secret) is not a failure, nothing was tried yet.
pub fn vault_write(
    now: OffsetDateTime,
    profile: &str,
    report: &WriteReport,
) -> Option<HistoryEntry> {
    match (&report.verify, report.outcome) {
        (Some(verify), _) => Some(vault_verify(now, profile, verify)),
        (
            None,
            WriteOutcome::ConfirmationRequired
            | WriteOutcome::NewVaultConfirmationRequired
            | WriteOutcome::DeletedNeedsDecision,
        ) => None,
        (None, _) => {
            let p = Proof {
                now,
                profile,
                action: HistoryAction::KeyvaultWrite,
            };
            Some(
                p.line(
                    StepId::VaultWrite,
                    StepState::Failed,
                    report.message.en.clone(),
                )
                .with_kid(&report.kid),
            )
        }
    }
}

pub fn vault_verify(now: OffsetDateTime, profile: &str, report: &VerifyReport) -> HistoryEntry {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::KeyvaultVerify,
    };
    let said = if report.ok {
        format!(
            "read back from {}: same client id and key as the keychain",
            report.vault
        )
    } else {
        format!(
            "read back from {}: the secrets differ from the profile",
            report.vault
        )
    };
    let detail = serde_json::json!({ "vault": report.vault, "kid": report.kid, "thumbprint": report.thumbprint });
    p.line(StepId::VaultWrite, proven(report.ok), said)
        .with_kid(&report.kid)
        .with_detail(detail)
}
