//! Fingerprints: a stable name for a value that does not reveal it.

use sha2::{Digest, Sha256};

/// `sha256:` and the first 12 hex digits of SHA-256 of the value.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let mut out = String::with_capacity(7 + 12);
    out.push_str("sha256:");
    for byte in digest.iter().take(6) {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprint_is_stable() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(fingerprint("abc"), "sha256:ba7816bf8f01");
        assert_eq!(fingerprint(""), "sha256:e3b0c44298fc");
    }
}
