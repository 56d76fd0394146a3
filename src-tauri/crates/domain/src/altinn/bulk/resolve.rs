//! After a pass: rows whose answer left it open are settled by listing each owner's active
//! instances against what they had before the run, never by sending again on a guess.

use std::collections::{BTreeMap, HashSet};

use super::{Baseline, BulkJob, RowResult, RowStatus, Shared};

/// Settles unclear rows by listing each owner's active instances (after every request of the
/// pass has finished, so a new instance cannot be someone else's in-flight one). Returns the
/// rows confirmed not created, which are safe to send again.
pub(super) async fn resolve(
    shared: &Shared<'_>,
    job: &BulkJob,
    baseline: &Baseline,
    unclear: &[usize],
    results: &mut [RowResult],
    last_pass: bool,
) -> Vec<usize> {
    let mut again = Vec::new();
    let mut by_party: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in unclear {
        match (
            &job.rows[i].party_id,
            baseline.contains_key(job.rows[i].party_id.as_deref().unwrap_or_default()),
        ) {
            (Some(party), true) => by_party.entry(party.clone()).or_default().push(i),
            _ => {
                let row = &mut results[i];
                row.error = Some(format!(
                    "{} — the app's answer left it open whether an instance was created; add a partyId column so the tool can check, or look for it before running this row again",
                    row.error.clone().unwrap_or_default()
                ));
                shared.settle(row);
            }
        }
    }
    let claimed: HashSet<String> = results
        .iter()
        .filter_map(|r| r.instance_id.clone())
        .collect();
    for (party, rows) in by_party {
        let now = match shared.active(&job.app, &party).await {
            Ok(ids) => ids,
            Err(e) => {
                for i in rows {
                    results[i].error = Some(format!(
                        "unclear answer, and listing the owner's instances failed: {e}"
                    ));
                    shared.settle(&results[i]);
                }
                continue;
            }
        };
        let mut fresh: Vec<String> = now
            .into_iter()
            .filter(|id| !baseline[&party].contains(id) && !claimed.contains(id))
            .collect();
        fresh.sort();
        for i in rows {
            let row = &mut results[i];
            if let Some(id) = fresh.pop() {
                (row.status, row.instance_id, row.error) = (
                    RowStatus::Created,
                    Some(id),
                    Some(
                        "created, found by listing the owner's instances after an unclear answer"
                            .into(),
                    ),
                );
                shared.settle(row);
            } else if last_pass {
                (row.status, row.error) = (
                    RowStatus::Failed,
                    Some(format!(
                        "not created after {} attempts: {}",
                        row.attempts,
                        row.error.clone().unwrap_or_default()
                    )),
                );
                shared.settle(row);
            } else {
                again.push(i);
            }
        }
    }
    again
}
