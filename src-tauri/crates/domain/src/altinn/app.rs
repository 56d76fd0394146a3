//! App B at a glance: its application metadata (data types, which one is the form, party types,
//! user instantiation) and its form's JSON schema (protocols.md §4.1: `api/v1/applicationmetadata`
//! is anonymous; `api/jsonschema/{id}` serves `models/{id}.schema.json` when the app has one).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::AppCallError;
use crate::http::{HttpRequest, HttpResponse};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataTypeInfo {
    pub id: String,
    pub allowed_content_types: Vec<String>,
    /// A data type with `appLogic.classRef` is the form's data model.
    pub is_form: bool,
    pub auto_create: bool,
    pub task_id: Option<String>,
    /// 0 = no limit.
    pub max_count: u32,
    /// In MB, when limited.
    pub max_size: Option<u64>,
}

/// Which kinds of instance owner the app accepts. All false means all allowed (Altinn's rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PartyTypesAllowed {
    #[serde(default)]
    pub bankruptcy_estate: bool,
    #[serde(default)]
    pub organisation: bool,
    #[serde(default)]
    pub person: bool,
    #[serde(default)]
    pub sub_unit: bool,
}

impl PartyTypesAllowed {
    fn any(&self) -> bool {
        self.bankruptcy_estate || self.organisation || self.person || self.sub_unit
    }

    /// An organisation number can be a main unit or a subunit: either kind being allowed is
    /// enough to try; the app decides from the register.
    pub fn allows_organisation(&self) -> bool {
        !self.any() || self.organisation || self.sub_unit || self.bankruptcy_estate
    }

