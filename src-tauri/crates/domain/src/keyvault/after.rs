//! After the write: the redeploy reminder (the app reads Key Vault at start-up,
//! config-keyvault-selfservice.md §2.4, and Altinn.ApiClients.Maskinporten binds its settings
//! once, §1.4), and the migration check: which older secrets (§2.5) are still in the vault and
//! can go once the new names are verified in TT02 and prod. Existence is checked through the
//! versions list, so no old value is ever read.

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::KeyField;
use super::api::{self, Operation, Reason};
use super::names::SecretNames;
use crate::diagnosis::Localized;
use crate::http::Transport;
use crate::secret::AzureToken;

/// The older names of §2.5, with where each comes from.
const OLD_FIELDS: [(&str, &str); 4] = [
    (
        "ClientId",
        "the old guides (external library and v8 built-in client)",
    ),
    (
        "EncodedJwk",
        "the old guide for Altinn.ApiClients.Maskinporten",
    ),
    (
        "JwkBase64",
        "the v8 legacy manual set-up of the built-in client",
    ),
    (
        "Authority",
        "the v8 legacy manual set-up of the built-in client",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultMigrationCandidate")]
pub struct MigrationCandidate {
    pub name: String,
    /// `None` when the vault would not say (no list permission).
    pub exists: Option<bool>,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "VaultAfterReport")]
pub struct AfterReport {
    pub redeploy: Localized,
    /// What the app needs besides the two secrets, which is not secret and belongs in its
    /// appsettings (per environment).
    pub also_needed: Vec<Localized>,
    /// Older secrets found in the vault (or that could not be checked).
    pub old_secrets: Vec<MigrationCandidate>,
    pub migration_advice: Localized,
}

/// The app reads secrets when it starts (§2.4), so nothing changes until it is redeployed.
pub fn redeploy_reminder() -> Localized {
    Localized {
        en: "Redeploy the app (Altinn Studio → Deploy, in TT02 and then prod): it reads Key Vault when it starts, and Altinn.ApiClients.Maskinporten keeps the values it read then. Until the redeploy it uses the old ones.".into(),
        nb: "Publiser appen på nytt (Altinn Studio → Publiser, i TT02 og så i prod): den leser Key Vault når den starter, og Altinn.ApiClients.Maskinporten beholder verdiene den leste da. Fram til ny publisering bruker den de gamle.".into(),
    }
}

/// The settings next to the secrets that the chosen client reads (config-keyvault-selfservice.md
/// §1.1, §2.1): Altinn.ApiClients.Maskinporten needs `Environment` and `Scope` (and
/// `ExhangeToAltinnToken` for an Altinn token); the built-in client needs `Authority`, and its
/// section must be handed to `ConfigureMaskinportenClient`.
pub fn also_needed(names: &SecretNames) -> Vec<Localized> {
    let section = &names.config_section;
    match names.key_field {
        KeyField::EncodedJwk => vec![
            Localized {
                en: format!(
                    "In appsettings.json (or appsettings.{{Environment}}.json) under {section}: \"Environment\": \"test\" for TT02 or \"prod\" for production, and \"Scope\" with the scopes, separated by spaces."
                ),
                nb: format!(
                    "I appsettings.json (eller appsettings.{{Environment}}.json) under {section}: \"Environment\": \"test\" for TT02 eller \"prod\" for produksjon, og \"Scope\" med scopene, skilt med mellomrom."
                ),
            },
            Localized {
                en: format!(
                    "For an Altinn token (calls to app B): \"ExhangeToAltinnToken\": true under {section} (the library spells it so)."
                ),
                nb: format!(
                    "For et Altinn-token (kall til app B): \"ExhangeToAltinnToken\": true under {section} (biblioteket staver det slik)."
                ),
            },
        ],
        KeyField::JwkBase64 => vec![
            Localized {
                en: format!(
                    "The built-in client also needs \"Authority\" under {section}: https://test.maskinporten.no/ in TT02 and https://maskinporten.no/ in production (appsettings.Staging.json and appsettings.Production.json). It is not a secret, so it does not go to Key Vault."
                ),
                nb: format!(
                    "Den innebygde klienten trenger også «Authority» under {section}: https://test.maskinporten.no/ i TT02 og https://maskinporten.no/ i produksjon (appsettings.Staging.json og appsettings.Production.json). Den er ikke hemmelig, så den skal ikke i Key Vault."
                ),
            },
            Localized {
                en: format!(
                    "Program.cs must point the client at this section: services.ConfigureMaskinportenClient(\"{section}\")."
                ),
                nb: format!(
                    "Program.cs må peke klienten til denne seksjonen: services.ConfigureMaskinportenClient(\"{section}\")."
                ),
            },
        ],
    }
}

/// Older names that the new ones replace: `MaskinportenSettings--…` and, with a prefix,
/// `<prefix>--MaskinportenSettings--…` (§2.5), except the current targets.
pub fn candidates(names: &SecretNames) -> Vec<(String, &'static str)> {
    let mut bases = vec!["MaskinportenSettings".to_string()];
    if let Some(prefix) = &names.prefix {
        bases.push(format!("{prefix}--MaskinportenSettings"));
    }
    let mut out = Vec::new();
    for base in bases {
        for (field, from) in OLD_FIELDS {
            let name = format!("{base}--{field}");
            let current = names.both().iter().any(|n| n.eq_ignore_ascii_case(&name));
            if !current {
                out.push((name, from));
            }
        }
    }
    out
}

/// The reminder and which older secrets are still there.
pub async fn check(
    transport: &dyn Transport,
    vault: &Url,
    token: &AzureToken,
    names: &SecretNames,
) -> AfterReport {
    let mut old_secrets = Vec::new();
    for (name, from) in candidates(names) {
        let exists = match transport.send(api::versions(vault, token, &name)).await {
            Ok(response) => match api::check(Operation::Versions, Some(&name), &response) {
                Ok(()) => Some(true),
                Err(e) if e.reason() == Some(Reason::NotFound) => Some(false),
                Err(_) => None,
            },
            Err(_) => None,
        };
        if exists != Some(false) {
            old_secrets.push(MigrationCandidate {
                name,
                exists,
                from: from.to_string(),
            });
        }
    }
    AfterReport {
        redeploy: redeploy_reminder(),
        also_needed: also_needed(names),
        migration_advice: Localized {
            en: "Remove older secrets only after the app, deployed with the new section, has got tokens in TT02 and in prod. Until then they keep older deployments working; afterwards they are clutter that every app of the organisation still loads.".into(),
            nb: "Fjern eldre hemmeligheter først når appen, publisert med den nye seksjonen, har fått token i TT02 og i prod. Til da holder de eldre publiseringer i gang; etterpå er de rot som alle organisasjonens apper fortsatt laster.".into(),
        },
        old_secrets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyvault::names::derive;

    #[test]
    fn what_else_the_app_needs_follows_the_client_the_key_is_for() {
        let (legacy, _) =
            derive(None, Some("MaskinportenSettings"), KeyField::JwkBase64).expect("names");
        let said: String = also_needed(&legacy).iter().map(|l| l.en.clone()).collect();
        assert!(
            said.contains("Authority") && said.contains("https://test.maskinporten.no/"),
            "the built-in client needs its Authority: {said}"
        );
        assert!(said.contains("ConfigureMaskinportenClient(\"MaskinportenSettings\")"));
        let (own, _) = derive(Some("myapp"), None, KeyField::EncodedJwk).expect("names");
        let said: String = also_needed(&own).iter().map(|l| l.en.clone()).collect();
        assert!(
            said.contains("\"Environment\"") && said.contains("\"Scope\""),
            "{said}"
        );
        assert!(
            !said.contains("Authority"),
            "not a field of Altinn.ApiClients.Maskinporten"
        );
    }

    #[test]
    fn the_old_names_of_both_guides_and_the_prefixed_form_are_checked_but_never_the_new_ones() {
        let (names, _) = derive(Some("myapp"), None, KeyField::EncodedJwk).expect("names");
        let all: Vec<String> = candidates(&names).into_iter().map(|(n, _)| n).collect();
        assert!(all.contains(&"MaskinportenSettings--JwkBase64".to_string()));
        assert!(all.contains(&"myapp--MaskinportenSettings--EncodedJwk".to_string()));
        assert_eq!(all.len(), 8);
        let (legacy, _) =
            derive(None, Some("MaskinportenSettings"), KeyField::JwkBase64).expect("names");
        let all: Vec<String> = candidates(&legacy).into_iter().map(|(n, _)| n).collect();
        assert!(
            !all.contains(&"MaskinportenSettings--JwkBase64".to_string()),
            "that is the target itself"
        );
    }
}
