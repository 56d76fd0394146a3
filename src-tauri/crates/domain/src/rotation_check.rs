//! The key probes around a rotation: what is found by comparing the client's keys
//! (self-service API), the key app A reads from Key Vault, and the rotation on record. Each
//! finding is a [`Diagnosis`] in both languages with what to do.

use crate::diagnosis::{Diagnosis, DiagnosisCode, l};
use crate::rotation::{Rotation, Step, StepState};
use crate::selfservice::{ClientKey, MAX_KEYS};

/// What the probes saw; `None` where a probe could not look (no self-service access, no vault).
#[derive(Debug, Clone, Default)]
pub struct Seen<'a> {
    pub client_keys: Option<&'a [ClientKey]>,
    /// The kid in the key secret app A reads, and when that version was written (RFC 3339).
    pub vault_kid: Option<&'a str>,
    pub vault_updated: Option<&'a str>,
    /// The profile's newest rotation (finished or not).
    pub rotation: Option<&'a Rotation>,
}

pub fn findings(seen: &Seen<'_>) -> Vec<Diagnosis> {
    let mut found = Vec::new();
    if let (Some(keys), Some(vault_kid)) = (seen.client_keys, seen.vault_kid)
        && !keys.iter().any(|k| k.kid == vault_kid)
    {
        found.push(Diagnosis {
            code: DiagnosisCode::VaultKeyNotOnClient,
            title: l(
                "The key in Key Vault is not on the client",
                "Nøkkelen i Key Vault er ikke på klienten",
            ),
            explanation: l(
                format!("App A reads the key {vault_kid} from Key Vault, but the Maskinporten client has only {}. At its next start app A gets \"Unknown key identifier (kid)\" from Maskinporten.", kids(keys)),
                format!("App A leser nøkkelen {vault_kid} fra Key Vault, men Maskinporten-klienten har bare {}. Ved neste oppstart får app A «Unknown key identifier (kid)» fra Maskinporten.", kids(keys)),
            ),
            fix: l(
                "Add that key's public half to the client (key rotate continues a rotation; in Samarbeidsportalen: the client, Keys, Add key), or write the client's key to Key Vault (keyvault write).",
                "Legg den offentlige delen av nøkkelen til på klienten (key rotate fortsetter en rotasjon; i Samarbeidsportalen: klienten, Nøkler, Legg til nøkkel), eller skriv klientens nøkkel til Key Vault (keyvault write).",
            ),
            raw: None,
        });
    }
    if let Some(r) = seen.rotation.filter(|r| !r.is_finished())
        && r.state(Step::WriteVault) == StepState::Done
        && r.state(Step::Redeploy) != StepState::Done
        && seen
            .vault_kid
            .is_none_or(|kid| Some(kid) == r.new_kid.as_deref())
    {
        let since = seen.vault_updated.unwrap_or("the write");
        found.push(Diagnosis {
            code: DiagnosisCode::NotRedeployed,
            title: l(
                "The client has the new key, but app A still signs with the old one",
                "Klienten har den nye nøkkelen, men app A signerer fortsatt med den gamle",
            ),
            explanation: l(
                format!("Key Vault holds {} since {since}, and app A reads its key only at start-up: until it is redeployed it signs with {}. Removing {} now would stop it.", r.new_kid.as_deref().unwrap_or("-"), r.old_kid, r.old_kid),
                format!("Key Vault har {} siden {since}, og app A leser nøkkelen bare ved oppstart: til den deployes på nytt, signerer den med {}. Fjernes {} nå, stopper den.", r.new_kid.as_deref().unwrap_or("-"), r.old_kid, r.old_kid),
            ),
            fix: l(
                format!("Redeploy app A, then continue the rotation: key rotate --profile {} --redeployed.", r.profile),
                format!("Deploy app A på nytt, og fortsett rotasjonen: key rotate --profile {} --redeployed.", r.profile),
            ),
            raw: None,
        });
    }
    if let Some(keys) = seen.client_keys.filter(|k| k.len() >= MAX_KEYS) {
        found.push(Diagnosis {
            code: DiagnosisCode::ClientKeysFull,
            title: l("Five keys already", "Allerede fem nøkler"),
            explanation: l(
                format!("The client has {} keys ({}), Maskinporten's limit: no new key can be added, so the next rotation cannot start.", keys.len(), kids(keys)),
                format!("Klienten har {} nøkler ({}), som er grensen i Maskinporten: ingen ny nøkkel kan legges til, så neste rotasjon kan ikke starte.", keys.len(), kids(keys)),
            ),
            fix: l(
                "Remove a key nothing signs with any more (not the one in Key Vault) in Samarbeidsportalen or through the self-service API, then rotate.",
                "Fjern en nøkkel som ikke brukes lenger (ikke den i Key Vault) i Samarbeidsportalen eller via selvbetjenings-API-et, og roter så.",
            ),
            raw: None,
        });
    }
    found
}

