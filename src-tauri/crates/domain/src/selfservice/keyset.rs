//! A client's key set as Digdir's self-service API holds it, and the only two changes rotation
//! makes to it: add one key, remove one key. The API replaces the whole set on every POST
//! (docs/reference/selfservice.md §4.2, DD-ADMIN: "kun hele settet"), so each change is a new
//! whole set, checked here before anything is sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::diagnosis::{Localized, l};
use crate::error::{AppError, ErrorKind};
use crate::keys::jwk::{PublicJwk, USE};

/// "Inntil 5" keys per client (selfservice.md §4.2: DD-ADMIN, DD-CLIENTREG; okdata
/// `MAX_KEYS = 5`). The server's answer to a sixth is UNCONFIRMED (§8.3), so the strict side:
/// refuse it here, before anything is sent.
pub const MAX_KEYS: usize = 5;

/// The keys exactly as the API returned them (each a JSON object), so old keys are sent back
/// unchanged: members we do not model (`exp`, `x5c`) are kept (§4.2 "resend them exactly as GET
/// returned them").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KeySet {
    pub keys: Vec<Value>,
}

/// One key of a set, as the window and the CLI list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClientKey {
    pub kid: String,
    /// RFC 7638, when the key carries `n` and `e`.
    pub thumbprint: Option<String>,
    /// The JWK's `exp` (seconds since 1970), when the API says.
    pub expires: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeySetError {
    #[error("the client already has {MAX_KEYS} keys")]
    Full {
        /// Keys that could be removed first: every key but the one in use, oldest expiry first.
        could_go: Vec<String>,
    },
    #[error("the key {0} is already on the client")]
    AlreadyThere(String),
    #[error("the key {0} is not on the client")]
    NotThere(String),
    #[error("removing {0} would leave the client without keys")]
    LastKey(String),
}

/// A full set in words: nothing was sent, and which keys could go first (`could_go` of
/// [`KeySetError::Full`]).
pub fn full_words(could_go: &[String]) -> Localized {
    let list = if could_go.is_empty() {
        "-".to_string()
    } else {
        could_go.join(", ")
    };
    l(
        format!(
            "The client already has {MAX_KEYS} keys, Maskinporten's limit, so nothing was sent. Remove one first (these are not in use, soonest expiry first: {list}), then continue."
        ),
        format!(
            "Klienten har allerede {MAX_KEYS} nøkler, som er grensen i Maskinporten, så ingenting ble sendt. Fjern én først (disse er ikke i bruk, først utløpende først: {list}), og fortsett."
        ),
    )
}

/// Every refusal is checked before anything is sent, so it is the person's request to change;
/// a full set says which keys could be removed first.
impl From<KeySetError> for AppError {
    fn from(error: KeySetError) -> Self {
        let message = match &error {
            KeySetError::Full { could_go } => full_words(could_go).en,
            other => other.to_string(),
        };
        AppError::new(ErrorKind::InvalidInput, message)
    }
}

impl KeySet {
    pub fn kid_of(key: &Value) -> Option<&str> {
        key.get("kid").and_then(Value::as_str)
    }

    pub fn kids(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter_map(|k| Self::kid_of(k).map(str::to_string))
            .collect()
    }

    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| Self::kid_of(k) == Some(kid))
    }

    pub fn summary(&self) -> Vec<ClientKey> {
        self.keys
            .iter()
            .map(|k| ClientKey {
                kid: Self::kid_of(k).unwrap_or("(no kid)").to_string(),
                thumbprint: match (
                    k.get("n").and_then(Value::as_str),
                    k.get("e").and_then(Value::as_str),
                ) {
                    (Some(n), Some(e)) => Some(crate::keys::jwk::thumbprint(n, e)),
                    _ => None,
                },
                expires: k.get("exp").and_then(Value::as_i64),
            })
            .collect()
    }

    /// The whole set to send so that `new` is added beside every key there. Old keys without
    /// `use` get `"use":"sig"`: required since the API version of 2025-05-22 (§4.2), and a set
    /// with one such key is refused whole.
    pub fn with_added(&self, new: &PublicJwk, in_use: Option<&str>) -> Result<KeySet, KeySetError> {
        if self.contains(&new.kid) {
            return Err(KeySetError::AlreadyThere(new.kid.clone()));
        }
        if self.keys.len() >= MAX_KEYS {
            let mut candidates: Vec<&Value> = self
                .keys
                .iter()
                .filter(|k| Self::kid_of(k).is_some() && Self::kid_of(k) != in_use)
                .collect();
            // Soonest expiry first; keys without `exp` last (their age is unknown).
            candidates.sort_by_key(|k| k.get("exp").and_then(Value::as_i64).unwrap_or(i64::MAX));
            return Err(KeySetError::Full {
                could_go: candidates
                    .iter()
                    .filter_map(|k| Self::kid_of(k).map(str::to_string))
                    .collect(),
            });
        }
        let mut keys: Vec<Value> = self.keys.iter().map(with_use).collect();
        keys.push(serde_json::to_value(new).unwrap_or(Value::Null));
        Ok(KeySet { keys })
    }

    /// The whole set to send so that `kid` is gone. Never empty: a client without keys is made
    /// with DELETE, not by rotation (§4.2, okdata).
    pub fn without(&self, kid: &str) -> Result<KeySet, KeySetError> {
        if !self.contains(kid) {
            return Err(KeySetError::NotThere(kid.to_string()));
        }
        let keys: Vec<Value> = self
            .keys
            .iter()
            .filter(|k| Self::kid_of(k) != Some(kid))
            .map(with_use)
            .collect();
        if keys.is_empty() {
            return Err(KeySetError::LastKey(kid.to_string()));
        }
        Ok(KeySet { keys })
    }
}

