//! Flows that join the domain with the app's runtime parts (the keychain on a blocking thread,
//! the sandbox host), shared by the window's commands and the CLI so both behave the same.

use assistant_domain::chain::{self, ChainOptions, ChainReport};
use assistant_domain::endpoints::Endpoints;
use assistant_domain::profile::Profile;
use assistant_domain::{AppError, ErrorKind, inventory};

use serde::Deserialize;

use crate::AppState;

pub use crate::blocking::blocking;
pub use crate::tokens::{TokenRun, endpoints, fresh_token};

/// What a chain run for a profile needs: the profile, the request built from it and the
/// options, what a diagnosis may name, and the signing key from the keychain.
struct Prepared {
    profile: Profile,
    request: chain::ChainRequest,
    context: assistant_domain::diagnosis::Context,
    key: rsa::RsaPrivateKey,
}

/// Reads the profile and its signing key on a blocking thread (the keychain blocks).
async fn prepare(
    state: &AppState,
    profile: &str,
    options: ChainOptions,
) -> Result<Prepared, AppError> {
    let (dir, store, name) = (state.dir.clone(), state.store.clone(), profile.to_string());
    blocking(move || {
        let profile = inventory::show_profile(&dir, &name)?;
        let (request, context) = chain::request_for_profile(&profile, &options)?;
        let key = inventory::signing_key(&dir, &*store, &request.kid)?;
        Ok(Prepared {
            profile,
            request,
            context,
            key,
        })
    })
    .await
}

/// The token chain for a profile: key from the keychain, endpoints for its environment (the
/// sandbox started when needed), then `chain::run`. Successful tokens are kept in the session.
pub async fn token_test(
    state: &AppState,
    profile: &str,
    options: ChainOptions,
) -> Result<TokenRun, AppError> {
    let system_user = options
        .system_user_org
        .clone()
        .map(|org| (org, options.external_ref.clone()));
    let Prepared {
        profile,
        request,
        context,
        key,
    } = prepare(state, profile, options).await?;
    let endpoints = endpoints(state, &profile).await?;
    let transport = state.transport()?;
    let (report, tokens) = chain::run(
        &state.session,
        transport,
        &*state.clock,
        &key,
        &endpoints,
        &request,
        context,
    )
    .await;
    let mut result = TokenRun { report, tokens };
    // MP-303 looks the same whatever its cause: look at the vendor's systems and requests.
    if let (Some((org, external_ref)), Some(diagnosis)) = (&system_user, &result.report.diagnosis)
        && diagnosis.code == assistant_domain::diagnosis::DiagnosisCode::SystemUserNotFound
    {
        let raw = diagnosis.raw.clone().unwrap_or_default();
        if let Some(cause) =
            crate::systemuser::explain_mp303(state, &profile, org, external_ref.as_deref(), &raw)
                .await
        {
            result.report.diagnosis = Some(cause);
        }
    }
    crate::checklist::token_tested(state, &profile.name, request.exchange, &result.report);
    if let Some(tokens) = &result.tokens {
        *state
            .last_tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens.clone());
    }
    Ok(result)
}

/// A proof that Maskinporten issues a token for this profile value as it is (a rotation signs
/// with a key the saved profile does not name yet): always a fresh request, never the cache,
/// no exchange, and no checklist line (the rotation records its own).
pub async fn token_proof(state: &AppState, profile: &Profile) -> Result<ChainReport, AppError> {
    let (report, _) = fresh_token(state, profile, ChainOptions::default()).await?;
    Ok(report)
}

/// Everything needed to call app B for a profile: its key, the chain request, the endpoints.
pub struct AppTarget {
    pub profile: Profile,
    key: rsa::RsaPrivateKey,
    request: chain::ChainRequest,
    context: assistant_domain::diagnosis::Context,
    endpoints: Endpoints,
    pub app: url::Url,
}

impl std::fmt::Debug for AppTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppTarget")
            .field("profile", &self.profile.name)
            .field("app", &self.app.as_str())
            .finish_non_exhaustive()
    }
}

impl AppTarget {
    /// The kid the calls are signed with, for the checklist's history lines.
    pub fn kid(&self) -> &str {
        &self.request.kid
    }

    /// Altinn tokens from the session's cache, refreshed by a chain run when they run out.
    pub fn tokens<'a>(
        &'a self,
        state: &'a AppState,
    ) -> Result<chain::ChainTokenSource<'a>, AppError> {
        Ok(chain::ChainTokenSource {
            session: &state.session,
            transport: state.transport()?,
            clock: &*state.clock,
            key: &self.key,
            endpoints: self.endpoints.clone(),
            request: self.request.clone(),
            context: self.context.clone(),
            refresh: Default::default(),
        })
    }
}

/// Resolves a profile's app B (`org/app`) and everything needed to call it.
pub async fn app_target(state: &AppState, profile: &str) -> Result<AppTarget, AppError> {
    app_target_as(state, profile, None).await
}

/// A customer's system user the calls act as: the customer's organisation and the
/// `externalRef` the system user was requested with (docs/reference/systemuser.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActingAs {
    pub system_user_org: String,
    #[serde(default)]
    pub external_ref: Option<String>,
}

/// `app_target`, with the Altinn token of a system user when `acting` names one.
pub async fn app_target_as(
    state: &AppState,
    profile: &str,
    acting: Option<&ActingAs>,
) -> Result<AppTarget, AppError> {
    let options = ChainOptions {
        exchange: true,
        system_user_org: acting.map(|a| a.system_user_org.clone()),
        external_ref: acting.and_then(|a| a.external_ref.clone()),
        ..ChainOptions::default()
    };
    let Prepared {
        profile,
        request,
        context,
        key,
    } = prepare(state, profile, options).await?;
    let app_b = profile.app_b.clone().ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" names no app B (org/app).", profile.name),
        )
        .with_hint("Set app B in the profile, e.g. ttd/sandbox-app-b in the sandbox.")
    })?;
    let (org, app) = app_b.split_once('/').ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("\"{app_b}\" is not org/app."),
        )
    })?;
    let endpoints = endpoints(state, &profile).await?;
    let app = endpoints.app(org, app)?;
    Ok(AppTarget {
        profile,
        key,
        request,
        context,
        endpoints,
        app,
    })
}
