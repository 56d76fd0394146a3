//! App B definitions the sandbox can serve in place of its built-in one.

use std::path::{Path, PathBuf};

use assistant_sandbox::defaults;

/// The sandbox's app B with a policy that lets its owner delete too (the template's `[org]` rule
/// gives `delete` only to DAGL and REGNA), written to `dir` for `sandbox serve --app`.
pub fn deletable_app_b(dir: &Path) -> PathBuf {
    let path = dir.join("app-b.json");
    let app = serde_json::json!({
        "org": defaults::APP_ORG, "app": defaults::APP_NAME,
        "dataTypes": [
            {"id": "model", "allowedContentTypes": ["application/xml", "application/json"], "appLogic": {"autoCreate": true, "classRef": "Altinn.App.Models.Model"}, "taskId": "Task_1", "maxCount": 1, "minCount": 1},
            {"id": "attachment", "allowedContentTypes": ["application/pdf"], "taskId": "Task_1", "maxCount": 3},
            {"id": "ref-data-as-pdf", "allowedContentTypes": ["application/pdf"]}
        ],
        "partyTypesAllowed": {"bankruptcyEstate": false, "organisation": true, "person": false, "subUnit": false},
        "policy": [{"actions": ["instantiate", "read", "write", "complete", "delete"], "subjects": ["[org]"]}],
        "schemas": {"model": {"type": "object", "properties": {"navn": {"type": "string"}}}}
    });
    std::fs::write(&path, app.to_string()).expect("app definition");
    path
}
