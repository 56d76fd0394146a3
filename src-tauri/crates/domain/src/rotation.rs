//! A key rotation for one profile, as a record of steps kept in `rotations.json`, so a rotation
//! cut off at any point continues where it stopped:
//!
//! generate the new key → add its public half beside the old one → prove a token with the new
//! kid → write the new key to Key Vault as a new version and read it back → the person redeploys
//! app A, and a token with the new key is proven again → only then the old key is removed from
//! the client (and proven refused) and older vault versions are disabled.
//!
//! The one rule that must never break is enforced here, not by the callers: the old key is not
//! removed before the new key was proven, both before and after the redeploy.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::datadir::DataDir;
use crate::diagnosis::Localized;
use crate::error::{AppError, ErrorKind};
use crate::profile::ProfileName;

pub const FILE: &str = "rotations.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "RotationStepId")]
pub enum Step {
    Generate,
    AddToClient,
    ProveNewKey,
    WriteVault,
    Redeploy,
    RemoveOld,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Generate,
        Step::AddToClient,
        Step::ProveNewKey,
        Step::WriteVault,
        Step::Redeploy,
        Step::RemoveOld,
    ];

    pub fn title(self) -> Localized {
        let (en, nb) = match self {
            Step::Generate => ("Generate the new key", "Lag den nye nøkkelen"),
            Step::AddToClient => (
                "Add its public half to the client, beside the old key",
                "Legg den offentlige delen til på klienten, ved siden av den gamle",
            ),
            Step::ProveNewKey => (
                "Prove a token with the new key",
                "Bevis et token med den nye nøkkelen",
            ),
            Step::WriteVault => (
                "Write the new key to Key Vault and read it back",
                "Skriv den nye nøkkelen til Key Vault og les den tilbake",
            ),
            Step::Redeploy => (
                "Redeploy app A, then prove the new key again",
                "Deploy app A på nytt, og bevis den nye nøkkelen igjen",
            ),
            Step::RemoveOld => (
                "Remove the old key from the client and disable old vault versions",
                "Fjern den gamle nøkkelen fra klienten og deaktiver gamle versjoner i hvelvet",
            ),
        };
        crate::diagnosis::l(en, nb)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "RotationStepState")]
