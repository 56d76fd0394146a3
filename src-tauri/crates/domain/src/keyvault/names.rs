//! Secret names: derived from the app's config section and an optional app prefix
//! (`<prefix>--<Section>--ClientId`, `…--EncodedJwk` or `…--JwkBase64`; §2.4: the config
//! provider maps `--` to `:`), validated against Key Vault's rules (§3.2), with warnings for the
//! known traps (§0.2, §0.3, §2.7, §3.4).

use serde::Serialize;
use ts_rs::TS;

use super::KeyField;
use crate::diagnosis::Localized;
use crate::error::{AppError, ErrorKind};

/// The section the tool suggests for an own Maskinporten identity (§2.5, last row): distinct
/// from Studio's `MaskinportenSettings` (§0.2).
pub const DEFAULT_SECTION: &str = "MaskinportenSettingsExternal";
/// Studio's provisioned file has this root (§0.2).
pub const STUDIO_SECTION: &str = "MaskinportenSettings";
/// §3.2: 1–127 characters.
pub const MAX_NAME: usize = 127;

/// The two secrets to write, and the configuration keys the app will see them as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultSecretNames")]
pub struct SecretNames {
    pub prefix: Option<String>,
    pub section: String,
    pub key_field: KeyField,
    /// e.g. `myapp--MaskinportenSettingsExternal--ClientId`.
    pub client_id: String,
    /// e.g. `myapp--MaskinportenSettingsExternal--EncodedJwk`.
    pub key: String,
    /// The configuration path the app binds: `myapp:MaskinportenSettingsExternal`.
    pub config_section: String,
}

impl SecretNames {
    pub fn both(&self) -> [&str; 2] {
        [&self.client_id, &self.key]
    }
}

/// A trap the names fall into, with a stable code the UI and tests branch on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "VaultNameWarning")]
pub struct NameWarning {
    pub code: String,
    pub text: Localized,
}

fn warning(code: &str, en: String, nb: String) -> NameWarning {
    NameWarning {
        code: code.into(),
        text: Localized { en, nb },
    }
}

/// §3.2: `^[0-9a-zA-Z-]+$`, 1–127 characters.
pub fn validate(name: &str) -> Result<(), AppError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        return Ok(());
    }
    Err(AppError::new(
        ErrorKind::InvalidInput,
        format!("\"{name}\" cannot be a Key Vault secret name: names are 1–127 characters of letters, digits and '-'."),
    )
    .with_hint("Shorten the app prefix or the section name, and use only letters, digits and '-' in them."))
}

/// Derives the names from the profile's prefix and section (default [`DEFAULT_SECTION`]).
pub fn derive(
    prefix: Option<&str>,
    section: Option<&str>,
    key_field: KeyField,
) -> Result<(SecretNames, Vec<NameWarning>), AppError> {
    let prefix = prefix.map(str::trim).filter(|p| !p.is_empty());
    let section = section
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_SECTION);
    let parts: Vec<&str> = prefix.into_iter().chain(section.split(':')).collect();
    if parts.iter().any(|p| p.is_empty() || p.contains("--")) {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("The section \"{section}\" has an empty part or a \"--\" in it."),
        ));
    }
    let base = parts.join("--");
    let field = match key_field {
        KeyField::EncodedJwk => "EncodedJwk",
        KeyField::JwkBase64 => "JwkBase64",
    };
    let names = SecretNames {
        prefix: prefix.map(str::to_string),
        section: section.to_string(),
        key_field,
        client_id: format!("{base}--ClientId"),
        key: format!("{base}--{field}"),
        config_section: parts.join(":"),
    };
    for name in names.both() {
        validate(name)?;
    }
    Ok((names.clone(), warnings(&names, &parts)))
}

