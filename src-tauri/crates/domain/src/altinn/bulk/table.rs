//! The CSV files of a bulk run: the owners to create instances for (as people save them, Excel
//! with Norwegian settings included) and the results file (as Excel on Windows opens it).

use super::{BulkRow, RowResult, RowStatus};
use crate::altinn::owner::InstanceOwner;
use crate::error::{AppError, ErrorKind};

/// The byte-order mark Excel on Windows writes at the start of a "CSV UTF-8" file, and needs at
/// the start of one it opens, or it reads the file as Windows-1252 and garbles æøå.
const BOM: char = '\u{feff}';

/// The field separator of a CSV: `;` when the header line has semicolons and no commas, as Excel
/// writes CSV where the decimal separator is a comma (Norwegian settings: "CSV
/// (semikolonseparert)"), else `,` (RFC 4180).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    }
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.trim_start_matches(BOM);
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes())
}

fn invalid(message: String) -> AppError {
    AppError::new(ErrorKind::InvalidInput, message).with_hint(
        "The first line names the columns: owner (required), partyId (optional), then prefill keys.",
    )
}

/// The rows of a CSV of owners (`owner[,partyId][,prefill columns…]`), read one at a time, so a
/// run holds one chunk of a 100,000-row file, not all of it. Comma or semicolon separated, with
/// or without Excel's byte-order mark, LF or CRLF. A line that is not usable is an `Err` with its
/// line number; the others go on.
#[derive(Debug)]
pub struct CsvRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    headers: csv::StringRecord,
    owner_col: usize,
    party_col: Option<usize>,
    index: usize,
    record: csv::StringRecord,
}

impl<'a> CsvRows<'a> {
    pub fn new(text: &'a str) -> Result<Self, AppError> {
        let mut reader = csv_reader(text);
        let headers = reader
            .headers()
            .map_err(|e| invalid(format!("The CSV header could not be read: {e}")))?
            .clone();
        let owner_col = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case("owner"))
            .ok_or_else(|| invalid("The CSV has no \"owner\" column.".into()))?;
        let party_col = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case("partyId"));
        Ok(Self {
            reader,
            headers,
            owner_col,
            party_col,
            index: 0,
            record: csv::StringRecord::new(),
        })
    }

    fn row(&self, line: usize) -> Result<BulkRow, String> {
        let record = &self.record;
        let owner = InstanceOwner::parse(record.get(self.owner_col).unwrap_or_default())
            .map_err(|e| format!("line {line}: {e}"))?;
        let prefill = self
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != self.owner_col && Some(*i) != self.party_col)
            .filter_map(|(i, h)| {
                record
                    .get(i)
                    .filter(|v| !v.is_empty())
                    .map(|v| (h.to_string(), v.to_string()))
            })
            .collect();
        let party_id = self
            .party_col
            .and_then(|i| record.get(i))
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        // It goes into a URL path: digits only.
        if party_id
            .as_deref()
            .is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(format!("line {line}: partyId must be digits"));
        }
        Ok(BulkRow {
            line,
            owner,
            party_id,
            prefill,
        })
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<BulkRow, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.index + 2;
        self.index += 1;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(self.row(line)),
            Err(e) => Some(Err(format!("line {line}: {e}"))),
        }
    }
}

/// What one read of the whole CSV tells before anything is sent: every line is usable (else
/// the error lists each one that is not), how many rows, and the owners' party ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvScan {
    pub total: usize,
    pub parties: std::collections::BTreeSet<String>,
}

