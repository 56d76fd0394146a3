//! Secrets at rest: one small trait, the OS keychain behind it, and an in-memory store for tests.
//! Entries are namespaced by service name, so debug and release builds never share a key.
//!
//! The keychain is the platform's own, chosen per target in Cargo.toml: Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows. keyring 3 silently falls back to a mock that
//! forgets everything when the process ends if no platform store is compiled in; for this tool
//! that would lose a private key whose public half was already uploaded, so any other target
//! fails to build instead.

// platform guard: begin (scripts/check-platforms.sh compiles these lines for a target without a
// keychain and expects the error)
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "no OS keychain for this target: Maskinporten Assistant keeps private keys in the Secret \
     Service (Linux), the Keychain (macOS) or the Credential Manager (Windows) only; a build for \
     another target would keep them in memory and lose them at exit"
);
// platform guard: end

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

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
        let hint = if cfg!(target_os = "windows") {
            "The keychain is the Windows Credential Manager (Control Panel → Credential Manager → \
             Windows Credentials): check that you are signed in to your own account, then try \
             again. Nothing was changed."
        } else if cfg!(target_os = "macos") {
            "The keychain is the macOS Keychain: unlock it (Keychain Access) and allow Maskinporten \
             Assistant when asked, then try again. Nothing was changed."
        } else {
            "On Linux the keychain is the Secret Service (GNOME Keyring or KWallet): make sure it \
             runs and is unlocked, then try again. Nothing was changed."
        };
        AppError::new(ErrorKind::Keychain, error.to_string()).with_hint(hint)
    }
}

/// A place for secrets, addressed by an account name inside this build's namespace.
/// Implementations block: call them from a blocking thread in async code.
pub trait SecretStore: Send + Sync {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError>;
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError>;
    /// Deleting an absent entry is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretStoreError>;
}

/// The OS keychain via the keyring crate (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows), with long secrets kept in parts (see [`Parted`]).
#[derive(Debug, Clone)]
pub struct KeychainStore {
    parted: Parted<KeyringEntries>,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            parted: Parted::new(KeyringEntries {
                service: service.into(),
            })
            .with_part_size(ENTRY_CHARS),
        }
    }

    /// With smaller parts, so tests can split short secrets on a real keychain.
    pub fn with_part_size(mut self, part_size: usize) -> Self {
        self.parted = self.parted.with_part_size(part_size);
        self
    }

    /// The namespace of this build (see [`keychain_service`]).
    pub fn for_this_build() -> Self {
        Self::new(keychain_service())
    }
}

impl SecretStore for KeychainStore {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        self.parted.put(account, secret)
    }

    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        self.parted.get(account)
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        self.parted.delete(account)
    }
}

/// One keychain entry per account, as keyring keeps it.
#[derive(Debug, Clone)]
struct KeyringEntries {
    service: String,
}

impl KeyringEntries {
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

impl SecretStore for KeyringEntries {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        self.entry(account)?
            .set_password(secret)
            .map_err(map_keyring)
    }

    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
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

/// Characters per entry: 2 × 1,000 bytes of UTF-16 fit the Windows limit with room to spare.
pub const PART_SIZE: usize = 1_000;

/// Characters the OS keychain keeps in one entry. Only Windows' Credential Manager is that small;
/// the Secret Service and the macOS Keychain take a private JWK whole, and every entry read is a
/// D-Bus connection with its own key exchange (about 10 ms each on Linux), so a key in three
/// entries cost three. Keys stored in parts by an older version are still read (the head says).
#[cfg(windows)]
const ENTRY_CHARS: usize = PART_SIZE;
#[cfg(not(windows))]
const ENTRY_CHARS: usize = 64 * 1024;
/// What a head starts with; a JWK, PEM or other secret never does.
const HEAD: &str = "\u{1}parts:v1:";

/// A store over one whose entries are small. Windows keeps at most 2,560 bytes in one
/// credential (`CRED_MAX_CREDENTIAL_BLOB_SIZE`), and keyring stores text as UTF-16, so at most
/// 1,280 characters: a 2048-bit private JWK is about 1,700. A longer secret is kept in parts:
/// `account.<tag>.1` … `account.<tag>.N` hold the text, and `account` itself a head with the
/// number of parts and the SHA-256 of the whole (the tag is its first 8 hex digits), so a part
/// that is lost or changed is noticed rather than read as a broken key. A new value's parts are
/// written beside the old value's, then the head is switched, then the old parts go: a write that
/// fails halfway leaves the old value whole, and a head never points at parts that are not there.
#[derive(Debug, Clone)]
pub struct Parted<S> {
    inner: S,
    /// The largest piece kept in one entry, in characters.
    part_size: usize,
}

/// What an entry's head says: how many parts, and their digest.
struct Head {
    count: usize,
    digest: String,
}

impl Head {
    fn parse(value: &str) -> Option<Head> {
        let (count, digest) = value.strip_prefix(HEAD)?.split_once(':')?;
        Some(Head {
            count: count.parse().ok()?,
            digest: digest.to_string(),
        })
    }

