//! The report's "Key rotations" section: for each rotation of the profile, the old and the new
//! kid with their thumbprints, when it started and ended, and every step's state and words.

use std::fmt::Write as _;

use super::{Lang, escape, row};
use crate::rotation::{Rotation, StepState};

fn state_words(lang: Lang, state: StepState) -> &'static str {
    match state {
        StepState::Todo => lang.pick("to do", "gjenstår"),
        StepState::Waiting => lang.pick("waiting for you", "venter på deg"),
        StepState::Failed => lang.pick("failed", "feilet"),
        StepState::Done => lang.pick("done", "gjort"),
        StepState::Skipped => lang.pick("not needed", "ikke nødvendig"),
    }
}

pub(super) fn section(out: &mut String, lang: Lang, rotations: &[Rotation]) {
    if rotations.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "\n<h2>{}</h2>",
        lang.pick("Key rotations", "Nøkkelrotasjoner")
    );
    let none = lang.pick("(not yet)", "(ikke ennå)");
    for r in rotations {
        out.push_str("<table><tbody>");
        row(out, lang.pick("Old kid", "Gammel kid"), &r.old_kid);
        row(
            out,
            lang.pick("Old thumbprint", "Gammelt tommelavtrykk"),
            &r.old_thumbprint,
        );
        row(
            out,
            lang.pick("New kid", "Ny kid"),
            r.new_kid.as_deref().unwrap_or(none),
        );
        row(
            out,
            lang.pick("New thumbprint", "Nytt tommelavtrykk"),
            r.new_thumbprint.as_deref().unwrap_or(none),
        );
        row(out, lang.pick("Started", "Startet"), &r.started);
        row(
            out,
            lang.pick("Finished", "Fullført"),
            r.finished.as_deref().unwrap_or(none),
        );
        out.push_str("</tbody></table><ol>");
        for step in &r.steps {
            let _ = write!(
                out,
                "<li>{} — <strong>{}</strong>",
                escape(lang.text(&step.step.title())),
                state_words(lang, step.state)
            );
            if let Some(detail) = &step.detail {
                let _ = write!(out, ": {}", escape(lang.text(detail)));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileName;
    use crate::rotation::{KeyRoute, Step};

    #[test]
    fn a_rotation_shows_both_kids_and_thumbprints_its_dates_and_each_step_escaped() {
        let at = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let mut r = Rotation::new(
            ProfileName::from("P"),
            "old-kid",
            "tp-old",
            KeyRoute::SelfService,
            at,
        );
        r.new_kid = Some("new-kid".into());
        r.new_thumbprint = Some("tp-new".into());
        r.set(
            Step::Generate,
            StepState::Done,
            Some(crate::diagnosis::l("<made>", "<laget>")),
            at,
        )
        .unwrap();
        let mut out = String::new();
        section(&mut out, Lang::Nb, &[r]);
        for needle in [
            "old-kid",
            "tp-old",
            "new-kid",
            "tp-new",
            "2027-01-15T08:00:00Z",
            "&lt;laget&gt;",
            "gjort",
            "gjenstår",
            "ikke ennå",
        ] {
            assert!(out.contains(needle), "{needle} in {out}");
        }
        let mut empty = String::new();
        section(&mut empty, Lang::En, &[]);
        assert!(empty.is_empty());
    }
}
