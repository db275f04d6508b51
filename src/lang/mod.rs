//! Language frontends. Each lowers source to the shared IR (`ir.rs`); `facts.rs` turns
//! the IR into the facts detectors read, the same way for every language.

pub mod catalog;
pub mod facts;
pub mod ir;
pub mod python;
pub mod python_ts;
pub mod sensitive;
pub mod shell;
pub mod ts;

use crate::archive::limits::Limits;
pub use facts::FileFacts;

/// The languages pkgwarden analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    /// A `.pth` file: lines starting with `import` run at interpreter start.
    Pth,
    Shell,
}

impl Lang {
    /// The language of a file, from its name (content sniffing happens in the archive layer).
    pub fn of(path: &str) -> Option<Lang> {
        let name = path.rsplit(['/', '!']).next().unwrap_or(path);
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("py" | "pyw" | "pyi") => Some(Lang::Python),
            Some("pth") => Some(Lang::Pth),
            Some("sh" | "bash") => Some(Lang::Shell),
            _ => None,
        }
    }
}

/// Source bytes as text: UTF-8 where valid, Latin-1 otherwise (a PEP 263 cookie naming
/// another 8-bit codec decodes close enough for analysis), NUL bytes dropped.
pub fn decode_source(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    }
}

/// Analyses one source file.
pub fn analyse(lang: Lang, source: &str, limits: &Limits) -> FileFacts {
    match lang {
        Lang::Python => facts::extract(python::lower(source, limits)),
        Lang::Pth => {
            // site.py executes lines that start with `import`; everything else is a path.
            let code: String = source
                .lines()
                .map(|l| {
                    if l.starts_with("import ") || l.starts_with("import\t") {
                        l
                    } else {
                        ""
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            facts::extract(python::lower(&code, limits))
        }
        Lang::Shell => {
            let spawner = facts::CallFact {
                callee: "sh".into(),
                kinds: catalog::Kinds::default(),
                args: vec![],
                kwargs: vec![],
                receiver: None,
                line: 1,
                scope: String::new(),
                on_load: true,
                shell: None,
            };
            let mut out = FileFacts::default();
            for (i, line) in source.lines().enumerate() {
                let at = facts::CallFact {
                    line: i as u32 + 1,
                    ..spawner.clone()
                };
                out.calls.extend(facts::shell_calls(line, &at));
            }
            out
        }
    }
}
