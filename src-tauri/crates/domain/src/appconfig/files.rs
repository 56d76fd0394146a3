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
    pub program: Option<SourceFile>,
    /// `appsettings.json` first, then the environment files in name order.
    pub appsettings: Vec<SourceFile>,
    pub values: Option<SourceFile>,
}

impl AppFiles {
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.csproj.iter().map(|f| f.name.clone()).collect();
        names.extend(self.program.iter().map(|f| f.name.clone()));
        names.extend(self.appsettings.iter().map(|f| f.name.clone()));
        names.extend(self.values.iter().map(|f| f.name.clone()));
        names
    }
}

/// App B's files, as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppBFiles {
    pub policy: Option<SourceFile>,
    pub metadata: Option<SourceFile>,
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
    let (root, app_dir) = if path.join("App").is_dir() {
        (path.to_path_buf(), path.join("App"))
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
    } else {
        (
            path.parent().unwrap_or(path).to_path_buf(),
            path.join("config"),
        )
    };
    let policy = config.join("authorization").join("policy.xml");
    let metadata = config.join("applicationmetadata.json");
    let files = AppBFiles {
        policy: policy.is_file().then(|| read(&root, &policy)).transpose()?,
        metadata: metadata
            .is_file()
            .then(|| read(&root, &metadata))
            .transpose()?,
    };
    if files.policy.is_none() && files.metadata.is_none() {
        return Err(AppConfigError::NotAppB(path.to_path_buf()));
    }
    Ok(files)
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
