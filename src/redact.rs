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

use crate::scan::{Group, KnownOrigin, Scanner, Source};
use crate::secret::{Secret, fingerprint, is_placeholder, mask, mask_ends, mask_joined};
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
    /// What the mask of each known pattern's value shows at its ends, by index.
    ends: Vec<(String, String)>,
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
        let mut ends = Vec::new();
        let mut add = |pattern: String, original: &Secret| {
            if !known.iter().any(|(k, _)| k.expose() == pattern) {
                known.push((Secret::new(pattern), KnownOrigin { key: String::new(), origin: String::new() }));
                replacements.push(replacement(original.expose(), style));
                ends.push(mask_ends(original.expose()));
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
        Engine { scanner: Scanner::for_redaction(known), replacements, ends, patterns, longest, style }
    }

    /// A fresh stream (one per output stream).
    pub fn stream(&self) -> Stream<'_> {
        Stream { engine: self, buf: Vec::new(), start: 0, written: 0 }
    }

    /// Redacts a whole buffer at once.
    pub fn redact_all(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut s = self.stream();
        s.push(data, &mut out);
        s.finish(&mut out);
        out
    }

    /// Releases `data[skip..limit]` to `out` with every secret starting in that range
    /// replaced, and returns how far it released (past `limit` when a secret straddles
    /// it). The bytes before `skip` were released already; they are there so that patterns
    /// see what precedes them (`\b`, "not after a letter"). `data` starts at `base` in the
    /// buffer `out`'s text parts refer to.
    /// `beside` runs on this thread while the search starts (see [`Stream::push_beside`]).
    fn release(
        &self,
        data: &[u8],
        base: usize,
        (skip, limit): (usize, usize),
        out: &mut Output,
        beside: &mut dyn FnMut(),
    ) -> usize {
        let mut at = skip;
        for g in self.scanner.spans(data, beside) {
            if g.start >= limit {
                break;
            }
            if g.end <= at {
                continue;
            }
            // A group that reaches back into what was written (a secret glued to one
            // released earlier) is masked from there on: none of it passes.
            let from = g.start.max(at);
            out.text(base + at..base + from);
            out.mask(&self.group_replacement(data, &g, from));
            at = g.end;
        }
        if at < limit {
            out.text(base + at..base + limit);
            at = limit;
        }
        at
    }
}

impl Engine {
    /// What replaces the group's bytes from `from` on. One match alone gets its own
    /// replacement. Matches that overlap or abut are masked as one: the head of the ones
    /// that start it (unless the group started before `from`), stars, and the tail of the
    /// ones that end it, each only as their own masks would show it; as fingerprints, each
    /// match's in turn.
    fn group_replacement(&self, data: &[u8], g: &Group, from: usize) -> Vec<u8> {
        let text = |start: usize, end: usize| String::from_utf8_lossy(&data[start..end]).into_owned();
        let own = |h: &crate::scan::Hit| match h.source {
            Source::Known(i) => self.replacements.get(i).cloned().unwrap_or_else(|| b"********".to_vec()),
            Source::Rule(_) => replacement(&text(h.start, h.end), self.style),
        };
        let ends = |h: &crate::scan::Hit| match h.source {
            Source::Known(i) => self.ends.get(i).cloned().unwrap_or_default(),
            Source::Rule(_) => mask_ends(&text(h.start, h.end)),
        };
        match (g.hits.as_slice(), self.style) {
            ([one], _) if from == g.start => own(one),
            (hits, Style::Fingerprint) => {
                let mut out: Vec<u8> = Vec::new();
                for h in hits.iter().filter(|h| h.end > from) {
                    let r = own(h);
                    if !out.ends_with(&r) {
                        out.extend_from_slice(&r);
                    }
                }
                out
            }
            (hits, Style::Mask) => {
                // An end is shown only when every match at that edge would show the same:
                // a short value glued there shows nothing of itself.
                let agreed = |edge: Vec<String>| match edge.split_first() {
                    Some((first, rest)) if rest.iter().all(|e| e == first) => first.clone(),
                    _ => String::new(),
                };
                let head = if from == g.start {
                    agreed(hits.iter().filter(|h| h.start == g.start).map(|h| ends(h).0).collect())
                } else {
                    String::new()
                };
                let tail = agreed(hits.iter().filter(|h| h.end == g.end).map(|h| ends(h).1).collect());
                mask_joined(&head, &tail).into_bytes()
            }
        }
    }
}