/// Checks every line, keeping only the count and the party ids (not the rows).
pub fn scan_csv(
    text: &str,
    mut each: impl FnMut(&BulkRow) -> Result<(), String>,
) -> Result<CsvScan, AppError> {
    let mut scan = CsvScan {
        total: 0,
        parties: Default::default(),
    };
    let mut problems = Vec::new();
    for row in CsvRows::new(text)? {
        match row.and_then(|r| each(&r).map(|()| r)) {
            Ok(row) => {
                scan.total += 1;
                if let Some(party) = row.party_id {
                    scan.parties.insert(party);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(invalid(format!(
            "{} line(s) are not usable; nothing was sent:\n{}",
            problems.len(),
            problems.join("\n")
        )));
    }
    if scan.total == 0 {
        return Err(invalid("The CSV has no rows.".into()));
    }
    Ok(scan)
}

/// Every row, each line checked before anything is sent (for small jobs and tests; a run reads
/// chunks of [`CsvRows`] instead).
pub fn parse_csv(text: &str) -> Result<Vec<BulkRow>, AppError> {
    scan_csv(text, |_| Ok(()))?;
    Ok(CsvRows::new(text)?.filter_map(Result::ok).collect())
}

/// A cell as a spreadsheet may safely open it: one that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be read as a formula, so it gets a leading `'` (OWASP, "CSV
/// Injection"). An owner or an error text from a server is not ours to trust.
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The value of a cell written with [`csv_cell`].
pub fn csv_uncell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// RFC 4180 (CRLF line ends) with a byte-order mark, so that Excel on Windows, where testers open
/// it, shows owner names with æøå as written; `created_ids_from_results` reads it back.
pub fn results_csv(results: &[RowResult]) -> String {
    let mut text = results_header();
    for r in results {
        text.push_str(&results_line(r));
    }
    text
}

const COLUMNS: [&str; 6] = [
    "line",
    "owner",
    "instance_id",
    "status",
    "error",
    "attempts",
];

/// The start of a results file: the byte-order mark and the header line.
pub fn results_header() -> String {
    format!("{BOM}{}\r\n", COLUMNS.join(","))
}

/// One row of a results file, CRLF-terminated: the unit the journal appends.
pub fn results_line(r: &RowResult) -> String {
    let status = serde_json::to_value(r.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record([
        r.line.to_string(),
        csv_cell(&r.owner).into_owned(),
        csv_cell(r.instance_id.as_deref().unwrap_or_default()).into_owned(),
        status,
        csv_cell(r.error.as_deref().unwrap_or_default()).into_owned(),
        r.attempts.to_string(),
    ]);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The records of a results file, in file order (a journal may hold several per line; the last
/// one counts). A last line cut short by a crash is left out, as it was never complete.
pub fn read_results(text: &str) -> Result<Vec<RowResult>, AppError> {
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    let mut reader = csv_reader(complete);
    let invalid = |m: String| {
        AppError::new(ErrorKind::InvalidInput, m)
            .with_hint("Give the results file that the bulk run of this CSV wrote.")
    };
    let headers = reader
        .headers()
        .map_err(|e| invalid(format!("Not a results file: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| invalid(format!("Not a results file: no {name} column.")))
    };
    let [line, owner, id, status, error, attempts] = COLUMNS.map(column);
    let (line, owner, id, status, error, attempts) =
        (line?, owner?, id?, status?, error?, attempts?);
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(format!("results line {}: {e}", index + 2)))?;
        let cell = |i: usize| csv_uncell(record.get(i).unwrap_or_default()).to_string();
        let text_or_none = |i: usize| Some(cell(i)).filter(|v| !v.is_empty());
        let parsed_status: RowStatus =
            serde_json::from_value(serde_json::Value::String(cell(status))).map_err(|_| {
                invalid(format!(
                    "results line {}: no status \"{}\"",
                    index + 2,
                    cell(status)
                ))
            })?;
        rows.push(RowResult {
            line: cell(line).parse().map_err(|_| {
                invalid(format!(
                    "results line {}: line \"{}\" is not a number",
                    index + 2,
                    cell(line)
                ))
            })?,
            owner: cell(owner),
            instance_id: text_or_none(id),
            status: parsed_status,
            error: text_or_none(error),
            attempts: cell(attempts).parse().unwrap_or_default(),
        });
    }
    Ok(rows)
}

/// Instance ids from a results file (for cleanup).
pub fn created_ids_from_results(text: &str) -> Result<Vec<String>, AppError> {
    let mut reader = csv_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| AppError::new(ErrorKind::InvalidInput, format!("Not a results file: {e}")))?
        .clone();
    let col = headers
        .iter()
        .position(|h| h == "instance_id")
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                "Not a results file: no instance_id column.",
            )
        })?;
    Ok(reader
        .records()
        .flatten()
        .filter_map(|r| {
            r.get(col)
                .map(csv_uncell)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_owners_party_ids_and_prefill_columns_is_read_and_bad_lines_are_listed() {
        let rows =
            parse_csv("owner,partyId,skjema.navn\n310987654,500002,Kari\n\"15058510170\",,\n")
                .expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].party_id.as_deref()),
            (2, Some("500002"))
        );
        assert_eq!(
            rows[0].prefill.get("skjema.navn").map(String::as_str),
            Some("Kari")
        );
        assert!(rows[1].prefill.is_empty(), "empty cells are not prefilled");
        let error = parse_csv("owner\n310987654\n310987655\nabc\n").expect_err("bad lines");
        assert!(
            error.message.contains("line 3")
                && error.message.contains("line 4")
                && error.message.contains("nothing was sent"),
            "{}",
            error.message
        );
        assert!(parse_csv("name\nx\n").is_err(), "no owner column");
        let bad_party =
            parse_csv("owner,partyId\n310987654,../1\n").expect_err("party id in a path");
        assert!(
            bad_party.message.contains("partyId must be digits"),
            "{}",
            bad_party.message
        );
    }

    #[test]
    fn the_results_file_round_trips_its_instance_ids() {
        let rows = vec![RowResult {
            line: 2,
            owner: "310987654".into(),
            instance_id: Some("500002/abc".into()),
            status: RowStatus::Created,
            error: None,
            attempts: 1,
        }];
        let text = results_csv(&rows);
        assert!(
            text.starts_with(
                "\u{feff}line,owner,instance_id,status,error,attempts\r\n2,310987654,500002/abc,created,,1\r\n"
            ),
            "{text:?}"
        );
        assert_eq!(
            created_ids_from_results(&text).expect("ids"),
            ["500002/abc"]
        );
        // The same file after Excel with Norwegian settings has saved it again.
        let resaved = "\u{feff}line;owner;instance_id;status;error;attempts\r\n2;310987654;500002/abc;created;;1\r\n";
        assert_eq!(
            created_ids_from_results(resaved).expect("ids"),
            ["500002/abc"]
        );
    }

    #[test]
    fn a_csv_saved_by_excel_with_norwegian_settings_is_read_like_a_plain_one() {
        // "CSV (semikolonseparert)": semicolons, CRLF, a byte-order mark, a comma inside a value.
        let excel = "\u{feff}owner;partyId;skjema.navn\r\n310987654;500002;Kari Nordmann, Søknad\r\n15058510170;;Ærlig Øystein\r\n";
        let plain = "owner,partyId,skjema.navn\n310987654,500002,\"Kari Nordmann, Søknad\"\n15058510170,,Ærlig Øystein\n";
        let rows = parse_csv(excel).expect("the Excel file");
        assert_eq!(rows, parse_csv(plain).expect("the plain file"));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].prefill.get("skjema.navn").map(String::as_str),
            Some("Kari Nordmann, Søknad")
        );
        // A header with both is comma separated, as RFC 4180 says; the semicolon stays in the name.
        let mixed = parse_csv("owner,a;b\n310987654,x\n").expect("commas");
        assert_eq!(mixed[0].prefill.get("a;b").map(String::as_str), Some("x"));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_escaped_and_read_back_as_written() {
        let rows = vec![RowResult {
            line: 2,
            owner: "=HYPERLINK(\"http://evil.example\",\"x\")".into(),
            instance_id: None,
            status: RowStatus::Failed,
            error: Some("-1 rows; @SUM(A1)".into()),
            attempts: 1,
        }];
        let text = results_csv(&rows);
        let line = text.lines().nth(1).expect("row");
        assert!(
            line.starts_with("2,\"'=HYPERLINK(") && line.contains(",'-1 rows; @SUM(A1),"),
            "{line}"
        );
        for value in [
            "=1+1", "+47", "-5", "@A1", "\tx", "\rx", "plain", "'quoted", "",
        ] {
            assert_eq!(csv_uncell(&csv_cell(value)), value);
            assert!(
                !csv_cell(value).starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{value:?}"
            );
        }
    }
}
