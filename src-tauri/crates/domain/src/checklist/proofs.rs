//! What each action proves: the history lines a token test, a configuration check, a sandbox
//! registration and the Key Vault probe, write and read-back leave for the checklist. The app
//! crate appends them after the action; the rules live here, with the fold that reads them.

use time::OffsetDateTime;

use super::{StepId, StepState};
use crate::appconfig::{AppConfigReport, ConfigPath};
use crate::chain::ChainReport;
use crate::diagnosis::{Localized, l};
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
    /// The line, with what it showed in both languages (the checklist shows the person's).
    fn line(&self, step: StepId, state: StepState, said: Localized) -> HistoryEntry {
        HistoryEntry::new(
            self.now,
            self.profile,
            self.action,
            state != StepState::Failed,
            said.en,
        )
        .in_bokmal(said.nb)
        .for_step(step, state)
    }
}

/// The last part of a folder path, whichever separator wrote it: the checklist and the
/// shareable report name the folder, never the path (it carries the person's user name).
pub fn folder_name(folder: &str) -> &str {
    folder
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .filter(|name| !name.is_empty())
        .unwrap_or(folder)
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
        .map(|d| d.title.clone())
        .unwrap_or_else(|| l("the chain stopped", "kjeden stoppet"));
    let Some(token) = &report.maskinporten else {
        return vec![with(
            p.line(StepId::Token, StepState::Failed, failure),
            detail,
        )];
    };
    let accepted = || {
        l(
            "Maskinporten accepted the client and key",
            "Maskinporten godtok klienten og nøkkelen",
        )
    };
    let (org, scopes) = (
        token.consumer_org.as_deref().unwrap_or("?"),
        token.scopes.join(" "),
    );
    let said = l(
        format!("Maskinporten token for {org} with {scopes}"),
        format!("Maskinporten-token for {org} med {scopes}"),
    );
    let mut lines = vec![
        with(
            p.line(StepId::Client, StepState::Verified, accepted()),
            None,
        ),
        with(p.line(StepId::Key, StepState::Verified, accepted()), None),
        with(
            p.line(StepId::Token, StepState::Verified, said),
            detail.clone(),
        ),
    ];
    if exchange {
        let ok = report.altinn.is_some();
        let said = if ok {
            l(
                "exchanged for an Altinn token",
                "vekslet inn i et Altinn-token",
            )
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
                l(
                    format!("path found in the folder {}", folder_name(folder)),
                    format!("veien funnet i mappen {}", folder_name(folder)),
                ),
            )
            .with_detail(detail),
        );
    }
    let said = l(
        format!("{} error(s), {} warning(s)", report.errors, report.warnings),
        format!("{} feil, {} advarsel(er)", report.errors, report.warnings),
    );
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
        l(
            format!("public key registered on sandbox client {client_id}"),
            format!("den offentlige nøkkelen er registrert på sandkasseklienten {client_id}"),
        ),
    );
    line.kid = kid.map(str::to_string);
    line
}

/// The key added to the client through the self-service API (read back from the API): the
/// client step done without the portal.
pub fn self_service_upload(
    now: OffsetDateTime,
    profile: &str,
    client_id: &str,
    kid: &str,
) -> HistoryEntry {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::Key,
    };
    let mut line = p.line(
        StepId::Client,
        StepState::Verified,
        l(
            format!("public key {kid} added to client {client_id} through the self-service API, read back"),
            format!("den offentlige nøkkelen {kid} er lagt til klienten {client_id} via selvbetjenings-API-et, lest tilbake"),
        ),
    );
    line.kid = Some(kid.to_string());
    line
}

pub fn vault_probe(now: OffsetDateTime, profile: &str, report: &ProbeReport) -> HistoryEntry {
    let p = Proof {
        now,
        profile,
        action: HistoryAction::KeyvaultProbe,
    };
    let vault = &report.vault;
    let said = if report.ready_to_write {
        l(
            format!("can list and read secrets in {vault}"),
            format!("kan liste og lese hemmeligheter i {vault}"),
        )
    } else {
        l(
            format!("not ready to write to {vault}"),
            format!("ikke klar til å skrive til {vault}"),
        )
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
                    report.message.clone(),
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
    let vault = &report.vault;
    let said = if report.ok {
        l(
            format!("read back from {vault}: same client id and key as the keychain"),
            format!("lest tilbake fra {vault}: samme klient-ID og nøkkel som i nøkkelringen"),
        )
    } else {
        l(
            format!("read back from {vault}: the secrets differ from the profile"),
            format!("lest tilbake fra {vault}: hemmelighetene er ikke de profilen har"),
        )
    };
    let detail = serde_json::json!({ "vault": report.vault, "kid": report.kid, "thumbprint": report.thumbprint });
    p.line(StepId::VaultWrite, proven(report.ok), said)
        .with_kid(&report.kid)
        .with_detail(detail)
}
