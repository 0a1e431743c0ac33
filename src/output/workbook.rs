//! `tables.xlsx` (`--xlsx`): every CSV table of an output folder as one Excel workbook, one
//! sheet per file, so an analyst opens the run's tables with one click — Chinese names included,
//! which a double-clicked UTF-8 CSV garbles in Excel on Chinese Windows. Built from the CSV files
//! just written, so the two can never disagree; a cell that parses as a number is a number.
//! The document's creation time is fixed, so the same run gives the same bytes.

use super::{OutputError, write_atomic};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::path::Path;

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;

/// The tables of a run, validation and comparison folder, in sheet order.
pub const TABLES: [&str; 16] = [
    "headline",
    "decision",
    "comparison",
    "pairs",
    "retention",
    "staffing",
    "villages",
    "titles",
    "exits",
    "costs",
    "retention_by_cohort",
    "retention_by_remoteness",
    "staffing_by_remoteness",
    "counties",
    "validation",
    "results",
];

/// Write `tables.xlsx` into `dir` from the CSV files of [`TABLES`] that are there.
pub fn write_workbook(dir: &Path) -> Result<(), OutputError> {
    let mut sheets = Vec::new();
    for name in TABLES {
        let path = dir.join(format!("{name}.csv"));
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| OutputError::Read {
            path: path.clone(),
            source,
        })?;
        sheets.push((name.to_string(), text));
    }
    let bytes = workbook(&sheets).map_err(|e| OutputError::Write {
        path: dir.join("tables.xlsx"),
        source: std::io::Error::other(e.to_string()),
    })?;
    write_atomic(dir, "tables.xlsx", &bytes)
}

/// The workbook of `(sheet name, CSV text)` pairs.
pub fn workbook(sheets: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time: otherwise the file would differ on every run.
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    for (name, text) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name.chars().take(SHEET_NAME_MAX).collect::<String>())?;
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for (r, record) in reader.records().enumerate() {
            let Ok(record) = record else { continue };
            for (c, cell) in record.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if r == 0 {
                    ws.write_string_with_format(r, c, cell, &bold)?;
                } else if let Some(x) = number(cell) {
                    ws.write_number(r, c, x)?;
                } else if !cell.is_empty() {
                    ws.write_string(r, c, cell)?;
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    wb.save_to_buffer()
}

/// A cell that is a finite number in the CSV's plain notation.
fn number(cell: &str) -> Option<f64> {
    let x: f64 = cell.parse().ok()?;
    // "inf"/"NaN" parse as floats but are words here.
    x.is_finite().then_some(x)
}
