//! Finding and reading an app's files: a repository folder (with `App/` and `deployment/`), the
//! `App` folder itself, or one file. The only part of `appconfig` that touches the disk.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{AppError, ErrorKind};

/// Larger files are not configuration; refusing them keeps a wrong path from eating memory.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum AppConfigError {
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error(
        "no Altinn app files (App.csproj, Program.cs, appsettings*.json, values.yaml) were found in {0}"
    )]
    NotAnApp(PathBuf),
    #[error(
        "no app B files (config/authorization/policy.xml, config/applicationmetadata.json) were found in {0}"
    )]
    NotAppB(PathBuf),
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is larger than 8 MiB, so it is not an app configuration file")]
    TooLarge(PathBuf),
}

impl From<AppConfigError> for AppError {
    fn from(error: AppConfigError) -> Self {
        let (kind, hint) = match &error {
            AppConfigError::Missing(_) => (ErrorKind::NotFound, "Check the path and try again."),
            AppConfigError::NotAnApp(_) => (
                ErrorKind::InvalidInput,
                "Give the folder of the app's repository (the one with App/ and deployment/), or one of its files.",
            ),
            AppConfigError::NotAppB(_) => (
                ErrorKind::InvalidInput,
                "Give the folder of app B's repository (the one with App/config/).",
            ),
            AppConfigError::Read { .. } | AppConfigError::TooLarge(_) => (
                ErrorKind::Storage,
                "Check that the file is readable and is the right one.",
            ),
        };
        AppError::new(kind, error.to_string()).with_hint(hint)
    }
}

/// A file's text and its name relative to the checked folder (with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// App A's files, as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFiles {
    pub root: PathBuf,
    pub csproj: Option<SourceFile>,
    /// `Directory.Build.props` and `Directory.Packages.props` between the app folder and the
    /// checked folder, nearest first, as MSBuild finds them.
    pub props: Vec<SourceFile>,
    pub program: Option<SourceFile>,
    /// Other C# files of the app that mention Maskinporten or Key Vault (extension classes in
    /// `App/logic`, `App/Extensions` …).
    pub sources: Vec<SourceFile>,
    /// `appsettings.json` first, then the environment files in name order.
    pub appsettings: Vec<SourceFile>,
    pub values: Option<SourceFile>,
    /// App A's own `config/applicationmetadata.json` (its organisation is app B's caller).
    pub metadata: Option<SourceFile>,
}

impl AppFiles {
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.csproj.iter().map(|f| f.name.clone()).collect();
        names.extend(self.props.iter().map(|f| f.name.clone()));
        names.extend(self.program.iter().map(|f| f.name.clone()));
        names.extend(self.sources.iter().map(|f| f.name.clone()));
        names.extend(self.appsettings.iter().map(|f| f.name.clone()));
        names.extend(self.values.iter().map(|f| f.name.clone()));
        names.extend(self.metadata.iter().map(|f| f.name.clone()));
        names
    }
}

/// C# files read besides Program.cs, at most; a repository with more is not an app's folder.
const MAX_SOURCES: usize = 2_000;
/// Folders never searched for sources: build output and tooling.
const SKIPPED_DIRS: &[&str] = &["bin", "obj", "node_modules", ".git", ".vs", "wwwroot"];

/// App B's files, as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppBFiles {
    pub policy: Option<SourceFile>,
    pub metadata: Option<SourceFile>,
    /// The project file and the props above it: which Altinn.App version app B runs (system
    /// users need 8.6, docs/reference/systemuser.md §6).
    pub csproj: Option<SourceFile>,
    pub props: Vec<SourceFile>,
}

/// Reads app A from a repository folder, its `App` folder, or a single file.
pub fn load_app(path: &Path) -> Result<AppFiles, AppConfigError> {
    if !path.exists() {
        return Err(AppConfigError::Missing(path.to_path_buf()));
    }
    let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = absolute.as_path();
    let mut app = AppFiles::default();
    if path.is_file() {
        let root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let file = read(&root, path)?;
        let name = file_name(path).to_ascii_lowercase();
        if name.ends_with(".csproj") {
            app.csproj = Some(file);
        } else if name == "program.cs" {
            app.program = Some(file);
        } else if is_appsettings(&name) {
            app.appsettings.push(file);
        } else if name == "values.yaml" || name == "values.yml" {
            app.values = Some(file);
        } else {
            return Err(AppConfigError::NotAnApp(path.to_path_buf()));
        }
        app.root = root;
        return Ok(app);
    }
    // `App/` (the template today) or `src/App/` (older templates, the Studio monorepo).
    let (root, app_dir) = if path.join("App").is_dir() {
        (path.to_path_buf(), path.join("App"))
    } else if path.join("src").join("App").is_dir() {
        (path.to_path_buf(), path.join("src").join("App"))
    } else {
        let parent = path.parent().unwrap_or(path).to_path_buf();
        (parent, path.to_path_buf())
    };
    let entries = sorted_entries(&app_dir)?;
    let csproj = entries
        .iter()
        .find(|p| file_name(p).eq_ignore_ascii_case("App.csproj"))
        .or_else(|| {
            entries
                .iter()
                .find(|p| file_name(p).to_ascii_lowercase().ends_with(".csproj"))
        });
    app.csproj = csproj.map(|p| read(&root, p)).transpose()?;
    app.program = entries
        .iter()
        .find(|p| file_name(p).eq_ignore_ascii_case("Program.cs"))
        .map(|p| read(&root, p))
        .transpose()?;
    let mut settings: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| is_appsettings(&file_name(p).to_ascii_lowercase()))
        .collect();
    settings.sort_by_key(|p| {
        (
            !file_name(p).eq_ignore_ascii_case("appsettings.json"),
            file_name(p),
        )
    });
    app.appsettings = settings
        .into_iter()
        .map(|p| read(&root, p))
        .collect::<Result<_, _>>()?;
    let values = ["values.yaml", "values.yml"]
        .iter()
        .map(|n| root.join("deployment").join(n))
        .find(|p| p.is_file());
    app.values = values.map(|p| read(&root, &p)).transpose()?;
    app.props = props_files(&root, &app_dir)?;
    app.sources = source_files(&root, &app_dir)?;
    let metadata = app_dir.join("config").join("applicationmetadata.json");
    app.metadata = metadata
        .is_file()
        .then(|| read(&root, &metadata))
        .transpose()?;
    app.root = root;
    if app.names().is_empty() {
        return Err(AppConfigError::NotAnApp(path.to_path_buf()));
    }
    Ok(app)
}

