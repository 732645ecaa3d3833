//! The register export as an Excel workbook (Office Open XML), written by `rust_xlsxwriter`: one sheet, text
//! cells only (written as strings, so nothing is ever a formula). The register's own Excel download is
//! transposed — the Dutch field titles down the first column, one column per algorithm — and so is ours.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// Excel refuses a cell longer than this (in characters).
const MAX_CELL: usize = 32_767;

/// XML 1.0, and so a workbook, cannot carry control characters other than tab, newline and carriage return.
fn cell_text(value: &str) -> String {
    value.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).take(MAX_CELL).collect()
}

/// A workbook with one sheet of text rows; the first column (the field titles) is bold and frozen.
pub fn workbook(sheet_name: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let titles = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    // Number format "@" (text): what someone types into the cell later stays text too.
    let values = Format::new().set_num_format("@").set_text_wrap().set_align(FormatAlign::Top);
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    sheet.set_column_width(0, 36)?;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    for c in 1..columns {
        sheet.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), 60)?;
    }
    sheet.set_freeze_panes(0, 1)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            sheet.write_string_with_format(r, c, cell_text(value), if c == 0 { &titles } else { &values })?;
        }
    }
    book.save_to_buffer()
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
