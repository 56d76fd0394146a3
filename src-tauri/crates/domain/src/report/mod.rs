//! The shareable report: one self-contained HTML file a person can send to the team
//! instead of a secret. It holds the profile, the environment, each step's outcome, the key's
//! kid and thumbprint, decoded token claims (never a signature or a whole token), instance ids
//! and the activity log. No script, no external resource; it prints to PDF from any browser.

mod activity;
mod rotations;

use std::fmt::Write as _;

use serde_json::Value;
use time::OffsetDateTime;

use crate::checklist::{Checklist, ExpiryLevel, KeyWatch, StepId, StepState, StepStatus};
use crate::diagnosis::Localized;
use crate::history::HistoryEntry;
use crate::profile::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Nb,
}

impl Lang {
    pub fn parse(value: &str) -> Lang {
        if value.starts_with("nb") || value.starts_with("no") {
            Lang::Nb
        } else {
            Lang::En
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
        }
    }

    pub(super) fn pick(self, en: &'static str, nb: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Nb => nb,
        }
    }

    pub(super) fn text(self, value: &Localized) -> &str {
        match self {
            Lang::En => &value.en,
            Lang::Nb => &value.nb,
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn state_label(lang: Lang, state: StepState) -> &'static str {
    match state {
        StepState::Todo => lang.pick("To do", "Gjenstår"),
        StepState::Done => lang.pick("Done", "Gjort"),
        StepState::Verified => lang.pick("Verified", "Bekreftet"),
        StepState::Failed => lang.pick("Failed", "Feilet"),
        StepState::NotNeeded => lang.pick("Not needed", "Ikke nødvendig"),
    }
}

fn path_label(lang: Lang, path: Option<crate::appconfig::ConfigPath>) -> String {
    match path {
        Some(path) => lang.text(&path.label()).to_string(),
        None => lang.pick("not found yet", "ikke funnet ennå").to_string(),
    }
}

/// Claims as a two-column table; nested values as compact JSON.
fn claims_table(out: &mut String, claims: &Value) {
    let Some(map) = claims.as_object() else {
        return;
    };
    out.push_str("<table class=\"claims\"><tbody>");
    for (name, value) in map {
        let shown = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
            escape(name),
            escape(&shown)
        );
    }
    out.push_str("</tbody></table>");
}

/// A history time to the second: the lines keep nanoseconds, a reader does not need them.
fn when(at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(at, &Rfc3339)
        .ok()
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}

