//! The system-user path's vendor steps, shared by the window and the CLI: the vendor's system in
//! Altinn's system register, read, compared with what the profile needs, and created or updated
//! only with the person's consent; the customer's request and its status; app B's readiness.

use assistant_domain::appconfig::{self, appb_system::AppBSystemUserReport};
use assistant_domain::chain::ChainOptions;
use assistant_domain::http::Transport;
use assistant_domain::profile::{Environment, Profile, Scope};
use assistant_domain::qr::{self, QrPicture};
use assistant_domain::secret::AccessToken;
use assistant_domain::systemuser::register::{self, RegisteredSystem};
use assistant_domain::systemuser::request::{
    self, NewSystemUserRequest, Status, SystemUserRequest,
};
use assistant_domain::{AppError, ErrorKind, inventory};
use serde::Serialize;
use ts_rs::TS;

use crate::blocking::blocking;
use crate::{AppState, checklist};
use assistant_domain::checklist::StepId;
use assistant_domain::history::HistoryAction;

/// The system name when none is given: `{org}_maskinporten-assistant`.
pub const DEFAULT_NAME: &str = "maskinporten-assistant";

/// What is registered, what the profile needs, and what a write would change.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SystemPlan {
    pub system_id: String,
    pub registered: Option<RegisteredSystem>,
    /// The system as it will be after a write (the registered one with what the profile needs).
    pub wanted: RegisteredSystem,
    /// In words: what a write changes; empty when the register already has it all.
    pub changes: Vec<assistant_domain::diagnosis::Localized>,
    /// Whether this call wrote it (then `registered` is the read-back).
    pub written: bool,
}

/// The vendor's own Maskinporten token with one of the vendor API scopes (no exchange: every
/// doc page names a Maskinporten token, docs/reference/systemuser.md §1).
async fn vendor_token(state: &AppState, profile: &str) -> Result<AccessToken, AppError> {
    scoped_token(state, profile, register::SCOPE).await
}

async fn scoped_token(
    state: &AppState,
    profile: &str,
    scope: &str,
) -> Result<AccessToken, AppError> {
    let options = ChainOptions {
        scopes: vec![scope.into()],
        ..ChainOptions::default()
    };
    let (dir, name) = (state.dir.clone(), profile.to_string());
    let value = blocking(move || inventory::show_profile(&dir, &name)).await?;
    // A token the session still holds serves again: the window reads a pending request's
    // status every few seconds, and each fresh token would be a signed grant to Maskinporten.
    if let Ok((request, _)) = assistant_domain::chain::request_for_profile(&value, &options) {
        let endpoints = crate::tokens::endpoints(state, &value).await?;
        if let Some(tokens) = state
            .session
            .cached_tokens(&endpoints, &request, state.clock.now())
        {
            return Ok(tokens.access_token);
        }
    }
    let (report, tokens) = crate::tokens::fresh_token(state, &value, options).await?;
    match tokens {
        Some(tokens) if report.ok => Ok(tokens.access_token),
        _ => {
            let why = report
                .diagnosis
                .map(|d| format!("{} {}", d.title.en, d.fix.en))
                .unwrap_or_default();
            Err(AppError::new(
                ErrorKind::Server,
                format!("No Maskinporten token with {scope} for profile \"{profile}\". {why}"),
            )
            .with_hint(format!(
                "Add {scope} to the client's scopes (Samarbeidsportalen; on the sandbox: add it to the profile's scopes and run sandbox register)."
            )))
        }
    }
}

fn needs(profile: &Profile) -> Result<(String, String, String), AppError> {
    let missing = |what: &str| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" has no {what}.", profile.name),
        )
        .with_hint("Set it with profile edit, then try again.")
    };
    Ok((
        profile
            .org_number
            .clone()
            .ok_or_else(|| missing("organisation number"))?,
        profile
            .client_id
            .as_deref()
            .map(str::to_string)
            .ok_or_else(|| missing("client id"))?,
        profile.app_b.clone().ok_or_else(|| missing("app B"))?,
    ))
}