/// One output stream's state: the bytes held back because they might still be the
/// start of a secret.
pub struct Stream<'e> {
    engine: &'e Engine,
    /// From `start` on: already written bytes of the current line (at most [`CONTEXT`]),
    /// kept as context, then the bytes not released yet. Before `start`: bytes done with,
    /// dropped when more is appended, or unused room (a chunk taken whole, see
    /// [`Stream::adopt`]); a buffer handed back keeps its length, so reading into it again
    /// needs no zeroing.
    buf: Vec<u8>,
    start: usize,
    /// How many bytes after `start` are context.
    written: usize,
}

/// How much of the current line's already-written bytes patterns get to see.
const CONTEXT: usize = 256;

impl Stream<'_> {
    /// Takes a chunk; appends what is final to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let mut parts = Output::default();
        self.push_beside(chunk, &mut parts, &mut || {});
        parts.copy_to(&self.buf, out);
    }

    /// [`Stream::push`], running `beside` on this thread once the search has started on
    /// another core (a buffer of a megabyte or more; else before the search): [`pump`]
    /// writes the previous buffer's output there.
    fn push_beside(&mut self, chunk: &[u8], out: &mut Output, beside: &mut dyn FnMut()) {
        self.append(chunk);
        let pending = &self.live()[self.written..];
        let len = pending.len();
        // Provider formats end at a newline; a known value may span one, so the last
        // `longest - 1` bytes stay unless the data ends exactly at a newline.
        let line_end = memchr::memrchr(b'\n', pending).map_or(0, |i| i + 1);
        let mut limit = if line_end == len {
            len
        } else {
            line_end.min(len.saturating_sub(self.engine.longest.saturating_sub(1)))
        };
        if len - limit > MAX_HELD_LINE {
            limit = len - MAX_RULE_MATCH.max(self.engine.longest);
        }
        self.release(limit, out, beside);
    }

    /// Nothing arrived for a while: release everything except what might be a secret
    /// still being printed — a trailing run of key characters (or a `scheme://user:`
    /// run, the start of a URL with a password), or a trailing part of a known value.
    pub fn idle(&mut self, out: &mut Vec<u8>) {
        let mut parts = Output::default();
        self.idle_to(&mut parts);
        parts.copy_to(&self.buf, out);
    }

    /// [`Stream::idle`], releasing to `out`.
    fn idle_to(&mut self, out: &mut Output) {
        let p = &self.live()[self.written..];
        let run = |extra: &[u8]| p.iter().rev().take_while(|b| is_key_char(**b) || extra.contains(b)).count();
        let mut hold = run(b"");
        let url = run(b":/@");
        if url > hold && memchr::memmem::find(&p[p.len() - url..], b"://").is_some() {
            hold = url;
        }
        // A known value may have started in what was already written (glued to a key
        // masked before it): its start is looked for in the written context too, and
        // all of it that is still pending is held.
        let live = self.live();
        let joined = &live[live.len() - self.engine.longest.min(live.len())..];
        for pat in &self.engine.patterns {
            let max = pat.len().saturating_sub(1).min(joined.len());
            if let Some(k) = (1..=max).rev().find(|k| joined.ends_with(&pat[..*k])) {
                hold = hold.max(k.min(p.len()));
            }
        }
        // A key right before what is held may be glued to a known value still arriving
        // (`AKIA…` + `00$…`): until the value is complete, nothing marks the key's end.
        hold += p[..p.len() - hold].iter().rev().take_while(|b| is_key_char(**b)).count();
        let limit = p.len() - hold.min(MAX_RULE_MATCH.max(self.engine.longest));
        self.release(limit, out, &mut || {});
    }

    /// The stream ended: release everything.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let mut parts = Output::default();
        self.finish_to(&mut parts);
        parts.copy_to(&self.buf, out);
    }

    /// [`Stream::finish`], releasing to `out`.
    fn finish_to(&mut self, out: &mut Output) {
        let len = self.live().len() - self.written;
        self.release(len, out, &mut || {});
    }

    /// Takes a chunk without releasing anything yet (more follows at once: see [`pump`]).
    pub fn append(&mut self, chunk: &[u8]) {
        // Bytes done with are dropped once they outweigh what is held: memory stays
        // within twice what is held, and a chunk taken whole is not moved for its room.
        if self.start > 0 && self.start >= self.buf.len() - self.start {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Whether [`Stream::adopt`] takes `chunk` as its buffer (else it appends it to the
    /// one it has).
    fn adopts(&self, chunk: &[u8], room: usize) -> bool {
        self.buf.len() - self.start <= room && chunk.len() >= room
    }

    /// Takes `chunk[room..]` like [`Stream::append`], without copying it where what the
    /// stream holds fits in the `room` bytes before it: those go there, and the chunk
    /// becomes the stream's buffer. Returns the buffer left over, to read into again:
    /// the one it had, or the chunk when it was appended.
    fn adopt(&mut self, mut chunk: Vec<u8>, room: usize) -> Vec<u8> {
        if !self.adopts(&chunk, room) {
            self.append(chunk.get(room..).unwrap_or_default());
            return chunk;
        }
        let held = self.buf.len() - self.start;
        chunk[room - held..room].copy_from_slice(&self.buf[self.start..]);
        self.start = room - held;
        std::mem::replace(&mut self.buf, chunk)
    }

    /// The bytes the stream holds: context, then what is not released yet.
    fn live(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Whether bytes are held back.
    pub fn has_pending(&self) -> bool {
        self.live().len() > self.written
    }

    /// Releases the first `limit` pending bytes (and a secret straddling that point).
    /// `out`'s text parts are in the stream's buffer, which stays as it is until more is
    /// appended or adopted.
    fn release(&mut self, limit: usize, out: &mut Output, beside: &mut dyn FnMut()) {
        if limit == 0 {
            return;
        }
        let skip = self.written;
        let written = self.engine.release(self.live(), self.start, (skip, skip + limit), out, beside);
        let line_start = memchr::memrchr(b'\n', &self.live()[..written]).map_or(0, |i| i + 1);
        let from = line_start.max(written.saturating_sub(CONTEXT));
        self.start += from;
        self.written = written - from;
    }
}

/// What a stream releases, in order: runs of the stream's buffer, passed through as they
/// are (not copied: [`pump`] writes them with the masks in one vectored write), and masks.
#[derive(Default)]
pub struct Output {
    parts: Vec<Part>,
    masks: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Part {
    /// `buf[start..end]` of the buffer the output was released from.
    Text(usize, usize),
    /// `masks[start..end]`.
    Mask(usize, usize),
}

impl Output {
    /// Passes `range` of the stream's buffer through.
    fn text(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some(Part::Text(_, end)) if *end == range.start => *end = range.end,
            _ => self.parts.push(Part::Text(range.start, range.end)),
        }
    }

    /// Puts `bytes` (a mask) out.
    fn mask(&mut self, bytes: &[u8]) {
        let start = self.masks.len();
        self.masks.extend_from_slice(bytes);
        match self.parts.last_mut() {
            Some(Part::Mask(_, end)) if *end == start => *end = self.masks.len(),
            _ if bytes.is_empty() => {}
            _ => self.parts.push(Part::Mask(start, self.masks.len())),
        }
    }

    fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    fn clear(&mut self) {
        self.parts.clear();
        self.masks.clear();
    }

    /// Each part's bytes, text read from `buf`.
    fn slices<'a>(&'a self, buf: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.parts.iter().map(move |p| match *p {
            Part::Text(start, end) => buf.get(start..end).unwrap_or_default(),
            Part::Mask(start, end) => self.masks.get(start..end).unwrap_or_default(),
        })
    }

    /// Appends the bytes to `out`.
    fn copy_to(&self, buf: &[u8], out: &mut Vec<u8>) {
        for s in self.slices(buf) {
            out.extend_from_slice(s);
        }
    }

    /// Writes the bytes to `sink` (vectored writes, as many as it takes) and flushes it.
    fn write_to(&self, buf: &[u8], sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut slices: Vec<std::io::IoSlice> = self.slices(buf).map(std::io::IoSlice::new).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match sink.write_vectored(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => std::io::IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        sink.flush()
    }
}

/// A child's stdout and stderr (those piped) as [`pump`]'s sources, in that order. Each
/// pipe is widened to a megabyte (the most an unprivileged process may ask for; 64 KiB by
/// default): a child that prints fast would wait at every 64 KiB, and each read would
/// bring too little to search on two cores (`tkx exec --redact -- cat` of a 203 MB log:
/// 0.68-0.99 s before, 0.51-0.69 s after).
pub fn child_sources(child: &mut std::process::Child) -> Vec<Box<dyn std::io::Read + Send>> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsFd;
        let pipes = [child.stdout.as_ref().map(|p| p.as_fd()), child.stderr.as_ref().map(|p| p.as_fd())];
        for pipe in pipes.into_iter().flatten() {
            // A pipe left at its size still works: only slower.
            let _ = nix::fcntl::fcntl(pipe, nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20));
        }
    }
    let mut sources: Vec<Box<dyn std::io::Read + Send>> = Vec::new();
    if let Some(o) = child.stdout.take() {
        sources.push(Box::new(o));
    }
    if let Some(e) = child.stderr.take() {
        sources.push(Box::new(e));
    }
    sources
}