fn with_use(key: &Value) -> Value {
    let mut key = key.clone();
    if let Some(object) = key.as_object_mut() {
        object
            .entry("use")
            .or_insert_with(|| Value::String(USE.to_string()));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwk(kid: &str) -> PublicJwk {
        PublicJwk {
            kty: "RSA".into(),
            kid: kid.into(),
            use_: "sig".into(),
            alg: "RS256".into(),
            n: "AQAB".into(),
            e: "AQAB".into(),
        }
    }

    fn set(kids: &[(&str, Option<i64>)]) -> KeySet {
        KeySet {
            keys: kids
                .iter()
                .map(|(kid, exp)| match exp {
                    Some(exp) => json!({"kty":"RSA","kid":kid,"alg":"RS256","n":"AQAB","e":"AQAB","exp":exp}),
                    None => json!({"kty":"RSA","kid":kid,"alg":"RS256","n":"AQAB","e":"AQAB","use":"sig"}),
                })
                .collect(),
        }
    }

    #[test]
    fn adding_sends_every_old_key_unchanged_but_for_a_missing_use_and_the_new_one_last() {
        let old = set(&[("a", Some(100)), ("b", None)]);
        let new = old.with_added(&jwk("c"), Some("a")).expect("room");
        assert_eq!(new.kids(), ["a", "b", "c"]);
        assert_eq!(new.keys[0]["exp"], 100, "exp kept as the API gave it");
        assert_eq!(new.keys[0]["use"], "sig", "use added where it was missing");
        assert_eq!(new.keys[1], old.keys[1], "a complete key is sent as it was");
        assert_eq!(new.keys[2]["kid"], "c");
        assert!(new.keys[2].get("d").is_none(), "public members only");
    }

    #[test]
    fn a_sixth_key_is_refused_naming_the_keys_that_could_go_but_never_the_one_in_use() {
        let full = set(&[
            ("a", Some(500)),
            ("b", None),
            ("c", Some(100)),
            ("d", Some(300)),
            ("e", Some(200)),
        ]);
        let refused = full.with_added(&jwk("f"), Some("c")).unwrap_err();
        assert_eq!(
            refused,
            KeySetError::Full {
                could_go: vec!["e".into(), "d".into(), "a".into(), "b".into()]
            }
        );
        let four = full.without("a").expect("four left");
        assert_eq!(
            four.with_added(&jwk("f"), Some("c"))
                .expect("fifth")
                .keys
                .len(),
            MAX_KEYS
        );
    }

    #[test]
    fn a_refusal_is_invalid_input_and_a_full_set_names_the_keys_that_could_go() {
        let full = AppError::from(KeySetError::Full {
            could_go: vec!["e".into(), "d".into()],
        });
        assert_eq!(full.kind, ErrorKind::InvalidInput);
        assert_eq!(full.message, full_words(&["e".into(), "d".into()]).en);
        assert!(
            full.message.contains("already has 5 keys") && full.message.contains("e, d"),
            "{}",
            full.message
        );
        assert!(full_words(&[]).nb.contains("først: -)"));
        let last = AppError::from(KeySetError::LastKey("a".into()));
        assert_eq!(
            (last.kind, last.message.as_str()),
            (
                ErrorKind::InvalidInput,
                "removing a would leave the client without keys"
            )
        );
    }

    #[test]
    fn the_same_kid_twice_is_refused() {
        assert_eq!(
            set(&[("a", None)]).with_added(&jwk("a"), None).unwrap_err(),
            KeySetError::AlreadyThere("a".into())
        );
    }

    #[test]
    fn removing_keeps_the_rest_and_never_empties_the_set() {
        let two = set(&[("a", None), ("b", Some(7))]);
        assert_eq!(two.without("a").expect("one left").kids(), ["b"]);
        assert_eq!(
            two.without("z").unwrap_err(),
            KeySetError::NotThere("z".into())
        );
        assert_eq!(
            set(&[("a", None)]).without("a").unwrap_err(),
            KeySetError::LastKey("a".into())
        );
    }

    #[test]
    fn the_summary_has_each_kid_with_its_thumbprint_and_expiry() {
        let summary = set(&[("a", Some(9))]).summary();
        assert_eq!(summary[0].kid, "a");
        assert_eq!(summary[0].expires, Some(9));
        assert_eq!(
            summary[0].thumbprint.as_deref(),
            Some(crate::keys::jwk::thumbprint("AQAB", "AQAB").as_str())
        );
    }
}