/// Reads the system and compares; with `confirmed`, creates or updates it and reads it back.
pub async fn register(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
    confirmed: bool,
) -> Result<SystemPlan, AppError> {
    let (dir, wanted_name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &wanted_name)).await?;
    let (org, client_id, app_b) = needs(&profile)?;
    let wanted = register::wanted(&org, name.unwrap_or(DEFAULT_NAME), &client_id, &app_b)?;
    let token = vendor_token(state, profile.name.as_str()).await?;
    let platform = crate::tokens::endpoints(state, &profile).await?.altinn;
    let transport = state.transport()?;
    let read = |token: &AccessToken| register::read(&platform, token, &wanted.id);
    let registered = register::parse_read(&transport.send(read(&token)?).await?, &wanted.id)?;
    let (target, changes) = match &registered {
        Some(existing) => register::changes(existing, &wanted),
        None => (wanted.clone(), vec![register::creation(&wanted.id)]),
    };
    if changes.is_empty() || !confirmed {
        return Ok(SystemPlan {
            system_id: wanted.id.clone(),
            registered,
            wanted: target,
            changes,
            written: false,
        });
    }
    let write = register::write(&platform, &token, &target, registered.is_some())?;
    register::parse_write(&transport.send(write).await?, &target.id)?;
    let back = register::parse_read(&transport.send(read(&token)?).await?, &target.id)?;
    if back
        .as_ref()
        .is_none_or(|b| !register::changes(b, &wanted).1.is_empty())
    {
        return Err(AppError::new(
            ErrorKind::Server,
            format!(
                "The system register does not show {} as written.",
                target.id
            ),
        ));
    }
    Ok(SystemPlan {
        system_id: target.id.clone(),
        registered: back,
        wanted: target,
        changes,
        written: true,
    })
}

/// `register`, with what it showed recorded for the profile's checklist.
pub async fn register_recorded(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
    confirmed: bool,
) -> Result<SystemPlan, AppError> {
    let plan = register(state, profile, name, confirmed).await;
    match &plan {
        Ok(plan) => checklist::system_registered(
            state,
            profile,
            &plan.system_id,
            &plan.changes,
            plan.written,
        ),
        Err(error) => checklist::step_failed(
            state,
            profile,
            HistoryAction::SystemRegister,
            StepId::SystemRegister,
            error,
        ),
    }
    plan
}

/// `request`, recorded: the checklist's approval step waits for this request.
pub async fn request_recorded(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
    customer: &str,
    external_ref: Option<&str>,
) -> Result<RequestView, AppError> {
    let view = request(state, profile, name, customer, external_ref).await?;
    checklist::system_user_request_seen(state, profile, &view.request);
    Ok(view)
}

/// `status`, recorded when it shows something the checklist does not hold yet.
pub async fn status_recorded(
    state: &AppState,
    profile: &str,
    id: &str,
) -> Result<RequestView, AppError> {
    let view = status(state, profile, id).await?;
    checklist::system_user_request_seen(state, profile, &view.request);
    Ok(view)
}

/// `check_app_b`, recorded for the profile when one is given.
pub fn check_app_b_recorded(
    state: &AppState,
    profile: Option<&str>,
    path: &str,
) -> Result<AppBSystemUserReport, AppError> {
    let checked = check_app_b(path);
    if let Some(profile) = profile {
        match &checked {
            Ok(report) => checklist::app_b_checked(state, profile, path.trim(), report),
            Err(error) => checklist::step_failed(
                state,
                profile,
                HistoryAction::AppBCheck,
                StepId::AppBSystemUsers,
                error,
            ),
        }
    }
    checked
}

/// A request and what the person does next.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestView {
    pub request: SystemUserRequest,
    pub status: Status,
    pub next_step: assistant_domain::diagnosis::Localized,
    /// The confirm link as a QR code, while the customer has something to approve.
    pub confirm_qr: Option<QrPicture>,
}

fn request_view(request: SystemUserRequest) -> RequestView {
    let status = Status::parse(&request.status);
    // A link too long for a code is still shown as text to copy.
    let confirm_qr = request
        .confirm_url
        .as_deref()
        .filter(|_| status == Status::New)
        .and_then(|url| qr::picture(url).ok());
    RequestView {
        next_step: status.next_step(),
        status,
        request,
        confirm_qr,
    }
}

