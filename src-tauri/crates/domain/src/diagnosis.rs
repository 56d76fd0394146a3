//! Plain-language diagnosis: each known failure of the token chain mapped to what happened and
//! what to do, in English and Norwegian bokmål, with the raw error kept one click away.
//! The catalogue follows protocols.md §1.5 (DD-err), §2 (MP-303 doc), §3 and §6.

use serde::Serialize;
use ts_rs::TS;

use crate::altinn::exchange::ExchangeError;
use crate::http::TransportError;
use crate::maskinporten::MaskinportenError;
use crate::profile::Environment;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Localized {
    pub en: String,
    pub nb: String,
}

fn l(en: impl Into<String>, nb: impl Into<String>) -> Localized {
    Localized {
        en: en.into(),
        nb: nb.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Diagnosis {
    /// A stable id the UI and tests branch on, e.g. `unknown_kid`.
    pub code: String,
    pub title: Localized,
    /// What happened.
    pub explanation: Localized,
    /// What to do.
    pub fix: Localized,
    /// The server's own words (scrubbed of anything token-shaped), when there were any.
    pub raw: Option<String>,
}

/// What the diagnosis may mention: names and ids, never secrets.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub environment: Environment,
    pub client_id: String,
    pub kid: String,
    pub scopes: Vec<String>,
    /// Server time minus local time, from `Date` headers, when known.
    pub clock_skew_seconds: Option<i64>,
}

/// Where the public key is registered, per environment (config-keyvault-selfservice.md §4.1).
pub fn portal(environment: &Environment) -> (&'static str, &'static str) {
    match environment {
        Environment::Prod => (
            "https://sjolvbetjening.samarbeid.digdir.no",
            "Samarbeidsportalen (production)",
        ),
        Environment::Test => (
            "https://sjolvbetjening.test.samarbeid.digdir.no",
            "Samarbeidsportalen (test)",
        ),
        Environment::Sandbox | Environment::Custom { .. } => ("", "the sandbox's client registry"),
    }
}

fn diagnosis(
    code: &str,
    title: Localized,
    explanation: Localized,
    fix: Localized,
    raw: Option<String>,
) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        title,
        explanation,
        fix,
        raw,
    }
}

