//! The vault's sign-in challenge (config-keyvault-selfservice.md §3.3): an unauthenticated
//! request gets `401` with `WWW-Authenticate: Bearer authorization="{login}/{tenant}",
//! resource="https://vault.azure.net"`, which names the tenant to sign in to.
//!
//! Real vaults name `https://login.windows.net/{tenant}` (recorded in the Azure SDK for JS test
//! recordings, see `tests/conformance/keyvault/`), an alias of Entra ID's login host. Like the
//! Azure SDKs, only the *tenant* is taken from a test or prod challenge: the sign-in itself
//! always goes to `https://login.microsoftonline.com/{tenant}`, and a challenge that names any
//! host other than Entra ID's aliases is refused. The challenge's `resource` must belong to the
//! vault's own host (the Azure SDKs' challenge-resource verification, on by default since
//! 2022), so a look-alike vault cannot collect a token for every vault the person can reach.

use url::Url;

use super::session::SignInError;
use super::{MICROSOFT_LOGIN, VAULT_RESOURCE, api};
use crate::http::{HttpRequest, HttpResponse};

/// Entra ID's login hosts that a Key Vault challenge may name: the ones the Azure SDKs and MSAL
/// treat as aliases of the public cloud's authority. Whichever is named, sign-in goes to
/// [`MICROSOFT_LOGIN`].
pub const ENTRA_ALIASES: [&str; 4] = [
    "login.microsoftonline.com",
    "login.windows.net",
    "login.microsoft.com",
    "sts.windows.net",
];

/// The request that provokes the challenge (no token).
pub fn request(vault: &Url) -> HttpRequest {
    api::unauthenticated_list(vault)
}

/// Where to sign in for this vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `{login}/{tenant}`, without a trailing slash. After [`check_trusted`], where to sign in.
    pub authority: Url,
    pub tenant: String,
    /// The `resource` (or `scope`) the challenge names, e.g. `https://vault.azure.net`.
    pub resource: String,
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
    let resource = match find("resource").or_else(|| find("scope")) {
        Some(r) if r.trim_end_matches('/').starts_with(VAULT_RESOURCE) => r.to_string(),
        Some(other) => return Err(bad(&format!("it asks for resource {other}, not Key Vault"))),
        None => return Err(bad("it names no resource")),
    };
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
    Ok(Challenge {
        authority,
        tenant,
        resource,
    })
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

/// Refuses a challenge the environment does not trust, and says where to sign in.
///
/// Test and prod ([`TrustedLogin::Microsoft`]): the challenge must name one of
/// [`ENTRA_ALIASES`] over https, and its resource's host must be a suffix of the vault's host
/// (`vault.azure.net` for `x.vault.azure.net`); the sign-in then goes to
/// `https://login.microsoftonline.com/{tenant}` whatever alias was named. The sandbox and custom
/// environments keep the authority they name, under their own rule; their vaults are not on
/// Azure's hosts, so the resource check (which the Azure SDKs let emulators switch off) does not
/// apply.
pub fn check_trusted(
    challenge: &Challenge,
    trusted: &TrustedLogin,
    vault: &Url,
) -> Result<Challenge, SignInError> {
    let authority = &challenge.authority;
    let origin = |u: &Url| u.origin().ascii_serialization();
    let untrusted = || SignInError::UntrustedAuthority {
        authority: origin(authority),
    };
    match trusted {
        TrustedLogin::Microsoft => {
            let host = authority
                .host_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let alias = authority.scheme() == "https"
                && authority.port().is_none()
                && ENTRA_ALIASES.contains(&host.as_str());
            if !alias {
                return Err(untrusted());
            }
            check_resource(&challenge.resource, vault)?;
            let mut sign_in = Url::parse(MICROSOFT_LOGIN)
                .unwrap_or_else(|_| unreachable!("constant URL {MICROSOFT_LOGIN}"));
            sign_in.set_path(&challenge.tenant);
            Ok(Challenge {
                authority: sign_in,
                ..challenge.clone()
            })
        }
        TrustedLogin::Exactly(expected) if origin(expected) == origin(authority) => {
            Ok(challenge.clone())
        }
        TrustedLogin::HttpsOrLoopback
            if crate::profile::check_url("sign-in server", authority.as_str(), true).is_ok() =>
        {
            Ok(challenge.clone())
        }
        _ => Err(untrusted()),
    }
}