/// What the vendor's client must be allowed on this path: the system register, the requests
/// (docs/reference/systemuser.md §1), and app B's instances as the system user (§6, D-SBS).
pub const CLIENT_SCOPES: [&str; 5] = [
    register::SCOPE,
    request::WRITE_SCOPE,
    request::READ_SCOPE,
    "altinn:instances.read",
    "altinn:instances.write",
];

/// The vendor client's scopes against what this path needs.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClientScopes {
    pub needed: Vec<String>,
    pub missing: Vec<String>,
    /// Whether this call added the missing ones (the sandbox's client only).
    pub added: bool,
}

/// Compares the profile's scopes with [`CLIENT_SCOPES`]. With `add`, on the sandbox, adds the
/// missing ones to the profile and registers the client again (the sandbox's portal step); a
/// real client's scopes are granted in Samarbeidsportalen, so there it only says which.
pub async fn client_scopes(
    state: &AppState,
    profile: &str,
    add: bool,
) -> Result<ClientScopes, AppError> {
    let (dir, name) = (state.dir.clone(), profile.to_string());
    let found = blocking(move || inventory::show_profile(&dir, &name)).await?;
    let missing: Vec<String> = CLIENT_SCOPES
        .iter()
        .filter(|s| !found.scopes.iter().any(|have| have.as_str() == **s))
        .map(|s| s.to_string())
        .collect();
    let needed = CLIENT_SCOPES.iter().map(|s| s.to_string()).collect();
    if !add || missing.is_empty() {
        return Ok(ClientScopes {
            needed,
            missing,
            added: false,
        });
    }
    if found.environment != Environment::Sandbox {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "The scopes of a real client are granted in Samarbeidsportalen, not here: {}.",
                missing.join(", ")
            ),
        )
        .with_hint(
            "Ask Digdir for the system-user scopes on the client, add them to it in Samarbeidsportalen, then to the profile.",
        ));
    }
    let mut wider = found.clone();
    wider
        .scopes
        .extend(missing.iter().map(|s| Scope::from(s.as_str())));
    let dir = state.dir.clone();
    blocking(move || {
        inventory::save_profile(
            &dir,
            &inventory::SaveProfileRequest {
                original_name: Some(wider.name.to_string()),
                profile: wider,
            },
        )
    })
    .await?;
    crate::rehearsal::register_and_record(
        state,
        crate::sandbox::RegisterRequest {
            profile: found.name.to_string(),
        },
    )
    .await?;
    Ok(ClientScopes {
        needed,
        missing: Vec::new(),
        added: true,
    })
}

/// App B's repository read for the system-user path: its Altinn.App version and the rights its
/// policy lets an approver hand on.
pub fn check_app_b(path: &str) -> Result<AppBSystemUserReport, AppError> {
    let files = appconfig::files::load_app_b(std::path::Path::new(path.trim()))?;
    Ok(appconfig::appb_system::check(&files))
}

/// Asks the customer `customer` for a system user on the vendor's system, with app B's right.
/// Sending it again while one is pending gives that one back (§3.1).
pub async fn request(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
    customer: &str,
    external_ref: Option<&str>,
) -> Result<RequestView, AppError> {
    let (dir, wanted_name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &wanted_name)).await?;
    let (org, _, app_b) = needs(&profile)?;
    let body = NewSystemUserRequest {
        // An empty field is no reference: the grant would otherwise have to carry "".
        external_ref: external_ref
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        system_id: register::system_id(&org, name.unwrap_or(DEFAULT_NAME))?,
        // As the register stores it: nine digits, whatever spaces the person typed.
        party_org_no: assistant_domain::org::OrgNumber::parse(customer)
            .map(|org| org.as_str().to_string())
            .unwrap_or_else(|_| customer.trim().to_string()),
        rights: vec![register::app_right(&app_b)?],
    };
    let token = scoped_token(state, profile.name.as_str(), request::WRITE_SCOPE).await?;
    let platform = crate::tokens::endpoints(state, &profile).await?.altinn;
    let sent = request::create(&platform, &token, &body)?;
    let answer = state.transport()?.send(sent).await?;
    Ok(request_view(request::parse_request(&answer)?))
}

