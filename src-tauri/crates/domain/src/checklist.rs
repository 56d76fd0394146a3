//! The guided checklist: ten steps from "which path is the app on?" to "app B got an
//! instance". A step's state is not stored on its own: it is folded from the history lines the
//! actions write (the window and the CLI alike) and from the profile's facts. So it survives a
//! restart, and a step can only say "verified" when something really proved it.

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::appconfig::ConfigPath;
use crate::diagnosis::{Localized, l};
use crate::history::HistoryEntry;
use crate::inventory::KeySummary;
use crate::profile::Profile;
pub use crate::steps::{Route, STEPS, SYSTEM_USER_STEPS, StepId, StepState};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepStatus {
    pub id: StepId,
    pub state: StepState,
    /// When the state was last set (RFC 3339); `None` for states that come from facts or the path.
    pub at: Option<String>,
    /// The history line's outcome, e.g. the error of a failed run, in both languages (a line
    /// written in English only shows the English in both).
    pub outcome: Option<Localized>,
    /// Why a step is not needed, or what a fact says (e.g. "the profile has no client id").
    pub note: Option<Localized>,
    /// The secret-free facts of the line that set the state (claims, instance id, path).
    #[ts(type = "unknown")]
    pub detail: Option<serde_json::Value>,
}

/// One rule for a key's year, shared with the key list (`inventory::expiry`).
pub use crate::inventory::{KEY_WARNING_DAYS, KeyExpiry as ExpiryLevel};

/// The profile's key against the 1-year limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyWatch {
    pub kid: String,
    pub thumbprint: String,
    pub created: String,
    pub expires: String,
    /// Whole days since it was made.
    #[ts(type = "number")]
    pub age_days: i64,
    /// Whole days until the year is up (negative once it is).
    #[ts(type = "number")]
    pub days_left: i64,
    pub level: ExpiryLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Checklist {
    pub profile: String,
    pub environment: String,
    /// Which way the calls reach app B: the steps follow from it.
    pub route: Route,
    /// Why this route: chosen by the person, or what the profile looks like.
    pub route_reason: Localized,
    /// The path found by the last check (or chosen by the person).
    pub path: Option<ConfigPath>,
    /// App A's folder as last checked, so the check can run again.
    pub app_folder: Option<String>,
    pub steps: Vec<StepStatus>,
    /// The first step still to do or failed.
    pub next: Option<StepId>,
    pub key: Option<KeyWatch>,
    /// Every step done, verified or not needed.
    pub complete: bool,
    /// History lines that could not be read (skipped; the file is left as it is).
    pub history_damaged: usize,
    /// What the person should know before going on (e.g. a sandbox key on a real profile).
    pub warnings: Vec<Localized>,
    /// The profile's key rotations, oldest first (filled in by the caller from `rotations.json`).
    pub rotations: Vec<crate::rotation::Rotation>,
}

