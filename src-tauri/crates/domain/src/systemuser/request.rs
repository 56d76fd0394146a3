//! The system-user request a vendor sends for a customer (docs/reference/systemuser.md §3;
//! Altinn authentication `RequestSystemUserController`): create, read by id, list by system,
//! the status values and what each means for the person. Pure: the caller sends.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::register::Right;
use crate::diagnosis::{Localized, l};
use crate::error::{AppError, ErrorKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::AccessToken;

pub const WRITE_SCOPE: &str = "altinn:authentication/systemuser.request.write";
pub const READ_SCOPE: &str = "altinn:authentication/systemuser.request.read";
const BASE: &str = "authentication/api/v1/systemuser/request/vendor";

/// `CreateRequestSystemUser` (§3.1): `externalRef` (not the docs' `externalReference`, which the
/// model does not bind), `systemId`, `partyOrgNo` (9 digits, no `0192:`), `rights`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewSystemUserRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<String>,
    pub system_id: String,
    pub party_org_no: String,
    pub rights: Vec<Right>,
}

/// `RequestSystemResponse` (§3.1), the fields the tool shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SystemUserRequest {
    pub id: String,
    #[serde(default)]
    pub external_ref: Option<String>,
    pub system_id: String,
    pub party_org_no: String,
    #[serde(default)]
    pub rights: Vec<Right>,
    /// `New`, `Accepted`, `Rejected`, `Denied` or `Timedout` (§3.3), as sent.
    pub status: String,
    /// Shown and opened exactly as returned, never built (§3.1).
    #[serde(default)]
    pub confirm_url: Option<String>,
}

/// §3.3, compared without case (the docs spell it three ways).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "SystemUserRequestStatus")]
pub enum Status {
    New,
    Accepted,
    Rejected,
    Denied,
    Timedout,
    Unknown,
}

impl Status {
    pub fn parse(value: &str) -> Status {
        match value.to_ascii_lowercase().as_str() {
            "new" => Status::New,
            "accepted" => Status::Accepted,
            "rejected" => Status::Rejected,
            "denied" => Status::Denied,
            "timedout" => Status::Timedout,
            _ => Status::Unknown,
        }
    }

    /// Whether the customer may still act on it (poll on).
    pub fn pending(self) -> bool {
        self == Status::New
    }

    /// What the person does next.
    pub fn next_step(self) -> Localized {
        match self {
            Status::New => l(
                "Send the confirm link to someone at the customer who may approve it (they need the rights the system asks for themselves), and wait for the status to change.",
                "Send godkjenningslenken til noen hos kunden som kan godkjenne (de må selv ha rettighetene systemet ber om), og vent til statusen endres.",
            ),
            Status::Accepted => l(
                "Approved: the system user exists. Get a system-user token for the customer (token --system-user ORG, with --external-ref if you set one).",
                "Godkjent: systembrukeren finnes. Hent et systembrukertoken for kunden (token --system-user ORG, med --external-ref hvis du satte en).",
            ),
            Status::Rejected => l(
                "The customer did not approve. Talk to them; a new request needs the old one deleted first.",
                "Kunden godkjente ikke. Snakk med dem; en ny forespørsel krever at den gamle slettes først.",
            ),
            Status::Denied => l(
                "The request was denied. Delete it and send a new one if the customer agrees.",
                "Forespørselen ble avvist. Slett den og send en ny hvis kunden er enig.",
            ),
            Status::Timedout => l(
                "Nobody approved it within 10 days, so Altinn let it go. Send a new request.",
                "Ingen godkjente innen 10 dager, så Altinn forkastet den. Send en ny forespørsel.",
            ),
            Status::Unknown => l(
                "Altinn answered a status this tool does not know; it is shown as sent.",
                "Altinn svarte med en status verktøyet ikke kjenner; den vises som den kom.",
            ),
        }
    }
}

fn url(platform: &Url, path: &str) -> Result<Url, AppError> {
    platform
        .join(&format!("{BASE}{path}"))
        .map_err(|e| AppError::new(ErrorKind::InvalidInput, e.to_string()))
}

fn bearer(request: HttpRequest, token: &AccessToken) -> HttpRequest {
    request
        .header("Accept", "application/json")
        .header("Authorization", format!("Bearer {}", token.expose_secret()))
}

/// `POST …/vendor` (§3.1), scope `systemuser.request.write`. The customer's org number is
/// checked here first: 9 digits, mod-11 (a wrong one would only come back as a server error).
pub fn create(
    platform: &Url,
    token: &AccessToken,
    body: &NewSystemUserRequest,
) -> Result<HttpRequest, AppError> {
    crate::org::OrgNumber::parse(&body.party_org_no).map_err(|e| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("The customer's organisation number: {e}"),
        )
    })?;
    if body
        .external_ref
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "An empty externalRef: leave it out instead (it then defaults to the customer's organisation number).",
        ));
    }
    let json =
        serde_json::to_vec(body).map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    Ok(bearer(
        HttpRequest::post(url(platform, "")?, "application/json", json),
        token,
    ))
}

/// `GET …/vendor/{id}` (§3.2), scope `systemuser.request.read`.
pub fn get(platform: &Url, token: &AccessToken, id: &str) -> Result<HttpRequest, AppError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            format!("\"{id}\" is not a request id (a GUID)."),
        ));
    }
    Ok(bearer(
        HttpRequest::get(url(platform, &format!("/{id}"))?),
        token,
    ))
}

