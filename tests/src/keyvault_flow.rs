//! The domain's Key Vault step against the sandbox, as the `keyvault_*` tests drive it: a
//! sandbox profile with a key in a memory keychain, the vault's challenge, a device-code sign-in
//! whose waits move the sandbox's clocks instead of sleeping, and the domain's probe, write and
//! read-back with the profile's names.

use std::sync::Mutex;
use std::time::Duration;

use assistant_domain::clock::{Clock, SystemClock};
use assistant_domain::datadir::DataDir;
use assistant_domain::http::{BoxFuture, ReqwestTransport, Transport};
use assistant_domain::inventory::{self, GenerateKeyRequest, KeySummary, SaveProfileRequest};
use assistant_domain::keyvault::api::KeyVaultError;
use assistant_domain::keyvault::challenge::{self, Challenge, TrustedLogin};
use assistant_domain::keyvault::material::{self, Material};
use assistant_domain::keyvault::names::{self, NameWarning, SecretNames};
use assistant_domain::keyvault::probe::{self, ProbeReport};
use assistant_domain::keyvault::session::AzureSession;
use assistant_domain::keyvault::verify::{self, VerifyReport};
use assistant_domain::keyvault::write::{self, WriteReport, WriteRequest};
use assistant_domain::keyvault::{
    AZURE_CLI_CLIENT_ID, DeletedAction, KeyField, Pause, Resume, devicecode,
};
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::secret_store::MemoryStore;
use assistant_sandbox::{Control, Service, defaults};
use url::Url;

use crate::Harness;
use crate::keyvault::Vault;

/// The sandbox's own clock (Entra's), so expiries follow its skews.
#[derive(Debug)]
pub struct SandboxClock(pub Control);

impl Clock for SandboxClock {
    fn now(&self) -> time::OffsetDateTime {
        self.0.now(Service::Entra)
    }
}

/// Moves every sandbox clock forward by the wait instead of sleeping, and records the waits.
#[derive(Debug)]
pub struct AdvancingPause {
    control: Control,
    /// Every wait asked for, in order.
    pub waits: Mutex<Vec<Duration>>,
}

impl AdvancingPause {
    /// A pause over `control`'s clocks.
    pub fn new(control: Control) -> Self {
        Self {
            control,
            waits: Mutex::default(),
        }
    }
}

/// Moves all sandbox clocks forward by `by`.
pub fn advance(control: &Control, by: Duration) {
    let offset =
        control.clock_offset(Service::Entra) + time::Duration::try_from(by).unwrap_or_default();
    control.skew_all_clocks(offset);
}

impl Pause for AdvancingPause {
    fn pause(&self, duration: Duration) -> BoxFuture<'_, Resume> {
        advance(&self.control, duration);
        self.waits.lock().unwrap().push(duration);
        Box::pin(async { Resume::Go })
    }
}

/// The profile name every flow test uses.
pub const PROFILE: &str = "Rehearsal";

/// A running sandbox and a profile ready for the Key Vault step.
#[derive(Debug)]
pub struct Flow {
    /// Sandbox, control and raw HTTP client.
    pub h: Harness,
    _tmp: tempfile::TempDir,
    /// The data folder (profiles, key index).
    pub dir: DataDir,
    /// The keychain.
    pub store: MemoryStore,
    /// The real transport.
    pub transport: ReqwestTransport,
    /// The sandbox vault.
    pub vault: Url,
    /// Its challenge (tenant, sign-in host).
    pub challenge: Challenge,
    /// The profile's key.
    pub key: KeySummary,
}

