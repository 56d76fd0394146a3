//! Every answer of the vault in words a person can act on, in English and Norwegian bokmål
//! (config-keyvault-selfservice.md §3.4), and which Altinn role is usually missing (§2.6).

use super::api::{KeyVaultError, Operation, Reason, SignInRefusal};
use crate::diagnosis::{Localized, l};
use crate::error::{AppError, ErrorKind};
use crate::profile::Environment;

/// Which role gives access to the vault (§2.6: Test/Prod Operations, ordered through
/// Samarbeidsportalen; sign-in with username@ai-dev.no).
pub fn role_hint(environment: &Environment) -> Localized {
    let order = |role: &str, env_en: &str, env_nb: &str| {
        l(
            format!(
                "Access to Altinn's {env_en} Key Vaults comes with the Altinn role {role}. Order it in Samarbeidsportalen (Saker → Ny sak → Altinn → Bestille → Tilganger → Altinn 3.0 Apps), then sign in with your username@ai-dev.no account."
            ),
            format!(
                "Tilgang til Altinns Key Vault i {env_nb} følger Altinn-rollen {role}. Bestill den i Samarbeidsportalen (Saker → Ny sak → Altinn → Bestille → Tilganger → Altinn 3.0 Apps), og logg inn med brukernavn@ai-dev.no."
            ),
        )
    };
    match environment {
        Environment::Test => order("Test Operations", "TT02", "TT02"),
        Environment::Prod => order("Prod Operations", "production", "produksjon"),
        Environment::Sandbox => l(
            "In the sandbox, sign in as admin@sandbox.example (Key Vault Secrets Officer). norole@sandbox.example has no role, like a person who has not been given Test Operations yet.",
            "I sandkassen, logg inn som admin@sandbox.example (Key Vault Secrets Officer). norole@sandbox.example har ingen rolle, som en person som ennå ikke har fått Test Operations.",
        ),
        Environment::Custom { .. } => l(
            "Your account needs get, list and set on the vault's secrets: the role Key Vault Secrets Officer on an RBAC vault, or those permissions in the access policy.",
            "Kontoen din trenger get, list og set på hvelvets hemmeligheter: rollen Key Vault Secrets Officer i et RBAC-hvelv, eller de rettighetene i tilgangspolicyen.",
        ),
    }
}