pub fn for_maskinporten(error: &MaskinportenError, cx: &Context) -> Diagnosis {
    match error {
        MaskinportenError::TokenRejected {
            error,
            description,
            code,
            raw,
            ..
        } => {
            // The MP code (from error_uri) is matched like the description's words.
            let said = format!(
                "{} {}",
                description.as_deref().unwrap_or(""),
                code.as_deref().unwrap_or("")
            );
            for_rejection(error, &said, raw, cx)
        }
        MaskinportenError::TokenUnparseable { status, raw } => diagnosis(
            "unexpected_answer",
            l(
                "Maskinporten answered something unexpected",
                "Maskinporten svarte noe uventet",
            ),
            l(
                format!(
                    "HTTP {status} came back without a token or an OAuth error. A proxy or a wrong URL often does this."
                ),
                format!(
                    "HTTP {status} kom tilbake uten token eller OAuth-feil. En proxy eller feil adresse gir ofte dette."
                ),
            ),
            l(
                "Check the environment's Maskinporten URL and any proxy, then try again.",
                "Sjekk Maskinporten-adressen for miljøet og eventuell proxy, og prøv igjen.",
            ),
            Some(raw.clone()),
        ),
        MaskinportenError::MetadataTransport(e)
        | MaskinportenError::TokenTransport(e)
        | MaskinportenError::JwksTransport(e) => for_transport(e),
        MaskinportenError::MetadataStatus { status, raw } => diagnosis(
            "metadata_unavailable",
            l(
                "Maskinporten's metadata is not available",
                "Maskinportens metadata er ikke tilgjengelig",
            ),
            l(
                format!("The well-known document answered HTTP {status}."),
                format!("Well-known-dokumentet svarte HTTP {status}."),
            ),
            l(
                "Check the Maskinporten URL of the environment; try again later if Maskinporten is down.",
                "Sjekk Maskinporten-adressen for miljøet; prøv igjen senere hvis Maskinporten er nede.",
            ),
            Some(raw.clone()),
        ),
        MaskinportenError::MetadataInvalid { problem, raw } => diagnosis(
            "metadata_invalid",
            l(
                "This is not the Maskinporten of this environment",
                "Dette er ikke Maskinporten for dette miljøet",
            ),
            l(
                format!("The metadata document does not fit: {problem}."),
                format!("Metadatadokumentet passer ikke: {problem}."),
            ),
            l(
                "Check the environment (test or prod) and its URLs.",
                "Sjekk miljøet (test eller prod) og adressene.",
            ),
            Some(raw.clone()),
        ),
        MaskinportenError::Signing(detail) => diagnosis(
            "signing_failed",
            l(
                "The grant could not be signed",
                "Grant-en kunne ikke signeres",
            ),
            l(
                format!("Signing with the key failed: {detail}."),
                format!("Signering med nøkkelen feilet: {detail}."),
            ),
            l(
                "Generate or import the key again.",
                "Generer eller importer nøkkelen på nytt.",
            ),
            None,
        ),
        MaskinportenError::JwksInvalid(detail) | MaskinportenError::AccessTokenInvalid(detail) => {
            diagnosis(
                "token_not_verified",
                l(
                    "The access token could not be verified",
                    "Tilgangstokenet kunne ikke verifiseres",
                ),
                l(
                    format!(
                        "Maskinporten issued a token, but it did not check out against its published keys: {detail}."
                    ),
                    format!(
                        "Maskinporten utstedte et token, men det stemte ikke med de publiserte nøklene: {detail}."
                    ),
                ),
                l(
                    "Check this computer's clock and the environment's URLs; a proxy that rewrites traffic can also cause this.",
                    "Sjekk klokka på denne maskinen og adressene for miljøet; en proxy som endrer trafikken kan også gi dette.",
                ),
                None,
            )
        }
    }
}

/// The scope Maskinporten names in "… access to the scope X. (correlation id: …)".
fn scope_named(description: &str) -> Option<String> {
    let after = description.split("the scope ").nth(1)?;
    let scope: String = after
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(['.', ','])
        .to_string();
    (!scope.is_empty()).then_some(scope)
}

