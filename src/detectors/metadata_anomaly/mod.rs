//! Metadata anomalies (`rules/metadata-anomaly/`): what a package's manifest declares,
//! rather than what its code does — dependencies installed from outside the registry, and
//! dependencies whose names imitate popular packages.

pub(super) mod dependency_url;
pub(super) mod typosquat_dependency;

use crate::rules::rule;

rule!(DEPENDENCY_URL = "dependency-url" in "metadata-anomaly" as MetadataAnomaly);
rule!(TYPOSQUAT_DEPENDENCY = "typosquat-dependency" in "metadata-anomaly" as MetadataAnomaly);