    fn of(secret: &str, count: usize) -> Head {
        let digest = Sha256::digest(secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Head { count, digest }
    }

    fn text(&self) -> String {
        format!("{HEAD}{}:{}", self.count, self.digest)
    }

    fn part(&self, account: &str, index: usize) -> String {
        let tag = self.digest.get(..8).unwrap_or(&self.digest);
        format!("{account}.{tag}.{index}")
    }
}

impl<S: SecretStore> Parted<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            part_size: PART_SIZE,
        }
    }

    pub fn with_part_size(mut self, part_size: usize) -> Self {
        self.part_size = part_size.max(1);
        self
    }

    fn head_of(&self, account: &str) -> Result<Option<Head>, SecretStoreError> {
        Ok(self
            .inner
            .get(account)?
            .and_then(|value| Head::parse(&value)))
    }

    /// Removes the parts behind `head`, unless `keep` is the same value (same parts).
    fn delete_parts(
        &self,
        account: &str,
        head: Option<&Head>,
        keep: Option<&Head>,
        upto: usize,
    ) -> Result<(), SecretStoreError> {
        let Some(head) = head else { return Ok(()) };
        if keep.is_some_and(|k| k.digest == head.digest) {
            return Ok(());
        }
        for i in 1..=upto.min(head.count) {
            self.inner.delete(&head.part(account, i))?;
        }
        Ok(())
    }
}

