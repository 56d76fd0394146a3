//! What is stored on this machine, keys and profiles together: the operations the GUI and the CLI
//! call, with their request and result types (exported to TypeScript). Keys keep their private
//! part in the secret store and their public record in the index; profiles refer to keys by kid.

mod expiry;
mod keys_in;
mod keys_out;
mod profiles;
mod requests;

pub use expiry::{KEY_WARNING_DAYS, KeyExpiry, KeyView, key_expiry};
pub use keys_in::{delete_key, generate_key, generate_next_key, import_key};
pub use keys_out::{encoded_jwk, export_public_key, private_jwk, save_public_key, signing_key};
pub use profiles::{delete_profile, save_profile};
pub use requests::*;

use crate::datadir::DataDir;
use crate::error::{AppError, ErrorKind};
use crate::keys::index::{self, KeyRecord};
use crate::profile::not_found as not_found_profile;
pub use crate::profile::show as show_profile;
use crate::profile::{self, Profile};

fn not_found_key(kid: &str) -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        format!("There is no key with kid \"{kid}\" on this machine."),
    )
    .with_hint("List the keys to see their kids, or generate or import one.")
}

fn summary(record: &KeyRecord, profiles: &[Profile]) -> KeySummary {
    let rfc3339 = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    KeySummary {
        kid: record.kid.clone(),
        bits: u32::try_from(record.bits).unwrap_or(u32::MAX),
        created: rfc3339(record.created),
        expires: rfc3339(record.expires()),
        thumbprint: record.thumbprint.clone(),
        profiles: profiles
            .iter()
            .filter(|p| p.key_id.as_deref() == Some(record.kid.as_str()))
            .map(|p| p.name.to_string())
            .collect(),
        source: record.source,
    }
}

pub fn list_keys(dir: &DataDir) -> Result<Vec<KeySummary>, AppError> {
    let profiles = profile::load(dir)?;
    Ok(index::load(dir)?
        .iter()
        .map(|r| summary(r, &profiles))
        .collect())
}

pub fn list_profiles(dir: &DataDir) -> Result<Vec<Profile>, AppError> {
    Ok(profile::load(dir)?)
}

fn attach_target(profiles: &[Profile], name: Option<&str>) -> Result<Option<String>, AppError> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(name) => profiles
            .iter()
            .find(|p| p.name.is(name))
            .map(|p| Some(p.name.to_string()))
            .ok_or_else(|| not_found_profile(name)),
    }
}

fn find_record(dir: &DataDir, kid: &str) -> Result<KeyRecord, AppError> {
    index::load(dir)?
        .into_iter()
        .find(|r| r.kid == kid)
        .ok_or_else(|| not_found_key(kid))
}
