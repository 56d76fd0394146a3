//! What every command and CLI call gets: the data folder, the secret store and the clock.

use std::sync::Arc;

use assistant_domain::clock::{Clock, SystemClock};
use assistant_domain::datadir::DataDir;
use assistant_domain::secret_store::{KeychainStore, SecretStore};

#[derive(Clone)]
pub struct AppState {
    pub dir: DataDir,
    pub store: Arc<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
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
        Self {
            dir,
            store: Arc::new(KeychainStore::for_this_build()),
            clock: Arc::new(SystemClock),
        }
    }
}
