//! Scans packages in parallel, one isolated job per package: a panic or a broken archive
//! becomes that package's error and never costs the other packages their results.

use crate::analysis;
use crate::archive::folder::{self, Select};
use crate::archive::{self, limits::Limits, Contents, Entry};
use crate::chains;
use crate::copy_of_popular::{self, References};
use crate::detectors::{self, Ctx};
use crate::ecosystem::Ecosystem;
use crate::finding::Finding;
use crate::input::{self, InputError, Skip, Target};
use crate::package::Package;
use crate::timings::Timings;
use crate::verdict::{self, Verdict};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Known-good packages that squats are compared with (`copy-of-popular`).
    pub references: Option<std::sync::Arc<References>>,
}

/// The result for one package.
#[derive(Debug, Clone)]
pub struct PackageReport {
    pub path: String,
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub verdict: Verdict,
    /// 0–100, orders packages of one verdict ([`verdict::score`]).
    pub score: u32,
    /// The archive's sha256 (hex) and size in bytes; `None` for folders and stdin.
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub findings: Vec<Finding>,
    /// Findings the CI gate's suppressions or baseline took out (`gate`).
    pub suppressed: Vec<crate::gate::Suppressed>,
    /// Why the package could not be scanned completely.
    pub errors: Vec<String>,
    /// How the analysis went where that is worth knowing but changes nothing (syntax
    /// errors a parser recovered from, as in Python 2 sources).
    pub notes: Vec<String>,
    /// Where the package's scan spent its time.
    pub timings: Timings,
}

/// The result of a scan.
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// Sorted by path.
    pub packages: Vec<PackageReport>,
    /// Inputs that could not be opened or listed at all.
    pub input_errors: Vec<InputError>,
    /// What the inputs held that is neither a package nor part of one, sorted by path;
    /// [`input::summary_by_reason`] sums it up.
    pub skipped: Vec<Skip>,
    pub seconds: f64,
}

/// Worker stacks are large: parsers recurse on nested code (the nesting they see is
/// capped by `max_ast_depth` and the pre-parse depth scan, which keep recursion far
/// below this), and an overflow would abort the whole process rather than fail one
/// package. The stack is reserved address space; only the pages a deep parse touches
/// become memory.
const WORKER_STACK: usize = 64 << 20;

/// More workers than this only add contention: the work is CPU-bound.
pub const MAX_JOBS: usize = 64;

/// The worker count for `--jobs`: 0 means one per core; more than [`MAX_JOBS`] or than
/// four per core is clamped, with the reason (for a warning) when it was.
pub fn worker_count(jobs: usize) -> (usize, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = MAX_JOBS.min(4 * cores);
    match jobs {
        0 => (cores.min(max), None),
        j if j > max => (
            max,
            Some(format!(
                "--jobs {j} is more than this machine can use ({cores} cores); using {max}"
            )),
        ),
        j => (j, None),
    }
}

/// A pool of `threads` workers with [`WORKER_STACK`] stacks.
fn worker_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("pkgwarden-{i}"))
        .build()
        .expect("thread pool")
}

/// Scans every package found under `inputs`, all results held and sorted by path.
pub fn scan(inputs: &[PathBuf], config: &Config) -> ScanReport {
    let mut packages = Vec::new();
    let run = scan_each(
        inputs,
        config,
        |_| {},
        |p| {
            packages.push(p);
            Flow::Continue
        },
    );
    packages.sort_by(|a, b| a.path.cmp(&b.path));
    ScanReport {
        packages,
        input_errors: run.input_errors,
        skipped: run.skipped,
        seconds: run.seconds,
    }
}

/// What a consumer of [`scan_each`] wants after a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Start no more packages (the output was closed); those in flight are dropped.
    Stop,
}

/// How a streamed scan went, beside the packages handed out.
#[derive(Debug, Clone, Default)]
pub struct ScanRun {
    /// Inputs that could not be opened or listed at all.
    pub input_errors: Vec<InputError>,
    /// What the inputs held that is neither a package nor part of one, sorted by path.
    pub skipped: Vec<Skip>,
    /// Packages found under the inputs.
    pub total: usize,
    /// True when the consumer stopped the scan before every package was scanned.
    pub stopped: bool,
    pub seconds: f64,
}

/// Results waiting for the consumer; workers wait when it falls this far behind, so
/// memory holds a few reports, not the batch.
const IN_FLIGHT: usize = 64;

