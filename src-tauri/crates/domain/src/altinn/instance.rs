//! Instances of app B: create (an instance template, `instances/create` with prefill, or
//! multipart with a data file per data type), read, update a data element, move the process on,
//! fetch the receipt, list active ones and delete. Pure request builders and parsers
//! (protocols.md §4.1–4.4); `super::client` sends them through the transport.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::app::{AppMetadata, join, prefill_key_matches};
use super::owner::InstanceOwner;
use super::{AppCallError, json_body};
use crate::error::{AppError, ErrorKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::secret::AltinnToken;

/// `partyId/instanceGuid`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InstanceRef {
    pub party_id: String,
    pub guid: String,
}

impl InstanceRef {
    pub fn parse(id: &str) -> Result<Self, AppError> {
        let bad = || {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("\"{id}\" is not an instance id (partyId/instanceGuid)"),
            )
        };
        let (party, guid) = id.trim().split_once('/').ok_or_else(bad)?;
        if party.is_empty()
            || !party.chars().all(|c| c.is_ascii_digit())
            || uuid::Uuid::parse_str(guid).is_err()
        {
            return Err(bad());
        }
        Ok(Self {
            party_id: party.into(),
            guid: guid.into(),
        })
    }

    pub fn id(&self) -> String {
        format!("{}/{}", self.party_id, self.guid)
    }

    fn path(&self, rest: &str) -> String {
        format!("instances/{}/{}{rest}", self.party_id, self.guid)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataElementSummary {
    pub id: String,
    pub data_type: String,
    pub content_type: String,
    pub size: u64,
    pub filename: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InstanceSummary {
    /// `partyId/instanceGuid`.
    pub id: String,
    pub app_id: String,
    pub owner_party_id: String,
    /// The current process task, `None` when the process has ended.
    pub current_task: Option<String>,
    pub current_task_name: Option<String>,
    /// When the process ended (RFC 3339), if it has.
    pub ended: Option<String>,
    pub data: Vec<DataElementSummary>,
    /// The instance in the app's API (the link a person opens with a token).
    pub app_link: Option<String>,
    pub created: Option<String>,
    pub last_changed: Option<String>,
}

impl InstanceSummary {
    pub fn reference(&self) -> Result<InstanceRef, AppError> {
        InstanceRef::parse(&self.id)
    }

    /// The receipt: the PDF data element that appears when the process has ended (protocols.md
    /// §4.3: its data type name is app-specific, so it is found by content type).
    pub fn receipt(&self) -> Option<&DataElementSummary> {
        // The receipt exists only once the process has ended (protocols.md §4.3). Its data type
        // is app-specific (`ref-data-as-pdf` in Altinn's examples): prefer that, else the last
        // PDF element, which the app appends after any PDF attachments the person uploaded.
        self.ended.as_ref()?;
        let pdfs: Vec<&DataElementSummary> = self
            .data
            .iter()
            .filter(|d| d.content_type.starts_with("application/pdf"))
            .collect();
        pdfs.iter()
            .find(|d| d.data_type == "ref-data-as-pdf")
            .or(pdfs.last())
            .copied()
    }
}

/// One file for a multipart instantiation: the part is named after its data type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPart {
    pub data_type: String,
    pub content_type: String,
    /// The file's own name, sent as the part's `filename` (apps' file validators look at its
    /// extension, and it becomes the data element's `filename`).
    pub file_name: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Create {
    /// `POST instances` with `{"instanceOwner": …}` as JSON.
    Template,
    /// `POST instances/create` with prefill pairs.
    Prefill(BTreeMap<String, String>),
    /// `POST instances` as multipart: the template plus data files.
    Multipart(Vec<DataPart>),
}

pub(super) fn authorized(request: HttpRequest, token: &AltinnToken) -> HttpRequest {
    request.header("Authorization", format!("Bearer {}", token.expose_secret()))
}

/// Refuses an owner the app does not accept before anything is sent.
pub fn check_owner(metadata: &AppMetadata, owner: &InstanceOwner) -> Result<(), AppError> {
    let allowed = match owner {
        InstanceOwner::Organisation(_) => metadata.party_types_allowed.allows_organisation(),
        InstanceOwner::Person(_) => metadata.party_types_allowed.allows_person(),
        InstanceOwner::Party(_) => true, // its type is only known to the app
    };
    if allowed {
        return Ok(());
    }
    Err(AppError::new(
        ErrorKind::InvalidInput,
        format!(
            "{} does not accept {} as instance owner; nothing was sent.",
            metadata.id,
            owner.label()
        ),
    )
    .with_hint("See partyTypesAllowed in the app's metadata (App B at a glance)."))
}

/// Part names must be data type ids and content types among the type's allowed ones
/// (protocols.md §4.2, RequestPartValidator); checked before sending.
pub fn check_parts(metadata: &AppMetadata, parts: &[DataPart]) -> Result<(), AppError> {
    for part in parts {
        let Some(data_type) = metadata.data_type(&part.data_type) else {
            let known: Vec<&str> = metadata.data_types.iter().map(|d| d.id.as_str()).collect();
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} has no data type \"{}\"; it has {}.",
                    metadata.id,
                    part.data_type,
                    known.join(", ")
                ),
            ));
        };
        // app-lib's RequestPartValidator: `ContentType.Split(";")[0]` must be in
        // allowedContentTypes, compared exactly (ordinal, case-sensitive, nothing trimmed).
        // Source: tests/conformance/altinn-app/app-multipart-allowedcontenttypes-case-sensitive.json.
        let bare = part.content_type.split(';').next().unwrap_or_default();
        let allowed = &data_type.allowed_content_types;
        if !allowed.is_empty() && !allowed.iter().any(|c| c == bare) {
            let near = allowed
                .iter()
                .find(|c| c.eq_ignore_ascii_case(bare.trim()))
                .map(|c| format!(" The app compares content types exactly: send {c}."))
                .unwrap_or_default();
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "Data type \"{}\" accepts {}, not {bare}.{near}",
                    data_type.id,
                    allowed.join(", ")
                ),
            ));
        }
        if part.body.is_empty() {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                format!("The file for \"{}\" is empty.", data_type.id),
            ));
        }
        let count = parts
            .iter()
            .filter(|p| p.data_type == part.data_type)
            .count();
        if data_type.max_count > 0 && count > data_type.max_count as usize {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                format!(
                    "Data type \"{}\" allows at most {} file(s).",
                    data_type.id, data_type.max_count
                ),
            ));
        }
    }
    Ok(())
}

