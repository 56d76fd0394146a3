//! The sandbox Entra ID's device-code sign-in (RFC 8628) as the flow tests drive it: ask for a
//! code, poll the token endpoint. Approving is left to `Control` or the device-login page.

use assistant_sandbox::defaults;
use serde_json::Value;

use crate::{Harness, StatusCode};

/// RFC 8628 §3.4: the grant type of the polling request.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The Key Vault scope the Azure CLI asks for.
pub const VAULT_SCOPE: &str = "https://vault.azure.net/.default";

/// `POST /{tenant}/oauth2/v2.0/devicecode` for `client_id` and `scope` in the vault's tenant;
/// status and JSON body.
pub async fn device_code(h: &Harness, client_id: &str, scope: &str) -> (StatusCode, Value) {
    device_code_in(h, defaults::TENANT_ID, client_id, scope).await
}

/// `POST /{tenant}/oauth2/v2.0/devicecode` in `tenant`; status and JSON body.
pub async fn device_code_in(
    h: &Harness,
    tenant: &str,
    client_id: &str,
    scope: &str,
) -> (StatusCode, Value) {
    let url = format!("{}/{tenant}/oauth2/v2.0/devicecode", h.sandbox.urls().entra);
    let response = h
        .http
        .post(url)
        .form(&[("client_id", client_id), ("scope", scope)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The device code the Azure CLI gets when it asks for the Key Vault scope (the JSON body).
pub async fn vault_device_code(h: &Harness) -> Value {
    device_code(h, defaults::AZURE_CLI_CLIENT_ID, VAULT_SCOPE)
        .await
        .1
}

/// One poll of `POST /{tenant}/oauth2/v2.0/token` with the device code; status and JSON body.
pub async fn poll(h: &Harness, device_code: &str) -> (StatusCode, Value) {
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        h.sandbox.urls().entra,
        defaults::TENANT_ID
    );
    let form = [
        ("grant_type", DEVICE_CODE_GRANT),
        ("client_id", defaults::AZURE_CLI_CLIENT_ID),
        ("device_code", device_code),
    ];
    let response = h.http.post(url).form(&form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}