    pub fn allows_person(&self) -> bool {
        !self.any() || self.person
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppMetadata {
    /// `org/app`.
    pub id: String,
    pub org: String,
    pub data_types: Vec<DataTypeInfo>,
    pub party_types_allowed: PartyTypesAllowed,
    pub disallow_user_instantiation: bool,
}

impl AppMetadata {
    pub fn form(&self) -> Option<&DataTypeInfo> {
        self.prefill_targets()
            .first()
            .copied()
            .or_else(|| self.data_types.iter().find(|d| d.is_form))
    }

    /// The form data types prefill can reach: `appLogic.autoCreate` with a data model
    /// (APPLIB `PrefillSI`, `ProcessTaskInitializer`: auto-created data of the first task).
    pub fn prefill_targets(&self) -> Vec<&DataTypeInfo> {
        let first_task = self
            .data_types
            .iter()
            .filter(|d| d.is_form && d.auto_create)
            .find_map(|d| d.task_id.clone());
        self.data_types
            .iter()
            .filter(|d| {
                d.is_form && d.auto_create && (d.task_id.is_none() || d.task_id == first_task)
            })
            .collect()
    }

    pub fn data_type(&self, id: &str) -> Option<&DataTypeInfo> {
        self.data_types.iter().find(|d| d.id == id)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDataType {
    id: String,
    #[serde(default)]
    allowed_content_types: Option<Vec<String>>,
    app_logic: Option<RawAppLogic>,
    task_id: Option<String>,
    #[serde(default)]
    max_count: u32,
    max_size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAppLogic {
    class_ref: Option<String>,
    #[serde(default)]
    auto_create: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    id: String,
    org: String,
    #[serde(default)]
    data_types: Vec<RawDataType>,
    #[serde(default)]
    party_types_allowed: PartyTypesAllowed,
    #[serde(default)]
    disallow_user_instantiation: bool,
}

pub fn metadata_request(app: &Url) -> HttpRequest {
    HttpRequest::get(join(app, "api/v1/applicationmetadata")).header("Accept", "application/json")
}

pub fn parse_metadata(response: &HttpResponse) -> Result<AppMetadata, AppCallError> {
    let raw: RawMetadata = super::json_body(response)?;
    Ok(AppMetadata {
        id: raw.id,
        org: raw.org,
        data_types: raw
            .data_types
            .into_iter()
            .map(|d| DataTypeInfo {
                is_form: d.app_logic.as_ref().is_some_and(|l| l.class_ref.is_some()),
                auto_create: d.app_logic.as_ref().is_some_and(|l| l.auto_create),
                id: d.id,
                // No list means any content type (Storage's DataType semantics).
                allowed_content_types: d.allowed_content_types.unwrap_or_default(),
                task_id: d.task_id,
                max_count: d.max_count,
                max_size: d.max_size,
            })
            .collect(),
        party_types_allowed: raw.party_types_allowed,
        disallow_user_instantiation: raw.disallow_user_instantiation,
    })
}

pub fn schema_request(app: &Url, data_type: &str) -> HttpRequest {
    HttpRequest::get(join(app, &format!("api/jsonschema/{data_type}")))
        .header("Accept", "application/json")
}

/// The schema, or `None` when the app serves none (404): prefill keys then cannot be checked.
pub fn parse_schema(response: &HttpResponse) -> Result<Option<serde_json::Value>, AppCallError> {
    if response.status == 404 {
        return Ok(None);
    }
    super::json_body(response).map(Some)
}

/// Every property path of a schema, dot-separated (`skjema.navn`), following local `$ref`s. A
/// `$ref` already being expanded on the current path is not followed again (recursive models
/// from XSD), and the output is capped.
pub fn property_paths(schema: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(schema, schema, "", &mut out, &mut Vec::new());
    out
}

/// At most this many paths: enough for any real form, and a bound for schemas from a server.
const MAX_PATHS: usize = 5000;

fn walk<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
    prefix: &str,
    out: &mut Vec<String>,
    refs: &mut Vec<&'a str>,
) {
    let reference = node.get("$ref").and_then(|r| r.as_str());
    if let Some(r) = reference {
        if refs.contains(&r) || refs.len() > 32 {
            return;
        }
        refs.push(r);
    }
    if let Some(properties) = resolve(root, node)
        .get("properties")
        .and_then(|p| p.as_object())
    {
        for (name, child) in properties {
            if out.len() >= MAX_PATHS {
                break;
            }
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            out.push(path.clone());
            walk(root, child, &path, out, refs);
        }
    }
    if reference.is_some() {
        refs.pop();
    }
}

fn resolve<'a>(root: &'a serde_json::Value, node: &'a serde_json::Value) -> &'a serde_json::Value {
    match node
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| r.strip_prefix("#/"))
    {
        Some(pointer) => root.pointer(&format!("/{pointer}")).unwrap_or(node),
        None => node,
    }
}

/// How the app matches prefill keys: case-insensitive, `-` removed (APPLIB PrefillSI).
pub fn prefill_key_matches(key: &str, path: &str) -> bool {
    let norm = |s: &str| s.replace('-', "").to_lowercase();
    norm(key) == norm(path)
}

pub(super) fn join(base: &Url, path: &str) -> Url {
    base.join(path).unwrap_or_else(|_| base.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_paths_follow_refs_and_nesting() {
        let schema = serde_json::json!({
            "$ref": "#/$defs/Model",
            "$defs": {"Model": {"properties": {"skjema": {"$ref": "#/$defs/Skjema"}}},
                      "Skjema": {"properties": {"navn": {"type": "string"}, "alder": {"type": "integer"}}}}
        });
        let mut paths = property_paths(&schema);
        paths.sort();
        assert_eq!(paths, ["skjema", "skjema.alder", "skjema.navn"]);
        assert!(prefill_key_matches("Skjema.Na-vn", "skjema.navn"));
    }

    #[test]
    fn a_recursive_schema_ends_instead_of_exploding() {
        let schema = serde_json::json!({"$ref": "#/$defs/Node", "$defs": {"Node": {"properties": {
            "a": {"$ref": "#/$defs/Node"}, "b": {"$ref": "#/$defs/Node"}, "c": {"$ref": "#/$defs/Node"}, "navn": {"type": "string"}}}}});
        let paths = property_paths(&schema);
        assert!(
            paths.contains(&"navn".to_string()) && paths.len() < 100,
            "{}",
            paths.len()
        );
    }

    #[test]
    fn prefill_reaches_only_auto_created_forms_of_the_first_task() {
        let dt = |id: &str, form: bool, auto: bool, task: &str| DataTypeInfo {
            id: id.into(),
            allowed_content_types: vec![],
            is_form: form,
            auto_create: auto,
            task_id: Some(task.into()),
            max_count: 1,
            max_size: None,
        };
        let meta = AppMetadata {
            id: "o/a".into(),
            org: "o".into(),
            data_types: vec![
                dt("later", true, false, "Task_2"),
                dt("model", true, true, "Task_1"),
                dt("vedlegg", false, false, "Task_1"),
            ],
            party_types_allowed: PartyTypesAllowed::default(),
            disallow_user_instantiation: false,
        };
        assert_eq!(
            meta.prefill_targets()
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>(),
            ["model"]
        );
        assert_eq!(meta.form().map(|d| d.id.as_str()), Some("model"));
    }

    #[test]
    fn no_party_types_set_means_every_kind_is_allowed() {
        let none = PartyTypesAllowed::default();
        assert!(none.allows_person() && none.allows_organisation());
        let orgs = PartyTypesAllowed {
            organisation: true,
            ..PartyTypesAllowed::default()
        };
        assert!(orgs.allows_organisation() && !orgs.allows_person());
    }
}