/// What happened and what to do, for one answer to `operation` on `name`.
pub fn reason(
    reason: Reason,
    operation: Operation,
    name: Option<&str>,
    status: u16,
    retry_after: Option<u64>,
    environment: &Environment,
) -> (Localized, Option<Localized>) {
    let what = name.unwrap_or("in this vault");
    let op = operation.words();
    let propagation = l(
        " A role given in the last minutes may still be propagating: try again in a few minutes.",
        " En rolle gitt de siste minuttene kan fortsatt være på vei ut: prøv igjen om noen minutter.",
    );
    let role = role_hint(environment);
    match reason {
        Reason::Unauthorized => (
            l(
                "The vault did not accept the sign-in (401): the token is missing, expired, for another tenant or not for Key Vault.",
                "Hvelvet godtok ikke innloggingen (401): tokenet mangler, er utløpt, gjelder en annen tenant eller ikke Key Vault.",
            ),
            Some(l(
                "Sign in again with an account in the vault's tenant.",
                "Logg inn på nytt med en konto i hvelvets tenant.",
            )),
        ),
        Reason::ForbiddenByRbac | Reason::Forbidden => (
            l(
                format!(
                    "You are signed in, but your account has no role on this vault that allows it to {op} {what} (403{}).",
                    if reason == Reason::ForbiddenByRbac {
                        " ForbiddenByRbac: the vault uses Azure RBAC"
                    } else {
                        ""
                    }
                ),
                format!(
                    "Du er logget inn, men kontoen din har ingen rolle i dette hvelvet som lar den {op} {what} (403{}).",
                    if reason == Reason::ForbiddenByRbac {
                        " ForbiddenByRbac: hvelvet bruker Azure RBAC"
                    } else {
                        ""
                    }
                ),
            ),
            Some(l(
                format!("{}{}", role.en, propagation.en),
                format!("{}{}", role.nb, propagation.nb),
            )),
        ),
        Reason::ForbiddenByPolicy | Reason::AccessDenied => (
            l(
                format!(
                    "The vault uses access policies, and yours does not allow you to {op} {what} (403 {reason:?})."
                ),
                format!(
                    "Hvelvet bruker tilgangspolicyer, og din tillater ikke å {op} {what} (403 {reason:?})."
                ),
            ),
            Some(l(
                format!(
                    "The vault's owner must give your account get, list and set on secrets in the access policy. {}",
                    role.en
                ),
                format!(
                    "Eieren av hvelvet må gi kontoen din get, list og set på hemmeligheter i tilgangspolicyen. {}",
                    role.nb
                ),
            )),
        ),
        Reason::ForbiddenByFirewall => (
            l(
                "The vault's firewall does not let this computer's network address through (403 ForbiddenByFirewall). Your role is not the problem.",
                "Brannmuren til hvelvet slipper ikke gjennom nettverksadressen til denne maskinen (403 ForbiddenByFirewall). Rollen din er ikke problemet.",
            ),
            Some(l(
                "Connect from a network the vault allows (for example your organisation's VPN), or ask the vault's owner to allow your address.",
                "Koble til fra et nettverk hvelvet tillater (for eksempel organisasjonens VPN), eller be eieren av hvelvet om å tillate adressen din.",
            )),
        ),
        Reason::SecretDisabled => (
            l(
                format!(
                    "{what} exists but is disabled: the app loads only enabled secrets, so it will not see it."
                ),
                format!(
                    "{what} finnes, men er deaktivert: appen laster bare aktive hemmeligheter, så den ser den ikke."
                ),
            ),
            Some(l(
                "Write a new version here (new versions are enabled), or enable it in the Azure portal.",
                "Skriv en ny versjon her (nye versjoner er aktive), eller aktiver den i Azure-portalen.",
            )),
        ),
        Reason::NotFound => (
            l(
                format!("{what} does not exist yet. That is fine before the first write."),
                format!("{what} finnes ikke ennå. Det er greit før første skriving."),
            ),
            None,
        ),
        Reason::SoftDeleted => (
            l(
                format!(
                    "{what} is deleted but recoverable (soft-deleted): the name cannot be used again until it is recovered or purged."
                ),
                format!(
                    "{what} er slettet, men kan gjenopprettes (mykt slettet): navnet kan ikke brukes igjen før det er gjenopprettet eller tømt."
                ),
            ),
            Some(l(
                "Recover it (its old versions come back) or purge it (gone for good); each needs your confirmation.",
                "Gjenopprett den (gamle versjoner kommer tilbake) eller tøm den (borte for godt); begge krever at du bekrefter.",
            )),
        ),
        Reason::BeingDeleted => (
            l(
                format!("{what} is still being deleted or purged."),
                format!("{what} holder fortsatt på å slettes eller tømmes."),
            ),
            Some(l(
                "Wait a minute and try again.",
                "Vent et minutt og prøv igjen.",
            )),
        ),
        Reason::Throttled => {
            let wait = retry_after.unwrap_or(10);
            (
                l(
                    format!(
                        "The vault is throttling requests (429; the limit is 4,000 requests per 10 s per vault). It asks to wait {wait} s."
                    ),
                    format!(
                        "Hvelvet struper forespørsler (429; grensen er 4 000 forespørsler per 10 s per hvelv). Det ber om å vente {wait} s."
                    ),
                ),
                Some(l(
                    format!(
                        "Wait {wait} seconds and try again; something else may be busy against the same vault."
                    ),
                    format!(
                        "Vent {wait} sekunder og prøv igjen; noe annet kan bruke det samme hvelvet mye."
                    ),
                )),
            )
        }
        Reason::BadRequest => (
            l(
                format!("The vault refused the request to {op} {what} as malformed (400)."),
                format!("Hvelvet avviste forespørselen om å {op} {what} som ugyldig (400)."),
            ),
            Some(l(
                "Check the secret names and the vault URL.",
                "Sjekk hemmelighetsnavnene og adressen til hvelvet.",
            )),
        ),
        Reason::Conflict | Reason::ServerError | Reason::Unexpected => (
            l(
                format!("The vault answered HTTP {status} to {op} {what}."),
                format!("Hvelvet svarte HTTP {status} på {op} {what}."),
            ),
            Some(l(
                "Try again; if it persists, check the vault URL and any proxy in between.",
                "Prøv igjen; hvis det fortsetter, sjekk adressen til hvelvet og eventuell proxy.",
            )),
        ),
    }
}

