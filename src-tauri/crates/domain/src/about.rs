//! Facts about this installation that the GUI shows and bug reports need. Nothing secret.

use serde::Serialize;
use ts_rs::TS;

use crate::datadir::DataDir;
use crate::secret_store::keychain_service;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// The keychain namespace (service name) this build stores keys under.
    pub keychain_service: String,
    /// `debug` or `release`: they never share keys or data.
    pub build_profile: String,
    /// The configuration section a profile uses when it names none (`MaskinportenSettingsExternal`,
    /// clear of Studio's own `MaskinportenSettings`): what the profile form suggests.
    pub default_section: String,
}

pub fn app_info(dir: &DataDir, version: &str) -> AppInfo {
    AppInfo {
        version: version.to_string(),
        data_dir: dir.root().display().to_string(),
        keychain_service: keychain_service().to_string(),
        build_profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_string(),
        default_section: crate::keyvault::names::DEFAULT_SECTION.to_string(),
    }
}
