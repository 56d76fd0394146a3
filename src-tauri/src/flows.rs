//! Flows that join the domain with the app's runtime parts (the keychain on a blocking thread,
//! the sandbox host), shared by the window's commands and the CLI so both behave the same.

use assistant_domain::chain::{self, ChainOptions, ChainReport, Tokens};
use assistant_domain::endpoints::Endpoints;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::{AppError, ErrorKind, inventory};

use crate::AppState;

pub async fn blocking<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        AppError::new(
            ErrorKind::Internal,
            format!("a background task failed: {e}"),
        )
    })?
}

pub async fn endpoints(state: &AppState, profile: &Profile) -> Result<Endpoints, AppError> {
    match &profile.environment {
        Environment::Sandbox => state.sandbox.endpoints_for(&state.dir, profile).await,
        other => Endpoints::for_environment(other, None),
    }
}

/// The token chain for a profile: key from the keychain, endpoints for its environment (the
/// sandbox started when needed), then `chain::run`. Successful tokens are kept in the session.
pub async fn token_test(
    state: &AppState,
    profile: &str,
    options: ChainOptions,
) -> Result<(ChainReport, Option<Tokens>), AppError> {
    let (dir, store, name) = (state.dir.clone(), state.store.clone(), profile.to_string());
    let (profile, request, context, key) = blocking(move || {
        let profile = inventory::show_profile(&dir, &name)?;
        let (request, context) = chain::request_for_profile(&profile, &options)?;
        let key = inventory::signing_key(&dir, &*store, &request.kid)?;
        Ok((profile, request, context, key))
    })
    .await?;
    let endpoints = endpoints(state, &profile).await?;
    let transport = state.transport()?;
    let result = chain::run(
        &state.session,
        transport,
        &*state.clock,
        &key,
        &endpoints,
        &request,
        context,
    )
    .await;
    if let Some(tokens) = &result.1 {
        *state
            .last_tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens.clone());
    }
    Ok(result)
}
