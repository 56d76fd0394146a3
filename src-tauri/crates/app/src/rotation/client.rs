//! The self-service API as the rotation uses it: the admin client's token, and key-set changes
//! that are always read back.

use assistant_domain::chain::ChainOptions;
use assistant_domain::http::{HttpRequest, Transport};
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::secret::AccessToken;
use assistant_domain::selfservice::{self, KeySet};
use assistant_domain::{AppError, ErrorKind};

use crate::AppState;
use crate::blocking::blocking;

/// A Maskinporten token for the organisation's self-service admin client.
async fn admin_token(state: &AppState, via: &str) -> Result<AccessToken, AppError> {
    let options = ChainOptions {
        scopes: vec![
            selfservice::READ_SCOPE.into(),
            selfservice::WRITE_SCOPE.into(),
        ],
        ..ChainOptions::default()
    };
    let crate::flows::TokenRun { report, tokens } =
        crate::flows::token_test(state, via, options).await?;
    match tokens {
        Some(tokens) if report.ok => Ok(tokens.access_token),
        _ => Err(AppError::new(
            ErrorKind::Server,
            format!(
                "The self-service admin client (profile \"{via}\") got no token with {} {}.",
                selfservice::READ_SCOPE,
                selfservice::WRITE_SCOPE
            ),
        )
        .with_hint(
            "Check that profile's client id and key, and that Digdir granted it these scopes.",
        )),
    }
}

pub(super) struct SelfServiceApi {
    pub base: url::Url,
    pub token: Option<AccessToken>,
    pub client_id: String,
    pub sandbox: bool,
    /// The sandbox's stand-in for the admin token (its run secret).
    pub sandbox_secret: Option<String>,
}

impl SelfServiceApi {
    /// The API for a profile's client: the sandbox's own (its run secret in place of a token),
    /// else Digdir's with the admin client's token (`via`, a profile).
    pub async fn for_profile(
        state: &AppState,
        profile: &Profile,
        via: Option<&str>,
    ) -> Result<Self, AppError> {
        let endpoints = crate::flows::endpoints(state, profile).await?;
        let base = selfservice::base_for(&profile.environment, &endpoints.maskinporten);
        let sandbox = profile.environment == Environment::Sandbox;
        let token = match via {
            _ if sandbox => None,
            Some(via) => Some(admin_token(state, via).await?),
            None => {
                return Err(AppError::new(
                    ErrorKind::InvalidInput,
                    "No self-service admin client given (--via PROFILE).",
                )
                .with_hint("Name the profile of your organisation's self-service admin client (idporten:dcr.read, idporten:dcr.write), or make the change in Samarbeidsportalen."));
            }
        };
        let client_id = profile
            .client_id
            .as_deref()
            .map(str::to_string)
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("Profile \"{}\" has no client id.", profile.name),
                )
            })?;
        let sandbox_secret = if sandbox {
            state.sandbox.self_service_secret(&state.dir).await
        } else {
            None
        };
        Ok(Self {
            base,
            token,
            client_id,
            sandbox,
            sandbox_secret,
        })
    }

    fn with_secret(&self, request: HttpRequest) -> HttpRequest {
        match &self.sandbox_secret {
            Some(secret) => request.header(assistant_sandbox::SECRET_HEADER, secret.clone()),
            None => request,
        }
    }

    pub async fn read(&self, state: &AppState) -> Result<KeySet, AppError> {
        let request = self.with_secret(selfservice::read_keys(
            &self.base,
            &self.client_id,
            self.token.as_ref(),
        )?);
        let response = state.transport()?.send(request).await?;
        selfservice::parse_keys(&response, &self.client_id)
    }

    /// Sends the whole set, then reads it back (the API replaces the set; never trust the POST
    /// alone, §4.4). On the sandbox the set is kept in `sandbox.json`, as the portal keeps it.
    pub async fn replace(&self, state: &AppState, set: &KeySet) -> Result<KeySet, AppError> {
        let request = self.with_secret(selfservice::replace_keys(
            &self.base,
            &self.client_id,
            self.token.as_ref(),
            set,
        )?);
        let response = state.transport()?.send(request).await?;
        selfservice::parse_keys(&response, &self.client_id)?;
        let now = self.read(state).await?;
        if self.sandbox {
            let (dir, client, keys) = (state.dir.clone(), self.client_id.clone(), now.keys.clone());
            blocking(move || crate::sandbox::remember_keys(&dir, &client, keys)).await?;
        }
        Ok(now)
    }
}
