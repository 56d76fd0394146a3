//! What app B is: its application metadata (data types, party types, user instantiation), a
//! simple authorization policy, and the JSON schemas of its form data. Loaded from a small JSON
//! file or built in.
//!
//! File format (camelCase like `applicationmetadata`):
//! ```json
//! {"org":"ttd","app":"my-app",
//!  "dataTypes":[{"id":"model","allowedContentTypes":["application/xml","application/json"],
//!                "appLogic":{"autoCreate":true,"classRef":"Altinn.App.Models.Model"},
//!                "taskId":"Task_1","maxCount":1,"minCount":1}],
//!  "partyTypesAllowed":{"bankruptcyEstate":false,"organisation":true,"person":false,"subUnit":false},
//!  "disallowUserInstantiation":false,
//!  "policy":[{"actions":["instantiate","read","write","complete"],"subjects":["[org]"]},
//!            {"actions":["instantiate","read","write","delete"],"subjects":["systemuser"]}],
//!  "preventInstanceDeletionForDays":0,
//!  "schemas":{"model":{"title":"Model","type":"object","properties":{"navn":{"type":"string"}}}}}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::SandboxError;
use crate::seed::PartyType;

/// An app-B definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppDefinition {
    pub(crate) org: String,
    pub(crate) app: String,
    #[serde(default)]
    pub(crate) title: BTreeMap<String, String>,
    pub(crate) data_types: Vec<DataType>,
    pub(crate) party_types_allowed: PartyTypesAllowed,
    #[serde(default)]
    pub(crate) disallow_user_instantiation: bool,
    pub(crate) policy: Vec<AppRule>,
    /// Storage refuses to delete an archived instance for this many days after it was archived
    /// (altinn-storage `InstancesController.Delete`, "Instance cannot be deleted yet due to
    /// application restrictions."; app-lib forwards only a bare 403).
    #[serde(default)]
    pub(crate) prevent_instance_deletion_for_days: Option<u32>,
    #[serde(default)]
    pub(crate) schemas: BTreeMap<String, Value>,
}

/// One policy rule: `subjects` may perform `actions` (`instantiate`, `read`, `write`,
/// `complete`, `delete`). A simple rendition of the app's XACML policy; scopes are checked
/// apart from it, as app-lib does (`Scopes.HasAltinnInstanceScope`).
///
/// Subjects: `[org]` is the app's owner acting as service owner (the token's `urn:altinn:org`
/// equals the app's org; the template's rule 2, for every party); `systemuser` a system user
/// acting for the organisation that owns it (its rights are the approver's, DAGL in the
/// template's rule 1); anything else an organisation number or service-owner code, for its own
/// party only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRule {
    /// Actions granted.
    pub actions: Vec<String>,
    /// Who the rule is for.
    pub subjects: Vec<String>,
}

/// The subject of the template's service-owner rule.
pub const APP_OWNER: &str = "[org]";
/// The subject of system users (rights delegated by the approver).
pub const SYSTEM_USER: &str = "systemuser";

/// A data type of `applicationmetadata.dataTypes` (the fields the sandbox uses).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DataType {
    pub id: String,
    pub allowed_content_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_logic: Option<AppLogic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// 0 = no limit.
    #[serde(default)]
    pub max_count: u32,
    #[serde(default)]
    pub min_count: u32,
    /// In MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppLogic {
    #[serde(default)]
    pub auto_create: bool,
    pub class_ref: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PartyTypesAllowed {
    pub bankruptcy_estate: bool,
    pub organisation: bool,
    pub person: bool,
    pub sub_unit: bool,
}

impl PartyTypesAllowed {
    /// APPLIB `InstantiationHelper.IsPartyAllowedToInstantiate`: all false means all allowed.
    pub(crate) fn allows(&self, kind: PartyType) -> bool {
        let none_set =
            !(self.bankruptcy_estate || self.organisation || self.person || self.sub_unit);
        none_set
            || match kind {
                PartyType::Person => self.person,
                PartyType::Organisation => self.organisation,
                PartyType::SubUnit => self.sub_unit,
                PartyType::BankruptcyEstate => self.bankruptcy_estate,
            }
    }
}