fn for_rejection(error: &str, description: &str, raw: &str, cx: &Context) -> Diagnosis {
    let raw = Some(raw.to_string());
    let has = |needle: &str| {
        description
            .to_ascii_lowercase()
            .contains(&needle.to_ascii_lowercase())
    };
    let (portal_url, portal_name) = portal(&cx.environment);
    let env = cx.environment.name();
    let (kid, client) = (&cx.kid, &cx.client_id);
    let where_to = if portal_url.is_empty() {
        portal_name.to_string()
    } else {
        format!("{portal_name}, {portal_url}")
    };
    let skew = cx
        .clock_skew_seconds
        .map(|s| {
            format!(
                " This computer's clock is {} s {} Maskinporten's.",
                s.abs(),
                if s > 0 { "behind" } else { "ahead of" }
            )
        })
        .unwrap_or_default();
    let skew_nb = cx
        .clock_skew_seconds
        .map(|s| {
            format!(
                " Klokka på denne maskinen går {} s {} Maskinporten.",
                s.abs(),
                if s > 0 { "etter" } else { "foran" }
            )
        })
        .unwrap_or_default();
    if has("unknown key identifier") {
        return diagnosis(
            "unknown_kid",
            l(
                "The key is not registered on the client",
                "Nøkkelen er ikke registrert på klienten",
            ),
            l(
                format!(
                    "The public key with kid {kid} is not on client {client} in Maskinporten {env}."
                ),
                format!(
                    "Den offentlige nøkkelen med kid {kid} ligger ikke på klient {client} i Maskinporten {env}."
                ),
            ),
            l(
                format!(
                    "Upload the public key (JWK or PEM from the Keys step) to client {client} in {where_to}. Changes take up to 2 minutes."
                ),
                format!(
                    "Last opp den offentlige nøkkelen (JWK eller PEM fra Nøkler-steget) på klient {client} i {where_to}. Endringer tar inntil 2 minutter."
                ),
            ),
            raw,
        );
    }
    if has("requires pre-registered jwk") || has("no key identifier") {
        return diagnosis(
            "kid_required",
            l("The client requires a kid", "Klienten krever kid"),
            l(
                format!(
                    "Client {client} has registered keys, so the grant must name one with kid."
                ),
                format!(
                    "Klient {client} har registrerte nøkler, så grant-en må peke på én med kid."
                ),
            ),
            l(
                "Use a key from this machine that is registered on the client; this tool always sends the kid.",
                "Bruk en nøkkel fra denne maskinen som er registrert på klienten; verktøyet sender alltid kid.",
            ),
            raw,
        );
    }
    if has("expired key") || has("MP-121") {
        return diagnosis(
            "key_expired",
            l(
                "The registered key has expired",
                "Den registrerte nøkkelen er utløpt",
            ),
            l(
                format!(
                    "Keys live at most one year after they are posted (MP-121). Kid {kid} on client {client} is older."
                ),
                format!(
                    "Nøkler gjelder høyst ett år etter at de er lastet opp (MP-121). Kid {kid} på klient {client} er eldre."
                ),
            ),
            l(
                format!(
                    "Generate a new key, upload it in {where_to}, and update the Key Vault secret."
                ),
                format!(
                    "Generer en ny nøkkel, last den opp i {where_to}, og oppdater Key Vault-hemmeligheten."
                ),
            ),
            raw,
        );
    }
    if has("client not found") || has("MP-100") {
        return diagnosis(
            "client_not_found",
            l(
                "Maskinporten does not know this client",
                "Maskinporten kjenner ikke denne klienten",
            ),
            l(
                format!(
                    "Client {client} does not exist in Maskinporten {env}. A test client does not work in prod, nor the other way round."
                ),
                format!(
                    "Klient {client} finnes ikke i Maskinporten {env}. En testklient virker ikke i prod, og omvendt."
                ),
            ),
            l(
                "Check the client id, and that the profile's environment is where the client was created.",
                "Sjekk klient-id-en, og at profilens miljø er der klienten ble opprettet.",
            ),
            raw,
        );
    }
    if has("claim aud") || has("MP-110") {
        return diagnosis(
            "wrong_aud",
            l("Wrong audience (aud)", "Feil mottaker (aud)"),
            l(
                "The grant's aud must be the issuer exactly (e.g. https://test.maskinporten.no/), never the /token URL (MP-110).",
                "aud i grant-en må være nøyaktig issuer (f.eks. https://test.maskinporten.no/), aldri /token-adressen (MP-110).",
            ),
            l(
                "Check the environment. This tool reads aud from the metadata; a custom URL that points elsewhere gives this.",
                "Sjekk miljøet. Verktøyet leser aud fra metadata; en egendefinert adresse som peker feil gir dette.",
            ),
            raw,
        );
    }
    if has("grant is used before") || has("MP-012") {
        return diagnosis(
            "grant_reused",
            l("The grant was used before", "Grant-en er brukt før"),
            l(
                "Every grant must have a fresh jti; a grant sent twice is refused (MP-012).",
                "Hver grant må ha ny jti; en grant sendt to ganger avvises (MP-012).",
            ),
            l(
                "Try again: each attempt makes a new grant. If an app shows this, it is retrying a request with the same assertion.",
                "Prøv igjen: hvert forsøk lager ny grant. Viser en app dette, sender den samme assertion på nytt.",
            ),
            raw,
        );
    }
    if has("jwt is expired") || has("MP-130") || has("issue time is after now") {
        return diagnosis(
            "clock",
            l(
                "This computer's clock is off",
                "Klokka på denne maskinen går feil",
            ),
            l(
                format!(
                    "Maskinporten accepts a grant only if iat is within 10 seconds of its own clock.{skew}"
                ),
                format!(
                    "Maskinporten godtar bare en grant der iat er innenfor 10 sekunder av egen klokke.{skew_nb}"
                ),
            ),
            l(
                "Synchronise the clock (NTP: timedatectl set-ntp true, or the OS date settings), then try again.",
                "Synkroniser klokka (NTP: timedatectl set-ntp true, eller datoinnstillingene), og prøv igjen.",
            ),
            raw,
        );
    }
    if has("not been granted access") || has("MP-250") {
        // Maskinporten names the scope: "… has not been granted access to the scope X. (…)".
        let named = scope_named(description).unwrap_or_else(|| cx.scopes.join(" "));
        return diagnosis(
            "scope_not_granted",
            l(
                "The organisation has no access to the scope",
                "Virksomheten har ikke tilgang til scopet",
            ),
            l(
                format!("The consumer has not been granted access to {named} (MP-250)."),
                format!("Konsumenten har ikke fått tilgang til {named} (MP-250)."),
            ),
            l(
                "Ask the scope's owner (for Altinn scopes: Altinn/Digdir) to grant your organisation access.",
                "Be eieren av scopet (for Altinn-scopes: Altinn/Digdir) gi virksomheten tilgang.",
            ),
            raw,
        );
    }
    if has("has not delegated") || has("MP-251") {
        return diagnosis(
            "scope_not_delegated",
            l(
                "The customer has not delegated the scope to you",
                "Kunden har ikke delegert scopet til dere",
            ),
            l(
                "A supplier token (consumer_org) needs the customer to delegate the scope in Altinn (MP-251). Delegations do not apply in TT02.",
                "Et leverandørtoken (consumer_org) krever at kunden delegerer scopet i Altinn (MP-251). Delegeringer gjelder ikke i TT02.",
            ),
            l(
                "Ask the customer to delegate the scope to your organisation in Altinn, or drop consumer_org.",
                "Be kunden delegere scopet til virksomheten i Altinn, eller fjern consumer_org.",
            ),
            raw,
        );
    }
    if has("consumer_org in claim and delegation scope") {
        return diagnosis(
            "consumer_org_is_own",
            l(
                "consumer_org is your own organisation",
                "consumer_org er deres egen virksomhet",
            ),
            l(
                "consumer_org is for acting on behalf of another organisation; it must not be the client's own.",
                "consumer_org brukes for å opptre på vegne av en annen virksomhet; den kan ikke være klientens egen.",
            ),
            l("Remove consumer_org.", "Fjern consumer_org."),
            raw,
        );
    }
    if has("scopes not allowed for maskinporten") || has("MP-201") {
        return diagnosis(
            "scope_not_for_maskinporten",
            l(
                "The scope cannot be used with Maskinporten",
                "Scopet kan ikke brukes med Maskinporten",
            ),
            l(
                "A requested scope does not fit this client's integration type (MP-201).",
                "Et forespurt scope passer ikke klientens integrasjonstype (MP-201).",
            ),
            l(
                "Check the scopes, and that the client is a Maskinporten client.",
                "Sjekk scopene, og at klienten er en Maskinporten-klient.",
            ),
            raw,
        );
    }
    if error == "invalid_scope" || has("invalid scopes for client") || has("MP-200") {
        return diagnosis(
            "scope_not_on_client",
            l(
                "A scope is not on the client",
                "Et scope ligger ikke på klienten",
            ),
            l(
                format!(
                    "Client {client} does not have every scope asked for: {} (MP-200).",
                    cx.scopes.join(" ")
                ),
                format!(
                    "Klient {client} har ikke alle scopene det ble bedt om: {} (MP-200).",
                    cx.scopes.join(" ")
                ),
            ),
            l(
                format!(
                    "Add the scopes to the client in {where_to}, or remove them from the profile."
                ),
                format!("Legg scopene til klienten i {where_to}, eller fjern dem fra profilen."),
            ),
            raw,
        );
    }
    if error == "invalid_altinn_customer_configuration" || has("MP-303") {
        return diagnosis(
            "system_user_not_found",
            l(
                "The system user was not found",
                "Systembrukeren ble ikke funnet",
            ),
            l(
                "Maskinporten found no system user for this client with that owner organisation and external reference (MP-303).",
                "Maskinporten fant ingen systembruker for denne klienten med den eierorganisasjonen og eksterne referansen (MP-303).",
            ),
            l(
                "Check that the system is registered with this client id, that the customer has approved the system user, that systemuser_org is the owner's org number, and send externalRef if the request had one.",
                "Sjekk at systemet er registrert med denne klient-id-en, at kunden har godkjent systembrukeren, at systemuser_org er eierens organisasjonsnummer, og send externalRef hvis forespørselen hadde det.",
            ),
            raw,
        );
    }
    if has("MP-301") || has("MP-302") || error == "invalid_authorization_details" {
        return diagnosis(
            "system_user_details",
            l(
                "The system-user details are not accepted",
                "Systembruker-detaljene godtas ikke",
            ),
            l(
                "authorization_details has an unknown type or unknown fields (MP-301/MP-302).",
                "authorization_details har ukjent type eller ukjente felt (MP-301/MP-302).",
            ),
            l(
                "Use type urn:altinn:systemuser with systemuser_org and, if needed, externalRef only.",
                "Bruk type urn:altinn:systemuser med bare systemuser_org og eventuelt externalRef.",
            ),
            raw,
        );
    }
    if has("invalid assertion") || has("MP-011") || error == "invalid_request" {
        return diagnosis(
            "invalid_assertion",
            l(
                "Maskinporten refused the grant's content",
                "Maskinporten avviste innholdet i grant-en",
            ),
            l(
                "The grant has a claim or value Maskinporten does not accept. Undocumented claims (such as sub) give exactly this.",
                "Grant-en har et claim eller en verdi Maskinporten ikke godtar. Udokumenterte claims (som sub) gir nettopp dette.",
            ),
            l(
                "This tool sends only documented claims; check the optional fields (resource, consumer_org, system user) you set.",
                "Verktøyet sender bare dokumenterte claims; sjekk de valgfrie feltene (resource, consumer_org, systembruker) du har satt.",
            ),
            raw,
        );
    }
    diagnosis(
        "rejected",
        l(
            "Maskinporten refused the request",
            "Maskinporten avviste forespørselen",
        ),
        l(
            format!("The answer was {error}: {description}"),
            format!("Svaret var {error}: {description}"),
        ),
        l(
            "See the raw answer; Digdir's troubleshooting page lists the codes.",
            "Se det rå svaret; Digdirs feilsøkingsside forklarer kodene.",
        ),
        raw,
    )
}

