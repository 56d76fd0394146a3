//! The results file as a journal: a header, then one line per row as it is about to be sent and
//! as it settles, appended and flushed at once, so whatever ends the process, the file tells
//! what was sent and what came of it. When the run ends, the file is replaced (atomically) by
//! the tidy version: one line per CSV line, in CSV order. The owners' instances listed before
//! the first request go to a file beside it (`<results>.baseline.json`) for `bulk --resume`, and
//! are removed when the run ends.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::table::{read_results, results_header, results_line};
use super::{Baseline, BulkControl, Earlier, Journal, RowResult, RunState};
use crate::datadir::{self, DataDir};
use crate::error::{AppError, ErrorKind};

#[derive(Debug)]
pub struct FileJournal {
    path: PathBuf,
    file: Mutex<fs::File>,
    /// The first write that failed: the run is cancelled and the error reported at the end.
    failure: Mutex<Option<String>>,
    control: BulkControl,
}

/// `owners.results.csv` → `owners.results.csv.baseline.json`.
fn baseline_path(results: &Path) -> PathBuf {
    let mut name = results.as_os_str().to_owned();
    name.push(".baseline.json");
    PathBuf::from(name)
}

fn storage(path: &Path, e: &std::io::Error) -> AppError {
    AppError::new(
        ErrorKind::Storage,
        format!("Could not write the results file {}: {e}", path.display()),
    )
    .with_hint(
        "Check that the folder exists, that you may write to it and that the disk is not full.",
    )
}

impl FileJournal {
    /// A new results file. An existing one is replaced only with `replace` (the person said so).
    pub fn create(path: &Path, replace: bool, control: &BulkControl) -> Result<Self, AppError> {
        let mut options = fs::OpenOptions::new();
        options.write(true);
        if replace {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        let mut file = datadir::owner_only(&mut options)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => AppError::new(
                    ErrorKind::ConfirmationRequired,
                    format!("{} exists already; it was not overwritten.", path.display()),
                )
                .with_hint("Choose another results file, confirm replacing it (--force), or continue that run (--resume)."),
                _ => storage(path, &e),
            })?;
        file.write_all(results_header().as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| storage(path, &e))?;
        // A replaced file's list belonged to its run, not to this one.
        let _ = fs::remove_file(baseline_path(path));
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            failure: Mutex::new(None),
            control: control.clone(),
        })
    }

    /// An earlier run's results file, to continue it: what it recorded, and appending from here.
    pub fn resume(path: &Path, control: &BulkControl) -> Result<(Self, Earlier), AppError> {
        let text = fs::read(path)
            .map_err(|e| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!("Could not read the results file {}: {e}", path.display()),
                )
            })
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())?;
        let mut rows = HashMap::new();
        for record in read_results(&text)? {
            rows.insert(record.line, record);
        }
        let baseline = match fs::read(baseline_path(path)) {
            Ok(bytes) => Some(serde_json::from_slice::<Baseline>(&bytes).map_err(|e| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "{} is damaged ({e}); nothing was sent.",
                        baseline_path(path).display()
                    ),
                )
                .with_hint("Move it aside to continue: rows that were in flight are then left for you to check.")
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(storage(&baseline_path(path), &e)),
        };
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| storage(path, &e))?;
        // A line cut short by the end of the earlier run: start on a line of our own.
        if !text.ends_with('\n') {
            file.write_all(b"\r\n").map_err(|e| storage(path, &e))?;
        }
        let journal = Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            failure: Mutex::new(None),
            control: control.clone(),
        };
        Ok((journal, Earlier { rows, baseline }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tidy results file, written beside the journal as the run goes (one line per CSV
    /// line, in CSV order), so the run never holds every row's result to write it at the end.
    pub fn tidy(&self) -> Result<Tidy, AppError> {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".tidy");
        let path = PathBuf::from(name);
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        let file = datadir::owner_only(&mut options)
            .open(&path)
            .map_err(|e| storage(&path, &e))?;
        let mut writer = std::io::BufWriter::new(file);
        writer
            .write_all(results_header().as_bytes())
            .map_err(|e| storage(&path, &e))?;
        Ok(Tidy { path, writer })
    }

    /// Replaces the journal by the tidy file and removes the baseline. Fails (keeping the
    /// journal as it is) if any write of the run failed.
    pub fn finish_with(self, tidy: Tidy) -> Result<(), AppError> {
        if let Some(failure) = self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            let _ = fs::remove_file(&tidy.path);
            return Err(AppError::new(ErrorKind::Storage, failure).with_hint(
                "The run was stopped. Free space or fix the folder, then continue it with --resume and this results file.",
            ));
        }
        drop(self.file);
        let Tidy { path, writer } = tidy;
        let file = writer.into_inner().map_err(|e| storage(&path, e.error()))?;
        file.sync_all().map_err(|e| storage(&path, &e))?;
        drop(file);
        fs::rename(&path, &self.path).map_err(|e| storage(&self.path, &e))?;
        let _ = fs::remove_file(baseline_path(&self.path));
        Ok(())
    }

    /// `finish_with` for results already in memory (small runs, tests).
    pub fn finish(self, results: &[RowResult]) -> Result<(), AppError> {
        let mut tidy = self.tidy()?;
        for row in results {
            tidy.append(row)?;
        }
        self.finish_with(tidy)
    }

    fn failed(&self, what: String) {
        let mut failure = self
            .failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failure.is_none() {
            *failure = Some(what);
            // Nothing more is sent that could not be recorded.
            self.control.set(RunState::Cancelled);
        }
    }
}

