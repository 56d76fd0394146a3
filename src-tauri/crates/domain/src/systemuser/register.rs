//! The vendor's system in Altinn's system register (docs/reference/systemuser.md §2; Altinn
//! authentication `SystemRegisterController`): what the profile needs registered, how it differs
//! from what is, and the requests that read, create and replace it. Pure: the caller sends.
//!
//! Token: the vendor's own Maskinporten token with `altinn:authentication/systemregister.write`
//! (§1: also for GET). Whether an exchanged Altinn token is accepted too is UNCONFIRMED: the
//! strict choice is the raw Maskinporten token, which every doc page names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::diagnosis::{Localized, l};
use crate::error::{AppError, ErrorKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::AccessToken;

pub const SCOPE: &str = "altinn:authentication/systemregister.write";
const BASE: &str = "authentication/api/v1/systemregister/vendor";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SystemTexts")]
pub struct Texts {
    #[serde(default)]
    pub nb: String,
    #[serde(default)]
    pub nn: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SystemVendor")]
pub struct Vendor {
    #[serde(default = "authority")]
    pub authority: String,
    /// `0192:<orgno>`; upper-case `ID` as in every request example (§2.1).
    #[serde(rename = "ID", alias = "id")]
    pub id: String,
}

fn authority() -> String {
    "iso6523-actorid-upis".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SystemResource")]
pub struct Resource {
    pub id: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SystemRight")]
pub struct Right {
    pub resource: Vec<Resource>,
}

/// `RegisterSystemRequest` / `RegisteredSystemResponse` (§2.1, §2.3), the fields this tool uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisteredSystem {
    pub id: String,
    pub vendor: Vendor,
    pub name: Texts,
    pub description: Texts,
    #[serde(default)]
    pub rights: Vec<Right>,
    #[serde(default)]
    pub client_id: Vec<String>,
    /// `false`: only vendor-driven requests, which is how this tool asks (§2.1 D-MODEL).
    #[serde(default = "visible")]
    pub is_visible: bool,
    #[serde(default)]
    pub allowed_redirect_urls: Vec<String>,
}

fn visible() -> bool {
    true
}

/// `app_{org}_{app}`: an Altinn app as a resource in the rights (§2.1, SBS-setup).
pub fn app_right(app: &str) -> Result<Right, AppError> {
    let (org, name) = app
        .split_once('/')
        .filter(|(o, a)| !o.is_empty() && !a.is_empty())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("App B \"{app}\" is not org/app."),
            )
        })?;
    Ok(Right {
        resource: vec![Resource {
            id: "urn:altinn:resource".into(),
            value: format!("app_{org}_{name}"),
        }],
    })
}

/// The system id: `{vendorOrgNo}_{name}`, no spaces (AUTH.VLD-00001, AUTH.VLD-00013).
pub fn system_id(vendor_org: &str, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "The system name \"{name}\" must be one word without spaces (Altinn refuses spaces in a system id)."
            ),
        ));
    }
    Ok(format!("{vendor_org}_{name}"))
}

/// What the profile needs registered: its organisation as vendor, its client id, app B.
pub fn wanted(
    vendor_org: &str,
    name: &str,
    client_id: &str,
    app_b: &str,
) -> Result<RegisteredSystem, AppError> {
    let title = format!("{name} (Maskinporten Assistant)");
    Ok(RegisteredSystem {
        id: system_id(vendor_org, name)?,
        vendor: Vendor {
            authority: authority(),
            id: format!("0192:{vendor_org}"),
        },
        name: Texts {
            nb: title.clone(),
            nn: title.clone(),
            en: title,
        },
        description: Texts {
            nb: format!("Lager instanser av {app_b} som systembruker."),
            nn: format!("Lagar instansar av {app_b} som systembrukar."),
            en: format!("Creates instances of {app_b} as a system user."),
        },
        rights: vec![app_right(app_b)?],
        client_id: vec![client_id.to_string()],
        is_visible: false,
        allowed_redirect_urls: Vec::new(),
    })
}

