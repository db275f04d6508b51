//! Reads a package's files into memory: tar (plain, gzip, bzip2, xz), zip (sdists, wheels,
//! eggs), gems (a tar of gzip members) and unpacked folders. Nothing is written to disk.
//!
//! Archives inside archives are read too, up to `Limits::max_nesting`, their entries
//! named `outer!inner`. Every cap in `limits.rs` is enforced here; hostile structure
//! (traversal names, links out of the package, bombs, floods) becomes an
//! `archive-anomaly` finding and the rest of the package is still read.

pub(crate) mod anomalies;
pub mod folder;
mod guard;
pub mod limits;
pub(crate) mod record;
pub mod sniff;
mod tar_reader;
mod zip_reader;

use crate::finding::{Confidence, Finding, Phase, Severity};
use crate::rules::Rule;
use anomalies::{
    DECOMPRESSION_BOMB, DUPLICATE_ENTRY, NESTING_TOO_DEEP, OVERSIZED_ENTRY, OVERSIZED_PACKAGE,
    PATH_TRAVERSAL, TOO_MANY_ENTRIES,
};
use guard::{Counted, Guard, Trip};
use limits::Limits;
use sniff::Format;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::rc::Rc;
use std::time::Instant;

/// One file of a package.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside the package; nested archives joined with `!`.
    pub path: String,
    /// The content, or its first `HEAD_BYTES` for large files that are not source.
    pub data: Vec<u8>,
    /// Size as read (may exceed `data.len()` for large binaries).
    pub size: u64,
    /// False when a limit cut the content short.
    pub complete: bool,
}

/// What reading a package produced.
#[derive(Debug, Default)]
pub struct Contents {
    pub entries: Vec<Entry>,
    /// Hostile or broken structure, as findings.
    pub anomalies: Vec<Finding>,
    /// Reasons the package could not be read completely.
    pub errors: Vec<String>,
}

/// Large files that are not source keep only their head: enough to sniff their format.
pub const HEAD_BYTES: usize = 4096;
/// Files up to this size are kept whole whatever their name.
const KEEP_WHOLE: u64 = 1 << 20;

/// What the reader kept of one entry's content.
pub(crate) struct EntryData {
    /// The content; only its first `HEAD_BYTES` when a large entry that is neither
    /// source nor an archive was streamed past.
    pub data: Vec<u8>,
    /// Bytes read from the entry.
    pub size: u64,
    /// False when a limit or a read error cut the content short.
    pub complete: bool,
    /// FNV-1a of every byte read (duplicate entries with other content).
    pub fnv: u64,
    /// sha256 of every byte read, when asked for (wheel RECORD check).
    pub sha256: Option<[u8; 32]>,
}

/// Reads a package archive held in memory. `Err` means the bytes are no archive at all.
pub fn read_archive(bytes: &[u8], limits: &Limits) -> Result<Contents, String> {
    read_from(
        std::io::Cursor::new(bytes),
        bytes,
        bytes.len() as u64,
        limits,
    )
}

/// Reads a package archive from a file, streaming it: a tar is decompressed entry by
/// entry and a zip read through its central directory, so the archive itself is never
/// held in memory. `Err` means the file is no archive at all (or cannot be read).
pub fn read_archive_file(path: &std::path::Path, limits: &Limits) -> Result<Contents, String> {
    let open = || -> std::io::Result<_> {
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        let mut input = std::io::BufReader::with_capacity(256 << 10, file);
        let mut head = Vec::with_capacity(512);
        (&mut input).take(512).read_to_end(&mut head)?;
        input.seek(std::io::SeekFrom::Start(0))?;
        Ok((input, head, size))
    };
    let (input, head, size) = open().map_err(|e| format!("cannot read: {e}"))?;
    read_from(input, &head, size, limits)
}

/// Reads the archive `input` of `size` compressed bytes, whose first bytes are `head`.
fn read_from<R: Read + Seek>(
    input: R,
    head: &[u8],
    size: u64,
    limits: &Limits,
) -> Result<Contents, String> {
    let format = sniff::sniff(head);
    if !format.is_archive() {
        return Err("not an archive (no tar, gzip, bzip2, xz or zip signature)".into());
    }
    let mut reader = Reader::new(limits, size);
    reader.blob("", input, format, 0);
    Ok(reader.finish())
}

/// The shared state of one package read: budgets, counters, what has been found.
pub(crate) struct Reader<'l> {
    limits: &'l Limits,
    compressed: u64,
    /// Bytes inflated so far, kept or streamed past.
    inflated: u64,
    /// Bytes kept in memory so far.
    kept: u64,
    entries_seen: usize,
    deadline: Instant,
    stopped: bool,
    seen: HashMap<String, u64>,
    /// Set by a decompression [`Guard`] that stopped its stream, read by [`Reader::stream`].
    trip: Rc<Cell<Option<Trip>>>,
    /// The entry being read, named in the finding when a guard stops the stream.
    current: String,
    out: Contents,
}

