//! The redaction engine: masks secrets in a byte stream.
//!
//! It matches every resolved secret value (and its URL-encoded and base64 forms) with one
//! Aho-Corasick automaton and the scanner's provider formats through their keyword
//! pre-filter, and replaces each match with its mask (or a fingerprint). It is
//! streaming and chunk-safe: a secret split across two reads is still masked, because
//! only what can no longer become part of a match is released:
//! - bytes before the last newline are final (provider formats never span lines), as
//!   long as no known value could still be completed across that newline;
//! - after a short idle time, everything but a trailing run of key characters is released,
//!   so prompts and progress output stay live while a half-printed key is still held back.
//!
//! Non-matching bytes pass through unchanged, binary included.

use crate::scan::{KnownOrigin, Scanner, Source};
use crate::secret::{Secret, fingerprint, is_placeholder, mask};
use base64::Engine as _;

/// How a secret is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// The mask: `sk-p**********25xx`.
    Mask,
    /// `[tkx:sha256:…]`.
    Fingerprint,
}

/// A line longer than this is released even without its newline, minus the longest
/// possible key, so memory stays bounded on endless lines.
const MAX_HELD_LINE: usize = 64 * 1024;
/// The longest provider key the engine holds back for.
const MAX_RULE_MATCH: usize = 1024;

/// The compiled patterns and their replacements.
pub struct Engine {
    scanner: Scanner,
    /// Replacement for each known pattern, by index.
    replacements: Vec<Vec<u8>>,
    /// The known patterns (values and encodings), for the idle check.
    patterns: Vec<Vec<u8>>,
    /// Length of the longest known pattern.
    longest: usize,
    style: Style,
}

/// Characters a key can be made of; a trailing run of them may be a key in progress.
fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'=' | b'.' | b'%' | b'~')
}

fn replacement(value: &str, style: Style) -> Vec<u8> {
    match style {
        Style::Mask => mask(value).into_bytes(),
        Style::Fingerprint => format!("[tkx:{}]", fingerprint(value)).into_bytes(),
    }
}

/// Percent-encoding of everything outside RFC 3986's unreserved characters.
fn url_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Engine {
    /// Builds the engine for `values` (the secrets to mask: values shorter than 8
    /// characters and placeholders are skipped) and the provider formats.
    pub fn new(values: &[Secret], style: Style) -> Engine {
        let mut known: Vec<(Secret, KnownOrigin)> = Vec::new();
        let mut replacements = Vec::new();
        let mut add = |pattern: String, original: &Secret| {
            if !known.iter().any(|(k, _)| k.expose() == pattern) {
                known.push((Secret::new(pattern), KnownOrigin { key: String::new(), origin: String::new() }));
                replacements.push(replacement(original.expose(), style));
            }
        };
        for v in values {
            let raw = v.expose();
            if raw.chars().count() < 8 || is_placeholder(raw) {
                continue;
            }
            add(raw.to_owned(), v);
            let url = url_encode(raw);
            if url != raw {
                add(url, v);
            }
            // Without padding: the padded form contains it, so one pattern masks both
            // (the `=` left behind tells nothing); the URL-safe alphabet only when it differs.
            let standard = base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw);
            let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
            if url_safe != standard {
                add(url_safe, v);
            }
            add(standard, v);
        }
        let patterns: Vec<Vec<u8>> = known.iter().map(|(k, _)| k.expose().as_bytes().to_vec()).collect();
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        Engine { scanner: Scanner::for_redaction(known), replacements, patterns, longest, style }
    }

    /// A fresh stream (one per output stream).
    pub fn stream(&self) -> Stream<'_> {
        Stream { engine: self, context: Vec::new(), pending: Vec::new() }
    }

    /// Redacts a whole buffer at once.
    pub fn redact_all(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut s = self.stream();
        s.push(data, &mut out);
        s.finish(&mut out);
        out
    }

    /// Writes `data[skip..limit]` with every secret starting in that range replaced,
    /// and returns how far it wrote (past `limit` when a secret straddles it). The bytes
    /// before `skip` were written already; they are there so that patterns see what
    /// precedes them (`\b`, "not after a letter").
    fn release(&self, data: &[u8], skip: usize, limit: usize, out: &mut Vec<u8>) -> usize {
        let mut at = skip;
        for h in self.scanner.spans(data) {
            if h.start >= limit {
                break;
            }
            if h.start < at {
                continue;
            }
            out.extend_from_slice(&data[at..h.start]);
            match h.source {
                Source::Known(i) => {
                    out.extend_from_slice(self.replacements.get(i).map_or(&b"********"[..], Vec::as_slice))
                }
                Source::Rule(_) => {
                    let text = String::from_utf8_lossy(&data[h.start..h.end]);
                    out.extend_from_slice(&replacement(&text, self.style));
                }
            }
            at = h.end;
        }
        if at < limit {
            out.extend_from_slice(&data[at..limit]);
            at = limit;
        }
        at
    }
}

