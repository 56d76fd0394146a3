//! Secrets at rest: one small trait, the OS keychain behind it, and an in-memory store for tests.
//! Entries are namespaced by service name, so debug and release builds never share a key.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{AppError, ErrorKind};

/// The keychain service name of this build. Debug builds get their own namespace.
pub fn keychain_service() -> &'static str {
    if cfg!(debug_assertions) {
        "no.maskinporten-assistant.dev"
    } else {
        "no.maskinporten-assistant"
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretStoreError {
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("the OS keychain refused the operation: {0}")]
    Refused(String),
}

impl From<SecretStoreError> for AppError {
    fn from(error: SecretStoreError) -> Self {
        AppError::new(ErrorKind::Keychain, error.to_string()).with_hint(
            "On Linux the keychain is the Secret Service (GNOME Keyring or KWallet): make sure it \
             runs and is unlocked, then try again. Nothing was changed.",
        )
    }
}

/// A place for secrets, addressed by an account name inside this build's namespace.
/// Implementations block: call them from a blocking thread in async code.
pub trait SecretStore: Send + Sync {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError>;
    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError>;
    /// Deleting an absent entry is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretStoreError>;
}

/// The OS keychain via the keyring crate (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows).
#[derive(Debug, Clone)]
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The namespace of this build (see [`keychain_service`]).
    pub fn for_this_build() -> Self {
        Self::new(keychain_service())
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretStoreError> {
        keyring::Entry::new(&self.service, account).map_err(map_keyring)
    }
}

fn map_keyring(error: keyring::Error) -> SecretStoreError {
    match error {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            SecretStoreError::Unavailable(e.to_string())
        }
        other => SecretStoreError::Refused(other.to_string()),
    }
}

impl SecretStore for KeychainStore {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        self.entry(account)?
            .set_password(secret)
            .map_err(map_keyring)
    }

    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// An in-memory store for tests (and nothing else: it forgets everything at exit). Its Debug
/// shows how many entries it has, never what they are.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.len())
            .finish()
    }
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding the lock cannot leave the map half-written, so poison is harmless.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        self.lock().insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError> {
        Ok(self.lock().get(account).cloned())
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        self.lock().remove(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_release_builds_use_different_keychain_namespaces() {
        let service = keychain_service();
        assert!(service.starts_with("no.maskinporten-assistant"));
        assert_eq!(service.ends_with(".dev"), cfg!(debug_assertions));
    }

    #[test]
    fn memory_store_round_trips_and_deleting_twice_is_fine() {
        let store = MemoryStore::default();
        store.put("key:a", "s3cret").expect("put");
        assert_eq!(store.get("key:a").expect("get").as_deref(), Some("s3cret"));
        store.delete("key:a").expect("delete");
        store
            .delete("key:a")
            .expect("second delete is not an error");
        assert_eq!(store.get("key:a").expect("get"), None);
    }
}