impl Checklist {
    /// The step, when the checklist's route has it.
    pub fn step(&self, id: StepId) -> Option<&StepStatus> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// The system register's scope: a client that has it belongs to a vendor (only system vendors
/// are granted it, docs/reference/systemuser.md §1).
const VENDOR_SCOPE: &str = "altinn:authentication/systemregister.write";

/// The route a person chose last (a `checklist` line with `detail.route`), else the one the
/// profile looks like: a profile without app A whose client may write the system register is a
/// vendor's, so the system-user route is offered first.
fn route_of(profile: &Profile, mine: &[&HistoryEntry]) -> (Route, Localized) {
    let chosen = mine.iter().rev().find_map(|e| {
        let value = e.detail.as_ref()?.get("route")?.clone();
        serde_json::from_value::<Route>(value).ok()
    });
    if let Some(route) = chosen {
        return (route, l("Chosen by you.", "Valgt av deg."));
    }
    // A profile that has walked the multi-app route's own steps stays on it when its client later
    // gets the register's scope: its progress must not vanish from under the person.
    let walked_multi_app = mine.iter().any(|e| {
        e.step
            .is_some_and(|s| !SYSTEM_USER_STEPS.contains(&s) && STEPS.contains(&s))
    });
    let vendor = !walked_multi_app
        && profile.app_a.is_none()
        && profile.scopes.iter().any(|s| s.as_str() == VENDOR_SCOPE);
    if vendor {
        (
            Route::SystemUser,
            l(
                "This profile has no app A and its client may write the system register: a vendor's system acting for customers.",
                "Denne profilen har ingen app A, og klienten kan skrive til systemregisteret: et leverandørsystem som handler for kunder.",
            ),
        )
    } else {
        (
            Route::MultiApp,
            l(
                "The profile names app A, or its client may not write the system register.",
                "Profilen oppgir app A, eller klienten kan ikke skrive til systemregisteret.",
            ),
        )
    }
}

/// The history line of a person's choice of route.
pub fn route_line(now: OffsetDateTime, profile: &Profile, route: Route) -> HistoryEntry {
    let said = match route {
        Route::MultiApp => l("route: multi-app", "vei: flere apper"),
        Route::SystemUser => l("route: system user", "vei: systembruker"),
    };
    HistoryEntry::new(
        now,
        &profile.name,
        crate::history::HistoryAction::Checklist,
        true,
        said.en,
    )
    .in_bokmal(said.nb)
    .with_detail(serde_json::json!({ "route": route }))
}

/// On the system-user route a token or exchange proves the step only when it was the system
/// user's (the token test keeps its report, whose token names the system user).
fn as_system_user(entry: &HistoryEntry) -> bool {
    let detail = entry.detail.as_ref();
    detail
        .and_then(|d| d.get("maskinporten"))
        .and_then(|m| m.get("systemUser"))
        .is_some_and(|u| !u.is_null())
        || detail
            .and_then(|d| d.get("systemUser"))
            .is_some_and(|u| !u.is_null())
}

/// For a test or production profile whose key has been in the sandbox: registered on a sandbox
/// client or written to its vault, which run on this machine without Azure's or Digdir's
/// protections (another user of the machine could have read it from a sandbox left running).
pub fn sandbox_key_warning(kid: &str) -> Localized {
    Localized {
        en: format!(
            "Key {kid} has also been used in the sandbox (registered on a sandbox client or written to the sandbox's vault), which runs on this machine without Azure's protections. For test and production, use a key that has never been in the sandbox."
        ),
        nb: format!(
            "Nøkkel {kid} er også brukt i sandkassen (registrert på en sandkasseklient eller skrevet til sandkassens hvelv), som kjører på denne maskinen uten Azures beskyttelse. Bruk en nøkkel som aldri har vært i sandkassen for test og produksjon."
        ),
    }
}

fn parse_time(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()
}

pub fn key_watch(key: &KeySummary, now: OffsetDateTime) -> KeyWatch {
    let created = parse_time(&key.created).unwrap_or(now);
    let expires = parse_time(&key.expires).unwrap_or(now);
    let days_left = (expires - now).whole_days();
    let level = crate::inventory::key_expiry(expires, now);
    KeyWatch {
        kid: key.kid.clone(),
        thumbprint: key.thumbprint.clone(),
        created: key.created.clone(),
        expires: key.expires.clone(),
        age_days: (now - created).whole_days(),
        days_left,
        level,
    }
}

/// Why the path makes a step unnecessary, if it does.
fn not_needed(path: ConfigPath, step: StepId) -> Option<Localized> {
    let provisioned = matches!(path, ConfigPath::StudioProvisioned | ConfigPath::V9Preview);
    if !provisioned {
        return None;
    }
    // config-keyvault-selfservice.md §0.1: on App 8.3+ (and v9) Studio's operator creates the
    // client and its keys on deploy and mounts maskinporten-settings.json into the app.
    match step {
        StepId::VaultAccess | StepId::Client | StepId::Key | StepId::VaultWrite => Some(l(
            "Not needed: Altinn Studio creates this app's Maskinporten client and key when it is deployed, and mounts them into the app. Nothing goes into Key Vault. Add the scopes in Studio under Settings → Maskinporten.",
            "Ikke nødvendig: Altinn Studio lager Maskinporten-klienten og nøkkelen til denne appen når den deployes, og monterer dem i appen. Ingenting skal i Key Vault. Legg til scopene i Studio under Innstillinger → Maskinporten.",
        )),
        StepId::Token | StepId::Exchange | StepId::Instance => Some(l(
            "Not needed: the provisioned key never leaves the app, so no tool can sign with it; the app proves it when it runs. You can still run this step with a test client of your own.",
            "Ikke nødvendig: den provisjonerte nøkkelen forlater aldri appen, så ingen verktøy kan signere med den; appen beviser den når den kjører. Du kan likevel kjøre steget med en egen testklient.",
        )),
        StepId::Path
        | StepId::Config
        | StepId::Redeploy
        | StepId::SystemRegister
        | StepId::SystemUserApproval
        | StepId::AppBSystemUsers => None,
    }
}

/// The path recorded by a `path` history line (`detail.path`).
fn path_of(entry: &HistoryEntry) -> Option<ConfigPath> {
    let value = entry.detail.as_ref()?.get("path")?.clone();
    serde_json::from_value(value).ok()
}

/// Folds a profile's history and facts into its checklist. `history` is oldest first and may
/// hold other profiles' lines.
pub fn build(
    profile: &Profile,
    key: Option<&KeySummary>,
    history: &[HistoryEntry],
    now: OffsetDateTime,
) -> Checklist {
    let current_kid = key.map(|k| k.kid.as_str());
    let all_mine: Vec<&HistoryEntry> = history
        .iter()
        .filter(|e| e.profile == profile.name)
        .collect();
    let (route, route_reason) = route_of(profile, &all_mine);
    let mine: Vec<&HistoryEntry> = all_mine
        .into_iter()
        .filter(|e| e.step.is_some() && e.state.is_some())
        .collect();
    let latest = |step: StepId| {
        mine.iter().rev().copied().find(|e| {
            e.step == Some(step)
                && (!step.depends_on_key()
                    || e.kid.is_none()
                    || e.kid.as_deref() == current_kid && current_kid.is_some())
                && (route == Route::MultiApp
                    || !matches!(step, StepId::Token | StepId::Exchange | StepId::Instance)
                    || as_system_user(e))
        })
    };

    let path_line = latest(StepId::Path).filter(|e| e.state != Some(StepState::Todo));
    let path = path_line.and_then(path_of);
    let app_folder = path_line.and_then(|e| {
        e.detail
            .as_ref()?
            .get("folder")?
            .as_str()
            .map(str::to_string)
    });

    let steps: Vec<StepStatus> = route
        .steps()
        .iter()
        .copied()
        .map(|id| {
            let line = latest(id);
            let mut status = StepStatus {
                id,
                state: StepState::Todo,
                at: None,
                outcome: None,
                note: None,
                detail: None,
            };
            if let Some(e) = line {
                status.state = e.state.unwrap_or(StepState::Todo);
                status.at = Some(e.at.clone());
                status.outcome = Some(Localized {
                    en: e.outcome.clone(),
                    nb: e.outcome_nb.clone().unwrap_or_else(|| e.outcome.clone()),
                });
                status.detail = e.detail.clone();
            }
            // Facts the history cannot overrule.
            match id {
                StepId::Key if key.is_none() => {
                    status = StepStatus {
                        note: Some(l(
                            "The profile has no key yet.",
                            "Profilen har ingen nøkkel ennå.",
                        )),
                        ..fact(id, StepState::Todo)
                    };
                }
                StepId::Key if status.state == StepState::Todo => {
                    status.state = StepState::Done;
                    status.note = Some(l(
                        "The key is in the keychain; a token test proves Maskinporten knows it.",
                        "Nøkkelen ligger i nøkkelringen; en tokentest beviser at Maskinporten kjenner den.",
                    ));
                }
                StepId::Client if profile.client_id.is_none() => {
                    status = StepStatus {
                        note: Some(l(
                            "The profile has no client id yet.",
                            "Profilen har ingen klient-ID ennå.",
                        )),
                        ..fact(id, StepState::Todo)
                    };
                }
                StepId::SystemRegister if profile.client_id.is_none() => {
                    status = StepStatus {
                        note: Some(l(
                            "The profile has no client id yet: the system names the client.",
                            "Profilen har ingen klient-ID ennå: systemet oppgir klienten.",
                        )),
                        ..fact(id, StepState::Todo)
                    };
                }
                StepId::Client if status.state == StepState::Todo => {
                    status.state = StepState::Done;
                    status.note = Some(l(
                        "The client id is in the profile; a token test proves the client has the key.",
                        "Klient-ID-en ligger i profilen; en tokentest beviser at klienten har nøkkelen.",
                    ));
                }
                _ => {}
            }
            if let Some(reason) = path
                .filter(|_| route == Route::MultiApp)
                .and_then(|p| not_needed(p, id))
                && status.state != StepState::Verified
            {
                status.state = StepState::NotNeeded;
                status.note = Some(reason);
            }
            status
        })
        .collect();

    let next = steps
        .iter()
        .find(|s| matches!(s.state, StepState::Todo | StepState::Failed))
        .map(|s| s.id);
    Checklist {
        profile: profile.name.to_string(),
        environment: profile.environment.name().to_string(),
        route,
        route_reason,
        path,
        app_folder,
        complete: steps.iter().all(|s| s.state.is_settled()),
        history_damaged: 0,
        warnings: Vec::new(),
        rotations: Vec::new(),
        steps,
        next,
        key: key.map(|k| key_watch(k, now)),
    }
}

fn fact(id: StepId, state: StepState) -> StepStatus {
    StepStatus {
        id,
        state,
        at: None,
        outcome: None,
        note: None,
        detail: None,
    }
}

/// The history line a person's own mark writes ("I have done this", or "start this step over").
pub fn mark_line(
    now: OffsetDateTime,
    profile: &Profile,
    step: StepId,
    state: StepState,
    path: Option<ConfigPath>,
) -> Result<HistoryEntry, crate::AppError> {
    use crate::error::ErrorKind;
    match state {
        StepState::Todo => {}
        StepState::Done if step.can_be_marked_done() => {}
        _ => {
            return Err(crate::AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "The step \"{}\" cannot be marked {} by hand: the tool proves it by running it.",
                    step.title().en,
                    state.as_str()
                ),
            )
            .with_hint("Use the step's own button (check, test or create)."));
        }
    }
    if step == StepId::Client && state == StepState::Done && profile.client_id.is_none() {
        return Err(crate::AppError::new(
            ErrorKind::InvalidInput,
            "Paste the client id from Samarbeidsportalen first; the step is done when the profile has it.",
        ));
    }
    let outcome = match state {
        StepState::Todo => l("marked to do", "markert som ikke gjort"),
        _ => l("marked done", "markert som gjort"),
    };
    let mut line = HistoryEntry::new(
        now,
        &profile.name,
        crate::history::HistoryAction::Checklist,
        true,
        outcome.en,
    )
    .in_bokmal(outcome.nb)
    .for_step(step, state);
    if step == StepId::Path && state == StepState::Done {
        let path = path.ok_or_else(|| {
            crate::AppError::new(ErrorKind::InvalidInput, "Choose which path the app is on.")
        })?;
        line = line.with_detail(serde_json::json!({ "path": path, "manual": true }));
    }
    Ok(line)
}

pub mod proofs;
pub mod system_proofs;

#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod tests;