impl<'l> Reader<'l> {
    pub(crate) fn new(limits: &'l Limits, compressed: u64) -> Self {
        Reader {
            limits,
            compressed: compressed.max(1),
            inflated: 0,
            kept: 0,
            entries_seen: 0,
            deadline: Instant::now() + limits.package_timeout,
            stopped: false,
            seen: HashMap::new(),
            trip: Rc::new(Cell::new(None)),
            current: String::new(),
            out: Contents::default(),
        }
    }

    pub(crate) fn finish(self) -> Contents {
        self.out
    }

    /// True once a package-wide limit was hit: callers stop reading.
    pub(crate) fn stopped(&mut self) -> bool {
        if !self.stopped && Instant::now() > self.deadline {
            self.time_up();
        }
        self.stopped
    }

    fn time_up(&mut self) {
        if !self.stopped {
            self.error(format!(
                "reading stopped at the time limit ({:?})",
                self.limits.package_timeout
            ));
            self.stopped = true;
        }
    }

    /// True while a guard's stop is pending: the read errors it causes are not news.
    pub(crate) fn tripped(&self) -> bool {
        self.trip.get().is_some()
    }

    pub(crate) fn error(&mut self, msg: String) {
        self.out.errors.push(msg);
    }

    pub(crate) fn anomaly(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        entry: &str,
        message: String,
    ) {
        self.out.anomalies.push(
            rule.finding(severity, Confidence::High, Phase::Archive, message)
                .at(entry.to_string(), 0, String::new()),
        );
    }

    /// Reads one archive of `format` (as sniffed from its first bytes) from `input`.
    fn blob<R: Read + Seek>(&mut self, prefix: &str, input: R, format: Format, depth: u32) {
        match format {
            Format::Zip => zip_reader::read(self, prefix, input, depth),
            Format::Tar => tar_reader::read_stream(self, prefix, input, depth),
            // Every member: gzip, Python's tarfile and pip read concatenated members as one
            // stream, so a payload in a second member must not be invisible here.
            Format::Gzip => self.stream(prefix, input, depth, flate2::read::MultiGzDecoder::new),
            Format::Bzip2 => self.stream(prefix, input, depth, bzip2::read::MultiBzDecoder::new),
            // The memory cap keeps a hostile dictionary size from allocating gigabytes.
            Format::Xz => self.stream(prefix, input, depth, |i| {
                lzma_rust2::XzReader::new_mem_limit(i, true, 128 * 1024)
            }),
            Format::Other => {}
        }
    }

    /// A compressed stream: a tar inside is read entry by entry as it inflates; anything
    /// else is one file (gem `metadata.gz`), kept under the stream's own name. The
    /// decoder runs behind a [`Guard`], so a bomb stops mid-read, skipped tar content included.
    fn stream<I: Read, D: Read>(
        &mut self,
        prefix: &str,
        input: I,
        depth: u32,
        decoder: impl FnOnce(Counted<I>) -> D,
    ) {
        self.current.clear();
        let consumed = Rc::new(Cell::new(0));
        let decoder = decoder(Counted::new(input, consumed.clone()));
        let guard = Guard::new(
            decoder,
            consumed,
            self.limits,
            self.deadline,
            self.trip.clone(),
        );
        self.stream_contents(
            prefix,
            std::io::BufReader::with_capacity(256 << 10, guard),
            depth,
        );
        self.report_trip(prefix);
    }

    fn stream_contents<R: Read>(&mut self, prefix: &str, mut decoder: R, depth: u32) {
        let mut head = Vec::with_capacity(512);
        if let Err(e) = (&mut decoder).take(512).read_to_end(&mut head) {
            if !self.tripped() {
                self.error(format!(
                    "{}: corrupt compressed stream: {e}",
                    display(prefix)
                ));
            }
            return;
        }
        let chained = std::io::Cursor::new(head.clone()).chain(decoder);
        if sniff::is_tar_header(&head) {
            tar_reader::read_stream(self, prefix, chained, depth);
        } else {
            let name = prefix.trim_end_matches('!');
            let name = if name.is_empty() { "(stream)" } else { name };
            if let Some(data) = self.read_entry(name, chained, false) {
                self.keep(name.to_string(), data, depth);
            }
        }
    }

