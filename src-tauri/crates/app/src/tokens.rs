//! The two things every flow needs first and that depend on nothing but the state: the
//! endpoints of a profile's environment (the sandbox started when needed), and one fresh token
//! request. A leaf, so `flows`, `rotation` and `systemuser` can all use it.

use assistant_domain::chain::{self, ChainOptions, ChainReport, Tokens};
use assistant_domain::endpoints::Endpoints;
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::{AppError, inventory};

use crate::AppState;
use crate::blocking::blocking;

pub async fn endpoints(state: &AppState, profile: &Profile) -> Result<Endpoints, AppError> {
    match &profile.environment {
        Environment::Sandbox => state.sandbox.endpoints_for(&state.dir, profile).await,
        other => Endpoints::for_environment(other, None),
    }
}

/// One run of the token chain: the report the person reads, and the tokens when it succeeded.
#[derive(Debug)]
pub struct TokenRun {
    pub report: ChainReport,
    pub tokens: Option<Tokens>,
}

/// One token request for this profile value, never from the cache, with no exchange unless
/// asked and no checklist line: the proofs and the vendor API tokens use it.
pub async fn fresh_token(
    state: &AppState,
    profile: &Profile,
    options: ChainOptions,
) -> Result<(ChainReport, Option<Tokens>), AppError> {
    let (dir, store, value) = (state.dir.clone(), state.store.clone(), profile.clone());
    let (request, context, key) = blocking(move || {
        let (request, context) = chain::request_for_profile(&value, &options)?;
        let key = inventory::signing_key(&dir, &*store, &request.kid)?;
        Ok((request, context, key))
    })
    .await?;
    let endpoints = endpoints(state, profile).await?;
    state.session.forget_tokens(&endpoints, &request);
    Ok(chain::run(
        &state.session,
        state.transport()?,
        &*state.clock,
        &key,
        &endpoints,
        &request,
        context,
    )
    .await)
}