/// One output stream's state: the bytes held back because they might still be the
/// start of a secret.
pub struct Stream<'e> {
    engine: &'e Engine,
    /// Already written bytes of the current line (at most [`CONTEXT`]), kept as context.
    context: Vec<u8>,
    pending: Vec<u8>,
}

/// How much of the current line's already-written bytes patterns get to see.
const CONTEXT: usize = 256;

impl Stream<'_> {
    /// Takes a chunk; appends what is final to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        self.pending.extend_from_slice(chunk);
        let len = self.pending.len();
        // Provider formats end at a newline; a known value may span one, so the last
        // `longest - 1` bytes stay unless the data ends exactly at a newline.
        let line_end = memchr::memrchr(b'\n', &self.pending).map_or(0, |i| i + 1);
        let mut limit = if line_end == len {
            len
        } else {
            line_end.min(len.saturating_sub(self.engine.longest.saturating_sub(1)))
        };
        if len - limit > MAX_HELD_LINE {
            limit = len - MAX_RULE_MATCH.max(self.engine.longest);
        }
        self.release(limit, out);
    }

    /// Nothing arrived for a while: release everything except what might be a secret
    /// still being printed — a trailing run of key characters (or a `scheme://user:`
    /// run, the start of a URL with a password), or a trailing part of a known value.
    pub fn idle(&mut self, out: &mut Vec<u8>) {
        let p = &self.pending;
        let run = |extra: &[u8]| p.iter().rev().take_while(|b| is_key_char(**b) || extra.contains(b)).count();
        let mut hold = run(b"");
        let url = run(b":/@");
        if url > hold && memchr::memmem::find(&p[p.len() - url..], b"://").is_some() {
            hold = url;
        }
        for pat in &self.engine.patterns {
            let max = pat.len().saturating_sub(1).min(p.len());
            if let Some(k) = (hold + 1..=max).rev().find(|k| p.ends_with(&pat[..*k])) {
                hold = k;
            }
        }
        let limit = p.len() - hold.min(MAX_RULE_MATCH.max(self.engine.longest));
        self.release(limit, out);
    }

    /// The stream ended: release everything.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let len = self.pending.len();
        self.release(len, out);
    }

    /// Whether bytes are held back.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    fn release(&mut self, limit: usize, out: &mut Vec<u8>) {
        if limit == 0 {
            return;
        }
        let skip = self.context.len();
        let mut data = std::mem::take(&mut self.context);
        data.extend_from_slice(&self.pending);
        let written = self.engine.release(&data, skip, skip + limit, out);
        self.pending.drain(..written - skip);
        let line_start = memchr::memrchr(b'\n', &data[..written]).map_or(0, |i| i + 1);
        let from = line_start.max(written.saturating_sub(CONTEXT));
        self.context = data[from..written].to_vec();
    }
}

/// How long output may sit unreleased before the engine releases what is safe.
pub const IDLE: std::time::Duration = std::time::Duration::from_millis(40);