pub fn for_transport(error: &TransportError) -> Diagnosis {
    let (code, en, nb, fix_en, fix_nb) = match error {
        TransportError::Dns { host } => (
            "network_dns",
            format!("The name {host} could not be looked up."),
            format!("Navnet {host} kunne ikke slås opp."),
            "Check the network connection and the address; behind a proxy, set HTTPS_PROXY.",
            "Sjekk nettverket og adressen; bak en proxy, sett HTTPS_PROXY.",
        ),
        TransportError::Tls { host, .. } => (
            "network_tls",
            format!("The secure connection to {host} failed."),
            format!("Den sikre forbindelsen til {host} feilet."),
            "If your organisation inspects TLS, set MASKINPORTEN_ASSISTANT_CA_BUNDLE to its CA certificate (PEM).",
            "Hvis virksomheten inspiserer TLS, sett MASKINPORTEN_ASSISTANT_CA_BUNDLE til CA-sertifikatet (PEM).",
        ),
        TransportError::Timeout { host } => (
            "network_timeout",
            format!("{host} did not answer in time."),
            format!("{host} svarte ikke i tide."),
            "Try again; if it persists, check the network or proxy.",
            "Prøv igjen; vedvarer det, sjekk nettverk eller proxy.",
        ),
        TransportError::Proxy { .. } => (
            "network_proxy",
            "The proxy refused or failed.".into(),
            "Proxyen avviste eller feilet.".into(),
            "Check HTTPS_PROXY and NO_PROXY.",
            "Sjekk HTTPS_PROXY og NO_PROXY.",
        ),
        TransportError::Connect { host, .. } => (
            "network_connect",
            format!("No connection to {host}."),
            format!("Ingen forbindelse til {host}."),
            "The server may be down, or a firewall or missing proxy blocks it.",
            "Tjeneren kan være nede, eller en brannmur eller manglende proxy stopper den.",
        ),
        TransportError::Protocol { host, .. } => (
            "network_protocol",
            format!("{host} closed the connection or did not speak HTTP."),
            format!("{host} lukket forbindelsen eller svarte ikke med HTTP."),
            "Try again; if it persists, the server or a proxy is misbehaving.",
            "Prøv igjen; vedvarer det, er det feil hos tjeneren eller en proxy.",
        ),
        TransportError::TooLarge { host, limit } => (
            "network_too_large",
            format!(
                "{host} sent an answer larger than {} MiB; it was not read.",
                limit / (1024 * 1024)
            ),
            format!(
                "{host} sendte et svar større enn {} MiB; det ble ikke lest.",
                limit / (1024 * 1024)
            ),
            "Check the address: no service this tool talks to sends that much.",
            "Sjekk adressen: ingen tjeneste dette verktøyet snakker med sender så mye.",
        ),
    };
    diagnosis(
        code,
        l("Network problem", "Nettverksproblem"),
        l(en, nb),
        l(fix_en, fix_nb),
        Some(error.to_string()),
    )
}

