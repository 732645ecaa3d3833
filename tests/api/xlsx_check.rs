//! Excel files checked by readers that share no code with ours: Info-ZIP's `unzip -t`, Python's `zipfile`
//! (CRC of every member) and openpyxl (PyPI), which opens every sheet and reads every cell back. openpyxl is
//! installed once into a virtual environment under the target directory (`flock` keeps parallel test
//! processes from installing it twice).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const OPENPYXL: &str = "openpyxl==3.1.5";

fn venv_python() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let venv = tmp.join("xlsx-venv");
    let python = venv.join("bin/python");
    let script = format!(
        "\"{py}\" -c 'import openpyxl' 2>/dev/null || {{ python3 -m venv \"{venv}\" && \"{py}\" -m pip install --quiet --disable-pip-version-check {OPENPYXL}; }}",
        py = python.display(),
        venv = venv.display()
    );
    let lock = tmp.join("xlsx-venv.lock");
    let out = Command::new("flock").arg(&lock).args(["sh", "-c", &script]).output().expect("flock and sh run");
    assert!(out.status.success(), "installing openpyxl failed: {}", String::from_utf8_lossy(&out.stderr));
    python
}

const READ: &str = r#"
import json, sys, zipfile
import openpyxl
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    bad = z.testzip()
    assert bad is None, f"bad CRC in {bad}"
    names = z.namelist()
book = openpyxl.load_workbook(path)
sheets = {}
for ws in book.worksheets:
    sheets[ws.title] = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
print(json.dumps({"members": names, "sheets": sheets}))
"#;

/// The sheets of an `.xlsx` file as read by openpyxl, after `unzip -t` and `zipfile` found it intact; panics
/// with the readers' own words when any of them refuses the file.
pub fn read(bytes: &[u8]) -> serde_json::Map<String, Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, bytes).expect("write workbook");
    let unzip = Command::new("unzip").arg("-t").arg(&path).output().expect("unzip runs (apt-get install unzip)");
    let said = String::from_utf8_lossy(&unzip.stdout);
    assert!(unzip.status.success() && said.contains("No errors detected"), "unzip -t refuses the file: {said}");
    let out = Command::new(venv_python()).args(["-c", READ]).arg(&path).output().expect("python runs");
    assert!(out.status.success(), "zipfile/openpyxl refuse the file: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("the reader prints JSON");
    v["sheets"].as_object().expect("sheets").clone()
}

/// The one sheet of an export (named after the standard's version), as rows of text with trailing empty
/// cells removed, as a person sees it.
pub fn register_sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let sheets = read(bytes);
    assert_eq!(sheets.keys().collect::<Vec<_>>(), ["1.0"], "one sheet, named after the standard's version");
    sheets["1.0"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let mut cells: Vec<String> =
                row.as_array().expect("cells").iter().map(|c| c.as_str().unwrap_or_default().to_string()).collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}
