//! The vaults this machine has written a private key to (`known-vaults.json` in the data
//! folder: origins only, nothing secret). Before the first private-key write to any other vault
//! the person is asked, with the host named, so a mistyped or look-alike vault URL is caught by
//! a human before the `EncodedJwk` leaves the machine.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::datadir::{DataDir, DataDirError};

pub const FILE: &str = "known-vaults.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct KnownVaults {
    /// Vault origins, e.g. `https://ttd-kv.vault.azure.net`, lower case.
    vaults: Vec<String>,
}

fn origin(vault: &Url) -> String {
    vault.origin().ascii_serialization().to_ascii_lowercase()
}

/// Whether a private key was written to this vault from this data folder before.
pub fn written_before(dir: &DataDir, vault: &Url) -> Result<bool, DataDirError> {
    let known: KnownVaults = dir.read_json(FILE)?.unwrap_or_default();
    Ok(known.vaults.contains(&origin(vault)))
}

/// Records a vault after a write to it went through.
pub fn remember(dir: &DataDir, vault: &Url) -> Result<(), DataDirError> {
    dir.locked(|| {
        let mut known: KnownVaults = dir.read_json(FILE)?.unwrap_or_default();
        let origin = origin(vault);
        if !known.vaults.contains(&origin) {
            known.vaults.push(origin);
            dir.write_json(FILE, &known)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vault_is_known_by_its_origin_once_written_to() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::new(tmp.path());
        let vault = Url::parse("https://ttd-kv.vault.azure.net/").expect("url");
        assert!(!written_before(&dir, &vault).expect("read"));
        remember(&dir, &vault).expect("write");
        remember(&dir, &vault).expect("write again");
        let same = Url::parse("https://TTD-KV.vault.azure.net").expect("url");
        assert!(written_before(&dir, &same).expect("read"));
        let other = Url::parse("https://ttd-kv2.vault.azure.net/").expect("url");
        assert!(!written_before(&dir, &other).expect("read"));
        let text = std::fs::read_to_string(tmp.path().join(FILE)).expect("file");
        assert_eq!(text.matches("ttd-kv.vault.azure.net").count(), 1, "{text}");
    }
}
