//! The JWT grant (protocols.md §1.2–1.3, DD-jwtgrant): header `alg=RS256` and the key's `kid`;
//! claims `aud` = issuer, `iss` = client id, `scope`, `iat`, `exp` ≤ `iat` + 120 s, a fresh `jti`,
//! and only documented optional claims. A pure function: the key, the clock reading and the
//! `jti` are passed in. Every attempt gets a new grant; a grant is never re-sent (MP-012).

use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use super::MaskinportenError;
use crate::org::OrgNumber;
use crate::secret::Assertion;

/// DD-jwtgrant: "Maximum 120 seconds allowed (exp − iat <= 120)". 60 s leaves room for a
/// slightly slow clock while keeping a stolen grant useless quickly (protocols.md §5).
pub const GRANT_LIFETIME_SECONDS: i64 = 60;

/// A system user to act for (protocols.md §2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SystemUser {
    /// The organisation that owns the system user (the customer; for agent system users, the
    /// agent's own organisation, MP-303 doc).
    pub org: OrgNumber,
    /// Must be sent when the system-user request was created with one (SBS-setup notice).
    pub external_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct GrantOptions {
    /// Audience-restricted tokens. Sent as an array: DD-jwtgrant says of `resource` "Currently
    /// only array supported" (protocols.md §1.3). Altinn.ApiClients.Maskinporten sends a plain
    /// string; whether Maskinporten still takes that is UNCONFIRMED, so the documented form it is.
    pub resource: Vec<String>,
    /// A supplier acting for a customer: plain 9-digit org number (DD-jwtgrant `consumer_org`).
    pub consumer_org: Option<OrgNumber>,
    pub system_user: Option<SystemUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IsoOrg {
    pub authority: String,
    #[serde(rename = "ID")]
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SystemUserDetail {
    #[serde(rename = "type")]
    pub type_: String,
    pub systemuser_org: IsoOrg,
    #[serde(rename = "externalRef", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub external_ref: Option<String>,
}

/// The grant's claims: exactly the documented ones. Shown to the person (they are not secret;
/// the signed assertion is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct GrantClaims {
    pub aud: String,
    pub iss: String,
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// An array of audiences, never a plain string (see [`GrantOptions::resource`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub resource: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub consumer_org: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub authorization_details: Option<Vec<SystemUserDetail>>,
}

/// Builds the claims. `issuer` is the metadata's issuer (never the token endpoint URL: MP-110).
pub fn claims(
    issuer: &str,
    client_id: &str,
    scopes: &[String],
    options: &GrantOptions,
    now: OffsetDateTime,
    jti: &str,
) -> GrantClaims {
    let iat = now.unix_timestamp();
    GrantClaims {
        aud: issuer.to_string(),
        iss: client_id.to_string(),
        scope: scopes.join(" "),
        iat,
        exp: iat + GRANT_LIFETIME_SECONDS,
        jti: jti.to_string(),
        resource: Some(options.resource.clone()).filter(|r| !r.is_empty()),
        consumer_org: options
            .consumer_org
            .as_ref()
            .map(|o| o.as_str().to_string()),
        authorization_details: options.system_user.as_ref().map(|su| {
            vec![SystemUserDetail {
                type_: "urn:altinn:systemuser".into(),
                // `OrgNumber::iso6523` adds the `0192:` prefix, as APIC does when it is missing.
                systemuser_org: IsoOrg {
                    authority: "iso6523-actorid-upis".into(),
                    id: su.org.iso6523(),
                },
                external_ref: su.external_ref.clone(),
            }]
        }),
    }
}

/// Signs the claims with RS256 and the key's kid. Signing runs in aws-lc-rs (constant time), not
/// in the rsa crate (see deny.toml, RUSTSEC-2023-0071).
pub fn sign(
    key: &RsaPrivateKey,
    kid: &str,
    claims: &GrantClaims,
) -> Result<Assertion, MaskinportenError> {
    let der = key
        .to_pkcs1_der()
        .map_err(|e| MaskinportenError::Signing(e.to_string()))?;
    let encoding = jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes());
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &encoding)
        .map(Assertion::new)
        .map_err(|e| MaskinportenError::Signing(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn base64_json(part: &str) -> serde_json::Value {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .expect("b64url");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[test]
    fn a_plain_grant_has_exactly_the_documented_claims_and_a_60_second_life() {
        let c = claims(
            "https://test.maskinporten.no/",
            "client-1",
            &["a:b".into(), "c:d".into()],
            &GrantOptions::default(),
            datetime!(2026-11-21 10:00 UTC),
            "jti-1",
        );
        let json = serde_json::to_value(&c).expect("json");
        let mut keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["aud", "exp", "iat", "iss", "jti", "scope"],
            "no sub, nothing undocumented"
        );
        assert_eq!(json["aud"], "https://test.maskinporten.no/");
        assert_eq!(json["scope"], "a:b c:d");
        assert_eq!(c.exp - c.iat, 60);
        assert!(c.exp - c.iat <= 120, "DD-jwtgrant limit");
    }

    #[test]
    fn system_user_details_get_the_0192_prefix_and_the_external_ref() {
        let options = GrantOptions {
            system_user: Some(SystemUser {
                org: OrgNumber::parse("991825827").expect("org"),
                external_ref: Some("ref-1".into()),
            }),
            consumer_org: None,
            resource: Vec::new(),
        };
        let c = claims(
            "https://test.maskinporten.no/",
            "c",
            &["s".into()],
            &options,
            datetime!(2026-11-21 10:00 UTC),
            "j",
        );
        let json = serde_json::to_value(&c).expect("json");
        assert_eq!(
            json["authorization_details"],
            serde_json::json!([{"type":"urn:altinn:systemuser","systemuser_org":{"authority":"iso6523-actorid-upis","ID":"0192:991825827"},"externalRef":"ref-1"}])
        );
    }

    #[test]
    fn resource_is_sent_as_an_array_as_digdir_documents_and_left_out_when_empty() {
        let at = datetime!(2026-11-21 10:00 UTC);
        let options = GrantOptions {
            resource: vec!["https://api.example.no".into(), "urn:x".into()],
            ..GrantOptions::default()
        };
        let json = serde_json::to_value(claims(
            "https://maskinporten.no/",
            "c",
            &["s".into()],
            &options,
            at,
            "j",
        ))
        .expect("json");
        assert_eq!(
            json["resource"],
            serde_json::json!(["https://api.example.no", "urn:x"]),
            "DD-jwtgrant: \"Currently only array supported\""
        );
        let none = serde_json::to_value(claims(
            "https://maskinporten.no/",
            "c",
            &["s".into()],
            &GrantOptions::default(),
            at,
            "j",
        ))
        .expect("json");
        assert!(
            none.get("resource").is_none(),
            "no resource claim unless asked for"
        );
    }

    #[test]
    fn the_signed_grant_has_rs256_the_kid_and_the_claims() {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("key");
        let c = claims(
            "https://maskinporten.no/",
            "c",
            &["s".into()],
            &GrantOptions::default(),
            datetime!(2026-11-21 10:00 UTC),
            "j",
        );
        let assertion = sign(&key, "kid-1", &c).expect("signed");
        let parts: Vec<&str> = assertion.expose_secret().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = base64_json(parts[0]);
        assert_eq!(
            (header["alg"].as_str(), header["kid"].as_str()),
            (Some("RS256"), Some("kid-1"))
        );
        assert!(
            header.get("x5c").is_none(),
            "a client with a registered JWK must use kid, not x5c"
        );
        assert_eq!(
            base64_json(parts[1]),
            serde_json::to_value(&c).expect("json")
        );
    }
}
