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
use super::versions::AppVersion;
use super::{
    AppFiles, BoundSection, ClientKind, ConfigPath, Finding, Severity, SourceFile, finding, l,
};

pub(super) const PROGRAM: &str = "App/Program.cs";
const CSPROJ: &str = "App/App.csproj";
/// The section the built-in client binds by default, and the root of the file Studio mounts
/// (config-keyvault-selfservice.md §2.2, §0.2).
pub(super) const DEFAULT_SECTION: &str = "MaskinportenSettings";

/// A registration and the section it binds (when the scanner could tell), in its file.
#[derive(Debug, Clone)]
pub(super) struct Bound {
    pub section: Option<String>,
    pub call: Call,
    pub file: String,
}

/// Everything read from app A once, shared by the path finder and the checks.
#[derive(Debug)]
pub(super) struct Context<'a> {
    pub settings: Vec<(&'a SourceFile, Settings)>,
    /// Program.cs's calls (their order is known).
    pub scan: Scan,
    pub program: Option<&'a SourceFile>,
    pub csproj: Option<&'a SourceFile>,
    pub values: Option<&'a SourceFile>,
    /// The project file's references, then `Directory.Build.props`'s.
    pub versions: Vec<PackageVersion>,
    pub project: project::ProjectFacts,
    /// `AddMaskinportenHttpClient` / `RegisterMaskinportenClientDefinition`, in any file.
    pub own: Vec<Bound>,
    /// `ConfigureMaskinportenClient`, in any file.
    pub built_in: Vec<Bound>,
    /// Calls that use the built-in client (`UseMaskinporten…Authori[sz]ation`), in any file.
    pub built_in_use: Vec<Bound>,
    /// Other C# files that name `IMaskinportenClient`.
    pub client_injected: Vec<String>,
    /// App A's organisation, from its applicationmetadata.json.
    pub org: Option<String>,
}

const OWN: [&str; 2] = [
    "AddMaskinportenHttpClient",
    "RegisterMaskinportenClientDefinition",
];
const BUILT_IN_USE: [&str; 4] = [
    "UseMaskinportenAuthorization",
    "UseMaskinportenAltinnAuthorization",
    "UseMaskinportenAuthorisation",
    "UseMaskinportenAltinnAuthorisation",
];

