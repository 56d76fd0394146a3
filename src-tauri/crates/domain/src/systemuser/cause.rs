//! MP-303 ("No system user found…") by its cause (issue 17; docs/reference/systemuser.md §5.4,
//! Altinn's MP-303 troubleshooting page: the client id missing from the system, externalRef
//! missing or wrong, systemuser_org wrong; and a request not approved). Maskinporten's answer
//! is the same for all of them; the cause is found by looking at the vendor's systems and
//! requests, which the vendor may read.

use super::register::RegisteredSystem;
use super::request::{Status, SystemUserRequest};
use crate::diagnosis::{Diagnosis, DiagnosisCode, l};

/// What the grant asked for, and what the vendor's APIs showed.
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    pub client_id: &'a str,
    /// The customer (`systemuser_org`, 9 digits).
    pub customer: &'a str,
    /// The grant's `externalRef`; `None` means it defaults to the customer's org number.
    pub external_ref: Option<&'a str>,
    pub systems: &'a [RegisteredSystem],
    /// The requests of the systems that carry this client id.
    pub requests: &'a [SystemUserRequest],
}

fn diagnosis(
    code: DiagnosisCode,
    title: (&str, &str),
    explanation: (String, String),
    fix: (String, String),
    raw: &str,
) -> Diagnosis {
    Diagnosis {
        code,
        title: l(title.0, title.1),
        explanation: l(explanation.0, explanation.1),
        fix: l(fix.0, fix.1),
        raw: Some(raw.to_string()),
    }
}

