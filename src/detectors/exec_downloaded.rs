//! Running what was just downloaded: `exec(urlopen(u).read())`, `curl ... | sh`, or a
//! file fetched to disk and then started. Whatever the phase, fetching code and running
//! it unseen is the core of a dropper.

use super::{before_in_function, calls, paths, runs_unasked, when, Ctx, Detector};
use crate::finding::{Confidence, Finding, Severity};
use crate::lang::catalog::Kinds;
use crate::lang::facts::{CallFact, Labels};
use crate::rules::rule;

rule!(EXEC_DOWNLOADED = "exec-downloaded" in "exec-downloaded" as ExecDownloaded);

pub const DETECTOR: Detector = Detector {
    rules: &[&EXEC_DOWNLOADED],
    run,
};

/// Programs that run code read from their standard input.
const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "python",
    "python3",
    "node",
    "perl",
    "ruby",
    "iex",
    "powershell",
    "pwsh",
];

fn run(ctx: &Ctx, out: &mut Vec<Finding>) {
    let dests = download_destinations(ctx);
    for (f, c) in calls(ctx) {
        let phase = f.call_phase(c);
        let runs = c.kinds.has(Kinds::EXEC.or(Kinds::SPAWN));
        // Data-flow labels are per file and can mix at runtime; a named file or a pipe
        // into a shell cannot.
        let mut by_flow = false;
        // What a server, socket or bot hands over and then runs is `remote-command`'s.
        let received = c.arg_labels().has(Labels::RECEIVED);
        let how = if runs && !received && c.arg_labels().has(Labels::DOWNLOADED) {
            // `exec(urlopen(u).read())` on one line is direct, and so is a download
            // earlier in the same function; anything else is carried by variables.
            by_flow = !f
                .facts
                .calls
                .iter()
                .filter(|d| d.line == c.line)
                .chain(before_in_function(f, c))
                .any(|d| d.kinds.has(Kinds::DOWNLOAD));
            Some(format!(
                "runs content fetched from the network with `{}`",
                c.callee
            ))
        } else if c.kinds.has(Kinds::DOWNLOAD)
            && c.shell
                .as_ref()
                .and_then(|s| s.pipe_to.as_deref())
                .is_some_and(|p| INTERPRETERS.contains(&p))
        {
            let into = c
                .shell
                .as_ref()
                .and_then(|s| s.pipe_to.clone())
                .unwrap_or_default();
            Some(format!("pipes a download straight into `{into}`"))
        } else if runs {
            started_file(c, &dests)
                .map(|d| format!("starts `{d}`, a file it downloaded"))
                .or_else(|| {
                    inside_download(f, c, &dests)
                        .map(|d| format!("runs a program inside `{d}`, a folder it downloaded"))
                })
        } else {
            hidden_cradle(c)
        };
        if let Some(how) = how {
            // A computed name (`/tmp/{?}`) matched by its template is weaker evidence of
            // identity than a fixed one: a tool that fetches its helper binary when asked
            // (a tunnel client) looks the same.
            let templated = how.contains("{?}");
            let (severity, confidence) = if runs_unasked(phase) {
                (Severity::Critical, Confidence::High)
            } else if by_flow || templated {
                (Severity::High, Confidence::Medium)
            } else {
                (Severity::Critical, Confidence::Medium)
            };
            out.push(EXEC_DOWNLOADED.at_call(
                f,
                c,
                severity,
                confidence,
                format!("{how} {}", when(phase)),
            ));
        }
    }
}

/// Where downloads land: `urlretrieve(u, dest)`, `curl -o dest`, `wget -O dest`.
pub fn download_destinations(ctx: &Ctx) -> Vec<String> {
    let mut dests = Vec::new();
    for (_, c) in calls(ctx) {
        if !c.kinds.has(Kinds::DOWNLOAD) {
            continue;
        }
        if let Some(t) = c.write_target() {
            dests.push(t.to_string());
        }
        if c.shell.is_some() {
            let words: Vec<&str> = c.args.iter().filter_map(|a| a.text.as_deref()).collect();
            for w in words.windows(2) {
                if matches!(
                    w[0],
                    "-o" | "-O" | "--output" | "--output-document" | "-OutFile" | "-outfile"
                ) {
                    dests.push(w[1].to_string());
                }
            }
            for r in c.args.iter().filter_map(|a| a.text.as_deref()) {
                if let Some(d) = r
                    .strip_prefix("--output=")
                    .or_else(|| r.strip_prefix("--output-document="))
                {
                    dests.push(d.to_string());
                }
            }
        }
    }
    // Files written from downloaded content (`open(p, "wb").write(resp.content)`), and
    // programs written by a file that downloads (the write and the data are often
    // separate calls: `open("x.exe", "wb")` then `.write(r.content)`).
    for f in ctx.files {
        let downloads = f.facts.calls.iter().any(|c| c.kinds.has(Kinds::DOWNLOAD));
        // Functions that write downloaded bytes through a file handle
        // (`f = open(p, "wb"); f.write(r.content)`): the files they open for writing.
        let handle_writes: Vec<&str> = f
            .facts
            .calls
            .iter()
            .filter(|c| is_handle_write(&c.callee) && c.arg_labels().has(Labels::DOWNLOADED))
            .map(|c| c.scope.as_str())
            .collect();
        for c in &f.facts.calls {
            if let Some(t) = c.write_target() {
                if c.arg_labels().has(Labels::DOWNLOADED)
                    || downloads && paths::is_executable_name(t)
                    || is_file_open(&c.callee) && handle_writes.contains(&c.scope.as_str())
                {
                    dests.push(t.to_string());
                }
            }
        }
    }
    // A name with unknown parts (`/tmp/{?}`) is kept when a folder is known: a spawn of
    // the very same template is taken to start it (`curl -o /tmp/{0} … && /tmp/{0}`).
    dests.retain(|d| {
        if d.contains("{?}") {
            d.contains(['/', '\\']) && !d.starts_with("{?}")
        } else {
            base(d).len() >= 3
        }
    });
    dests
}

