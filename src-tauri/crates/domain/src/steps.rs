//! The checklist's vocabulary: its steps and their states. A leaf module, so the history (which
//! records step states) and the checklist (which folds them) both use it without importing
//! each other.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::diagnosis::{Localized, l};

/// The steps, in the order a person takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepId {
    /// Which way app A gets its credentials (config-keyvault-selfservice.md §0.1, §2.7).
    Path,
    /// A role on the organisation's Key Vault that can list, read and write secrets.
    VaultAccess,
    /// A Maskinporten client in Samarbeidsportalen, its id pasted back into the profile.
    Client,
    /// The RSA key, generated into the keychain; its public half uploaded to the client.
    Key,
    /// Client id and private JWK in Key Vault under the names app A's configuration binds.
    VaultWrite,
    /// App A's configuration read and checked.
    Config,
    /// A Maskinporten token with the client and key.
    Token,
    /// The Maskinporten token exchanged for an Altinn token.
    Exchange,
    /// A sample instance of app B.
    Instance,
    /// App A redeployed so it reads the new secrets.
    Redeploy,
    /// The vendor's system in Altinn's system register, with the client id and app B's right
    /// (docs/reference/systemuser.md §2).
    SystemRegister,
    /// The customer's approval of the system-user request (§3).
    SystemUserApproval,
    /// App B on Altinn.App 8.6 or later, with a role the approver holds allowed to instantiate
    /// and read (§6).
    AppBSystemUsers,
}

/// The multi-app route's steps: app A calls app B for its own organisation.
pub const STEPS: [StepId; 10] = [
    StepId::Path,
    StepId::VaultAccess,
    StepId::Client,
    StepId::Key,
    StepId::VaultWrite,
    StepId::Config,
    StepId::Token,
    StepId::Exchange,
    StepId::Instance,
    StepId::Redeploy,
];

/// The system-user route's steps: a vendor's system calls app B as a customer's system user.
/// No app A, no Key Vault: the vendor keeps its own key; the customer's approval stands where
/// the multi-app route has the vault (protocols.md §2, docs/reference/systemuser.md).
pub const SYSTEM_USER_STEPS: [StepId; 8] = [
    StepId::Client,
    StepId::Key,
    StepId::SystemRegister,
    StepId::SystemUserApproval,
    StepId::AppBSystemUsers,
    StepId::Token,
    StepId::Exchange,
    StepId::Instance,
];

/// Which way the calls reach app B, and so which steps the checklist has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Route {
    /// App A creates instances of app B for the organisation that owns B.
    #[default]
    MultiApp,
    /// A vendor's system creates instances as a customer's system user.
    SystemUser,
}

impl Route {
    pub fn steps(self) -> &'static [StepId] {
        match self {
            Route::MultiApp => &STEPS,
            Route::SystemUser => &SYSTEM_USER_STEPS,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Route::MultiApp => "multi_app",
            Route::SystemUser => "system_user",
        }
    }
}

impl StepId {
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::Path => "path",
            StepId::VaultAccess => "vault_access",
            StepId::Client => "client",
            StepId::Key => "key",
            StepId::VaultWrite => "vault_write",
            StepId::Config => "config",
            StepId::Token => "token",
            StepId::Exchange => "exchange",
            StepId::Instance => "instance",
            StepId::Redeploy => "redeploy",
            StepId::SystemRegister => "system_register",
            StepId::SystemUserApproval => "system_user_approval",
            StepId::AppBSystemUsers => "app_b_system_users",
        }
    }

    pub fn parse(value: &str) -> Option<StepId> {
        STEPS
            .into_iter()
            .chain(SYSTEM_USER_STEPS)
            .find(|s| s.as_str() == value)
    }

    pub fn title(self) -> Localized {
        let (en, nb) = match self {
            StepId::Path => ("Which path is the app on?", "Hvilken vei er appen på?"),
            StepId::VaultAccess => ("Access to Key Vault", "Tilgang til Key Vault"),
            StepId::Client => (
                "Maskinporten client in Samarbeidsportalen",
                "Maskinporten-klient i Samarbeidsportalen",
            ),
            StepId::Key => ("Key in the keychain", "Nøkkel i nøkkelringen"),
            StepId::VaultWrite => (
                "Secret names and Key Vault write",
                "Hemmelighetsnavn og skriving til Key Vault",
            ),
            StepId::Config => ("App configuration check", "Sjekk av appens konfigurasjon"),
            StepId::Token => ("Token test", "Tokentest"),
            StepId::Exchange => ("Exchange test", "Veksling til Altinn-token"),
            StepId::Instance => ("Sample instance of app B", "Prøveinstans av app B"),
            StepId::Redeploy => ("Redeploy and done", "Deploy på nytt, og ferdig"),
            StepId::SystemRegister => (
                "The system in the system register",
                "Systemet i systemregisteret",
            ),
            StepId::SystemUserApproval => ("The customer's approval", "Kundens godkjenning"),
            StepId::AppBSystemUsers => (
                "App B ready for system users",
                "App B klar for systembrukere",
            ),
        };
        l(en, nb)
    }

    /// Steps whose proof depends on the profile's key: a proof made with another key is stale.
    pub(crate) fn depends_on_key(self) -> bool {
        matches!(
            self,
            StepId::Client
                | StepId::Key
                | StepId::VaultWrite
                | StepId::Token
                | StepId::Exchange
                | StepId::Instance
        )
    }

    /// Steps a person does outside the tool, which they may mark as done themselves.
    pub fn can_be_marked_done(self) -> bool {
        // App B is often another organisation's app: its readiness may be known, not checkable.
        matches!(
            self,
            StepId::Path
                | StepId::VaultAccess
                | StepId::Client
                | StepId::Redeploy
                | StepId::AppBSystemUsers
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepState {
    Todo,
    /// Done by the person (or the key exists), not proven by the tool.
    Done,
    /// Proven by the tool: a check, a token, an instance.
    Verified,
    Failed,
    /// The app's path does not need this step (the reason is in the note).
    NotNeeded,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Todo => "todo",
            StepState::Done => "done",
            StepState::Verified => "verified",
            StepState::Failed => "failed",
            StepState::NotNeeded => "not_needed",
        }
    }

    /// Finished: nothing left to do on this step.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            StepState::Done | StepState::Verified | StepState::NotNeeded
        )
    }
}
