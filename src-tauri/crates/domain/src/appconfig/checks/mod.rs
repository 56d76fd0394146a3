//! The checks on app A: readable appsettings, bound sections that exist, Key Vault wired in the
//! right order and mounted, the eager-binding trap, the `MaskinportenSettings` name collision,
//! dead v9 config and obsolete method names. Field-level checks are in `fields`, Key Vault's in
//! `keyvault`, version-dependent ones in `compat`.

mod compat;
mod fields;
mod keyvault;

use super::csharp::{self, Call, Scan};
use super::json::{self, Settings};
use super::project::{self, PackageVersion};
use super::{
    AppFiles, BoundSection, ClientKind, ConfigPath, Finding, Severity, SourceFile, finding, l,
};

pub(super) const PROGRAM: &str = "App/Program.cs";
const CSPROJ: &str = "App/App.csproj";
/// The section the built-in client binds by default, and the root of the file Studio mounts
/// (config-keyvault-selfservice.md §2.2, §0.2).
pub(super) const DEFAULT_SECTION: &str = "MaskinportenSettings";

/// A registration and the section it binds (when the scanner could tell).
#[derive(Debug, Clone)]
pub(super) struct Bound {
    pub section: Option<String>,
    pub call: Call,
}

/// Everything read from app A once, shared by the path finder and the checks.
#[derive(Debug)]
pub(super) struct Context<'a> {
    pub settings: Vec<(&'a SourceFile, Settings)>,
    pub scan: Scan,
    pub program: Option<&'a SourceFile>,
    pub csproj: Option<&'a SourceFile>,
    pub values: Option<&'a SourceFile>,
    pub versions: Vec<PackageVersion>,
    /// `AddMaskinportenHttpClient` / `RegisterMaskinportenClientDefinition`.
    pub own: Vec<Bound>,
    /// `ConfigureMaskinportenClient`.
    pub built_in: Vec<Bound>,
}

impl<'a> Context<'a> {
    pub fn new(app: &'a AppFiles) -> Self {
        let scan = app
            .program
            .as_ref()
            .map(|p| csharp::scan(&p.text))
            .unwrap_or_default();
        let bound = |names: &[&str]| -> Vec<Bound> {
            scan.calls
                .iter()
                .filter(|c| names.contains(&c.name.as_str()))
                .map(|c| Bound {
                    section: c.section.clone(),
                    call: c.clone(),
                })
                .collect()
        };
        let own = bound(&[
            "AddMaskinportenHttpClient",
            "RegisterMaskinportenClientDefinition",
        ]);
        let built_in = bound(&["ConfigureMaskinportenClient"]);
        Self {
            settings: app
                .appsettings
                .iter()
                .map(|f| (f, json::read(&f.text)))
                .collect(),
            versions: app
                .csproj
                .as_ref()
                .map(|f| project::package_versions(&f.text))
                .unwrap_or_default(),
            program: app.program.as_ref(),
            csproj: app.csproj.as_ref(),
            values: app.values.as_ref(),
            scan,
            own,
            built_in,
        }
    }

    pub fn program_name(&self) -> &str {
        self.program.map_or(PROGRAM, |p| p.name.as_str())
    }

    pub fn package(&self, name: &str) -> Option<&PackageVersion> {
        self.versions
            .iter()
            .find(|v| v.package.eq_ignore_ascii_case(name))
    }

    /// The app library version: Altinn.App.Api, else Altinn.App.Core.
    pub fn app_version(&self) -> Option<&PackageVersion> {
        self.package("Altinn.App.Api")
            .or_else(|| self.package("Altinn.App.Core"))
    }

    /// The appsettings files that have `section`.
    pub fn defined_in(&self, section: &str) -> Vec<(&'a SourceFile, &Settings)> {
        self.settings
            .iter()
            .filter(|(_, s)| s.has_section(section))
            .map(|(f, s)| (*f, s))
            .collect()
    }

