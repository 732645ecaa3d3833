//! The register export as an Excel workbook (Office Open XML), written by `rust_xlsxwriter`: one sheet, text
//! cells only (written as strings, so nothing is ever a formula). The register's own Excel download is
//! transposed — the Dutch field titles down the first column, one column per algorithm — and so is ours.

use std::fs::File;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Excel refuses a cell longer than this (in characters).
const MAX_CELL: usize = 32_767;

/// Excel's widest sheet (column XFD).
const MAX_COLUMNS: usize = 16_384;

/// XML 1.0, and so a workbook, cannot carry control characters other than tab, newline and carriage return.
fn cell_text(value: &str) -> String {
    value.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).take(MAX_CELL).collect()
}

/// The cell formats and column layout every export sheet shares; `columns` counts the title column too.
fn prepare(sheet: &mut Worksheet, sheet_name: &str, columns: usize) -> Result<[Format; 2], XlsxError> {
    let titles = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    // Number format "@" (text): what someone types into the cell later stays text too.
    let values = Format::new().set_num_format("@").set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_name(sheet_name)?;
    sheet.set_column_width(0, 36)?;
    for c in 1..columns.max(1) {
        sheet.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), 60)?;
    }
    sheet.set_freeze_panes(0, 1)?;
    Ok([titles, values])
}

fn write_cell(sheet: &mut Worksheet, formats: &[Format; 2], r: usize, c: usize, value: &str) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
    let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.write_string_with_format(r, c, cell_text(value), &formats[usize::from(c != 0)])?;
    Ok(())
}

/// A workbook with one sheet of text rows; the first column (the field titles) is bold and frozen.
pub fn workbook(sheet_name: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let formats = prepare(sheet, sheet_name, rows.iter().map(Vec::len).max().unwrap_or(1))?;
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            write_cell(sheet, &formats, r, c, value)?;
        }
    }
    book.save_to_buffer()
}

/// The same sheet written in rust_xlsxwriter's constant-memory mode (each row leaves memory when the next one
/// starts) into `out`: row r is its title and then `columns - 1` values read one by one from `rows[r].1`.
pub fn workbook_to_file<I>(sheet_name: &str, columns: usize, rows: Vec<(String, I)>, out: File) -> Result<(), XlsxError>
where
    I: Iterator<Item = std::io::Result<String>>,
{
    // Checked first so a register too wide for Excel fails before any work.
    if columns > MAX_COLUMNS {
        return Err(XlsxError::RowColumnLimitError);
    }
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?;
    let formats = prepare(sheet, sheet_name, columns)?;
    for (r, (title, values)) in rows.into_iter().enumerate() {
        write_cell(sheet, &formats, r, 0, &title)?;
        for (c, value) in values.take(columns.saturating_sub(1)).enumerate() {
            write_cell(sheet, &formats, r, c + 1, &value?)?;
        }
    }
    book.save_to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_left_out_and_long_cells_cut() {
        assert_eq!(cell_text("a\u{0}b\u{7}c\td\ne"), "abc\td\ne");
        assert_eq!(cell_text(&"x".repeat(40_000)).chars().count(), MAX_CELL);
    }

    #[test]
    fn a_workbook_is_a_zip_archive() {
        let rows = vec![vec!["Naam".to_string(), "A & B <c>".to_string(), String::new(), "'=1+1".to_string()]];
        let bytes = workbook("1.0", &rows).expect("written");
        assert_eq!(&bytes[..4], b"PK\x03\x04");
    }
}
