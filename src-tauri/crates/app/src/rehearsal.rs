//! "Rehearse on the sandbox": a first run in one click. A sandbox profile with a new key in the
//! keychain, registered on the sandbox's client (the portal step, rehearsed), so the checklist
//! opens with the client and key done, and the token test and an instance of app B are the next
//! clicks. Nothing here reaches beyond 127.0.0.1.

use assistant_domain::AppError;
use assistant_domain::inventory::{self, GenerateKeyRequest, SaveProfileRequest};
use assistant_domain::profile::{Environment, Profile, ProfileName};
use serde::Serialize;
use ts_rs::TS;

use crate::AppState;
use crate::blocking::blocking;
use crate::sandbox::{self, RegisterRequest};

/// The first rehearsal's profile name; later ones are numbered.
pub const NAME: &str = "Rehearsal";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rehearsal {
    /// The profile as saved, with its key and the sandbox's client.
    pub profile: Profile,
    pub kid: String,
    pub client_id: String,
}

/// `Rehearsal`, or `Rehearsal 2`, `Rehearsal 3`, … when the name is taken: an existing profile
/// is never changed.
pub fn free_name(profiles: &[Profile]) -> ProfileName {
    let taken = |name: &ProfileName| profiles.iter().any(|p| &p.name == name);
    let first = ProfileName::from(NAME);
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|n| ProfileName::from(format!("{NAME} {n}")))
        .find(|name| !taken(name))
        .unwrap_or(first)
}

/// Creates the profile and its key, then registers the key on the sandbox's client and records
/// that step for the checklist.
pub async fn start(state: &AppState) -> Result<Rehearsal, AppError> {
    let (dir, store, clock) = (state.dir.clone(), state.store.clone(), state.clock.clone());
    let (profile, kid) = blocking(move || {
        let name = free_name(&inventory::list_profiles(&dir)?);
        let saved = inventory::save_profile(
            &dir,
            &SaveProfileRequest {
                profile: Profile {
                    name,
                    environment: Environment::Sandbox,
                    ..Profile::default()
                },
                original_name: None,
            },
        )?;
        let key = inventory::generate_key(
            &dir,
            &*store,
            &*clock,
            &GenerateKeyRequest {
                bits: 2048,
                profile: Some(saved.name.to_string()),
            },
            &mut |_| {},
        )?;
        Ok((saved, key.kid))
    })
    .await?;
    let registered = register_and_record(
        state,
        RegisterRequest {
            profile: profile.name.to_string(),
        },
    )
    .await?;
    Ok(Rehearsal {
        profile: registered.profile,
        kid,
        client_id: registered.client_id,
    })
}

/// The portal step, rehearsed from the window, and its line in the checklist's history (the
/// caller records, so `sandbox` and `checklist` stay apart).
pub async fn register_and_record(
    state: &AppState,
    request: RegisterRequest,
) -> Result<sandbox::RegistrationOutcome, AppError> {
    let outcome = sandbox::register_for_window(state, request).await?;
    crate::checklist::client_registered(state, &outcome.profile, &outcome.client_id);
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_is_never_reused_whatever_its_case() {
        let named = |names: &[&str]| -> Vec<Profile> {
            names
                .iter()
                .map(|n| Profile {
                    name: (*n).into(),
                    ..Profile::default()
                })
                .collect()
        };
        assert_eq!(free_name(&[]).as_str(), "Rehearsal");
        assert_eq!(free_name(&named(&["rehearsal"])).as_str(), "Rehearsal 2");
        assert_eq!(
            free_name(&named(&["Rehearsal", "Rehearsal 2", "Other"])).as_str(),
            "Rehearsal 3"
        );
    }
}
