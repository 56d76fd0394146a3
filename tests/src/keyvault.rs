//! The Key Vault emulator as the flow tests call it (config-keyvault-selfservice.md §3): a vault
//! token from the sandbox Entra's device-code sign-in, and calls with that token.

use serde_json::Value;

use crate::entra::{poll, vault_device_code};
use crate::{Harness, StatusCode, status_and_json};

/// §3.1: the api-version the tests name on every call.
pub const API_VERSION: &str = "api-version=7.6";

/// Signs in through the device-code flow as `identity` and returns the vault token.
pub async fn vault_token(h: &Harness, identity: &str) -> String {
    let code = vault_device_code(h).await;
    h.control
        .approve_device_code(code["user_code"].as_str().unwrap(), identity)
        .unwrap();
    let (_, token) = poll(h, code["device_code"].as_str().unwrap()).await;
    token["access_token"].as_str().unwrap().to_owned()
}

/// A caller of the vault with one bearer token.
#[derive(Debug)]
pub struct Vault<'a> {
    h: &'a Harness,
    token: String,
}

impl<'a> Vault<'a> {
    /// Signed in as `identity` through the device-code flow.
    pub async fn sign_in(h: &'a Harness, identity: &str) -> Vault<'a> {
        let token = vault_token(h, identity).await;
        Vault { h, token }
    }

    /// Calling with `token`, whatever issued it.
    pub fn with_token(h: &'a Harness, token: &str) -> Vault<'a> {
        Vault {
            h,
            token: token.to_owned(),
        }
    }

    /// The bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// `method` on `{vault}{path}` with an optional JSON body; status and JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.h.sandbox.urls().key_vault);
        let mut request = self.h.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        status_and_json(request.send().await.unwrap()).await
    }

    /// `GET {vault}{path}`.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// `PUT {vault}{path}` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    /// `POST {vault}{path}` without a body.
    pub async fn post(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, None).await
    }

    /// `DELETE {vault}{path}`.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }
}
