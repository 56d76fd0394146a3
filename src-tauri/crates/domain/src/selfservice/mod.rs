//! Digdir's self-service API for a Maskinporten client's public keys
//! (docs/reference/selfservice.md; config-keyvault-selfservice.md §4): `GET` and `POST`
//! `/api/v1/clients/{client_id}/jwks`, the POST replacing the whole set. Pure request builders
//! and parsers; the caller sends them with its transport.
//!
//! The bearer is a Maskinporten token of the organisation's self-service admin client with
//! `idporten:dcr.read` (read) and `idporten:dcr.write` (change) (§2: okdata asks for exactly
//! these; whether `dcr.modify` alone suffices is UNCONFIRMED, so we ask for `dcr.write`).

mod keyset;

pub use keyset::{ClientKey, KeySet, KeySetError, MAX_KEYS, full_words};

use url::Url;

use crate::error::{AppError, ErrorKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::profile::Environment;
use crate::secret::AccessToken;

pub const READ_SCOPE: &str = "idporten:dcr.read";
pub const WRITE_SCOPE: &str = "idporten:dcr.write";

/// §1: test pairs with Maskinporten test and Altinn tt02; `/api/v1/clients` is the strict
/// prefix (§8.1). The sandbox serves the same shape on its Maskinporten port.
pub fn base_for(environment: &Environment, maskinporten: &Url) -> Url {
    let fixed = |u: &str| Url::parse(u).unwrap_or_else(|_| unreachable!("constant URL {u}"));
    match environment {
        Environment::Test => fixed("https://api.test.samarbeid.digdir.no/"),
        Environment::Prod => fixed("https://api.samarbeid.digdir.no/"),
        Environment::Sandbox | Environment::Custom { .. } => maskinporten.clone(),
    }
}

fn jwks_url(base: &Url, client_id: &str) -> Result<Url, AppError> {
    base.join(&format!("api/v1/clients/{client_id}/jwks"))
        .map_err(|e| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("client id {client_id}: {e}"),
            )
        })
}

fn authorised(request: HttpRequest, token: Option<&AccessToken>) -> HttpRequest {
    let request = request.header("Accept", "application/json");
    match token {
        Some(token) => request.header("Authorization", format!("Bearer {}", token.expose_secret())),
        None => request,
    }
}

/// `GET …/jwks` (§4.1). `token` is `None` only for the sandbox, whose API takes none.
pub fn read_keys(
    base: &Url,
    client_id: &str,
    token: Option<&AccessToken>,
) -> Result<HttpRequest, AppError> {
    Ok(authorised(
        HttpRequest::get(jwks_url(base, client_id)?),
        token,
    ))
}

/// `POST …/jwks` with `{"keys":[…]}`: the set as it will be (§4.2). Refuses a set over the
/// limit before anything is sent.
pub fn replace_keys(
    base: &Url,
    client_id: &str,
    token: Option<&AccessToken>,
    set: &KeySet,
) -> Result<HttpRequest, AppError> {
    if set.keys.len() > MAX_KEYS || set.keys.is_empty() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "A client holds 1 to {MAX_KEYS} keys; this set has {}.",
                set.keys.len()
            ),
        ));
    }
    let body =
        serde_json::to_vec(set).map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    Ok(authorised(
        HttpRequest::post(jwks_url(base, client_id)?, "application/json", body),
        token,
    ))
}

/// A 2xx with `{"keys":[…]}` (GET 200, POST 201 per OP-HTTP; any 2xx accepted, §4.2), else the
/// server's own words (§5: `errors[].errorMessage`, then `error_description`, then `error`).
pub fn parse_keys(response: &HttpResponse, client_id: &str) -> Result<KeySet, AppError> {
    if !(200..300).contains(&response.status) {
        return Err(refused(response, client_id));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&response.body).map_err(|_| garbage(response))?;
    match value.get("keys").and_then(serde_json::Value::as_array) {
        Some(keys) if keys.iter().all(serde_json::Value::is_object) => {
            Ok(KeySet { keys: keys.clone() })
        }
        _ => Err(garbage(response)),
    }
}

fn garbage(response: &HttpResponse) -> AppError {
    AppError::new(
        ErrorKind::Server,
        format!("The self-service API answered HTTP {} with a body that is not a key set.", response.status),
    )
    .with_hint("Check that the address is Digdir's self-service API (api.test.samarbeid.digdir.no or api.samarbeid.digdir.no).")
}

