//! Cross-checks between app A's configuration and a profile: the section the code binds must be
//! the one the profile's Key Vault secret names map to (`<prefix>--<Section>--ClientId` becomes
//! `<prefix>:<Section>:ClientId`, KeyVaultSecretManager, config-keyvault-selfservice.md §2.4),
//! and client id, environment and scopes written in appsettings must match the profile.

use super::checks::Context;
use super::snippet::{self, SnippetPath};
use super::{ConfigPath, Finding, Severity, finding, l};
use crate::profile::{Environment, Profile};

pub(super) fn run(cx: &Context<'_>, path: ConfigPath, profile: &Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(kind) = SnippetPath::for_path(path) else {
        return out;
    };
    // Sections bound in code for this path, with the line of their registration.
    let bound: Vec<(String, Option<u32>)> = match kind {
        SnippetPath::OwnIdentity => cx
            .own
            .iter()
            .filter_map(|b| Some((b.section.clone()?, Some(b.call.line))))
            .collect(),
        SnippetPath::Legacy => cx.built_in_sections(),
    };
    section(cx, kind, profile, &bound, &mut out);
    for (name, _) in &bound {
        for (file, settings) in cx.defined_in(name) {
            let get = |key: &str| settings.get(&format!("{name}:{key}"));
            if let (Some(want), Some(entry)) = (profile.client_id.as_deref(), get("ClientId"))
                && let Some(have) = entry
                    .value
                    .as_text()
                    .filter(|h| !h.is_empty() && *h != want)
            {
                out.push(finding(
                    "profile_client_id",
                    Severity::Error,
                    &file.name,
                    Some(entry.line),
                    l(
                        format!("ClientId here is {have}, but profile \"{}\" uses client {want}.", profile.name),
                        format!("ClientId her er {have}, men profilen «{}» bruker klienten {want}.", profile.name),
                    ),
                    l(
                        "Use the same client in both, or remove ClientId from appsettings and keep it in Key Vault only.",
                        "Bruk samme klient begge steder, eller fjern ClientId fra appsettings og ha den bare i Key Vault.",
                    ),
                ));
            }
            let want_env = match profile.environment {
                Environment::Test => Some(("test", "https://test.maskinporten.no")),
                Environment::Prod => Some(("prod", "https://maskinporten.no")),
                Environment::Sandbox | Environment::Custom { .. } => None,
            };
            let env_entry = match kind {
                SnippetPath::OwnIdentity => get("Environment"),
                SnippetPath::Legacy => get("Authority"),
            };
            if let (Some((env, authority)), Some(entry)) = (want_env, env_entry)
                && let Some(have) = entry.value.as_text()
                && have != env
                && have.trim_end_matches('/') != authority
            {
                out.push(finding(
                    "profile_environment",
                    Severity::Error,
                    &file.name,
                    Some(entry.line),
                    l(
                        format!("This says {have}, but profile \"{}\" is for {env}: the client and key are registered in one Maskinporten only.", profile.name),
                        format!("Her står {have}, men profilen «{}» gjelder {env}: klienten og nøkkelen er registrert i bare én Maskinporten.", profile.name),
                    ),
                    l(
                        format!("Set it to {} for this profile, or check the app with the profile for the other environment.", if kind == SnippetPath::OwnIdentity { env } else { authority }),
                        format!("Sett den til {} for denne profilen, eller sjekk appen med profilen for det andre miljøet.", if kind == SnippetPath::OwnIdentity { env } else { authority }),
                    ),
                ));
            }
            if kind == SnippetPath::OwnIdentity
                && !profile.scopes.is_empty()
                && let Some(entry) = get("Scope")
                && let Some(text) = entry.value.as_text()
            {
                let extra: Vec<&str> = text
                    .split_whitespace()
                    .filter(|s| !profile.scopes.iter().any(|p| p == s))
                    .collect();
                if !extra.is_empty() {
                    let extra = extra.join(" ");
                    out.push(finding(
                        "profile_scopes",
                        Severity::Error,
                        &file.name,
                        Some(entry.line),
                        l(
                            format!("The app asks for {extra}, which profile \"{}\" does not list for its client; Maskinporten refuses scopes the client does not have (invalid_scope).", profile.name),
                            format!("Appen ber om {extra}, som profilen «{}» ikke har for klienten; Maskinporten avviser scopes klienten ikke har (invalid_scope).", profile.name),
                        ),
                        l(
                            "Give the client these scopes in Samarbeidsportalen and add them to the profile, or remove them from Scope.",
                            "Gi klienten disse scopene i Samarbeidsportalen og legg dem til i profilen, eller fjern dem fra Scope.",
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// The profile's secret names must map to a section the code binds.
fn section(
    cx: &Context<'_>,
    kind: SnippetPath,
    profile: &Profile,
    bound: &[(String, Option<u32>)],
    out: &mut Vec<Finding>,
) {
    if profile.section_name.is_none() && profile.secret_prefix.is_none() {
        return;
    }
    let expected = snippet::config_section(kind, Some(profile));
    if bound
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(&expected))
    {
        return;
    }
    let secret = snippet::secret_name(&expected, "ClientId");
    let found = if bound.is_empty() {
        "none".to_string()
    } else {
        bound
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(finding(
        "profile_section",
        Severity::Error,
        cx.program_name(),
        bound.first().and_then(|(_, line)| *line),
        l(
            format!("Profile \"{}\" writes secrets such as {secret}, which the app sees as {expected}:ClientId, but the code binds {found}.", profile.name),
            format!("Profilen «{}» skriver hemmeligheter som {secret}, som appen ser som {expected}:ClientId, men koden binder {found}.", profile.name),
        ),
        l(
            format!("Bind GetSection(\"{expected}\") in Program.cs, or change the profile's secret prefix and section to match the code."),
            format!("Bind GetSection(\"{expected}\") i Program.cs, eller endre profilens prefiks og seksjon så de stemmer med koden."),
        ),
    ));
}
