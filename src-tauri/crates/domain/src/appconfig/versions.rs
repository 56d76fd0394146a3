//! Which Altinn app library version brings which Maskinporten capability, and what the app's own
//! version is (exact, floating, built from source, or not found). The path finder and the advice
//! ask this table rather than comparing numbers by hand, so a 7.x app is never pointed at an API
//! it does not have.
//!
//! Sources (Altinn/app-lib-dotnet and Altinn/altinn-studio; tests/fixtures/real-apps/VERSIONS.md
//! has the evidence line by line):
//! - the built-in client (`Features/Maskinporten`, `ConfigureMaskinportenClient`,
//!   `IMaskinportenClient`) and Studio's provisioned `maskinporten-settings.json`: 8.3.0
//!   (app-lib-dotnet `src/Altinn.App.Core/Features/Maskinporten/Extensions/ServiceCollectionExtensions.cs`
//!   @38595ea; Altinn/docs#539, June 2024);
//! - `AddAzureKeyVaultAsConfigProvider`: 8.2.6 as the issue that asked for this table says; the
//!   library method lives in `src/Altinn.App.Api/Extensions/HostBuilderExtensions.cs` (@b9fdae6),
//!   its first release is UNCONFIRMED, so advice that needs it says "8.2.6 or later" and never
//!   asserts it for an older app;
//! - system users in apps: 8.6.0 (altinn-studio-docs SBS-setup, protocols.md §2);
//! - `UseMaskinportenAltinnAuthorization` (and the rename from `…Authorisation`, which stays as
//!   `[Obsolete]`): 8.7.0 (app-lib-dotnet, 2025-07-23);
//! - v9: only the provisioned credentials (altinn-studio `MaskinportenSettingsSource.cs` @2b04660).
//! - Altinn.App.Core depends on Altinn.ApiClients.Maskinporten in 7.x and all of 8.x (so an app
//!   can use it without a reference of its own), not in v9 (altinn-studio PR #19824).

/// A capability that arrived in a given app library version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    BuiltInClient,
    KeyVaultProvider,
    SystemUsers,
    AltinnAuthorizationName,
    /// v9: the built-in client reads only Studio's provisioned credentials.
    ProvisionedOnly,
}

impl Feature {
    /// `(major, minor, patch)` of the first version that has it.
    pub fn since(self) -> (u32, u32, u32) {
        match self {
            Feature::BuiltInClient => (8, 3, 0),
            Feature::KeyVaultProvider => (8, 2, 6),
            Feature::SystemUsers => (8, 6, 0),
            Feature::AltinnAuthorizationName => (8, 7, 0),
            Feature::ProvisionedOnly => (9, 0, 0),
        }
    }

    pub fn since_text(self) -> String {
        let (a, b, c) = self.since();
        format!("{a}.{b}.{c}")
    }
}

/// How the app library's version is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppVersion {
    /// A version, e.g. `8.12.0` or `9.0.0-preview.6`.
    Known {
        package: String,
        version: String,
        parts: (u32, u32, u32),
        file: String,
        line: u32,
    },
    /// `*`, `8.*`, `*-*`: resolved at restore time, so the features cannot be told.
    Floating {
        package: String,
        version: String,
        file: String,
        line: u32,
    },
    /// A `ProjectReference` to the library's source.
    FromSource {
        package: String,
        file: String,
        line: u32,
    },
    /// No reference to the library was found.
    Unknown,
}

impl AppVersion {
    /// Whether the version has `feature`; `None` when it cannot be told.
    pub fn has(&self, feature: Feature) -> Option<bool> {
        match self {
            // A prerelease counts as its version: 9.0.0-preview.6 has what 9.0.0 has.
            AppVersion::Known { parts, .. } => Some(*parts >= feature.since()),
            _ => None,
        }
    }

    /// `major` of a known version.
    pub fn major(&self) -> Option<u32> {
        match self {
            AppVersion::Known { parts, .. } => Some(parts.0),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<String> {
        match self {
            AppVersion::Known { version, .. } | AppVersion::Floating { version, .. } => {
                Some(version.clone())
            }
            AppVersion::FromSource { .. } => Some("from source".into()),
            AppVersion::Unknown => None,
        }
    }
}

/// `8.5.0`, `9.0.0-preview.4`, `[8.3.0,)`: the first three numbers; `None` when floating (`*`).
pub fn parse(version: &str) -> Option<(u32, u32, u32)> {
    let version = version.trim();
    if version.is_empty() || version.contains('*') || version.starts_with('$') {
        return None;
    }
    let core = version
        .trim_start_matches(['[', '('])
        .split(['-', ',', ']', ')', '+'])
        .next()
        .unwrap_or_default();
    let mut numbers = core.split('.').map(|p| p.trim().parse::<u32>());
    let major = numbers.next()?.ok()?;
    let minor = numbers.next().unwrap_or(Ok(0)).ok()?;
    let patch = numbers.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(version: &str) -> AppVersion {
        AppVersion::Known {
            package: "Altinn.App.Api".into(),
            version: version.into(),
            parts: parse(version).expect("a version"),
            file: "App/App.csproj".into(),
            line: 1,
        }
    }

    #[test]
    fn each_feature_arrives_in_its_version() {
        assert_eq!(known("7.6.0").has(Feature::BuiltInClient), Some(false));
        assert_eq!(known("8.2.9").has(Feature::BuiltInClient), Some(false));
        assert_eq!(known("8.3.0").has(Feature::BuiltInClient), Some(true));
        assert_eq!(
            known("8.6.9").has(Feature::AltinnAuthorizationName),
            Some(false)
        );
        assert_eq!(
            known("8.7.0").has(Feature::AltinnAuthorizationName),
            Some(true)
        );
        assert_eq!(known("8.12.0").has(Feature::ProvisionedOnly), Some(false));
        assert_eq!(
            known("9.0.0-preview.6").has(Feature::ProvisionedOnly),
            Some(true)
        );
        assert_eq!(
            known("9.0.0-preview.6").has(Feature::SystemUsers),
            Some(true)
        );
        assert_eq!(known("8.6.0").has(Feature::SystemUsers), Some(true));
    }

    #[test]
    fn floating_and_source_versions_cannot_tell() {
        let floating = AppVersion::Floating {
            package: "Altinn.App.Api".into(),
            version: "*-*".into(),
            file: "App/App.csproj".into(),
            line: 9,
        };
        assert_eq!(floating.has(Feature::BuiltInClient), None);
        assert_eq!(AppVersion::Unknown.has(Feature::BuiltInClient), None);
        for text in ["*", "8.*", "*-*", "$(AltinnVersion)", ""] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert_eq!(parse("[8.3.0,)"), Some((8, 3, 0)));
        assert_eq!(parse("8.6.0-pr.881.signing.08be950e"), Some((8, 6, 0)));
    }
}
