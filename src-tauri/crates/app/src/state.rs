//! What every command and CLI call gets: the data folder, the secret store, the clock, the HTTP
//! transport, the in-session token caches and the sandbox host.

use std::sync::{Arc, Mutex, OnceLock};

use assistant_domain::AppError;
use assistant_domain::chain::{Session, Tokens};
use assistant_domain::clock::{Clock, SystemClock};
use assistant_domain::datadir::DataDir;
use assistant_domain::http::ReqwestTransport;
use assistant_domain::secret_store::{KeychainStore, SecretStore};

use crate::sandbox::SandboxHost;

#[derive(Clone)]
pub struct AppState {
    pub dir: DataDir,
    pub store: Arc<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
    pub session: Arc<Session>,
    pub sandbox: Arc<SandboxHost>,
    /// The tokens of the last successful token test, for the copy button (never sent to the UI).
    pub last_tokens: Arc<Mutex<Option<Tokens>>>,
    /// The Azure sign-in for Key Vault: memory only, never sent to the UI.
    pub vault: Arc<crate::keyvault::VaultLogin>,
    /// The last token copied to the clipboard, cleared from there when the window closes.
    pub copied: Arc<crate::clipboard::CopiedSecret>,
    transport: Arc<OnceLock<ReqwestTransport>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The real thing: the OS keychain in this build's namespace and the system clock.
    pub fn new(dir: DataDir) -> Self {
        Self::with(
            dir,
            Arc::new(KeychainStore::for_this_build()),
            Arc::new(SystemClock),
        )
    }

    /// Any secret store and clock: tests run every flow with an in-memory store and a set clock.
    pub fn with(dir: DataDir, store: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            dir,
            store,
            clock,
            session: Arc::default(),
            sandbox: Arc::default(),
            last_tokens: Arc::default(),
            vault: Arc::default(),
            copied: Arc::default(),
            transport: Arc::default(),
        }
    }

    /// Appends a secret-free history line; a failure to write history never fails the action.
    pub fn remember(&self, entry: assistant_domain::history::HistoryEntry) {
        let _ = assistant_domain::history::append(&self.dir, &entry);
    }

    /// The one HTTP client, built on first use (a bad CA bundle is reported then, not at start).
    pub fn transport(&self) -> Result<&ReqwestTransport, AppError> {
        if let Some(t) = self.transport.get() {
            return Ok(t);
        }
        let built = ReqwestTransport::new(None)?;
        Ok(self.transport.get_or_init(|| built))
    }
}