/// The resource's host must be the vault host's parent domain: `vault.azure.net` for
/// `ttd-kv.vault.azure.net` (Azure SDK challenge-resource verification).
fn check_resource(resource: &str, vault: &Url) -> Result<(), SignInError> {
    let resource_host = Url::parse(resource)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let vault_host = vault.host_str().unwrap_or_default().to_ascii_lowercase();
    let belongs = !resource_host.is_empty()
        && vault_host
            .strip_suffix(&resource_host)
            .is_some_and(|name| name.ends_with('.') && name.len() > 1);
    if belongs {
        Ok(())
    } else {
        Err(SignInError::ResourceMismatch {
            resource: resource.to_string(),
            vault: vault_host,
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

    fn vault() -> Url {
        Url::parse("https://ttd-kv.vault.azure.net/").expect("url")
    }

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    #[test]
    fn the_tenant_comes_from_the_authorization_parameter() {
        let parsed = parse(&challenge(&format!(
            r#"Bearer authorization="https://login.microsoftonline.com/{TENANT}", resource="https://vault.azure.net""#,
        )))
        .expect("parsed");
        assert_eq!(parsed.tenant, TENANT);
        assert_eq!(parsed.resource, "https://vault.azure.net");
        let trusted = check_trusted(&parsed, &TrustedLogin::Microsoft, &vault()).expect("trusted");
        assert_eq!(
            trusted.endpoint("devicecode").as_str(),
            format!("https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/devicecode")
        );
    }

    #[test]
    fn every_entra_alias_is_accepted_and_sign_in_goes_to_login_microsoftonline_com() {
        for alias in ENTRA_ALIASES {
            let parsed = parse(&challenge(&format!(
                r#"Bearer authorization="https://{alias}/{TENANT}", resource="https://vault.azure.net""#,
            )))
            .expect("parsed");
            let trusted = check_trusted(&parsed, &TrustedLogin::Microsoft, &vault()).expect(alias);
            assert_eq!(
                trusted.authority.as_str(),
                format!("https://login.microsoftonline.com/{TENANT}"),
                "only the tenant is taken from {alias}"
            );
        }
    }

    #[test]
    fn hosts_that_only_look_like_entra_are_refused() {
        for authority in [
            "https://login.example.com/t",
            "https://login.windows.net.evil.example/t",
            "https://evil-login.microsoftonline.com/t",
            "http://login.windows.net/t",
            "https://login.windows.net:8443/t",
        ] {
            let parsed = parse(&challenge(&format!(
                r#"Bearer authorization="{authority}", resource="https://vault.azure.net""#,
            )))
            .expect("well-formed");
            assert!(
                matches!(
                    check_trusted(&parsed, &TrustedLogin::Microsoft, &vault()),
                    Err(SignInError::UntrustedAuthority { .. })
                ),
                "{authority} must be refused"
            );
        }
    }

    #[test]
    fn the_resource_must_belong_to_the_vaults_host() {
        let parsed = parse(&challenge(&format!(
            r#"Bearer authorization="https://login.windows.net/{TENANT}", resource="https://vault.azure.net""#,
        )))
        .expect("parsed");
        for host in [
            "https://evil.example.com/",
            "https://vault.azure.net.evil.example/",
            "https://xvault.azure.net/",
        ] {
            let other = Url::parse(host).expect("url");
            assert!(
                matches!(
                    check_trusted(&parsed, &TrustedLogin::Microsoft, &other),
                    Err(SignInError::ResourceMismatch { .. })
                ),
                "{host}: a token for every vault must not go to a host outside vault.azure.net"
            );
        }
    }

    #[test]
    fn the_older_authorization_uri_form_and_a_scope_are_read_too() {
        let parsed = parse(&challenge(
            r#"Bearer authorization_uri="http://127.0.0.1:4000/t-1", scope="https://vault.azure.net/.default""#,
        ))
        .expect("parsed");
        assert_eq!(parsed.tenant, "t-1");
        let sandbox = Url::parse("http://127.0.0.1:4000").expect("url");
        let local_vault = Url::parse("http://127.0.0.1:4001").expect("url");
        assert!(check_trusted(&parsed, &TrustedLogin::Exactly(sandbox), &local_vault).is_ok());
        assert!(check_trusted(&parsed, &TrustedLogin::HttpsOrLoopback, &local_vault).is_ok());
        assert!(
            check_trusted(&parsed, &TrustedLogin::Microsoft, &vault()).is_err(),
            "a real environment signs in only through Entra ID's hosts"
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
    }
}
