//! What Maskinporten's token rejections mean for the person, by their error code and text
//! (protocols.md §1.5, Digdir's error list): a table of rules, each with what it matches, and
//! what happened and what to do in both languages. The first rule that matches wins, so the
//! order matters where Maskinporten's words overlap; every row is tested on its own.

use super::{Context, Diagnosis, DiagnosisCode, Localized, diagnosis, l, portal};

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

/// What a rule's texts may name: ids and places, never a secret.
struct Facts {
    kid: String,
    client: String,
    env: &'static str,
    /// Where the client's keys and scopes are managed: the portal's name and address.
    where_to: String,
    /// " This computer's clock is N s behind Maskinporten's." when the skew is known.
    skew_en: String,
    skew_nb: String,
    /// The scopes asked for, space-separated.
    scopes: String,
    /// The scope Maskinporten named, or the scopes asked for.
    named_scope: String,
}

/// Title, what happened, what to do.
type Texts = (Localized, Localized, Localized);

struct Rule {
    code: DiagnosisCode,
    /// Words (and MP codes) of which any, found in the description ignoring case, matches.
    says: &'static [&'static str],
    /// An OAuth `error` value that matches by itself.
    error: Option<&'static str>,
    texts: fn(&Facts) -> Texts,
}

impl Rule {
    fn matches(&self, error: &str, description: &str) -> bool {
        let description = description.to_ascii_lowercase();
        self.error == Some(error)
            || self
                .says
                .iter()
                .any(|word| description.contains(&word.to_ascii_lowercase()))
    }
}

const RULES: &[Rule] = &[
    Rule {
        code: DiagnosisCode::UnknownKid,
        says: &["unknown key identifier"],
        error: None,
        texts: unknown_kid,
    },
    Rule {
        code: DiagnosisCode::KidRequired,
        says: &["requires pre-registered jwk", "no key identifier"],
        error: None,
        texts: kid_required,
    },
    Rule {
        code: DiagnosisCode::KeyExpired,
        says: &["expired key", "MP-121"],
        error: None,
        texts: key_expired,
    },
    Rule {
        code: DiagnosisCode::ClientNotFound,
        says: &["client not found", "MP-100"],
        error: None,
        texts: client_not_found,
    },
    Rule {
        code: DiagnosisCode::WrongAud,
        says: &["claim aud", "MP-110"],
        error: None,
        texts: wrong_aud,
    },
    Rule {
        code: DiagnosisCode::GrantReused,
        says: &["grant is used before", "MP-012"],
        error: None,
        texts: grant_reused,
    },
    Rule {
        code: DiagnosisCode::Clock,
        says: &["jwt is expired", "MP-130", "issue time is after now"],
        error: None,
        texts: clock,
    },
    Rule {
        code: DiagnosisCode::ScopeNotGranted,
        says: &["not been granted access", "MP-250"],
        error: None,
        texts: scope_not_granted,
    },
    Rule {
        code: DiagnosisCode::ScopeNotDelegated,
        says: &["has not delegated", "MP-251"],
        error: None,
        texts: scope_not_delegated,
    },
    Rule {
        code: DiagnosisCode::ConsumerOrgIsOwn,
        says: &["consumer_org in claim and delegation scope"],
        error: None,
        texts: consumer_org_is_own,
    },
    Rule {
        code: DiagnosisCode::ScopeNotForMaskinporten,
        says: &["scopes not allowed for maskinporten", "MP-201"],
        error: None,
        texts: scope_not_for_maskinporten,
    },
    Rule {
        code: DiagnosisCode::ScopeNotOnClient,
        says: &["invalid scopes for client", "MP-200"],
        error: Some("invalid_scope"),
        texts: scope_not_on_client,
    },
    Rule {
        code: DiagnosisCode::SystemUserNotFound,
        says: &["MP-303"],
        error: Some("invalid_altinn_customer_configuration"),
        texts: system_user_not_found,
    },
    Rule {
        code: DiagnosisCode::SystemUserDetails,
        says: &["MP-301", "MP-302"],
        error: Some("invalid_authorization_details"),
        texts: system_user_details,
    },
    Rule {
        code: DiagnosisCode::InvalidAssertion,
        says: &["invalid assertion", "MP-011"],
        error: Some("invalid_request"),
        texts: invalid_assertion,
    },
];

