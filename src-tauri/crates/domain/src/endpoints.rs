//! Base URLs per environment. Test pairs Maskinporten test with Altinn TT02; prod with prod
//! (protocols.md §1.1, §3, §4 "Hosts"). The sandbox's URLs come from the running sandbox.

use url::Url;

use crate::error::{AppError, ErrorKind};
use crate::profile::{Environment, check_url};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Maskinporten's base (its issuer, with the trailing slash).
    pub maskinporten: Url,
    /// Altinn platform's base (`…/authentication/api/v1/exchange/maskinporten` lives under it).
    pub altinn: Url,
    /// The apps' base; `{org}` is replaced by the app's organisation (tt02/prod host naming).
    pub apps: String,
}

fn url(value: &str) -> Url {
    Url::parse(value).unwrap_or_else(|_| unreachable!("constant URL {value}"))
}

impl Endpoints {
    pub fn test() -> Self {
        Self {
            maskinporten: url("https://test.maskinporten.no/"),
            altinn: url("https://platform.tt02.altinn.no/"),
            apps: "https://{org}.apps.tt02.altinn.no/".into(),
        }
    }

    pub fn prod() -> Self {
        Self {
            maskinporten: url("https://maskinporten.no/"),
            altinn: url("https://platform.altinn.no/"),
            apps: "https://{org}.apps.altinn.no/".into(),
        }
    }

    /// `sandbox` is the running sandbox's endpoints, needed only for that environment.
    pub fn for_environment(
        environment: &Environment,
        sandbox: Option<&Endpoints>,
    ) -> Result<Self, AppError> {
        match environment {
            Environment::Test => Ok(Self::test()),
            Environment::Prod => Ok(Self::prod()),
            Environment::Sandbox => sandbox
                .cloned()
                .ok_or_else(|| AppError::new(ErrorKind::Internal, "the sandbox is not running")),
            Environment::Custom {
                maskinporten_url,
                altinn_url,
                apps_url,
            } => {
                let parse = |field, value: &str| {
                    check_url(field, &with_slash(value), true).map_err(AppError::from)
                };
                Ok(Self {
                    maskinporten: parse("Maskinporten URL", maskinporten_url)?,
                    altinn: parse("Altinn URL", altinn_url)?,
                    apps: with_slash(apps_url),
                })
            }
        }
    }

    pub fn well_known(&self) -> Url {
        self.maskinporten
            .join(".well-known/oauth-authorization-server")
            .unwrap_or_else(|_| self.maskinporten.clone())
    }

    pub fn exchange(&self, test_org: bool) -> Url {
        let mut url = self
            .altinn
            .join("authentication/api/v1/exchange/maskinporten")
            .unwrap_or_else(|_| self.altinn.clone());
        if test_org {
            // `?test=true` only matters for digdir with a serviceowner scope (protocols.md §3).
            url.set_query(Some("test=true"));
        }
        url
    }

    /// The base of app `org/app`: `{apps with org}{org}/{app}/`.
    pub fn app(&self, org: &str, app: &str) -> Result<Url, AppError> {
        let base = self.apps.replace("{org}", org);
        Url::parse(&base)
            .and_then(|b| b.join(&format!("{org}/{app}/")))
            .map_err(|e| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("The apps URL {base} is not usable: {e}"),
                )
            })
    }
}

fn with_slash(value: &str) -> String {
    if value.ends_with('/') {
        value.to_string()
    } else {
        format!("{value}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_environment_pairs_maskinporten_test_with_tt02_hosts() {
        let e = Endpoints::test();
        assert_eq!(
            e.well_known().as_str(),
            "https://test.maskinporten.no/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            e.exchange(false).as_str(),
            "https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten"
        );
        assert_eq!(e.exchange(true).query(), Some("test=true"));
        assert_eq!(
            e.app("ttd", "app-b").expect("url").as_str(),
            "https://ttd.apps.tt02.altinn.no/ttd/app-b/"
        );
    }

    #[test]
    fn custom_urls_get_a_trailing_slash_and_keep_their_path() {
        let env = Environment::Custom {
            maskinporten_url: "http://127.0.0.1:9/mp".into(),
            altinn_url: "http://127.0.0.1:8".into(),
            apps_url: "http://127.0.0.1:7".into(),
        };
        let e = Endpoints::for_environment(&env, None).expect("valid");
        assert_eq!(
            e.well_known().as_str(),
            "http://127.0.0.1:9/mp/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            e.app("ttd", "b").expect("url").as_str(),
            "http://127.0.0.1:7/ttd/b/"
        );
    }
}
