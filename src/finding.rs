//! What a detector reports: one behaviour seen at one place in one package.

use serde::Serialize;

/// Impact if the behaviour is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The name used in reports and rule documents (`critical`, …, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How sure the detector is that the behaviour is real.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// When the code runs on the victim's machine; the same call means more at install time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Runs when the package is installed (setup.py, cmdclass, npm lifecycle, extconf.rb).
    Install,
    /// Runs when the package is imported or the interpreter starts (`__init__.py`, `.pth`, npm main).
    Import,
    /// Runs only when a user calls into the package.
    Runtime,
    /// Comes from the manifest or the name, not from code.
    Metadata,
    /// Comes from the archive's structure.
    Archive,
}

impl Confidence {
    /// The name used in reports and rule documents (`low`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The shared vocabulary of behaviours; rule ids are finer-grained.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    InstallHook,
    StartupHook,
    Download,
    ExecDownloaded,
    ExecDecoded,
    Obfuscation,
    WriteHome,
    Persistence,
    BackgroundProcess,
    Exfiltration,
    CredentialRead,
    /// Taking what the user sees or types: the screen, the clipboard, keystrokes.
    Collection,
    /// Acting on the rest of the machine: other processes, the user's files, the system.
    Tampering,
    ReverseShell,
    SuspiciousEndpoint,
    EmbeddedBinary,
    Typosquat,
    ArchiveAnomaly,
    MetadataAnomaly,
}

/// One behaviour at one place. `file` is the path inside the package, nested archives joined with `!`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub phase: Phase,
    pub file: String,
    pub line: u32,
    pub message: String,
    pub snippet: String,
}

impl Finding {
    /// This finding placed at `line` of `file` (0 for a file as a whole), with the code
    /// there (empty when there is none).
    pub fn at(self, file: String, line: u32, snippet: String) -> Finding {
        Finding {
            file,
            line,
            snippet,
            ..self
        }
    }

    /// The order in which findings are reported: by file, line, then rule.
    pub fn sort_key(&self) -> (&str, u32, &str, &str) {
        (&self.file, self.line, self.rule, &self.message)
    }

    /// Worst first: severity, then confidence, then the code's order.
    pub fn rank_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            std::cmp::Reverse(self.confidence),
            self.sort_key(),
        )
    }

    /// A stable identity for this finding across runs and versions' line shifts: the
    /// sha256 (hex) of the rule, the package's name (lowercase), the file and the code
    /// line with its whitespace collapsed (the message when there is no code). The line
    /// number is left out so that code added above the finding does not change it;
    /// baselines, suppressions and SARIF `partialFingerprints` key on it.
    pub fn fingerprint(&self, package: &str) -> String {
        use sha2::Digest;
        let content = if self.snippet.trim().is_empty() {
            &self.message
        } else {
            &self.snippet
        };
        let normalised = content.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut h = sha2::Sha256::new();
        for part in [
            self.rule,
            &package.to_lowercase(),
            &self.file,
            normalised.as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        hex(&h.finalize())
    }

    /// The short id shown to people: the rule and the fingerprint's first 12 hex digits.
    pub fn id(fingerprint: &str) -> String {
        fingerprint[..12].to_string()
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