/// Scans every package found under `inputs`, handing each result to `on_package` on the
/// calling thread as soon as it is ready (completion order, not path order);
/// `on_start` first learns how many packages there are.
pub fn scan_each(
    inputs: &[PathBuf],
    config: &Config,
    on_start: impl FnOnce(usize),
    mut on_package: impl FnMut(PackageReport) -> Flow,
) -> ScanRun {
    let start = Instant::now();
    let input::Collected {
        targets,
        errors: input_errors,
        skipped,
    } = input::collect(inputs);
    on_start(targets.len());
    let pool = worker_pool(worker_count(config.jobs).0);
    // Large packages are scanned one at a time, each with every worker on its files;
    // small ones side by side. Memory is then bounded by the largest package plus a
    // few small ones, whatever the batch holds, and a huge package does not hold a
    // single worker for minutes.
    let (large, mut small): (Vec<&Target>, Vec<&Target>) =
        targets.iter().partition(|t| is_large(t));
    // Biggest first, one package per task: a slow package started last would finish
    // alone while the other workers idle.
    small.sort_by_key(|t| std::cmp::Reverse(disk_size(t)));
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<PackageReport>(IN_FLIGHT);
    let mut stopped = false;
    std::thread::scope(|s| {
        s.spawn(|| {
            let tx = tx;
            pool.install(|| {
                use rayon::prelude::*;
                small
                    .par_iter()
                    .with_max_len(1)
                    .for_each_with(tx.clone(), |tx, t| {
                        if !stop.load(Ordering::Relaxed) {
                            let _ = tx.send(scan_isolated(t, config));
                        }
                    });
                for t in &large {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let _ = tx.send(scan_isolated(t, config));
                }
            });
        });
        for report in rx {
            if !stopped && on_package(report) == Flow::Stop {
                stopped = true;
                stop.store(true, Ordering::Relaxed);
            }
        }
    });
    ScanRun {
        input_errors,
        total: targets.len(),
        stopped,
        skipped,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Archives at least this large on disk are scanned one at a time (see [`scan`]).
const LARGE_PACKAGE_BYTES: u64 = 8 << 20;

fn is_large(target: &Target) -> bool {
    disk_size(target) >= LARGE_PACKAGE_BYTES
}

/// An archive's size on disk; 0 for folders (read file by file, their size unknown
/// until read), standard input and files that cannot be read.
fn disk_size(target: &Target) -> u64 {
    match target {
        Target::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        Target::Folder { .. } | Target::Files { .. } | Target::Stdin => 0,
    }
}

/// Scans one package; a panic inside becomes the package's error.
pub fn scan_isolated(target: &Target, config: &Config) -> PackageReport {
    let path = target.path().display().to_string();
    let mut report = isolate(|| scan_target(target, config))
        .unwrap_or_else(|msg| error_report(path, format!("internal error while scanning: {msg}")));
    if let Target::File(p) = target {
        if let Ok((sha256, size)) = hash_file(p) {
            report.sha256 = Some(sha256);
            report.size = Some(size);
        }
    }
    report
}

/// The sha256 (hex) and length of a file, read in blocks: what a reviewer looks the
/// archive up by in a registry or a threat feed.
fn hash_file(path: &std::path::Path) -> std::io::Result<(String, u64)> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((crate::finding::hex(&hasher.finalize()), size))
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
        score: 0,
        sha256: None,
        size: None,
        findings: vec![],
        suppressed: vec![],
        errors: vec![error],
        notes: vec![],
        timings: Timings::default(),
    }
}

fn scan_target(target: &Target, config: &Config) -> PackageReport {
    let path = target.path().display().to_string();
    let start = Instant::now();
    let limits = &config.limits;
    scan_read(
        path,
        start,
        read_target(target, limits),
        limits,
        config.references.as_deref(),
    )
}

/// Reads one input's package, as the scan does (also for `--reference` packages).
pub(crate) fn read_target(target: &Target, limits: &Limits) -> Result<Contents, String> {
    match target {
        Target::Folder { path, exclude } => {
            Ok(folder::read_folder(path, Select::AllBut(exclude), limits))
        }
        Target::Files { root, files, .. } => {
            Ok(folder::read_folder(root, Select::Only(files), limits))
        }
        Target::Stdin => read_stdin(limits),
        Target::File(p) => {
            let size = std::fs::metadata(p).map_err(|e| e.to_string())?.len();
            if size == 0 {
                return Err("empty file".into());
            }
            if size > limits.max_read_bytes {
                return Err(format!(
                    "file is {size} bytes, over the {}-byte read limit",
                    limits.max_read_bytes
                ));
            }
            match archive::read_archive_file(p, limits) {
                Err(e) if crate::lang::Lang::of(&p.to_string_lossy()).is_some() => {
                    // A single source file given by name is scanned as a one-file package.
                    let _ = e;
                    let bytes = std::fs::read(p).map_err(|e| format!("cannot read: {e}"))?;
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
                other => other,
            }
        }
    }
}

/// Reads the one archive standard input holds. It is kept in memory (a zip is read from
/// its end), so more than the read limit is refused rather than read.
fn read_stdin(limits: &Limits) -> Result<Contents, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limits.max_read_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.is_empty() {
        return Err("standard input is empty".into());
    }
    if bytes.len() as u64 > limits.max_read_bytes {
        return Err(format!(
            "standard input holds more than the {}-byte read limit",
            limits.max_read_bytes
        ));
    }
    archive::read_archive(&bytes, limits)
}

