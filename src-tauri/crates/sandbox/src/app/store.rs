//! App B's storage: the apps, their instances and data elements, and how they are shown
//! (`InstanceResponse`, `DataElement`, protocols.md §4.3).

use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::definition::AppDefinition;
use crate::clock::rfc3339;
use crate::seed::{Party, PartyType};

#[derive(Debug)]
pub(crate) struct AppStore {
    pub apps: Vec<AppEntry>,
}

#[derive(Debug)]
pub(crate) struct AppEntry {
    pub definition: AppDefinition,
    pub instances: Vec<Instance>,
}

#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub guid: Uuid,
    pub party: Party,
    pub created: OffsetDateTime,
    pub created_by: String,
    pub last_changed: OffsetDateTime,
    pub last_changed_by: String,
    pub due_before: Option<String>,
    pub visible_after: Option<String>,
    pub process_started: OffsetDateTime,
    /// `Some(started)` while Task_1 is current; `None` once the process has ended.
    pub task_started: Option<OffsetDateTime>,
    pub ended: Option<OffsetDateTime>,
    /// Set by a DELETE; the instance stays in the owner's trash (Storage `IsSoftDeleted`).
    pub soft_deleted: Option<OffsetDateTime>,
    /// Set by `DELETE …?hard=true` (Storage `IsHardDeleted`): gone for every reader.
    pub hard_deleted: Option<OffsetDateTime>,
    pub data: Vec<DataElement>,
}

impl Instance {
    /// Not hard-deleted: Storage no longer returns a hard-deleted instance.
    pub(crate) fn visible(&self) -> bool {
        self.hard_deleted.is_none()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct DataElement {
    pub id: Uuid,
    pub data_type: String,
    pub content_type: String,
    pub filename: Option<String>,
    pub content: Content,
    pub created: OffsetDateTime,
    pub created_by: String,
    pub last_changed: OffsetDateTime,
    pub last_changed_by: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// Form data in canonical JSON form.
    Form(Value),
    Binary(Vec<u8>),
}

impl Content {
    pub(crate) fn size(&self) -> usize {
        match self {
            Content::Form(value) => value.to_string().len(),
            Content::Binary(bytes) => bytes.len(),
        }
    }
}

impl AppStore {
    pub(crate) fn new(definitions: Vec<AppDefinition>) -> Result<AppStore, String> {
        for (i, definition) in definitions.iter().enumerate() {
            definition.validate()?;
            if definitions[..i]
                .iter()
                .any(|d| d.app_id() == definition.app_id())
            {
                return Err(format!("app {} is defined twice", definition.app_id()));
            }
        }
        Ok(AppStore {
            apps: definitions
                .into_iter()
                .map(|definition| AppEntry {
                    definition,
                    instances: Vec::new(),
                })
                .collect(),
        })
    }

    pub(crate) fn get(&self, org: &str, app: &str) -> Option<&AppEntry> {
        self.apps
            .iter()
            .find(|a| a.definition.org == org && a.definition.app == app)
    }

    pub(crate) fn get_mut(&mut self, org: &str, app: &str) -> Option<&mut AppEntry> {
        self.apps
            .iter_mut()
            .find(|a| a.definition.org == org && a.definition.app == app)
    }
}

/// Links: `{apps}/{org}/{app}/instances/{party}/{guid}` and the Storage equivalent.
pub(crate) struct Links<'a> {
    pub apps: &'a str,
    pub platform: &'a str,
    pub app_id: String,
}

impl Links<'_> {
    pub(crate) fn instance(&self, instance: &Instance) -> (String, String) {
        let tail = format!("{}/{}", instance.party.party_id, instance.guid);
        (
            format!("{}/{}/instances/{tail}", self.apps, self.app_id),
            format!("{}/storage/api/v1/instances/{tail}", self.platform),
        )
    }
}