fn kids(keys: &[ClientKey]) -> String {
    if keys.is_empty() {
        return "no key".into();
    }
    keys.iter()
        .map(|k| k.kid.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileName;
    use crate::rotation::KeyRoute;

    fn key(kid: &str) -> ClientKey {
        ClientKey {
            kid: kid.into(),
            thumbprint: None,
            expires: None,
        }
    }

    fn codes(seen: &Seen<'_>) -> Vec<DiagnosisCode> {
        findings(seen).into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_vault_key_the_client_does_not_have_is_found_and_a_matching_one_is_not() {
        let keys = [key("a"), key("b")];
        let mut seen = Seen {
            client_keys: Some(&keys),
            vault_kid: Some("c"),
            ..Seen::default()
        };
        assert_eq!(codes(&seen), [DiagnosisCode::VaultKeyNotOnClient]);
        let found = findings(&seen);
        assert!(
            found[0].explanation.en.contains("c from Key Vault")
                && found[0].explanation.nb.contains("bare a, b")
        );
        seen.vault_kid = Some("b");
        assert!(codes(&seen).is_empty());
        // Without the client's keys (no self-service access) nothing is claimed.
        seen.client_keys = None;
        seen.vault_kid = Some("c");
        assert!(codes(&seen).is_empty());
    }

    #[test]
    fn the_vault_written_without_a_confirmed_redeploy_is_found_until_the_redeploy() {
        let at = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let mut r = Rotation::new(
            ProfileName::from("P"),
            "old",
            "tp",
            KeyRoute::SelfService,
            at,
        );
        r.new_kid = Some("new".into());
        for step in [
            Step::Generate,
            Step::AddToClient,
            Step::ProveNewKey,
            Step::WriteVault,
        ] {
            r.set(step, StepState::Done, None, at).unwrap();
        }
        let keys = [key("old"), key("new")];
        fn seen<'a>(keys: &'a [ClientKey], r: &'a Rotation) -> Seen<'a> {
            Seen {
                client_keys: Some(keys),
                vault_kid: Some("new"),
                vault_updated: Some("2027-01-15T08:00:00Z"),
                rotation: Some(r),
            }
        }
        assert_eq!(codes(&seen(&keys, &r)), [DiagnosisCode::NotRedeployed]);
        assert!(
            findings(&seen(&keys, &r))[0]
                .fix
                .en
                .contains("--redeployed")
        );
        r.set(Step::Redeploy, StepState::Done, None, at).unwrap();
        assert!(codes(&seen(&keys, &r)).is_empty());
    }

    #[test]
    fn five_keys_are_found_four_are_not() {
        let five: Vec<ClientKey> = ["a", "b", "c", "d", "e"].map(key).to_vec();
        assert_eq!(
            codes(&Seen {
                client_keys: Some(&five),
                ..Seen::default()
            }),
            [DiagnosisCode::ClientKeysFull]
        );
        assert!(
            codes(&Seen {
                client_keys: Some(&five[..4]),
                ..Seen::default()
            })
            .is_empty()
        );
    }
}
