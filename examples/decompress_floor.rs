//! The decompression floor for `scripts/bench`: how long it takes just to read every entry of
//! every archive to its end and throw the bytes away, with the same number of worker threads
//! the scan uses. A scan cannot be faster than this, so `scan ÷ floor` says how much the
//! analysis itself costs.
//!
//! Formats are recognised by their leading bytes, as the scanner does: gzip, bzip2 and xz
//! streams holding a tar, plain tar, and zip (sdists, wheels). A `.gem` is a plain tar whose
//! `data.tar.gz` member is itself read through gzip and tar; other nested archives are read as
//! plain bytes, not followed. Nothing is extracted to disk and nothing is run.
//!
//! Run with `cargo run --release --example decompress_floor -- --jobs N FILE_OR_DIR...`.
//! Prints one JSON line: `{"files":n,"bytes_in":..,"bytes_out":..,"errors":..,"seconds":..,
//! "per_file":[[path,seconds],...]}`. A file that cannot be read is counted in `errors`
//! (and named on stderr); the others go on.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

/// Buffer between a gzip decoder and tar: tar asks for 512-byte blocks, and without it an
/// archive of many small entries decompresses about three times slower (../shared/CRATES.md).
const GZ_BUFFER: usize = 256 * 1024;

/// What the leading bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Gzip,
    Bzip2,
    Xz,
    Zip,
    Tar,
    Unknown,
}

/// Recognises a format by its magic bytes; tar has its `ustar` magic at offset 257.
fn sniff(head: &[u8]) -> Format {
    if head.starts_with(&[0x1f, 0x8b]) {
        Format::Gzip
    } else if head.starts_with(b"BZh") {
        Format::Bzip2
    } else if head.starts_with(&[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) {
        Format::Xz
    } else if head.starts_with(b"PK\x03\x04") {
        Format::Zip
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        Format::Tar
    } else {
        Format::Unknown
    }
}

/// Reads every entry of a tar stream to its end; returns the entry bytes read.
fn read_tar<R: Read>(reader: R) -> io::Result<u64> {
    let mut archive = tar::Archive::new(reader);
    let mut out = 0u64;
    for entry in archive.entries()? {
        out += io::copy(&mut entry?, &mut io::sink())?;
    }
    Ok(out)
}

/// Reads every entry of a plain tar, and a `data.tar.gz` member (a gem's content) through
/// gzip and tar in turn. A separate function from [`read_tar`] so the nesting stops at one
/// level (a generic function calling itself on its own entry type would never end).
fn read_outer_tar<R: Read>(reader: R) -> io::Result<u64> {
    let mut archive = tar::Archive::new(reader);
    let mut out = 0u64;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let is_gem_data = entry
            .path()
            .map(|p| p.as_os_str() == "data.tar.gz")
            .unwrap_or(false);
        if !is_gem_data {
            out += io::copy(&mut entry, &mut io::sink())?;
            continue;
        }
        // Peek at the member's magic without losing the bytes: chain them back in front.
        let mut head = [0u8; 2];
        let n = read_up_to(&mut entry, &mut head)?;
        let mut chained = Cursor::new(head[..n].to_vec()).chain(&mut entry);
        if sniff(&head[..n]) == Format::Gzip {
            let gz = flate2::read::MultiGzDecoder::new(chained);
            out += read_tar(BufReader::with_capacity(GZ_BUFFER, gz))?;
        } else {
            out += io::copy(&mut chained, &mut io::sink())?;
        }
    }
    Ok(out)
}

/// Fills `buf` as far as the reader allows (short only at end of stream).
fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Reads every entry of a zip held in memory (zip needs `Seek`, hence the `Cursor`).
fn read_zip(bytes: Vec<u8>) -> io::Result<u64> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(io::Error::other)?;
    let mut out = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(io::Error::other)?;
        out += io::copy(&mut entry, &mut io::sink())?;
    }
    Ok(out)
}

