//! The archive reader's rules (`rules/archive-anomaly/`): hostile or broken structure,
//! reported as findings while the rest of the package is still read.

use crate::rules::rule;

rule!(DECOMPRESSION_BOMB = "decompression-bomb" in "archive-anomaly" as ArchiveAnomaly);
rule!(DEVICE_FILE = "device-file" in "archive-anomaly" as ArchiveAnomaly);
rule!(DUPLICATE_ENTRY = "duplicate-entry" in "archive-anomaly" as ArchiveAnomaly);
rule!(ENCRYPTED_ENTRY = "encrypted-entry" in "archive-anomaly" as ArchiveAnomaly);
rule!(LINK_OUTSIDE_PACKAGE = "link-outside-package" in "archive-anomaly" as ArchiveAnomaly);
rule!(NESTING_TOO_DEEP = "nesting-too-deep" in "archive-anomaly" as ArchiveAnomaly);
rule!(OVERSIZED_ENTRY = "oversized-entry" in "archive-anomaly" as ArchiveAnomaly);
rule!(OVERSIZED_PACKAGE = "oversized-package" in "archive-anomaly" as ArchiveAnomaly);
rule!(PATH_TRAVERSAL = "path-traversal" in "archive-anomaly" as ArchiveAnomaly);
rule!(SETUID_ENTRY = "setuid-entry" in "archive-anomaly" as ArchiveAnomaly);
rule!(TOO_MANY_ENTRIES = "too-many-entries" in "archive-anomaly" as ArchiveAnomaly);
rule!(WHEEL_RECORD_MISMATCH = "wheel-record-mismatch" in "archive-anomaly" as ArchiveAnomaly);