pub(crate) fn instance_view(links: &Links<'_>, instance: &Instance) -> Value {
    let (apps, platform) = links.instance(instance);
    let org = links.app_id.split('/').next().unwrap_or_default();
    let party = &instance.party;
    let current_task = instance.task_started.map(|started| {
        json!({"flow": 2, "started": rfc3339(started), "elementId": "Task_1", "name": "Utfylling", "altinnTaskType": "data", "ended": null, "validated": null, "flowType": "CompleteCurrentMoveToNext"})
    });
    json!({
        "id": format!("{}/{}", party.party_id, instance.guid),
        "instanceOwner": {
            "partyId": party.party_id,
            "personNumber": party.ssn,
            "organisationNumber": party.org_number,
            "username": null,
            "externalIdentifier": null,
            "party": {
                "partyId": party.party_id.parse::<u64>().ok(),
                "partyUuid": party.party_uuid,
                "partyTypeName": party_type_number(party.party_type),
                "ssn": party.ssn,
                "orgNumber": party.org_number,
                "unitType": match party.party_type { PartyType::SubUnit => Some("BEDR"), PartyType::Organisation => Some("AS"), _ => None },
                "name": party.name,
                "isDeleted": false,
            },
        },
        "appId": links.app_id,
        "org": org,
        "selfLinks": {"apps": apps, "platform": platform},
        "dueBefore": instance.due_before,
        "visibleAfter": instance.visible_after,
        "process": {
            "started": rfc3339(instance.process_started),
            "startEvent": "StartEvent_1",
            "currentTask": current_task,
            "ended": instance.ended.map(rfc3339),
            "endEvent": instance.ended.map(|_| "EndEvent_1"),
        },
        "status": {
            "isArchived": instance.ended.is_some(), "archived": instance.ended.map(rfc3339),
            "isSoftDeleted": instance.soft_deleted.is_some(), "softDeleted": instance.soft_deleted.map(rfc3339),
            "isHardDeleted": instance.hard_deleted.is_some(), "hardDeleted": instance.hard_deleted.map(rfc3339),
            // Enum numbers as the recorded InstanceResponse has them (Read = 1; UNCONFIRMED on
            // the wire: the recording restored the typing from the models).
            "readStatus": 1,
            "substatus": null,
        },
        "completeConfirmations": [],
        "data": instance.data.iter().map(|d| data_view(links, instance, d)).collect::<Vec<_>>(),
        "presentationTexts": {},
        "dataValues": {},
        "created": rfc3339(instance.created),
        "createdBy": instance.created_by,
        "lastChanged": rfc3339(instance.last_changed),
        "lastChangedBy": instance.last_changed_by,
    })
}

/// Altinn Storage `DataElement`.
pub(crate) fn data_view(links: &Links<'_>, instance: &Instance, data: &DataElement) -> Value {
    let (apps, platform) = links.instance(instance);
    json!({
        "id": data.id.to_string(),
        "instanceGuid": instance.guid.to_string(),
        "dataType": data.data_type,
        "filename": data.filename,
        "contentType": data.content_type,
        "blobStoragePath": format!("{}/{}/data/{}", links.app_id, instance.guid, data.id),
        "selfLinks": {"apps": format!("{apps}/data/{}", data.id), "platform": format!("{platform}/data/{}", data.id)},
        "size": data.content.size(),
        "contentHash": null,
        "locked": instance.ended.is_some(),
        "refs": [],
        "isRead": true,
        "tags": [],
        "userDefinedMetadata": null,
        "metadata": null,
        "deleteStatus": null,
        "fileScanResult": "NotApplicable",
        "references": null,
        "created": rfc3339(data.created),
        "createdBy": data.created_by,
        "lastChanged": rfc3339(data.last_changed),
        "lastChangedBy": data.last_changed_by,
    })
}

/// `SimpleInstance` for `…/active`.
pub(crate) fn simple_view(instance: &Instance) -> Value {
    json!({
        "id": format!("{}/{}", instance.party.party_id, instance.guid),
        "presentationTexts": {},
        "dueBefore": instance.due_before,
        "lastChanged": rfc3339(instance.last_changed),
        "lastChangedBy": instance.last_changed_by,
    })
}

/// Altinn Register's `PartyType` as the recorded InstanceResponse shows it: a number
/// (Person 1, Organisation 2, SelfIdentified 3, SubUnit 4, BankruptcyEstate 5; UNCONFIRMED on
/// the wire, like `readStatus`).
fn party_type_number(kind: PartyType) -> u8 {
    match kind {
        PartyType::Person => 1,
        PartyType::Organisation => 2,
        PartyType::SubUnit => 4,
        PartyType::BankruptcyEstate => 5,
    }
}
