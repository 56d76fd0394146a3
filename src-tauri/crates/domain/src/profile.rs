//! Profiles: a named set-up (environment, organisation, client id, scopes, apps, key, vault and
//! secret names), stored as a plain JSON file in the data folder. A profile never holds a secret:
//! the key is referenced by its kid, the private part stays in the keychain.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::datadir::{DataDir, DataDirError};
use crate::error::{AppError, ErrorKind};
use crate::keys::jwk::is_valid_kid;
use crate::org::OrgNumber;

mod ids;
mod name;

pub use ids::{ClientId, Kid, Scope};
pub use name::ProfileName;

pub const FILE: &str = "profiles.json";

/// Which services a profile talks to. `sandbox` is the default: the built-in emulators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Environment {
    #[default]
    Sandbox,
    /// Maskinporten test paired with Altinn TT02 (protocols.md §1.1: test pairs with tt02).
    Test,
    Prod,
    /// Explicit base URLs, e.g. for a local server. http is allowed only for loopback addresses.
    Custom {
        #[serde(rename = "maskinportenUrl")]
        maskinporten_url: String,
        #[serde(rename = "altinnUrl")]
        altinn_url: String,
        #[serde(rename = "appsUrl")]
        apps_url: String,
    },
}

impl Environment {
    pub fn name(&self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Test => "test",
            Environment::Prod => "prod",
            Environment::Custom { .. } => "custom",
        }
    }

    /// The real services must be reached over https. The sandbox runs on loopback.
    fn allows_loopback_http(&self) -> bool {
        matches!(self, Environment::Sandbox | Environment::Custom { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Profile {
    pub name: ProfileName,
    #[serde(default)]
    pub environment: Environment,
    pub org_number: Option<String>,
    pub client_id: Option<ClientId>,
    #[serde(default)]
    pub scopes: Vec<Scope>,
    /// The app that creates instances, `org/app`.
    pub app_a: Option<String>,
    /// The app whose instances are created, `org/app`.
    pub app_b: Option<String>,
    pub key_id: Option<Kid>,
    pub vault_url: Option<String>,
    pub secret_prefix: Option<String>,
    pub section_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ProfileError {
    pub field: &'static str,
    pub problem: String,
}

impl From<ProfileError> for AppError {
    fn from(error: ProfileError) -> Self {
        AppError::new(ErrorKind::InvalidInput, format!("The profile's {error}"))
    }
}

fn invalid(field: &'static str, problem: impl Into<String>) -> ProfileError {
    ProfileError {
        field,
        problem: problem.into(),
    }
}

/// Trims every field, turns empty strings into `None`, and checks each value.
pub fn normalize(mut profile: Profile) -> Result<Profile, ProfileError> {
    let tidy = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    profile.name = profile.name.trim().into();
    if profile.name.is_empty() || profile.name.chars().count() > 64 {
        return Err(invalid("name", "give it a name of 1 to 64 characters"));
    }
    if profile.name.chars().any(char::is_control) {
        return Err(invalid("name", "must not contain control characters"));
    }
    if let Environment::Custom {
        maskinporten_url,
        altinn_url,
        apps_url,
    } = &mut profile.environment
    {
        for (field, url) in [
            ("Maskinporten URL", maskinporten_url),
            ("Altinn URL", altinn_url),
            ("apps URL", apps_url),
        ] {
            *url = url.trim().to_string();
            check_url(field, url, true)?;
        }
    }
    profile.org_number = match tidy(profile.org_number) {
        Some(org) => Some(
            OrgNumber::parse(&org)
                .map_err(|e| invalid("organisation number", e.to_string()))?
                .to_string(),
        ),
        None => None,
    };
    profile.client_id = tidy(profile.client_id.map(String::from)).map(ClientId::from);
    if profile
        .client_id
        .as_deref()
        .is_some_and(|c| c.chars().any(char::is_whitespace))
    {
        return Err(invalid("client id", "must not contain spaces"));
    }
    profile.scopes = profile
        .scopes
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(Scope::from)
        .collect();
    let mut seen = std::collections::HashSet::new();
    profile.scopes.retain(|s| seen.insert(s.clone()));
    if let Some(bad) = profile
        .scopes
        .iter()
        .find(|s| !s.chars().all(|c| c.is_ascii_graphic() && c != '"'))
    {
        return Err(invalid(
            "scopes",
            format!("\"{bad}\" is not a scope (like altinn:instances.read)"),
        ));
    }
    profile.app_a = tidy(profile.app_a);
    profile.app_b = tidy(profile.app_b);
    for (field, app) in [("app A", &profile.app_a), ("app B", &profile.app_b)] {
        if let Some(app) = app {
            check_app_id(field, app)?;
        }
    }
    profile.key_id = tidy(profile.key_id.map(String::from)).map(Kid::from);
    if let Some(kid) = profile.key_id.as_deref().filter(|k| !is_valid_kid(k)) {
        return Err(invalid("key", format!("\"{kid}\" is not a valid key id")));
    }
    profile.vault_url = tidy(profile.vault_url);
    if let Some(url) = &profile.vault_url {
        check_url(
            "Key Vault URL",
            url,
            profile.environment.allows_loopback_http(),
        )?;
        if matches!(profile.environment, Environment::Test | Environment::Prod) {
            check_azure_vault_url(url)?;
        }
    }
    profile.secret_prefix = tidy(profile.secret_prefix);
    if let Some(prefix) = &profile.secret_prefix {
        // Key Vault secret names allow only `[0-9a-zA-Z-]` (config-keyvault-selfservice.md §3.2);
        // `--` is the section separator, so a prefix must not contain it.
        if !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
            || prefix.contains("--")
            || prefix.starts_with('-')
            || prefix.ends_with('-')
        {
            return Err(invalid(
                "secret-name prefix",
                "use letters, digits and single '-' only (Key Vault names allow nothing else)",
            ));
        }
    }
    profile.section_name = tidy(profile.section_name);
    if let Some(section) = &profile.section_name
        && !section
            .split(':')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(invalid(
            "config section",
            "use letters and digits, with ':' between nested sections (Key Vault names allow no '_' or '.')",
        ));
    }
    Ok(profile)
}

/// `org/app` as Altinn names them: lower-case letters and digits for the org, plus '-' in the app.
fn check_app_id(field: &'static str, value: &str) -> Result<(), ProfileError> {
    let ok = value.split_once('/').is_some_and(|(org, app)| {
        !org.is_empty()
            && !app.is_empty()
            && org
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && app
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("\"{value}\" is not org/app in lower case (like ttd/my-app)"),
        ))
    }
}

/// https everywhere; plain http only for loopback addresses, and only where allowed.
pub fn check_url(
    field: &'static str,
    value: &str,
    allow_loopback_http: bool,
) -> Result<Url, ProfileError> {
    let url =
        Url::parse(value).map_err(|e| invalid(field, format!("\"{value}\" is not a URL ({e})")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_loopback_http && crate::http::is_loopback(&url) => Ok(url),
        "http" => Err(invalid(
            field,
            format!(
                "\"{value}\" must use https (http is allowed only for 127.0.0.1, [::1] and localhost in a custom environment)"
            ),
        )),
        other => Err(invalid(
            field,
            format!("\"{value}\" has scheme {other}; use https"),
        )),
    }
}

/// The public Azure cloud's vault host suffix. Altinn's service-owner vaults live there.
pub const AZURE_VAULT_SUFFIX: &str = ".vault.azure.net";

/// Test and prod: only `https://{name}.vault.azure.net/`. An Azure token and then the private
/// key go to this host, so a look-alike host is refused before anything is sent, as the Azure
/// SDKs refuse a challenge whose resource does not belong to the vault's host (see
/// `keyvault::challenge`). Vault names are 3–24 letters, digits and single hyphens, starting
/// with a letter and ending with a letter or digit (Azure's naming rules for
/// `Microsoft.KeyVault/vaults`).
pub fn check_azure_vault_url(value: &str) -> Result<Url, ProfileError> {
    const RULE: &str = "in the test and prod environments a Key Vault URL is https://<vault-name>.vault.azure.net/ (the vault name: 3–24 letters, digits and single hyphens, starting with a letter)";
    let refuse = || {
        invalid(
            "Key Vault URL",
            format!("\"{value}\" is not an Azure Key Vault URL: {RULE}"),
        )
    };
    let url = Url::parse(value).map_err(|_| refuse())?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let name = host.strip_suffix(AZURE_VAULT_SUFFIX).unwrap_or_default();
    let name_ok = (3..=24).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.contains("--");
    let plain = url.scheme() == "https"
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && matches!(url.path(), "" | "/")
        && url.query().is_none()
        && url.fragment().is_none();
    if name_ok && plain {
        Ok(url)
    } else {
        Err(refuse())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    version: u32,
    profiles: Vec<Profile>,
}

pub fn load(dir: &DataDir) -> Result<Vec<Profile>, DataDirError> {
    Ok(dir
        .read_json::<ProfilesFile>(FILE)?
        .map(|f| f.profiles)
        .unwrap_or_default())
}

/// Load, change, save, under the data folder's lock, so a change made meanwhile by the window
/// or another command is never lost. Nothing is saved when `change` fails.
pub fn update<R>(
    dir: &DataDir,
    change: impl FnOnce(&mut Vec<Profile>) -> Result<R, AppError>,
) -> Result<R, AppError> {
    dir.locked(|| {
        let mut profiles = load(dir)?;
        let result = change(&mut profiles)?;
        save(dir, &profiles)?;
        Ok(result)
    })
}

pub(crate) fn save(dir: &DataDir, profiles: &[Profile]) -> Result<(), DataDirError> {
    dir.write_json(
        FILE,
        &ProfilesFile {
            version: 1,
            profiles: profiles.to_vec(),
        },
    )
}

/// The profile named `name` (compared without regard to case), or the error that says there is none.
pub fn show(dir: &DataDir, name: &str) -> Result<Profile, AppError> {
    find(&load(dir)?, name)
        .cloned()
        .ok_or_else(|| not_found(name))
}

pub fn not_found(name: &str) -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        format!("There is no profile named \"{name}\"."),
    )
}

pub fn find<'a>(profiles: &'a [Profile], name: &str) -> Option<&'a Profile> {
    profiles.iter().find(|p| p.name.is(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Profile {
        Profile {
            name: " Acme test ".into(),
            ..Profile::default()
        }
    }

    #[test]
    fn normalize_trims_and_turns_blank_fields_into_none() {
        let p = normalize(Profile {
            client_id: Some("  ".into()),
            scopes: vec!["a:b  c:d".into()],
            ..base()
        })
        .expect("valid");
        assert_eq!(p.name, "Acme test");
        assert_eq!(p.client_id, None);
        assert_eq!(p.scopes, vec!["a:b", "c:d"]);
    }

    #[test]
    fn a_wrong_org_number_is_refused_with_the_field_named() {
        let err = normalize(Profile {
            org_number: Some("991825828".into()),
            ..base()
        })
        .expect_err("bad");
        assert_eq!(err.field, "organisation number");
    }

    #[test]
    fn real_environments_need_https_and_custom_allows_http_only_on_loopback() {
        let test_http = Profile {
            environment: Environment::Test,
            vault_url: Some("http://127.0.0.1:1".into()),
            ..base()
        };
        assert!(normalize(test_http).is_err(), "test env must refuse http");
        let custom = |url: &str| Profile {
            environment: Environment::Custom {
                maskinporten_url: url.into(),
                altinn_url: url.into(),
                apps_url: url.into(),
            },
            ..base()
        };
        assert!(normalize(custom("http://127.0.0.1:8080/")).is_ok());
        assert!(normalize(custom("http://localhost:8080/")).is_ok());
        assert!(normalize(custom("http://[::1]:8080/")).is_ok());
        assert!(
            normalize(custom("http://10.0.0.5/")).is_err(),
            "private but not loopback"
        );
        assert!(normalize(custom("http://example.no/")).is_err());
        assert!(normalize(custom("https://example.no/")).is_ok());
    }

    #[test]
    fn test_and_prod_take_only_azure_vault_hosts_and_say_the_rule() {
        let with = |environment: Environment, url: &str| {
            normalize(Profile {
                environment,
                vault_url: Some(url.into()),
                ..base()
            })
        };
        for env in [Environment::Test, Environment::Prod] {
            for good in [
                "https://ttd-kv-1.vault.azure.net/",
                "https://TtdVault.vault.azure.net",
                "https://abc.vault.azure.net/",
            ] {
                assert!(with(env.clone(), good).is_ok(), "{good}");
            }
            for bad in [
                "https://evil.example.com",
                "https://ttd.vault.azure.net.evil.example.com/",
                "https://evilvault.azure.net/",
                "https://ab.vault.azure.net/",
                "https://1abc.vault.azure.net/",
                "https://a--b.vault.azure.net/",
                "https://abc-.vault.azure.net/",
                "https://abc.vault.azure.net:8443/",
                "https://abc.vault.azure.net/secrets",
                "https://user@abc.vault.azure.net/",
                "https://abc.vault.azure.cn/",
            ] {
                let err = with(env.clone(), bad).expect_err(bad);
                assert_eq!(err.field, "Key Vault URL");
                assert!(
                    err.to_string()
                        .contains("https://<vault-name>.vault.azure.net/"),
                    "the message says the rule: {err}"
                );
            }
        }
        let custom = Environment::Custom {
            maskinporten_url: "https://m/".into(),
            altinn_url: "https://a/".into(),
            apps_url: "https://x/".into(),
        };
        assert!(
            with(custom, "https://vault.internal.example/").is_ok(),
            "a custom environment names its own hosts"
        );
    }

    #[test]
    fn app_ids_secret_prefixes_and_sections_follow_the_naming_rules() {
        assert!(
            normalize(Profile {
                app_b: Some("ttd/my-app".into()),
                ..base()
            })
            .is_ok()
        );
        assert!(
            normalize(Profile {
                app_b: Some("TTD/app".into()),
                ..base()
            })
            .is_err()
        );
        assert!(
            normalize(Profile {
                app_b: Some("ttd".into()),
                ..base()
            })
            .is_err()
        );
        assert!(
            normalize(Profile {
                secret_prefix: Some("my_app".into()),
                ..base()
            })
            .is_err()
        );
        assert!(
            normalize(Profile {
                secret_prefix: Some("a--b".into()),
                ..base()
            })
            .is_err()
        );
        assert!(
            normalize(Profile {
                section_name: Some("myapp:MaskinportenSettingsExternal".into()),
                ..base()
            })
            .is_ok()
        );
        assert!(
            normalize(Profile {
                section_name: Some("Maskinporten_Settings".into()),
                ..base()
            })
            .is_err()
        );
    }

    #[test]
    fn environment_serializes_with_a_kind_tag_and_camel_case_urls() {
        let json = serde_json::to_value(Environment::Custom {
            maskinporten_url: "https://m/".into(),
            altinn_url: "https://a/".into(),
            apps_url: "https://x/".into(),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind":"custom","maskinportenUrl":"https://m/","altinnUrl":"https://a/","appsUrl":"https://x/"})
        );
        assert_eq!(
            serde_json::to_value(Environment::Sandbox).expect("json"),
            serde_json::json!({"kind":"sandbox"})
        );
    }
}