/// Scans one package held in memory (`path` is how it is named in the report).
pub fn scan_bytes(path: &str, bytes: &[u8], limits: &Limits) -> PackageReport {
    // Its files are analysed on workers with big stacks, as in `scan`.
    let mut report = bytes_pool().install(|| scan_bytes_here(path, bytes, limits));
    use sha2::Digest;
    report.sha256 = Some(crate::finding::hex(&sha2::Sha256::digest(bytes)));
    report.size = Some(bytes.len() as u64);
    report
}

/// The workers of [`scan_bytes`]: one per core, built once.
fn bytes_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| worker_pool(worker_count(0).0))
}

fn scan_bytes_here(path: &str, bytes: &[u8], limits: &Limits) -> PackageReport {
    let start = Instant::now();
    scan_read(
        path.to_string(),
        start,
        archive::read_archive(bytes, limits),
        limits,
        None,
    )
}

/// Scans what reading a package produced, the read having started at `start` (the
/// package's time limit counts from there); times the read and the whole.
fn scan_read(
    path: String,
    start: Instant,
    read: Result<Contents, String>,
    limits: &Limits,
    references: Option<&References>,
) -> PackageReport {
    let contents = match read {
        Ok(c) => c,
        Err(e) => return error_report(path, e),
    };
    let read = start.elapsed();
    let deadline = start + limits.package_timeout;
    let mut report = scan_contents_with(path, contents, limits, deadline, references);
    report.timings.read = read.as_secs_f64();
    report.timings.total = start.elapsed().as_secs_f64();
    report
}

/// The share of the package's time limit kept for detectors after analysis: files
/// whose turn comes later are left unanalysed (and reported) so that what was analysed
/// is still judged within the limit.
const DETECT_SHARE: u32 = 5;

/// Analyses what was read from one package, stopping at `deadline` (the package's time limit).
pub fn scan_contents(
    path: String,
    contents: Contents,
    limits: &Limits,
    deadline: Instant,
) -> PackageReport {
    scan_contents_with(path, contents, limits, deadline, None)
}

/// [`scan_contents`], also comparing the package with `references` when its name imitates
/// one of them (`copy-of-popular`).
fn scan_contents_with(
    path: String,
    contents: Contents,
    limits: &Limits,
    deadline: Instant,
    references: Option<&References>,
) -> PackageReport {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string();
    let Contents {
        entries,
        anomalies,
        mut errors,
    } = contents;
    let mut package = Package::new(entries, &file_name);
    let analysis_deadline = deadline - limits.package_timeout / DETECT_SHARE;
    let analysed = analysis::analyse(&mut package, limits, analysis_deadline);
    let files = analysed.files;
    let detect_start = Instant::now();
    let ctx = Ctx {
        package: &package,
        files: &files,
    };
    let (mut findings, skipped) = detectors::run_all(&ctx, deadline);
    if let Some(rule) = skipped {
        errors.push(format!(
            "detectors from `{rule}` on were not run: the package's time limit ({:?}) ran out",
            limits.package_timeout
        ));
    }
    findings.extend(anomalies);
    if let Some(refs) = references {
        findings.extend(copy_of_popular::check(&package, refs));
    }
    detectors::demote_context(&ctx, &mut findings);
    chains::correlate(&mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    let mut notes = Vec::new();
    for f in &files {
        if let Some(e) = &f.facts.parse_error {
            notes.push(format!("{}: {e}", f.path));
        }
        // Whatever was not analysed fully makes the result partial.
        if let Some(why) = &f.incomplete {
            errors.push(format!("{}: analysed in part: {why}", f.path));
        }
    }
    errors.extend(package.errors.iter().cloned());
    let verdict = if package.entries.is_empty() && !errors.is_empty() {
        Verdict::Error
    } else {
        verdict::decide(&findings)
    };
    let timings = Timings {
        parse: analysed.parse.as_secs_f64(),
        facts: analysed.facts.as_secs_f64(),
        propagate: analysed.propagate.as_secs_f64(),
        detect: detect_start.elapsed().as_secs_f64(),
        ..Timings::default()
    };
    PackageReport {
        path,
        ecosystem: package.ecosystem,
        name: package.name.clone(),
        version: package.version.clone(),
        verdict,
        score: verdict::score(&findings),
        sha256: None,
        size: None,
        findings,
        suppressed: vec![],
        errors,
        notes,
        timings,
    }
}