pub(super) fn row(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        escape(label),
        escape(value)
    );
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #767676}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #d0d0d0}\
code{font-family:ui-monospace,monospace;word-break:break-all}\
.state-verified{color:#0b6b2e;font-weight:600}.state-failed{color:#a4161a;font-weight:600}.state-done{color:#1d4f91}.state-not_needed{color:#595959}.state-todo{color:#595959}\
.warn{background:#fff4ce;border-left:4px solid #8a6d00;padding:.5rem .75rem}\
@media print{body{margin:0}h2{break-after:avoid}}";

/// Renders the report. `history` is oldest first and may hold other profiles' lines.
pub fn render(
    lang: Lang,
    profile: &Profile,
    checklist: &Checklist,
    history: &[HistoryEntry],
    now: OffsetDateTime,
) -> String {
    let mine: Vec<&HistoryEntry> = history
        .iter()
        .filter(|e| e.profile == profile.name)
        .collect();
    let mut out = String::new();
    head(&mut out, lang, profile, &checklist.warnings, now);
    profile_section(&mut out, lang, profile, checklist);
    key_section(&mut out, lang, checklist.key.as_ref());
    rotations::section(&mut out, lang, &checklist.rotations);
    steps_section(&mut out, lang, &checklist.steps);
    claims_sections(&mut out, lang, checklist);
    activity::instances_section(&mut out, lang, &mine);
    activity::activity_section(&mut out, lang, &mine, checklist.history_damaged);
    out.push_str("\n</main></body></html>\n");
    out
}

/// The document's head, the title, when it was made, what it never holds, and the checklist's
/// warnings.
fn head(
    out: &mut String,
    lang: Lang,
    profile: &Profile,
    warnings: &[Localized],
    now: OffsetDateTime,
) {
    let generated = now
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let title = format!(
        "{} — {}",
        lang.pick(
            "Maskinporten Assistant report",
            "Rapport fra Maskinporten-assistenten"
        ),
        profile.name
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>\n<h1>{}</h1>\n",
        lang.code(),
        escape(&title),
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<p>{} <time datetime=\"{generated}\">{generated}</time>. {}</p>",
        lang.pick("Made", "Laget"),
        lang.pick(
            "This report holds no private key, no assertion and no token: only decoded claims and ids.",
            "Rapporten inneholder ingen privat nøkkel, ingen assertion og ingen token: bare dekodede claims og ID-er."
        )
    );
    for warning in warnings {
        let _ = writeln!(
            out,
            "<p class=\"note\">⚠ {}</p>",
            escape(lang.text(warning))
        );
    }
}

/// The profile's settings, the environment, the two apps and the path found.
fn profile_section(out: &mut String, lang: Lang, profile: &Profile, checklist: &Checklist) {
    out.push_str(&format!(
        "<h2>{}</h2><table><tbody>",
        lang.pick("Profile", "Profil")
    ));
    let none = lang.pick("(not set)", "(ikke satt)");
    row(out, lang.pick("Profile", "Profil"), &profile.name);
    row(
        out,
        lang.pick("Environment", "Miljø"),
        &checklist.environment,
    );
    let route = match checklist.route {
        crate::steps::Route::MultiApp => lang.pick(
            "multi-app: app A calls app B for the organisation that owns B",
            "flere apper: app A kaller app B for virksomheten som eier B",
        ),
        crate::steps::Route::SystemUser => lang.pick(
            "system user: the vendor's system calls app B as a customer's system user",
            "systembruker: leverandørens system kaller app B som en kundes systembruker",
        ),
    };
    row(out, lang.pick("Route", "Vei"), route);
    let org = profile.org_number.as_deref().unwrap_or(none);
    row(
        out,
        lang.pick("Organisation number", "Organisasjonsnummer"),
        org,
    );
    row(
        out,
        lang.pick("Client id", "Klient-ID"),
        profile.client_id.as_deref().unwrap_or(none),
    );
    row(
        out,
        lang.pick("Scopes", "Scopes"),
        &profile.scopes.join(" "),
    );
    // App A's folder by its name only: the whole path carries the person's user name.
    let folder = checklist
        .app_folder
        .as_deref()
        .map(crate::checklist::proofs::folder_name);
    let app_a = match (&profile.app_a, folder) {
        (Some(app), _) => app.clone(),
        (None, Some(folder)) => match lang {
            Lang::En => format!("not named in the profile; its folder {folder} was checked"),
            Lang::Nb => format!("ikke oppgitt i profilen; mappen {folder} ble sjekket"),
        },
        (None, None) => none.to_string(),
    };
    row(out, "App A", &app_a);
    row(out, "App B", profile.app_b.as_deref().unwrap_or(none));
    row(
        out,
        lang.pick("Path", "Vei"),
        &path_label(lang, checklist.path),
    );
    if let Some(folder) = folder {
        row(out, lang.pick("App A's folder", "Mappen til app A"), folder);
    }
    out.push_str("</tbody></table>\n");
}

/// The key's public facts and a warning when its year is nearly up.
fn key_section(out: &mut String, lang: Lang, key: Option<&KeyWatch>) {
    out.push_str(&format!("<h2>{}</h2>", lang.pick("Key", "Nøkkel")));
    let Some(key) = key else {
        let _ = write!(
            out,
            "<p>{}</p>",
            lang.pick("The profile has no key.", "Profilen har ingen nøkkel.")
        );
        return;
    };
    out.push_str("<table><tbody>");
    row(out, "kid", &key.kid);
    row(
        out,
        lang.pick("Thumbprint (RFC 7638)", "Tommelavtrykk (RFC 7638)"),
        &key.thumbprint,
    );
    row(out, lang.pick("Created", "Laget"), &key.created);
    row(
        out,
        lang.pick("Expires (1-year limit)", "Utløper (grense på 1 år)"),
        &key.expires,
    );
    row(
        out,
        lang.pick("Days left", "Dager igjen"),
        &key.days_left.to_string(),
    );
    out.push_str("</tbody></table>");
    if key.level != ExpiryLevel::Ok {
        let _ = write!(
            out,
            "<p class=\"warn\">{}</p>",
            lang.pick(
                "The key expires soon (or has): make a new one, upload its public key and write it to Key Vault before the old one ends.",
                "Nøkkelen utløper snart (eller har utløpt): lag en ny, last opp den offentlige nøkkelen og skriv den til Key Vault før den gamle går ut."
            )
        );
    }
}

/// Each checklist step with its state, when it was set and what it said.
fn steps_section(out: &mut String, lang: Lang, steps: &[StepStatus]) {
    let _ = write!(
        out,
        "\n<h2>{}</h2><table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        lang.pick("Steps", "Steg"),
        lang.pick("Step", "Steg"),
        lang.pick("State", "Status"),
        lang.pick("When", "Når"),
        lang.pick("Outcome", "Utfall")
    );
    for (i, step) in steps.iter().enumerate() {
        let said = match (&step.note, &step.outcome) {
            (Some(note), _) if step.state == StepState::NotNeeded => lang.text(note).to_string(),
            (_, Some(outcome)) => lang.text(outcome).to_string(),
            (Some(note), None) => lang.text(note).to_string(),
            (None, None) => String::new(),
        };
        let _ = write!(
            out,
            "<tr id=\"step-{}\"><td>{}</td><td>{}</td><td class=\"state-{}\">{}</td><td>{}</td><td>{}</td></tr>",
            step.id.as_str(),
            i + 1,
            escape(lang.text(&step.id.title())),
            step.state.as_str(),
            state_label(lang, step.state),
            escape(&step.at.as_deref().map(when).unwrap_or_default()),
            escape(&said)
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Decoded claims of the last token and exchange runs and of the JWT grant (ChainReport:
/// claims, no signatures).
fn claims_sections(out: &mut String, lang: Lang, checklist: &Checklist) {
    for (id, heading) in [
        (
            StepId::Token,
            lang.pick(
                "Maskinporten token (decoded claims)",
                "Maskinporten-token (dekodede claims)",
            ),
        ),
        (
            StepId::Exchange,
            lang.pick(
                "Altinn token (decoded claims)",
                "Altinn-token (dekodede claims)",
            ),
        ),
    ] {
        let field = if id == StepId::Token {
            "maskinporten"
        } else {
            "altinn"
        };
        let Some(claims) = checklist
            .step(id)
            .and_then(|step| step.detail.as_ref())
            .and_then(|d| d.get(field))
            .and_then(|t| t.get("claims"))
        else {
            continue;
        };
        let _ = write!(out, "<h2>{}</h2>", escape(heading));
        claims_table(out, claims);
    }
    if let Some(grant) = checklist
        .step(StepId::Token)
        .and_then(|step| step.detail.as_ref())
        .and_then(|d| d.get("grant"))
    {
        let _ = write!(
            out,
            "<h2>{}</h2>",
            lang.pick(
                "The JWT grant's claims (signature not kept)",
                "Claims i JWT-granten (signaturen er ikke tatt vare på)"
            )
        );
        claims_table(out, grant);
    }
}

/// The name of a new report file: `report-<profile>-<yyyymmdd-hhmmss>[-n].html`. The profile's
/// name keeps its letters (æøå included: NTFS, APFS and ext4 all store Unicode names) and loses
/// everything else, so no character Windows forbids in a file name (`<>:"/\\|?*`), no trailing dot
/// or space, and no reserved device name (CON, NUL, COM1…) can come out; it is cut to 40
/// characters so a report under `C:\Users\<name>\AppData\Roaming\…` stays well inside the classic
/// 260-character path limit. `attempt` > 1 numbers a second report in the same second.
pub fn file_name(profile: &str, at: OffsetDateTime, attempt: usize) -> String {
    let mut slug = String::new();
    for c in profile.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(40).collect();
    let slug = match slug.trim_end_matches('-') {
        "" => "profile",
        named => named,
    };
    let stamp = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    match attempt {
        0 | 1 => format!("report-{slug}-{stamp}.html"),
        n => format!("report-{slug}-{stamp}-{n}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist;

    #[test]
    fn text_from_the_history_is_escaped() {
        let profile = Profile {
            name: "<script>alert(1)</script>".into(),
            ..Profile::default()
        };
        let line = HistoryEntry::new(
            OffsetDateTime::UNIX_EPOCH,
            &profile.name,
            crate::history::HistoryAction::Other,
            true,
            "<b>bold</b> x\"y",
        );
        let list = checklist::build(
            &profile,
            None,
            std::slice::from_ref(&line),
            OffsetDateTime::UNIX_EPOCH,
        );
        let html = render(
            Lang::En,
            &profile,
            &list,
            &[line],
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>bold"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("x&quot;y"));
    }

    #[test]
    fn app_a_s_folder_is_named_never_its_path_and_an_unnamed_app_a_says_it_was_checked() {
        let profile = Profile {
            name: "Acme".into(),
            ..Profile::default()
        };
        let folder = "/home/kari.nordmann/repos/app-a";
        let line = [HistoryEntry::new(
            OffsetDateTime::UNIX_EPOCH,
            "Acme",
            crate::history::HistoryAction::ConfigCheck,
            true,
            format!(
                "path found in the folder {}",
                crate::checklist::proofs::folder_name(folder)
            ),
        )
        .for_step(StepId::Path, StepState::Verified)
        .with_detail(serde_json::json!({ "path": "own_identity", "folder": folder }))];
        assert_eq!(
            crate::checklist::proofs::folder_name("C:\\Users\\Kari\\app-a\\"),
            "app-a"
        );
        let list = checklist::build(&profile, None, &line, OffsetDateTime::UNIX_EPOCH);
        for lang in [Lang::En, Lang::Nb] {
            let html = render(lang, &profile, &list, &line, OffsetDateTime::UNIX_EPOCH);
            assert!(!html.contains("kari.nordmann"), "{html}");
            assert!(html.contains("app-a"));
        }
        let html = render(Lang::En, &profile, &list, &line, OffsetDateTime::UNIX_EPOCH);
        assert!(html.contains("not named in the profile; its folder app-a was checked"));
    }

    #[test]
    fn history_lines_that_could_not_be_read_are_counted_in_the_report() {
        let profile = Profile {
            name: "Acme".into(),
            ..Profile::default()
        };
        let mut list = checklist::build(&profile, None, &[], OffsetDateTime::UNIX_EPOCH);
        let at = OffsetDateTime::UNIX_EPOCH;
        assert!(!render(Lang::En, &profile, &list, &[], at).contains("could not be read"));
        list.history_damaged = 3;
        assert!(
            render(Lang::En, &profile, &list, &[], at)
                .contains("3 line(s) of this machine's history could not be read")
        );
        assert!(render(Lang::Nb, &profile, &list, &[], at).contains("3 linje(r) i historikken"));
    }

    #[test]
    fn the_report_speaks_the_chosen_language() {
        let profile = Profile {
            name: "P".into(),
            ..Profile::default()
        };
        let list = checklist::build(&profile, None, &[], OffsetDateTime::UNIX_EPOCH);
        let nb = render(Lang::Nb, &profile, &list, &[], OffsetDateTime::UNIX_EPOCH);
        assert!(
            nb.contains("<html lang=\"nb\">")
                && nb.contains("Aktivitetslogg")
                && nb.contains("Gjenstår")
        );
        let en = render(
            Lang::parse("en-US"),
            &profile,
            &list,
            &[],
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(
            en.contains("<html lang=\"en\">")
                && en.contains("Activity log")
                && en.contains("To do")
        );
        assert_eq!(Lang::parse("nb-NO"), Lang::Nb);
    }

    #[test]
    fn times_are_shown_to_the_second() {
        assert_eq!(
            when("2026-11-21T08:29:12.656642362Z"),
            "2026-11-21T08:29:12Z"
        );
        assert_eq!(when("not a time"), "not a time");
    }

    #[test]
    fn report_file_names_keep_norwegian_letters_and_nothing_windows_forbids() {
        let at = time::macros::datetime!(2026-12-06 09:05:03 UTC);
        assert_eq!(
            file_name("Søknad om tilskudd", at, 1),
            "report-søknad-om-tilskudd-20261206-090503.html"
        );
        assert_eq!(
            file_name("Ærlig: <Øst>/Vest?", at, 2),
            "report-ærlig-øst-vest-20261206-090503-2.html"
        );
        assert_eq!(file_name("CON", at, 1), "report-con-20261206-090503.html");
        assert_eq!(
            file_name(" ...", at, 1),
            "report-profile-20261206-090503.html"
        );
        for name in [
            "a\\b",
            "x*y|z\"",
            "trailing. ",
            &"lang".repeat(40),
            "\u{0}nul\t",
        ] {
            let file = file_name(name, at, 1);
            assert!(
                !file
                    .chars()
                    .any(|c| "<>:\"/\\|?*".contains(c) || c.is_control()),
                "{file}"
            );
            assert!(file.chars().count() <= 70, "{file}");
            assert!(file.ends_with(".html"), "{file}");
        }
    }
}
