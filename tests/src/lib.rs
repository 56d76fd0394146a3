//! Shared helpers for the end-to-end tests: a started sandbox with a registered test key, a
//! grant builder and signer (jsonwebtoken + rsa-generated keys, with full control of header and
//! claims so tests can build wrong grants), and one reqwest client that never leaves 127.0.0.1.

pub mod apps;
pub mod chain_support;
pub mod cli;
pub mod conformance;
pub mod encrypted_keys;
pub mod entra;
pub mod keyring;
pub mod keyvault;
pub mod keyvault_flow;
pub mod maskinporten;
pub mod systemuser;

use std::sync::OnceLock;

use assistant_sandbox::{Control, Sandbox, SandboxConfig, Seed, defaults};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Map, Value, json};

pub use reqwest::StatusCode;

/// An RSA key pair for signing grants, with its public JWK.
pub struct TestKey {
    /// The key id registered on the client.
    pub kid: String,
    /// PKCS#8 PEM of the private key (handed to python via stdin, never a file).
    pub private_pkcs8_pem: String,
    encoding: EncodingKey,
    n: String,
    e: String,
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl TestKey {
    /// A new 2048-bit key (or `bits`) with this kid.
    pub fn generate(kid: &str, bits: usize) -> TestKey {
        let private =
            rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).expect("RSA key generation");
        let pkcs1 = private
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .expect("PKCS#1 PEM");
        let pkcs8 = private
            .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
            .expect("PKCS#8 PEM");
        TestKey {
            kid: kid.to_owned(),
            private_pkcs8_pem: pkcs8.to_string(),
            encoding: EncodingKey::from_rsa_pem(pkcs1.as_bytes()).expect("encoding key"),
            n: URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
        }
    }

    /// The public JWK as the self-service API wants it, with `alg`.
    pub fn public_jwk_with_alg(&self, alg: &str) -> Value {
        json!({"kty": "RSA", "use": "sig", "alg": alg, "kid": self.kid, "n": self.n, "e": self.e})
    }

    /// The public JWK with `alg` RS256.
    pub fn public_jwk(&self) -> Value {
        self.public_jwk_with_alg("RS256")
    }
}

/// Process-wide test keys (key generation is slow in debug builds). Slots 0..3.
pub fn test_key(slot: usize) -> &'static TestKey {
    static KEYS: OnceLock<Vec<TestKey>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        (0..3)
            .map(|i| TestKey::generate(&format!("test-key-{i}"), 2048))
            .collect()
    });
    &keys[slot % keys.len()]
}

/// A JWT with free-form header and claims.
#[derive(Debug, Clone)]
pub struct Jwt {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
}

impl Jwt {
    /// Sets a claim.
    pub fn claim(mut self, name: &str, value: Value) -> Jwt {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Removes a claim.
    pub fn without(mut self, name: &str) -> Jwt {
        self.claims.remove(name);
        self
    }

    /// Sets (or with `Value::Null`, removes) a header member.
    pub fn header(mut self, name: &str, value: Value) -> Jwt {
        if value.is_null() {
            self.header.remove(name);
        } else {
            self.header.insert(name.to_owned(), value);
        }
        self
    }

    /// Signs with `key` using the header's `alg` (RS256/384/512; HS256 signs with a dummy secret).
    pub fn sign(&self, key: &TestKey) -> String {
        let encode = |v: &Map<String, Value>| {
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default())
        };
        let input = format!("{}.{}", encode(&self.header), encode(&self.claims));
        let alg = match self.header.get("alg").and_then(Value::as_str) {
            Some("RS384") => Algorithm::RS384,
            Some("RS512") => Algorithm::RS512,
            Some("HS256") => {
                let secret = EncodingKey::from_secret(b"not-a-registered-key");
                let signature =
                    jsonwebtoken::crypto::sign(input.as_bytes(), &secret, Algorithm::HS256)
                        .expect("HS256");
                return format!("{input}.{signature}");
            }
            _ => Algorithm::RS256,
        };
        let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key.encoding, alg)
            .expect("RSA signature");
        format!("{input}.{signature}")
    }
}

