//! The snippet generator: for the own-identity or the legacy path, the appsettings section, the
//! Program.cs registration in the place where it works, the Key Vault secret names, the
//! values.yaml mount and (own identity) the package reference, ready to copy. Names follow
//! config-keyvault-selfservice.md §2.5: an app prefix (all apps of an organisation share one vault
//! and the config provider loads every secret, §0.3) and a section that is not the bare
//! `MaskinportenSettings` that Studio-provisioned credentials use (§0.2).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ConfigPath, l};
use crate::diagnosis::Localized;
use crate::profile::{Environment, Profile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SnippetPath {
    /// Altinn.ApiClients.Maskinporten with `EncodedJwk` in Key Vault.
    OwnIdentity,
    /// The built-in client with `JwkBase64` in Key Vault (v8).
    Legacy,
}

impl SnippetPath {
    /// The paths that need something pasted; the others need nothing from Key Vault.
    pub fn for_path(path: ConfigPath) -> Option<Self> {
        match path {
            // Not used yet (below 8.3): the way that needs no upgrade is the external library.
            ConfigPath::OwnIdentity | ConfigPath::NotUsedYet => Some(SnippetPath::OwnIdentity),
            ConfigPath::LegacyBuiltIn => Some(SnippetPath::Legacy),
            ConfigPath::StudioProvisioned | ConfigPath::V9Preview | ConfigPath::Unknown => None,
        }
    }

    fn default_section(self) -> &'static str {
        match self {
            SnippetPath::OwnIdentity => "MaskinportenSettingsExternal",
            SnippetPath::Legacy => "MaskinportenSettings",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecretName {
    pub name: String,
    /// What the value is.
    pub holds: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfigSnippet {
    pub path: SnippetPath,
    /// The configuration section, `prefix:Section`.
    pub section: String,
    /// JSON to merge into `App/appsettings.json`.
    pub appsettings: String,
    /// C# for `App/Program.cs`, with where it goes in its comments.
    pub program_cs: String,
    pub placement: Localized,
    /// The package reference for `App/App.csproj`, when one is needed.
    pub csproj: Option<String>,
    /// YAML to merge into `deployment/values.yaml`.
    pub values_yaml: String,
    pub secrets: Vec<SecretName>,
    pub notes: Vec<Localized>,
}

/// The Altinn.ApiClients.Maskinporten release the snippet names (latest tag, §1).
const API_CLIENTS_VERSION: &str = "10.1.0";
const SERVICE_OWNER_SCOPES: &str =
    "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";

/// The section the app binds: the profile's prefix and section, else the app's name and the
/// path's default section.
pub fn config_section(path: SnippetPath, profile: Option<&Profile>) -> String {
    let prefix = profile.and_then(|p| p.secret_prefix.clone());
    let section = profile.and_then(|p| p.section_name.clone());
    match (prefix, section) {
        (Some(prefix), Some(section))
            if section
                .to_lowercase()
                .starts_with(&format!("{}:", prefix.to_lowercase())) =>
        {
            section
        }
        (Some(prefix), Some(section)) => format!("{prefix}:{section}"),
        (None, Some(section)) => section,
        (Some(prefix), None) => format!("{prefix}:{}", path.default_section()),
        (None, None) => {
            let app = profile
                .and_then(|p| p.app_a.as_deref())
                .and_then(|a| a.split_once('/'))
                .map_or("myapp", |(_, app)| app);
            format!("{app}:{}", path.default_section())
        }
    }
}

/// `a:B` + `ClientId` → `a--B--ClientId` (KeyVaultSecretManager maps `--` to `:`).
pub fn secret_name(section: &str, field: &str) -> String {
    format!("{}--{field}", section.replace(':', "--"))
}

pub fn generate(path: SnippetPath, profile: Option<&Profile>) -> ConfigSnippet {
    generate_for_section(path, profile, config_section(path, profile))
}

/// The snippet for a section chosen by the caller (the one the app already binds).
pub fn generate_for_section(
    path: SnippetPath,
    profile: Option<&Profile>,
    section: String,
) -> ConfigSnippet {
    let prod = profile.is_some_and(|p| p.environment == Environment::Prod);
    let scopes = profile
        .filter(|p| !p.scopes.is_empty())
        .map_or(SERVICE_OWNER_SCOPES.to_string(), |p| p.scopes.join(" "));
    let client = profile
        .and_then(|p| p.client_id.clone())
        .unwrap_or_else(|| "the client id from Samarbeidsportalen".into());
    let nested = |fields: &str| -> String {
        let parts: Vec<&str> = section.split(':').collect();
        let mut json = String::from("{\n");
        for (depth, part) in parts.iter().enumerate() {
            json.push_str(&format!("{}\"{part}\": {{\n", "  ".repeat(depth + 1)));
        }
        let indent = "  ".repeat(parts.len() + 1);
        for line in fields.lines() {
            json.push_str(&format!("{indent}{line}\n"));
        }
        for depth in (0..parts.len()).rev() {
            json.push_str(&format!("{}}}\n", "  ".repeat(depth + 1)));
        }
        json.push('}');
        json
    };
    let key_vault = "if (!builder.Environment.IsDevelopment())\n{\n    builder.AddAzureKeyVaultAsConfigProvider();\n}\n";
    let placement = l(
        "Program.cs: the Key Vault lines go right after `ConfigureWebHostBuilder(builder.WebHost);` and before `builder.Build()`.",
        "Program.cs: Key Vault-linjene skal rett etter `ConfigureWebHostBuilder(builder.WebHost);` og før `builder.Build()`.",
    );
    let mut notes = vec![l(
        "The key is the one the assistant generated: `key encoded-jwk KID --print-secret` gives the value, or let the assistant write it to Key Vault. Never commit it.",
        "Nøkkelen er den assistenten laget: `key encoded-jwk KID --print-secret` gir verdien, eller la assistenten skrive den til Key Vault. Ikke legg den i git.",
    )];
    let (appsettings, program_cs, csproj, secrets) = match path {
        SnippetPath::OwnIdentity => {
            notes.push(l(
                "Altinn.ApiClients.Maskinporten copies the section when AddMaskinportenHttpClient runs and keeps that copy: register it after Key Vault is added (as here), and restart the app after the secrets change.",
                "Altinn.ApiClients.Maskinporten kopierer seksjonen når AddMaskinportenHttpClient kjører, og beholder kopien: registrer den etter at Key Vault er lagt til (som her), og start appen på nytt når hemmelighetene endres.",
            ));
            let program = format!(
                "// At the top of App/Program.cs:\nusing Altinn.ApiClients.Maskinporten.Extensions;\nusing Altinn.ApiClients.Maskinporten.Services;\n\n// Right after `ConfigureWebHostBuilder(builder.WebHost);`:\n{key_vault}\n// After Key Vault, not in RegisterCustomAppServices (which runs before it): the library\n// copies the section now, so ClientId and EncodedJwk from Key Vault must be there already.\nbuilder.Services.AddMaskinportenHttpClient<SettingsJwkClientDefinition>(\n    \"app-b\",\n    builder.Configuration.GetSection(\"{section}\"));\n// Use it: IHttpClientFactory.CreateClient(\"app-b\") sends an Altinn token to app B.\n"
            );
            let fields = format!(
                "\"Environment\": \"{}\",\n\"Scope\": \"{scopes}\",\n\"ExhangeToAltinnToken\": true",
                if prod { "prod" } else { "test" }
            );
            let secrets = vec![
                SecretName {
                    name: secret_name(&section, "ClientId"),
                    holds: l(
                        format!("the client id ({client})"),
                        format!("klient-id-en ({client})"),
                    ),
                },
                SecretName {
                    name: secret_name(&section, "EncodedJwk"),
                    holds: l(
                        "the private JWK, base64 (standard, padded) of its JSON",
                        "den private JWK-en, base64 (standard, med utfylling) av JSON-en",
                    ),
                },
            ];
            let csproj = format!(
                "<PackageReference Include=\"Altinn.ApiClients.Maskinporten\" Version=\"{API_CLIENTS_VERSION}\" />"
            );
            (nested(&fields), program, Some(csproj), secrets)
        }
        SnippetPath::Legacy => {
            notes.push(l(
                "The built-in client binds its options lazily, so ConfigureMaskinportenClient may stay in RegisterCustomAppServices. On App 8.3 and later, Studio can provision the credentials instead; v9 removes this path.",
                "Den innebygde klienten binder innstillingene sent, så ConfigureMaskinportenClient kan bli i RegisterCustomAppServices. På App 8.3 og nyere kan Studio sette opp påloggingen i stedet; v9 fjerner denne veien.",
            ));
            let program = format!(
                "// In RegisterCustomAppServices(...):\nservices.ConfigureMaskinportenClient(\"{section}\");\nservices.AddHttpClient(\"app-b\")\n    .UseMaskinportenAltinnAuthorization(\"altinn:serviceowner/instances.read\", \"altinn:serviceowner/instances.write\");\n\n// Right after `ConfigureWebHostBuilder(builder.WebHost);`:\n{key_vault}"
            );
            let authority = if prod {
                "https://maskinporten.no/"
            } else {
                "https://test.maskinporten.no/"
            };
            let secrets = vec![
                SecretName {
                    name: secret_name(&section, "ClientId"),
                    holds: l(
                        format!("the client id ({client})"),
                        format!("klient-id-en ({client})"),
                    ),
                },
                SecretName {
                    name: secret_name(&section, "JwkBase64"),
                    holds: l(
                        "the private JWK with kty, use, kid, alg, n, e, d, p, q, dp, dq, qi, base64 of its JSON",
                        "den private JWK-en med kty, use, kid, alg, n, e, d, p, q, dp, dq, qi, base64 av JSON-en",
                    ),
                },
            ];
            (
                nested(&format!("\"Authority\": \"{authority}\"")),
                program,
                None,
                secrets,
            )
        }
    };
    ConfigSnippet {
        path,
        section,
        appsettings,
        program_cs,
        placement,
        csproj,
        values_yaml: "deployment:\n  volumeMounts:\n    - name: altinn-appsettings-secret\n      mountPath: \"/altinn-appsettings-secret\"\n  volumes:\n    - name: altinn-appsettings-secret\n      secret:\n        secretName: altinn-appsettings-secret\n".into(),
        secrets,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_map_back_to_the_bound_section() {
        let profile = Profile {
            secret_prefix: Some("my-app".into()),
            ..Profile::default()
        };
        let snippet = generate(SnippetPath::OwnIdentity, Some(&profile));
        assert_eq!(snippet.section, "my-app:MaskinportenSettingsExternal");
        assert_eq!(
            snippet.secrets[0].name,
            "my-app--MaskinportenSettingsExternal--ClientId"
        );
        assert!(
            snippet
                .program_cs
                .contains("GetSection(\"my-app:MaskinportenSettingsExternal\")")
        );
        let json = super::super::json::read(&snippet.appsettings);
        assert_eq!(json.error, None, "{}", snippet.appsettings);
        assert!(
            json.get("my-app:MaskinportenSettingsExternal:ExhangeToAltinnToken")
                .is_some()
        );
    }
}