    pub fn bound_sections(&self) -> Vec<BoundSection> {
        let own = self.own.iter().map(|b| (b, ClientKind::OwnIdentity));
        let built_in = self.built_in.iter().map(|b| (b, ClientKind::BuiltIn));
        own.chain(built_in)
            .filter_map(|(b, client)| {
                let section = b.section.clone()?;
                Some(BoundSection {
                    defined_in: self
                        .defined_in(&section)
                        .iter()
                        .map(|(f, _)| f.name.clone())
                        .collect(),
                    section,
                    client,
                    file: self.program_name().into(),
                    line: Some(b.call.line),
                })
            })
            .collect()
    }

    /// The built-in client's sections: those named in code, else its default section.
    pub fn built_in_sections(&self) -> Vec<(String, Option<u32>)> {
        let named: Vec<(String, Option<u32>)> = self
            .built_in
            .iter()
            .filter_map(|b| Some((b.section.clone()?, Some(b.call.line))))
            .collect();
        if named.is_empty() && self.built_in.is_empty() {
            vec![(DEFAULT_SECTION.to_string(), None)]
        } else {
            named
        }
    }
}

pub(super) fn run(cx: &Context<'_>, path: ConfigPath) -> Vec<Finding> {
    let mut out = Vec::new();
    readable(cx, &mut out);
    version_known(cx, &mut out);
    fields::own_identity(cx, &mut out);
    if matches!(path, ConfigPath::LegacyBuiltIn) {
        fields::built_in(cx, &mut out);
    }
    if matches!(path, ConfigPath::OwnIdentity | ConfigPath::LegacyBuiltIn) {
        keyvault::key_vault(cx, &mut out);
        keyvault::mount(cx, &mut out);
    }
    compat::collision(cx, &mut out);
    compat::dead_in_v9(cx, path, &mut out);
    compat::obsolete(cx, &mut out);
    out
}

fn readable(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (file, settings) in &cx.settings {
        if let Some(error) = &settings.error {
            out.push(finding(
                "appsettings_syntax",
                Severity::Error,
                &file.name,
                Some(error.line),
                l(
                    format!("ASP.NET cannot read this file: {}. The app will not start.", error.message),
                    format!("ASP.NET kan ikke lese denne filen: {}. Appen vil ikke starte.", error.message),
                ),
                l(
                    "Fix the JSON at this line (comments and trailing commas are fine; quotes and brackets must match).",
                    "Rett JSON-en på denne linjen (kommentarer og komma til slutt går bra; anførselstegn og klammer må stemme).",
                ),
            ));
        }
        for (key, line) in &settings.duplicates {
            out.push(finding(
                "appsettings_duplicate_key",
                Severity::Error,
                &file.name,
                Some(*line),
                l(
                    format!("The key {key} appears twice (keys are case-insensitive). ASP.NET refuses the file: \"A duplicate key was found\"."),
                    format!("Nøkkelen {key} finnes to ganger (store og små bokstaver regnes som like). ASP.NET avviser filen: «A duplicate key was found»."),
                ),
                l("Keep one of the two.", "Behold én av de to."),
            ));
        }
    }
}

fn version_known(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.app_version().is_some() {
        return;
    }
    let file = cx.csproj.map_or(CSPROJ, |f| f.name.as_str());
    out.push(finding(
        "app_version_unknown",
        Severity::Warning,
        file,
        None,
        l(
            "No Altinn.App.Api or Altinn.App.Core version was found, so the path is judged from the code alone.",
            "Fant ingen versjon av Altinn.App.Api eller Altinn.App.Core, så veien er bedømt bare ut fra koden.",
        ),
        l(
            "Check the app's project file (App/App.csproj) for <PackageReference Include=\"Altinn.App.Api\" Version=\"…\" />.",
            "Se etter <PackageReference Include=\"Altinn.App.Api\" Version=\"…\" /> i appens prosjektfil (App/App.csproj).",
        ),
    ));
}
