//! What the chain, instance and bulk tests share: one RSA key (generation is slow in debug
//! builds), its public JWK, the sandbox's endpoints as the domain sees them, and a profile.

use std::sync::OnceLock;

use assistant_domain::endpoints::Endpoints;
use assistant_domain::keys::jwk::PublicJwk;
use assistant_domain::profile::{Environment, Profile};

use crate::Harness;

pub const KID: &str = "chain-test-key";

pub fn key() -> &'static rsa::RsaPrivateKey {
    static KEY: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("key"))
}

pub fn public_jwk() -> serde_json::Value {
    serde_json::to_value(PublicJwk::from_key(key(), KID)).expect("jwk")
}

pub fn endpoints(h: &Harness) -> Endpoints {
    let urls = h.sandbox.urls();
    Endpoints {
        maskinporten: url::Url::parse(&urls.maskinporten).expect("url"),
        altinn: url::Url::parse(&format!("{}/", urls.altinn_platform)).expect("url"),
        apps: format!("{}/", urls.apps),
    }
}

/// A sandbox profile for `client_id` with our key and `scopes`.
pub fn profile(client_id: &str, scopes: &str) -> Profile {
    Profile {
        name: "chain".into(),
        environment: Environment::Sandbox,
        client_id: Some(client_id.into()),
        key_id: Some(KID.into()),
        scopes: scopes.split_whitespace().map(Into::into).collect(),
        ..Profile::default()
    }
}
