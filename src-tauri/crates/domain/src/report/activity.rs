//! The report's sections read from the profile's history: the instances made from it and the
//! activity log, newest first.

use std::fmt::Write as _;

use super::{Lang, escape, state_label, when};
use crate::history::HistoryEntry;

/// The instances the profile's history names, oldest first.
pub(super) fn instances_section(out: &mut String, lang: Lang, mine: &[&HistoryEntry]) {
    let instances: Vec<&&HistoryEntry> = mine.iter().filter(|e| e.instance_id.is_some()).collect();
    let _ = write!(out, "\n<h2>{}</h2>", lang.pick("Instances", "Instanser"));
    if instances.is_empty() {
        let _ = write!(
            out,
            "<p>{}</p>",
            lang.pick(
                "None made from this profile.",
                "Ingen laget fra denne profilen."
            )
        );
        return;
    }
    let _ = write!(
        out,
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">App</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.pick("When", "Når"),
        lang.pick("Instance id", "Instans-ID"),
        lang.pick("Owner", "Eier"),
        lang.pick("Outcome", "Utfall")
    );
    for e in instances {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&when(&e.at)),
            escape(e.app.as_deref().unwrap_or("")),
            escape(e.instance_id.as_deref().unwrap_or("")),
            escape(e.owner.as_deref().unwrap_or("")),
            escape(&e.outcome)
        );
    }
    out.push_str("</tbody></table>");
}

/// Every line of the profile's history, newest first, and how many lines could not be read.
pub(super) fn activity_section(
    out: &mut String,
    lang: Lang,
    mine: &[&HistoryEntry],
    damaged: usize,
) {
    let _ = write!(
        out,
        "\n<h2>{}</h2><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.pick("Activity log", "Aktivitetslogg"),
        lang.pick("When", "Når"),
        lang.pick("What", "Hva"),
        lang.pick("Step", "Steg"),
        lang.pick("Outcome", "Utfall")
    );
    for e in mine.iter().rev() {
        let step = e
            .step
            .map(|s| {
                format!(
                    "{} — {}",
                    lang.text(&s.title()),
                    e.state.map(|st| state_label(lang, st)).unwrap_or("")
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&when(&e.at)),
            escape(e.action.as_str()),
            escape(&step),
            escape(&e.outcome)
        );
    }
    out.push_str("</tbody></table>");
    if damaged > 0 {
        let n = damaged;
        let _ = write!(
            out,
            "\n<p class=\"note\">{}</p>",
            match lang {
                Lang::En => format!(
                    "{n} line(s) of this machine's history could not be read and are not shown (the file is left as it is)."
                ),
                Lang::Nb => format!(
                    "{n} linje(r) i historikken på denne maskinen kunne ikke leses og vises ikke (filen er latt som den er)."
                ),
            }
        );
    }
}
