//! Field checks on the bound sections. Altinn.ApiClients.Maskinporten (own identity) reads
//! `Environment`, `Scope`, `ClientId`, `EncodedJwk`, `ExhangeToAltinnToken` (sic) and
//! `EnableDebugLogging` (Altinn/altinn-apiclient-maskinporten `Config/MaskinportenSettings.cs`);
//! the built-in client reads `Authority`, `ClientId`, `JwkBase64` or `Jwk` (app-lib-dotnet
//! `Features/Maskinporten/Models/MaskinportenSettings.cs`). Unknown keys are ignored silently by
//! the .NET binder, which is why misspellings and the other client's fields are worth a finding.

use super::Context;
use crate::appconfig::json::{Entry, Settings, is_under, same_key};
use crate::appconfig::{Finding, Severity, SourceFile, finding, l};

/// Keys that hold a private key: they belong in Key Vault, never in a file in git.
const SECRET_KEYS: &[&str] = &[
    "EncodedJwk",
    "EncodedX509",
    "JwkBase64",
    "CertificatePkcs12Password",
];
/// Only the built-in client reads these.
const BUILT_IN_ONLY: &[&str] = &["Authority", "JwkBase64", "Jwk"];
/// Only Altinn.ApiClients.Maskinporten reads these.
const OWN_ONLY: &[&str] = &[
    "EncodedJwk",
    "Environment",
    "Scope",
    "ExhangeToAltinnToken",
    "EncodedX509",
];

/// The value under `section:key` in one file.
fn field<'s>(settings: &'s Settings, section: &str, key: &str) -> Option<&'s Entry> {
    settings.get(&format!("{section}:{key}"))
}

pub(super) fn own_identity(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for bound in &cx.own {
        let Some(section) = bound.section.as_deref() else {
            continue;
        };
        let files = cx.defined_in(section);
        if files.is_empty() {
            out.push(finding(
                "section_missing",
                Severity::Error,
                &bound.file,
                Some(bound.call.line),
                l(
                    format!("{} binds the section {section}, but no appsettings file has it. Environment and Scope belong there (ClientId and EncodedJwk come from Key Vault); without them the client cannot ask for a token.", bound.call.name),
                    format!("{} binder seksjonen {section}, men ingen appsettings-fil har den. Environment og Scope hører hjemme der (ClientId og EncodedJwk kommer fra Key Vault); uten dem kan ikke klienten be om token.", bound.call.name),
                ),
                l(
                    format!("Add \"{section}\" with Environment and Scope to App/appsettings.json (use ':' in the name, or nest the objects). `config snippet --path own-identity` prints it."),
                    format!("Legg «{section}» med Environment og Scope til App/appsettings.json (bruk ':' i navnet, eller nøst objektene). `config snippet --path own-identity` skriver den ut."),
                ),
            ));
            continue;
        }
        required(&files, section, "Environment", out);
        required(&files, section, "Scope", out);
        for (file, settings) in files {
            environment(file, settings, section, out);
            scope(file, settings, section, out);
            spelling(file, settings, section, out);
            foreign(
                file,
                settings,
                section,
                BUILT_IN_ONLY,
                "Altinn.ApiClients.Maskinporten",
                out,
            );
            secrets(file, settings, section, out);
        }
    }
}

pub(super) fn built_in(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for bound in &cx.built_in {
        let Some(section) = bound.section.as_deref() else {
            continue;
        };
        if cx.defined_in(section).is_empty() {
            out.push(finding(
                "section_missing",
                Severity::Error,
                &bound.file,
                Some(bound.call.line),
                l(
                    format!("ConfigureMaskinportenClient is given the section {section}, but no appsettings file has it. Authority belongs there (ClientId and the JWK come from Key Vault); without it the client cannot start."),
                    format!("ConfigureMaskinportenClient får seksjonen {section}, men ingen appsettings-fil har den. Authority hører hjemme der (ClientId og JWK-en kommer fra Key Vault); uten den kan ikke klienten starte."),
                ),
                l(
                    format!("Add \"{section}\" with \"Authority\": \"https://test.maskinporten.no/\" (TT02) or \"https://maskinporten.no/\" (production) to App/appsettings.json or its environment files."),
                    format!("Legg «{section}» med «Authority»: «https://test.maskinporten.no/» (TT02) eller «https://maskinporten.no/» (produksjon) til App/appsettings.json eller miljøfilene."),
                ),
            ));
        }
    }
    for (section, _) in cx.built_in_sections() {
        // The built-in client's settings require Authority next to ClientId and the JWK
        // (app-lib `MaskinportenSettings`); Key Vault holds only the secrets.
        required(&cx.defined_in(&section), &section, "Authority", out);
        for (file, settings) in cx.defined_in(&section) {
            foreign(
                file,
                settings,
                &section,
                OWN_ONLY,
                "the built-in client",
                out,
            );
            secrets(file, settings, &section, out);
            if let Some(entry) = field(settings, &section, "Authority")
                && let Some(value) = entry.value.as_text()
                && !matches!(
                    value.trim_end_matches('/'),
                    "https://test.maskinporten.no" | "https://maskinporten.no"
                )
            {
                out.push(finding(
                    "authority_invalid",
                    Severity::Error,
                    &file.name,
                    Some(entry.line),
                    l(
                        format!("Authority is \"{value}\"; the built-in client needs Maskinporten's own address."),
                        format!("Authority er «{value}»; den innebygde klienten trenger Maskinportens egen adresse."),
                    ),
                    l(
                        "Use https://test.maskinporten.no/ (with TT02) or https://maskinporten.no/ (production).",
                        "Bruk https://test.maskinporten.no/ (med TT02) eller https://maskinporten.no/ (produksjon).",
                    ),
                ));
            }
        }
    }
}

