//! A key against Maskinporten's 1-year limit, as the window shows it: Rust says whether the key
//! is fine, runs out soon or has run out, so the window never re-derives the rule.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

use super::KeySummary;

/// Maskinporten accepts a key for at most a year; rotating takes time, so warn this many days
/// before it ends.
pub const KEY_WARNING_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyExpiry {
    Ok,
    /// Fewer than `KEY_WARNING_DAYS` days left: make the next key now.
    Soon,
    Expired,
}

/// The verdict for a key that ends at `expires`, seen at `now`.
pub fn key_expiry(expires: OffsetDateTime, now: OffsetDateTime) -> KeyExpiry {
    if expires <= now {
        KeyExpiry::Expired
    } else if (expires - now).whole_days() < KEY_WARNING_DAYS {
        KeyExpiry::Soon
    } else {
        KeyExpiry::Ok
    }
}

/// A key as the window lists it: its summary and the expiry verdict at the time of listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub key: KeySummary,
    pub expiry: KeyExpiry,
}

impl KeyView {
    /// An expiry that cannot be read counts as passed: such a key is not to be trusted.
    pub fn new(key: KeySummary, now: OffsetDateTime) -> Self {
        let expires = OffsetDateTime::parse(&key.expires, &Rfc3339).unwrap_or(now);
        Self {
            expiry: key_expiry(expires, now),
            key,
        }
    }

    pub fn all(keys: Vec<KeySummary>, now: OffsetDateTime) -> Vec<Self> {
        keys.into_iter().map(|key| Self::new(key, now)).collect()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::keys::index::KeySource;

    const NOW: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);

    fn key(expires: &str) -> KeySummary {
        KeySummary {
            kid: "k".into(),
            bits: 2048,
            created: "2025-01-01T12:00:00Z".into(),
            expires: expires.into(),
            thumbprint: "tp".into(),
            profiles: Vec::new(),
            source: KeySource::Generated,
        }
    }

    fn verdict(expires: &str) -> KeyExpiry {
        KeyView::new(key(expires), NOW).expiry
    }

    #[test]
    fn fewer_than_sixty_days_left_is_soon_and_sixty_is_ok() {
        assert_eq!(verdict("2026-03-02T11:59:59Z"), KeyExpiry::Soon);
        assert_eq!(verdict("2026-03-01T12:00:00Z"), KeyExpiry::Soon);
        assert_eq!(verdict("2026-03-02T12:00:00Z"), KeyExpiry::Ok);
        assert_eq!(verdict("2027-01-01T12:00:00Z"), KeyExpiry::Ok);
    }

    #[test]
    fn a_key_has_expired_from_its_expiry_time_on() {
        assert_eq!(verdict("2026-01-01T12:00:00Z"), KeyExpiry::Expired);
        assert_eq!(verdict("2025-06-01T00:00:00Z"), KeyExpiry::Expired);
        assert_eq!(verdict("2026-01-01T12:00:01Z"), KeyExpiry::Soon);
    }

    #[test]
    fn an_unreadable_expiry_counts_as_expired() {
        assert_eq!(verdict("not a date"), KeyExpiry::Expired);
    }

    #[test]
    fn the_window_gets_the_summary_fields_and_the_verdict_side_by_side() {
        let json =
            serde_json::to_value(KeyView::new(key("2027-01-01T12:00:00Z"), NOW)).expect("json");
        assert_eq!(json["kid"], "k");
        assert_eq!(json["expires"], "2027-01-01T12:00:00Z");
        assert_eq!(json["expiry"], "ok");
    }
}
