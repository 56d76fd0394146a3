//! Key import of what people really hold: password-protected keys as OpenSSL writes them (made
//! at test time, `assistant_tests::encrypted_keys`), and hostile or mistaken input refused by
//! its size before any big-number work.

use assistant_domain::ErrorKind;
use assistant_domain::keys::KeyError;
use assistant_domain::keys::import::{MAX_TEXT_BYTES, parse_private_key, parse_private_key_with};
use assistant_tests::encrypted_keys::{EncryptedKeys, PASSWORD};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;

fn public_n(keys: &EncryptedKeys) -> rsa::BigUint {
    rsa::RsaPublicKey::from_public_key_pem(&keys.text("public.pem"))
        .expect("public.pem")
        .n()
        .clone()
}

#[test]
fn an_encrypted_pkcs8_key_opens_with_its_password_in_memory_pbkdf2_and_scrypt() {
    let keys = EncryptedKeys::make();
    for name in ["pbkdf2-aes256.pem", "scrypt-aes256.pem"] {
        let text = keys.text(name);
        let key =
            parse_private_key_with(&text, Some(PASSWORD)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.key.n(), &public_n(&keys), "{name} is the fixture's key");

        let wrong = parse_private_key_with(&text, Some("Fjord-2026 aoa")).expect_err("wrong");
        assert!(matches!(wrong, KeyError::WrongPassword), "{name}: {wrong}");
        assert_eq!(
            assistant_domain::AppError::from(wrong).kind,
            ErrorKind::PasswordRequired
        );
    }
}

#[test]
fn an_encrypted_key_of_another_type_is_named_as_such_once_opened() {
    let keys = EncryptedKeys::make();
    let text = keys.text("ec-pbkdf2-aes256.pem");
    let error = parse_private_key_with(&text, Some(PASSWORD)).expect_err("an EC key");
    assert!(matches!(error, KeyError::NotRsa(_)), "{error}");
}

#[test]
fn without_a_password_the_person_is_asked_for_it_never_told_to_write_a_plain_copy() {
    let keys = EncryptedKeys::make();
    let missing = parse_private_key(&keys.text("pbkdf2-aes256.pem")).expect_err("needs a password");
    assert!(matches!(missing, KeyError::Encrypted), "{missing}");
    let error = assistant_domain::AppError::from(missing);
    assert_eq!(error.kind, ErrorKind::PasswordRequired);
    let hint = error.hint.unwrap_or_default();
    assert!(hint.contains("password"), "{hint}");
    assert!(
        !hint.contains("-out plain") && !hint.contains("decrypt"),
        "no advice to put a decrypted copy on disk: {hint}"
    );
}

#[test]
fn older_encryptions_get_a_way_forward_that_keeps_the_key_encrypted() {
    let keys = EncryptedKeys::make();
    let legacy = parse_private_key_with(&keys.text("traditional-aes256.pem"), Some(PASSWORD))
        .expect_err("traditional");
    assert!(matches!(legacy, KeyError::LegacyEncrypted), "{legacy}");
    let hint = assistant_domain::AppError::from(legacy)
        .hint
        .unwrap_or_default();
    assert!(
        hint.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"),
        "{hint}"
    );

    // PKCS#12-style PBE with 3DES: named as unsupported, with the same re-encryption advice.
    let old =
        parse_private_key_with(&keys.text("pbes1-3des.pem"), Some(PASSWORD)).expect_err("3des");
    let shown = assistant_domain::AppError::from(old).message;
    assert!(shown.contains("aes-256-cbc"), "{shown}");
}

#[test]
fn a_huge_paste_is_refused_by_its_length_before_it_is_parsed() {
    let text = format!(
        "{{\"kty\":\"RSA\",\"n\":\"{}\"}}",
        "A".repeat(MAX_TEXT_BYTES)
    );
    let error = parse_private_key(&text).expect_err("too large");
    assert!(
        matches!(error, KeyError::TooLarge(n) if n == text.len()),
        "{error}"
    );
}

#[test]
fn a_jwk_with_an_oversized_modulus_or_members_longer_than_it_is_refused_from_its_text() {
    // Under the text limit, but 16384 bits: refused from the member's length, not after
    // building and checking a 16384-bit key.
    let big = URL_SAFE_NO_PAD.encode(vec![0xC5u8; 2048]);
    let small = URL_SAFE_NO_PAD.encode(vec![0x35u8; 256]);
    let jwk = format!(
        r#"{{"kty":"RSA","n":"{big}","e":"AQAB","d":"{small}","p":"{small}","q":"{small}"}}"#
    );
    assert!(jwk.len() < MAX_TEXT_BYTES);
    let error = parse_private_key(&jwk).expect_err("too many bits");
    assert!(matches!(error, KeyError::TooManyBits(16384)), "{error}");

    // A 2048-bit modulus with a prime longer than the modulus itself.
    let n = URL_SAFE_NO_PAD.encode(vec![0xC5u8; 256]);
    let p = URL_SAFE_NO_PAD.encode(vec![0x35u8; 4096]);
    let jwk = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB","d":"{n}","p":"{p}","q":"{n}"}}"#);
    let error = parse_private_key(&jwk).expect_err("p too long");
    assert!(
        matches!(&error, KeyError::Inconsistent(why) if why.contains("\"p\"")),
        "{error}"
    );
}