/// `GET …/vendor/bysystem/{systemId}` (§3.2), the first page.
pub fn by_system(
    platform: &Url,
    token: &AccessToken,
    system_id: &str,
) -> Result<HttpRequest, AppError> {
    Ok(bearer(
        HttpRequest::get(url(platform, &format!("/bysystem/{system_id}"))?),
        token,
    ))
}

/// 201 (new) or 200 (the pending one already there) with the request (§3.1).
pub fn parse_request(response: &HttpResponse) -> Result<SystemUserRequest, AppError> {
    match response.status {
        200 | 201 => serde_json::from_slice(&response.body).map_err(|_| {
            AppError::new(
                ErrorKind::Server,
                "Altinn's answer is not a system-user request.",
            )
        }),
        _ => Err(refused(response)),
    }
}

/// `{"links":{…},"data":[…]}`: the requests on this page, and the next page's URL if any.
pub fn parse_page(
    response: &HttpResponse,
) -> Result<(Vec<SystemUserRequest>, Option<String>), AppError> {
    if response.status != 200 {
        return Err(refused(response));
    }
    let body: serde_json::Value = serde_json::from_slice(&response.body).map_err(|_| {
        AppError::new(
            ErrorKind::Server,
            "Altinn's answer is not a page of requests.",
        )
    })?;
    let data = serde_json::from_value(body["data"].clone()).map_err(|_| {
        AppError::new(
            ErrorKind::Server,
            "Altinn's page of requests has no data list.",
        )
    })?;
    // The key of the next link is UNCONFIRMED (§3.2): any URL in `links`.
    let next = body["links"]
        .as_object()
        .and_then(|links| links.values().find_map(|v| v.as_str().map(str::to_string)));
    Ok((data, next))
}

/// A problem by its `code` (§1.2, §3.1), with what to do.
fn refused(response: &HttpResponse) -> AppError {
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
    let code = body["code"].as_str().unwrap_or_default();
    let title = body["title"]
        .as_str()
        .or(body["detail"].as_str())
        .unwrap_or_default();
    let hint = match code {
        "AUTH-00004" | "AUTH-00006" => {
            "A system user already exists for this customer and reference: go on with the system-user token."
        }
        "AUTH-00011" => "Register the system first (system register --yes), with this client id.",
        "AUTH-00001" => "Ask only for rights the system has in the system register (system show).",
        "AUTH-00007" => {
            "A request for this customer and reference is pending: use it (systemuser list) instead of a new one."
        }
        "AUTH-00008" | "AUTH-00009" => "Delete the old request, then send a new one.",
        _ => match response.status {
            401 => {
                "The token must be the vendor's own Maskinporten token, with its organisation as consumer."
            }
            403 => {
                "The token lacks altinn:authentication/systemuser.request.write (or .read): add it to the client."
            }
            _ => "See Altinn's words above.",
        },
    };
    let said = if code.is_empty() {
        String::new()
    } else {
        format!(": {code} {title}")
    };
    AppError::new(
        ErrorKind::Server,
        format!(
            "Altinn refused the system-user request (HTTP {}){said}",
            response.status
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
    fn the_body_uses_external_ref_and_the_bare_org_number_and_bad_ones_stop_here() {
        let platform = Url::parse("https://platform.tt02.altinn.no/").unwrap();
        let token = AccessToken::new("t".into());
        let mut body = NewSystemUserRequest {
            external_ref: Some("ref-1".into()),
            system_id: "312345676_x".into(),
            party_org_no: "310987654".into(),
            rights: vec![super::super::register::app_right("ttd/app-b").unwrap()],
        };
        let request = create(&platform, &token, &body).unwrap();
        assert!(
            request
                .url
                .as_str()
                .ends_with("/authentication/api/v1/systemuser/request/vendor")
        );
        let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent["externalRef"], "ref-1");
        assert!(sent.get("externalReference").is_none());
        assert_eq!(sent["partyOrgNo"], "310987654");
        body.party_org_no = "310987655".into();
        assert!(create(&platform, &token, &body).is_err(), "mod-11");
        assert!(get(&platform, &token, "not-a-guid").is_err());
    }

    #[test]
    fn statuses_are_read_without_case_and_each_says_what_to_do() {
        assert_eq!(Status::parse("TimedOut"), Status::Timedout);
        assert_eq!(Status::parse("accepted"), Status::Accepted);
        assert_eq!(Status::parse("Weird"), Status::Unknown);
        for s in [
            Status::New,
            Status::Accepted,
            Status::Rejected,
            Status::Denied,
            Status::Timedout,
            Status::Unknown,
        ] {
            assert!(!s.next_step().en.is_empty() && !s.next_step().nb.is_empty());
        }
        assert!(Status::New.pending() && !Status::Accepted.pending());
    }

    #[test]
    fn answers_and_problems_are_read_by_code() {
        let ok = parse_request(&response(201, json!({"id":"d111dbab-d619-4f15-bf29-58fe570a9ae6","systemId":"s","partyOrgNo":"310987654","status":"New","confirmUrl":"https://am.ui.tt02.altinn.no/x"}))).unwrap();
        assert_eq!(
            ok.confirm_url.as_deref(),
            Some("https://am.ui.tt02.altinn.no/x")
        );
        let e = parse_request(&response(400, json!({"code":"AUTH-00004","title":"Failed to create new SystemUser, existing SystemUser tied to the given System-Id."}))).unwrap_err();
        assert!(e.message.contains("AUTH-00004") && e.hint.unwrap().contains("system-user token"));
        let (page, next) = parse_page(&response(
            200,
            json!({"links":{"next":"https://p/next"},"data":[]}),
        ))
        .unwrap();
        assert!(page.is_empty());
        assert_eq!(next.as_deref(), Some("https://p/next"));
    }
}
