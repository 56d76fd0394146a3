//! Native file dialogs, opened from Rust so that the paths the page may use are the ones the
//! person picked (see `grants`). The page has no `dialog:*` permission of its own.

use assistant_domain::{AppError, ErrorKind};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State, Window};
use tauri_plugin_dialog::{DialogExt, FilePath};
use ts_rs::TS;

use assistant_app::grants::{Access, PathGrants};

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ChoosePathRequest {
    /// An existing file to read (a key, an instance's data, a bulk CSV); no filter when
    /// `extensions` is empty.
    Open {
        name: String,
        extensions: Vec<String>,
    },
    /// A folder (app A's repository), which is also typed or pasted.
    Folder,
    /// Where to save; the dialog itself asks before a file there is replaced.
    Save {
        #[serde(rename = "defaultName")]
        #[ts(rename = "defaultName")]
        default_name: String,
        extension: String,
    },
}

/// Opens the dialog over the window; the picked path (None when cancelled) is remembered for
/// this window's commands and returned to show.
#[tauri::command]
pub async fn choose_path<R: Runtime>(
    app: AppHandle<R>,
    window: Window<R>,
    grants: State<'_, PathGrants>,
    request: ChoosePathRequest,
) -> Result<Option<String>, AppError> {
    let (sender, answer) = tokio::sync::oneshot::channel::<Option<FilePath>>();
    let dialog = app.dialog().file().set_parent(&window);
    let access = match request {
        ChoosePathRequest::Open { name, extensions } => {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            let dialog = if extensions.is_empty() {
                dialog
            } else {
                dialog.add_filter(name, &extensions)
            };
            dialog.pick_file(move |picked| drop(sender.send(picked)));
            Access::Read
        }
        ChoosePathRequest::Folder => {
            dialog.pick_folder(move |picked| drop(sender.send(picked)));
            Access::Read
        }
        ChoosePathRequest::Save {
            default_name,
            extension,
        } => {
            dialog
                .set_file_name(default_name)
                .add_filter(extension.to_uppercase(), &[extension.as_str()])
                .save_file(move |picked| drop(sender.send(picked)));
            Access::Write
        }
    };
    let picked = answer.await.ok().flatten();
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .as_path()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                "The dialog gave a location that is not a file on this computer.",
            )
            .with_hint("Pick a file on a local or mounted drive.")
        })?;
    let shown = path.display().to_string();
    grants.grant(path, access);
    Ok(Some(shown))
}