/// What differs between what is registered and what the profile needs, in words for the
/// person, before anything is changed. Names and descriptions the vendor wrote are kept: only
/// the client id and the rights the profile needs are added.
pub fn changes(
    registered: &RegisteredSystem,
    wanted: &RegisteredSystem,
) -> (RegisteredSystem, Vec<Localized>) {
    let mut merged = registered.clone();
    let mut said = Vec::new();
    for client in &wanted.client_id {
        if !merged.client_id.contains(client) {
            merged.client_id.push(client.clone());
            said.push(l(
                format!("add client id {client}"),
                format!("legge til klient-id {client}"),
            ));
        }
    }
    for right in &wanted.rights {
        if !merged.rights.contains(right) {
            merged.rights.push(right.clone());
            let values: Vec<&str> = right.resource.iter().map(|r| r.value.as_str()).collect();
            let values = values.join(", ");
            said.push(l(
                format!("add the right {values}"),
                format!("legge til rettigheten {values}"),
            ));
        }
    }
    (merged, said)
}

/// The one change when the register does not have the system yet.
pub fn creation(id: &str) -> Localized {
    l(
        format!("create the system {id}"),
        format!("opprette systemet {id}"),
    )
}

fn url(platform: &Url, id: Option<&str>) -> Result<Url, AppError> {
    let path = match id {
        Some(id) => format!("{BASE}/{id}"),
        None => BASE.to_string(),
    };
    platform
        .join(&path)
        .map_err(|e| AppError::new(ErrorKind::InvalidInput, format!("system id {id:?}: {e}")))
}

fn bearer(request: HttpRequest, token: &AccessToken) -> HttpRequest {
    request
        .header("Accept", "application/json")
        .header("Authorization", format!("Bearer {}", token.expose_secret()))
}

/// `GET …/vendor/{systemId}` (§2.3).
pub fn read(platform: &Url, token: &AccessToken, id: &str) -> Result<HttpRequest, AppError> {
    Ok(bearer(HttpRequest::get(url(platform, Some(id))?), token))
}

/// `GET …/vendor`: the caller's own systems (§2.3).
pub fn list(platform: &Url, token: &AccessToken) -> Result<HttpRequest, AppError> {
    Ok(bearer(HttpRequest::get(url(platform, None)?), token))
}

pub fn parse_list(response: &HttpResponse) -> Result<Vec<RegisteredSystem>, AppError> {
    if response.status != 200 {
        return Err(refused(response, "the vendor's systems"));
    }
    serde_json::from_slice(&response.body).map_err(|_| {
        AppError::new(
            ErrorKind::Server,
            "The system register's list is not a list of systems.",
        )
    })
}

/// `POST …/vendor` (create) or `PUT …/vendor/{systemId}` (replace the whole system) (§2.1, §2.2).
pub fn write(
    platform: &Url,
    token: &AccessToken,
    system: &RegisteredSystem,
    exists: bool,
) -> Result<HttpRequest, AppError> {
    let body = serde_json::to_vec(system)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let target = url(platform, exists.then_some(system.id.as_str()))?;
    let mut request = HttpRequest::post(target, "application/json", body);
    if exists {
        request.method = "PUT";
    }
    Ok(bearer(request, token))
}

/// The system, or `None` on 404 (not registered).
pub fn parse_read(response: &HttpResponse, id: &str) -> Result<Option<RegisteredSystem>, AppError> {
    match response.status {
        200 => serde_json::from_slice(&response.body)
            .map(Some)
            .map_err(|_| {
                AppError::new(
                    ErrorKind::Server,
                    format!("The system register's answer for {id} is not a system."),
                )
            }),
        404 => Ok(None),
        _ => Err(refused(response, id)),
    }
}

/// POST: 200 with the new system's GUID as a JSON string; PUT: `{"succeeded":true}` (older
/// deployments: a bare `true`) (§2.1, §2.2).
pub fn parse_write(response: &HttpResponse, id: &str) -> Result<(), AppError> {
    if response.status != 200 {
        return Err(refused(response, id));
    }
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
    let ok = body.is_string() || body == serde_json::json!(true) || body["succeeded"] == true;
    if ok {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorKind::Server,
            format!("The system register did not confirm the change to {id}."),
        ))
    }
}

