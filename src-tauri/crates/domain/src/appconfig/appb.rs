//! App B, from its repository files: its XACML policy must let the service owner (`[ORG]`, or
//! app A's organisation) instantiate, read and write, and its `partyTypesAllowed` must admit an
//! organisation as instance owner (protocols.md §4: scopes, PDP, 403 "Party … is not allowed to
//! instantiate"; APPLIB `InstantiationHelper.IsPartyAllowedToInstantiate`: all false means all
//! allowed). Checking a running app B through `api/v1/applicationmetadata` and
//! `api/v1/meta/authorizationpolicy` needs the same rules over HTTP and comes later.

use super::files::AppBFiles;
use super::{Finding, Severity, finding, json, l};
use crate::profile::Profile;

const ORG_ATTRIBUTE: &str = "urn:altinn:org";
const ACTION_ATTRIBUTE: &str = "urn:oasis:names:tc:xacml:1.0:action:action-id";
const NEEDED: [&str; 3] = ["instantiate", "read", "write"];

pub fn check(files: &AppBFiles, profile: Option<&Profile>) -> Vec<Finding> {
    let mut out = Vec::new();
    let metadata = files.metadata.as_ref().map(|f| (f, json::read(&f.text)));
    let own_org = metadata.as_ref().and_then(|(_, m)| {
        m.get("org")
            .and_then(|e| e.value.as_text())
            .map(str::to_string)
    });
    let caller = profile
        .and_then(|p| p.app_a.as_deref())
        .and_then(|a| a.split_once('/'))
        .map(|(org, _)| org.to_string())
        .or_else(|| own_org.clone());
    match &files.policy {
        Some(policy) => {
            out.extend(policy_rights(
                &policy.name,
                &policy.text,
                caller.as_deref(),
                own_org.as_deref(),
            ));
        }
        None => out.push(missing("App/config/authorization/policy.xml")),
    }
    match &metadata {
        Some((file, settings)) => out.extend(party_types(&file.name, settings)),
        None => out.push(missing("App/config/applicationmetadata.json")),
    }
    out
}

fn missing(file: &str) -> Finding {
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

/// The actions that rules granting the caller's organisation permit, and the first such rule.
fn policy_rights(
    name: &str,
    text: &str,
    caller: Option<&str>,
    own_org: Option<&str>,
) -> Vec<Finding> {
    let text = blank_comments(text);
    let mut granted: Vec<String> = Vec::new();
    let mut first_rule: Option<usize> = None;
    let rules = elements(&text, "Rule");
    for &(start, end) in &rules {
        let rule = &text[start..end];
        if !attribute(rule, "Effect").is_some_and(|e| e.eq_ignore_ascii_case("Permit")) {
            continue;
        }
        let mut org_matches = false;
        let mut actions = Vec::new();
        for (m_start, m_end) in elements(rule, "Match") {
            let block = &rule[m_start..m_end];
            let id =
                element_attribute(block, "AttributeDesignator", "AttributeId").unwrap_or_default();
            let category =
                element_attribute(block, "AttributeDesignator", "Category").unwrap_or_default();
            let Some(value) = element_text(block, "AttributeValue") else {
                continue;
            };
            if id == ORG_ATTRIBUTE && category.contains("subject") {
                let placeholder = value == "[ORG]" && (caller.is_none() || caller == own_org);
                org_matches |=
                    placeholder || caller.is_some_and(|c| c.eq_ignore_ascii_case(&value));
            } else if id == ACTION_ATTRIBUTE {
                actions.push(value);
            }
        }
        if org_matches {
            first_rule.get_or_insert(start);
            granted.extend(actions);
        }
    }
    let lacking: Vec<&str> = NEEDED
        .into_iter()
        .filter(|a| !granted.iter().any(|g| g == a))
        .collect();
    if lacking.is_empty() {
        return Vec::new();
    }
    let who = caller.unwrap_or("[ORG]");
    let at = first_rule.or(rules.first().map(|r| r.0));
    vec![finding(
        "appb_policy_rights",
        Severity::Error,
        name,
        at.map(|offset| line_of(&text, offset)),
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
                "Add a Permit rule with subject urn:altinn:org = {who} (or [ORG] for the app's own organisation) and the actions instantiate, read and write, as in the template's service-owner rule."
            ),
            format!(
                "Legg til en Permit-regel med subject urn:altinn:org = {who} (eller [ORG] for appens egen virksomhet) og handlingene instantiate, read og write, som i malens regel for tjenesteeier."
            ),
        ),
    )]
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

fn line_of(text: &str, offset: usize) -> u32 {
    let newlines = text
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// `<!-- … -->` replaced by spaces, newlines kept, so offsets and lines stay right.
fn blank_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("-->").map_or(after.len(), |e| e + 3);
        // Each character becomes as many spaces as it has bytes, so offsets stay right.
        for c in after[..end].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.push_str(&" ".repeat(c.len_utf8()));
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Byte ranges of elements with this local name (any namespace prefix), start tag to end tag.
fn elements(text: &str, local: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find('<') {
        let start = from + found;
        let name_end = text[start + 1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(text.len(), |e| start + 1 + e);
        let name = &text[start + 1..name_end];
        from = name_end.max(start + 1);
        if name.rsplit(':').next() != Some(local) {
            continue;
        }
        let Some(tag_end) = text[start..].find('>').map(|e| start + e) else {
            break;
        };
        if text[..tag_end].ends_with('/') {
            out.push((start, tag_end + 1));
            from = tag_end + 1;
            continue;
        }
        let close = format!("</{name}>");
        let end = text[tag_end..]
            .find(&close)
            .map_or(text.len(), |e| tag_end + e + close.len());
        out.push((start, end));
        from = end;
    }
    out
}

/// The start tag of an element: `<prefix:Name …>`.
fn start_tag<'t>(block: &'t str, local: &str) -> Option<&'t str> {
    let (start, _) = elements(block, local).into_iter().next()?;
    let end = block[start..]
        .find('>')
        .map_or(block.len(), |e| start + e + 1);
    Some(&block[start..end])
}

fn element_attribute(block: &str, local: &str, name: &str) -> Option<String> {
    attribute(start_tag(block, local)?, name)
}

fn element_text(block: &str, local: &str) -> Option<String> {
    let (start, end) = elements(block, local).into_iter().next()?;
    let inner = &block[start..end];
    let open_end = inner.find('>')? + 1;
    let close = inner.rfind("</").filter(|&c| c >= open_end)?;
    Some(inner[open_end..close].trim().to_string())
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = tag.split('>').next().unwrap_or(tag);
    let pattern = format!("{name}=");
    let mut from = 0;
    while let Some(found) = tag[from..].find(&pattern) {
        let at = from + found;
        from = at + pattern.len();
        if !tag[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = &tag[from..];
        let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let inner = &rest[1..];
        return inner.find(quote).map(|e| inner[..e].to_string());
    }
    None
}
