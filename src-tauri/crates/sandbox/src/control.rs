//! `Control`: the handle tests (and the app's sandbox mode) use to steer a running sandbox —
//! register clients and keys, approve device codes, inject faults, skew clocks, read the log.

use std::sync::Arc;

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::fault::Fault;
use crate::log::LogEntry;
use crate::maskinporten::registry::{ClientRecord, Registry, valid_lifetime};
use crate::state::State;
use crate::{MaskinportenClient, SandboxError, Service};

/// A cheap, cloneable handle to a running sandbox.
#[derive(Debug, Clone)]
pub struct Control {
    state: Arc<State>,
}

impl Control {
    pub(crate) fn new(state: Arc<State>) -> Control {
        Control { state }
    }

    /// Registers (or replaces) a Maskinporten client, keys included.
    pub fn register_client(&self, client: MaskinportenClient) -> Result<(), SandboxError> {
        let now = self.state.clock.now(Service::Maskinporten);
        let mut world = self.state.world();
        if world.org(&client.org_number).is_none() {
            return Err(SandboxError::InvalidSeed(format!(
                "unknown organisation {}",
                client.org_number
            )));
        }
        if !valid_lifetime(client.access_token_lifetime) {
            return Err(SandboxError::InvalidSeed(
                "access_token_lifetime must be 119–599".into(),
            ));
        }
        world
            .registry
            .insert_client(&client, now)
            .map_err(SandboxError::InvalidKey)
    }

    /// Replaces a client's scopes, as an admin does in Samarbeidsportalen.
    pub fn set_client_scopes(
        &self,
        client_id: &str,
        scopes: &[String],
    ) -> Result<(), SandboxError> {
        let now = self.state.clock.now(Service::Maskinporten);
        let mut world = self.state.world();
        let client = known_client(&mut world.registry, client_id)?;
        client.scopes = scopes.to_vec();
        client.last_updated = now;
        Ok(())
    }

    /// Adds a public JWK to a client's key set, posted now (the set may hold at most five).
    pub fn register_key(&self, client_id: &str, jwk: Value) -> Result<(), SandboxError> {
        let now = self.state.clock.now(Service::Maskinporten);
        self.register_key_posted_at(client_id, jwk, now)
    }

    /// Adds a public JWK as if it had been posted at `posted_at` (keys expire a year later).
    pub fn register_key_posted_at(
        &self,
        client_id: &str,
        jwk: Value,
        posted_at: OffsetDateTime,
    ) -> Result<(), SandboxError> {
        let now = self.state.clock.now(Service::Maskinporten);
        let mut world = self.state.world();
        let mut keys: Vec<(Value, OffsetDateTime)> = known_client(&mut world.registry, client_id)?
            .keys
            .iter()
            .map(|k| (k.key.jwk.clone(), k.posted_at))
            .collect();
        keys.push((jwk, posted_at));
        world
            .registry
            .replace_keys(client_id, &keys, now)
            .map_err(SandboxError::InvalidKey)
    }

    /// Approves a pending device code as the seeded identity `identity` (UPN or object id).
    pub fn approve_device_code(&self, user_code: &str, identity: &str) -> Result<(), SandboxError> {
        let now = self.state.clock.unix(Service::Entra);
        let mut world = self.state.world();
        let object_id = world
            .vault_seed
            .identities
            .iter()
            .find(|i| {
                i.user_principal_name.eq_ignore_ascii_case(identity) || i.object_id == identity
            })
            .map(|i| i.object_id.clone())
            .ok_or_else(|| SandboxError::UnknownIdentity(identity.to_owned()))?;
        world.device_codes.decide(user_code, Some(object_id), now)
    }

    /// Declines a pending device code (the person pressed "Deny").
    pub fn deny_device_code(&self, user_code: &str) -> Result<(), SandboxError> {
        let now = self.state.clock.unix(Service::Entra);
        self.state.world().device_codes.decide(user_code, None, now)
    }

    /// Injects a fault; several can be active, the first matching one hits.
    pub fn inject_fault(&self, fault: Fault) {
        self.state.faults.add(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Skews one service's clock by `offset` (positive = ahead). It moves the `Date` header and
    /// every time check of that service.
    pub fn skew_clock(&self, service: Service, offset: Duration) {
        self.state.clock.set_offset(service, offset);
    }

    /// Skews every service's clock by the same offset.
    pub fn skew_all_clocks(&self, offset: Duration) {
        for service in Service::ALL {
            self.state.clock.set_offset(service, offset);
        }
    }

    /// The current offset of a service's clock.
    pub fn clock_offset(&self, service: Service) -> Duration {
        self.state.clock.offset(service)
    }

    /// The time on a service's (possibly skewed) clock.
    pub fn now(&self, service: Service) -> OffsetDateTime {
        self.state.clock.now(service)
    }

    /// Every request served so far (the latest 5,000), oldest first. Secret-free.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.state.log.snapshot()
    }
}

/// The registered client `client_id`, or `UnknownClient`.
fn known_client<'a>(
    registry: &'a mut Registry,
    client_id: &str,
) -> Result<&'a mut ClientRecord, SandboxError> {
    registry
        .clients
        .get_mut(client_id)
        .ok_or_else(|| SandboxError::UnknownClient(client_id.to_owned()))
}