/// The register's refusal in its own words: a validation problem's `validationErrors[].code` and
/// `detail`, a problem's `code` and `title`, or a plain string (§1.2), plus what to do.
fn refused(response: &HttpResponse, id: &str) -> AppError {
    let body: serde_json::Value = serde_json::from_slice(&response.body)
        .unwrap_or_else(|_| serde_json::Value::String(response.text()));
    let mut said: Vec<String> = body["validationErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{} {}",
                        e["code"].as_str().unwrap_or_default(),
                        e["detail"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if said.is_empty() {
        if let Some(code) = body["code"].as_str() {
            said.push(format!(
                "{code} {}",
                body["title"].as_str().unwrap_or_default()
            ));
        } else if let Some(text) = body.as_str().filter(|t| !t.is_empty()) {
            said.push(text.chars().take(300).collect());
        }
    }
    let hint = match response.status {
        401 => {
            "The token was not accepted: it must be a Maskinporten token of the vendor's own client (not an exchanged Altinn token)."
        }
        403 => {
            "The token lacks altinn:authentication/systemregister.write, or its organisation is not the system's vendor: add the scope to the client in Samarbeidsportalen, and register the system under your own organisation number."
        }
        _ => "Fix what the register names, then register again.",
    };
    AppError::new(
        if response.status == 400 {
            ErrorKind::InvalidInput
        } else {
            ErrorKind::Server
        },
        format!(
            "The system register refused {id} (HTTP {}){}",
            response.status,
            if said.is_empty() {
                String::new()
            } else {
                format!(": {}", said.join("; "))
            }
        ),
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
    fn the_wanted_system_has_the_vendor_prefix_the_client_and_app_b_as_a_right_in_the_documented_shape()
     {
        let system = wanted("991825827", "assistant", "c-1", "ttd/app-b").unwrap();
        let body = serde_json::to_value(&system).unwrap();
        assert_eq!(body["id"], "991825827_assistant");
        assert_eq!(
            body["vendor"],
            json!({"authority":"iso6523-actorid-upis","ID":"0192:991825827"})
        );
        assert_eq!(
            body["rights"],
            json!([{"resource":[{"id":"urn:altinn:resource","value":"app_ttd_app-b"}]}])
        );
        assert_eq!(body["clientId"], json!(["c-1"]));
        assert_eq!(body["isVisible"], false);
        assert!(
            body["name"]["nn"].is_string()
                && body["description"]["en"]
                    .as_str()
                    .unwrap()
                    .contains("ttd/app-b")
        );
        assert!(wanted("991825827", "two words", "c", "ttd/b").is_err());
        assert!(app_right("nope").is_err());
    }

    #[test]
    fn changes_add_the_client_and_the_right_and_keep_the_vendors_own_texts() {
        let mut registered = wanted("991825827", "assistant", "c-0", "ttd/other").unwrap();
        registered.name.en = "Our own name".into();
        let (merged, said) = changes(
            &registered,
            &wanted("991825827", "assistant", "c-1", "ttd/app-b").unwrap(),
        );
        assert_eq!(merged.client_id, ["c-0", "c-1"]);
        assert_eq!(merged.rights.len(), 2);
        assert_eq!(merged.name.en, "Our own name");
        let said: Vec<&str> = said.iter().map(|c| c.en.as_str()).collect();
        assert_eq!(said, ["add client id c-1", "add the right app_ttd_app-b"]);
        assert!(changes(&merged, &merged.clone()).1.is_empty());
    }

    #[test]
    fn requests_and_answers_follow_the_register() {
        let platform = Url::parse("https://platform.tt02.altinn.no/").unwrap();
        let token = AccessToken::new("t".into());
        let system = wanted("991825827", "assistant", "c-1", "ttd/app-b").unwrap();
        let post = write(&platform, &token, &system, false).unwrap();
        assert_eq!(
            (post.method, post.url.as_str()),
            (
                "POST",
                "https://platform.tt02.altinn.no/authentication/api/v1/systemregister/vendor"
            )
        );
        let put = write(&platform, &token, &system, true).unwrap();
        assert_eq!(put.method, "PUT");
        assert!(put.url.path().ends_with("/vendor/991825827_assistant"));
        assert!(
            parse_write(
                &response(200, json!("772e52bc-63c3-45c0-80b7-f3bb1581469f")),
                "x"
            )
            .is_ok()
        );
        assert!(parse_write(&response(200, json!({"succeeded": true})), "x").is_ok());
        assert!(parse_write(&response(200, json!(true)), "x").is_ok());
        assert_eq!(parse_read(&response(404, json!(null)), "x").unwrap(), None);
        let e = parse_write(
            &response(400, json!({"code":"STD-00000","validationErrors":[{"code":"AUTH.VLD-00004","detail":"One of the client id is already tagged with an existing system"}]})),
            "x",
        )
        .unwrap_err();
        assert!(
            e.message.contains("AUTH.VLD-00004 One of the client id"),
            "{}",
            e.message
        );
        let e = parse_read(&response(403, json!(null)), "x").unwrap_err();
        assert!(e.hint.unwrap().contains("systemregister.write"));
    }
}
