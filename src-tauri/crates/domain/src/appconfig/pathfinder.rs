//! Which Maskinporten path the app is on, and why: from the app library's version (see
//! `versions` for which version brings what) and what the code and appsettings use
//! (config-keyvault-selfservice.md §2.7).
//!
//! - Altinn.ApiClients.Maskinporten registered in the code: own identity (Key Vault secrets).
//!   Altinn.App.Core pulls the package in on 7.x and 8.x, so the registration is the evidence,
//!   not a reference.
//! - v9: the built-in client reads only Studio's provisioned credentials (§2.3).
//! - The built-in client configured by hand (`ConfigureMaskinportenClient`, or a
//!   `MaskinportenSettings` section with `JwkBase64`/`Jwk`): legacy manual secrets (8.3–8.x).
//! - 8.3 or later and none of the above: Studio-provisioned credentials (§0.1).
//! - Below 8.3 and nothing in use: not using Maskinporten yet; the choices are the external
//!   library (already there) or an upgrade. The built-in client does not exist there.
//! - A floating or source-built version, or none, with nothing in use: not determined, and why.

use super::checks::{Bound, Context, DEFAULT_SECTION};
use super::versions::{AppVersion, Feature};
use super::{ConfigPath, PathFinding, l};
use crate::diagnosis::Localized;

