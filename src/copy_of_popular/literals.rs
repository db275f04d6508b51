//! The literals whose change turns a copy into a hijack: URLs, IP addresses, wallet
//! addresses and keys.

/// The URLs, IPv4 addresses, `0x` wallet addresses and long key-like tokens in `line`.
pub fn sensitive_literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in line.split(|c: char| c.is_whitespace() || "\"'`(),;<>[]{}=".contains(c)) {
        let token = token.trim_end_matches(['.', ':']);
        if token.is_empty() {
            continue;
        }
        if token.contains("://") || is_ipv4(token) || is_wallet(token) || is_key(token) {
            out.push(token.to_string());
        }
    }
    if line.contains("-----BEGIN") {
        out.push("-----BEGIN".to_string());
    }
    out
}

/// A dotted quad, with an optional `:port`.
fn is_ipv4(token: &str) -> bool {
    let host = token.split(':').next().unwrap_or(token);
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// An Ethereum-style address: `0x` and 40 hex digits.
fn is_wallet(token: &str) -> bool {
    token
        .strip_prefix("0x")
        .is_some_and(|hex| hex.len() == 40 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A long run of letters and digits with both in it (Bitcoin and Solana addresses, API keys,
/// tokens): at least 26 characters of `[A-Za-z0-9_-]`.
fn is_key(token: &str) -> bool {
    token.len() >= 26
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_urls_addresses_and_keys() {
        assert_eq!(
            sensitive_literals("URL = \"https://collect.example.com/x\""),
            ["https://collect.example.com/x"]
        );
        assert_eq!(
            sensitive_literals("host = '192.0.2.7:8080'"),
            ["192.0.2.7:8080"]
        );
        assert_eq!(
            sensitive_literals("to = 0x52908400098527886E0F7030069857D2E4169EE7;"),
            ["0x52908400098527886E0F7030069857D2E4169EE7"]
        );
        assert_eq!(
            sensitive_literals("btc = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'").len(),
            1
        );
        assert!(sensitive_literals("timeout = 30").is_empty());
        assert!(sensitive_literals("version = '1.2.3'").is_empty());
    }
}