/// Unix seconds now (the tests' own clock; the sandbox's clock is real time plus its offset).
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Decodes a JWT's claims without verifying (for asserting on issued tokens).
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD.decode(payload).unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// A running sandbox, its control handle, an HTTP client and the key registered on the
/// default client.
#[derive(Debug)]
pub struct Harness {
    /// The sandbox.
    pub sandbox: Sandbox,
    /// Its control handle.
    pub control: Control,
    /// No proxy, no redirects.
    pub http: reqwest::Client,
}

impl Harness {
    /// The default seed, with `test_key(0)` registered on `defaults::CLIENT_ID`.
    pub async fn start() -> Harness {
        Harness::start_with(Seed::default()).await
    }

    /// A given seed, with `test_key(0)` registered on `defaults::CLIENT_ID` when that client exists.
    pub async fn start_with(seed: Seed) -> Harness {
        let sandbox = Sandbox::start(SandboxConfig {
            seed,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox starts");
        let control = sandbox.control();
        let _ = control.register_key(defaults::CLIENT_ID, test_key(0).public_jwk());
        // Carries the run's secret, as the tool does for the sandbox's own routes.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            assistant_sandbox::SECRET_HEADER,
            sandbox.secret().parse().expect("header value"),
        );
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("HTTP client");
        Harness {
            sandbox,
            control,
            http,
        }
    }

    /// The Maskinporten issuer (`http://127.0.0.1:PORT/`).
    pub fn issuer(&self) -> String {
        self.sandbox.urls().maskinporten.clone()
    }

    /// A valid grant for `client_id` with `scope`, kid `test_key(0)`.
    pub fn grant_for(&self, client_id: &str, scope: &str) -> Jwt {
        let now = now();
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": test_key(0).kid});
        let claims = json!({
            "aud": self.issuer(), "iss": client_id, "scope": scope,
            "iat": now, "exp": now + 60, "jti": uuid::Uuid::new_v4().to_string(),
        });
        Jwt {
            header: header.as_object().cloned().unwrap_or_default(),
            claims: claims.as_object().cloned().unwrap_or_default(),
        }
    }

    /// A valid grant for the default client and its instance scopes.
    pub fn grant(&self) -> Jwt {
        self.grant_for(
            defaults::CLIENT_ID,
            "altinn:instances.read altinn:instances.write",
        )
    }

    /// `POST /token` with the jwt-bearer form; the response as it comes.
    pub async fn send_token_request(&self, assertion: &str) -> reqwest::Result<reqwest::Response> {
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion),
        ];
        self.http
            .post(format!("{}token", self.issuer()))
            .form(&form)
            .send()
            .await
    }

    /// `POST /token` with a form body; returns status and JSON body.
    pub async fn token_request(&self, assertion: &str) -> (StatusCode, Value) {
        let response = self
            .send_token_request(assertion)
            .await
            .expect("token request");
        status_and_json(response).await
    }

    /// A Maskinporten access token for a grant that must succeed.
    pub async fn maskinporten_token(&self, grant: &Jwt, key: &TestKey) -> String {
        let (status, body) = self.token_request(&grant.sign(key)).await;
        assert_eq!(status, StatusCode::OK, "token request failed: {body}");
        body["access_token"].as_str().unwrap_or_default().to_owned()
    }

    /// Exchanges a Maskinporten token for an Altinn token (must succeed).
    pub async fn exchange(&self, maskinporten_token: &str, query: &str) -> String {
        let url = format!(
            "{}/authentication/api/v1/exchange/maskinporten{query}",
            self.sandbox.urls().altinn_platform
        );
        let response = self
            .http
            .get(url)
            .bearer_auth(maskinporten_token)
            .send()
            .await
            .expect("exchange");
        assert_eq!(response.status(), StatusCode::OK, "exchange failed");
        response.text().await.unwrap_or_default()
    }

    /// The default client's Altinn token with the given scope.
    pub async fn altinn_token(&self, scope: &str) -> String {
        let mp = self
            .maskinporten_token(&self.grant_for(defaults::CLIENT_ID, scope), test_key(0))
            .await;
        self.exchange(&mp, "").await
    }

    /// The default client's Altinn token for the seeded system user ([`system_user_entry`]).
    pub async fn system_user_token(&self) -> String {
        let grant = self
            .grant()
            .claim("authorization_details", json!([system_user_entry()]));
        let mp = self.maskinporten_token(&grant, test_key(0)).await;
        self.exchange(&mp, "").await
    }

    /// A service owner's Altinn token (`client_id` is a seeded service-owner client); the key
    /// `test_key(slot)` is registered on it first.
    pub async fn service_owner_token(&self, client_id: &str, slot: usize, query: &str) -> String {
        // A second call for the same client finds the key already registered; that is fine.
        let _ = self
            .control
            .register_key(client_id, test_key(slot).public_jwk());
        let grant = self
            .grant_for(
                client_id,
                "altinn:serviceowner/instances.read altinn:serviceowner/instances.write",
            )
            .header("kid", json!(test_key(slot).kid));
        let mp = self.maskinporten_token(&grant, test_key(slot)).await;
        self.exchange(&mp, query).await
    }

    /// `GET url` without a token; the JSON body.
    pub async fn get_json(&self, url: impl reqwest::IntoUrl) -> Value {
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `GET url` with `token` as bearer; the JSON body.
    pub async fn get_json_as(&self, url: impl reqwest::IntoUrl, token: &str) -> Value {
        let request = self.http.get(url).bearer_auth(token);
        request.send().await.unwrap().json().await.unwrap()
    }

    /// `POST url` with a form body; the JSON body.
    pub async fn post_form(&self, url: impl reqwest::IntoUrl, form: &[(&str, &str)]) -> Value {
        let request = self.http.post(url).form(form);
        request.send().await.unwrap().json().await.unwrap()
    }

    /// Base URL of app B: `{apps}/ttd/sandbox-app-b`.
    pub fn app_url(&self) -> String {
        format!(
            "{}/{}/{}",
            self.sandbox.urls().apps,
            defaults::APP_ORG,
            defaults::APP_NAME
        )
    }
}