/// Reads one file completely in the way its format asks; returns (bytes in, bytes out).
fn read_file(path: &Path) -> io::Result<(u64, u64)> {
    let size = std::fs::metadata(path)?.len();
    let mut file = File::open(path)?;
    let mut head = vec![0u8; 512];
    let n = read_up_to(&mut file, &mut head)?;
    head.truncate(n);
    let format = sniff(&head);
    // The bytes already read go back in front of the rest of the file.
    let stream = Cursor::new(head).chain(file);
    let out = match format {
        Format::Gzip => {
            let gz = flate2::read::MultiGzDecoder::new(BufReader::new(stream));
            read_tar(BufReader::with_capacity(GZ_BUFFER, gz))?
        }
        Format::Bzip2 => {
            let bz = bzip2::read::MultiBzDecoder::new(BufReader::new(stream));
            read_tar(BufReader::with_capacity(GZ_BUFFER, bz))?
        }
        Format::Xz => {
            let xz = lzma_rust2::XzReader::new(BufReader::new(stream), true);
            read_tar(BufReader::with_capacity(GZ_BUFFER, xz))?
        }
        Format::Tar => read_outer_tar(BufReader::with_capacity(GZ_BUFFER, stream))?,
        Format::Zip => {
            let mut bytes = Vec::with_capacity(size as usize);
            let mut stream = stream;
            stream.read_to_end(&mut bytes)?;
            read_zip(bytes)?
        }
        Format::Unknown => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a tar, gzip, bzip2, xz or zip archive",
            ))
        }
    };
    Ok((size, out))
}

/// The files named on the command line, folders walked recursively in name order.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut children: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                eprintln!("decompress_floor: {}: {e}", path.display());
                return;
            }
        };
        children.sort();
        for child in children {
            collect(&child, files);
        }
    } else {
        files.push(path.to_path_buf());
    }
}

/// Parses `--jobs N` and the paths; exits with 2 on a usage error.
fn parse_args() -> (usize, Vec<PathBuf>) {
    let usage = "usage: decompress_floor [--jobs N] FILE_OR_DIR...";
    let mut jobs = 0;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--jobs" || arg == "-j" {
            jobs = match args.next().and_then(|v| v.parse().ok()) {
                Some(n) => n,
                None => {
                    eprintln!("{usage}");
                    std::process::exit(2);
                }
            };
        } else if let Some(v) = arg.strip_prefix("--jobs=") {
            jobs = v.parse().unwrap_or(0);
        } else if arg == "-h" || arg == "--help" {
            println!("{usage}");
            std::process::exit(0);
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    (jobs, paths)
}

fn main() {
    let (jobs, paths) = parse_args();
    let mut files = Vec::new();
    for path in &paths {
        collect(path, &mut files);
    }
    // 0 lets rayon take one thread per core, as `pkgwarden scan --jobs 0` does.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    let start = Instant::now();
    let results: Vec<(f64, io::Result<(u64, u64)>)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let t = Instant::now();
                let r = read_file(path);
                (t.elapsed().as_secs_f64(), r)
            })
            .collect()
    });
    let seconds = start.elapsed().as_secs_f64();

    let (mut bytes_in, mut bytes_out, mut errors) = (0u64, 0u64, 0u64);
    let mut per_file = Vec::with_capacity(files.len());
    for (path, (secs, result)) in files.iter().zip(results) {
        match result {
            Ok((i, o)) => {
                bytes_in += i;
                bytes_out += o;
            }
            Err(e) => {
                errors += 1;
                eprintln!("decompress_floor: {}: {e}", path.display());
                bytes_in += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            }
        }
        per_file.push(serde_json::json!([path.display().to_string(), secs]));
    }
    let report = serde_json::json!({
        "files": files.len(),
        "bytes_in": bytes_in,
        "bytes_out": bytes_out,
        "errors": errors,
        "seconds": seconds,
        "per_file": per_file,
    });
    println!("{report}");
}