/// Reads app B's policy and metadata from its repository folder or its `App` folder.
pub fn load_app_b(path: &Path) -> Result<AppBFiles, AppConfigError> {
    if !path.exists() {
        return Err(AppConfigError::Missing(path.to_path_buf()));
    }
    let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let path = absolute.as_path();
    let (root, config) = if path.join("App").is_dir() {
        (path.to_path_buf(), path.join("App").join("config"))
    } else if path.join("src").join("App").is_dir() {
        (
            path.to_path_buf(),
            path.join("src").join("App").join("config"),
        )
    } else {
        (
            path.parent().unwrap_or(path).to_path_buf(),
            path.join("config"),
        )
    };
    let policy = config.join("authorization").join("policy.xml");
    let metadata = config.join("applicationmetadata.json");
    let app_dir = config.parent().unwrap_or(&root).to_path_buf();
    let csproj = if app_dir.is_dir() {
        sorted_entries(&app_dir)?
            .into_iter()
            .filter(|p| file_name(p).to_ascii_lowercase().ends_with(".csproj"))
            .min_by_key(|p| !file_name(p).eq_ignore_ascii_case("App.csproj"))
    } else {
        None
    };
    let files = AppBFiles {
        policy: policy.is_file().then(|| read(&root, &policy)).transpose()?,
        metadata: metadata
            .is_file()
            .then(|| read(&root, &metadata))
            .transpose()?,
        csproj: csproj.map(|p| read(&root, &p)).transpose()?,
        props: if app_dir.is_dir() {
            props_files(&root, &app_dir)?
        } else {
            Vec::new()
        },
    };
    if files.policy.is_none() && files.metadata.is_none() {
        return Err(AppConfigError::NotAppB(path.to_path_buf()));
    }
    Ok(files)
}

/// The nearest `Directory.Build.props` and `Directory.Packages.props` from the app folder up to
/// the checked folder (MSBuild stops at the first of each it finds).
fn props_files(root: &Path, app_dir: &Path) -> Result<Vec<SourceFile>, AppConfigError> {
    let mut found = Vec::new();
    for name in ["Directory.Packages.props", "Directory.Build.props"] {
        let mut dir = Some(app_dir);
        while let Some(here) = dir {
            let candidate = here.join(name);
            if candidate.is_file() {
                found.push(read(root, &candidate)?);
                break;
            }
            if here == root {
                break;
            }
            dir = here.parent().filter(|p| p.starts_with(root));
        }
    }
    Ok(found)
}

/// The app's other C# files that mention Maskinporten or Key Vault, in path order.
fn source_files(root: &Path, app_dir: &Path) -> Result<Vec<SourceFile>, AppConfigError> {
    let mut stack = vec![app_dir.to_path_buf()];
    let mut paths = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = file_name(&path);
            if path.is_dir() {
                if !SKIPPED_DIRS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                    stack.push(path);
                }
            } else if name.to_ascii_lowercase().ends_with(".cs")
                && !(dir == app_dir && name.eq_ignore_ascii_case("Program.cs"))
            {
                paths.push(path);
            }
            if paths.len() >= MAX_SOURCES {
                break;
            }
        }
    }
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        let file = read(root, &path)?;
        if file.text.contains("Maskinporten") || file.text.contains("KeyVault") {
            sources.push(file);
        }
    }
    Ok(sources)
}

fn is_appsettings(lower_name: &str) -> bool {
    lower_name.starts_with("appsettings") && lower_name.ends_with(".json")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, AppConfigError> {
    let read_error = |source| AppConfigError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_error)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    Ok(entries)
}

fn read(root: &Path, path: &Path) -> Result<SourceFile, AppConfigError> {
    let read_error = |source| AppConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(AppConfigError::TooLarge(path.to_path_buf()));
    }
    let bytes = fs::read(path).map_err(read_error)?;
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok(SourceFile::new(
        name,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}
