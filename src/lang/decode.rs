//! Decoders of constant text the engine folds: base64 (standard and URL-safe), hex and
//! ROT13. Shared by the fact engine and the shell parser (`powershell -enc`).

/// The text of a bytes literal: its UTF-8 when it is valid UTF-8, else one character per
/// byte (U+0000–U+00FF), so no byte is lost before a later `.decode(<codec>)` reads it
/// (`b"\x85\xa5\x81\x93".decode("cp1026")` is `eval`).
pub fn bytes_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Decodes base64 (standard or URL-safe, padding optional) to text, lossily.
pub fn decode_base64(s: &str) -> Option<String> {
    decode_base64_bytes(s).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Decodes base64 (standard or URL-safe, padding optional) to bytes.
pub fn decode_base64_bytes(s: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        bits = (bits << 6) | v as u32;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    Some(out)
}

pub fn decode_hex(s: &str) -> Option<String> {
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = clean
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    Some(String::from_utf8_lossy(&bytes?).into_owned())
}

pub fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}
