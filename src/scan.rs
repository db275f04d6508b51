//! Scans packages in parallel, one isolated job per package: a panic or a broken archive
//! becomes that package's error and never costs the other packages their results.

use crate::analysis;
use crate::archive::{self, folder, limits::Limits, Contents, Entry};
use crate::chains;
use crate::detectors::{self, Ctx};
use crate::ecosystem::Ecosystem;
use crate::finding::Finding;
use crate::input::{self, Target};
use crate::package::Package;
use crate::verdict::{self, Verdict};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Instant;

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
}

/// The result for one package.
#[derive(Debug, Clone)]
pub struct PackageReport {
    pub path: String,
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// Why the package could not be scanned completely.
    pub errors: Vec<String>,
    /// What was analysed less than fully (parser fallbacks, skipped files).
    pub notes: Vec<String>,
}

/// The result of a scan.
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// Sorted by path.
    pub packages: Vec<PackageReport>,
    /// Inputs that could not be opened at all.
    pub input_errors: Vec<String>,
    pub seconds: f64,
}

/// Worker stacks are large: parsers recurse on nested code, and an overflow would
/// abort the whole process rather than fail one package.
const WORKER_STACK: usize = 256 << 20;

/// Scans every package found under `inputs`.
pub fn scan(inputs: &[PathBuf], config: &Config) -> ScanReport {
    let start = Instant::now();
    let (targets, input_errors) = input::collect(inputs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("pkgwarden-{i}"))
        .build()
        .expect("thread pool");
    let mut packages: Vec<PackageReport> = pool.install(|| {
        use rayon::prelude::*;
        targets
            .par_iter()
            .map(|t| scan_isolated(t, &config.limits))
            .collect()
    });
    packages.sort_by(|a, b| a.path.cmp(&b.path));
    ScanReport {
        packages,
        input_errors,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Scans one package; a panic inside becomes the package's error.
pub fn scan_isolated(target: &Target, limits: &Limits) -> PackageReport {
    let path = target.path().display().to_string();
    isolate(|| scan_target(target, limits))
        .unwrap_or_else(|msg| error_report(path, format!("internal error while scanning: {msg}")))
}

/// Runs `job`, turning a panic into `Err` with the panic's message. The job's state is
/// dropped with the panic and never looked at again, so unwind safety holds.
pub fn isolate<T>(job: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(job)).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}

fn error_report(path: String, error: String) -> PackageReport {
    let (name, version) = crate::package::manifest::from_file_name(&path);
    PackageReport {
        path,
        ecosystem: Ecosystem::Unknown,
        name,
        version,
        verdict: Verdict::Error,
        findings: vec![],
        errors: vec![error],
        notes: vec![],
    }
}

fn scan_target(target: &Target, limits: &Limits) -> PackageReport {
    let path = target.path().display().to_string();
    let deadline = Instant::now() + limits.package_timeout;
    let contents = match read_target(target, limits) {
        Ok(c) => c,
        Err(e) => return error_report(path, e),
    };
    scan_contents(path, contents, limits, deadline)
}

fn read_target(target: &Target, limits: &Limits) -> Result<Contents, String> {
    match target {
        Target::Folder(p) => Ok(folder::read_folder(p, limits)),
        Target::File(p) => {
            let size = std::fs::metadata(p).map_err(|e| e.to_string())?.len();
            if size > limits.max_package_bytes {
                return Err(format!(
                    "file is {size} bytes, over the {}-byte package limit",
                    limits.max_package_bytes
                ));
            }
            let bytes = std::fs::read(p).map_err(|e| format!("cannot read: {e}"))?;
            if bytes.is_empty() {
                return Err("empty file".into());
            }
            match archive::read_archive(&bytes, limits) {
                Ok(c) => Ok(c),
                Err(e) if crate::lang::Lang::of(&p.to_string_lossy()).is_some() => {
                    // A single source file given by name is scanned as a one-file package.
                    let _ = e;
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Ok(Contents {
                        entries: vec![Entry {
                            path: name,
                            size: bytes.len() as u64,
                            data: bytes,
                            complete: true,
                        }],
                        ..Contents::default()
                    })
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// Scans one package held in memory (`path` is how it is named in the report).
pub fn scan_bytes(path: &str, bytes: &[u8], limits: &Limits) -> PackageReport {
    let deadline = Instant::now() + limits.package_timeout;
    match archive::read_archive(bytes, limits) {
        Ok(contents) => scan_contents(path.to_string(), contents, limits, deadline),
        Err(e) => error_report(path.to_string(), e),
    }
}

/// Analyses what was read from one package, stopping at `deadline` (the package's time limit).
pub fn scan_contents(
    path: String,
    contents: Contents,
    limits: &Limits,
    deadline: Instant,
) -> PackageReport {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string();
    let Contents {
        entries,
        anomalies,
        mut errors,
    } = contents;
    let package = Package::new(entries, &file_name);
    let (files, timeout) = analysis::analyse(&package, limits, deadline);
    errors.extend(timeout);
    let ctx = Ctx {
        package: &package,
        files: &files,
    };
    let mut findings = detectors::run_all(&ctx);
    findings.extend(anomalies);
    detectors::demote_context(&ctx, &mut findings);
    chains::correlate(&mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    // Every rule id must be listed (and so documented): caught here in every debug test run.
    #[cfg(debug_assertions)]
    if let Some(f) = findings.iter().find(|f| !crate::rules::is_known(f.rule)) {
        panic!("rule `{}` is missing from pkgwarden::rules::ids()", f.rule);
    }
    let mut notes = Vec::new();
    for f in &files {
        if let Some(e) = &f.facts.parse_error {
            notes.push(format!("{}: {e}", f.path));
        }
        if f.facts.truncated {
            notes.push(format!(
                "{}: nesting deeper than {} levels, or uncatalogued calls past the first {}, were not analysed",
                f.path,
                limits.max_ast_depth,
                crate::lang::facts::MAX_CALLS
            ));
        }
        if let Some(s) = &f.skipped {
            notes.push(format!("{}: not analysed ({s})", f.path));
        }
    }
    errors.extend(package.errors.iter().cloned());
    let verdict = if package.entries.is_empty() && !errors.is_empty() {
        Verdict::Error
    } else {
        verdict::decide(&findings)
    };
    PackageReport {
        path,
        ecosystem: package.ecosystem,
        name: package.name.clone(),
        version: package.version.clone(),
        verdict,
        findings,
        errors,
        notes,
    }
}