/// A field no file sets: reported once, at the section in the first file.
fn required(files: &[(&SourceFile, &Settings)], section: &str, key: &str, out: &mut Vec<Finding>) {
    if files.iter().any(|(_, s)| field(s, section, key).is_some()) {
        return;
    }
    let Some((file, settings)) = files.first() else {
        return;
    };
    let line = settings
        .get(section)
        .or_else(|| settings.under(section).next())
        .map(|e| e.line);
    let (what_en, what_nb) = match key {
        "Environment" => (
            "which Maskinporten to use (test or prod)",
            "hvilken Maskinporten som brukes (test eller prod)",
        ),
        "Authority" => (
            "which Maskinporten to use (https://test.maskinporten.no/ with TT02, https://maskinporten.no/ in production)",
            "hvilken Maskinporten som brukes (https://test.maskinporten.no/ med TT02, https://maskinporten.no/ i produksjon)",
        ),
        _ => ("which scopes to ask for", "hvilke scopes det skal bes om"),
    };
    out.push(finding(
        &format!("{}_missing", key.to_ascii_lowercase()),
        Severity::Warning,
        &file.name,
        line,
        l(
            format!("{section} has no {key}, which says {what_en}. Unless it is in Key Vault, the client cannot get a token."),
            format!("{section} mangler {key}, som sier {what_nb}. Med mindre den ligger i Key Vault, får ikke klienten token."),
        ),
        l(
            format!("Add \"{key}\" to {section} in {}.", file.name),
            format!("Legg til «{key}» i {section} i {}.", file.name),
        ),
    ));
}

/// `test` or `prod`, in lower case: the library switches on the exact string, and ver1/ver2 were
/// shut down (Altinn/altinn-apiclient-maskinporten `Services/MaskinportenService.cs`;
/// config-keyvault-selfservice.md §1.1, §5).
fn environment(file: &SourceFile, settings: &Settings, section: &str, out: &mut Vec<Finding>) {
    let Some(entry) = field(settings, section, "Environment") else {
        return;
    };
    let value = entry.value.as_text().unwrap_or_default();
    if matches!(value, "test" | "prod") {
        return;
    }
    let (en, nb) = match value.to_ascii_lowercase().as_str() {
        "ver1" | "ver2" => (
            format!(
                "Environment is \"{value}\": ver1 and ver2 of Maskinporten are shut down (ver2 on 2024-06-10)."
            ),
            format!(
                "Environment er «{value}»: ver1 og ver2 av Maskinporten er lagt ned (ver2 10.06.2024)."
            ),
        ),
        "test" | "prod" => (
            format!(
                "Environment is \"{value}\"; the library compares the exact text, so only lower case works."
            ),
            format!(
                "Environment er «{value}»; biblioteket sammenligner eksakt tekst, så bare små bokstaver virker."
            ),
        ),
        _ => (
            format!("Environment is \"{value}\"; the library knows test and prod."),
            format!("Environment er «{value}»; biblioteket kjenner test og prod."),
        ),
    };
    out.push(finding(
        "environment_invalid",
        Severity::Error,
        &file.name,
        Some(entry.line),
        l(en, nb),
        l(
            "Use \"test\" (Maskinporten test, with Altinn TT02) or \"prod\".",
            "Bruk «test» (Maskinporten test, med Altinn TT02) eller «prod».",
        ),
    ));
}

