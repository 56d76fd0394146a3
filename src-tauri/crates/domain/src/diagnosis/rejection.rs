//! What Maskinporten's token rejections mean for the person, by their error code and text
//! (protocols.md §1.5, Digdir's error list): what happened and what to do, in both languages.

use super::{Context, Diagnosis, DiagnosisCode, diagnosis, l, portal};

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

pub(super) fn for_rejection(error: &str, description: &str, raw: &str, cx: &Context) -> Diagnosis {
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
            DiagnosisCode::UnknownKid,
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
            DiagnosisCode::KidRequired,
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
            DiagnosisCode::KeyExpired,
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
            DiagnosisCode::ClientNotFound,
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
            DiagnosisCode::WrongAud,
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
            DiagnosisCode::GrantReused,
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
            DiagnosisCode::Clock,
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
            DiagnosisCode::ScopeNotGranted,
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
            DiagnosisCode::ScopeNotDelegated,
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
            DiagnosisCode::ConsumerOrgIsOwn,
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
            DiagnosisCode::ScopeNotForMaskinporten,
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
            DiagnosisCode::ScopeNotOnClient,
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
            DiagnosisCode::SystemUserNotFound,
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
            DiagnosisCode::SystemUserDetails,
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
            DiagnosisCode::InvalidAssertion,
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
        DiagnosisCode::Rejected,
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
