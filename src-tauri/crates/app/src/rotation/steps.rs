//! Each rotation step: what it does, and the state and words it ends in.

use assistant_domain::chain::ChainReport;
use assistant_domain::diagnosis::{DiagnosisCode, Localized, l};
use assistant_domain::history::{self, HistoryAction, HistoryEntry};
use assistant_domain::keys::jwk::PublicJwk;
use assistant_domain::keyvault::WriteVaultRequest;
use assistant_domain::profile::{Environment, Kid};
use assistant_domain::rotation::{self, KeyRoute, Step, StepState};
use assistant_domain::selfservice::{KeySetError, full_words};
use assistant_domain::{AppError, ErrorKind, inventory};

use super::Run;
use super::client::SelfServiceApi;
use super::words::portal_add;
use crate::blocking::blocking;

pub(super) type StepResult = Result<(StepState, Option<Localized>), AppError>;

impl Run<'_> {
    pub(super) async fn save(&self) -> Result<(), AppError> {
        let (dir, rotation) = (self.state.dir.clone(), self.rotation.clone());
        blocking(move || rotation::save(&dir, &rotation)).await
    }

    fn new_kid(&self) -> Result<String, AppError> {
        self.rotation
            .new_kid
            .clone()
            .ok_or_else(|| AppError::new(ErrorKind::Internal, "the rotation has no new key yet"))
    }

    pub(super) async fn step(&mut self, step: Step) -> StepResult {
        match step {
            Step::Generate => self.generate().await,
            Step::AddToClient => self.add_to_client().await,
            Step::ProveNewKey => self.prove_new().await,
            Step::WriteVault => self.write_vault().await,
            Step::Redeploy => self.after_redeploy().await,
            Step::RemoveOld => self.remove_old().await,
        }
    }

    async fn generate(&mut self) -> StepResult {
        let (dir, store, clock, profile) = (
            self.state.dir.clone(),
            self.state.store.clone(),
            self.state.clock.clone(),
            self.profile.clone(),
        );
        let bits = self.request.bits.unwrap_or(2048);
        let key =
            blocking(move || inventory::generate_next_key(&dir, &*store, &*clock, bits, &profile))
                .await?;
        self.rotation.new_kid = Some(key.kid.clone());
        self.rotation.new_thumbprint = Some(key.thumbprint.clone());
        Ok((
            StepState::Done,
            Some(l(
                format!("{} ({} bits) is in the keychain.", key.kid, key.bits),
                format!("{} ({} bit) ligger i nøkkelringen.", key.kid, key.bits),
            )),
        ))
    }

    async fn public_jwk(&self, kid: &str) -> Result<PublicJwk, AppError> {
        let (dir, kid) = (self.state.dir.clone(), kid.to_string());
        let export = blocking(move || {
            inventory::export_public_key(
                &dir,
                &inventory::ExportPublicKeyRequest {
                    kid,
                    format: inventory::PublicKeyFormat::Jwk,
                },
            )
        })
        .await?;
        serde_json::from_str(&export.content)
            .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))
    }

    async fn add_to_client(&mut self) -> StepResult {
        let new_kid = self.new_kid()?;
        match self.rotation.route {
            KeyRoute::SelfService => {
                let api = self.api().await?;
                let set = api.read(self.state).await?;
                self.rotation.client_keys = set.summary();
                if set.contains(&new_kid) {
                    return Ok((
                        StepState::Done,
                        Some(l(
                            "The new key was already on the client.",
                            "Den nye nøkkelen var allerede på klienten.",
                        )),
                    ));
                }
                let jwk = self.public_jwk(&new_kid).await?;
                let planned = match set.with_added(&jwk, Some(&self.rotation.old_kid)) {
                    Ok(planned) => planned,
                    Err(KeySetError::Full { could_go }) => {
                        return Ok((StepState::Failed, Some(full_words(&could_go))));
                    }
                    Err(other) => return Err(other.into()),
                };
                let now = api.replace(self.state, &planned).await?;
                self.rotation.client_keys = now.summary();
                if !now.contains(&new_kid) || !now.contains(&self.rotation.old_kid) {
                    return Err(AppError::new(
                        ErrorKind::Server,
                        "The client's key set read back does not hold both the old and the new key.",
                    ));
                }
                Ok((
                    StepState::Done,
                    Some(l(
                        format!(
                            "The client now has {} keys: {}.",
                            now.keys.len(),
                            now.kids().join(", ")
                        ),
                        format!(
                            "Klienten har nå {} nøkler: {}.",
                            now.keys.len(),
                            now.kids().join(", ")
                        ),
                    )),
                ))
            }
            // Checked by a token: a grant signed with the new kid works once the portal has it.
            KeyRoute::Portal => match self.token_with(&new_kid).await? {
                report if report.ok => Ok((
                    StepState::Done,
                    Some(l(
                        "Maskinporten accepts the new key.",
                        "Maskinporten godtar den nye nøkkelen.",
                    )),
                )),
                report => Ok((
                    StepState::Waiting,
                    Some(portal_add(&self.profile, &new_kid, &report)),
                )),
            },
        }
    }

    async fn prove_new(&mut self) -> StepResult {
        let new_kid = self.new_kid()?;
        let report = self.token_with(&new_kid).await?;
        if report.ok {
            return Ok((
                StepState::Done,
                Some(l(
                    format!("A token signed with {new_kid} was issued."),
                    format!("Et token signert med {new_kid} ble utstedt."),
                )),
            ));
        }
        // Changes reach Maskinporten within 0–2 minutes (selfservice.md §6): wait, do not fail.
        let unknown = report
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.code == DiagnosisCode::UnknownKid);
        let said = report
            .diagnosis
            .as_ref()
            .map(|d| d.title.clone())
            .unwrap_or_else(|| l("no token", "ingen token"));
        if unknown {
            return Ok((
                StepState::Waiting,
                Some(l(
                    format!(
                        "Maskinporten does not know {new_kid} yet ({}). A new key can take up to 2 minutes to arrive: continue in a moment.",
                        said.en
                    ),
                    format!(
                        "Maskinporten kjenner ikke {new_kid} ennå ({}). En ny nøkkel kan bruke opptil 2 minutter: fortsett om litt.",
                        said.nb
                    ),
                )),
            ));
        }
        Ok((
            StepState::Failed,
            Some(l(
                format!("No token with the new key: {}", said.en),
                format!("Ingen token med den nye nøkkelen: {}", said.nb),
            )),
        ))
    }

    /// The profile signs with the new key from here on; Key Vault gets it as a new version.
    async fn write_vault(&mut self) -> StepResult {
        let new_kid = self.new_kid()?;
        let mut profile = self.profile.clone();
        profile.key_id = Some(Kid::from(new_kid.as_str()));
        let (dir, saved) = (self.state.dir.clone(), profile.clone());
        self.profile = blocking(move || {
            inventory::save_profile(
                &dir,
                &inventory::SaveProfileRequest {
                    original_name: Some(saved.name.to_string()),
                    profile: saved,
                },
            )
        })
        .await?;
        if profile.environment != Environment::Sandbox && profile.vault_url.is_none() {
            return Ok((
                StepState::Skipped,
                Some(l(
                    "This profile has no Key Vault: put the new key where app A reads it (key encoded-jwk).",
                    "Denne profilen har ikke Key Vault: legg den nye nøkkelen der app A leser den (key encoded-jwk).",
                )),
            ));
        }
        let request = WriteVaultRequest {
            profile: profile.name.to_string(),
            key_field: None,
            confirmed: true,
            deleted_action: None,
        };
        let report = crate::keyvault::write(self.state, request).await?;
        let version = report
            .secrets
            .iter()
            .find(|s| s.name == report.names.key)
            .and_then(|s| s.written_version.clone());
        let read_back = report.verify.as_ref().is_some_and(|v| v.ok);
        if !read_back {
            return Ok((
                StepState::Failed,
                Some(l(
                    "The vault's read-back does not match the new key.",
                    "Det som ble lest tilbake fra hvelvet, stemmer ikke med den nye nøkkelen.",
                )),
            ));
        }
        self.rotation.vault_version = version.clone();
        let v = version.unwrap_or_else(|| "-".into());
        Ok((
            StepState::Done,
            Some(l(
                format!(
                    "{} holds {new_kid} as version {v}, read back and matching.",
                    report.names.key
                ),
                format!(
                    "{} har {new_kid} som versjon {v}, lest tilbake og lik.",
                    report.names.key
                ),
            )),
        ))
    }

    async fn after_redeploy(&mut self) -> StepResult {
        if !self.request.redeployed {
            return Ok((
                StepState::Waiting,
                Some(l(
                    "Redeploy app A now: it reads its key from Key Vault only at start-up. Then continue and say it was redeployed.",
                    "Deploy app A på nytt nå: den leser nøkkelen fra Key Vault bare ved oppstart. Fortsett så og si at den er deployet.",
                )),
            ));
        }
        let new_kid = self.new_kid()?;
        let report = self.token_with(&new_kid).await?;
        if !report.ok {
            return Ok((
                StepState::Failed,
                Some(l(
                    format!(
                        "After the redeploy, no token with {new_kid}: the old key stays on the client."
                    ),
                    format!(
                        "Etter deploy ga {new_kid} ingen token: den gamle nøkkelen blir på klienten."
                    ),
                )),
            ));
        }
        Ok((
            StepState::Done,
            Some(l(
                format!("App A was redeployed and {new_kid} still gets a token."),
                format!("App A er deployet på nytt, og {new_kid} får fortsatt token."),
            )),
        ))
    }

    async fn remove_old(&mut self) -> StepResult {
        let old = self.rotation.old_kid.clone();
        if self.rotation.route == KeyRoute::SelfService {
            let api = self.api().await?;
            let set = api.read(self.state).await?;
            if set.contains(&old) {
                let planned = set.without(&old)?;
                let now = api.replace(self.state, &planned).await?;
                self.rotation.client_keys = now.summary();
            } else {
                self.rotation.client_keys = set.summary();
            }
        }
        let refused = self.token_with(&old).await?;
        if refused.ok {
            return Ok((
                StepState::Waiting,
                Some(match self.rotation.route {
                    KeyRoute::Portal => l(
                        format!(
                            "Remove {old} from the client in Samarbeidsportalen (Keys), then continue: the tool checks that it is refused."
                        ),
                        format!(
                            "Fjern {old} fra klienten i Samarbeidsportalen (Nøkler), og fortsett: verktøyet sjekker at den blir avvist."
                        ),
                    ),
                    KeyRoute::SelfService => l(
                        format!(
                            "{old} is off the client but Maskinporten still accepts it; changes take up to 2 minutes. Continue in a moment."
                        ),
                        format!(
                            "{old} er fjernet fra klienten, men Maskinporten godtar den ennå; endringer tar opptil 2 minutter. Fortsett om litt."
                        ),
                    ),
                }),
            ));
        }
        let disabled = match &self.rotation.vault_version {
            Some(keep) => {
                crate::keyvault::disable_other_key_versions(
                    self.state,
                    self.profile.name.as_str(),
                    keep,
                )
                .await?
            }
            None => Vec::new(),
        };
        Ok((
            StepState::Done,
            Some(l(
                format!(
                    "{old} is off the client and refused by Maskinporten; {} older vault version(s) disabled.",
                    disabled.len()
                ),
                format!(
                    "{old} er fjernet fra klienten og avvises av Maskinporten; {} eldre versjon(er) i hvelvet er deaktivert.",
                    disabled.len()
                ),
            )),
        ))
    }

    /// A fresh token request signed with `kid` (never from the cache: this is a proof).
    async fn token_with(&self, kid: &str) -> Result<ChainReport, AppError> {
        let mut profile = self.profile.clone();
        profile.key_id = Some(Kid::from(kid));
        crate::flows::token_proof(self.state, &profile).await
    }

    async fn api(&self) -> Result<SelfServiceApi, AppError> {
        SelfServiceApi::for_profile(self.state, &self.profile, self.request.via.as_deref()).await
    }

    pub(super) fn record_history(&self) {
        let r = &self.rotation;
        let entry = HistoryEntry::new(
            self.state.clock.now(),
            r.profile.as_str(),
            HistoryAction::Rotate,
            true,
            format!(
                "rotated {} → {}",
                r.old_kid,
                r.new_kid.as_deref().unwrap_or("-")
            ),
        )
        .in_bokmal(format!(
            "rullert {} → {}",
            r.old_kid,
            r.new_kid.as_deref().unwrap_or("-")
        ))
        .with_kid(r.new_kid.clone().unwrap_or_default());
        let _ = history::append(&self.state.dir, &entry);
    }
}