/// A response's status and JSON body (`Null` when the body is not JSON).
pub async fn status_and_json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Whether `token` carries a valid RS256 signature by the public JWK `jwk` (`n`, `e`).
pub fn verifies_rs256(token: &str, jwk: &Value) -> bool {
    let key = jsonwebtoken::DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap(),
        jwk["e"].as_str().unwrap(),
    )
    .unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    jsonwebtoken::crypto::verify(signature, input.as_bytes(), &key, Algorithm::RS256).unwrap()
}

/// The `urn:altinn:systemuser` authorization_details entry of the seeded system user, as a
/// grant carries it (protocols.md §2).
pub fn system_user_entry() -> Value {
    json!({
        "type": "urn:altinn:systemuser",
        "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": format!("0192:{}", defaults::CUSTOMER_ORG_NUMBER)},
        "externalRef": defaults::SYSTEM_USER_EXTERNAL_REF,
    })
}

/// Whether `text` holds something JWT-shaped: a base64url header and payload that both start as
/// JSON objects (`eyJ`), joined by a dot. A bare "eyJ" is not enough: a public modulus or a
/// thumbprint (base64url, in the key index and reports) contains it now and then by chance.
pub fn holds_jwt(text: &str) -> bool {
    let b64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at..];
        let header = rest.find(|c: char| !b64url(c)).unwrap_or(rest.len());
        rest[header..].starts_with(".eyJ")
    })
}

#[cfg(test)]
mod tests {
    use super::holds_jwt;

    #[test]
    fn a_jwt_is_found_and_a_chance_eyj_is_not() {
        assert!(holds_jwt(
            "token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln and more"
        ));
        assert!(holds_jwt("eyJhbGciOiJub25lIn0.eyJ9."));
        assert!(!holds_jwt("n: xK3eyJq9-Ab_c, thumbprint eyJabc"));
        assert!(!holds_jwt("eyJhbGciOiJSUzI1NiJ9 . eyJ"));
        assert!(!holds_jwt(""));
    }
}
