//! Norwegian identifiers: organisation numbers (mod 11) and national identity numbers
//! (fødselsnummer, two mod-11 check digits). The seed uses them and the emulators validate them.

/// True when `value` is nine digits whose last digit is the mod-11 check digit
/// (weights 3 2 7 6 5 4 3 2; Brønnøysundregistrene).
pub fn is_valid_org_number(value: &str) -> bool {
    let Some(digits) = digits::<9>(value) else {
        return false;
    };
    check_digit(&digits[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) == Some(digits[8])
}

/// True when `value` is eleven digits with both mod-11 check digits right
/// (k1 weights 3 7 6 1 8 9 4 5 2, k2 weights 5 4 3 2 7 6 5 4 3 2; Skatteetaten).
pub fn is_valid_national_identity_number(value: &str) -> bool {
    let Some(digits) = digits::<11>(value) else {
        return false;
    };
    check_digit(&digits[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2]) == Some(digits[9])
        && check_digit(&digits[..10], &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) == Some(digits[10])
}

fn digits<const N: usize>(value: &str) -> Option<[u32; N]> {
    let mut out = [0; N];
    let mut chars = value.chars();
    for slot in &mut out {
        *slot = chars.next()?.to_digit(10)?;
    }
    chars.next().is_none().then_some(out)
}

/// The mod-11 check digit, or `None` when the remainder gives 10 (no valid number).
fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_org_numbers_pass_and_a_changed_digit_fails() {
        assert!(is_valid_org_number("991825827"), "Digdir");
        assert!(is_valid_org_number("974760673"), "Brønnøysundregistrene");
        assert!(!is_valid_org_number("991825828"));
        assert!(!is_valid_org_number("99182582"));
        assert!(!is_valid_org_number("99182582a"));
    }

    #[test]
    fn national_identity_numbers_need_both_check_digits() {
        assert!(is_valid_national_identity_number("15058510170"));
        assert!(is_valid_national_identity_number("02029010075"));
        assert!(
            !is_valid_national_identity_number("15058510171"),
            "second check digit wrong"
        );
        assert!(
            !is_valid_national_identity_number("15058510160"),
            "first check digit wrong"
        );
        assert!(!is_valid_national_identity_number("1505851017"));
    }
}