/// The one cause that explains this MP-303, or `None` when what was seen explains nothing
/// (then the general MP-303 diagnosis stands).
pub fn explain(seen: &Seen<'_>, raw: &str) -> Option<Diagnosis> {
    let Seen {
        client_id,
        customer,
        ..
    } = *seen;
    let wanted_ref = seen.external_ref.unwrap_or(customer);
    if !seen
        .systems
        .iter()
        .any(|s| s.client_id.iter().any(|c| c == client_id))
    {
        return Some(diagnosis(
            DiagnosisCode::SystemNotRegistered,
            ("No system in the system register has this client id", "Ingen system i systemregisteret har denne klient-ID-en"),
            (
                format!("Maskinporten looks the system user up through the system that lists client {client_id}, and none of your systems does."),
                format!("Maskinporten finner systembrukeren via systemet som har klient {client_id}, og ingen av systemene deres har den."),
            ),
            (
                "Register the system with this client id (system register --yes), then ask the customer for a system user.".into(),
                "Registrer systemet med denne klient-ID-en (system register --yes), og be så kunden om en systembruker.".into(),
            ),
            raw,
        ));
    }
    let for_customer: Vec<&SystemUserRequest> = seen
        .requests
        .iter()
        .filter(|r| r.party_org_no == customer)
        .collect();
    let exact = for_customer
        .iter()
        .find(|r| r.external_ref.as_deref().unwrap_or(&r.party_org_no) == wanted_ref);
    if let Some(request) = exact {
        let status = Status::parse(&request.status);
        if status != Status::Accepted {
            return Some(diagnosis(
                DiagnosisCode::SystemUserNotApproved,
                (
                    "The customer has not approved the system user",
                    "Kunden har ikke godkjent systembrukeren",
                ),
                (
                    format!(
                        "The request {} for {customer} is \"{}\": a system user exists only once it is approved.",
                        request.id, request.status
                    ),
                    format!(
                        "Forespørselen {} for {customer} har status «{}»: en systembruker finnes først når den er godkjent.",
                        request.id, request.status
                    ),
                ),
                (status.next_step().en, status.next_step().nb),
                raw,
            ));
        }
        return None;
    }
    if let Some(other) = for_customer.first() {
        let made_with = other.external_ref.as_deref().unwrap_or(&other.party_org_no);
        let sent = seen.external_ref.map_or_else(
            || "none (it then means the organisation number)".to_string(),
            |r| format!("\"{r}\""),
        );
        let sent_nb = seen.external_ref.map_or_else(
            || "ingen (da betyr den organisasjonsnummeret)".to_string(),
            |r| format!("«{r}»"),
        );
        return Some(diagnosis(
            DiagnosisCode::SystemUserWrongExternalRef,
            (
                "The externalRef does not match the system user's",
                "externalRef stemmer ikke med systembrukerens",
            ),
            (
                format!(
                    "The system user for {customer} was requested with externalRef \"{made_with}\"; the grant sent {sent}. Maskinporten needs the same one."
                ),
                format!(
                    "Systembrukeren for {customer} ble bedt om med externalRef «{made_with}»; grantet sendte {sent_nb}. Maskinporten krever den samme."
                ),
            ),
            (
                format!(
                    "Send externalRef \"{made_with}\" in the grant (--external-ref {made_with})."
                ),
                format!("Send externalRef «{made_with}» i grantet (--external-ref {made_with})."),
            ),
            raw,
        ));
    }
    if !seen.requests.is_empty() {
        let mut orgs: Vec<&str> = seen
            .requests
            .iter()
            .map(|r| r.party_org_no.as_str())
            .collect();
        orgs.sort_unstable();
        orgs.dedup();
        let list = orgs.join(", ");
        return Some(diagnosis(
            DiagnosisCode::SystemUserWrongOrg,
            (
                "No system user for this organisation",
                "Ingen systembruker for denne organisasjonen",
            ),
            (
                format!(
                    "The grant's systemuser_org is {customer}, but your system's users were requested for {list}. For an agent system user it is the agent's own organisation."
                ),
                format!(
                    "Grantets systemuser_org er {customer}, men systemets brukere er bedt om for {list}. For en agent-systembruker er det agentens egen organisasjon."
                ),
            ),
            (
                format!(
                    "Use one of {list} as systemuser_org, or ask {customer} for a system user (systemuser request --customer {customer})."
                ),
                format!(
                    "Bruk en av {list} som systemuser_org, eller be {customer} om en systembruker (systemuser request --customer {customer})."
                ),
            ),
            raw,
        ));
    }
    Some(diagnosis(
        DiagnosisCode::SystemUserNotRequested,
        (
            "No system user has been requested for this customer",
            "Ingen systembruker er bedt om for denne kunden",
        ),
        (
            format!(
                "Your system is registered with this client, but no system-user request was sent to {customer}."
            ),
            format!(
                "Systemet er registrert med denne klienten, men ingen systembruker-forespørsel er sendt til {customer}."
            ),
        ),
        (
            format!(
                "Ask the customer: systemuser request --customer {customer}, and hand them the confirm link."
            ),
            format!(
                "Spør kunden: systemuser request --customer {customer}, og gi dem godkjenningslenken."
            ),
        ),
        raw,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systemuser::register::wanted;

    fn request(org: &str, reference: Option<&str>, status: &str) -> SystemUserRequest {
        SystemUserRequest {
            id: "d111dbab-d619-4f15-bf29-58fe570a9ae6".into(),
            external_ref: Some(reference.unwrap_or(org).to_string()),
            system_id: "312345676_x".into(),
            party_org_no: org.into(),
            rights: vec![],
            status: status.into(),
            confirm_url: None,
        }
    }

    fn code(
        systems: &[RegisteredSystem],
        requests: &[SystemUserRequest],
        reference: Option<&str>,
    ) -> Option<DiagnosisCode> {
        let seen = Seen {
            client_id: "c-1",
            customer: "310987654",
            external_ref: reference,
            systems,
            requests,
        };
        explain(&seen, "MP-303").map(|d| d.code)
    }

    #[test]
    fn each_cause_is_told_apart() {
        let system = [wanted("312345676", "x", "c-1", "ttd/app-b").unwrap()];
        let other_client = [wanted("312345676", "x", "c-2", "ttd/app-b").unwrap()];
        assert_eq!(
            code(&other_client, &[], None),
            Some(DiagnosisCode::SystemNotRegistered)
        );
        assert_eq!(
            code(&system, &[], None),
            Some(DiagnosisCode::SystemUserNotRequested)
        );
        assert_eq!(
            code(&system, &[request("310987654", None, "New")], None),
            Some(DiagnosisCode::SystemUserNotApproved)
        );
        assert_eq!(
            code(
                &system,
                &[request("310987654", Some("ref-1"), "Accepted")],
                Some("ref-2")
            ),
            Some(DiagnosisCode::SystemUserWrongExternalRef)
        );
        assert_eq!(
            code(
                &system,
                &[request("310987654", Some("ref-1"), "Accepted")],
                None
            ),
            Some(DiagnosisCode::SystemUserWrongExternalRef)
        );
        assert_eq!(
            code(&system, &[request("311111111", None, "Accepted")], None),
            Some(DiagnosisCode::SystemUserWrongOrg)
        );
        assert_eq!(
            code(
                &system,
                &[request("310987654", Some("ref-1"), "Accepted")],
                Some("ref-1")
            ),
            None,
            "nothing explains it"
        );
    }

    #[test]
    fn the_wrong_external_ref_names_the_one_to_send_in_both_languages() {
        let system = [wanted("312345676", "x", "c-1", "ttd/app-b").unwrap()];
        let requests = [request("310987654", Some("ref-1"), "Accepted")];
        let seen = Seen {
            client_id: "c-1",
            customer: "310987654",
            external_ref: None,
            systems: &system,
            requests: &requests,
        };
        let d = explain(&seen, "MP-303 raw").unwrap();
        assert!(d.fix.en.contains("--external-ref ref-1") && d.fix.nb.contains("ref-1"));
        assert!(
            d.explanation
                .en
                .contains("none (it then means the organisation number)")
        );
        assert_eq!(d.raw.as_deref(), Some("MP-303 raw"));
    }
}
