//! A profile's name, and the one place that decides when two names are the same profile.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A profile's name as the person typed it. Two names are the same profile when they match
/// ignoring ASCII case and surrounding spaces (`Rehearsal`, `rehearsal `): `==`, `Hash` and
/// [`ProfileName::is`] all follow that rule, so no caller writes it again.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct ProfileName(String);

impl ProfileName {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `other` names this profile.
    pub fn is(&self, other: &str) -> bool {
        self.0.trim().eq_ignore_ascii_case(other.trim())
    }
}

impl PartialEq for ProfileName {
    fn eq(&self, other: &Self) -> bool {
        self.is(&other.0)
    }
}

impl Eq for ProfileName {}

impl Hash for ProfileName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.trim().to_ascii_lowercase().hash(state);
    }
}

impl PartialEq<str> for ProfileName {
    fn eq(&self, other: &str) -> bool {
        self.is(other)
    }
}

impl PartialEq<&str> for ProfileName {
    fn eq(&self, other: &&str) -> bool {
        self.is(other)
    }
}

impl PartialEq<String> for ProfileName {
    fn eq(&self, other: &String) -> bool {
        self.is(other)
    }
}

impl std::ops::Deref for ProfileName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ProfileName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ProfileName {
    fn from(name: &str) -> Self {
        Self(name.to_string())
    }
}

impl From<String> for ProfileName {
    fn from(name: String) -> Self {
        Self(name)
    }
}

impl From<&String> for ProfileName {
    fn from(name: &String) -> Self {
        Self(name.clone())
    }
}

impl From<ProfileName> for String {
    fn from(name: ProfileName) -> Self {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_that_differ_in_ascii_case_or_spaces_are_one_profile_and_others_are_not() {
        let name = ProfileName::from("Rehearsal");
        assert_eq!(name, ProfileName::from(" rehearsal "));
        assert!(name == "REHEARSAL");
        assert!(name.is("rehearsal"));
        assert_ne!(name, ProfileName::from("Rehearsal 2"));
        // Only ASCII folds: Norwegian letters are compared as written.
        assert_ne!(ProfileName::from("Søknad"), ProfileName::from("SØKNAD"));
        let set: HashSet<ProfileName> = ["Acme", "acme", "ACME "].map(ProfileName::from).into();
        assert_eq!(set.len(), 1, "Hash agrees with ==");
        assert_eq!(
            serde_json::to_string(&name).expect("json"),
            "\"Rehearsal\"",
            "stored as the person typed it"
        );
    }
}