    /// Turns a guard's stop into the finding or error it stands for, and stops reading.
    fn report_trip(&mut self, prefix: &str) {
        let current = std::mem::take(&mut self.current);
        let name = if current.is_empty() {
            display(prefix).to_string()
        } else {
            current
        };
        match self.trip.take() {
            None => {}
            Some(Trip::Ratio { out, consumed }) => {
                self.anomaly(
                    &DECOMPRESSION_BOMB,
                    Severity::High,
                    &name,
                    format!(
                        "compressed stream inflates more than {}x ({out} bytes from {consumed} compressed); reading stopped",
                        self.limits.max_ratio
                    ),
                );
                self.stop(&name);
            }
            Some(Trip::Size { out }) => {
                self.anomaly(
                    &OVERSIZED_PACKAGE,
                    Severity::Medium,
                    &name,
                    format!(
                        "compressed stream holds more than {} bytes ({out} read); reading stopped",
                        self.limits.max_read_bytes
                    ),
                );
                self.stop(&name);
            }
            Some(Trip::Time) => self.time_up(),
        }
    }

    /// Reads one entry's content within the per-entry, per-package and ratio budgets.
    /// Source files, small files and archives to descend into are kept whole; of any
    /// other large entry only the head is kept and the rest is streamed past, hashed and
    /// counted, so a 100 MB shared library costs no memory. `sha256` asks for the
    /// content's hash (a wheel's RECORD check). None if nothing could be read.
    pub(crate) fn read_entry<R: Read>(
        &mut self,
        name: &str,
        mut reader: R,
        sha256: bool,
    ) -> Option<EntryData> {
        use sha2::Digest;
        self.current = name.to_string();
        // Streaming past content costs time, keeping it costs memory: two budgets.
        let read_left = self.limits.max_read_bytes.saturating_sub(self.inflated);
        let keep_left = self.limits.max_package_bytes.saturating_sub(self.kept);
        let stream_budget = self.limits.max_entry_bytes.min(read_left);
        let mut digests = Digests::new(sha256);
        let mut data = Vec::new();
        let first = KEEP_WHOLE.min(stream_budget);
        let mut result = (&mut reader)
            .take(first + 1)
            .read_to_end(&mut data)
            .map(|_| ());
        digests.update(&data);
        let mut size = data.len() as u64;
        let more = result.is_ok() && size > first;
        let streamed =
            more && size > KEEP_WHOLE && !is_source_name(name) && !sniff::sniff(&data).is_archive();
        let budget = if streamed {
            stream_budget
        } else {
            stream_budget.min(keep_left)
        };
        if streamed {
            data.truncate(HEAD_BYTES);
            let mut buf = vec![0u8; 64 << 10];
            let mut rest = (&mut reader).take(budget + 1 - size);
            result = loop {
                match rest.read(&mut buf) {
                    Ok(0) => break Ok(()),
                    Ok(n) => {
                        digests.update(&buf[..n]);
                        size += n as u64;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
        } else if more {
            let before = data.len();
            result = (&mut reader)
                .take((budget + 1).saturating_sub(size))
                .read_to_end(&mut data)
                .map(|_| ());
            digests.update(&data[before..]);
            size = data.len() as u64;
        }
        self.inflated += size;
        self.kept += data.len() as u64;
        let mut complete = true;
        if let Err(e) = result {
            if !self.tripped() {
                self.error(format!("{name}: read failed ({e}); content is partial"));
            }
            complete = false;
        }
        if size > budget {
            data.truncate(budget as usize);
            size = budget;
            complete = false;
            if budget < self.limits.max_entry_bytes {
                // Streamed content is bounded by the read budget alone; kept content by
                // whichever of the two budgets is smaller.
                let read_bound = streamed || read_left <= keep_left;
                let message = if read_bound {
                    format!(
                        "more than {} bytes uncompressed; reading stopped",
                        self.limits.max_read_bytes
                    )
                } else {
                    format!(
                        "more than {} bytes of content to keep in memory; reading stopped",
                        self.limits.max_package_bytes
                    )
                };
                self.anomaly(&OVERSIZED_PACKAGE, Severity::Medium, name, message);
                self.stop(name);
            } else {
                self.anomaly(
                    &OVERSIZED_ENTRY,
                    Severity::Low,
                    name,
                    format!(
                        "entry larger than {} bytes; only its start was read",
                        self.limits.max_entry_bytes
                    ),
                );
            }
        }
        if self.inflated > self.limits.ratio_floor_bytes
            && self.inflated / self.compressed > self.limits.max_ratio
        {
            self.anomaly(
                &DECOMPRESSION_BOMB,
                Severity::High,
                name,
                format!(
                    "inflates more than {}x ({} bytes from {} compressed); reading stopped",
                    self.limits.max_ratio, self.inflated, self.compressed
                ),
            );
            self.stop(name);
        }
        Some(EntryData {
            data,
            size,
            complete,
            fnv: digests.fnv,
            sha256: digests.sha256.map(|h| h.finalize().into()),
        })
    }

    /// Stops reading the package at entry `at` because a package-wide limit was hit;
    /// whatever came after it is missing, which makes the result partial.
    fn stop(&mut self, at: &str) {
        if !self.stopped {
            self.stopped = true;
            self.error(format!(
                "reading stopped at `{}`: entries after it were not read",
                display(at)
            ));
        }
    }

    /// Counts an entry against the entry cap; false once the cap is passed.
    pub(crate) fn count_entry(&mut self, name: &str) -> bool {
        self.entries_seen += 1;
        if self.entries_seen > self.limits.max_entries {
            self.anomaly(
                &TOO_MANY_ENTRIES,
                Severity::Medium,
                name,
                format!(
                    "more than {} entries; the rest were not read",
                    self.limits.max_entries
                ),
            );
            self.stop(name);
            return false;
        }
        true
    }

    /// Flags entry names that would escape the extraction folder; `path` is how the entry
    /// is reported (with the names of the archives it is nested in).
    pub(crate) fn check_name(&mut self, name: &str, path: &str) {
        if escapes(name) {
            self.anomaly(
                &PATH_TRAVERSAL,
                Severity::High,
                path,
                "entry name escapes the package folder (absolute or `..`); an extracting installer would write outside it".into(),
            );
        }
    }

    /// Flags an archive member whose path an earlier member already used with other content.
    pub(crate) fn check_duplicate(&mut self, path: &str, digest: u64) {
        if let Some(previous) = self.seen.insert(path.to_string(), digest) {
            if previous != digest {
                self.anomaly(
                    &DUPLICATE_ENTRY,
                    Severity::Medium,
                    path,
                    "the archive holds this path twice with different content; tools disagree on which copy wins".into(),
                );
            }
        }
    }

    /// Keeps a file, or descends into it if it is itself an archive.
    pub(crate) fn keep(&mut self, path: String, entry: EntryData, depth: u32) {
        let EntryData {
            data,
            size,
            complete,
            ..
        } = entry;
        let format = sniff::sniff(&data);
        if format.is_archive() && complete && data.len() as u64 == size {
            if depth + 1 > self.limits.max_nesting {
                self.anomaly(
                    &NESTING_TOO_DEEP,
                    Severity::Medium,
                    &path,
                    format!(
                        "archive nested more than {} levels deep; not opened",
                        self.limits.max_nesting
                    ),
                );
            } else {
                self.blob(
                    &format!("{path}!"),
                    std::io::Cursor::new(&data[..]),
                    format,
                    depth + 1,
                );
                return;
            }
        }
        self.out.entries.push(Entry {
            path,
            data,
            size,
            complete,
        });
    }
}

fn display(prefix: &str) -> &str {
    let p = prefix.trim_end_matches('!');
    if p.is_empty() {
        "archive"
    } else {
        p
    }
}

/// True for entry names that would land outside the extraction folder: absolute
/// (`/etc/x`, `C:\\x`, `\\server`) or climbing with `..`.
pub fn escapes(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.get(1..3).is_some_and(|s| s == ":\\" || s == ":/")
        || name.split(['/', '\\']).any(|c| c == "..")
}

/// Names whose content is analysed as code or read as metadata (a wheel's RECORD, which
/// lists every file, passes 1 MiB in large wheels), so kept whole when large.
fn is_source_name(path: &str) -> bool {
    let name = path
        .rsplit(['/', '!'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    [
        ".py", ".pyw", ".pth", ".js", ".mjs", ".cjs", ".rb", ".sh", ".json", ".gemspec", ".rake",
        ".ps1", ".bat",
    ]
    .iter()
    .any(|e| name.ends_with(e))
        || [
            "RECORD",
            "METADATA",
            "PKG-INFO",
            "requires.txt",
            "entry_points.txt",
            "metadata.gz",
        ]
        .iter()
        .any(|m| name.eq_ignore_ascii_case(m))
}

/// The fingerprints of an entry's content, updated as it streams by: FNV-1a (small,
/// for telling duplicate entries apart) and, when asked for, sha256 (wheel RECORD).
struct Digests {
    fnv: u64,
    sha256: Option<sha2::Sha256>,
}

impl Digests {
    fn new(sha256: bool) -> Self {
        use sha2::Digest;
        Digests {
            fnv: 0xcbf29ce484222325,
            sha256: sha256.then(sha2::Sha256::new),
        }
    }

    fn update(&mut self, data: &[u8]) {
        use sha2::Digest;
        self.fnv = data
            .iter()
            .fold(self.fnv, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3));
        if let Some(h) = &mut self.sha256 {
            h.update(data);
        }
    }
}
