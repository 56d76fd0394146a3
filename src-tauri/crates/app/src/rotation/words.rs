//! What the rotation says to the person, in English and bokmål.

use assistant_domain::AppError;
use assistant_domain::chain::ChainReport;
use assistant_domain::diagnosis::{Localized, l};
use assistant_domain::profile::Profile;

pub(super) fn failed(e: &AppError) -> Localized {
    let text = match &e.hint {
        Some(hint) => format!("{} {hint}", e.message),
        None => e.message.clone(),
    };
    l(text.clone(), text)
}

pub(super) fn portal_add(profile: &Profile, kid: &str, report: &ChainReport) -> Localized {
    let client = profile.client_id.as_deref().unwrap_or("-");
    let said = report
        .diagnosis
        .as_ref()
        .map(|d| d.title.en.clone())
        .unwrap_or_default();
    l(
        format!(
            "In Samarbeidsportalen, open client {client}, Keys, \"Add key\", and paste the public key (key public {kid}). Keep the old key. Then continue: a token with {kid} proves it ({said})."
        ),
        format!(
            "I Samarbeidsportalen: åpne klient {client}, Nøkler, «Legg til nøkkel», og lim inn den offentlige nøkkelen (key public {kid}). Behold den gamle. Fortsett så: et token med {kid} beviser det ({said})."
        ),
    )
}
