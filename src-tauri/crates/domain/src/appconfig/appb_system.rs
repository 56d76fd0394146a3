//! App B, checked for a vendor's system users rather than for app A (docs/reference/systemuser.md
//! §6, from Altinn Studio's docs "System user in apps", D-SBS):
//!
//! - the app library must be `Altinn.App.Api` / `Altinn.App.Core` 8.6.0 or later ("System user
//!   support towards an Altinn Studio app requires … v8.6.0 or later");
//! - the policy needs no rule for system users as such: the system user gets the rights of the
//!   person who approves the request, so a Permit rule must give a role that person holds (DAGL
//!   in the docs' example) `instantiate` and `read`; strict side of §6: the actions the system
//!   goes on to use (`write` to fill in the form) must be there too;
//! - an organisation must be allowed as instance owner (`partyTypesAllowed`, as for app A).

use serde::Serialize;
use ts_rs::TS;

use super::files::{AppBFiles, AppFiles};
use super::versions::{AppVersion, Feature};
use super::xacml::{self, ROLE_ATTRIBUTE};
use super::{Finding, Severity, checks, finding, l};

/// What must be granted for the tool's proof: create the instance and read it back.
const NEEDED: [&str; 2] = ["instantiate", "read"];

/// App B as the system-user path sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppBSystemUserReport {
    /// The app library's version as written (`8.6.2`, `8.*`, `from source`), when found.
    pub version: Option<String>,
    /// The role codes whose Permit rules give instantiate and read.
    pub roles: Vec<String>,
    pub findings: Vec<Finding>,
}

pub fn check(files: &AppBFiles) -> AppBSystemUserReport {
    let app = AppFiles {
        csproj: files.csproj.clone(),
        props: files.props.clone(),
        ..AppFiles::default()
    };
    let version = checks::Context::new(&app).app_version();
    let mut findings = Vec::new();
    if let Some(found) = version_finding(&version, files) {
        findings.push(found);
    }
    let mut roles = Vec::new();
    match &files.policy {
        Some(policy) => match role_rights(&policy.text) {
            Ok(found) => {
                roles = found
                    .iter()
                    .filter(|(_, actions)| NEEDED.iter().all(|n| actions.iter().any(|a| a == n)))
                    .map(|(role, _)| role.clone())
                    .collect();
                findings.extend(policy_findings(&policy.name, &found, &roles));
            }
            // The multi-app check says this in its own words; here the same fact, once.
            Err(_) => findings.extend(
                super::appb::check(
                    &AppBFiles {
                        policy: Some(policy.clone()),
                        ..AppBFiles::default()
                    },
                    None,
                )
                .into_iter()
                .filter(|f| f.id == "appb_policy_unreadable"),
            ),
        },
        None => findings.push(super::appb::missing("App/config/authorization/policy.xml")),
    }
    if let Some(metadata) = &files.metadata {
        let only = AppBFiles {
            metadata: Some(metadata.clone()),
            ..AppBFiles::default()
        };
        // The party-type rule is the same for a system user; the policy part is not.
        findings.extend(
            super::appb::check(&only, None)
                .into_iter()
                .filter(|f| f.id == "appb_party_types"),
        );
    }
    AppBSystemUserReport {
        version: version.text(),
        roles,
        findings,
    }
}

fn version_finding(version: &AppVersion, files: &AppBFiles) -> Option<Finding> {
    let since = Feature::SystemUsers.since_text();
    let (file, line) = match version {
        AppVersion::Known { file, line, .. }
        | AppVersion::Floating { file, line, .. }
        | AppVersion::FromSource { file, line, .. } => (file.clone(), Some(*line)),
        AppVersion::Unknown => (
            files
                .csproj
                .as_ref()
                .map_or("App/App.csproj".to_string(), |f| f.name.clone()),
            None,
        ),
    };
    let shown = version.text().unwrap_or_default();
    match version.has(Feature::SystemUsers) {
        Some(true) => None,
        Some(false) => Some(finding(
            "appb_version_system_users",
            Severity::Error,
            &file,
            line,
            l(
                format!(
                    "App B runs Altinn.App {shown}; system users need {since} or later, so app B does not accept the system user's token."
                ),
                format!(
                    "App B kjører Altinn.App {shown}; systembrukere krever {since} eller nyere, så app B godtar ikke systembrukerens token."
                ),
            ),
            l(
                format!(
                    "Update Altinn.App.Api and Altinn.App.Core to {since} or later in this file, then deploy app B again."
                ),
                format!(
                    "Oppdater Altinn.App.Api og Altinn.App.Core til {since} eller nyere i denne filen, og deploy app B på nytt."
                ),
            ),
        )),
        None => Some(finding(
            "appb_version_unknown",
            Severity::Warning,
            &file,
            line,
            l(
                format!(
                    "App B's Altinn.App version cannot be told here ({}); system users need {since} or later.",
                    if shown.is_empty() {
                        "no package reference found"
                    } else {
                        shown.as_str()
                    }
                ),
                format!(
                    "Altinn.App-versjonen til app B kan ikke leses her ({}); systembrukere krever {since} eller nyere.",
                    if shown.is_empty() {
                        "fant ingen pakkereferanse"
                    } else {
                        shown.as_str()
                    }
                ),
            ),
            l(
                format!(
                    "Pin Altinn.App.Api and Altinn.App.Core to {since} or later, or check the version app B is built with."
                ),
                format!(
                    "Lås Altinn.App.Api og Altinn.App.Core til {since} eller nyere, eller sjekk versjonen app B bygges med."
                ),
            ),
        )),
    }
}