/// The exchange's 401 has no body; reason from the Maskinporten token we sent.
pub fn for_exchange(
    error: &ExchangeError,
    cx: &Context,
    token_issuer: Option<&str>,
    expected_issuer: &str,
) -> Diagnosis {
    match error {
        ExchangeError::Unauthorized => {
            let other_env = token_issuer.is_some_and(|iss| iss != expected_issuer);
            let (en, nb) = if other_env {
                (
                    format!(
                        "The Maskinporten token was issued by {} but this Altinn environment trusts {expected_issuer} only: a test token sent to prod, or the reverse.",
                        token_issuer.unwrap_or_default()
                    ),
                    format!(
                        "Maskinporten-tokenet er utstedt av {}, men dette Altinn-miljøet stoler bare på {expected_issuer}: et testtoken sendt til prod, eller omvendt.",
                        token_issuer.unwrap_or_default()
                    ),
                )
            } else {
                ("Altinn answers 401 with no reason when the Maskinporten token is from the other environment, has expired, or has no consumer.".to_string(),
                 "Altinn svarer 401 uten begrunnelse når Maskinporten-tokenet er fra et annet miljø, er utløpt, eller mangler consumer.".to_string())
            };
            diagnosis(
                "exchange_unauthorized",
                l(
                    "Altinn did not accept the Maskinporten token",
                    "Altinn godtok ikke Maskinporten-tokenet",
                ),
                l(en, nb),
                l(
                    format!(
                        "Check that the profile pairs Maskinporten and Altinn of the same environment ({}), and the clock.",
                        cx.environment.name()
                    ),
                    format!(
                        "Sjekk at profilen bruker Maskinporten og Altinn i samme miljø ({}), og klokka.",
                        cx.environment.name()
                    ),
                ),
                Some("HTTP 401 (empty body)".into()),
            )
        }
        ExchangeError::Transport(e) => for_transport(e),
        // AUTHN `AuthenticationController`: 400 with plain text when the token's provider is
        // not one Altinn trusts ("Invalid token provider: X. Trusted token providers are …").
        ExchangeError::Status { status: 400, raw } => diagnosis(
            "exchange_refused",
            l(
                "Altinn did not take this token for exchange",
                "Altinn tok ikke imot dette tokenet for veksling",
            ),
            l(
                format!(
                    "The exchange answered 400: {}",
                    raw.trim().trim_matches('"')
                ),
                format!("Vekslingen svarte 400: {}", raw.trim().trim_matches('"')),
            ),
            l(
                "Send the Maskinporten access token itself to …/exchange/maskinporten of the same environment (test tokens to TT02, production tokens to production).",
                "Send selve tilgangstokenet fra Maskinporten til …/exchange/maskinporten i samme miljø (testtoken til TT02, produksjonstoken til produksjon).",
            ),
            Some(raw.clone()),
        ),
        ExchangeError::Status { status, raw } => diagnosis(
            "exchange_failed",
            l("The Altinn exchange failed", "Veksling hos Altinn feilet"),
            l(
                format!("Altinn answered HTTP {status}."),
                format!("Altinn svarte HTTP {status}."),
            ),
            l(
                "Check the Altinn URL of the environment; try again later.",
                "Sjekk Altinn-adressen for miljøet; prøv igjen senere.",
            ),
            Some(raw.clone()),
        ),
        ExchangeError::NotAToken { raw } => diagnosis(
            "exchange_garbage",
            l(
                "Altinn answered something that is not a token",
                "Altinn svarte noe som ikke er et token",
            ),
            l(
                "The exchange answered 200 without a JWT. A proxy or a wrong URL often does this.",
                "Vekslingen svarte 200 uten JWT. En proxy eller feil adresse gir ofte dette.",
            ),
            l(
                "Check the Altinn URL and any proxy.",
                "Sjekk Altinn-adressen og eventuell proxy.",
            ),
            Some(raw.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(error: &str, description: &str) -> MaskinportenError {
        MaskinportenError::TokenRejected {
            status: 400,
            error: error.into(),
            description: Some(description.into()),
            code: None,
            raw: format!("{{\"error\":\"{error}\"}}"),
        }
    }

    fn cx() -> Context {
        Context {
            environment: Environment::Test,
            client_id: "client-1".into(),
            kid: "kid-1".into(),
            scopes: vec!["nav:scope".into()],
            clock_skew_seconds: Some(-14),
        }
    }

    /// MP-250 needs a scope owner's access list, which the sandbox does not model; DD-err's text
    /// is checked here instead.
    #[test]
    fn mp_250_is_explained_as_missing_access_to_the_scope() {
        let d = for_maskinporten(
            &rejected(
                "invalid_scope",
                "MP-250 Consumer has not been granted access to the scope",
            ),
            &cx(),
        );
        assert_eq!(d.code, "scope_not_granted");
        assert!(d.explanation.en.contains("nav:scope") && d.explanation.nb.contains("nav:scope"));
    }

    #[test]
    fn the_unknown_kid_fix_points_at_the_portal_of_the_profiles_environment() {
        let d = for_maskinporten(
            &rejected(
                "invalid_grant",
                "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.",
            ),
            &cx(),
        );
        assert!(
            d.fix
                .en
                .contains("https://sjolvbetjening.test.samarbeid.digdir.no"),
            "{}",
            d.fix.en
        );
        let mut prod = cx();
        prod.environment = Environment::Prod;
        let d = for_maskinporten(
            &rejected("invalid_grant", "Unknown key identifier (kid) for client."),
            &prod,
        );
        assert!(
            d.fix
                .en
                .contains("https://sjolvbetjening.samarbeid.digdir.no")
                && !d.fix.en.contains(".test."),
            "{}",
            d.fix.en
        );
    }

    #[test]
    fn a_clock_rejection_names_the_measured_skew_in_both_languages() {
        let d = for_maskinporten(&rejected("invalid_grant", "Issue time is after now"), &cx());
        assert_eq!(d.code, "clock");
        assert!(
            d.explanation.en.contains("14 s ahead of"),
            "{}",
            d.explanation.en
        );
        assert!(
            d.explanation.nb.contains("14 s foran"),
            "{}",
            d.explanation.nb
        );
    }

    #[test]
    fn an_unknown_rejection_still_gets_a_readable_diagnosis_with_the_raw_answer() {
        let d = for_maskinporten(&rejected("server_error", "Something new"), &cx());
        assert_eq!(d.code, "rejected");
        assert!(d.explanation.en.contains("Something new") && d.raw.is_some());
    }
}
