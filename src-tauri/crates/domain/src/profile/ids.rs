//! The ids a profile names, as types: a client id is not a kid is not a scope, and a function
//! that takes one cannot be handed another by mistake. Each is the text as given, compared
//! exactly (Maskinporten compares them so), serialised as a plain string.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(export)]
        pub struct $name(String);

        impl $name {
            pub fn new(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_string())
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&String> for $name {
            fn from(text: &String) -> Self {
                Self(text.clone())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

text_id!(
    /// A Maskinporten client id (a UUID from Samarbeidsportalen, or Studio's provisioned one).
    ClientId
);
text_id!(
    /// A key id: the `kid` of the JWK registered on the client and sent in every grant.
    Kid
);
text_id!(
    /// One OAuth scope, e.g. `altinn:serviceowner/instances.read`.
    Scope
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_disk_compared_exactly_and_joinable() {
        let scopes: Vec<Scope> = ["altinn:a", "altinn:b"].map(Scope::from).into();
        assert_eq!(scopes.join(" "), "altinn:a altinn:b");
        assert_eq!(
            serde_json::to_string(&Kid::from("k-1")).expect("json"),
            "\"k-1\""
        );
        let read: ClientId = serde_json::from_str("\"5b6f1a52\"").expect("json");
        assert!(read == "5b6f1a52");
        assert_ne!(
            ClientId::from("ABC"),
            ClientId::from("abc"),
            "exact, unlike profile names"
        );
    }
}