/// One string of scopes separated by spaces, each `prefix:name` (RFC 6749 §3.3).
fn scope(file: &SourceFile, settings: &Settings, section: &str, out: &mut Vec<Finding>) {
    let key = format!("{section}:Scope");
    let problem = match field(settings, section, "Scope") {
        Some(entry) => match entry.value.as_text() {
            None => Some((
                entry.line,
                "Scope is a list or object; the library reads one string".to_string(),
            )),
            Some(text) if text.contains([',', ';']) => Some((
                entry.line,
                format!("Scope \"{text}\" separates scopes with , or ;"),
            )),
            Some(text) => text.split_whitespace().find(|s| !is_scope(s)).map(|bad| {
                (
                    entry.line,
                    format!(
                        "\"{bad}\" in Scope is not a scope like altinn:serviceowner/instances.read"
                    ),
                )
            }),
        },
        None => settings
            .entries
            .iter()
            .find(|e| is_under(&e.key, &key))
            .map(|e| {
                (
                    e.line,
                    "Scope is a list; the library reads one string".to_string(),
                )
            }),
    };
    if let Some((line, en)) = problem {
        out.push(finding(
            "scope_format",
            Severity::Error,
            &file.name,
            Some(line),
            l(format!("{en}, so Maskinporten refuses the request (invalid_scope)."), format!("Feil i Scope ({en}), så Maskinporten avviser forespørselen (invalid_scope).")),
            l(
                "Write the scopes as one string separated by spaces, e.g. \"altinn:serviceowner/instances.read altinn:serviceowner/instances.write\".",
                "Skriv scopene som én tekst skilt med mellomrom, f.eks. «altinn:serviceowner/instances.read altinn:serviceowner/instances.write».",
            ),
        ));
    }
}

pub(super) fn is_scope(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:/-".contains(c))
}

/// `ExhangeToAltinnToken` is how the library spells it; `EnableDebugLog` does not exist.
fn spelling(file: &SourceFile, settings: &Settings, section: &str, out: &mut Vec<Finding>) {
    if let Some(entry) = field(settings, section, "ExchangeToAltinnToken")
        && field(settings, section, "ExhangeToAltinnToken").is_none()
    {
        out.push(finding(
            "exchange_misspelled",
            Severity::Error,
            &file.name,
            Some(entry.line),
            l(
                "ExchangeToAltinnToken is spelled correctly, and that is the problem: the library's setting is ExhangeToAltinnToken (without the c), so this one is silently ignored and the app gets a Maskinporten token that Altinn refuses.",
                "ExchangeToAltinnToken er riktig stavet, og det er problemet: bibliotekets innstilling heter ExhangeToAltinnToken (uten c), så denne ignoreres uten varsel, og appen får et Maskinporten-token som Altinn avviser.",
            ),
            l("Rename the key to ExhangeToAltinnToken.", "Gi nøkkelen navnet ExhangeToAltinnToken."),
        ));
    }
    if let Some(entry) = field(settings, section, "EnableDebugLog") {
        out.push(finding(
            "debug_log_key",
            Severity::Warning,
            &file.name,
            Some(entry.line),
            l(
                "EnableDebugLog does not exist (an old Altinn guide used it); it is silently ignored.",
                "EnableDebugLog finnes ikke (en gammel Altinn-veiledning brukte den); den ignoreres uten varsel.",
            ),
            l("Rename it to EnableDebugLogging.", "Gi den navnet EnableDebugLogging."),
        ));
    }
}

/// Fields of the other client in this section: ignored, so they mislead.
fn foreign(
    file: &SourceFile,
    settings: &Settings,
    section: &str,
    keys: &[&str],
    reader: &str,
    out: &mut Vec<Finding>,
) {
    for key in keys {
        let Some(entry) = field(settings, section, key) else {
            continue;
        };
        out.push(finding(
            "fields_mixed",
            Severity::Warning,
            &file.name,
            Some(entry.line),
            l(
                format!("{section} is read by {reader}, which ignores {key}: that field belongs to the other Maskinporten client."),
                format!("{section} leses av {reader}, som ignorerer {key}: feltet hører til den andre Maskinporten-klienten."),
            ),
            l(
                format!("Remove {key}, or rename it to this client's field (EncodedJwk ↔ JwkBase64, Environment ↔ Authority)."),
                format!("Fjern {key}, eller gi det navnet til denne klientens felt (EncodedJwk ↔ JwkBase64, Environment ↔ Authority)."),
            ),
        ));
    }
}

/// A private key written into appsettings (and so into git).
fn secrets(file: &SourceFile, settings: &Settings, section: &str, out: &mut Vec<Finding>) {
    let private_jwk = settings.entries.iter().find(|e| {
        same_key(&e.key, &format!("{section}:Jwk:d"))
            && e.value.as_text().is_some_and(|v| v.len() > 20)
    });
    let keyed = SECRET_KEYS
        .iter()
        .filter_map(|k| field(settings, section, k))
        .find(|e| e.value.as_text().is_some_and(|v| v.trim().len() >= 40));
    let Some(entry) = keyed.or(private_jwk) else {
        return;
    };
    out.push(finding(
        "secret_in_appsettings",
        Severity::Error,
        &file.name,
        Some(entry.line),
        l(
            "A private key is written in this file, and so in the app's git history: anyone who can read the repository can act as the client.",
            "En privat nøkkel står i denne filen, og dermed i appens git-historikk: alle som kan lese repoet, kan opptre som klienten.",
        ),
        l(
            "Remove it from the file, make a new key (the old one is exposed), register its public part on the client and put the private part in Key Vault.",
            "Fjern den fra filen, lag en ny nøkkel (den gamle er eksponert), registrer den offentlige delen på klienten og legg den private delen i Key Vault.",
        ),
    ));
}