/// What the server said, for a person: its message (never the request), and what to do.
fn refused(response: &HttpResponse, client_id: &str) -> AppError {
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
    let messages: Vec<&str> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["errorMessage"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let said = if !messages.is_empty() {
        messages.join("; ")
    } else {
        body["error_description"]
            .as_str()
            .or(body["error"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| response.text().chars().take(200).collect())
    };
    let correlation = body["correlation_id"]
        .as_str()
        .map(|c| format!(" (correlation id {c})"))
        .unwrap_or_default();
    let (kind, hint) = match response.status {
        401 => (
            ErrorKind::Server,
            "The self-service token was not accepted: check the admin client's key and that it asks Maskinporten for idporten:dcr.read and idporten:dcr.write.",
        ),
        403 => (
            ErrorKind::Server,
            "The admin client may not change this client: it must belong to the same organisation and have idporten:dcr.write (ask Digdir's service desk to grant it).",
        ),
        404 => (
            ErrorKind::NotFound,
            "Check the profile's client id against Samarbeidsportalen.",
        ),
        _ => (
            ErrorKind::Server,
            "Fix what the server names, or make the change in Samarbeidsportalen instead.",
        ),
    };
    AppError::new(
        kind,
        format!("The self-service API refused the request for client {client_id} (HTTP {}): {said}{correlation}", response.status),
    )
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, body: serde_json::Value) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn the_hosts_are_digdirs_for_test_and_prod_and_the_sandboxs_own_port_otherwise() {
        let sandbox = Url::parse("http://127.0.0.1:4000/").unwrap();
        assert_eq!(
            base_for(&Environment::Test, &sandbox).as_str(),
            "https://api.test.samarbeid.digdir.no/"
        );
        assert_eq!(
            base_for(&Environment::Prod, &sandbox).as_str(),
            "https://api.samarbeid.digdir.no/"
        );
        assert_eq!(base_for(&Environment::Sandbox, &sandbox), sandbox);
        let read = read_keys(&base_for(&Environment::Test, &sandbox), "abc", None).unwrap();
        assert_eq!(
            read.url.as_str(),
            "https://api.test.samarbeid.digdir.no/api/v1/clients/abc/jwks"
        );
    }

    #[test]
    fn a_replace_posts_the_whole_set_with_the_bearer_and_refuses_six_before_sending() {
        let token = AccessToken::new("tok".to_string());
        let set = KeySet {
            keys: vec![json!({"kid":"a"}), json!({"kid":"b"})],
        };
        let base = Url::parse("https://api.test.samarbeid.digdir.no/").unwrap();
        let post = replace_keys(&base, "abc", Some(&token), &set).unwrap();
        assert_eq!(post.method, "POST");
        assert_eq!(post.header_value("Authorization"), Some("Bearer tok"));
        let body: serde_json::Value = serde_json::from_slice(&post.body).unwrap();
        assert_eq!(body, json!({"keys":[{"kid":"a"},{"kid":"b"}]}));
        let six = KeySet {
            keys: (0..6).map(|i| json!({"kid": i.to_string()})).collect(),
        };
        assert!(replace_keys(&base, "abc", Some(&token), &six).is_err());
        assert!(replace_keys(&base, "abc", Some(&token), &KeySet::default()).is_err());
    }

    #[test]
    fn refusals_carry_the_servers_words_and_what_to_do_and_garbage_is_named() {
        let e = parse_keys(
            &response(400, json!({"status":400,"correlation_id":"c-1","errors":[{"errorMessage":"kid must be unique"}]})),
            "abc",
        )
        .unwrap_err();
        assert!(
            e.message.contains("kid must be unique") && e.message.contains("c-1"),
            "{}",
            e.message
        );
        let e = parse_keys(&response(403, json!({"error":"access_denied"})), "abc").unwrap_err();
        assert!(e.message.contains("access_denied"));
        assert!(e.hint.unwrap().contains("idporten:dcr.write"));
        let e = parse_keys(
            &HttpResponse {
                status: 200,
                headers: vec![],
                body: b"<html>".to_vec(),
            },
            "abc",
        )
        .unwrap_err();
        assert!(e.message.contains("not a key set"), "{}", e.message);
        let ok = parse_keys(
            &response(201, json!({"keys":[{"kid":"a"}],"created":"x"})),
            "abc",
        )
        .unwrap();
        assert_eq!(ok.kids(), ["a"]);
    }
}