pub(super) fn for_rejection(error: &str, description: &str, raw: &str, cx: &Context) -> Diagnosis {
    let raw = Some(raw.to_string());
    let (portal_url, portal_name) = portal(&cx.environment);
    let skew = |behind: &str, ahead: &str, sentence: fn(i64, &str) -> String| {
        cx.clock_skew_seconds
            .map(|s| sentence(s.abs(), if s > 0 { behind } else { ahead }))
            .unwrap_or_default()
    };
    let facts = Facts {
        kid: cx.kid.clone(),
        client: cx.client_id.clone(),
        env: cx.environment.name(),
        where_to: if portal_url.is_empty() {
            portal_name.to_string()
        } else {
            format!("{portal_name}, {portal_url}")
        },
        skew_en: skew("behind", "ahead of", |s, way| {
            format!(" This computer's clock is {s} s {way} Maskinporten's.")
        }),
        skew_nb: skew("etter", "foran", |s, way| {
            format!(" Klokka på denne maskinen går {s} s {way} Maskinporten.")
        }),
        scopes: cx.scopes.join(" "),
        named_scope: scope_named(description).unwrap_or_else(|| cx.scopes.join(" ")),
    };
    match RULES.iter().find(|rule| rule.matches(error, description)) {
        Some(rule) => {
            let (title, what, fix) = (rule.texts)(&facts);
            diagnosis(rule.code, title, what, fix, raw)
        }
        None => diagnosis(
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
        ),
    }
}

// The rows' texts, in the table's order.

fn unknown_kid(f: &Facts) -> Texts {
    let Facts {
        kid,
        client,
        env,
        where_to,
        ..
    } = f;
    (
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
    )
}

fn kid_required(f: &Facts) -> Texts {
    let Facts { client, .. } = f;
    (
        l("The client requires a kid", "Klienten krever kid"),
        l(
            format!("Client {client} has registered keys, so the grant must name one with kid."),
            format!("Klient {client} har registrerte nøkler, så grant-en må peke på én med kid."),
        ),
        l(
            "Use a key from this machine that is registered on the client; this tool always sends the kid.",
            "Bruk en nøkkel fra denne maskinen som er registrert på klienten; verktøyet sender alltid kid.",
        ),
    )
}

fn key_expired(f: &Facts) -> Texts {
    let Facts {
        kid,
        client,
        where_to,
        ..
    } = f;
    (
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
    )
}

fn client_not_found(f: &Facts) -> Texts {
    let Facts { client, env, .. } = f;
    (
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
    )
}

fn wrong_aud(_: &Facts) -> Texts {
    (
        l("Wrong audience (aud)", "Feil mottaker (aud)"),
        l(
            "The grant's aud must be the issuer exactly (e.g. https://test.maskinporten.no/), never the /token URL (MP-110).",
            "aud i grant-en må være nøyaktig issuer (f.eks. https://test.maskinporten.no/), aldri /token-adressen (MP-110).",
        ),
        l(
            "Check the environment. This tool reads aud from the metadata; a custom URL that points elsewhere gives this.",
            "Sjekk miljøet. Verktøyet leser aud fra metadata; en egendefinert adresse som peker feil gir dette.",
        ),
    )
}

fn grant_reused(_: &Facts) -> Texts {
    (
        l("The grant was used before", "Grant-en er brukt før"),
        l(
            "Every grant must have a fresh jti; a grant sent twice is refused (MP-012).",
            "Hver grant må ha ny jti; en grant sendt to ganger avvises (MP-012).",
        ),
        l(
            "Try again: each attempt makes a new grant. If an app shows this, it is retrying a request with the same assertion.",
            "Prøv igjen: hvert forsøk lager ny grant. Viser en app dette, sender den samme assertion på nytt.",
        ),
    )
}

fn clock(f: &Facts) -> Texts {
    let Facts {
        skew_en, skew_nb, ..
    } = f;
    (
        l(
            "This computer's clock is off",
            "Klokka på denne maskinen går feil",
        ),
        l(
            format!(
                "Maskinporten accepts a grant only if iat is within 10 seconds of its own clock.{skew_en}"
            ),
            format!(
                "Maskinporten godtar bare en grant der iat er innenfor 10 sekunder av egen klokke.{skew_nb}"
            ),
        ),
        l(
            "Synchronise the clock (NTP: timedatectl set-ntp true, or the OS date settings), then try again.",
            "Synkroniser klokka (NTP: timedatectl set-ntp true, eller datoinnstillingene), og prøv igjen.",
        ),
    )
}

