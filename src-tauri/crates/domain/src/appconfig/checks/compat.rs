//! Checks that depend on the app library version: the `MaskinportenSettings` name collision with
//! Studio-provisioned credentials (8.3+), config that v9 ignores, and obsolete method names.

use super::{Context, DEFAULT_SECTION};
use crate::appconfig::{ConfigPath, Finding, Severity, finding, l};

/// A section named `MaskinportenSettings` for Altinn.ApiClients.Maskinporten in an app that gets
/// Studio-provisioned credentials under the same root: keys mix (§0.2).
pub(super) fn collision(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if !cx.app_version().is_some_and(|v| v.at_least(8, 3)) {
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
                cx.program_name(),
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
    let v9 = path == ConfigPath::V9Preview || cx.app_version().is_some_and(|v| v.at_least(9, 0));
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
            cx.program_name(),
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

/// `UseMaskinportenAuthorisation` and `…AltinnAuthorisation` are `[Obsolete]` (§2.2).
pub(super) fn obsolete(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for call in &cx.scan.calls {
        let Some(new_name) = call.name.strip_suffix("Authorisation") else {
            continue;
        };
        out.push(finding(
            "obsolete_spelling",
            Severity::Warning,
            cx.program_name(),
            Some(call.line),
            l(
                format!(
                    "{} is obsolete (renamed in 2025 to the American spelling).",
                    call.name
                ),
                format!(
                    "{} er foreldet (fikk amerikansk stavemåte i 2025).",
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