/// The request's status now.
pub async fn status(state: &AppState, profile: &str, id: &str) -> Result<RequestView, AppError> {
    let (dir, wanted_name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &wanted_name)).await?;
    let token = scoped_token(state, profile.name.as_str(), request::READ_SCOPE).await?;
    let platform = crate::tokens::endpoints(state, &profile).await?.altinn;
    let answer = state
        .transport()?
        .send(request::get(&platform, &token, id)?)
        .await?;
    Ok(request_view(request::parse_request(&answer)?))
}

/// Every request for the vendor's system (following the pages, on the same host only).
pub async fn list(
    state: &AppState,
    profile: &str,
    name: Option<&str>,
) -> Result<Vec<RequestView>, AppError> {
    let (dir, wanted_name) = (state.dir.clone(), profile.to_string());
    let profile = blocking(move || inventory::show_profile(&dir, &wanted_name)).await?;
    let (org, _, _) = needs(&profile)?;
    let system_id = register::system_id(&org, name.unwrap_or(DEFAULT_NAME))?;
    let token = scoped_token(state, profile.name.as_str(), request::READ_SCOPE).await?;
    let platform = crate::tokens::endpoints(state, &profile).await?.altinn;
    let transport = state.transport()?;
    let mut next = request::by_system(&platform, &token, &system_id)?;
    let mut all = Vec::new();
    for _ in 0..100 {
        let (page, link) = request::parse_page(&transport.send(next).await?)?;
        all.extend(page.into_iter().map(request_view));
        match link
            .and_then(|l| url::Url::parse(&l).ok())
            .filter(|l| l.origin() == platform.origin())
        {
            Some(link) => {
                next = assistant_domain::http::HttpRequest::get(link)
                    .header("Accept", "application/json")
                    .header("Authorization", format!("Bearer {}", token.expose_secret()))
            }
            None => break,
        }
    }
    Ok(all)
}

/// After an MP-303 for a system-user grant: looks at the vendor's systems and requests (with the
/// vendor's own tokens, when its client has those scopes) and names the cause. `None` when the
/// vendor APIs cannot be read or explain nothing: the general MP-303 diagnosis then stands.
pub async fn explain_mp303(
    state: &AppState,
    profile: &Profile,
    customer: &str,
    external_ref: Option<&str>,
    raw: &str,
) -> Option<assistant_domain::diagnosis::Diagnosis> {
    let client_id = profile.client_id.as_deref()?.to_string();
    let platform = crate::tokens::endpoints(state, profile).await.ok()?.altinn;
    let transport = state.transport().ok()?;
    let register_token = scoped_token(state, profile.name.as_str(), register::SCOPE)
        .await
        .ok()?;
    let systems = register::parse_list(
        &transport
            .send(register::list(&platform, &register_token).ok()?)
            .await
            .ok()?,
    )
    .ok()?;
    let mut requests = Vec::new();
    if let Ok(read_token) = scoped_token(state, profile.name.as_str(), request::READ_SCOPE).await {
        for system in systems.iter().filter(|s| s.client_id.contains(&client_id)) {
            let sent = request::by_system(&platform, &read_token, &system.id).ok()?;
            let (page, _) = request::parse_page(&transport.send(sent).await.ok()?).ok()?;
            requests.extend(page);
        }
    } else if systems.iter().any(|s| s.client_id.contains(&client_id)) {
        // The requests cannot be read: the cause cannot be told among the request-side ones.
        return None;
    }
    let customer = customer.trim().trim_start_matches("0192:");
    let seen = assistant_domain::systemuser::cause::Seen {
        client_id: &client_id,
        customer,
        external_ref,
        systems: &systems,
        requests: &requests,
    };
    assistant_domain::systemuser::cause::explain(&seen, raw)
}