impl<'a> Context<'a> {
    pub fn new(app: &'a AppFiles) -> Self {
        let central: Vec<PackageVersion> = app
            .props
            .iter()
            .filter(|p| p.name.ends_with("Directory.Packages.props"))
            .flat_map(project::central_versions)
            .collect();
        let project = app
            .csproj
            .as_ref()
            .map(|f| project::read(f, &central))
            .unwrap_or_default();
        let mut versions = project.packages.clone();
        for props in app
            .props
            .iter()
            .filter(|p| p.name.ends_with("Directory.Build.props"))
        {
            versions.extend(project::read(props, &central).packages);
        }
        // The project's folder, so `<Compile Remove>` patterns can be matched.
        let project_dir = app
            .csproj
            .as_ref()
            .and_then(|f| f.name.rsplit_once('/'))
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let sources: Vec<&SourceFile> = app
            .sources
            .iter()
            .filter(|f| {
                let relative = f.name.strip_prefix(&project_dir).unwrap_or(&f.name);
                !project::removed(&project.compile_removes, relative)
            })
            .collect();
        let scan = app
            .program
            .as_ref()
            .map(|p| csharp::scan(&p.text))
            .unwrap_or_default();
        let mut scans: Vec<(String, Scan)> = app
            .program
            .iter()
            .map(|p| (p.name.clone(), scan.clone()))
            .collect();
        scans.extend(
            sources
                .iter()
                .map(|f| (f.name.clone(), csharp::scan(&f.text))),
        );
        let bound = |names: &[&str]| -> Vec<Bound> {
            scans
                .iter()
                .flat_map(|(file, scan)| {
                    scan.calls
                        .iter()
                        .filter(|c| names.contains(&c.name.as_str()))
                        .map(|c| Bound {
                            section: c.section.clone(),
                            call: c.clone(),
                            file: file.clone(),
                        })
                })
                .collect()
        };
        let own = bound(&OWN);
        let built_in = bound(&["ConfigureMaskinportenClient"]);
        let built_in_use = bound(&BUILT_IN_USE);
        let client_injected = app
            .program
            .iter()
            .chain(sources.iter().copied())
            .filter(|f| csharp::mentions(&f.text, "IMaskinportenClient"))
            .map(|f| f.name.clone())
            .collect();
        let org = app.metadata.as_ref().and_then(|m| {
            json::read(&m.text)
                .get("org")
                .and_then(|e| e.value.as_text())
                .filter(|o| !o.contains('['))
                .map(str::to_string)
        });
        Self {
            settings: app
                .appsettings
                .iter()
                .map(|f| (f, json::read(&f.text)))
                .collect(),
            versions,
            project,
            program: app.program.as_ref(),
            csproj: app.csproj.as_ref(),
            values: app.values.as_ref(),
            scan,
            own,
            built_in,
            built_in_use,
            client_injected,
            org,
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

    /// The app library's version: Altinn.App.Api (or its `.Experimental` build), else
    /// Altinn.App.Core; a `ProjectReference` to their source; else unknown.
    pub fn app_version(&self) -> AppVersion {
        const PACKAGES: [&str; 4] = [
            "Altinn.App.Api",
            "Altinn.App.Api.Experimental",
            "Altinn.App.Core",
            "Altinn.App.Core.Experimental",
        ];
        if let Some(found) = PACKAGES.iter().find_map(|p| self.package(p)) {
            return found.app_version();
        }
        let file = self.csproj.map_or(CSPROJ, |f| f.name.as_str());
        self.project
            .project_references
            .iter()
            .find(|(include, _)| {
                let name = include.replace('\\', "/");
                let name = name.rsplit('/').next().unwrap_or_default();
                name.starts_with("Altinn.App.Api") || name.starts_with("Altinn.App.Core")
            })
            .map_or(AppVersion::Unknown, |(include, line)| {
                AppVersion::FromSource {
                    package: include.clone(),
                    file: file.to_string(),
                    line: *line,
                }
            })
    }

    /// Every registration or use of Maskinporten found in code.
    pub fn uses_maskinporten(&self) -> bool {
        !self.own.is_empty()
            || !self.built_in.is_empty()
            || !self.built_in_use.is_empty()
            || !self.client_injected.is_empty()
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
                    file: b.file.clone(),
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
    if let Some((line, problem)) = &cx.project.unreadable {
        let file = cx.csproj.map_or(CSPROJ, |f| f.name.as_str());
        out.push(finding(
            "project_unreadable",
            Severity::Warning,
            file,
            Some(*line),
            l(
                format!("The project file is not well-formed XML ({problem}), so the app library version was not read; MSBuild will refuse it too."),
                format!("Prosjektfilen er ikke gyldig XML ({problem}), så versjonen av appbiblioteket ble ikke lest; MSBuild vil også avvise den."),
            ),
            l("Fix the XML at this line.", "Rett XML-en på denne linjen."),
        ));
    }
    if let (Some(api), Some(core)) = (cx.package("Altinn.App.Api"), cx.package("Altinn.App.Core"))
        && let (Some(a), Some(c)) = (api.parts, core.parts)
        && a != c
    {
        out.push(finding(
            "app_versions_differ",
            Severity::Warning,
            &core.file,
            Some(core.line),
            l(
                format!("Altinn.App.Api is {} but Altinn.App.Core is {}: Api depends on the Core of its own version, so NuGet warns of a downgrade (NU1605) and the app gets Api's features, if it builds.", api.version, core.version),
                format!("Altinn.App.Api er {}, men Altinn.App.Core er {}: Api avhenger av Core med samme versjon, så NuGet varsler om nedgradering (NU1605), og appen får Apis funksjoner hvis den bygger.", api.version, core.version),
            ),
            l(
                format!("Give both the same version ({}).", api.version),
                format!("Gi begge samme versjon ({}).", api.version),
            ),
        ));
    }
    if !matches!(cx.app_version(), AppVersion::Unknown) {
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
