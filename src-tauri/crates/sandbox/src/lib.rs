//! Strict local emulators of Maskinporten, Altinn authentication, an Altinn app ("app B"),
//! Azure Key Vault and Entra ID, each on its own 127.0.0.1 port.
//!
//! The sandbox is both a product feature (rehearse the whole set-up with no account) and the
//! test bed of the assistant: every rule it enforces cites its source in
//! `shared/reference/protocols.md` or `shared/reference/config-keyvault-selfservice.md`, and where
//! a fact is UNCONFIRMED it takes the strict side, so that a client which passes the sandbox
//! also passes Maskinporten test and Altinn TT02.
//!
//! ```no_run
//! # async fn demo() -> Result<(), assistant_sandbox::SandboxError> {
//! use assistant_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! println!("Maskinporten issuer: {}", sandbox.urls().maskinporten);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers answer early with a ready `Response` (`Result<_, Response>`); it is 128 bytes, and
// boxing every early answer would only add noise on paths that return straight to axum.
#![allow(clippy::result_large_err)]

mod altinn;
mod app;
mod clock;
mod control;
pub mod defaults;
mod entra;
mod error;
mod fault;
mod http;
mod ids;
mod jwt;
mod keys;
mod keyvault;
mod log;
mod maskinporten;
mod rehearsal;
mod seed;
mod serve;
mod state;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use app::definition::{AppDefinition, AppRule};
pub use control::Control;
pub use error::SandboxError;
pub use fault::{Fault, FaultKind, FaultSchedule};
pub use ids::{is_valid_national_identity_number, is_valid_org_number};
pub use log::LogEntry;
pub use seed::{
    MaskinportenClient, Organisation, Party, PartyType, RegisteredKey, ScopeDelegation, Seed,
    SystemUser, VaultIdentity, VaultRole, VaultSeed,
};

/// What to start: the data to seed and the address to listen on.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Organisations, clients, app B, parties, the vault and its identities.
    pub seed: Seed,
    /// The address every service binds to (with port 0). Keep it on loopback: the
    /// self-service API and `/_sandbox/log` have no authentication.
    pub bind: IpAddr,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            seed: Seed::default(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }
}

/// One emulated host. Each has its own port, because each is a different host in reality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// `test.maskinporten.no`: metadata, JWKS, `/token` and the self-service client API.
    Maskinporten,
    /// `platform.tt02.altinn.no`: the token exchange and the platform's signing keys.
    AltinnPlatform,
    /// `{org}.apps.tt02.altinn.no`: app B.
    Apps,
    /// `<vault>.vault.azure.net`.
    KeyVault,
    /// `login.microsoftonline.com`: device-code sign-in.
    Entra,
}

impl Service {
    /// Every service, in a fixed order.
    pub const ALL: [Service; 5] = [
        Service::Maskinporten,
        Service::AltinnPlatform,
        Service::Apps,
        Service::KeyVault,
        Service::Entra,
    ];

    pub(crate) fn index(self) -> usize {
        match self {
            Service::Maskinporten => 0,
            Service::AltinnPlatform => 1,
            Service::Apps => 2,
            Service::KeyVault => 3,
            Service::Entra => 4,
        }
    }
}

/// Base URLs of the running services.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SandboxUrls {
    /// The Maskinporten issuer, with a trailing slash (`http://127.0.0.1:PORT/`). It is also
    /// the `aud` a grant must carry.
    pub maskinporten: String,
    /// The Altinn platform base, no trailing slash (`http://127.0.0.1:PORT`).
    pub altinn_platform: String,
    /// The apps host, no trailing slash; app B lives under `/{org}/{app}/`.
    pub apps: String,
    /// The vault URI, no trailing slash (`https://<name>.vault.azure.net` in reality).
    pub key_vault: String,
    /// The Entra login base, no trailing slash; the tenant follows (`{entra}/{tenant}/oauth2/v2.0/…`).
    pub entra: String,
}

/// The header that carries a run's secret (see [`Sandbox::secret`]).
pub const SECRET_HEADER: &str = "x-sandbox-secret";
/// The query parameter that may carry it instead (the device-login page opened in a browser).
pub const SECRET_QUERY: &str = "s";

/// A running sandbox. Drop it or call [`Sandbox::shutdown`] to stop every service.
#[derive(Debug)]
pub struct Sandbox {
    state: Arc<state::State>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds every service on `config.bind` with a random port and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let keys = keys::ServiceKeys::load().await?;
        let mut listeners = Vec::with_capacity(Service::ALL.len());
        for service in Service::ALL {
            let listener = TcpListener::bind((config.bind, 0))
                .await
                .map_err(|source| SandboxError::Bind { service, source })?;
            let port = listener
                .local_addr()
                .map_err(|source| SandboxError::Bind { service, source })?
                .port();
            listeners.push((
                service,
                listener,
                format!("http://{}:{port}", host(config.bind)),
                port,
            ));
        }
        let base = |service: Service| listeners[service.index()].2.clone();
        let urls = SandboxUrls {
            maskinporten: format!("{}/", base(Service::Maskinporten)),
            altinn_platform: base(Service::AltinnPlatform),
            apps: base(Service::Apps),
            key_vault: base(Service::KeyVault),
            entra: base(Service::Entra),
        };
        let state = Arc::new(state::State::new(config.seed, urls, keys)?);
        let (stop, stopped) = watch::channel(false);
        let tasks = listeners
            .into_iter()
            .map(|(service, listener, _, port)| {
                let router = match service {
                    Service::Maskinporten => maskinporten::router(state.clone()),
                    Service::AltinnPlatform => altinn::router(state.clone()),
                    Service::Apps => app::router(state.clone()),
                    Service::KeyVault => keyvault::router(state.clone()),
                    Service::Entra => entra::router(state.clone()),
                };
                serve::spawn(
                    service,
                    (listener, port),
                    router,
                    state.clone(),
                    stopped.clone(),
                )
            })
            .collect();
        Ok(Sandbox { state, stop, tasks })
    }

    /// Base URLs of the services.
    pub fn urls(&self) -> &SandboxUrls {
        &self.state.urls
    }

    /// This run's secret. The routes no real service has (`/_sandbox/…`), the device-login page
    /// (which signs in as a seeded identity, the vault's admin among them) and the self-service
    /// API (which has no authentication here) answer 401 without it, in the
    /// [`SECRET_HEADER`] header or the [`SECRET_QUERY`] parameter. Every service also answers
    /// 403 to a `Host` other than its own loopback address (DNS rebinding).
    pub fn secret(&self) -> &str {
        &self.state.secret
    }

    /// A handle to steer the running sandbox: clients, keys, device codes, faults, clock, log.
    pub fn control(&self) -> Control {
        Control::new(self.state.clone())
    }

    /// Stops accepting, closes open connections and waits for the listeners to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}