/// Prefill keys the schema does not know: the app silently ignores them (APPLIB PrefillSI with
/// `continueOnError`), so the person is warned instead.
pub fn unknown_prefill_keys(
    schema_paths: &[String],
    prefill: &BTreeMap<String, String>,
) -> Vec<String> {
    prefill
        .keys()
        .filter(|k| !schema_paths.iter().any(|p| prefill_key_matches(k, p)))
        .cloned()
        .collect()
}

pub fn create_request(
    app: &Url,
    token: &AltinnToken,
    owner: &InstanceOwner,
    create: &Create,
) -> HttpRequest {
    let template = serde_json::json!({ "instanceOwner": owner.to_json() });
    let request = match create {
        Create::Template => HttpRequest::post(
            join(app, "instances"),
            "application/json",
            template.to_string().into_bytes(),
        ),
        Create::Prefill(prefill) => {
            let body = serde_json::json!({ "instanceOwner": owner.to_json(), "prefill": prefill });
            HttpRequest::post(
                join(app, "instances/create"),
                "application/json",
                body.to_string().into_bytes(),
            )
        }
        Create::Multipart(parts) => {
            let boundary = format!("mpa-{}", uuid::Uuid::new_v4().simple());
            let mut body = Vec::new();
            let mut part = |name: &str, file: Option<&str>, content_type: &str, bytes: &[u8]| {
                let disposition = content_disposition(name, file);
                body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            };
            // The instance template is a form field, not a file: no filename.
            part(
                "instance",
                None,
                "application/json",
                template.to_string().as_bytes(),
            );
            for p in parts {
                part(
                    &p.data_type,
                    p.file_name.as_deref(),
                    &p.content_type,
                    &p.body,
                );
            }
            body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            HttpRequest::post(
                join(app, "instances"),
                &format!("multipart/form-data; boundary={boundary}"),
                body,
            )
        }
    };
    authorized(request.header("Accept", "application/json"), token)
}

