//! App B, from its repository files: its XACML policy must let app A's organisation (the service
//! owner `[org]`, when both apps are the same organisation's) instantiate, read and write, and
//! its `partyTypesAllowed` must admit an organisation as instance owner (protocols.md §4: scopes,
//! PDP, 403 "Party … is not allowed to instantiate"; APPLIB
//! `InstantiationHelper.IsPartyAllowedToInstantiate`: all false means all allowed). The policy is
//! read by `xacml`; a missing `delete` for the owner is said too, since cleaning up test
//! instances needs it (see `altinn::delete`).

use super::files::AppBFiles;
use super::xacml::{self, ORG_ATTRIBUTE};
use super::{Finding, Severity, finding, json, l};

const NEEDED: [&str; 3] = ["instantiate", "read", "write"];

/// Checks app B for a caller: app A's organisation (from the profile's app A, else app A's own
/// applicationmetadata.json), or app B's own organisation when neither is known.
pub fn check(files: &AppBFiles, caller: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    let metadata = files.metadata.as_ref().map(|f| (f, json::read(&f.text)));
    let own_org = metadata.as_ref().and_then(|(_, m)| {
        m.get("org")
            .and_then(|e| e.value.as_text())
            .map(str::to_string)
    });
    let caller = caller.map(str::to_string).or_else(|| own_org.clone());
    match &files.policy {
        Some(policy) => out.extend(policy_rights(
            &policy.name,
            &policy.text,
            caller.as_deref(),
            own_org.as_deref(),
        )),
        None => out.push(missing("App/config/authorization/policy.xml")),
    }
    match &metadata {
        Some((file, settings)) => out.extend(party_types(&file.name, settings)),
        None => out.push(missing("App/config/applicationmetadata.json")),
    }
    out
}

/// A file of app B that was not there, so its part was not checked.
pub(super) fn missing(file: &str) -> Finding {
    finding(
        "appb_file_missing",
        Severity::Warning,
        file,
        None,
        l(
            "App B's file was not found, so this part was not checked.",
            "Fant ikke filen i app B, så denne delen ble ikke sjekket.",
        ),
        l(
            "Give the folder of app B's repository (the one with App/config/).",
            "Oppgi mappen til app B sitt repo (den med App/config/).",
        ),
    )
}

/// What the policy grants the caller: the actions of Permit rules whose subject is the caller's
/// organisation (by code, or by the owner placeholder when the caller owns app B), and the first
/// such rule's line.
pub fn granted(
    text: &str,
    caller: Option<&str>,
    own_org: Option<&str>,
) -> Result<(Vec<String>, Option<u32>), (u32, String)> {
    let owner = match (caller, own_org) {
        (Some(c), Some(o)) => c.eq_ignore_ascii_case(o),
        // Without names the check is for the app's own organisation.
        _ => true,
    };
    let mut actions = Vec::new();
    let mut first = None;
    for rule in xacml::rules(text)?.into_iter().filter(|r| r.permit) {
        let for_caller = rule.subjects.iter().any(|m| {
            m.attribute == ORG_ATTRIBUTE
                && ((m.is_owner_placeholder() && owner)
                    || caller.is_some_and(|c| c.eq_ignore_ascii_case(&m.value)))
        });
        if for_caller {
            first.get_or_insert(rule.line);
            actions.extend(rule.actions);
        }
    }
    Ok((actions, first))
}

fn policy_rights(
    name: &str,
    text: &str,
    caller: Option<&str>,
    own_org: Option<&str>,
) -> Vec<Finding> {
    let (granted, first) = match granted(text, caller, own_org) {
        Ok(found) => found,
        Err((line, problem)) => {
            return vec![finding(
                "appb_policy_unreadable",
                Severity::Error,
                name,
                Some(line),
                l(
                    format!(
                        "App B's policy is not valid XML ({problem}), so Altinn cannot load it."
                    ),
                    format!(
                        "Policyen til app B er ikke gyldig XML ({problem}), så Altinn kan ikke laste den."
                    ),
                ),
                l(
                    "Fix the XML at this line (Studio's policy editor writes valid XACML).",
                    "Rett XML-en på denne linjen (policyeditoren i Studio skriver gyldig XACML).",
                ),
            )];
        }
    };
    let who = caller.unwrap_or("[org]");
    let lacking: Vec<&str> = NEEDED
        .into_iter()
        .filter(|a| !granted.iter().any(|g| g == a))
        .collect();
    let mut out = Vec::new();
    if !lacking.is_empty() {
        out.push(finding(
            "appb_policy_rights",
            Severity::Error,
            name,
            first,
            l(
                format!(
                    "App B's policy does not let the organisation {who} {}: app B answers 403 when app A tries.",
                    lacking.join(", ")
                ),
                format!(
                    "Policyen til app B lar ikke virksomheten {who} gjøre {}: app B svarer 403 når app A prøver.",
                    lacking.join(", ")
                ),
            ),
            l(
                format!(
                    "Add a Permit rule with subject urn:altinn:org = {who} (or [org] for the app's own organisation) and the actions instantiate, read and write, as in the template's service-owner rule."
                ),
                format!(
                    "Legg til en Permit-regel med subject urn:altinn:org = {who} (eller [org] for appens egen virksomhet) og handlingene instantiate, read og write, som i malens regel for tjenesteeier."
                ),
            ),
        ));
    } else if !granted.iter().any(|g| g == "delete") {
        out.push(finding(
            "appb_policy_no_delete",
            Severity::Info,
            name,
            first,
            l(
                format!("The policy does not give {who} \"delete\", as the app template does not: test instances app A makes cannot be deleted by it (403)."),
                format!("Policyen gir ikke {who} «delete», slik malen heller ikke gjør: testinstanser app A lager kan ikke slettes av den (403)."),
            ),
            l(
                "To clean up test instances, add the action delete to the [org] rule (the tool prints the exact XML when a delete is refused).",
                "For å rydde testinstanser: legg handlingen delete til [org]-regelen (verktøyet viser nøyaktig XML når en sletting blir avvist).",
            ),
        ));
    }
    out
}

/// `partyTypesAllowed` must admit organisations (all false means all allowed).
fn party_types(name: &str, metadata: &json::Settings) -> Vec<Finding> {
    let get = |kind: &str| metadata.get(&format!("partyTypesAllowed:{kind}"));
    let allowed = |kind: &str| {
        get(kind)
            .and_then(|e| e.value.as_text())
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let kinds = ["bankruptcyEstate", "organisation", "person", "subUnit"];
    if allowed("organisation") || !kinds.iter().any(|k| allowed(k)) {
        return Vec::new();
    }
    let line = get("organisation")
        .or_else(|| metadata.get("partyTypesAllowed"))
        .map(|e| e.line);
    vec![finding(
        "appb_party_types",
        Severity::Error,
        name,
        line,
        l(
            "App B does not allow an organisation as instance owner (partyTypesAllowed.organisation is false while other types are true): creating an instance for the organisation gives 403 \"Party … is not allowed to instantiate\".",
            "App B tillater ikke en virksomhet som eier av instansen (partyTypesAllowed.organisation er false mens andre typer er true): å lage en instans for virksomheten gir 403 «Party … is not allowed to instantiate».",
        ),
        l(
            "Set \"organisation\": true under partyTypesAllowed in app B's applicationmetadata.json (in Studio: Settings → Access control).",
            "Sett «organisation»: true under partyTypesAllowed i applicationmetadata.json i app B (i Studio: Innstillinger → Tilgangsstyring).",
        ),
    )]
}
