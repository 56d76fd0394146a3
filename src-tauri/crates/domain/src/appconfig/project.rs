//! The files around the code: the app's project file and the `Directory.Build.props` /
//! `Directory.Packages.props` above it (which packages at which versions, read as the MSBuild
//! XML they are: attributes on their own lines, child `<Version>` elements, comments, central
//! package management), and `deployment/values.yaml` (whether the `altinn-appsettings-secret`
//! that carries `kvSetting` is mounted; line-based, the file is short and regular).

use super::files::SourceFile;
use super::versions::{self, AppVersion};

/// A `PackageReference`, with its version as written and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageVersion {
    pub package: String,
    /// As written, or as `Directory.Packages.props` sets it; empty when neither does.
    pub version: String,
    /// The file that names the package (relative, with `/`).
    pub file: String,
    pub line: u32,
    /// `None` for a floating (`*`) or missing version.
    pub parts: Option<(u32, u32, u32)>,
}

impl PackageVersion {
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.parts.is_some_and(|(a, b, _)| (a, b) >= (major, minor))
    }

    pub fn is_preview(&self) -> bool {
        self.version.contains('-')
    }

    /// The version as the path finder reads it.
    pub fn app_version(&self) -> AppVersion {
        match self.parts {
            Some(parts) => AppVersion::Known {
                package: self.package.clone(),
                version: self.version.clone(),
                parts,
                file: self.file.clone(),
                line: self.line,
            },
            None => AppVersion::Floating {
                package: self.package.clone(),
                version: self.version.clone(),
                file: self.file.clone(),
                line: self.line,
            },
        }
    }
}

/// What a project file says: its package references, the projects it builds from source, the
/// source files it leaves out, and whether it could be read at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFacts {
    pub packages: Vec<PackageVersion>,
    /// `ProjectReference`s: `(Include, line)`.
    pub project_references: Vec<(String, u32)>,
    /// `<Compile Remove="…">` patterns, relative to the project's folder.
    pub compile_removes: Vec<String>,
    /// `(line, problem)` when the file is not well-formed XML.
    pub unreadable: Option<(u32, String)>,
}

/// `PackageVersion` items of a `Directory.Packages.props` (central package management).
pub fn central_versions(props: &SourceFile) -> Vec<PackageVersion> {
    let (text, offset) = xml_text(&props.text);
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| is(n, "PackageVersion"))
        .filter_map(|n| {
            let package = attr(&n, "Include").or_else(|| attr(&n, "Update"))?;
            let version = attr(&n, "Version").or_else(|| child_text(&n, "Version"))?;
            Some(PackageVersion {
                parts: versions::parse(&version),
                package,
                version,
                file: props.name.clone(),
                line: line_of(&doc, &n) + offset,
            })
        })
        .collect()
}

/// Reads a project (or props) file; references without a version take it from `central`.
pub fn read(project: &SourceFile, central: &[PackageVersion]) -> ProjectFacts {
    let (text, offset) = xml_text(&project.text);
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            return ProjectFacts {
                unreadable: Some((e.pos().row + offset, e.to_string())),
                ..ProjectFacts::default()
            };
        }
    };
    let mut facts = ProjectFacts::default();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if is(&node, "PackageReference") {
            let Some(package) = attr(&node, "Include").or_else(|| attr(&node, "Update")) else {
                continue;
            };
            let written = attr(&node, "Version")
                .or_else(|| attr(&node, "VersionOverride"))
                .or_else(|| child_text(&node, "Version"));
            let version = written.or_else(|| {
                central
                    .iter()
                    .find(|c| c.package.eq_ignore_ascii_case(&package))
                    .map(|c| c.version.clone())
            });
            let version = version.unwrap_or_default();
            facts.packages.push(PackageVersion {
                parts: versions::parse(&version),
                package,
                version,
                file: project.name.clone(),
                line: line_of(&doc, &node) + offset,
            });
        } else if is(&node, "ProjectReference") {
            if let Some(include) = attr(&node, "Include") {
                facts
                    .project_references
                    .push((include, line_of(&doc, &node) + offset));
            }
        } else if is(&node, "Compile")
            && let Some(remove) = attr(&node, "Remove")
        {
            facts
                .compile_removes
                .extend(remove.split(';').map(|p| p.trim().replace('\\', "/")));
        }
    }
    facts
}

/// A BOM and anything before the first `<` would make the parser refuse a file MSBuild reads:
/// the text from the first `<`, and how many lines were skipped to get there.
fn xml_text(text: &str) -> (&str, u32) {
    let start = text.find('<').unwrap_or(0);
    let skipped = u32::try_from(text[..start].matches('\n').count()).unwrap_or(0);
    (&text[start..], skipped)
}

/// MSBuild element and attribute names, compared as MSBuild does: without case.
fn is(node: &roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name().eq_ignore_ascii_case(name)
}

fn attr(node: &roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.attributes()
        .find(|a| a.name().eq_ignore_ascii_case(name))
        .map(|a| a.value().trim().to_string())
        .filter(|v| !v.is_empty())
}

fn child_text(node: &roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    node.children()
        .find(|c| is(c, name))
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn line_of(doc: &roxmltree::Document<'_>, node: &roxmltree::Node<'_, '_>) -> u32 {
    doc.text_pos_at(node.range().start).row
}

/// The paths a `<Compile Remove>` pattern covers: `dir/*.cs`, `dir/**`, or a file.
pub fn removed(patterns: &[String], relative: &str) -> bool {
    patterns.iter().any(|p| glob(p, relative))
}

fn glob(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./");
    match pattern.split_once("**") {
        Some((prefix, _)) => path.starts_with(prefix),
        None => match pattern.rsplit_once('/') {
            Some((dir, file)) => path
                .rsplit_once('/')
                .is_some_and(|(d, f)| d == dir && file_glob(file, f)),
            None => !path.contains('/') && file_glob(pattern, path),
        },
    }
}

fn file_glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
        None => pattern.eq_ignore_ascii_case(name),
    }
}

