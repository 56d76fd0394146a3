//! Key generation: RSA 2048/3072/4096 and a kid that is readable and unique.

use rand::{CryptoRng, Rng, RngCore};
use rsa::RsaPrivateKey;
use time::OffsetDateTime;

use super::KeyError;

/// Sizes we offer. Maskinporten documents 2048 ("Kun RS256 med nøkkellengde 2048", DD-admin);
/// larger keys are used by Altinn's own operator (4096) but are UNCONFIRMED in the docs, so the
/// UI defaults to 2048 and says so (protocols.md §1.6).
pub const SUPPORTED_BITS: [usize; 3] = [2048, 3072, 4096];

pub fn generate_rsa<R: CryptoRng + RngCore>(
    rng: &mut R,
    bits: usize,
) -> Result<RsaPrivateKey, KeyError> {
    if !SUPPORTED_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedSize(bits));
    }
    RsaPrivateKey::new(rng, bits).map_err(|e| KeyError::Generation(e.to_string()))
}

/// `<prefix>-<yyyymmdd>-<8 hex>`: readable (whose key, from when) and unique enough to be globally
/// unique as DD-cons asks, using only `[A-Za-z0-9._-]` (protocols.md §1.6).
pub fn new_kid<R: Rng>(prefix: &str, now: OffsetDateTime, rng: &mut R) -> String {
    let prefix = sanitize_prefix(prefix);
    let date = format!(
        "{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    format!("{prefix}-{date}-{:08x}", rng.r#gen::<u32>())
}

/// Lower-case, disallowed characters become `-`, runs of `-` collapse, at most 40 characters.
fn sanitize_prefix(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.trim().chars() {
        let c = match c {
            'æ' | 'Æ' => "ae".to_string(),
            'ø' | 'Ø' => "o".to_string(),
            'å' | 'Å' => "a".to_string(),
            c if c.is_ascii_alphanumeric() || c == '.' || c == '_' => {
                c.to_ascii_lowercase().to_string()
            }
            _ => "-".to_string(),
        };
        if !(c == "-" && (out.is_empty() || out.ends_with('-'))) {
            out.push_str(&c);
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    if out.is_empty() {
        "maskinporten".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::jwk::is_valid_kid;
    use rand::SeedableRng;
    use time::macros::datetime;

    #[test]
    fn kid_has_prefix_date_and_random_suffix_and_only_allowed_characters() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let kid = new_kid(
            "Kommune Bæ/Ø test",
            datetime!(2026-11-21 10:00 UTC),
            &mut rng,
        );
        assert!(kid.starts_with("kommune-bae-o-test-20261121-"), "{kid}");
        assert!(is_valid_kid(&kid), "{kid}");
        let other = new_kid(
            "Kommune Bæ/Ø test",
            datetime!(2026-11-21 10:00 UTC),
            &mut rng,
        );
        assert_ne!(kid, other, "two kids made the same day must differ");
    }

    #[test]
    fn an_empty_or_symbol_only_prefix_falls_back_to_maskinporten() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert!(
            new_kid("  //  ", datetime!(2026-01-02 0:00 UTC), &mut rng)
                .starts_with("maskinporten-20260102-")
        );
    }

    #[test]
    fn unsupported_sizes_are_refused_before_any_work() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert!(matches!(
            generate_rsa(&mut rng, 1024),
            Err(KeyError::UnsupportedSize(1024))
        ));
    }
}