pub enum StepState {
    Todo,
    /// Waits for the person (a portal change, a redeploy); `detail` says what to do.
    Waiting,
    Failed,
    Done,
    /// Not needed for this profile (no Key Vault on it); `detail` says why.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "RotationStepRecord")]
pub struct StepRecord {
    pub step: Step,
    pub state: StepState,
    /// When it last changed, RFC 3339.
    pub at: Option<String>,
    pub detail: Option<Localized>,
}

/// How the public key reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyRoute {
    /// Digdir's self-service API (or the sandbox's emulation of it).
    SelfService,
    /// The person does it in Samarbeidsportalen; the tool checks it with a token.
    Portal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rotation {
    pub profile: ProfileName,
    pub old_kid: String,
    pub old_thumbprint: String,
    pub new_kid: Option<String>,
    pub new_thumbprint: Option<String>,
    pub route: KeyRoute,
    /// The Key Vault version that holds the new key, once written: every other version of the
    /// key secret is disabled when the old key goes.
    #[serde(default)]
    pub vault_version: Option<String>,
    /// The client's keys as last read through the self-service API (public facts only).
    #[serde(default)]
    pub client_keys: Vec<crate::selfservice::ClientKey>,
    pub started: String,
    pub finished: Option<String>,
    pub steps: Vec<StepRecord>,
}

fn stamp(now: OffsetDateTime) -> String {
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Rotation {
    pub fn new(
        profile: ProfileName,
        old_kid: &str,
        old_thumbprint: &str,
        route: KeyRoute,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            profile,
            old_kid: old_kid.to_string(),
            old_thumbprint: old_thumbprint.to_string(),
            new_kid: None,
            new_thumbprint: None,
            route,
            vault_version: None,
            client_keys: Vec::new(),
            started: stamp(now),
            finished: None,
            steps: Step::ALL
                .iter()
                .map(|&step| StepRecord {
                    step,
                    state: StepState::Todo,
                    at: None,
                    detail: None,
                })
                .collect(),
        }
    }

    pub fn state(&self, step: Step) -> StepState {
        self.steps
            .iter()
            .find(|s| s.step == step)
            .map_or(StepState::Todo, |s| s.state)
    }

    fn settled(&self, step: Step) -> bool {
        matches!(self.state(step), StepState::Done | StepState::Skipped)
    }

    /// The first step not done (or skipped); `None` when the rotation is complete.
    pub fn next(&self) -> Option<Step> {
        Step::ALL.into_iter().find(|&s| !self.settled(s))
    }

    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// Records a step's new state. Steps settle in order, and `RemoveOld` only after the new
    /// key was proven before and after the redeploy: a caller that tries otherwise gets an
    /// error and the record is unchanged.
    pub fn set(
        &mut self,
        step: Step,
        state: StepState,
        detail: Option<Localized>,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        if matches!(state, StepState::Done | StepState::Skipped) {
            if let Some(earlier) = Step::ALL
                .into_iter()
                .take_while(|&s| s != step)
                .find(|&s| !self.settled(s))
            {
                return Err(AppError::new(
                    ErrorKind::Internal,
                    format!("rotation step {step:?} cannot settle before {earlier:?}"),
                ));
            }
            if step == Step::RemoveOld
                && !(self.state(Step::ProveNewKey) == StepState::Done
                    && self.state(Step::Redeploy) == StepState::Done)
            {
                return Err(AppError::new(
                    ErrorKind::Internal,
                    "the old key is removed only after the new one was proven",
                ));
            }
        }
        let record = self
            .steps
            .iter_mut()
            .find(|s| s.step == step)
            .ok_or_else(|| AppError::new(ErrorKind::Internal, "unknown rotation step"))?;
        record.state = state;
        record.at = Some(stamp(now));
        record.detail = detail;
        if self.next().is_none() {
            self.finished = Some(stamp(now));
        }
        Ok(())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RotationsFile {
    version: u32,
    rotations: Vec<Rotation>,
}

/// Every rotation on record, oldest first (finished ones stay for the report).
pub fn load(dir: &DataDir) -> Result<Vec<Rotation>, AppError> {
    Ok(dir
        .read_json::<RotationsFile>(FILE)?
        .map(|f| f.rotations)
        .unwrap_or_default())
}

/// The profile's unfinished rotation, if one is under way.
pub fn active(dir: &DataDir, profile: &ProfileName) -> Result<Option<Rotation>, AppError> {
    Ok(load(dir)?
        .into_iter()
        .rev()
        .find(|r| r.profile == *profile && !r.is_finished()))
}

/// Saves a rotation: replaces the profile's unfinished one (the same rotation, further on), or
/// adds it. Written under the data folder's lock after every step, so a cut-off run resumes.
pub fn save(dir: &DataDir, rotation: &Rotation) -> Result<(), AppError> {
    dir.locked(|| {
        let mut rotations = load(dir)?;
        match rotations.iter_mut().rev().find(|r| {
            r.profile == rotation.profile && !r.is_finished() && r.started == rotation.started
        }) {
            Some(existing) => *existing = rotation.clone(),
            None => rotations.push(rotation.clone()),
        }
        dir.write_json(
            FILE,
            &RotationsFile {
                version: 1,
                rotations,
            },
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
    }

    fn rotation() -> Rotation {
        Rotation::new(
            ProfileName::from("P"),
            "old",
            "tp-old",
            KeyRoute::SelfService,
            now(),
        )
    }

    #[test]
    fn steps_settle_in_order_and_the_next_one_is_the_first_not_done() {
        let mut r = rotation();
        assert_eq!(r.next(), Some(Step::Generate));
        assert!(
            r.set(Step::ProveNewKey, StepState::Done, None, now())
                .is_err()
        );
        r.set(Step::Generate, StepState::Done, None, now()).unwrap();
        r.set(Step::AddToClient, StepState::Waiting, None, now())
            .unwrap();
        assert_eq!(r.next(), Some(Step::AddToClient), "waiting is not done");
        r.set(Step::AddToClient, StepState::Done, None, now())
            .unwrap();
        assert_eq!(r.next(), Some(Step::ProveNewKey));
    }

    #[test]
    fn the_old_key_is_never_removed_before_the_new_one_was_proven_twice() {
        let mut r = rotation();
        for step in [Step::Generate, Step::AddToClient, Step::ProveNewKey] {
            r.set(step, StepState::Done, None, now()).unwrap();
        }
        r.set(Step::WriteVault, StepState::Skipped, None, now())
            .unwrap();
        // Redeploy skipped is not a proof: RemoveOld is refused and the record unchanged.
        r.set(Step::Redeploy, StepState::Skipped, None, now())
            .unwrap();
        let before = r.clone();
        assert!(
            r.set(Step::RemoveOld, StepState::Done, None, now())
                .is_err()
        );
        assert_eq!(r, before);
        r.set(Step::Redeploy, StepState::Done, None, now()).unwrap();
        r.set(Step::RemoveOld, StepState::Done, None, now())
            .unwrap();
        assert_eq!(r.next(), None);
        assert!(r.is_finished());
    }

    #[test]
    fn a_saved_rotation_is_found_again_replaced_in_place_and_kept_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let dir = DataDir::new(dir.path());
        let mut r = rotation();
        save(&dir, &r).unwrap();
        r.set(Step::Generate, StepState::Done, None, now()).unwrap();
        save(&dir, &r).unwrap();
        assert_eq!(load(&dir).unwrap().len(), 1);
        assert_eq!(
            active(&dir, &ProfileName::from("p")).unwrap(),
            Some(r.clone())
        );
        for step in &Step::ALL[1..] {
            r.set(*step, StepState::Done, None, now()).unwrap();
        }
        save(&dir, &r).unwrap();
        assert_eq!(active(&dir, &ProfileName::from("P")).unwrap(), None);
        assert_eq!(load(&dir).unwrap(), vec![r]);
    }
}