/// What `values.yaml` says about the secret that holds the app's Key Vault credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretMount {
    /// Line of a `mountPath: /altinn-appsettings-secret`.
    pub mount_line: Option<u32>,
    /// Line of a `secretName: altinn-appsettings-secret`.
    pub volume_line: Option<u32>,
    /// Line of the `volumeMounts:` key, where a missing mount belongs.
    pub volume_mounts_line: Option<u32>,
    /// Line of the `volumes:` key.
    pub volumes_line: Option<u32>,
}

/// The secret's name and mount path (altinn-studio-docs
/// `content/altinn-studio/v8/reference/configuration/secrets/_index.en.md`;
/// app-lib-dotnet `src/Altinn.App.Core/Extensions/ConfigurationBuilderExtensions.cs`).
pub const SECRET_NAME: &str = "altinn-appsettings-secret";
pub const SECRET_MOUNT_PATH: &str = "/altinn-appsettings-secret";

pub fn secret_mount(values_yaml: &str) -> SecretMount {
    let mut found = SecretMount::default();
    for (index, raw) in values_yaml.lines().enumerate() {
        let line = strip_yaml_comment(raw)
            .trim()
            .trim_start_matches("- ")
            .trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim_end_matches('/');
        let here = Some(line_number(index));
        match key.trim() {
            "mountPath" if value == SECRET_MOUNT_PATH => {
                found.mount_line = found.mount_line.or(here)
            }
            "secretName" if value == SECRET_NAME => found.volume_line = found.volume_line.or(here),
            "volumeMounts" => found.volume_mounts_line = found.volume_mounts_line.or(here),
            "volumes" => found.volumes_line = found.volumes_line.or(here),
            _ => {}
        }
    }
    found
}

fn strip_yaml_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(at) => &line[..at],
        None => line,
    }
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> SourceFile {
        SourceFile::new("App/App.csproj", text)
    }

    #[test]
    fn versions_are_read_from_attributes_and_child_elements() {
        let csproj = "<Project>\n<ItemGroup>\n  <PackageReference Include=\"Altinn.App.Api\" Version=\"8.5.0\">\n  </PackageReference>\n  <packagereference include='Altinn.App.Core'>\n    <Version>9.0.0-preview.4</Version>\n  </packagereference>\n</ItemGroup>\n</Project>";
        let versions = read(&project(csproj), &[]).packages;
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0].line, versions[0].parts), (3, Some((8, 5, 0))));
        assert!(versions[0].at_least(8, 3) && !versions[0].at_least(8, 6));
        assert_eq!(versions[1].version, "9.0.0-preview.4");
        assert!(versions[1].is_preview());
    }

    #[test]
    fn a_reference_over_several_lines_is_read_and_a_commented_one_is_not() {
        let csproj = "\u{feff}<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <!-- <PackageReference Include=\"Altinn.App.Api\" Version=\"8.0.0\" /> -->\n    <PackageReference\n      Include=\"Altinn.App.Api\"\n      Version=\"8.12.0\"\n    />\n  </ItemGroup>\n</Project>\n";
        let versions = read(&project(csproj), &[]).packages;
        assert_eq!(versions.len(), 1, "{versions:?}");
        assert_eq!(
            (versions[0].version.as_str(), versions[0].line),
            ("8.12.0", 4)
        );
    }

    #[test]
    fn floating_central_and_source_versions_are_told_apart() {
        let props = SourceFile::new(
            "Directory.Packages.props",
            "<Project><ItemGroup><PackageVersion Include=\"Altinn.App.Core\" Version=\"8.6.2\" /></ItemGroup></Project>",
        );
        let central = central_versions(&props);
        let csproj = "<Project><ItemGroup>\n<PackageReference Include=\"Altinn.App.Api\" Version=\"*-*\" />\n<PackageReference Include=\"Altinn.App.Core\" />\n<ProjectReference Include=\"../src/Altinn.App.Api/Altinn.App.Api.csproj\" />\n<Compile Remove=\"additional/**\" />\n</ItemGroup></Project>";
        let facts = read(&project(csproj), &central);
        assert_eq!(facts.packages[0].parts, None, "floating");
        assert_eq!(facts.packages[1].version, "8.6.2", "from the central file");
        assert_eq!(facts.project_references.len(), 1);
        assert!(removed(&facts.compile_removes, "additional/Override.cs"));
        assert!(!removed(&facts.compile_removes, "logic/Override.cs"));
    }

    #[test]
    fn a_broken_project_file_says_where() {
        let facts = read(&project("<Project>\n<ItemGroup>\n</Project>"), &[]);
        assert!(facts.unreadable.is_some_and(|(line, _)| line == 3));
    }

    #[test]
    fn a_commented_out_mount_does_not_count() {
        let yaml = "deployment:\n  volumeMounts:\n    # - name: altinn-appsettings-secret\n    #   mountPath: \"/altinn-appsettings-secret\"\n  volumes:\n    - name: altinn-appsettings-secret\n      secret:\n        secretName: altinn-appsettings-secret\n";
        let mount = secret_mount(yaml);
        assert_eq!(mount.mount_line, None);
        assert_eq!(mount.volume_mounts_line, Some(2));
        assert_eq!(mount.volume_line, Some(8));
    }
}
