//! Norwegian organisation numbers (9 digits, mod-11 check digit).

use std::fmt;

/// A validated organisation number (`organisasjonsnummer`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("an organisation number has 9 digits; \"{0}\" does not")]
    Shape(String),
    #[error(
        "\"{0}\" is not a valid organisation number: its check digit is wrong (check for a typo)"
    )]
    Checksum(String),
}

/// Weights of the Brønnøysund mod-11 check for organisation numbers.
const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

impl OrgNumber {
    /// Accepts 9 digits, with spaces allowed between groups ("974 760 673") and an optional
    /// `0192:` prefix (the ISO 6523 form Maskinporten uses).
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let trimmed = input.trim();
        let bare = trimmed.strip_prefix("0192:").unwrap_or(trimmed);
        let digits: String = bare.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(OrgNumberError::Shape(input.trim().to_string()));
        }
        let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = WEIGHTS.iter().zip(&values).map(|(w, d)| w * d).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err(OrgNumberError::Checksum(digits)),
            n => n,
        };
        if values[8] != check {
            return Err(OrgNumberError::Checksum(digits));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 6523 form `0192:<orgno>` used in Maskinporten's `consumer` and `systemuser_org`.
    pub fn iso6523(&self) -> String {
        format!("0192:{}", self.0)
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_org_numbers_pass() {
        // Digdir (991825827) and Brønnøysundregistrene (974760673) are public, valid numbers.
        for n in ["991825827", "974760673", "974 760 673", "0192:991825827"] {
            assert!(OrgNumber::parse(n).is_ok(), "{n} should be valid");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused_with_a_checksum_error() {
        assert_eq!(
            OrgNumber::parse("991825828"),
            Err(OrgNumberError::Checksum("991825828".into()))
        );
    }

    #[test]
    fn wrong_length_and_letters_are_refused_as_shape_errors() {
        for n in ["12345678", "1234567890", "99182582a", ""] {
            assert!(
                matches!(OrgNumber::parse(n), Err(OrgNumberError::Shape(_))),
                "{n}"
            );
        }
    }

    #[test]
    fn iso6523_form_has_the_0192_prefix() {
        let org = OrgNumber::parse("991825827").expect("valid");
        assert_eq!(org.iso6523(), "0192:991825827");
    }
}
