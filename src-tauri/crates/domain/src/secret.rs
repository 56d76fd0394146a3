//! Redacting newtypes for secrets (private keys, assertions, tokens). They print `[redacted]`,
//! cannot be serialized, and wipe their memory on drop. Reading the value is explicit
//! (`expose_secret`), so every place that touches a secret is easy to find.

use zeroize::Zeroize;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: String) -> Self {
                Self(value)
            }

            /// The secret itself. Callers must not log, store in a file or show it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }
    };
}

secret_type!(
    /// A private RSA key as JWK JSON (`kty n e d p q dp dq qi kid alg use`).
    PrivateJwk
);
secret_type!(
    /// The `EncodedJwk` / `jwkBase64` value: standard padded base64 of the private JWK JSON.
    EncodedJwk
);
secret_type!(
    /// A signed JWT grant sent to Maskinporten.
    Assertion
);
secret_type!(
    /// A Maskinporten access token.
    AccessToken
);
secret_type!(
    /// An Altinn token from the exchange.
    AltinnToken
);
secret_type!(
    /// Key material pasted or read for an import (a JWK, base64 JWK or PEM).
    ImportText
);
secret_type!(
    /// An Entra ID access token for Key Vault (`aud` https://vault.azure.net). Kept in memory
    /// only, for the session (config-keyvault-selfservice.md §3.3).
    AzureToken
);
secret_type!(
    /// The `device_code` of a device-code sign-in (RFC 8628 §3.2): whoever holds it can redeem
    /// the person's approval for a token.
    DeviceVerificationCode
);
secret_type!(
    /// A secret value read back from Key Vault (it may be the private key).
    VaultValue
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_every_secret_type_shows_redacted_and_never_the_value() {
        let value = "eyJhbGciOiJSUzI1NiJ9.super-secret".to_string();
        let printed = [
            format!("{:?}", PrivateJwk::new(value.clone())),
            format!("{:?}", EncodedJwk::new(value.clone())),
            format!("{:?}", Assertion::new(value.clone())),
            format!("{:?}", AccessToken::new(value.clone())),
            format!("{:?}", AltinnToken::new(value.clone())),
            format!("{:?}", ImportText::new(value.clone())),
            format!("{:?}", AzureToken::new(value.clone())),
            format!("{:?}", DeviceVerificationCode::new(value.clone())),
            format!("{:?}", VaultValue::new(value.clone())),
        ];
        for line in printed {
            assert!(
                line.contains("[redacted]"),
                "debug output must say [redacted]: {line}"
            );
            assert!(
                !line.contains("secret"),
                "debug output leaked the value: {line}"
            );
        }
    }

    #[test]
    fn a_struct_holding_a_secret_is_redacted_in_its_derived_debug() {
        #[derive(Debug)]
        #[allow(dead_code)] // the field is only read through Debug
        struct Holder {
            token: AccessToken,
        }
        let holder = Holder {
            token: AccessToken::new("tok-123".into()),
        };
        assert!(!format!("{holder:?}").contains("tok-123"));
    }
}
