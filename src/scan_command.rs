//! `pkgwarden scan`: runs the scan, streams each result to the chosen output as it
//! completes (JSON Lines) or gathers them for a report written at the end, draws
//! progress, and turns what was seen into the exit code.
//!
//! A closed output (`pkgwarden scan … | head`) is not an error: the scan stops starting
//! packages, nothing more is written, and the exit code follows the usual rules, the
//! stopped scan counting as incomplete (2) unless a package already failed the gate (1).

use crate::cli::{exit_code, fails, ColourChoice, FailOn, ScanArgs, ScanFormat};
use crate::copy_of_popular::References;
use crate::gate::{self, Gate};
use crate::report::{self, progress::Progress, summary::Summary, text::TextOptions};
use crate::scan::{self, Flow, PackageReport};
use std::io::{self, IsTerminal, Write};

/// The gate and `--fail-on` from the flags and the configuration file (flags win).
/// `fail_on_empty` is true when the file asks for it (the flag is read by the caller).
fn gate_of(args: &ScanArgs) -> Result<(Gate, FailOn, bool), String> {
    let loaded = if args.no_config {
        None
    } else {
        gate::config::load(args.config.as_deref(), &args.paths, &mut |w| {
            eprintln!("warning: {w}")
        })?
    };
    let file = loaded.map(|l| l.file).unwrap_or_default();
    let today = gate::date::today();
    let mut entries = file.suppress;
    if let Some(baseline) = args.baseline.as_ref().or(file.baseline.as_ref()) {
        entries.extend(gate::suppressions::read_baseline(baseline)?);
    }
    let gate = Gate {
        select: if args.select.is_empty() {
            file.select
        } else {
            args.select.clone()
        },
        ignore: args.ignore.iter().cloned().chain(file.ignore).collect(),
        min_confidence: args.min_confidence.map(Into::into).or(file.min_confidence),
        suppressions: gate::suppressions::Suppressions::new(entries, &today)?,
    };
    gate.validate()?;
    for s in gate.expired() {
        eprintln!(
            "warning: the suppression of `{}` in {} {} {} expired on {}; the finding counts again",
            s.rule,
            s.package,
            s.version,
            s.file,
            s.expires.as_deref().unwrap_or_default()
        );
    }
    let fail_on = args.fail_on.or(file.fail_on).unwrap_or(FailOn::Malicious);
    Ok((gate, fail_on, file.fail_on_empty.unwrap_or(false)))
}

/// Runs `scan` and returns the process's exit code.
pub fn run(args: &ScanArgs) -> i32 {
    if let (_, Some(warning)) = scan::worker_count(args.jobs) {
        eprintln!("warning: {warning}");
    }
    let (gate, fail_on, fail_on_empty) = match gate_of(args) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let today = gate::date::today();
    let mut baseline = Vec::new();
    let stdout = io::stdout();
    let text = TextOptions {
        verbose: args.verbose,
        quiet: args.quiet,
        colour: match args.color {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => stdout.is_terminal() && !no_colour_env(),
        },
    };
    let progress = std::cell::RefCell::new(Progress::new(
        !args.quiet && !args.no_progress && io::stderr().is_terminal(),
    ));
    let mut out = Output::new(stdout.lock());
    let mut summary = Summary::default();
    let mut failed = false;
    let mut kept: Vec<PackageReport> = Vec::new();
    // JSON Lines are written as packages complete; every other output (and the HTML page
    // beside JSON Lines) needs the whole batch.
    let streaming = args.format == ScanFormat::Jsonl;
    let keep = !streaming || args.html.is_some();
    let mut config = args.config();
    match references(args, &config.limits) {
        Ok(refs) => config.references = refs.map(std::sync::Arc::new),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    }
    let run = scan::scan_each(
        &args.paths,
        &config,
        |total| progress.borrow_mut().start(total),
        |mut p| {
            gate.apply(&mut p);
            if args.write_baseline.is_some() {
                baseline.extend(gate::suppressions::entries_of(&p, &today));
            }
            progress.borrow_mut().package(&p);
            summary.add(&p);
            failed |= fails(p.verdict, fail_on);
            if streaming {
                out.line(&report::json::package_line(&p, args.timings));
            }
            if keep {
                kept.push(p);
            }
            if out.closed {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
    );
    progress.borrow_mut().finish();
    summary.finish(&run);
    if let Some(path) = &args.write_baseline {
        let n = baseline.len();
        if let Err(e) = std::fs::write(path, gate::suppressions::render_baseline(baseline, &today))
        {
            eprintln!("error: cannot write the baseline {}: {e}", path.display());
            return 2;
        }
        eprintln!("wrote {n} finding(s) to the baseline {}", path.display());
    }
    // Machines get path order, stable whatever the thread count; people get the worst first.
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    let html_written = args
        .html
        .as_deref()
        .is_none_or(|file| write_html(file, &kept, &summary));
    match args.format {
        ScanFormat::Text => {
            report::text::sort(&mut kept);
            for p in &kept {
                out.write(&report::text::render_package(p, &text));
            }
            if !args.quiet {
                out.write(&report::text::render_summary(&summary, &text));
            }
        }
        ScanFormat::Json => out.line(&report::json::render(&kept, &summary, args.timings)),
        ScanFormat::Jsonl => out.line(&report::json::summary_line(&summary)),
        ScanFormat::Sarif => out.line(&report::sarif::render(&kept, &summary)),
        ScanFormat::Html => out.write(&report::html::render(&kept, &summary)),
    }
    out.flush();
    match exit_code(failed, &summary, args.fail_on_empty || fail_on_empty) {
        // A page that was asked for and not written leaves the scan incomplete.
        0 if !html_written => 2,
        code => code,
    }
}

/// The packages squats are compared with: every package under `--reference`, and the inputs
/// that another input imitates by name; `None` when there are none. An unreadable
/// `--reference` is an error, never an empty reference.
fn references(
    args: &ScanArgs,
    limits: &crate::archive::limits::Limits,
) -> Result<Option<References>, String> {
    let mut refs = References::load(&args.reference, limits)?;
    refs.add_targets_among(&args.paths, limits);
    Ok((!refs.is_empty()).then_some(refs))
}

/// Writes the HTML page for `--html FILE`; false (after saying why) if it could not be.
fn write_html(file: &std::path::Path, kept: &[PackageReport], summary: &Summary) -> bool {
    match std::fs::write(file, report::html::render(kept, summary)) {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "error: cannot write the HTML report to {}: {e}",
                file.display()
            );
            false
        }
    }
}

/// `NO_COLOR` set to anything but the empty string turns colour off (no-color.org).
fn no_colour_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Standard output that notices when the reader has gone away and then writes nothing.
struct Output<W: Write> {
    w: io::BufWriter<W>,
    closed: bool,
}

impl<W: Write> Output<W> {
    fn new(w: W) -> Self {
        Output {
            w: io::BufWriter::new(w),
            closed: false,
        }
    }

    fn write(&mut self, text: &str) {
        if !self.closed {
            let r = self.w.write_all(text.as_bytes());
            self.check(r);
        }
    }

    /// Writes `text` and a newline and flushes: a JSON Lines reader sees each record
    /// as soon as it is complete.
    fn line(&mut self, text: &str) {
        self.write(text);
        self.write("\n");
        self.flush();
    }

    fn flush(&mut self) {
        if !self.closed {
            let r = self.w.flush();
            self.check(r);
        }
    }

    fn check(&mut self, r: io::Result<()>) {
        if let Err(e) = r {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the report: {e}");
            }
            self.closed = true;
        }
    }
}