fn scope_not_granted(f: &Facts) -> Texts {
    let Facts { named_scope, .. } = f;
    (
        l(
            "The organisation has no access to the scope",
            "Virksomheten har ikke tilgang til scopet",
        ),
        l(
            format!("The consumer has not been granted access to {named_scope} (MP-250)."),
            format!("Konsumenten har ikke fått tilgang til {named_scope} (MP-250)."),
        ),
        l(
            "Ask the scope's owner (for Altinn scopes: Altinn/Digdir) to grant your organisation access.",
            "Be eieren av scopet (for Altinn-scopes: Altinn/Digdir) gi virksomheten tilgang.",
        ),
    )
}

fn scope_not_delegated(_: &Facts) -> Texts {
    (
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
    )
}

fn consumer_org_is_own(_: &Facts) -> Texts {
    (
        l(
            "consumer_org is your own organisation",
            "consumer_org er deres egen virksomhet",
        ),
        l(
            "consumer_org is for acting on behalf of another organisation; it must not be the client's own.",
            "consumer_org brukes for å opptre på vegne av en annen virksomhet; den kan ikke være klientens egen.",
        ),
        l("Remove consumer_org.", "Fjern consumer_org."),
    )
}

fn scope_not_for_maskinporten(_: &Facts) -> Texts {
    (
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
    )
}

fn scope_not_on_client(f: &Facts) -> Texts {
    let Facts {
        client, where_to, ..
    } = f;
    (
        l(
            "A scope is not on the client",
            "Et scope ligger ikke på klienten",
        ),
        l(
            format!(
                "Client {client} does not have every scope asked for: {} (MP-200).",
                f.scopes
            ),
            format!(
                "Klient {client} har ikke alle scopene det ble bedt om: {} (MP-200).",
                f.scopes
            ),
        ),
        l(
            format!("Add the scopes to the client in {where_to}, or remove them from the profile."),
            format!("Legg scopene til klienten i {where_to}, eller fjern dem fra profilen."),
        ),
    )
}

fn system_user_not_found(_: &Facts) -> Texts {
    (
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
    )
}

fn system_user_details(_: &Facts) -> Texts {
    (
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
    )
}

fn invalid_assertion(_: &Facts) -> Texts {
    (
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
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Environment;

    fn cx() -> Context {
        Context {
            environment: Environment::Test,
            client_id: "client-1".into(),
            kid: "kid-1".into(),
            scopes: vec!["altinn:instances.read".into()],
            clock_skew_seconds: Some(-14),
        }
    }

    fn said(d: &Diagnosis) -> String {
        [&d.title, &d.explanation, &d.fix]
            .iter()
            .map(|t| format!("{} | {}", t.en, t.nb))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn every_row_is_reached_by_each_of_its_words_and_its_error_and_speaks_both_languages() {
        for rule in RULES {
            let mut samples: Vec<(&str, String)> = rule
                .says
                .iter()
                .map(|word| {
                    (
                        "invalid_grant",
                        format!("Refused: {} (correlation id: 7)", word.to_uppercase()),
                    )
                })
                .collect();
            if let Some(error) = rule.error {
                samples.push((error, String::new()));
            }
            for (error, description) in samples {
                let d = for_rejection(error, &description, "{}", &cx());
                assert_eq!(d.code, rule.code, "{error} / {description}");
                for text in [&d.title, &d.explanation, &d.fix] {
                    assert!(
                        !text.en.is_empty() && !text.nb.is_empty() && text.en != text.nb,
                        "{:?}: {text:?}",
                        rule.code
                    );
                }
                assert_eq!(d.raw.as_deref(), Some("{}"));
            }
        }
    }

    #[test]
    fn the_rows_name_the_facts_of_this_run() {
        let d = for_rejection("invalid_grant", "Unknown key identifier", "", &cx());
        assert!(said(&d).contains("kid-1") && said(&d).contains("client-1"));
        assert!(d.fix.en.contains("sjolvbetjening.test.samarbeid.digdir.no"));
        let d = for_rejection("invalid_grant", "JWT is expired", "", &cx());
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
        let d = for_rejection(
            "invalid_scope",
            "Consumer has not been granted access to the scope altinn:x. (correlation id: 1)",
            "",
            &cx(),
        );
        assert_eq!(d.code, DiagnosisCode::ScopeNotGranted, "the named row wins");
        assert!(
            d.explanation.en.contains("altinn:x"),
            "{}",
            d.explanation.en
        );
    }

    #[test]
    fn words_no_row_knows_fall_back_to_maskinporten_s_own() {
        let d = for_rejection("server_error", "Something new", "{\"e\":1}", &cx());
        assert_eq!(d.code, DiagnosisCode::Rejected);
        assert!(d.explanation.en.contains("server_error: Something new"));
    }
}
