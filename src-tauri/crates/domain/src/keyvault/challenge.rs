//! The vault's sign-in challenge (config-keyvault-selfservice.md §3.3): an unauthenticated
//! request gets `401` with `WWW-Authenticate: Bearer authorization="{login}/{tenant}",
//! resource="https://vault.azure.net"`, which names the tenant to sign in to. The authority it
//! names is checked against what the environment trusts before any sign-in goes there: a
//! tampered challenge must not send the person's sign-in to someone else's page.

use url::Url;

use super::session::SignInError;
use super::{MICROSOFT_LOGIN, VAULT_RESOURCE, api};
use crate::http::{HttpRequest, HttpResponse};

/// The request that provokes the challenge (no token).
pub fn request(vault: &Url) -> HttpRequest {
    api::unauthenticated_list(vault)
}

/// Where to sign in for this vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `{login}/{tenant}`, without a trailing slash.
    pub authority: Url,
    pub tenant: String,
}

impl Challenge {
    /// `{authority}/oauth2/v2.0/{endpoint}` (`devicecode`, `token`).
    pub fn endpoint(&self, endpoint: &str) -> Url {
        let mut url = self.authority.clone();
        let base = self.authority.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}/oauth2/v2.0/{endpoint}"));
        url
    }
}

/// Which sign-in hosts an environment accepts from a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedLogin {
    /// Test and prod: Entra ID's own host, https.
    Microsoft,
    /// The sandbox: exactly its Entra emulator.
    Exactly(Url),
    /// A custom environment: any https host, or http on loopback (like its other URLs).
    HttpsOrLoopback,
}

/// Reads the challenge of a 401 answer.
pub fn parse(response: &HttpResponse) -> Result<Challenge, SignInError> {
    let header = response.header("www-authenticate");
    let Some(header) = header.filter(|_| response.status == 401) else {
        return Err(SignInError::NoChallenge {
            status: response.status,
        });
    };
    let params = bearer_params(header).ok_or_else(|| bad("it is not a Bearer challenge"))?;
    let find = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    let authority = find("authorization")
        .or_else(|| find("authorization_uri"))
        .ok_or_else(|| bad("it names no authorization server"))?;
    // The resource must be Key Vault's; a Managed HSM or another service has another one.
    match find("resource").or_else(|| find("scope")) {
        Some(r) if r.trim_end_matches('/').starts_with(VAULT_RESOURCE) => {}
        Some(other) => return Err(bad(&format!("it asks for resource {other}, not Key Vault"))),
        None => return Err(bad("it names no resource")),
    }
    let authority = Url::parse(authority.trim_end_matches('/'))
        .map_err(|_| bad("its authorization server is not a URL"))?;
    let tenant = authority
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or_default()
        .to_string();
    let tenant_ok = !tenant.is_empty()
        && tenant.len() <= 100
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !tenant_ok {
        return Err(bad("it names no tenant"));
    }
    Ok(Challenge { authority, tenant })
}

fn bad(problem: &str) -> SignInError {
    SignInError::BadChallenge {
        problem: problem.to_string(),
    }
}

/// `Bearer k="v", k2=v2` → pairs. `None` when the scheme is not Bearer.
fn bearer_params(header: &str) -> Option<Vec<(String, String)>> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut pairs = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.trim().is_empty() {
            break;
        }
        let value = if chars.peek() == Some(&'"') {
            chars.next();
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
            value
        } else {
            chars.by_ref().take_while(|c| *c != ',').collect::<String>()
        };
        pairs.push((key.trim().to_string(), value.trim().to_string()));
    }
    Some(pairs)
}

/// Refuses a sign-in host the environment does not trust.
pub fn check_trusted(challenge: &Challenge, trusted: &TrustedLogin) -> Result<(), SignInError> {
    let authority = &challenge.authority;
    let origin = |u: &Url| u.origin().ascii_serialization();
    let ok = match trusted {
        TrustedLogin::Microsoft => {
            Url::parse(MICROSOFT_LOGIN).is_ok_and(|login| origin(&login) == origin(authority))
        }
        TrustedLogin::Exactly(expected) => origin(expected) == origin(authority),
        TrustedLogin::HttpsOrLoopback => {
            crate::profile::check_url("sign-in server", authority.as_str(), true).is_ok()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(SignInError::UntrustedAuthority {
            authority: origin(authority),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(header: &str) -> HttpResponse {
        HttpResponse {
            status: 401,
            headers: vec![("WWW-Authenticate".into(), header.into())],
            body: Vec::new(),
        }
    }

    #[test]
    fn the_tenant_comes_from_the_authorization_parameter() {
        let parsed = parse(&challenge(
            r#"Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net""#,
        ))
        .expect("parsed");
        assert_eq!(parsed.tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(
            parsed.endpoint("devicecode").as_str(),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/devicecode"
        );
        assert!(check_trusted(&parsed, &TrustedLogin::Microsoft).is_ok());
    }

    #[test]
    fn the_older_authorization_uri_form_and_a_scope_are_read_too() {
        let parsed = parse(&challenge(
            r#"Bearer authorization_uri="http://127.0.0.1:4000/t-1", scope="https://vault.azure.net/.default""#,
        ))
        .expect("parsed");
        assert_eq!(parsed.tenant, "t-1");
        let sandbox = Url::parse("http://127.0.0.1:4000").expect("url");
        assert!(check_trusted(&parsed, &TrustedLogin::Exactly(sandbox)).is_ok());
        assert!(check_trusted(&parsed, &TrustedLogin::HttpsOrLoopback).is_ok());
        assert!(
            check_trusted(&parsed, &TrustedLogin::Microsoft).is_err(),
            "a real environment signs in only at login.microsoftonline.com"
        );
    }

    #[test]
    fn challenges_that_are_missing_foreign_or_malformed_are_refused() {
        let ok_status = HttpResponse {
            status: 200,
            headers: vec![],
            body: vec![],
        };
        assert!(matches!(
            parse(&ok_status),
            Err(SignInError::NoChallenge { status: 200 })
        ));
        for header in [
            r#"Basic realm="x""#,
            r#"Bearer resource="https://vault.azure.net""#,
            r#"Bearer authorization="https://login.microsoftonline.com/t", resource="https://managedhsm.azure.net""#,
            r#"Bearer authorization="https://login.microsoftonline.com/", resource="https://vault.azure.net""#,
            r#"Bearer authorization="not a url", resource="https://vault.azure.net""#,
            "Bearer",
            "",
        ] {
            assert!(
                parse(&challenge(header)).is_err(),
                "{header:?} must be refused"
            );
        }
        let phishing = parse(&challenge(
            r#"Bearer authorization="https://login.example.com/t", resource="https://vault.azure.net""#,
        ))
        .expect("well-formed");
        assert!(matches!(
            check_trusted(&phishing, &TrustedLogin::Microsoft),
            Err(SignInError::UntrustedAuthority { .. })
        ));
    }
}
