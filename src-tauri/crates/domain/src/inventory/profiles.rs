//! Profiles saved and deleted, with the rules that tie them to keys.

use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::profile::{self, Profile};

use super::requests::*;
use super::{find_record, not_found_profile};

pub fn save_profile(dir: &DataDir, request: &SaveProfileRequest) -> Result<Profile, AppError> {
    let new = profile::normalize(request.profile.clone())?;
    if let Some(kid) = &new.key_id {
        find_record(dir, kid)?;
    }
    profile::update(dir, |profiles| {
        let position = match request.original_name.as_deref() {
            Some(original) => Some(
                profiles
                    .iter()
                    .position(|p| p.name.is(original))
                    .ok_or_else(|| not_found_profile(original))?,
            ),
            None => None,
        };
        let clash = profiles
            .iter()
            .enumerate()
            .any(|(i, p)| p.name == new.name && Some(i) != position);
        if clash {
            return Err(AppError::new(
                ErrorKind::AlreadyExists,
                format!(
                    "A profile named \"{}\" exists already; nothing was changed.",
                    new.name
                ),
            )
            .with_hint("Pick another name, or edit that profile."));
        }
        match position {
            Some(i) => profiles[i] = new.clone(),
            None => profiles.push(new.clone()),
        }
        Ok(new)
    })
}

pub fn delete_profile(dir: &DataDir, request: &DeleteProfileRequest) -> Result<(), AppError> {
    profile::update(dir, |profiles| {
        let Some(position) = profiles.iter().position(|p| p.name.is(&request.name)) else {
            return Err(not_found_profile(&request.name));
        };
        if !request.confirmed {
            return Err(AppError::new(
                ErrorKind::ConfirmationRequired,
                format!(
                    "Deleting profile \"{}\" cannot be undone. Its key stays on this machine.",
                    profiles[position].name
                ),
            )
            .with_hint("Confirm to delete."));
        }
        profiles.remove(position);
        Ok(())
    })
}
