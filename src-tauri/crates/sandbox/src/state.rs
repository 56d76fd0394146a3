//! The shared state of a running sandbox: clock, faults, log, signing keys, URLs, and the
//! mutable "world" (registry, parties, instances, vault, device codes) behind one lock that is
//! never held across an await.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::app::store::AppStore;
use crate::clock::Clock;
use crate::entra::codes::DeviceCodes;
use crate::fault::Faults;
use crate::keys::ServiceKeys;
use crate::keyvault::store::Vault;
use crate::log::RequestLog;
use crate::maskinporten::registry::Registry;
use crate::seed::{Organisation, Party, ScopeDelegation, SystemUser, VaultSeed};
use crate::{SandboxError, SandboxUrls, Seed, Service};

#[derive(Debug)]
pub(crate) struct State {
    pub clock: Clock,
    pub faults: Faults,
    pub log: RequestLog,
    pub keys: Arc<ServiceKeys>,
    pub urls: SandboxUrls,
    /// This run's secret: the sandbox's own routes and the device-login approval need it, so
    /// another user of this machine (or a web page in its browser) cannot use them.
    pub secret: String,
    world: Mutex<World>,
}

/// Everything requests can change.
#[derive(Debug)]
pub(crate) struct World {
    pub orgs: Vec<Organisation>,
    pub delegations: Vec<ScopeDelegation>,
    pub system_users: Vec<SystemUser>,
    /// The system register: each system as registered (the request body, kept as sent).
    pub systems: Vec<serde_json::Value>,
    /// System-user requests, as `RequestSystemResponse` bodies plus the vendor's org.
    pub requests: Vec<serde_json::Value>,
    pub parties: Vec<Party>,
    pub registry: Registry,
    pub apps: AppStore,
    pub vault_seed: VaultSeed,
    pub vault: Vault,
    pub device_codes: DeviceCodes,
}

impl State {
    pub(crate) fn new(
        seed: Seed,
        urls: SandboxUrls,
        keys: Arc<ServiceKeys>,
    ) -> Result<State, SandboxError> {
        let clock = Clock::default();
        let invalid = |message: String| Err(SandboxError::InvalidSeed(message));
        for org in &seed.orgs {
            if !crate::is_valid_org_number(&org.org_number) {
                return invalid(format!(
                    "{} is not a valid organisation number",
                    org.org_number
                ));
            }
        }
        for party in &seed.parties {
            if seed
                .parties
                .iter()
                .filter(|p| p.party_id == party.party_id)
                .count()
                > 1
            {
                return invalid(format!("party id {} is used twice", party.party_id));
            }
            if party
                .ssn
                .as_deref()
                .is_some_and(|ssn| !crate::is_valid_national_identity_number(ssn))
            {
                return invalid(format!(
                    "party {} has an invalid national identity number",
                    party.party_id
                ));
            }
        }
        let now = clock.now(Service::Maskinporten);
        let registry = Registry::from_seed(&seed.clients, &seed.orgs, now)
            .map_err(SandboxError::InvalidSeed)?;
        let apps = AppStore::new(seed.apps).map_err(SandboxError::InvalidSeed)?;
        Ok(State {
            clock,
            faults: Faults::default(),
            log: RequestLog::default(),
            keys,
            urls,
            secret: {
                use rand::Rng;
                let bytes: [u8; 32] = rand::thread_rng().r#gen();
                bytes.iter().map(|b| format!("{b:02x}")).collect()
            },
            world: Mutex::new(World {
                orgs: seed.orgs,
                delegations: seed.delegations,
                system_users: seed.system_users,
                systems: Vec::new(),
                requests: Vec::new(),
                parties: seed.parties,
                registry,
                apps,
                vault: Vault::default(),
                vault_seed: seed.vault,
                device_codes: DeviceCodes::default(),
            }),
        })
    }

    /// The world, locked. Never hold the guard across an `.await`.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl World {
    pub(crate) fn org(&self, org_number: &str) -> Option<&Organisation> {
        self.orgs.iter().find(|o| o.org_number == org_number)
    }
}
