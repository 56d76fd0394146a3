//! The two small files around the code: `App/App.csproj` (which Altinn app library version, and
//! whether Altinn.ApiClients.Maskinporten is referenced) and `deployment/values.yaml` (whether
//! the `altinn-appsettings-secret` that carries `kvSetting` is mounted). Line-based on purpose:
//! both files are short and regular, and a half-edited one should still be read.

/// A `major.minor.patch[-pre]` package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageVersion {
    pub package: String,
    pub version: String,
    pub line: u32,
    pub parts: (u32, u32, u32),
}

impl PackageVersion {
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.parts.0, self.parts.1) >= (major, minor)
    }

    pub fn is_preview(&self) -> bool {
        self.version.contains('-')
    }
}

/// `PackageReference` entries of a project file, with their versions when they parse.
pub fn package_versions(csproj: &str) -> Vec<PackageVersion> {
    let mut out = Vec::new();
    let lines: Vec<&str> = csproj.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let Some(start) = find_ci(line, "<PackageReference") else {
            continue;
        };
        let tag = &line[start..];
        let Some(package) = attribute(tag, "Include").or_else(|| attribute(tag, "Update")) else {
            continue;
        };
        // Version as an attribute, or as a <Version> child on one of the next lines.
        let version = attribute(tag, "Version").or_else(|| {
            lines
                .iter()
                .skip(index + 1)
                .take(6)
                .take_while(|l| find_ci(l, "<PackageReference").is_none())
                .find_map(|l| element(l, "Version"))
        });
        let Some(version) = version else { continue };
        out.push(PackageVersion {
            parts: parse_version(&version),
            package,
            version,
            line: line_number(index),
        });
    }
    out
}

/// `8.5.0`, `9.0.0-preview.4`, `[8.3.0,)`: the first three numbers; missing parts are 0.
fn parse_version(version: &str) -> (u32, u32, u32) {
    let core = version
        .trim_start_matches(['[', '('])
        .split(['-', ',', ']', ')', '+'])
        .next()
        .unwrap_or_default();
    let mut numbers = core
        .split('.')
        .map(|p| p.trim().parse::<u32>().unwrap_or(0));
    (
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
    )
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

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.char_indices().map(|(i, _)| i).find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}

/// `Name="value"` (or single quotes) inside a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(at) = find_ci(rest, name) {
        let after = rest[at + name.len()..].trim_start();
        let preceded = rest[..at].ends_with(|c: char| c.is_whitespace());
        if preceded && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            let inner = &value[1..];
            return inner.find(quote).map(|end| inner[..end].trim().to_string());
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// `<Name>value</Name>` on one line.
fn element(line: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = find_ci(line, &open)? + open.len();
    let end = find_ci(&line[start..], "</")?;
    Some(line[start..start + end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_attributes_and_child_elements() {
        let csproj = "<Project>\n<ItemGroup>\n  <PackageReference Include=\"Altinn.App.Api\" Version=\"8.5.0\">\n  </PackageReference>\n  <packagereference include='Altinn.App.Core'>\n    <Version>9.0.0-preview.4</Version>\n  </packagereference>\n</ItemGroup>\n</Project>";
        let versions = package_versions(csproj);
        assert_eq!(versions.len(), 2);
        assert_eq!((versions[0].line, versions[0].parts), (3, (8, 5, 0)));
        assert!(versions[0].at_least(8, 3) && !versions[0].at_least(8, 6));
        assert_eq!(versions[1].version, "9.0.0-preview.4");
        assert!(versions[1].is_preview());
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
