//! The sandbox's own errors: starting it, seeding it and steering it through `Control`.
//! Errors that a *client* causes are HTTP answers, not these.

use crate::Service;

/// Why the sandbox could not start or a `Control` call was refused.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A listener could not bind.
    #[error("could not bind the {service:?} listener")]
    Bind {
        /// The service whose listener failed.
        service: Service,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The sandbox could not make its own signing keys.
    #[error("could not create the sandbox signing keys: {0}")]
    Keys(String),
    /// The seed is inconsistent (duplicate ids, invalid org numbers, bad keys …).
    #[error("invalid seed: {0}")]
    InvalidSeed(String),
    /// An app-B definition file could not be read or parsed.
    #[error("invalid app definition: {0}")]
    InvalidAppDefinition(String),
    /// A JWK was refused by the same rules as the self-service API.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// No such Maskinporten client.
    #[error("unknown Maskinporten client {0}")]
    UnknownClient(String),
    /// No pending device code has this user code.
    #[error("no pending device code with user code {0}")]
    UnknownUserCode(String),
    /// No seeded identity has this name or object id.
    #[error("unknown identity {0}")]
    UnknownIdentity(String),
}
