// The migrations are embedded by `sqlx::migrate!`; rebuild when one is added or changed (sqlx's advice).
// The Algoritmekader's requirement and measure files are many: their list is generated here, so a newer copy in
// `reference/algoritmekader/` is picked up by a rebuild without editing code.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=reference/algoritmekader");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/algoritmekader");
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    for dir in ["vereisten", "maatregelen"] {
        println!("cargo:rerun-if-changed=reference/algoritmekader/{dir}");
        for entry in std::fs::read_dir(root.join(dir)).expect("reference/algoritmekader") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if name.ends_with(".md") {
                files.push((format!("{dir}/{name}"), path));
            }
        }
    }
    files.sort();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("algoritmekader.rs");
    let mut code = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for (name, path) in files {
        code.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
