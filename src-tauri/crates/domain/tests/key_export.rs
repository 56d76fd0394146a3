//! Private exports carry every value at its full length: `d` as long as the modulus, `p`, `q`,
//! `dp`, `dq` and `qi` half of it. .NET's RSA import on Windows refuses shorter ones ("The
//! specified RSA parameters are not valid", dotnet/corefx #39087, #41226), and about one key in
//! a hundred has a value with a leading zero byte. Keys are made here, at test time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use assistant_domain::FixedClock;
use assistant_domain::datadir::DataDir;
use assistant_domain::inventory::{self, ImportKeyRequest, ImportKeySource};
use assistant_domain::keys::jwk;
use assistant_domain::secret_store::MemoryStore;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::RsaPrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use time::macros::datetime;

const CLOCK: FixedClock = FixedClock(datetime!(2026-11-21 09:30 UTC));
/// At least this many generated keys are checked.
const KEYS: usize = 200;
/// A `d` with a leading zero byte turns up about once in 128–256 keys; past this many the
/// search gives up (the chance of that is below one in a million).
const SEARCH_LIMIT: usize = 4_000;

fn decode(value: &serde_json::Value, field: &str) -> Vec<u8> {
    let text = value[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing"));
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

/// Checks the lengths of one exported private JWK and returns it parsed.
fn assert_full_lengths(exported: &str, modulus_len: usize) -> serde_json::Value {
    let jwk: serde_json::Value = serde_json::from_str(exported).expect("JSON");
    let half = modulus_len.div_ceil(2);
    assert_eq!(decode(&jwk, "n").len(), modulus_len);
    assert_eq!(
        decode(&jwk, "d").len(),
        modulus_len,
        "d as long as the modulus"
    );
    for field in ["p", "q", "dp", "dq", "qi"] {
        assert_eq!(
            decode(&jwk, field).len(),
            half,
            "{field} as long as the primes"
        );
    }
    jwk
}

/// The JWK another tool writes: every value in the fewest octets, leading zeros dropped.
fn minimal_jwk(key: &RsaPrivateKey, kid: &str) -> String {
    let b = |v: &rsa::BigUint| URL_SAFE_NO_PAD.encode(v.to_bytes_be());
    let [p, q] = key.primes() else {
        panic!("two primes")
    };
    let one = rsa::BigUint::from(1u8);
    let qi = key.crt_coefficient().expect("qi");
    serde_json::json!({
        "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
        "n": b(key.n()), "e": b(key.e()), "d": b(key.d()), "p": b(p), "q": b(q),
        "dp": b(&(key.d() % (p - &one))), "dq": b(&(key.d() % (q - &one))), "qi": b(&qi),
    })
    .to_string()
}

fn short_d(key: &RsaPrivateKey) -> bool {
    key.d().to_bytes_be().len() < key.n().to_bytes_be().len()
}

#[test]
fn two_hundred_keys_export_full_length_values_and_an_imported_key_with_a_short_d_is_padded() {
    let checked = AtomicUsize::new(0);
    let found: Mutex<Option<RsaPrivateKey>> = Mutex::new(None);
    // Both cores: key generation is the slow part.
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let done = checked.load(Ordering::SeqCst);
                    let have_short = found.lock().expect("lock").is_some();
                    if (done >= KEYS && have_short) || done >= SEARCH_LIMIT {
                        return;
                    }
                    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("key");
                    let exported = jwk::private_jwk(&key, "k");
                    assert_full_lengths(exported.expose_secret(), 256);
                    checked.fetch_add(1, Ordering::SeqCst);
                    if short_d(&key) {
                        *found.lock().expect("lock") = Some(key);
                    }
                }
            });
        }
    });
    assert!(checked.load(Ordering::SeqCst) >= KEYS);
    let key = found
        .into_inner()
        .expect("lock")
        .expect("a key with a one-byte-short d within the search limit");

    // Imported as another tool writes it (d one byte short), then every export path.
    let text = minimal_jwk(&key, "short-d");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = DataDir::new(tmp.path().join("data"));
    let store = MemoryStore::default();
    let request = ImportKeyRequest {
        source: ImportKeySource::Text { text: text.into() },
        kid: None,
        profile: None,
        password: None,
    };
    inventory::import_key(&dir, &store, &CLOCK, &request).expect("import");
    let private = inventory::private_jwk(&dir, &store, "short-d").expect("private");
    let jwk = assert_full_lengths(private.expose_secret(), 256);
    assert_eq!(
        decode(&jwk, "d")[0],
        0,
        "the padding is a leading zero byte"
    );
    let encoded = inventory::encoded_jwk(&dir, &store, "short-d").expect("encoded");
    let decoded = STANDARD
        .decode(encoded.expose_secret())
        .expect("standard base64");
    assert_full_lengths(std::str::from_utf8(&decoded).expect("utf-8"), 256);
}
