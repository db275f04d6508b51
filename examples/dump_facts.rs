//! Prints the facts pkgwarden extracts from one source file: every call with its resolved
//! name, catalogue kinds, arguments (folded text, origin, labels), scope and whether it
//! runs on import. For working on detectors; nothing is run.
//!
//! usage: cargo run --example dump_facts -- py|js|rb|sh FILE
use pkgwarden::lang::{analyse, Lang};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(lang), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: dump_facts py|js|rb|sh FILE");
        std::process::exit(2);
    };
    let lang = match lang.as_str() {
        "js" => Lang::JavaScript,
        "rb" => Lang::Ruby,
        "sh" => Lang::Shell,
        _ => Lang::Python,
    };
    let source = std::fs::read_to_string(path).expect("readable file");
    let facts = analyse(lang, &source, &Default::default());
    for c in &facts.calls {
        let value = |v: &pkgwarden::lang::facts::Value| (v.text.clone(), v.name.clone(), v.labels);
        println!(
            "{} {} kinds={:?} args={:?} kwargs={:?} scope={:?} on_load={} on_main={}",
            c.line,
            c.callee,
            c.kinds,
            c.args.iter().map(value).collect::<Vec<_>>(),
            c.kwargs
                .iter()
                .map(|(k, v)| (k, value(v)))
                .collect::<Vec<_>>(),
            c.scope,
            c.on_load,
            c.on_main
        );
    }
    println!("imports {:?}", facts.imports);
}