/// A call that opens a file and returns its handle.
fn is_file_open(callee: &str) -> bool {
    matches!(
        callee,
        "open" | "io.open" | "codecs.open" | "pathlib.Path.open"
    )
}

/// A write through an open file handle: `open(...).write`, `f.write` once `f` is one.
fn is_handle_write(callee: &str) -> bool {
    matches!(
        callee,
        "open.write" | "io.open.write" | "pathlib.Path.open.write" | "open.writelines"
    )
}

/// The downloaded file a spawn starts, if its command line names one.
fn started_file<'d>(c: &CallFact, dests: &'d [String]) -> Option<&'d str> {
    let words: Vec<&str> = c.all_args().filter_map(|a| a.text.as_deref()).collect();
    // By base name only for names that look like files (`x.exe`, `.drv`): a bare word
    // like `build` is also a subcommand.
    let file_like = |d: &str| base(d).contains('.');
    dests
        .iter()
        .find(|d| {
            let template = d.contains("{?}");
            words.iter().any(|w| {
                w.split_whitespace()
                    .any(|t| t == d.as_str() || !template && file_like(d) && base(t) == base(d))
            })
        })
        .map(String::as_str)
}

/// The downloaded folder a spawn runs in: the same function changed into a download's
/// destination (`Repo.clone_from(u, d)`, `os.chdir(d)`) before starting a program by a
/// relative path (`python main.py`).
fn inside_download<'d>(
    f: &crate::analysis::SourceFile,
    c: &CallFact,
    dests: &'d [String],
) -> Option<&'d str> {
    let words: Vec<&str> = c.all_args().filter_map(|a| a.text.as_deref()).collect();
    let relative = words
        .iter()
        .skip(1)
        .any(|w| !w.starts_with('-') && !w.contains(['/', '\\', ' ']) && w.contains('.'));
    if c.shell.is_none() || !relative {
        return None;
    }
    before_in_function(f, c)
        .filter(|d| d.callee == "os.chdir")
        .filter_map(|d| d.args.first()?.text.as_deref())
        .find_map(|dir| dests.iter().find(|d| d.as_str() == dir))
        .map(String::as_str)
}

fn base(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A download-and-run command kept encoded in the code (`b64decode("bXNodGEg...")` giving
/// `powershell -c IEX(New-Object Net.WebClient).DownloadString('https://...')`), wherever
/// the decoded text goes: a registry value, a file, a command. Encoding a cradle has no
/// purpose but hiding it.
fn hidden_cradle(c: &CallFact) -> Option<String> {
    if c.shell.is_some() {
        return None;
    }
    c.all_args()
        .filter(|a| a.labels.has(Labels::DECODED))
        .filter_map(|a| a.text.as_deref())
        .find(|t| is_cradle(t))
        .map(|_| "hides a download-and-run command in encoded text".to_string())
}

/// Whether a command text downloads and runs what it downloaded: a PowerShell
/// `IEX ... DownloadString`, or a download piped into an interpreter.
fn is_cradle(text: &str) -> bool {
    // Hyphens dropped, so `Invoke-Expression` and `invokeexpression` compare alike.
    let lower = text.to_ascii_lowercase().replace('-', "");
    let ps_runs = lower.contains("iex") || lower.contains("invokeexpression");
    let ps_fetches = [
        "downloadstring",
        "downloaddata",
        "invokewebrequest",
        "iwr ",
        "invokerestmethod",
        "irm ",
    ]
    .iter()
    .any(|f| lower.contains(f));
    if ps_runs && ps_fetches && lower.contains("://") {
        return true;
    }
    crate::lang::shell::parse(text).iter().any(|cmd| {
        crate::lang::catalog::kinds(&format!("sh.{}", cmd.name())).has(Kinds::DOWNLOAD)
            && cmd
                .pipe_to
                .as_deref()
                .is_some_and(|p| INTERPRETERS.contains(&p))
    })
}