impl AppDefinition {
    /// Reads a definition from a JSON file.
    pub fn from_json_file(path: &std::path::Path) -> Result<AppDefinition, SandboxError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SandboxError::InvalidAppDefinition(format!("{}: {e}", path.display())))?;
        Self::from_json_str(&text)
    }

    /// Parses a definition from JSON text.
    pub fn from_json_str(text: &str) -> Result<AppDefinition, SandboxError> {
        let definition: AppDefinition = serde_json::from_str(text)
            .map_err(|e| SandboxError::InvalidAppDefinition(e.to_string()))?;
        definition
            .validate()
            .map_err(SandboxError::InvalidAppDefinition)?;
        Ok(definition)
    }

    /// `org/app`.
    pub fn app_id(&self) -> String {
        format!("{}/{}", self.org, self.app)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        let slug = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !slug(&self.org) || !slug(&self.app) {
            return Err(format!(
                "{} is not a valid org/app (lower-case letters, digits, '-')",
                self.app_id()
            ));
        }
        for data_type in &self.data_types {
            let form = data_type.app_logic.is_some();
            if form
                && !self
                    .schemas
                    .get(&data_type.id)
                    .is_some_and(Value::is_object)
            {
                return Err(format!(
                    "form data type {} has no JSON schema in schemas",
                    data_type.id
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn data_type(&self, id: &str) -> Option<&DataType> {
        self.data_types.iter().find(|d| d.id == id)
    }

    /// The built-in app B, owned by service owner `ttd`, with the app template's policy
    /// (Altinn/app-template-dotnet `src/App/config/authorization/policy.xml` @39277323, see
    /// tests/conformance/altinn-app): the owner (`[org]`) may instantiate, read, write and
    /// complete, and not delete; DAGL and REGNA may instantiate, read, write and delete, and a
    /// system user gets what its approver (DAGL) holds. A plain organisation token matches no
    /// rule, so it gets 403 as from a real app.
    pub(crate) fn template_policy_app() -> AppDefinition {
        let rule = |actions: &[&str], subject: &str| AppRule {
            actions: actions.iter().map(|a| a.to_string()).collect(),
            subjects: vec![subject.to_string()],
        };
        let data_type = |id: &str,
                         types: &[&str],
                         logic: Option<&str>,
                         task: Option<&str>,
                         max: u32,
                         min: u32| DataType {
            id: id.into(),
            allowed_content_types: types.iter().map(|t| t.to_string()).collect(),
            app_logic: logic.map(|class_ref| AppLogic {
                auto_create: true,
                class_ref: class_ref.into(),
            }),
            task_id: task.map(Into::into),
            max_count: max,
            min_count: min,
            max_size: Some(25),
        };
        AppDefinition {
            org: crate::defaults::APP_ORG.into(),
            app: crate::defaults::APP_NAME.into(),
            title: BTreeMap::from([
                ("nb".into(), "Sandkasse app B".into()),
                ("en".into(), "Sandbox app B".into()),
            ]),
            data_types: vec![
                data_type(
                    "model",
                    &["application/xml", "application/json"],
                    Some("Altinn.App.Models.Model"),
                    Some("Task_1"),
                    1,
                    1,
                ),
                data_type(
                    "attachment",
                    &["application/pdf"],
                    None,
                    Some("Task_1"),
                    3,
                    0,
                ),
                data_type("ref-data-as-pdf", &["application/pdf"], None, None, 0, 0),
            ],
            party_types_allowed: PartyTypesAllowed {
                bankruptcy_estate: false,
                organisation: true,
                person: false,
                sub_unit: false,
            },
            disallow_user_instantiation: false,
            policy: vec![
                rule(&["instantiate", "read", "write", "complete"], APP_OWNER),
                rule(&["instantiate", "read", "write", "delete"], SYSTEM_USER),
            ],
            prevent_instance_deletion_for_days: None,
            schemas: BTreeMap::from([("model".into(), default_schema())]),
        }
    }
}

fn default_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "model.schema.json",
        "title": "Model",
        "type": "object",
        "properties": {
            "organisasjonsnummer": {"type": "string"},
            "navn": {"type": "string"},
            "beskrivelse": {"type": "string"},
            "antall": {"type": "integer"},
            "bekreftet": {"type": "boolean"},
            "kontakt": {"type": "object", "properties": {"epost": {"type": "string"}, "telefon": {"type": "string"}}}
        }
    })
}
