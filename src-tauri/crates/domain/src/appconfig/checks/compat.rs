//! Checks that depend on the app library version: the `MaskinportenSettings` name collision with
//! Studio-provisioned credentials (8.3+), config that v9 ignores, and obsolete method names.

use super::{Context, DEFAULT_SECTION};
use crate::appconfig::versions::Feature;
use crate::appconfig::{ConfigPath, Finding, Severity, finding, l};

/// A section named `MaskinportenSettings` for Altinn.ApiClients.Maskinporten in an app that gets
/// Studio-provisioned credentials under the same root: keys mix (§0.2).
pub(super) fn collision(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.app_version().has(Feature::BuiltInClient) != Some(true) {
        return;
    }
    for own in &cx.own {
        if own
            .section
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(DEFAULT_SECTION))
        {
            out.push(finding(
                "section_name_collision",
                Severity::Error,
                &own.file,
                Some(own.call.line),
                l(
                    "This client reads the section MaskinportenSettings, the same root as the maskinporten-settings.json that Altinn Studio mounts for apps on 8.3 and later. .NET merges the two key by key, so ClientId can come from the wrong client.",
                    "Denne klienten leser seksjonen MaskinportenSettings, samme rot som maskinporten-settings.json som Altinn Studio monterer for apper på 8.3 og nyere. .NET slår dem sammen nøkkel for nøkkel, så ClientId kan komme fra feil klient.",
                ),
                l(
                    "Give the section its own name with the app as prefix, e.g. myapp:MaskinportenSettingsExternal, and name the Key Vault secrets myapp--MaskinportenSettingsExternal--ClientId and --EncodedJwk.",
                    "Gi seksjonen et eget navn med appen som prefiks, f.eks. myapp:MaskinportenSettingsExternal, og kall Key Vault-hemmelighetene myapp--MaskinportenSettingsExternal--ClientId og --EncodedJwk.",
                ),
            ));
        }
    }
}

/// v9 (draft docs): the built-in client reads only the provisioned file (§2.3).
pub(super) fn dead_in_v9(cx: &Context<'_>, path: ConfigPath, out: &mut Vec<Finding>) {
    let v9 = path == ConfigPath::V9Preview
        || cx.app_version().has(Feature::ProvisionedOnly) == Some(true);
    if !v9 {
        return;
    }
    let fix = l(
        "Remove it. For local runs use appsettings.Local.json or user-secrets with authority, clientId and jwkBase64; for a client of your own use Altinn.ApiClients.Maskinporten with a section of its own.",
        "Fjern den. Bruk appsettings.Local.json eller user-secrets med authority, clientId og jwkBase64 for lokal kjøring; for en egen klient, bruk Altinn.ApiClients.Maskinporten med en egen seksjon.",
    );
    for call in &cx.built_in {
        out.push(finding(
            "v9_dead_config",
            Severity::Warning,
            &call.file,
            Some(call.call.line),
            l(
                "ConfigureMaskinportenClient is removed in Altinn App v9 (draft docs): the built-in client reads only the credentials Studio provisions.",
                "ConfigureMaskinportenClient er fjernet i Altinn App v9 (utkast til dokumentasjon): den innebygde klienten leser bare påloggingen Studio setter opp.",
            ),
            fix.clone(),
        ));
    }
    let used_by_own = cx.own.iter().any(|b| {
        b.section
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(DEFAULT_SECTION))
    });
    if used_by_own {
        return;
    }
    for (file, settings) in &cx.settings {
        if let Some(entry) = settings.get(DEFAULT_SECTION) {
            out.push(finding(
                "v9_dead_config",
                Severity::Warning,
                &file.name,
                Some(entry.line),
                l(
                    "In Altinn App v9 a MaskinportenSettings section in appsettings is ignored (draft docs): the built-in client reads only the credentials Studio provisions.",
                    "I Altinn App v9 blir en MaskinportenSettings-seksjon i appsettings ignorert (utkast til dokumentasjon): den innebygde klienten leser bare påloggingen Studio setter opp.",
                ),
                fix.clone(),
            ));
        }
    }
}

/// `UseMaskinportenAuthorisation` and `…AltinnAuthorisation` are `[Obsolete]` from 8.7.0, when
/// the American spellings arrived (§2.2, `versions`). On an older version the British name is the
/// only one there is, so nothing is said; when the version cannot be told, the advice says from
/// which version it holds.
pub(super) fn obsolete(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let renamed = cx.app_version().has(Feature::AltinnAuthorizationName);
    if renamed == Some(false) {
        return;
    }
    let since = Feature::AltinnAuthorizationName.since_text();
    for bound in &cx.built_in_use {
        let call = &bound.call;
        let Some(new_name) = call.name.strip_suffix("Authorisation") else {
            continue;
        };
        let (when_en, when_nb) = match renamed {
            Some(true) => (String::new(), String::new()),
            _ => (
                format!(
                    " This applies from Altinn.App {since}, which the project's version cannot confirm; below it, keep the old name."
                ),
                format!(
                    " Dette gjelder fra Altinn.App {since}, som prosjektets versjon ikke kan bekrefte; under den beholder dere det gamle navnet."
                ),
            ),
        };
        out.push(finding(
            "obsolete_spelling",
            Severity::Warning,
            &bound.file,
            Some(call.line),
            l(
                format!(
                    "{} is obsolete from Altinn.App {since} (renamed to the American spelling).{when_en}",
                    call.name
                ),
                format!(
                    "{} er foreldet fra Altinn.App {since} (fikk amerikansk stavemåte).{when_nb}",
                    call.name
                ),
            ),
            l(
                format!("Use {new_name}Authorization instead."),
                format!("Bruk {new_name}Authorization i stedet."),
            ),
        ));
    }
}
