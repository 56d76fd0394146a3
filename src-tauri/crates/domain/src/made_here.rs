//! Which instances this tool made with a profile and has not deleted since, read from the
//! secret-free history: the one rule behind the window's list, "delete all made here" and the
//! CLI's `instance delete --all-made-here`. The window shows what this computes.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

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
}