/// [`pump`] joins a stream's queued reads into one chunk until it holds this many bytes:
/// a buffer of a megabyte or more is searched on two cores.
const COALESCE: usize = 1 << 20;

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
    // Chunks the main loop is done with go back to their reader, which reads into them
    // again: no buffer is copied or zeroed per read.
    let mut recycled = Vec::new();
    let mut open = sources.len();
    for (i, mut src) in sources.into_iter().enumerate() {
        let tx = tx.clone();
        let (give_back, take_back) = mpsc::channel::<Vec<u8>>();
        recycled.push(give_back);
        std::thread::spawn(move || {
            let mut ended = false;
            while !ended {
                // A chunk is `ROOM` bytes of room, then what was read: reads go on while
                // each fills what it asked for (a file), up to READ bytes; a short read
                // (a pipe with nothing more yet) sends what there is at once.
                let mut buf = take_back.try_recv().unwrap_or_default();
                buf.resize(ROOM + READ, 0);
                let mut filled = ROOM;
                while filled < buf.len() {
                    let asked = buf.len() - filled;
                    match src.read(&mut buf[filled..]) {
                        Ok(0) => {
                            ended = true;
                            break;
                        }
                        Ok(n) => {
                            filled += n;
                            if n < asked {
                                break;
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => {
                            ended = true;
                            break;
                        }
                    }
                }
                buf.truncate(filled);
                if filled > ROOM && tx.send((i, Some(buf))).is_err() {
                    return;
                }
            }
            let _ = tx.send((i, None));
        });
    }
    drop(tx);
    let give_back = |i: usize, chunk: Vec<u8>| {
        if let Some(back) = recycled.get(i) {
            let _ = back.send(chunk);
        }
    };
    let mut streams: Vec<Stream> = (0..sinks.len()).map(|_| engine.stream()).collect();
    let mut out = Output::default();
    // The output of a large chunk, held while more input is queued: it is written while
    // the next chunk is searched on the other core (see `Stream::push_beside`), and before
    // anything else of its stream.
    let mut held = Held { stream: 0, out: Output::default(), buf: None };
    // A message taken from the channel but not yet handled (see below).
    let mut next = None;
    while open > 0 {
        let message = match next.take() {
            Some(message) => Ok(message),
            None => {
                held.emit(sinks, &streams, &give_back)?;
                rx.recv_timeout(IDLE)
            }
        };
        match message {
            Ok((i, Some(chunk))) => {
                if i >= streams.len() {
                    continue;
                }
                // What is held goes out first unless it is this stream's and stays readable:
                // its buffer is taken out whole (adopted), not appended to.
                if held.stream != i || !streams[i].adopts(&chunk, ROOM) {
                    held.emit(sinks, &streams, &give_back)?;
                }
                let s = &mut streams[i];
                // What a fast writer has queued already for this stream joins the chunk
                // (up to COALESCE): a large buffer is searched on two cores. Nothing is
                // waited for, so a slow writer's lines go out as before.
                let mut taken = chunk.len() - ROOM;
                let left_over = s.adopt(chunk, ROOM);
                if held.out.is_empty() {
                    give_back(i, left_over);
                } else {
                    // The held output's text is in the buffer the stream just left.
                    held.buf = Some(left_over);
                }
                while taken < COALESCE {
                    match rx.try_recv() {
                        Ok((j, Some(more))) if j == i => {
                            s.append(&more[ROOM..]);
                            taken += more.len() - ROOM;
                            give_back(i, more);
                        }
                        Ok(other) => {
                            next = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                let mut written = Ok(());
                s.push_beside(&[], &mut out, &mut || {
                    if written.is_ok() {
                        written = held.emit_taken(sinks, &give_back);
                    }
                });
                written?;
                held.emit_taken(sinks, &give_back)?;
                if next.is_none() {
                    next = rx.try_recv().ok();
                }
                if next.is_some() {
                    // More is queued: this output goes out while that is searched.
                    std::mem::swap(&mut held.out, &mut out);
                    held.stream = i;
                } else {
                    emit(sinks, i, &mut out, &streams[i].buf)?;
                }
            }
            Ok((i, None)) => {
                held.emit(sinks, &streams, &give_back)?;
                if let Some(s) = streams.get_mut(i) {
                    s.finish_to(&mut out);
                    emit(sinks, i, &mut out, &s.buf)?;
                }
                open -= 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                for (i, s) in streams.iter_mut().enumerate() {
                    if s.has_pending() {
                        s.idle_to(&mut out);
                        emit(sinks, i, &mut out, &s.buf)?;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    held.emit(sinks, &streams, &give_back)
}

/// [`pump`]'s held output: a stream's, with the buffer its text is in once the stream has
/// taken a new one (`None`: still the stream's own).
struct Held {
    stream: usize,
    out: Output,
    buf: Option<Vec<u8>>,
}

impl Held {
    /// Writes what is held, and gives its buffer back to the stream's reader.
    fn emit(
        &mut self,
        sinks: &mut [&mut dyn std::io::Write],
        streams: &[Stream],
        give_back: &dyn Fn(usize, Vec<u8>),
    ) -> std::io::Result<()> {
        if self.buf.is_none() {
            if let Some(s) = streams.get(self.stream) {
                emit(sinks, self.stream, &mut self.out, &s.buf)?;
            }
            self.out.clear();
            return Ok(());
        }
        self.emit_taken(sinks, give_back)
    }

    /// [`Held::emit`] where the held text is in a buffer its stream has left (or nothing
    /// is held): the stream itself is not needed.
    fn emit_taken(
        &mut self,
        sinks: &mut [&mut dyn std::io::Write],
        give_back: &dyn Fn(usize, Vec<u8>),
    ) -> std::io::Result<()> {
        if let Some(buf) = self.buf.take() {
            let written = emit(sinks, self.stream, &mut self.out, &buf);
            give_back(self.stream, buf);
            return written;
        }
        // Nothing is held here unless its text is the stream's own (a bug): writing it from
        // another buffer would write wrong bytes, so it is dropped only when empty.
        if self.out.is_empty() {
            Ok(())
        } else {
            Err(std::io::Error::other("redaction: held output without its buffer"))
        }
    }
}

/// Most bytes a chunk of [`pump`]'s holds.
const READ: usize = 1 << 20;

/// The room before a chunk's bytes where what the stream holds goes (see
/// [`Stream::adopt`]): a line's context and the tail of a line still arriving.
const ROOM: usize = 16 << 10;

/// Writes `out` (its text in `buf`) to sink `i` (if there is one), flushes it, and
/// empties `out`.
fn emit(
    sinks: &mut [&mut dyn std::io::Write],
    i: usize,
    out: &mut Output,
    buf: &[u8],
) -> std::io::Result<()> {
    if !out.is_empty() {
        if let Some(sink) = sinks.get_mut(i) {
            out.write_to(buf, &mut **sink)?;
        }
        out.clear();
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
    fn allow_markers_never_let_a_secret_through() {
        // They accept a finding in source code; printed, the line is output like any other.
        let e = engine();
        for marker in ["# tkx:allow", "// gitleaks:allow", "# pragma: allowlist secret", "trufflehog:ignore"]
        {
            let input = format!("token={} {marker}\nv={SECRET} {marker}\n", gh());
            let out = String::from_utf8(e.redact_all(input.as_bytes())).unwrap();
            assert_eq!(out, format!("token={} {marker}\nv={} {marker}\n", mask(&gh()), mask(SECRET)));
        }
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
        assert!(s.live().len() - s.written <= MAX_HELD_LINE + 10_000);
        s.finish(&mut out);
        assert_eq!(out.len(), 1_000_000);
    }

    fn shared() -> &'static Engine {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        ENGINE.get_or_init(engine)
    }

    /// Provider keys the engine does not know, of several providers, assembled at run
    /// time so that this file holds no whole fake key.
    fn provider_keys() -> Vec<String> {
        [
            ("sk-proj-", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5Ep2"),
            (
                "sk-ant-api03-",
                "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv2Bn9Mq-AAAA",
            ),
            ("ghp_", "Qr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Rb"),
            ("AKIA", "Z7QW5EP2RY4UT6IO"),
            ("sk_live_", "51Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
            ("xoxb-", "1234567890123-1234567890123-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd"),
            ("AIza", "SyXr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue"),
            ("glpat-", "Yr4bT9qLm2Vz8Kp1Wn6Y"),
        ]
        .iter()
        .map(|(a, b)| format!("{a}{b}"))
        .collect()
    }

    /// What may stand right before or after a secret in a log or a JSON string.
    const ESCAPES: &[&str] =
        &["\x1b[32m", "\x1b[0m", "\\n", "\\t", "%20", "%3D", "\\u001b[1m", "\\x1b[31m", "\\\"", "&"];

    /// One piece of a generated stream.
    #[derive(Clone, Debug)]
    enum Piece {
        /// A provider key, by index.
        Key(usize),
        /// A loaded value, by index.
        Loaded(usize),
        /// An escape, by index into [`ESCAPES`].
        Escape(usize),
        /// Ordinary text between separators.
        Text(String),
    }

    fn piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            (0usize..8).prop_map(Piece::Key),
            (0usize..3).prop_map(Piece::Loaded),
            (0usize..ESCAPES.len()).prop_map(Piece::Escape),
            "[ \n:=\",]([a-z ]{0,12}[ \n:=\",])?".prop_map(Piece::Text),
        ]
    }

    /// Sets of three loaded values, each with its engine: random (a fixed seed), with the
    /// characters that end a provider key's match (`&`, `%`, `=`, `$`, `.`), never
    /// placeholders. Built once: an engine compiles its patterns, which would dominate a
    /// property test that built one per case.
    fn loaded_sets() -> &'static [(Vec<String>, Engine)] {
        static SETS: std::sync::OnceLock<Vec<(Vec<String>, Engine)>> = std::sync::OnceLock::new();
        SETS.get_or_init(|| {
            const ALPHABET: &[u8] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&%=$._+/-";
            let mut seed: u64 = 0x5eed_1234_abcd_0013;
            let mut next = move |n: usize| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((seed >> 33) as usize) % n
            };
            (0..LOADED_SETS)
                .map(|_| {
                    let mut values = Vec::new();
                    while values.len() < 3 {
                        let len = 12 + next(21);
                        let v: String = (0..len).map(|_| ALPHABET[next(ALPHABET.len())] as char).collect();
                        if !is_placeholder(&v) {
                            values.push(v);
                        }
                    }
                    let secrets: Vec<Secret> = values.iter().map(|v| Secret::new(v.as_str())).collect();
                    let engine = Engine::new(&secrets, Style::Mask);
                    (values, engine)
                })
                .collect()
        })
    }

    const LOADED_SETS: usize = 24;

    /// Runs the engine over `data` in the chunks `cuts` gives, going idle where `idles`
    /// says, as a child's output arrives.
    fn stream_through(e: &Engine, data: &[u8], cuts: &[usize], idles: &[bool]) -> Vec<u8> {
        let mut s = e.stream();
        let mut out = Vec::new();
        let mut rest = data;
        for (i, cut) in cuts.iter().cycle().enumerate() {
            if rest.is_empty() {
                break;
            }
            let n = (*cut).min(rest.len());
            s.push(&rest[..n], &mut out);
            if idles[i % idles.len()] {
                s.idle(&mut out);
            }
            rest = &rest[n..];
        }
        s.finish(&mut out);
        out
    }

    /// The first 12-character run of `secret` found in `out`, if any.
    fn surviving_run(out: &[u8], secret: &str) -> Option<String> {
        let chars: Vec<char> = secret.chars().collect();
        let out = String::from_utf8_lossy(out);
        chars.windows(12).map(|w| w.iter().collect::<String>()).find(|run| out.contains(run.as_str()))
    }

    /// Large chunks queued faster than they are searched (each one's output written
    /// while the next is searched, from the buffer the stream has left), a line longer
    /// than a chunk's room (appended, not adopted), and a second stream between them: the
    /// sinks get what one pass over each stream gives, and no secret.
    #[test]
    fn pumped_streams_equal_one_pass_over_each() {
        let e = engine();
        let key = gh();
        let mut big = Vec::new();
        let mut n = 0;
        while big.len() < 6 * COALESCE {
            let line = match n % 5 {
                0 => format!("{n} INFO token={SECRET} ok\n"),
                1 => format!("{n} auth {key}\n"),
                2 => format!("{n} {}{SECRET}\n", "x".repeat(40 * 1024)),
                _ => format!("{n} ordinary text of a log line, nothing to hide here\n"),
            };
            big.extend_from_slice(line.as_bytes());
            n += 1;
        }
        // A long line without a newline at the end, then more after it.
        big.extend_from_slice("y".repeat(3 * ROOM).as_bytes());
        big.extend_from_slice(format!(" {SECRET}\ntail {key}").as_bytes());
        let small = format!("err {SECRET}\n").repeat(1000).into_bytes();
        let sources: Vec<Box<dyn std::io::Read + Send>> =
            vec![Box::new(std::io::Cursor::new(big.clone())), Box::new(std::io::Cursor::new(small.clone()))];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        pump(&e, sources, &mut [&mut out, &mut err]).unwrap();
        assert!(out == e.redact_all(&big), "stdout differs from one pass");
        assert!(err == e.redact_all(&small), "stderr differs from one pass");
        for secret in [SECRET, key.as_str()] {
            assert_eq!(surviving_run(&out, secret), None);
            assert_eq!(surviving_run(&err, secret), None);
        }
    }

    #[test]
    fn a_key_glued_to_a_loaded_value_is_masked_whole() {
        // Issue #13: the key's match ended at `&`, the value's match was dropped as an
        // overlap, and the value's tail after `&` was released.
        let value = "Lm2Vz8&Kp1Wn6Yc3Hd7";
        let e = Engine::new(&[Secret::new(value)], Style::Mask);
        for key in provider_keys() {
            for text in
                [format!("{key}{value}\n"), format!("{value}{key}\n"), format!("x={value}{key}{value}&y")]
            {
                let out = e.redact_all(text.as_bytes());
                for secret in [key.as_str(), value] {
                    assert_eq!(surviving_run(&out, secret), None, "{}", String::from_utf8_lossy(&out));
                }
            }
        }
    }

    #[test]
    fn glued_secrets_show_only_the_outer_ends_of_their_own_masks() {
        let value = "Lm2Vz8&Kp1Wn6Yc3Hd7";
        let e = Engine::new(&[Secret::new(value)], Style::Mask);
        let key = gh();
        let out = String::from_utf8(e.redact_all(format!("t={key}{value} ok\n").as_bytes())).unwrap();
        // The value is short: its own mask shows nothing, so the joined mask ends in stars.
        assert_eq!(out, "t=ghp_********** ok\n");
        let out = String::from_utf8(e.redact_all(format!("t={value}{key} ok\n").as_bytes())).unwrap();
        assert_eq!(out, format!("t={} ok\n", mask_joined("", &mask_ends(&key).1)));
    }

    #[test]
    fn values_that_overlap_are_both_found_and_masked_as_one() {
        let (a, b) = ("Qm7vKc2xLp9W1234", "1234Zt8nRb5yHd3J");
        let e = Engine::new(&[Secret::new(a), Secret::new(b)], Style::Mask);
        // The text holds `a` and, overlapping its end, `b`.
        let out = e.redact_all(b"x Qm7vKc2xLp9W1234Zt8nRb5yHd3J y\n");
        assert_eq!(String::from_utf8(out).unwrap(), "x ******** y\n");
    }

    #[test]
    fn glued_secrets_as_fingerprints_name_each_one() {
        let value = "Lm2Vz8&Kp1Wn6Yc3Hd7";
        let e = Engine::new(&[Secret::new(value)], Style::Fingerprint);
        let key = gh();
        let out = String::from_utf8(e.redact_all(format!("{value}{key}\n").as_bytes())).unwrap();
        assert_eq!(out, format!("[tkx:{}][tkx:{}]\n", fingerprint(value), fingerprint(&key)));
    }

    proptest! {
        /// Issue #13: whatever secrets are glued to (each other, escapes, text) and however
        /// the stream is cut, no secret and no 12-character run of one survives.
        #[test]
        fn no_secret_survives_in_any_company_or_chunking(
            set in 0usize..LOADED_SETS,
            pieces in proptest::collection::vec(piece(), 1..24),
            cuts in proptest::collection::vec(1usize..96, 1..24),
            idles in proptest::collection::vec(any::<bool>(), 24),
        ) {
            let keys = provider_keys();
            let (values, e) = &loaded_sets()[set];
            let mut data = String::new();
            let mut planted: Vec<&str> = Vec::new();
            let mut last_was_key = false;
            for p in &pieces {
                match p {
                    Piece::Key(i) => {
                        // Two unknown keys glued with nothing between them read as one
                        // token no format matches (`AKIA…` + `ghp_…`): not generated.
                        if last_was_key {
                            data.push(' ');
                        }
                        data.push_str(&keys[*i]);
                        planted.push(&keys[*i]);
                    }
                    Piece::Loaded(i) => {
                        data.push_str(&values[*i]);
                        planted.push(&values[*i]);
                    }
                    Piece::Escape(i) => data.push_str(ESCAPES[*i]),
                    Piece::Text(t) => data.push_str(t),
                }
                last_was_key = matches!(p, Piece::Key(_));
            }
            data.push('\n');
            for out in [e.redact_all(data.as_bytes()), stream_through(e, data.as_bytes(), &cuts, &idles)] {
                for secret in &planted {
                    prop_assert_eq!(
                        surviving_run(&out, secret),
                        None,
                        "input {:?}\noutput {:?}",
                        data,
                        String::from_utf8_lossy(&out)
                    );
                }
            }
        }

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