/// `form-data; name="…"` and, for a file, `filename="…"` with the name's last path component;
/// quotes, backslashes and control characters are dropped. Beyond ASCII the name goes as UTF-8,
/// as browsers send it: RFC 7578 §4.2 says `filename*` MUST NOT be used in form data, and
/// ASP.NET Core's MultipartReader reads section headers as UTF-8.
fn content_disposition(name: &str, file: Option<&str>) -> String {
    let Some(file) = file else {
        return format!("form-data; name=\"{name}\"");
    };
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let clean: String = base
        .chars()
        .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
        .collect();
    format!("form-data; name=\"{name}\"; filename=\"{clean}\"")
}

pub fn get_request(app: &Url, token: &AltinnToken, instance: &InstanceRef) -> HttpRequest {
    authorized(
        HttpRequest::get(join(app, &instance.path(""))).header("Accept", "application/json"),
        token,
    )
}

pub fn active_request(app: &Url, token: &AltinnToken, party_id: &str) -> HttpRequest {
    authorized(
        HttpRequest::get(join(app, &format!("instances/{party_id}/active")))
            .header("Accept", "application/json"),
        token,
    )
}

/// A data element id goes into a URL path: only a GUID is accepted, so `..` or `/` can never
/// steer a request carrying the token elsewhere on the app host.
pub fn check_data_id(id: &str) -> Result<(), AppError> {
    uuid::Uuid::parse_str(id).map(|_| ()).map_err(|_| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "\"{id}\" is not a data element id (a GUID, see the instance's data elements)."
            ),
        )
    })
}

/// JSON or XML form data; the app treats a body without content type as XML (protocols.md §4.1).
pub fn update_data_request(
    app: &Url,
    token: &AltinnToken,
    instance: &InstanceRef,
    data_id: &str,
    content_type: &str,
    body: Vec<u8>,
) -> HttpRequest {
    let mut request = HttpRequest::get(join(app, &instance.path(&format!("/data/{data_id}"))))
        .header("Content-Type", content_type);
    request.method = "PUT";
    request.body = body;
    authorized(request.header("Accept", "application/json"), token)
}

pub fn next_request(app: &Url, token: &AltinnToken, instance: &InstanceRef) -> HttpRequest {
    let mut request = HttpRequest::get(join(app, &instance.path("/process/next")))
        .header("Accept", "application/json");
    request.method = "PUT";
    authorized(request, token)
}

pub fn data_request(
    app: &Url,
    token: &AltinnToken,
    instance: &InstanceRef,
    data_id: &str,
    accept: &str,
) -> HttpRequest {
    authorized(
        HttpRequest::get(join(app, &instance.path(&format!("/data/{data_id}"))))
            .header("Accept", accept),
        token,
    )
}