/// Copies each source to its sink through its own [`Stream`], until every source ends.
/// Each source is read on its own thread, so a quiet stream never blocks a busy one and
/// a pause releases held-back output within [`IDLE`]. Returns the first write error.
pub fn pump(
    engine: &Engine,
    sources: Vec<Box<dyn std::io::Read + Send>>,
    sinks: &mut [&mut dyn std::io::Write],
) -> std::io::Result<()> {
    use std::sync::mpsc;
    let (tx, rx) = mpsc::sync_channel::<(usize, Option<Vec<u8>>)>(16);
    let mut open = sources.len();
    for (i, mut src) in sources.into_iter().enumerate() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                match src.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if tx.send((i, Some(buf[..n].to_vec()))).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = tx.send((i, None));
        });
    }
    drop(tx);
    let mut streams: Vec<Stream> = (0..sinks.len()).map(|_| engine.stream()).collect();
    let mut out = Vec::new();
    let emit = |i: usize, out: &mut Vec<u8>, sinks: &mut [&mut dyn std::io::Write]| -> std::io::Result<()> {
        if !out.is_empty() {
            if let Some(sink) = sinks.get_mut(i) {
                sink.write_all(out)?;
                sink.flush()?;
            }
            out.clear();
        }
        Ok(())
    };
    while open > 0 {
        match rx.recv_timeout(IDLE) {
            Ok((i, Some(chunk))) => {
                if let Some(s) = streams.get_mut(i) {
                    s.push(&chunk, &mut out);
                }
                emit(i, &mut out, sinks)?;
            }
            Ok((i, None)) => {
                if let Some(s) = streams.get_mut(i) {
                    s.finish(&mut out);
                }
                emit(i, &mut out, sinks)?;
                open -= 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                for (i, s) in streams.iter_mut().enumerate() {
                    if s.has_pending() {
                        s.idle(&mut out);
                        emit(i, &mut out, sinks)?;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "corp-internal-7Hq2-Zk9wYYq";

    fn engine() -> Engine {
        Engine::new(&[Secret::new(SECRET), Secret::new("short"), Secret::new("your-key-here")], Style::Mask)
    }

    fn gh() -> String {
        format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")
    }

    #[test]
    fn known_values_and_their_encodings_are_masked() {
        let e = engine();
        let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
        let input = format!("a {SECRET} b\nauth={b64}\nurl=x?t={}\n", url_encode("p@ss word!-123"));
        let out = String::from_utf8(e.redact_all(input.as_bytes())).unwrap();
        // The base64 form is matched without its padding; the `=` it leaves tells nothing.
        let pad = "=".repeat(b64.len() - b64.trim_end_matches('=').len());
        assert_eq!(
            out,
            format!("a {m} b\nauth={m}{pad}\nurl=x?t={}\n", url_encode("p@ss word!-123"), m = mask(SECRET))
        );
        assert!(!out.contains(SECRET) && !out.contains(&b64));
    }

    #[test]
    fn provider_keys_are_masked_without_being_known() {
        let out = String::from_utf8(engine().redact_all(format!("token={}\n", gh()).as_bytes())).unwrap();
        assert_eq!(out, format!("token={}\n", mask(&gh())));
    }

    #[test]
    fn fingerprint_style() {
        let e = Engine::new(&[Secret::new(SECRET)], Style::Fingerprint);
        let out = String::from_utf8(e.redact_all(SECRET.as_bytes())).unwrap();
        assert_eq!(out, format!("[tkx:{}]", fingerprint(SECRET)));
    }

    #[test]
    fn a_secret_split_across_chunks_and_an_idle_pause_is_still_masked() {
        let e = engine();
        let mut s = e.stream();
        let mut out = Vec::new();
        s.push(b"prefix corp-inter", &mut out);
        s.idle(&mut out);
        assert_eq!(out, b"prefix ");
        s.push(b"nal-7Hq2-Zk9wYYq tail\n", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), format!("prefix {} tail\n", mask(SECRET)));
    }

    #[test]
    fn idle_holds_back_a_half_printed_url_password_or_known_value() {
        let e = Engine::new(&[Secret::new("p@ss word:42!")], Style::Mask);
        let mut s = e.stream();
        let mut out = Vec::new();
        s.push(b"Connecting to postgres://app:", &mut out);
        s.idle(&mut out);
        assert_eq!(out, b"Connecting to ");
        s.push(b"Xr4bT9qLm2Vz8Kp1@db/app\n", &mut out);
        s.finish(&mut out);
        assert!(
            !String::from_utf8_lossy(&out).contains("Xr4bT9qLm2Vz8Kp1"),
            "{}",
            String::from_utf8_lossy(&out)
        );
        let mut s = e.stream();
        let mut out = Vec::new();
        s.push(b"pw: p@ss wo", &mut out);
        s.idle(&mut out);
        assert_eq!(out, b"pw: ");
        s.push(b"rd:42! ok", &mut out);
        s.finish(&mut out);
        assert_eq!(out, format!("pw: {} ok", mask("p@ss word:42!")).as_bytes());
    }

    #[test]
    fn a_prompt_without_newline_is_released_when_idle() {
        let e = engine();
        let mut s = e.stream();
        let mut out = Vec::new();
        s.push(b"Continue? [y/N] ", &mut out);
        s.idle(&mut out);
        assert_eq!(out, b"Continue? [y/N] ");
    }

    #[test]
    fn binary_passes_through_unchanged() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        assert_eq!(engine().redact_all(&data), data);
    }

    #[test]
    fn an_endless_line_is_released_with_bounded_memory() {
        let e = engine();
        let mut s = e.stream();
        let mut out = Vec::new();
        for _ in 0..100 {
            s.push(&[b'x'; 10_000], &mut out);
        }
        assert!(s.pending.len() <= MAX_HELD_LINE + 10_000);
        s.finish(&mut out);
        assert_eq!(out.len(), 1_000_000);
    }

    fn shared() -> &'static Engine {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        ENGINE.get_or_init(engine)
    }

    proptest! {
        #[test]
        fn streaming_equals_one_shot(
            filler in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b' '), Just(b'\n'), Just(b'-'), any::<u8>()], 0..300),
            inserts in proptest::collection::vec((0usize..300, 0usize..2), 0..4),
            cuts in proptest::collection::vec(1usize..64, 1..20),
            idles in proptest::collection::vec(any::<bool>(), 20),
        ) {
            let e = shared();
            let mut data = filler.clone();
            for (at, which) in inserts {
                let secret = if which == 0 { SECRET.to_owned() } else { gh() };
                let at = at.min(data.len());
                data.splice(at..at, secret.bytes());
            }
            let whole = e.redact_all(&data);
            let mut s = e.stream();
            let mut out = Vec::new();
            let mut rest: &[u8] = &data;
            for (i, cut) in cuts.iter().cycle().enumerate() {
                if rest.is_empty() { break; }
                let n = (*cut).min(rest.len());
                s.push(&rest[..n], &mut out);
                if idles[i % idles.len()] { s.idle(&mut out); }
                rest = &rest[n..];
            }
            s.finish(&mut out);
            prop_assert_eq!(out, whole);
        }
    }
}
