//! Which instances this tool made with a profile and has not deleted since, read from the
//! secret-free history: the one rule behind the window's list, "delete all made here" and the
//! CLI's `instance delete --all-made-here`. The window shows what this computes.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

use crate::altinn::instance::InstanceRef;
use crate::error::{AppError, ErrorKind};
use crate::history::{HistoryAction, HistoryEntry};

/// A line that made (or tried to make) an instance, and whether a delete took it away since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MadeRow {
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: HistoryEntry,
    pub deleted: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MadeHere {
    /// Every instantiate and bulk line of the profile, newest first, failed ones too.
    pub rows: Vec<MadeRow>,
    /// What "delete all made here" deletes, oldest first: made successfully and not deleted
    /// successfully since (a failed delete leaves the instance here, to be tried again).
    pub deletable: Vec<String>,
}

pub fn made_here(entries: &[HistoryEntry], profile: &str) -> MadeHere {
    let mine = |e: &&HistoryEntry| e.profile.is(profile);
    let deleted: Vec<&str> = entries
        .iter()
        .filter(mine)
        .filter(|e| e.action == HistoryAction::Delete && e.succeeded)
        .filter_map(|e| e.instance_id.as_deref())
        .collect();
    let is_deleted = |e: &HistoryEntry| {
        e.instance_id
            .as_deref()
            .is_some_and(|id| deleted.contains(&id))
    };
    let made: Vec<&HistoryEntry> = entries
        .iter()
        .filter(mine)
        .filter(|e| e.action.makes_instances())
        .collect();
    let mut deletable: Vec<String> = Vec::new();
    for e in made.iter().filter(|e| e.succeeded && !is_deleted(e)) {
        if let Some(id) = &e.instance_id
            && !deletable.contains(id)
        {
            deletable.push(id.clone());
        }
    }
    let mut rows: Vec<MadeRow> = made
        .iter()
        .map(|e| MadeRow {
            entry: (*e).clone(),
            deleted: is_deleted(e),
        })
        .collect();
    // Newest first; a line whose time cannot be read sorts last. Stable, so lines of the same
    // second keep the order they were written in, reversed.
    let when = |row: &MadeRow| OffsetDateTime::parse(&row.entry.at, &Rfc3339).ok();
    rows.reverse();
    rows.sort_by_key(|row| std::cmp::Reverse(when(row)));
    MadeHere { rows, deletable }
}

/// The instances to delete: the ids asked plus, when `all_made_here`, every one the history
/// shows as made with the profile and not deleted since; sorted, each once. Ids not made here
/// are deleted too (the person named them); nothing is deleted without consent, because
/// deleting cannot be undone.
pub fn deletion_targets(
    entries: &[HistoryEntry],
    profile: &str,
    ids: &[String],
    all_made_here: bool,
    confirmed: bool,
) -> Result<Vec<InstanceRef>, AppError> {
    let mut ids = ids.to_vec();
    if all_made_here {
        ids.extend(made_here(entries, profile).deletable);
    }
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "No instances to delete.",
        ));
    }
    if !confirmed {
        return Err(AppError::new(
            ErrorKind::ConfirmationRequired,
            format!("Deleting {} instance(s) cannot be undone.", ids.len()),
        )
        .with_hint("Confirm to delete."));
    }
    ids.iter().map(|id| InstanceRef::parse(id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at: &str, profile: &str, action: HistoryAction, id: &str, ok: bool) -> HistoryEntry {
        let mut e = HistoryEntry::new(
            OffsetDateTime::UNIX_EPOCH,
            profile,
            action,
            ok,
            if ok {
                "done"
            } else {
                "app B failed (HTTP 503)"
            },
        );
        e.at = at.into();
        e.instance_id = Some(id.into());
        e
    }

    #[test]
    fn only_a_successful_delete_takes_an_instance_off_and_only_a_successful_make_puts_it_on() {
        use HistoryAction::*;
        let entries = [
            line("2026-12-01T10:00:00Z", "P", Instantiate, "1/a", true),
            line("2026-12-01T10:01:00Z", "P", Bulk, "1/b", true),
            line("2026-12-01T10:02:00Z", "P", Instantiate, "1/c", false),
            line("2026-12-01T10:03:00Z", "P", Delete, "1/a", false),
            line("2026-12-01T10:04:00Z", "P", Delete, "1/b", true),
            line("2026-12-01T10:05:00Z", "Other", Instantiate, "1/d", true),
            line("2026-12-01T10:06:00+01:00", "p", Instantiate, "1/e", true),
            line("2026-12-01T10:07:00Z", "P", Instantiate, "1/a", true),
        ];
        let made = made_here(&entries, "p");
        assert_eq!(made.deletable, ["1/a", "1/e"]);
        let rows: Vec<(&str, bool)> = made
            .rows
            .iter()
            .map(|r| (r.entry.instance_id.as_deref().unwrap_or(""), r.deleted))
            .collect();
        // 10:06+01:00 is 09:06 UTC: the oldest.
        assert_eq!(
            rows,
            [
                ("1/a", false),
                ("1/c", false),
                ("1/b", true),
                ("1/a", false),
                ("1/e", false)
            ]
        );
    }

    const A: &str = "1/3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    const B: &str = "1/3f2504e0-4f89-41d3-9a0c-0305e82c3302";
    const C: &str = "2/3f2504e0-4f89-41d3-9a0c-0305e82c3303";

    fn history() -> Vec<HistoryEntry> {
        use HistoryAction::*;
        vec![
            line("2026-12-01T10:00:00Z", "P", Instantiate, A, true),
            line("2026-12-01T10:01:00Z", "P", Instantiate, B, true),
            line("2026-12-01T10:02:00Z", "P", Delete, B, true),
            line("2026-12-01T10:03:00Z", "Other", Instantiate, C, true),
        ]
    }

    fn ids(refs: &[InstanceRef]) -> Vec<String> {
        refs.iter().map(InstanceRef::id).collect()
    }

    #[test]
    fn all_made_here_adds_what_the_profile_made_and_did_not_delete_each_once() {
        let asked = [A.to_string(), C.to_string()];
        let targets = deletion_targets(&history(), "p", &asked, true, true).expect("targets");
        assert_eq!(ids(&targets), [A, C]);
        let targets = deletion_targets(&history(), "P", &[], true, true).expect("targets");
        assert_eq!(ids(&targets), [A]);
    }

    #[test]
    fn ids_asked_are_deleted_whether_or_not_they_were_made_here() {
        let asked = [C.to_string(), B.to_string()];
        let targets = deletion_targets(&history(), "P", &asked, false, true).expect("targets");
        assert_eq!(ids(&targets), [B, C]);
    }

    #[test]
    fn nothing_to_delete_and_no_consent_are_refused() {
        let none = deletion_targets(&history(), "Other2", &[], true, true).expect_err("none");
        assert_eq!(none.kind, ErrorKind::InvalidInput);
        let unconfirmed = deletion_targets(&history(), "P", &[], true, false).expect_err("consent");
        assert_eq!(unconfirmed.kind, ErrorKind::ConfirmationRequired);
        assert!(unconfirmed.message.contains("Deleting 1 instance(s)"));
    }

    #[test]
    fn an_id_that_is_not_an_instance_id_is_refused() {
        let asked = ["not-an-id".to_string()];
        let bad = deletion_targets(&[], "P", &asked, false, true).expect_err("bad id");
        assert_eq!(bad.kind, ErrorKind::InvalidInput);
    }
}