/// The instance's own URL, `{app}instances/{party}/{guid}`.
pub(super) fn instance_url(app: &Url, instance: &InstanceRef) -> Url {
    join(app, &instance.path(""))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawInstance {
    id: String,
    app_id: Option<String>,
    instance_owner: Option<RawOwner>,
    process: Option<RawProcess>,
    #[serde(default)]
    data: Vec<RawData>,
    self_links: Option<RawLinks>,
    created: Option<String>,
    last_changed: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOwner {
    party_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProcess {
    current_task: Option<RawTask>,
    ended: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTask {
    element_id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawData {
    id: String,
    data_type: String,
    content_type: Option<String>,
    #[serde(default)]
    size: u64,
    filename: Option<String>,
}

#[derive(Deserialize)]
struct RawLinks {
    apps: Option<String>,
}

pub fn parse_instance(response: &HttpResponse) -> Result<InstanceSummary, AppCallError> {
    let raw: RawInstance = json_body(response)?;
    let task = raw.process.as_ref().and_then(|p| p.current_task.as_ref());
    Ok(InstanceSummary {
        owner_party_id: raw
            .instance_owner
            .and_then(|o| o.party_id)
            .unwrap_or_else(|| raw.id.split('/').next().unwrap_or_default().to_string()),
        id: raw.id,
        app_id: raw.app_id.unwrap_or_default(),
        current_task: task.and_then(|t| t.element_id.clone()),
        current_task_name: task.and_then(|t| t.name.clone()),
        ended: raw.process.and_then(|p| p.ended),
        data: raw
            .data
            .into_iter()
            .map(|d| DataElementSummary {
                id: d.id,
                data_type: d.data_type,
                content_type: d.content_type.unwrap_or_default(),
                size: d.size,
                filename: d.filename,
            })
            .collect(),
        app_link: raw.self_links.and_then(|l| l.apps),
        created: raw.created,
        last_changed: raw.last_changed,
    })
}

/// The ids of `GET instances/{party}/active` (a SimpleInstance list).
pub fn parse_active(response: &HttpResponse) -> Result<Vec<String>, AppCallError> {
    #[derive(Deserialize)]
    struct Simple {
        id: String,
    }
    let list: Vec<Simple> = json_body(response)?;
    Ok(list.into_iter().map(|s| s.id).collect())
}

/// Any 2xx; bodies of PUT data (DataElement or CalculationResult) and process/next are not
/// needed: the instance is read again after them.
pub fn parse_ok(response: &HttpResponse) -> Result<(), AppCallError> {
    super::check(response)
}

pub fn parse_bytes(response: &HttpResponse) -> Result<Vec<u8>, AppCallError> {
    super::check(response)?;
    Ok(response.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://ttd.apps.tt02.altinn.no/ttd/app-b/").expect("url")
    }

    #[test]
    fn a_prefill_request_goes_to_instances_create_with_owner_and_pairs() {
        let token = AltinnToken::new("t.o.k".into());
        let prefill = BTreeMap::from([("skjema.navn".to_string(), "Kari".to_string())]);
        let r = create_request(
            &url(),
            &token,
            &InstanceOwner::Party("500001".into()),
            &Create::Prefill(prefill),
        );
        assert_eq!(
            (r.method, r.url.as_str()),
            (
                "POST",
                "https://ttd.apps.tt02.altinn.no/ttd/app-b/instances/create"
            )
        );
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(
            body,
            serde_json::json!({"instanceOwner": {"partyId": "500001"}, "prefill": {"skjema.navn": "Kari"}})
        );
        assert_eq!(r.header_value("authorization"), Some("Bearer t.o.k"));
    }

    #[test]
    fn a_multipart_request_has_the_instance_part_first_and_one_part_per_file() {
        let parts = vec![
            DataPart {
                data_type: "model".into(),
                content_type: "application/xml".into(),
                file_name: None,
                body: b"<Model/>".to_vec(),
            },
            DataPart {
                data_type: "attachment".into(),
                content_type: "application/pdf".into(),
                file_name: Some("C:\\Users\\Kari Nordmann\\Søknad om \"tilskudd\".pdf".into()),
                body: b"%PDF".to_vec(),
            },
        ];
        let r = create_request(
            &url(),
            &AltinnToken::new("t".into()),
            &InstanceOwner::Organisation("310987654".into()),
            &Create::Multipart(parts),
        );
        let content_type = r
            .header_value("content-type")
            .expect("content type")
            .to_string();
        let boundary = content_type.split("boundary=").nth(1).expect("boundary");
        let body = String::from_utf8(r.body.clone()).expect("utf8");
        let instance_at = body.find("name=\"instance\"").expect("instance part");
        let model_at = body.find("name=\"model\"").expect("model part");
        assert!(instance_at < model_at);
        assert!(body.ends_with(&format!("--{boundary}--\r\n")));
        assert!(
            body.contains("Content-Disposition: form-data; name=\"instance\"\r\n"),
            "the template is a field, not a file"
        );
        assert!(
            body.contains("Content-Disposition: form-data; name=\"model\"\r\n"),
            "no made-up file name"
        );
        assert!(
            body.contains("name=\"attachment\"; filename=\"Søknad om tilskudd.pdf\"\r\n"),
            "{body}"
        );
        assert!(body.contains("{\"instanceOwner\":{\"organisationNumber\":\"310987654\"}}"));
    }

    fn pdf(id: &str, data_type: &str) -> DataElementSummary {
        DataElementSummary {
            id: id.into(),
            data_type: data_type.into(),
            content_type: "application/pdf".into(),
            size: 1,
            filename: None,
        }
    }

    #[test]
    fn the_receipt_is_the_apps_pdf_after_the_end_never_an_uploaded_attachment() {
        let mut i = InstanceSummary {
            id: "1/x".into(),
            app_id: String::new(),
            owner_party_id: "1".into(),
            current_task: Some("Task_1".into()),
            current_task_name: None,
            ended: None,
            data: vec![pdf("a", "attachment")],
            app_link: None,
            created: None,
            last_changed: None,
        };
        assert_eq!(i.receipt(), None, "no receipt before the process ends");
        i.ended = Some("2026-11-21T10:00:00Z".into());
        i.data.push(pdf("r", "ref-data-as-pdf"));
        i.data.push(pdf("b", "attachment"));
        assert_eq!(
            i.receipt().map(|d| d.id.as_str()),
            Some("r"),
            "ref-data-as-pdf wins"
        );
        i.data.retain(|d| d.data_type != "ref-data-as-pdf");
        i.data.push(pdf("k", "kvittering"));
        assert_eq!(
            i.receipt().map(|d| d.id.as_str()),
            Some("k"),
            "else the last PDF"
        );
    }

    #[test]
    fn data_element_ids_must_be_guids_so_paths_cannot_be_steered() {
        assert!(check_data_id("5d9e906b-83ed-44df-85a7-2f104c640bff").is_ok());
        for bad in ["../../other", "a/b", ""] {
            assert!(check_data_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instance_ids_are_party_slash_guid() {
        assert!(InstanceRef::parse("500001/5d9e906b-83ed-44df-85a7-2f104c640bff").is_ok());
        for bad in [
            "500001",
            "abc/5d9e906b-83ed-44df-85a7-2f104c640bff",
            "500001/not-a-guid",
        ] {
            assert!(InstanceRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_become_the_errors_the_app_means() {
        let respond = |status, body: &str| HttpResponse {
            status,
            headers: vec![("Retry-After".into(), "3".into())],
            body: body.as_bytes().to_vec(),
        };
        assert!(matches!(
            parse_instance(&respond(404, "Cannot lookup party: x")),
            Err(AppCallError::PartyNotFound { .. })
        ));
        assert!(matches!(
            parse_instance(&respond(403, "")),
            Err(AppCallError::Forbidden { .. })
        ));
        assert_eq!(
            parse_instance(&respond(429, "")).expect_err("429"),
            AppCallError::Throttled {
                retry_after_seconds: Some(3)
            }
        );
        assert!(matches!(
            parse_instance(&respond(201, "not json")),
            Err(AppCallError::Unparseable { .. })
        ));
    }
}