/// The tidy results file being written (see [`FileJournal::tidy`]).
#[derive(Debug)]
pub struct Tidy {
    path: PathBuf,
    writer: std::io::BufWriter<fs::File>,
}

impl Tidy {
    pub fn append(&mut self, row: &RowResult) -> Result<(), AppError> {
        self.writer
            .write_all(results_line(row).as_bytes())
            .map_err(|e| storage(&self.path, &e))
    }
}

impl Journal for FileJournal {
    fn baseline(&self, baseline: &Baseline) {
        let path = baseline_path(&self.path);
        let written = match (path.parent(), path.file_name()) {
            (Some(folder), Some(name)) => DataDir::new(folder)
                .write_json(&name.to_string_lossy(), baseline)
                .map_err(|e| e.to_string()),
            _ => Err("no file name".into()),
        };
        if let Err(e) = written {
            self.failed(format!(
                "Could not write {}: {e}; nothing was sent.",
                path.display()
            ));
        }
    }

    fn record(&self, row: &RowResult) {
        let line = results_line(row);
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(e) = file.write_all(line.as_bytes()).and_then(|()| file.flush()) {
            drop(file);
            self.failed(storage(&self.path, &e).message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::RowStatus;
    use super::*;

    fn row(line: usize, status: RowStatus, id: Option<&str>) -> RowResult {
        RowResult {
            line,
            owner: "310987654".into(),
            instance_id: id.map(str::to_string),
            status,
            error: None,
            attempts: 1,
        }
    }

    #[test]
    fn a_journal_cut_off_mid_line_resumes_from_the_last_record_of_each_line() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("owners.results.csv");
        let control = BulkControl::default();
        let journal = FileJournal::create(&path, false, &control).expect("create");
        journal.baseline(&Baseline::from([(
            "500001".to_string(),
            ["500001/old".to_string()].into(),
        )]));
        journal.record(&row(2, RowStatus::Sending, None));
        journal.record(&row(2, RowStatus::Created, Some("500001/a")));
        journal.record(&row(3, RowStatus::Sending, None));
        drop(journal);
        // The process died in the middle of writing line 4's record.
        let mut text = std::fs::read(&path).expect("read");
        text.extend_from_slice(b"4,310987654,,sen");
        std::fs::write(&path, &text).expect("cut");

        let (journal, earlier) = FileJournal::resume(&path, &control).expect("resume");
        assert_eq!(earlier.rows[&2].status, RowStatus::Created);
        assert_eq!(earlier.rows[&2].instance_id.as_deref(), Some("500001/a"));
        assert_eq!(earlier.rows[&3].status, RowStatus::Sending);
        assert!(!earlier.rows.contains_key(&4), "a cut line is no record");
        assert!(earlier.baseline.expect("baseline")["500001"].contains("500001/old"));
        journal.record(&row(3, RowStatus::Created, Some("500001/b")));
        journal
            .finish(&[
                row(2, RowStatus::Created, Some("500001/a")),
                row(3, RowStatus::Created, Some("500001/b")),
            ])
            .expect("finish");
        let tidy = std::fs::read_to_string(&path).expect("tidy");
        assert_eq!(tidy.lines().count(), 3, "{tidy}");
        assert!(!baseline_path(&path).exists());
        // Never over an existing file unless asked.
        let refused = FileJournal::create(&path, false, &control).expect_err("exists");
        assert_eq!(refused.kind, ErrorKind::ConfirmationRequired);
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), tidy);
    }

    #[test]
    fn a_journal_that_cannot_be_written_stops_the_run_and_says_so() {
        let tmp = tempfile::tempdir().expect("tmp");
        let control = BulkControl::default();
        let journal =
            FileJournal::create(&tmp.path().join("r.csv"), false, &control).expect("create");
        // The baseline goes beside the results file; a folder in its place makes it fail.
        std::fs::create_dir(tmp.path().join("r.csv.baseline.json")).expect("block");
        journal.baseline(&Baseline::new());
        assert_eq!(control.get(), RunState::Cancelled, "nothing more is sent");
        let error = journal.finish(&[]).expect_err("reported");
        assert_eq!(error.kind, ErrorKind::Storage);
        assert!(
            error.message.contains("nothing was sent"),
            "{}",
            error.message
        );
    }
}
