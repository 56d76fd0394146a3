//! A link as a QR code, for the window to draw: the customer's confirm link is opened on
//! another device (the person who approves is often not the one at this machine), so the
//! window shows it as text to copy and as a code to scan. Only the modules are computed here;
//! the window draws them as one SVG path, so no markup travels from Rust to the page.

use qrcode::{EcLevel, QrCode};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorKind};

/// The modules of a QR code as an SVG path in module units, with the quiet zone the standard
/// asks for (ISO/IEC 18004: four modules) included in `size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QrPicture {
    /// Width and height in modules, quiet zone included: the SVG's `viewBox` is `0 0 size size`.
    pub size: u32,
    /// One `M x y h1 v1 h-1 z` square per dark module.
    pub path: String,
}

const QUIET: u32 = 4;

/// Encodes `text` with error correction M (15 %: a phone camera off a laptop screen).
pub fn picture(text: &str) -> Result<QrPicture, AppError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("The link cannot be drawn as a QR code ({e}); copy it instead."),
        )
    })?;
    let width = u32::try_from(code.width()).unwrap_or(u32::MAX);
    let mut path = String::new();
    for (index, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let (x, y) = (index % width + QUIET, index / width + QUIET);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Ok(QrPicture {
        size: width + 2 * QUIET,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws the path back into pixels (4 per module) and reads it with an independent decoder.
    fn decode(picture: &QrPicture) -> String {
        const SCALE: u32 = 4;
        let side = picture.size * SCALE;
        let mut dark = vec![false; (side * side) as usize];
        for square in picture.path.split('M').filter(|s| !s.is_empty()) {
            let head = square.trim_end_matches("h1v1h-1z");
            let (x, y) = head.split_once(' ').expect("x y");
            let (x, y): (u32, u32) = (x.parse().expect("x"), y.parse().expect("y"));
            for dy in 0..SCALE {
                for dx in 0..SCALE {
                    dark[((y * SCALE + dy) * side + x * SCALE + dx) as usize] = true;
                }
            }
        }
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side as usize, side as usize, |x, y| {
                if dark[y * side as usize + x] { 0 } else { 255 }
            });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_confirm_link_reads_back_from_its_picture() {
        let link = "https://authn.ui.tt02.altinn.no/authfront/ui/auth/vendorrequest?id=4f0c9a2e-58d1-4f53-a7e7-5b0c1d2e3f40&DONTCHOOSEREPORTEE=true";
        let picture = picture(link).expect("encodes");
        assert_eq!(decode(&picture), link);
        assert!(picture.size > 2 * QUIET);
        // The quiet zone stays light: no square starts before it.
        assert!(!picture.path.contains("M0 ") && !picture.path.contains("M3 "));
    }

    #[test]
    fn text_too_long_for_any_code_is_an_error_not_a_panic() {
        let error = picture(&"x".repeat(5_000)).expect_err("too long");
        assert!(error.message.contains("copy it"), "{}", error.message);
    }
}
