//! Deleting a test instance as the platform does it, and what a refusal means.
//!
//! app-lib's `DELETE {org}/{app}/instances/{party}/{guid}?hard=true` is guarded by the policy
//! action `delete` (app-lib `InstanceDelete` policy) and forwards to Storage, which answers 200
//! with the instance flagged `isSoftDeleted`/`isHardDeleted`. Without `hard=true` Storage only
//! soft-deletes: the instance stays in the owner's trash. A tester cleaning up means a hard
//! delete, so that is what is sent and said.
//!
//! The app template's policy.xml gives `delete` to the roles DAGL and REGNA only, not to the app
//! owner `[org]`, so a service owner's token gets 403 until app B's policy says otherwise; and
//! Storage refuses to delete an archived instance within the app's
//! `preventInstanceDeletionForDays` ("Instance cannot be deleted yet due to application
//! restrictions.", which app-lib passes on as a bare 403). Sources, with commits:
//! tests/conformance/altinn-app/app-delete-instance*.json.

use serde::Deserialize;
use url::Url;

use super::instance::InstanceRef;
use super::{AppCallError, Refusal, json_body};
use crate::error::{AppError, ErrorKind};
use crate::http::HttpRequest;
use crate::secret::AltinnToken;

/// The match to add to the actions of the `[org]` rule (RuleId `urn:altinn:example:ruleid:2` in
/// the app template) in app B's `App/config/authorization/policy.xml`; then deploy app B.
pub const OWNER_DELETE_ACTION: &str = r#"<xacml:AllOf>
  <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
    <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">delete</xacml:AttributeValue>
    <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
  </xacml:Match>
</xacml:AllOf>"#;

/// `DELETE …/instances/{party}/{guid}?hard=true`.
pub fn request(app: &Url, token: &AltinnToken, instance: &InstanceRef) -> HttpRequest {
    let mut url = super::instance::instance_url(app, instance);
    url.set_query(Some("hard=true"));
    let mut request = HttpRequest::get(url).header("Accept", "application/json");
    request.method = "DELETE";
    super::instance::authorized(request, token)
}

/// What the app says it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Gone for every reader (`status.isHardDeleted`).
    Hard,
    /// Only in the owner's trash (`status.isSoftDeleted`): the app ignored `hard=true`.
    Soft,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    #[serde(default)]
    is_hard_deleted: bool,
    #[serde(default)]
    is_soft_deleted: bool,
}

#[derive(Deserialize)]
struct DeletedInstance {
    status: Option<Status>,
}

/// 200 with the instance: which kind of delete the status shows. A 2xx without a readable
/// status is taken at its word for the delete that was asked for (hard).
pub fn parse(response: &crate::http::HttpResponse) -> Result<Deleted, AppCallError> {
    super::check(response)?;
    let status = json_body::<DeletedInstance>(response)
        .ok()
        .and_then(|i| i.status);
    Ok(match status {
        Some(s) if !s.is_hard_deleted && s.is_soft_deleted => Deleted::Soft,
        _ => Deleted::Hard,
    })
}

/// A refused delete, explained: the policy rule to add for a 403, Storage's waiting period
/// when it says so; other refusals as any app call.
pub fn explain(error: AppCallError, app_id: &str) -> AppError {
    match &error {
        AppCallError::Forbidden {
            refusal: Refusal::DeletionPrevented,
            ..
        } => AppError::new(
            ErrorKind::Server,
            format!("App B refused the delete: the instance is archived and {app_id} keeps archived instances for some days (preventInstanceDeletionForDays)."),
        )
        .with_hint("Wait until the period in the app's applicationmetadata.json has passed, or delete it from a test environment where the app allows it."),
        AppCallError::Forbidden { .. } => AppError::new(
            ErrorKind::Server,
            format!("App B refused the delete (403): {app_id}'s policy does not give this token the action \"delete\"."),
        )
        .with_hint(format!(
            "The app template's policy.xml gives \"delete\" only to the roles DAGL and REGNA, not to the app owner [org]. To let the owner clean up test instances, add this to the actions of the [org] rule (urn:altinn:example:ruleid:2) in App/config/authorization/policy.xml of app B and deploy it:\n{OWNER_DELETE_ACTION}\nAn archived instance can also be held back by the app's preventInstanceDeletionForDays (app-lib then says only 403)."
        )),
        _ => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_request_asks_for_a_hard_delete() {
        let app = Url::parse("https://ttd.apps.tt02.altinn.no/ttd/app-b/").expect("url");
        let instance =
            InstanceRef::parse("500001/6f0e7b5a-1c2d-4e3f-8a9b-0c1d2e3f4a5b").expect("id");
        let r = request(&app, &AltinnToken::new("t".into()), &instance);
        assert_eq!(r.method, "DELETE");
        assert_eq!(
            r.url.as_str(),
            "https://ttd.apps.tt02.altinn.no/ttd/app-b/instances/500001/6f0e7b5a-1c2d-4e3f-8a9b-0c1d2e3f4a5b?hard=true"
        );
    }

    #[test]
    fn the_status_flags_say_hard_or_soft() {
        let hard = r#"{"id":"1/x","status":{"isSoftDeleted":true,"isHardDeleted":true}}"#;
        assert_eq!(parse(&answer(200, hard)), Ok(Deleted::Hard));
        let soft = r#"{"id":"1/x","status":{"isSoftDeleted":true,"isHardDeleted":false}}"#;
        assert_eq!(parse(&answer(200, soft)), Ok(Deleted::Soft));
        assert_eq!(parse(&answer(204, "")), Ok(Deleted::Hard));
    }

    #[test]
    fn a_403_names_the_rule_to_add_and_the_waiting_period() {
        // tests/conformance/altinn-app/app-delete-instance-403-serviceowner-template-policy.json
        // (no body) and app-delete-instance-403-prevented.json.
        let refused = |body: &str| crate::altinn::check(&answer(403, body)).expect_err("403");
        let policy = explain(refused(""), "ttd/app-b");
        let hint = policy.hint.expect("hint");
        assert!(policy.message.contains("\"delete\""), "{}", policy.message);
        assert!(
            hint.contains("DAGL") && hint.contains(OWNER_DELETE_ACTION),
            "{hint}"
        );
        let waiting = explain(
            refused(r#""Instance cannot be deleted yet due to application restrictions.""#),
            "ttd/app-b",
        );
        assert!(waiting.message.contains("preventInstanceDeletionForDays"));
    }
}