impl<S: SecretStore> SecretStore for Parted<S> {
    fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        let old = self.head_of(account)?;
        let chars: Vec<char> = secret.chars().collect();
        if chars.len() <= self.part_size && !secret.starts_with(HEAD) {
            self.inner.put(account, secret)?;
            return self.delete_parts(account, old.as_ref(), None, usize::MAX);
        }
        let parts: Vec<String> = chars
            .chunks(self.part_size)
            .map(|c| c.iter().collect())
            .collect();
        let new = Head::of(secret, parts.len());
        for (i, text) in parts.iter().enumerate() {
            if let Err(e) = self.inner.put(&new.part(account, i + 1), text) {
                let _ = self.delete_parts(account, Some(&new), old.as_ref(), i);
                return Err(e);
            }
        }
        if let Err(e) = self.inner.put(account, &new.text()) {
            let _ = self.delete_parts(account, Some(&new), old.as_ref(), usize::MAX);
            return Err(e);
        }
        self.delete_parts(account, old.as_ref(), Some(&new), usize::MAX)
    }

    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        let Some(value) = self.inner.get(account)? else {
            return Ok(None);
        };
        let Some(head) = Head::parse(&value) else {
            return Ok(Some(value));
        };
        let mut whole = Zeroizing::new(String::new());
        for i in 1..=head.count {
            let text = self.inner.get(&head.part(account, i))?.ok_or_else(|| {
                SecretStoreError::Refused(format!(
                    "part {i} of {} of the entry {account} is missing from the keychain",
                    head.count
                ))
            })?;
            whole.push_str(&text);
        }
        if Head::of(&whole, head.count).digest != head.digest {
            return Err(SecretStoreError::Refused(format!(
                "the parts of the entry {account} in the keychain do not add up to what was stored"
            )));
        }
        Ok(Some(whole))
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        let head = self.head_of(account)?;
        self.inner.delete(account)?;
        self.delete_parts(account, head.as_ref(), None, usize::MAX)
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

    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
        Ok(self.lock().get(account).cloned().map(Zeroizing::new))
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
        assert_eq!(
            store
                .get("key:a")
                .expect("get")
                .as_deref()
                .map(String::as_str),
            Some("s3cret")
        );
        store.delete("key:a").expect("delete");
        store
            .delete("key:a")
            .expect("second delete is not an error");
        assert_eq!(store.get("key:a").expect("get"), None);
    }

    /// Parts of at most 10 characters (Windows keeps at most 1,280), and a switch that makes the
    /// writes after the next n fail.
    #[derive(Default)]
    struct Small {
        memory: MemoryStore,
        fail_after: Mutex<Option<usize>>,
    }

    impl SecretStore for Small {
        fn put(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
            assert!(
                secret.starts_with(HEAD) || secret.chars().count() <= 10,
                "{account}: {} characters in one entry",
                secret.chars().count()
            );
            let mut fail = self.fail_after.lock().expect("lock");
            match fail.as_mut() {
                Some(0) => {
                    return Err(SecretStoreError::Unavailable(
                        "the keychain is locked".into(),
                    ));
                }
                Some(n) => *n -= 1,
                None => {}
            }
            self.memory.put(account, secret)
        }
        fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretStoreError> {
            self.memory.get(account)
        }
        fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
            self.memory.delete(account)
        }
    }

    fn parted() -> Parted<Small> {
        Parted::new(Small::default()).with_part_size(10)
    }

    #[test]
    fn a_long_secret_is_kept_in_parts_read_back_whole_and_deleted_whole() {
        let store = parted();
        let secret = "{\"kty\":\"RSA\",\"d\":\"æøå-0123456789-abcdefghij\"}";
        store.put("jwk:a", secret).expect("put");
        assert_eq!(store.inner.memory.len(), 1 + 5, "a head and five parts");
        assert_eq!(
            store
                .get("jwk:a")
                .expect("get")
                .as_deref()
                .map(String::as_str),
            Some(secret)
        );
        store.put("jwk:b", "short").expect("a short one");
        assert_eq!(
            store
                .get("jwk:b")
                .expect("get")
                .as_deref()
                .map(String::as_str),
            Some("short")
        );
        store.delete("jwk:a").expect("delete");
        assert_eq!(store.inner.memory.len(), 1, "only jwk:b is left");
        assert_eq!(store.get("jwk:a").expect("get"), None);
    }

    #[test]
    fn a_new_value_replaces_every_part_of_the_old_one_and_a_failed_write_keeps_the_old() {
        let store = parted();
        let old = "x".repeat(45);
        store.put("jwk:a", &old).expect("put");
        // Shorter, then short enough for one entry: no part of an earlier value is left behind.
        store.put("jwk:a", &"y".repeat(25)).expect("shorter");
        assert_eq!(store.inner.memory.len(), 1 + 3);
        store.put("jwk:a", "z").expect("one entry");
        assert_eq!(store.inner.memory.len(), 1);
        assert_eq!(
            store
                .get("jwk:a")
                .expect("get")
                .as_deref()
                .map(String::as_str),
            Some("z")
        );
        // A write that fails after two of its parts leaves the earlier value readable and whole.
        store.put("jwk:a", &old).expect("put");
        *store.inner.fail_after.lock().expect("lock") = Some(2);
        store
            .put("jwk:a", &"n".repeat(45))
            .expect_err("the keychain fails");
        *store.inner.fail_after.lock().expect("lock") = None;
        assert_eq!(store.get("jwk:a").expect("get"), Some(old.clone().into()));
        assert_eq!(
            store.inner.memory.len(),
            1 + 5,
            "no part of the failed write is left"
        );
        // The same value again (a retried write) keeps its parts.
        store.put("jwk:a", &old).expect("again");
        assert_eq!(store.get("jwk:a").expect("get"), Some(old.into()));
    }

    #[test]
    fn a_missing_or_changed_part_is_an_error_not_a_broken_key() {
        let store = parted();
        store.put("jwk:a", &"k".repeat(30)).expect("put");
        let head = Head::parse(&store.inner.memory.get("jwk:a").unwrap().unwrap()).expect("head");
        store
            .inner
            .memory
            .put(&head.part("jwk:a", 2), "kkkkkkkkkK")
            .expect("tamper");
        let changed = store.get("jwk:a").expect_err("changed");
        assert!(changed.to_string().contains("do not add up"), "{changed}");
        store
            .inner
            .memory
            .delete(&head.part("jwk:a", 3))
            .expect("lose");
        let missing = store.get("jwk:a").expect_err("missing");
        assert!(missing.to_string().contains("part 3 of 3"), "{missing}");
        // A secret that happens to look like a head is stored in parts, never taken for one.
        store.put("jwk:b", "\u{1}parts:v1:1:ab").expect("put");
        assert_eq!(
            store
                .get("jwk:b")
                .expect("get")
                .as_deref()
                .map(String::as_str),
            Some("\u{1}parts:v1:1:ab")
        );
    }
}