/// The boundary error for a failed vault call, in the environment's words.
pub fn to_app_error(error: &KeyVaultError, environment: &Environment) -> AppError {
    match error {
        KeyVaultError::Transport { source, .. } => {
            let mut app = AppError::from(source.clone());
            app.message = format!("{}.", capitalise(&error.to_string()));
            app
        }
        KeyVaultError::Unparseable { .. } => AppError::new(ErrorKind::Server, format!("{}.", capitalise(&error.to_string())))
            .with_hint("Check the vault URL (https://<name>.vault.azure.net); a proxy may be answering instead."),
        KeyVaultError::Refused { operation, name, error } => {
            let (what, fix) = unauthorized(error).unwrap_or_else(|| {
                reason(error.reason, *operation, name.as_deref(), error.status, error.retry_after, environment)
            });
            let kind = match error.reason {
                Reason::NotFound => ErrorKind::NotFound,
                Reason::BadRequest => ErrorKind::InvalidInput,
                _ => ErrorKind::Server,
            };
            let app = AppError::new(kind, what.en);
            match fix {
                Some(fix) => app.with_hint(fix.en),
                None => app,
            }
        }
    }
}

/// A 401 whose message names the cause, in words that say how to sign in again.
fn unauthorized(error: &super::api::VaultError) -> Option<(Localized, Option<Localized>)> {
    match error.sign_in? {
        SignInRefusal::InvalidIssuer => Some((
            l(
                "The vault refused the sign-in (401 AKV10032, invalid issuer): the token is from another Entra tenant than the vault's.",
                "Hvelvet avviste innloggingen (401 AKV10032, ugyldig utsteder): tokenet er fra en annen Entra-tenant enn hvelvets.",
            ),
            Some(l(
                "Sign in again for this vault: the sign-in follows the tenant the vault names. With the Azure CLI, run az login --tenant <the vault's tenant>.",
                "Logg inn på nytt for dette hvelvet: innloggingen følger tenanten hvelvet oppgir. Med Azure CLI: kjør az login --tenant <hvelvets tenant>.",
            )),
        )),
        SignInRefusal::InvalidAudience => Some((
            l(
                "The vault refused the sign-in (401 AKV10022, invalid audience): the token is not for Key Vault (https://vault.azure.net).",
                "Hvelvet avviste innloggingen (401 AKV10022, ugyldig mottaker): tokenet er ikke for Key Vault (https://vault.azure.net).",
            ),
            Some(l(
                "Sign in again; a token from the Azure CLI must be asked for with --scope https://vault.azure.net/.default.",
                "Logg inn på nytt; et token fra Azure CLI må hentes med --scope https://vault.azure.net/.default.",
            )),
        )),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyvault::api::VaultError;

    #[test]
    fn a_missing_role_in_test_names_test_operations_and_samarbeidsportalen() {
        let error = KeyVaultError::Refused {
            operation: Operation::List,
            name: None,
            error: VaultError {
                status: 403,
                reason: Reason::ForbiddenByRbac,
                code: Some("Forbidden".into()),
                inner_code: Some("ForbiddenByRbac".into()),
                message: "Caller is not authorized".into(),
                retry_after: None,
                sign_in: None,
            },
        };
        let app = to_app_error(&error, &Environment::Test);
        assert_eq!(app.kind, ErrorKind::Server);
        assert!(app.message.contains("ForbiddenByRbac"), "{}", app.message);
        let hint = app.hint.unwrap_or_default();
        assert!(
            hint.contains("Test Operations") && hint.contains("Samarbeidsportalen"),
            "{hint}"
        );
        assert!(role_hint(&Environment::Prod).en.contains("Prod Operations"));
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        for reason_ in [
            Reason::Unauthorized,
            Reason::ForbiddenByRbac,
            Reason::ForbiddenByPolicy,
            Reason::AccessDenied,
            Reason::ForbiddenByFirewall,
            Reason::SecretDisabled,
            Reason::Forbidden,
            Reason::NotFound,
            Reason::SoftDeleted,
            Reason::BeingDeleted,
            Reason::Conflict,
            Reason::Throttled,
            Reason::BadRequest,
            Reason::ServerError,
            Reason::Unexpected,
        ] {
            let (what, _) = reason(
                reason_,
                Operation::Get,
                Some("a--B"),
                400,
                Some(3),
                &Environment::Sandbox,
            );
            assert!(!what.en.is_empty() && !what.nb.is_empty(), "{reason_:?}");
        }
    }
}
