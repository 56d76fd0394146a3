//! The system clipboard through Tauri's plugin; what is copied, and when it is cleared, is decided
//! in `assistant_app::clipboard`.

use assistant_app::clipboard::{CLEAR_AFTER, Clipboard, clear_if_still};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

pub struct SystemClipboard<'a, R: Runtime>(pub &'a AppHandle<R>);

impl<R: Runtime> Clipboard for SystemClipboard<'_, R> {
    fn write(&self, text: &str) -> Result<(), String> {
        self.0
            .clipboard()
            .write_text(text.to_string())
            .map_err(|e| e.to_string())
    }

    fn read(&self) -> Option<Zeroizing<String>> {
        self.0.clipboard().read_text().ok().map(Zeroizing::new)
    }

    fn clear(&self) {
        let _ = self.0.clipboard().clear();
    }
}

/// Clears `secret` from the clipboard after [`CLEAR_AFTER`], if it is still there then.
pub fn clear_later<R: Runtime>(app: &AppHandle<R>, secret: Zeroizing<String>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        clear_if_still(&SystemClipboard(&app), &secret);
    });
}
