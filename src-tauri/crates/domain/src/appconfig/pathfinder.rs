//! Which Maskinporten path the app is on, and why: from the Altinn app library version in the
//! project file and what the code and appsettings use (config-keyvault-selfservice.md §2.7).
//!
//! - Altinn.ApiClients.Maskinporten in the code or project: own identity (Key Vault secrets).
//! - v9 (`9.x`, preview today): the built-in client reads only Studio's provisioned file (§2.3).
//! - The built-in client configured by hand (`ConfigureMaskinportenClient`, or a
//!   `MaskinportenSettings` section with `JwkBase64`/`Jwk`): legacy manual secrets (v8 only).
//! - App 8.3 or later and none of the above: Studio-provisioned credentials (§0.1).
//! - Below 8.3 and nothing else: Studio cannot provision, so the legacy manual path.

use super::checks::{Context, DEFAULT_SECTION};
use super::{ConfigPath, PathFinding, l};
use crate::diagnosis::Localized;

pub(super) fn find(cx: &Context<'_>) -> PathFinding {
    let version = cx.app_version();
    let mut reasons: Vec<Localized> = Vec::new();
    match version {
        Some(v) => reasons.push(l(
            format!("{} {} (line {} of the project file).", v.package, v.version, v.line),
            format!("{} {} (linje {} i prosjektfilen).", v.package, v.version, v.line),
        )),
        None => reasons.push(l(
            "The Altinn app library version is not known (no project file, or no Altinn.App.Api/Core reference).",
            "Versjonen av Altinn-appbiblioteket er ukjent (ingen prosjektfil, eller ingen referanse til Altinn.App.Api/Core).",
        )),
    }
    let v9 = version.is_some_and(|v| v.at_least(9, 0));
    let own_call = cx.own.first();
    let own_package = cx.package("Altinn.ApiClients.Maskinporten");
    let built_in_call = cx.built_in.first();
    let legacy_settings = cx.settings.iter().find_map(|(file, settings)| {
        ["JwkBase64", "Jwk"]
            .iter()
            .find_map(|k| settings.get(&format!("{DEFAULT_SECTION}:{k}")))
            .map(|e| (file.name.clone(), e.line))
    });

    if let Some(call) = own_call {
        reasons.push(l(
            format!("Program.cs line {}: {} registers a client of its own through Altinn.ApiClients.Maskinporten.", call.call.line, call.call.name),
            format!("Program.cs linje {}: {} registrerer en egen klient gjennom Altinn.ApiClients.Maskinporten.", call.call.line, call.call.name),
        ));
    } else if let Some(package) = own_package {
        reasons.push(l(
            format!("The project references Altinn.ApiClients.Maskinporten {} (line {}), though Program.cs registers no client with it.", package.version, package.line),
            format!("Prosjektet refererer til Altinn.ApiClients.Maskinporten {} (linje {}), men Program.cs registrerer ingen klient med det.", package.version, package.line),
        ));
    }
    let path = if own_call.is_some() || own_package.is_some() {
        reasons.push(l(
            "Own identity: ClientId and EncodedJwk come from the organisation's Azure Key Vault; Environment and Scope from appsettings.",
            "Egen identitet: ClientId og EncodedJwk kommer fra virksomhetens Azure Key Vault; Environment og Scope fra appsettings.",
        ));
        if v9 {
            reasons.push(l(
                "On v9 this is the supported way to use credentials of your own (draft v9 docs).",
                "På v9 er dette den støttede måten å bruke egen pålogging på (utkast til v9-dokumentasjon).",
            ));
        }
        ConfigPath::OwnIdentity
    } else if v9 {
        reasons.push(l(
            "Altinn App v9 (preview): the built-in client reads only the credentials Studio provisions; a MaskinportenSettings section in appsettings is ignored.",
            "Altinn App v9 (forhåndsversjon): den innebygde klienten leser bare påloggingen Studio setter opp; en MaskinportenSettings-seksjon i appsettings ignoreres.",
        ));
        ConfigPath::V9Preview
    } else if built_in_call.is_some() || legacy_settings.is_some() {
        if let Some(call) = built_in_call {
            reasons.push(l(
                format!("Program.cs line {}: ConfigureMaskinportenClient points the built-in client at configuration you supply.", call.call.line),
                format!("Program.cs linje {}: ConfigureMaskinportenClient peker den innebygde klienten på konfigurasjon dere selv legger inn.", call.call.line),
            ));
        }
        if let Some((file, line)) = &legacy_settings {
            reasons.push(l(
                format!("{file} line {line}: MaskinportenSettings has a JWK of its own."),
                format!("{file} linje {line}: MaskinportenSettings har en egen JWK."),
            ));
        }
        reasons.push(l(
            "Legacy built-in client: ClientId and JwkBase64 are set by hand in Key Vault (v8 only; v9 drops it).",
            "Innebygd klient, gammel oppsett: ClientId og JwkBase64 legges inn for hånd i Key Vault (bare v8; v9 fjerner det).",
        ));
        if version.is_some_and(|v| v.at_least(8, 3)) {
            reasons.push(l(
                "On 8.3 and later Studio can provision these credentials instead (Settings → Maskinporten).",
                "På 8.3 og nyere kan Studio sette opp denne påloggingen i stedet (Innstillinger → Maskinporten).",
            ));
        }
        ConfigPath::LegacyBuiltIn
    } else if version.is_some_and(|v| v.at_least(8, 3)) {
        reasons.push(l(
            "Studio-provisioned: on App 8.3 and later Altinn Studio creates the Maskinporten client and mounts its credentials; no Key Vault secrets are needed for service-owner calls. Add the scopes in Studio (Settings → Maskinporten).",
            "Satt opp av Studio: på App 8.3 og nyere lager Altinn Studio Maskinporten-klienten og monterer påloggingen; ingen Key Vault-hemmeligheter trengs for tjenesteeier-kall. Legg til scopene i Studio (Innstillinger → Maskinporten).",
        ));
        ConfigPath::StudioProvisioned
    } else if version.is_some() {
        reasons.push(l(
            "Below 8.3 Studio cannot provision credentials: use the built-in client with ClientId and JwkBase64 in Key Vault (legacy), or upgrade to 8.3 or later.",
            "Under 8.3 kan ikke Studio sette opp påloggingen: bruk den innebygde klienten med ClientId og JwkBase64 i Key Vault (gammelt oppsett), eller oppgrader til 8.3 eller nyere.",
        ));
        ConfigPath::LegacyBuiltIn
    } else {
        ConfigPath::Unknown
    };
    PathFinding {
        path,
        reasons,
        app_version: version.map(|v| v.version.clone()),
    }
}
