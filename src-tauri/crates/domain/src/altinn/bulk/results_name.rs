//! Where a bulk run's results go when the person names no file: next to the CSV, numbered so
//! an earlier run's file is never replaced (cleanup and `--resume` read it). Pure: the caller
//! says which paths exist.

use std::path::{Path, PathBuf};

/// The highest number tried before giving up (`<name>.results-9999.csv`).
const LAST_NUMBER: u32 = 9_999;

/// `<name>.results.csv` next to the CSV, else the first free `<name>.results-N.csv` (N from 2);
/// `None` when every number is taken.
pub fn numbered_results_path(csv: &Path, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let first = csv.with_extension("results.csv");
    if !exists(&first) {
        return Some(first);
    }
    (2..=LAST_NUMBER)
        .map(|n| csv.with_extension(format!("results-{n}.csv")))
        .find(|p| !exists(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn taken(names: &[&str]) -> HashSet<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn the_first_run_gets_the_plain_name() {
        let none = taken(&[]);
        assert_eq!(
            numbered_results_path(Path::new("d/owners.csv"), |p| none.contains(p)),
            Some(PathBuf::from("d/owners.results.csv"))
        );
    }

    #[test]
    fn later_runs_get_the_first_free_number_from_two() {
        let some = taken(&["d/owners.results.csv", "d/owners.results-2.csv"]);
        assert_eq!(
            numbered_results_path(Path::new("d/owners.csv"), |p| some.contains(p)),
            Some(PathBuf::from("d/owners.results-3.csv"))
        );
        let gap = taken(&["d/owners.results.csv", "d/owners.results-3.csv"]);
        assert_eq!(
            numbered_results_path(Path::new("d/owners.csv"), |p| gap.contains(p)),
            Some(PathBuf::from("d/owners.results-2.csv"))
        );
    }

    #[test]
    fn a_csv_without_extension_gets_the_suffix_added() {
        let none = taken(&[]);
        assert_eq!(
            numbered_results_path(Path::new("owners"), |p| none.contains(p)),
            Some(PathBuf::from("owners.results.csv"))
        );
    }

    #[test]
    fn none_when_every_number_is_taken() {
        assert_eq!(
            numbered_results_path(Path::new("owners.csv"), |_| true),
            None
        );
    }
}
