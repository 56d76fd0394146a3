//! What a sandbox profile gets filled in with: the sandbox's organisation, client, scopes and
//! app B wherever the profile leaves them empty. Pure, so the rule is tested apart from saving.
//! It sits in the app because only the app sees both the profile (domain) and the sandbox's
//! defaults (the sandbox crate shares no code with the domain).

use assistant_domain::profile::Profile;
use assistant_sandbox::defaults;

/// The profile with the sandbox's defaults wherever it has none; what is set stays as it is.
pub fn sandbox_defaults_for(profile: &Profile) -> Profile {
    let mut filled = profile.clone();
    filled
        .org_number
        .get_or_insert_with(|| defaults::ORG_NUMBER.to_string());
    filled
        .client_id
        .get_or_insert_with(|| defaults::CLIENT_ID.into());
    if filled.scopes.is_empty() {
        // App B's owner acting as service owner: the scopes of the template's [org] rule (a
        // plain organisation token matches no rule of the template policy).
        filled.scopes = vec![
            "altinn:serviceowner/instances.read".into(),
            "altinn:serviceowner/instances.write".into(),
        ];
    }
    filled
        .app_b
        .get_or_insert_with(|| format!("{}/{}", defaults::APP_ORG, defaults::APP_NAME));
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare() -> Profile {
        Profile {
            name: "P".into(),
            ..Profile::default()
        }
    }

    #[test]
    fn an_empty_profile_gets_every_default() {
        let filled = sandbox_defaults_for(&bare());
        assert_eq!(filled.org_number.as_deref(), Some(defaults::ORG_NUMBER));
        assert_eq!(
            filled.client_id.as_ref().map(|c| c.to_string()),
            Some(defaults::CLIENT_ID.to_string())
        );
        assert_eq!(
            filled
                .scopes
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
            [
                "altinn:serviceowner/instances.read",
                "altinn:serviceowner/instances.write"
            ]
        );
        assert_eq!(filled.app_b.as_deref(), Some("ttd/sandbox-app-b"));
        assert_eq!(filled.name, bare().name);
    }

    #[test]
    fn what_is_set_stays_and_only_the_missing_is_filled() {
        let partial = Profile {
            org_number: Some("310987654".into()),
            app_b: Some("org/app".into()),
            ..bare()
        };
        let filled = sandbox_defaults_for(&partial);
        assert_eq!(filled.org_number.as_deref(), Some("310987654"));
        assert_eq!(filled.app_b.as_deref(), Some("org/app"));
        assert_eq!(
            filled.client_id.as_ref().map(|c| c.to_string()),
            Some(defaults::CLIENT_ID.to_string())
        );
        assert_eq!(filled.scopes.len(), 2);
    }

    #[test]
    fn scopes_are_filled_only_when_there_are_none() {
        let with_scope = Profile {
            scopes: vec!["test:one".into()],
            ..bare()
        };
        let filled = sandbox_defaults_for(&with_scope);
        assert_eq!(
            filled
                .scopes
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
            ["test:one"]
        );
    }

    #[test]
    fn a_complete_profile_comes_back_unchanged() {
        let complete = sandbox_defaults_for(&bare());
        assert_eq!(sandbox_defaults_for(&complete), complete);
    }
}