pub(super) fn find(cx: &Context<'_>) -> PathFinding {
    let version = cx.app_version();
    let mut reasons: Vec<Localized> = vec![version_reason(&version)];
    let v9 = version.has(Feature::ProvisionedOnly) == Some(true);
    let built_in_exists = version.has(Feature::BuiltInClient);
    let legacy_settings = cx.settings.iter().find_map(|(file, settings)| {
        ["JwkBase64", "Jwk"]
            .iter()
            .find_map(|k| settings.get(&format!("{DEFAULT_SECTION}:{k}")))
            .map(|e| (file.name.clone(), e.line))
    });
    let section_without_code = cx.program.is_none()
        && cx.settings.iter().any(|(_, s)| {
            s.entries
                .iter()
                .any(|e| e.key.to_ascii_lowercase().contains("maskinporten"))
        });

    let path = if let Some(own) = cx.own.first() {
        reasons.push(at(
            own,
            "registers a client of its own through Altinn.ApiClients.Maskinporten",
            "registrerer en egen klient gjennom Altinn.ApiClients.Maskinporten",
        ));
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
    } else if let Some(call) = cx
        .built_in
        .first()
        .filter(|_| built_in_exists == Some(false))
    {
        reasons.push(at(
            call,
            "is in the app library only from 8.3.0: this does not build on the version the project names",
            "finnes i appbiblioteket først fra 8.3.0: dette bygger ikke på versjonen prosjektet oppgir",
        ));
        ConfigPath::Unknown
    } else if !cx.built_in.is_empty() || legacy_settings.is_some() {
        if let Some(call) = cx.built_in.first() {
            reasons.push(at(
                call,
                "points the built-in client at configuration you supply (ConfigureMaskinportenClient)",
                "peker den innebygde klienten på konfigurasjon dere selv legger inn (ConfigureMaskinportenClient)",
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
            "Innebygd klient, gammelt oppsett: ClientId og JwkBase64 legges inn for hånd i Key Vault (bare v8; v9 fjerner det).",
        ));
        if built_in_exists == Some(true) {
            reasons.push(l(
                "On 8.3 and later Studio can provision these credentials instead (Settings → Maskinporten).",
                "På 8.3 og nyere kan Studio sette opp denne påloggingen i stedet (Innstillinger → Maskinporten).",
            ));
        }
        ConfigPath::LegacyBuiltIn
    } else if section_without_code {
        reasons.push(l(
            "appsettings has a Maskinporten section, but there is no Program.cs to say which client binds it: not determined. Check the app's whole repository folder.",
            "appsettings har en Maskinporten-seksjon, men det finnes ingen Program.cs som sier hvilken klient som bruker den: ikke avgjort. Sjekk hele repo-mappen til appen.",
        ));
        ConfigPath::Unknown
    } else {
        match built_in_exists {
            Some(true) => {
                reasons.push(l(
                    "Studio-provisioned: on App 8.3 and later Altinn Studio creates the Maskinporten client and mounts its credentials; no Key Vault secrets are needed for service-owner calls. Add the scopes in Studio (Settings → Maskinporten).",
                    "Satt opp av Studio: på App 8.3 og nyere lager Altinn Studio Maskinporten-klienten og monterer påloggingen; ingen Key Vault-hemmeligheter trengs for tjenesteeier-kall. Legg til scopene i Studio (Innstillinger → Maskinporten).",
                ));
                if !cx.uses_maskinporten() {
                    reasons.push(not_called_yet(&version));
                }
                ConfigPath::StudioProvisioned
            }
            Some(false) => {
                reasons.extend(not_used_choices(&version));
                ConfigPath::NotUsedYet
            }
            None => {
                reasons.push(undetermined(&version));
                ConfigPath::Unknown
            }
        }
    };
    PathFinding {
        path,
        reasons,
        app_version: version.text(),
    }
}

/// `{file} line {n}: … {what}.` for a registration.
fn at(bound: &Bound, en: &str, nb: &str) -> Localized {
    let file = bound.file.rsplit('/').next().unwrap_or(&bound.file);
    l(
        format!("{file} line {}: {} {en}.", bound.call.line, bound.call.name),
        format!(
            "{file} linje {}: {} {nb}.",
            bound.call.line, bound.call.name
        ),
    )
}

fn version_reason(version: &AppVersion) -> Localized {
    match version {
        AppVersion::Known {
            package,
            version,
            file,
            line,
            ..
        } => l(
            format!("{package} {version} ({file} line {line})."),
            format!("{package} {version} ({file} linje {line})."),
        ),
        AppVersion::Floating {
            package,
            version,
            file,
            line,
        } => l(
            format!(
                "{package} has the floating version \"{version}\" ({file} line {line}): which version it gets is decided when the app is built, so what it supports cannot be read from the files."
            ),
            format!(
                "{package} har den flytende versjonen «{version}» ({file} linje {line}): hvilken versjon den får avgjøres når appen bygges, så hva den støtter kan ikke leses ut av filene."
            ),
        ),
        AppVersion::FromSource {
            package,
            file,
            line,
        } => l(
            format!(
                "The app library is built from source ({package}, {file} line {line}): its version is not in the app's files."
            ),
            format!(
                "Appbiblioteket bygges fra kildekode ({package}, {file} linje {line}): versjonen står ikke i appens filer."
            ),
        ),
        AppVersion::Unknown => l(
            "The Altinn app library version is not known (no project file, or no Altinn.App.Api/Core reference).",
            "Versjonen av Altinn-appbiblioteket er ukjent (ingen prosjektfil, eller ingen referanse til Altinn.App.Api/Core).",
        ),
    }
}

fn not_called_yet(version: &AppVersion) -> Localized {
    let authorization = version.has(Feature::AltinnAuthorizationName) == Some(true);
    let how = if authorization {
        "an HttpClient with .UseMaskinportenAltinnAuthorization(scopes) (or IMaskinportenClient.GetAltinnExchangedToken)"
    } else {
        "IMaskinportenClient.GetAltinnExchangedToken (UseMaskinportenAltinnAuthorization comes with 8.7.0)"
    };
    l(
        format!("The code does not call Maskinporten yet. To call app B, use {how}."),
        format!("Koden kaller ikke Maskinporten ennå. For å kalle app B: bruk {how}."),
    )
}

/// Below 8.3: no built-in client. What to choose, and why.
fn not_used_choices(version: &AppVersion) -> Vec<Localized> {
    let shown = version.text().unwrap_or_default();
    vec![
        l(
            format!(
                "This app does not use Maskinporten yet, and on {shown} the app library's built-in client does not exist (it came with 8.3.0)."
            ),
            format!(
                "Denne appen bruker ikke Maskinporten ennå, og på {shown} finnes ikke appbibliotekets innebygde klient (den kom med 8.3.0)."
            ),
        ),
        l(
            "Choice 1, no upgrade: Altinn.ApiClients.Maskinporten, which Altinn.App.Core already brings in. A client of your own in Samarbeidsportalen, its ClientId and EncodedJwk in Key Vault: the path this tool walks (config snippet --path own-identity).",
            "Valg 1, uten oppgradering: Altinn.ApiClients.Maskinporten, som Altinn.App.Core allerede tar med. En egen klient i Samarbeidsportalen, ClientId og EncodedJwk i Key Vault: veien dette verktøyet går (config snippet --path own-identity).",
        ),
        l(
            "Choice 2: upgrade to Altinn.App 8.3 or later and let Studio provision the client (Settings → Maskinporten), with no secrets to handle; from 8.7 an HttpClient gets Altinn tokens with .UseMaskinportenAltinnAuthorization.",
            "Valg 2: oppgrader til Altinn.App 8.3 eller nyere og la Studio sette opp klienten (Innstillinger → Maskinporten), uten hemmeligheter å håndtere; fra 8.7 får en HttpClient Altinn-token med .UseMaskinportenAltinnAuthorization.",
        ),
    ]
}

fn undetermined(version: &AppVersion) -> Localized {
    let why = match version {
        AppVersion::Floating { .. } => "the version floats",
        AppVersion::FromSource { .. } => "the library is built from source",
        _ => "no version was found",
    };
    l(
        format!(
            "Not determined: nothing in the code uses Maskinporten, and {why}. From 8.3 on this would be Studio-provisioned credentials; below 8.3, an app that does not use Maskinporten yet; on v9, provisioned credentials only. Pin the version (or check the project that resolves it) and check again."
        ),
        format!(
            "Ikke avgjort: ingenting i koden bruker Maskinporten, og {}. Fra 8.3 ville dette vært pålogging satt opp av Studio; under 8.3 en app som ikke bruker Maskinporten ennå; på v9 bare provisjonert pålogging. Lås versjonen (eller sjekk prosjektet som bestemmer den) og sjekk på nytt.",
            match version {
                AppVersion::Floating { .. } => "versjonen er flytende",
                AppVersion::FromSource { .. } => "biblioteket bygges fra kildekode",
                _ => "ingen versjon ble funnet",
            }
        ),
    )
}