impl Flow {
    /// A sandbox, a profile `Rehearsal` with the sandbox client id and prefix `rehearsal`, and
    /// a fresh 2048-bit key for it.
    pub async fn start() -> Flow {
        let h = Harness::start().await;
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path().join("data"));
        let profile = Profile {
            name: PROFILE.into(),
            environment: Environment::Sandbox,
            client_id: Some(defaults::CLIENT_ID.into()),
            secret_prefix: Some("rehearsal".into()),
            ..Profile::default()
        };
        inventory::save_profile(
            &dir,
            &SaveProfileRequest {
                profile,
                original_name: None,
            },
        )
        .unwrap();
        let transport = ReqwestTransport::new(None).unwrap();
        let vault = Url::parse(&h.sandbox.urls().key_vault).unwrap();
        let response = transport.send(challenge::request(&vault)).await.unwrap();
        let challenge = challenge::parse(&response).unwrap();
        let entra = Url::parse(&h.sandbox.urls().entra).unwrap();
        let challenge =
            challenge::check_trusted(&challenge, &TrustedLogin::Exactly(entra), &vault).unwrap();
        let store = MemoryStore::default();
        let key = generate(&dir, &store);
        Flow {
            h,
            _tmp: tmp,
            dir,
            store,
            transport,
            vault,
            challenge,
            key,
        }
    }

    /// Generates another key and makes it the profile's.
    pub fn new_key(&self) -> KeySummary {
        generate(&self.dir, &self.store)
    }

    /// The profile as stored now.
    pub fn profile(&self) -> Profile {
        inventory::show_profile(&self.dir, PROFILE).unwrap()
    }

    /// The sandbox's clock.
    pub fn clock(&self) -> SandboxClock {
        SandboxClock(self.h.control.clone())
    }

    /// Signs in with the device code as `identity` (approved through the sandbox's control).
    pub async fn sign_in(&self, identity: &str) -> AzureSession {
        let clock = self.clock();
        let pending = devicecode::start(
            &self.transport,
            &clock,
            &self.challenge,
            AZURE_CLI_CLIENT_ID,
        )
        .await
        .unwrap();
        self.h
            .control
            .approve_device_code(&pending.prompt.user_code, identity)
            .unwrap();
        let pause = AdvancingPause::new(self.h.control.clone());
        devicecode::wait(&self.transport, &clock, &pause, &pending)
            .await
            .unwrap()
    }

    /// The profile's secret names (EncodedJwk).
    pub fn names(&self) -> (SecretNames, Vec<NameWarning>) {
        let p = self.profile();
        names::derive(
            p.secret_prefix.as_deref(),
            p.section_name.as_deref(),
            KeyField::EncodedJwk,
        )
        .unwrap()
    }

    /// Client id, key record and EncodedJwk from the keychain.
    pub fn material(&self) -> Material {
        material::load(&self.dir, &self.store, &self.profile()).unwrap()
    }

    /// The domain's probe.
    pub async fn probe(&self, session: &AzureSession) -> ProbeReport {
        let (names, warnings) = self.names();
        probe::probe(
            &self.transport,
            &self.vault,
            &session.token,
            &names,
            warnings,
            &Environment::Sandbox,
        )
        .await
    }

    /// The domain's write, to a vault this machine has written to before.
    pub async fn write(
        &self,
        session: &AzureSession,
        confirmed: bool,
        deleted_action: Option<DeletedAction>,
    ) -> Result<WriteReport, KeyVaultError> {
        self.write_to(session, confirmed, false, deleted_action)
            .await
    }

    /// The domain's write; `new_vault` as for a vault this machine never wrote a key to.
    pub async fn write_to(
        &self,
        session: &AzureSession,
        confirmed: bool,
        new_vault: bool,
        deleted_action: Option<DeletedAction>,
    ) -> Result<WriteReport, KeyVaultError> {
        let (names, warnings) = self.names();
        let material = self.material();
        let request = WriteRequest {
            vault: &self.vault,
            token: &session.token,
            names: &names,
            warnings,
            material: &material,
            confirmed,
            new_vault,
            deleted_action,
            created_by: "maskinporten-assistant/test",
        };
        let pause = AdvancingPause::new(self.h.control.clone());
        write::write(&self.transport, &pause, request).await
    }

    /// The domain's read-back.
    pub async fn verify(&self, session: &AzureSession) -> VerifyReport {
        let (names, _) = self.names();
        verify::verify(
            &self.transport,
            &self.vault,
            &session.token,
            &names,
            &self.material(),
        )
        .await
        .unwrap()
    }

    /// The raw vault with this session's token, to arrange or inspect what is stored.
    pub fn raw<'a>(&'a self, session: &AzureSession) -> Vault<'a> {
        Vault::with_token(&self.h, session.token.expose_secret())
    }
}

fn generate(dir: &DataDir, store: &MemoryStore) -> KeySummary {
    let request = GenerateKeyRequest {
        bits: 2048,
        profile: Some(PROFILE.into()),
    };
    inventory::generate_key(dir, store, &SystemClock, &request, &mut |_| {}).unwrap()
}
