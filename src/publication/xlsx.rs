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
/// Wider than Excel allows (16,383 values beside the titles), the values go on in further sheets named
/// "`sheet_name` (2)", "(3)", …, each with the titles again: every row's values are read on where the previous
/// sheet stopped.
pub fn workbook_to_file<I>(
    sheet_name: &str,
    columns: usize,
    mut rows: Vec<(String, I)>,
    out: File,
) -> Result<(), XlsxError>
where
    I: Iterator<Item = std::io::Result<String>>,
{
    let per_sheet = MAX_COLUMNS - 1;
    let values = columns.saturating_sub(1);
    let mut book = Workbook::new();
    for k in 0..values.div_ceil(per_sheet).max(1) {
        let name = if k == 0 { sheet_name.to_string() } else { format!("{sheet_name} ({})", k + 1) };
        let width = (values - k * per_sheet).min(per_sheet);
        let sheet = book.add_worksheet_with_constant_memory()?;
        let formats = prepare(sheet, &name, width + 1)?;
        for (r, (title, cells)) in rows.iter_mut().enumerate() {
            write_cell(sheet, &formats, r, 0, title)?;
            for (c, value) in cells.by_ref().take(width).enumerate() {
                write_cell(sheet, &formats, r, c + 1, &value?)?;
            }
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

    #[test]
    fn a_register_wider_than_excel_goes_on_in_a_second_sheet() {
        let n = MAX_COLUMNS + 10;
        let row = |t: &'static str| (t.to_string(), (0..n).map(move |i| Ok(format!("{t}{i}"))));
        let file = tempfile::tempfile().expect("temporary file");
        workbook_to_file("1.0", n + 1, vec![row("a"), row("b")], file.try_clone().expect("clone")).expect("written");
        let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
        let book = std::io::read_to_string(zip.by_name("xl/workbook.xml").expect("workbook")).expect("text");
        assert!(book.contains(r#"name="1.0""#) && book.contains(r#"name="1.0 (2)""#), "{book}");
        let sheet = |zip: &mut zip::ZipArchive<File>, n: u8| {
            std::io::read_to_string(zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).expect("sheet")).expect("text")
        };
        let (first, second) = (sheet(&mut zip, 1), sheet(&mut zip, 2));
        // 16,383 values of each row in the first sheet, the rest in the second, the titles in both.
        let cell = |v: &str| format!("<t>{v}</t>");
        assert!(first.contains(&cell("a16382")) && !first.contains(&cell("a16383")));
        assert!(second.contains(&cell("a")) && second.contains(&cell("b")));
        assert!(second.contains(&cell("a16383")) && second.contains(&cell(&format!("b{}", n - 1))));
        assert!(!second.contains(&cell("a16382")));
    }
}
