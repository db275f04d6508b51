//! Recognises formats by their first bytes, never by file name.

/// What a blob of bytes is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gzip,
    Bzip2,
    Xz,
    Zip,
    Tar,
    Other,
}

impl Format {
    pub fn is_archive(self) -> bool {
        self != Format::Other
    }
}

/// The format of a blob, from its leading bytes.
pub fn sniff(head: &[u8]) -> Format {
    if head.starts_with(&[0x1f, 0x8b]) {
        Format::Gzip
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        Format::Bzip2
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Format::Xz
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if is_tar_header(head) {
        Format::Tar
    } else {
        Format::Other
    }
}

/// A tar header: `ustar` magic, or a pre-POSIX header whose checksum adds up.
pub fn is_tar_header(head: &[u8]) -> bool {
    if head.len() < 512 {
        return false;
    }
    if &head[257..262] == b"ustar" {
        return true;
    }
    let field = &head[148..156];
    let digits: String = field
        .iter()
        .take_while(|b| **b != 0 && **b != b' ')
        .map(|b| *b as char)
        .collect();
    let Ok(stored) = u32::from_str_radix(digits.trim(), 8) else {
        return false;
    };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                *b as u32
            }
        })
        .sum();
    stored == sum && head[0] != 0
}

/// Executable formats by magic: ELF, PE (`MZ`), Mach-O (thin and fat).
pub fn executable_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x7fELF") {
        Some("ELF")
    } else if head.starts_with(b"MZ") && head.len() >= 64 {
        Some("PE")
    } else if [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
    ]
    .iter()
    .any(|m| head.starts_with(m))
    {
        Some("Mach-O")
    } else {
        None
    }
}

/// Whether a file that starts with `MZ` is a well-formed PE: the `PE\0\0` signature at the
/// offset its DOS header names (`e_lfanew`). `None` when that offset lies past the bytes
/// held (the head of a large file) but inside the file of `size` bytes: unknown.
pub fn pe_well_formed(data: &[u8], size: u64) -> Option<bool> {
    if !data.starts_with(b"MZ") || data.len() < 64 {
        return Some(false);
    }
    let at = u32::from_le_bytes([data[0x3c], data[0x3d], data[0x3e], data[0x3f]]) as usize;
    match data.get(at..at.saturating_add(4)) {
        Some(signature) => Some(signature == b"PE\0\0"),
        None if (at as u64).saturating_add(4) <= size => None,
        None => Some(false),
    }
}

/// An ELF or PE executable encrypted with a one-byte XOR key, and the key: the key is
/// what turns the first byte into the magic, and the rest of the header must agree (ELF's
/// identification bytes, PE's `PE\0\0` signature at the offset the DOS header names), so
/// plain data does not match by chance.
pub fn xor_executable_kind(data: &[u8]) -> Option<(&'static str, u8)> {
    let (&first, _) = data.split_first()?;
    let elf_key = first ^ 0x7f;
    if elf_key != 0 && data.len() >= 64 {
        let ident: Vec<u8> = data[1..7].iter().map(|b| b ^ elf_key).collect();
        // `ELF`, a class and a byte order of 1 or 2, version 1.
        if ident[..3] == *b"ELF"
            && matches!(ident[3], 1 | 2)
            && matches!(ident[4], 1 | 2)
            && ident[5] == 1
        {
            return Some(("ELF", elf_key));
        }
    }
    let key = first ^ b'M';
    if key == 0 || data.len() < 64 || data[1] ^ key != b'Z' {
        return None;
    }
    let at = |i: usize| usize::from(data[i] ^ key);
    let pe = at(0x3c) | at(0x3d) << 8 | at(0x3e) << 16 | at(0x3f) << 24;
    let signature = data.get(pe..pe.checked_add(4)?)?;
    signature
        .iter()
        .map(|b| b ^ key)
        .eq(*b"PE\0\0")
        .then_some(("PE", key))
}

#[cfg(test)]
mod tests {
    use super::pe_well_formed;

    #[test]
    fn a_pe_is_well_formed_when_its_signature_is_where_the_dos_header_points() {
        let mut pe = b"MZ".to_vec();
        pe.resize(0x80, 0);
        pe[0x3c] = 0x40;
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        assert_eq!(pe_well_formed(&pe, 0x80), Some(true));
        pe[0x40] = b'X';
        assert_eq!(pe_well_formed(&pe, 0x80), Some(false));
        // The signature past the head held, inside the file: unknown.
        pe[0x3c] = 0x00;
        pe[0x3d] = 0x10;
        assert_eq!(pe_well_formed(&pe, 1 << 20), None);
        assert_eq!(pe_well_formed(&pe, 0x80), Some(false));
    }
}
