//! Writes every hostile case of `tests/support/hostile.rs` at full size (4 GiB bombs,
//! 200,000 entries, 12 MiB single-line sources) plus the healthy control into a folder,
//! for `scripts/stress-hostile`. Usage: `cargo run --release --example make_hostile -- DIR [--test-scale]`.

#[path = "../tests/support/hostile.rs"]
mod hostile;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: make_hostile DIR [--test-scale]");
        std::process::exit(2);
    };
    let scale = if args.next().as_deref() == Some("--test-scale") {
        hostile::Scale::Test
    } else {
        hostile::Scale::Full
    };
    for path in hostile::write_all(std::path::Path::new(&dir), scale) {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("{size:>12}  {}", path.display());
    }
}