fn warnings(names: &SecretNames, parts: &[&str]) -> Vec<NameWarning> {
    let mut out = Vec::new();
    let section = &names.config_section;
    if section.eq_ignore_ascii_case(STUDIO_SECTION) {
        out.push(warning(
            "collides_with_studio",
            format!("The section {STUDIO_SECTION} collides with the one Altinn Studio provisions (maskinporten-settings.json has that root). .NET merges configuration key by key, so ClientId can get mixed between the two clients. Use an app prefix or a distinct section such as {DEFAULT_SECTION}."),
            format!("Seksjonen {STUDIO_SECTION} kolliderer med den Altinn Studio lager (maskinporten-settings.json har den roten). .NET slår sammen konfigurasjon nøkkel for nøkkel, så ClientId kan blandes mellom de to klientene. Bruk et app-prefiks eller en egen seksjon som {DEFAULT_SECTION}."),
        ));
    }
    if names.prefix.is_none() && parts.len() == 1 {
        out.push(warning(
            "no_app_prefix",
            "The organisation's vault is shared by all its apps, and each app loads every enabled secret in it. Without an app prefix (like myapp--…) every app gets these values. Set the profile's secret prefix to the app's name.".into(),
            "Organisasjonens hvelv deles av alle appene, og hver app laster alle aktive hemmeligheter i det. Uten app-prefiks (som myapp--…) får alle appene disse verdiene. Sett hemmelighetsprefikset i profilen til appens navn.".into(),
        ));
    }
    if names.key_field == KeyField::JwkBase64 {
        out.push(warning(
            "legacy_builtin_client",
            "JwkBase64 is the built-in client's legacy v8 manual set-up; v9 drops it, and Studio now provisions the built-in client itself. For an own identity use EncodedJwk with Altinn.ApiClients.Maskinporten.".into(),
            "JwkBase64 er det innebygde klientens gamle manuelle oppsett i v8; v9 fjerner det, og Studio lager nå den innebygde klienten selv. For en egen identitet, bruk EncodedJwk med Altinn.ApiClients.Maskinporten.".into(),
        ));
    }
    let testy = parts.iter().flat_map(|p| p.split('-')).any(|w| {
        ["probe", "test", "tmp", "temp", "dummy", "example", "sample"]
            .iter()
            .any(|t| w.eq_ignore_ascii_case(t))
    });
    if testy {
        out.push(warning(
            "looks_like_a_test_secret",
            "These names look like probe or test secrets. Never write those to the organisation's vault: every app of the organisation would load them. The probe here only lists and reads.".into(),
            "Navnene ser ut som prøve- eller testhemmeligheter. Skriv aldri slike til organisasjonens hvelv: alle organisasjonens apper ville lastet dem. Sjekken her bare lister og leser.".into(),
        ));
    }
    if names.client_id.starts_with(|c: char| c.is_ascii_digit()) {
        out.push(warning(
            "starts_with_a_digit",
            "Some Key Vault documentation requires names to start with a letter; start the prefix with one to be safe.".into(),
            "Noe av Key Vault-dokumentasjonen krever at navn starter med en bokstav; start prefikset med en for sikkerhets skyld.".into(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(warnings: &[NameWarning]) -> Vec<&str> {
        warnings.iter().map(|w| w.code.as_str()).collect()
    }

    #[test]
    fn names_join_prefix_section_and_field_with_double_dashes() {
        let (names, warnings) = derive(
            Some("myapp"),
            Some("MaskinportenSettingsExternal"),
            KeyField::EncodedJwk,
        )
        .expect("valid");
        assert_eq!(
            names.client_id,
            "myapp--MaskinportenSettingsExternal--ClientId"
        );
        assert_eq!(names.key, "myapp--MaskinportenSettingsExternal--EncodedJwk");
        assert_eq!(names.config_section, "myapp:MaskinportenSettingsExternal");
        assert!(warnings.is_empty(), "{warnings:?}");
        let (nested, _) = derive(None, Some("myapp:Mp"), KeyField::JwkBase64).expect("valid");
        assert_eq!(nested.key, "myapp--Mp--JwkBase64");
    }

    #[test]
    fn the_known_traps_are_warned_about() {
        let (_, w) =
            derive(None, Some("MaskinportenSettings"), KeyField::JwkBase64).expect("valid");
        assert_eq!(
            codes(&w),
            [
                "collides_with_studio",
                "no_app_prefix",
                "legacy_builtin_client"
            ]
        );
        let (_, w) = derive(
            Some("myapp"),
            Some("MaskinportenSettings"),
            KeyField::EncodedJwk,
        )
        .expect("valid");
        assert!(
            w.is_empty(),
            "a prefix keeps it apart from Studio's root section: {w:?}"
        );
        let (_, w) = derive(Some("probe"), None, KeyField::EncodedJwk).expect("valid");
        assert_eq!(codes(&w), ["looks_like_a_test_secret"]);
        let (_, w) = derive(Some("9app"), None, KeyField::EncodedJwk).expect("valid");
        assert_eq!(codes(&w), ["starts_with_a_digit"]);
    }

    #[test]
    fn names_breaking_key_vault_rules_are_refused_not_sent() {
        assert!(derive(Some("my_app"), None, KeyField::EncodedJwk).is_err());
        assert!(derive(Some("a"), Some("x::y"), KeyField::EncodedJwk).is_err());
        assert!(
            derive(Some(&"a".repeat(120)), None, KeyField::EncodedJwk).is_err(),
            "over 127"
        );
        assert!(validate("a--B--C").is_ok());
        assert!(validate("").is_err());
        assert!(validate("æ").is_err());
    }
}
