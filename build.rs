//! Compiles the rule documents (`rules/<category>/<rule-id>.md`) into the binary, so
//! `pkgwarden explain` works without the source tree. Writes `rule_docs.rs` into OUT_DIR:
//! a table of (path under `rules/`, `include_str!` of the file), sorted by path.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut docs = Vec::new();
    for category in fs::read_dir(&root).expect("rules/") {
        let dir = category.expect("rules/ entry").path();
        // rules/data holds lists, not documents.
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "data") {
            continue;
        }
        for doc in fs::read_dir(&dir).expect("rule category folder") {
            let path = doc.expect("rule document").path();
            if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(&root).expect("under rules/");
                docs.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
            }
        }
    }
    docs.sort();
    let mut out = String::from("/// Every rule document: (path under `rules/`, text).\n");
    out.push_str("pub static DOCUMENTS: &[(&str, &str)] = &[\n");
    for (rel, path) in &docs {
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("rule_docs.rs");
    fs::write(dest, out).expect("write rule_docs.rs");
}
