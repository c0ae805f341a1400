//! Which files are text, and the text the scanner reads from them: UTF-8 (or any
//! ASCII-compatible bytes) as they are, UTF-16 with a byte order mark decoded to UTF-8
//! (PowerShell and many Windows tools write it: a key in `setup.ps1` must not pass
//! unseen), and nothing from binary files. Line numbers are those of the decoded text.
//! Never reads files or prints.

use std::borrow::Cow;

/// How much of the start of a file decides whether it is binary, as git and ripgrep judge.
const SNIFF: usize = 8192;

/// The text encodings recognised by their byte order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, or bytes read as they are.
    Utf8,
    /// UTF-16, little-endian (BOM `FF FE`).
    Utf16Le,
    /// UTF-16, big-endian (BOM `FE FF`).
    Utf16Be,
}

/// The encoding a file's bytes announce.
pub fn encoding(data: &[u8]) -> Encoding {
    match data {
        [0xFF, 0xFE, ..] => Encoding::Utf16Le,
        [0xFE, 0xFF, ..] => Encoding::Utf16Be,
        _ => Encoding::Utf8,
    }
}

/// The UTF-16 code units after the BOM; `None` for an odd number of bytes.
fn units(data: &[u8], enc: Encoding) -> Option<impl Iterator<Item = u16> + '_> {
    let body = data.get(2..)?;
    if body.len() % 2 != 0 {
        return None;
    }
    Some(body.chunks_exact(2).map(move |p| match enc {
        Encoding::Utf16Be => u16::from_be_bytes([p[0], p[1]]),
        _ => u16::from_le_bytes([p[0], p[1]]),
    }))
}

/// Whether the bytes are binary: for UTF-16 with a BOM, an odd length, a lone surrogate
/// or a NUL character near the start; otherwise a NUL byte in the first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    match encoding(data) {
        Encoding::Utf8 => memchr::memchr(0, &data[..data.len().min(SNIFF)]).is_some(),
        enc => {
            let Some(units) = units(data, enc) else { return true };
            let mut n = 0;
            for c in char::decode_utf16(units) {
                match c {
                    Err(_) => return true,
                    Ok('\0') if n < SNIFF => return true,
                    Ok(_) => n += 1,
                }
            }
            false
        }
    }
}

/// The text to scan in `data`: the bytes themselves, or UTF-16 decoded to UTF-8 without
/// its BOM; `None` when the file is binary.
pub fn text_of(data: &[u8]) -> Option<Cow<'_, [u8]>> {
    if is_binary(data) {
        return None;
    }
    match encoding(data) {
        Encoding::Utf8 => Some(Cow::Borrowed(data)),
        enc => {
            let units = units(data, enc)?;
            let text: String =
                char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
            Some(Cow::Owned(text.into_bytes()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        let mut out = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            out.extend(if big { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let text = "$env:KEY = \"é\"\r\nWrite-Host 🦀\n";
        for big in [false, true] {
            let data = utf16(text, big);
            assert!(!is_binary(&data));
            assert_eq!(text_of(&data).as_deref(), Some(text.as_bytes()));
        }
    }

    #[test]
    fn binary_stays_binary() {
        assert!(is_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(text_of(b"a\0b").is_none());
        // UTF-16 that is not text: an odd length, a lone surrogate, a NUL character.
        let mut odd = utf16("abc", false);
        odd.push(b'x');
        assert!(is_binary(&odd));
        assert!(is_binary(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]));
        assert!(is_binary(&utf16("a\0b", true)));
        // UTF-32 LE starts like UTF-16 LE, then a NUL.
        assert!(is_binary(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]));
    }

    #[test]
    fn other_text_is_read_as_it_is() {
        assert!(matches!(text_of(b"A=1\n"), Some(Cow::Borrowed(_))));
        assert!(matches!(text_of("\u{feff}A=1\n".as_bytes()), Some(Cow::Borrowed(_))));
    }
}
