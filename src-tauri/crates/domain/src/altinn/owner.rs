//! Instance owners: an organisation number (mod-11), a national identity number or D-number
//! (both check digits), or a party id, which the app wants as a JSON string (protocols.md §4.2:
//! `InstanceOwner.partyId` is a string; a number is UNCONFIRMED to work, so we never send one).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::org::OrgNumber;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum InstanceOwner {
    Organisation(String),
    Person(String),
    Party(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    #[error(
        "\"{0}\" is not an instance owner: give a 9-digit organisation number, an 11-digit national identity number or D-number, or party:ID"
    )]
    Shape(String),
    #[error("{0}")]
    Org(#[from] crate::org::OrgNumberError),
    #[error(
        "\"{0}\" is not a valid national identity number or D-number: a check digit is wrong (check for a typo)"
    )]
    PersonChecksum(String),
}

impl From<OwnerError> for crate::AppError {
    fn from(error: OwnerError) -> Self {
        crate::AppError::new(crate::ErrorKind::InvalidInput, error.to_string())
    }
}

const K1: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// Both mod-11 check digits of a fødselsnummer / D-number.
pub fn is_valid_national_identity_number(value: &str) -> bool {
    if value.len() != 11 || !value.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let d: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    check_digit(&d[..9], &K1) == Some(d[9]) && check_digit(&d[..10], &K2) == Some(d[10])
}

impl InstanceOwner {
    /// `party:12345` (or `party-id:`), 9 digits for an organisation, 11 for a person.
    pub fn parse(input: &str) -> Result<Self, OwnerError> {
        let text = input.trim();
        if let Some(id) = text
            .strip_prefix("party:")
            .or_else(|| text.strip_prefix("party-id:"))
        {
            let id = id.trim();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                return Err(OwnerError::Shape(text.to_string()));
            }
            return Ok(Self::Party(id.to_string()));
        }
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match digits.len() {
            9 => Ok(Self::Organisation(OrgNumber::parse(&digits)?.to_string())),
            11 if is_valid_national_identity_number(&digits) => Ok(Self::Person(digits)),
            11 if digits.chars().all(|c| c.is_ascii_digit()) => {
                Err(OwnerError::PersonChecksum(digits))
            }
            _ => Err(OwnerError::Shape(text.to_string())),
        }
    }

    /// The `instanceOwner` object of an instance template.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Organisation(n) => serde_json::json!({ "organisationNumber": n }),
            Self::Person(n) => serde_json::json!({ "personNumber": n }),
            Self::Party(id) => serde_json::json!({ "partyId": id }),
        }
    }

    /// Names the owner in messages without its full national identity number.
    pub fn label(&self) -> String {
        match self {
            Self::Organisation(n) => format!("organisation {n}"),
            Self::Person(n) => format!("person {}******", &n[..5.min(n.len())]),
            Self::Party(id) => format!("party {id}"),
        }
    }

    /// The CSV/CLI form that `parse` reads back.
    pub fn as_input(&self) -> String {
        match self {
            Self::Organisation(n) | Self::Person(n) => n.clone(),
            Self::Party(id) => format!("party:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_recognised_by_shape_and_checked() {
        assert_eq!(
            InstanceOwner::parse("991 825 827"),
            Ok(InstanceOwner::Organisation("991825827".into()))
        );
        assert_eq!(
            InstanceOwner::parse("15058510170"),
            Ok(InstanceOwner::Person("15058510170".into()))
        );
        assert_eq!(
            InstanceOwner::parse("party:500001"),
            Ok(InstanceOwner::Party("500001".into()))
        );
        assert!(matches!(
            InstanceOwner::parse("15058510171"),
            Err(OwnerError::PersonChecksum(_))
        ));
        assert!(matches!(
            InstanceOwner::parse("991825828"),
            Err(OwnerError::Org(_))
        ));
        assert!(matches!(
            InstanceOwner::parse("party:12a"),
            Err(OwnerError::Shape(_))
        ));
        assert!(matches!(
            InstanceOwner::parse("12345"),
            Err(OwnerError::Shape(_))
        ));
    }

    #[test]
    fn a_d_number_with_correct_check_digits_is_a_person() {
        // 41 = day 1 + 40: a D-number; check digits computed for this test.
        let base = [4u32, 1, 0, 1, 8, 0, 1, 2, 3];
        let k1 = check_digit(&base, &K1).expect("k1");
        let mut ten = base.to_vec();
        ten.push(k1);
        let k2 = check_digit(&ten, &K2).expect("k2");
        let number: String = ten
            .iter()
            .chain([k2].iter())
            .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
            .collect();
        assert!(is_valid_national_identity_number(&number), "{number}");
    }

    #[test]
    fn party_ids_go_out_as_json_strings() {
        assert_eq!(
            InstanceOwner::Party("500001".into()).to_json(),
            serde_json::json!({"partyId": "500001"})
        );
    }

    #[test]
    fn a_person_label_hides_the_personal_part_of_the_number() {
        assert_eq!(
            InstanceOwner::Person("15058510170".into()).label(),
            "person 15058******"
        );
    }
}