/// Per role code (lower case), the actions its Permit rules give, in the policy's order.
type RoleRights = Vec<(String, Vec<String>)>;

fn role_rights(text: &str) -> Result<RoleRights, (u32, String)> {
    let mut found: RoleRights = Vec::new();
    for rule in xacml::rules(text)?.into_iter().filter(|r| r.permit) {
        for subject in rule
            .subjects
            .iter()
            .filter(|m| m.attribute == ROLE_ATTRIBUTE)
        {
            let role = subject.value.to_ascii_lowercase();
            match found.iter_mut().find(|(r, _)| *r == role) {
                Some((_, actions)) => actions.extend(rule.actions.iter().cloned()),
                None => found.push((role, rule.actions.clone())),
            }
        }
    }
    Ok(found)
}

fn policy_findings(name: &str, found: &[(String, Vec<String>)], roles: &[String]) -> Vec<Finding> {
    let add_rule = l(
        "Add a Permit rule with subject urn:altinn:rolecode = dagl (a role the person who approves holds) and the actions instantiate and read, plus write and what app B's process needs: the system user gets exactly the approver's rights.",
        "Legg til en Permit-regel med subject urn:altinn:rolecode = dagl (en rolle den som godkjenner har) og handlingene instantiate og read, pluss write og det prosessen i app B trenger: systembrukeren får nøyaktig rettighetene til den som godkjenner.",
    );
    if roles.is_empty() {
        let partly: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
        let en = if partly.is_empty() {
            "App B's policy gives no role instantiate and read. A system user gets only the rights of the person who approves the request, and that person gets rights through a role: creating an instance as the system user is refused (403).".to_string()
        } else {
            format!(
                "No role in app B's policy has both instantiate and read (roles with rules: {}). The system user gets only the approver's rights: creating an instance as the system user is refused (403).",
                partly.join(", ")
            )
        };
        let nb = if partly.is_empty() {
            "Policyen til app B gir ingen rolle instantiate og read. En systembruker får bare rettighetene til den som godkjenner forespørselen, og den personen får rettigheter gjennom en rolle: å lage en instans som systembrukeren blir avvist (403).".to_string()
        } else {
            format!(
                "Ingen rolle i policyen til app B har både instantiate og read (roller med regler: {}). Systembrukeren får bare rettighetene til den som godkjenner: å lage en instans som systembrukeren blir avvist (403).",
                partly.join(", ")
            )
        };
        return vec![finding(
            "appb_system_user_rights",
            Severity::Error,
            name,
            None,
            l(en, nb),
            add_rule,
        )];
    }
    let writes = found
        .iter()
        .any(|(r, a)| roles.contains(r) && a.iter().any(|x| x == "write"));
    if writes {
        return Vec::new();
    }
    vec![finding(
        "appb_system_user_no_write",
        Severity::Warning,
        name,
        None,
        l(
            format!(
                "The roles {} may instantiate and read, not write: a system user approved by them can create an instance but not fill it in.",
                roles.join(", ")
            ),
            format!(
                "Rollene {} kan instantiate og read, ikke write: en systembruker godkjent av dem kan lage en instans, men ikke fylle den ut.",
                roles.join(", ")
            ),
        ),
        add_rule,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appconfig::SourceFile;

    fn rule(id: &str, subject: (&str, &str), actions: &[&str]) -> String {
        let actions: String = actions
            .iter()
            .map(|a| {
                format!(
                    r#"<xacml:AnyOf><xacml:AllOf><xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
                <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">{a}</xacml:AttributeValue>
                <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
                </xacml:Match></xacml:AllOf></xacml:AnyOf>"#
                )
            })
            .collect();
        format!(
            r#"<xacml:Rule RuleId="{id}" Effect="Permit"><xacml:Target>
            <xacml:AnyOf><xacml:AllOf><xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">{}</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="{}" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
            </xacml:Match></xacml:AllOf></xacml:AnyOf>{actions}</xacml:Target></xacml:Rule>"#,
            subject.1, subject.0
        )
    }

    fn policy(rules: &[String]) -> SourceFile {
        SourceFile::new(
            "App/config/authorization/policy.xml",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>
<xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides">
{}
</xacml:Policy>"#,
                rules.join("\n")
            ),
        )
    }

    fn csproj(version: &str) -> SourceFile {
        SourceFile::new(
            "App/App.csproj",
            format!(
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n<ItemGroup>\n<PackageReference Include=\"Altinn.App.Api\" Version=\"{version}\" />\n<PackageReference Include=\"Altinn.App.Core\" Version=\"{version}\" />\n</ItemGroup>\n</Project>"
            ),
        )
    }

    fn ids(report: &AppBSystemUserReport) -> Vec<&str> {
        report.findings.iter().map(|f| f.id.as_str()).collect()
    }

    const DAGL: (&str, &str) = (ROLE_ATTRIBUTE, "dagl");
    const ORG: (&str, &str) = ("urn:altinn:org", "[org]");

    #[test]
    fn an_app_on_8_6_whose_policy_lets_dagl_fill_in_the_form_is_ready() {
        let files = AppBFiles {
            csproj: Some(csproj("8.6.2")),
            policy: Some(policy(&[rule(
                "r1",
                DAGL,
                &["instantiate", "read", "write"],
            )])),
            ..AppBFiles::default()
        };
        let report = check(&files);
        assert_eq!(ids(&report), Vec::<&str>::new());
        assert_eq!(report.version.as_deref(), Some("8.6.2"));
        assert_eq!(report.roles, ["dagl"]);
    }

    #[test]
    fn an_app_before_8_6_is_told_to_update_with_the_line_of_the_reference() {
        let files = AppBFiles {
            csproj: Some(csproj("8.5.4")),
            policy: Some(policy(&[rule(
                "r1",
                DAGL,
                &["instantiate", "read", "write"],
            )])),
            ..AppBFiles::default()
        };
        let report = check(&files);
        assert_eq!(ids(&report), ["appb_version_system_users"]);
        let found = &report.findings[0];
        assert_eq!(
            (found.file.as_str(), found.line),
            ("App/App.csproj", Some(3))
        );
        assert!(found.message.en.contains("8.5.4") && found.fix.en.contains("8.6.0"));
        assert!(found.message.nb.contains("8.6.0"));
    }

    #[test]
    fn a_floating_or_missing_version_is_a_warning_not_a_pass() {
        for csproj_file in [Some(csproj("8.*")), None] {
            let files = AppBFiles {
                csproj: csproj_file,
                policy: Some(policy(&[rule(
                    "r1",
                    DAGL,
                    &["instantiate", "read", "write"],
                )])),
                ..AppBFiles::default()
            };
            assert_eq!(ids(&check(&files)), ["appb_version_unknown"]);
        }
    }

    #[test]
    fn a_policy_that_only_serves_the_service_owner_gives_a_system_user_nothing() {
        let files = AppBFiles {
            csproj: Some(csproj("8.7.0")),
            policy: Some(policy(&[rule(
                "r1",
                ORG,
                &["instantiate", "read", "write"],
            )])),
            ..AppBFiles::default()
        };
        let report = check(&files);
        assert_eq!(ids(&report), ["appb_system_user_rights"]);
        assert!(
            report.findings[0]
                .fix
                .en
                .contains("urn:altinn:rolecode = dagl")
        );
    }

    #[test]
    fn rights_split_over_rules_count_per_role_and_a_role_without_read_is_named() {
        let split = AppBFiles {
            csproj: Some(csproj("8.7.0")),
            policy: Some(policy(&[
                rule("r1", DAGL, &["instantiate"]),
                rule("r2", DAGL, &["read", "write"]),
            ])),
            ..AppBFiles::default()
        };
        assert_eq!(ids(&check(&split)), Vec::<&str>::new());
        let partly = AppBFiles {
            csproj: Some(csproj("8.7.0")),
            policy: Some(policy(&[rule("r1", (ROLE_ATTRIBUTE, "REGNA"), &["read"])])),
            ..AppBFiles::default()
        };
        let report = check(&partly);
        assert_eq!(ids(&report), ["appb_system_user_rights"]);
        assert!(report.findings[0].message.en.contains("regna"));
    }

    #[test]
    fn read_and_instantiate_without_write_is_a_warning() {
        let files = AppBFiles {
            csproj: Some(csproj("8.6.0")),
            policy: Some(policy(&[rule("r1", DAGL, &["instantiate", "read"])])),
            ..AppBFiles::default()
        };
        assert_eq!(ids(&check(&files)), ["appb_system_user_no_write"]);
    }

    #[test]
    fn broken_xml_and_missing_files_are_said_not_skipped() {
        let files = AppBFiles {
            csproj: Some(csproj("8.6.0")),
            policy: Some(SourceFile::new(
                "App/config/authorization/policy.xml",
                "<xacml:Policy",
            )),
            ..AppBFiles::default()
        };
        assert_eq!(ids(&check(&files)), ["appb_policy_unreadable"]);
        let none = AppBFiles::default();
        assert_eq!(
            ids(&check(&none)),
            ["appb_version_unknown", "appb_file_missing"]
        );
    }

    #[test]
    fn an_organisation_must_be_allowed_as_owner_here_too() {
        let files = AppBFiles {
            csproj: Some(csproj("8.6.0")),
            policy: Some(policy(&[rule(
                "r1",
                DAGL,
                &["instantiate", "read", "write"],
            )])),
            metadata: Some(SourceFile::new(
                "App/config/applicationmetadata.json",
                r#"{"org":"ttd","partyTypesAllowed":{"person":true,"organisation":false}}"#,
            )),
            ..AppBFiles::default()
        };
        assert_eq!(ids(&check(&files)), ["appb_party_types"]);
    }
}
