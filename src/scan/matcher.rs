//! The compiled form of the rules: a literal pre-filter (Aho-Corasick over every rule's
//! keywords) that picks candidate lines, and the regexes run only on those lines; for
//! redaction, one alternation of the rules picks the lines instead (see `Union`).
//! Known values (the user's own secrets) are found in one sampled pass, or
//! by Aho-Corasick where they are too many or too short for it.

use super::lines::LineFinder;
use super::rules::{RULES, Rule};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::{Input, util::syntax};
use std::sync::{Mutex, OnceLock};

/// How far past its first line a multi-line match (a private key block) may reach.
const MULTILINE_WINDOW: usize = 64 * 1024;

/// Buffers at least this long are searched on two cores ([`Matcher::find`]): starting a
/// thread and waking an idle core can take half a millisecond, which a shorter buffer's
/// split would not win back.
const PARALLEL: usize = 1 << 20;

/// Lines longer than this get all their keywords listed in one pass ([`Matcher::every`]).
const LONG_LINE: usize = 4096;

/// The size of the pieces a buffer searched on two cores is cut into (at line ends).
const PIECE: usize = 128 << 10;

/// What matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A rule, by index into [`RULES`].
    Rule(usize),
    /// A known value, by index into the known values.
    Known(usize),
}

/// One match: the secret's byte span and the start of the line it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// What matched.
    pub source: Source,
    /// Start of the secret.
    pub start: usize,
    /// End of the secret.
    pub end: usize,
}

struct Compiled {
    rule: &'static Rule,
    /// Compiled on first use: most files give most rules no candidate line, and
    /// compiling every rule up front would dominate a small scan (a commit hook).
    regex: OnceLock<Regex>,
    /// The pattern without its escape alternatives ([`super::rules::without_escapes`]),
    /// for lines without an escape: most lines, and it finds the same there, faster.
    /// `None` when the pattern has none.
    plain: OnceLock<Option<Regex>>,
}

/// Compiles a built-in pattern. ASCII semantics: keys are ASCII, `\b` must not depend on
/// the bytes before a chunk boundary, and it compiles several times faster.
fn compile(pattern: &str) -> Regex {
    // The rules are constants tested in this crate; a bad pattern is a bug, not input.
    #[allow(clippy::expect_used)]
    build(pattern, regex_automata::meta::Config::new()).expect("the built-in rules compile")
}

/// A pattern over bytes with ASCII semantics (as `regex::bytes` with `unicode(false)`).
fn build(pattern: &str, config: regex_automata::meta::Config) -> Option<Regex> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(config.utf8_empty(false))
        .build(pattern)
        .ok()
}

impl Compiled {
    /// The pattern to run on `hay`: the whole one where an escape may end right before a
    /// key (an ESC, `\` or `%` byte on the line), the plain one elsewhere; and which
    /// (0 the whole, 1 the plain one), for its cache.
    fn regex(&self, hay: &[u8]) -> (&Regex, usize) {
        let plain = self.plain.get_or_init(|| {
            let plain = super::rules::without_escapes(self.rule.regex);
            (plain != self.rule.regex).then(|| compile(&plain))
        });
        match plain {
            Some(plain) if memchr::memchr3(0x1b, b'\\', b'%', hay).is_none() => (plain, 1),
            _ => (self.regex.get_or_init(|| compile(self.rule.regex)), 0),
        }
    }
}

/// The one thread that searches a large buffer beside the calling one, started on first
/// use and kept for the process: redaction searches a buffer per megabyte of output, and
/// a thread started for each ran 7-10 % slower (its start waits for a core; its caches
/// and stack are cold). Searches running at once share it: the caller takes every piece
/// the helper has not, so a busy helper delays no one by more than a piece.
fn helper() -> Option<&'static rayon_core::ThreadPool> {
    static POOL: OnceLock<Option<rayon_core::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| rayon_core::ThreadPoolBuilder::new().num_threads(1).build().ok()).as_ref()
}

/// The rules, compiled once.
pub struct Matcher {
    rules: Vec<Compiled>,
    /// The keyword pre-filters: exact keywords, and case-folded ones for the rules whose
    /// pattern ignores case. Keeping most keywords exact lets the automaton skip ahead
    /// on ordinary text instead of stepping through every byte.
    prefilters: Vec<Prefilter>,
    /// Every keyword of the pre-filters in one automaton, with the rules that use each:
    /// a long line (minified code, a recorded HTTP exchange) holds keywords of most
    /// groups, and listing them group by group would read it once per group.
    every: Option<(AhoCorasick, Vec<Vec<usize>>)>,
    /// Rules limited to particular files ([`Rule::applies_to`]): run on every line of
    /// those files.
    file_rules: Vec<usize>,
    /// Redaction: the line finder for most rules, in place of their keyword passes.
    union: Option<Union>,
    known: Known,
    /// The longest known value's length.
    known_longest: usize,
    /// The keywords of the multi-line rules (any case): a match may take more lines than
    /// the one it starts on where one of them stands.
    multiline_keywords: Option<AhoCorasick>,
    /// Whether a known value holds a newline (so a match of it takes two lines or more).
    known_spans_lines: bool,
    /// The regexes' caches, a set per search running at once ([`Caches`]).
    caches: Mutex<Vec<Caches>>,
}

/// One search's scratch space for every regex of a [`Matcher`]: the lazily built automata
/// of the regex engine live there. A search takes a set from the matcher for its whole
/// pass and puts it back, so what was built serves the next search on whatever thread
/// (a cache per thread would be built again for every thread a large buffer is split to).
#[derive(Default)]
struct Caches {
    union: Option<Cache>,
    /// The union's line finder's.
    union_lines: Option<regex_automata::hybrid::dfa::Cache>,
    /// By keyword pre-filter.
    skips: Vec<Option<Cache>>,
    /// By rule, the whole pattern's and the plain one's.
    rules: Vec<[Option<(Cache, Captures)>; 2]>,
}

/// `regex`'s cache in `slot`, made on first use.
fn cache<'c>(slot: &'c mut Option<Cache>, regex: &Regex) -> &'c mut Cache {
    slot.get_or_insert_with(|| regex.create_cache())
}

/// Redaction's line finder: the rules that run on every kind of text (no file name, one
/// line each) as one regex, their alternation. Redaction reads mostly ordinary text, and
/// the keyword passes (one per 16 keywords) would each read all of it, and then run every
/// rule of a keyword on every line holding it (`sk-` is in `task-`, `://` in every URL).
/// One pass of the alternation finds the few lines where any of these rules can match;
/// there the rules whose keywords the line holds run as before. A rule that matches on a
/// line alone matches at the same place in the whole text (`(?m)`: a line's edges are
/// `^` and `$`, and `\n` is no word character for `\b`), so the alternation, searched
/// from the line's start, finds a match starting on that line: the hits are the same.
/// The alternation only picks lines, so its counted repetitions are relaxed
/// (`{20,}` → `+`), which keeps its automaton small; it matches more, never less. The
/// rules that start at a key's left edge share it (`KEY_START(?:a|b|…)`), which keeps
/// the automaton's states small. A rule it cannot hold whole (see [`Union::fits`]) is
/// there as its keywords, so no keyword pass reads the text besides. The lines are found
/// by [`LineFinder`], four stretches of the text at once; the regex searches what it
/// leaves.
struct Union {
    regex: Regex,
    finder: Option<LineFinder>,
    /// The keywords of the rules it covers, with the rules that use each, to pick those
    /// rules on a line it finds.
    keywords: AhoCorasick,
    owners: Vec<Vec<usize>>,
}

/// One keyword automaton in two forms: a leftmost one, whose search can use SIMD
/// (Teddy) to skip ordinary text, to find the next line holding any keyword; and an
/// overlapping one, run on that line only, to list every keyword it holds.
struct Prefilter {
    skip: Regex,
    all: AhoCorasick,
    /// Keyword pattern id → the rules that use that keyword.
    owners: Vec<Vec<usize>>,
}

/// Most known values searched by SIMD searchers (64 each); more go into one table (or,
/// when some are shorter than [`PREFIX`], one automaton).
const MAX_PACKED: usize = 4 * 64;

/// How many leading bytes of a known value [`Prefixed`] looks it up by.
const PREFIX: usize = 8;

/// Known values by their first [`PREFIX`] bytes.
struct Prefixed {
    /// Value indexes by prefix, longest value first.
    by_prefix: std::collections::HashMap<u64, Vec<u32>, std::hash::BuildHasherDefault<PrefixHasher>>,
    values: Vec<Vec<u8>>,
}

impl Prefixed {
    fn new(values: &[KnownValue]) -> Prefixed {
        let values: Vec<Vec<u8>> = values.to_vec();
        let mut by_prefix: std::collections::HashMap<u64, Vec<u32>, _> = Default::default();
        for (i, v) in values.iter().enumerate() {
            by_prefix.entry(prefix(v)).or_insert_with(Vec::new).push(i as u32);
        }
        for ids in by_prefix.values_mut() {
            ids.sort_by_key(|i| std::cmp::Reverse(values[*i as usize].len()));
        }
        Prefixed { by_prefix, values }
    }

    /// At every position in `starts`, the longest value that starts there (what the
    /// automaton search restarted after each match start finds).
    fn find_all(&self, data: &[u8], starts: std::ops::Range<usize>, hits: &mut Vec<Hit>) {
        for start in starts.start..starts.end.min(data.len().saturating_sub(PREFIX - 1)) {
            let Some(ids) = self.by_prefix.get(&prefix(&data[start..])) else { continue };
            if let Some(&id) = ids.iter().find(|i| data[start..].starts_with(&self.values[**i as usize])) {
                let end = start + self.values[id as usize].len();
                hits.push(Hit { source: Source::Known(id as usize), start, end });
            }
        }
    }
}

/// The first [`PREFIX`] bytes of `b` (which has at least that many) as a number.
fn prefix(b: &[u8]) -> u64 {
    let mut word = [0u8; PREFIX];
    word.copy_from_slice(&b[..PREFIX]);
    u64::from_le_bytes(word)
}

/// Most known values [`Sampled`] takes; more go into one table by their first bytes.
const MAX_SAMPLED: usize = 4096;

/// Known values of at least [`PREFIX`] bytes, found by sampling the text: every value
/// is at least `shortest` bytes long, so each occurrence covers the `window`-byte
/// windows at `step` consecutive positions (`step <= shortest - window + 1`), one of
/// which is a multiple of `step`. Only those positions are looked up, among the windows
/// each value has at its first `step` offsets; a hit is then checked in full. Ordinary
/// text is read one lookup every `step` bytes, in one pass whatever the number of values.
struct Sampled {
    window: usize,
    step: usize,
    /// One bit per hash of the windows in the table: most positions stop there.
    filter: Vec<u64>,
    filter_bits: u32,
    /// Window → the values that have it, and at which offset.
    table: std::collections::HashMap<u64, Vec<(u32, u32)>, std::hash::BuildHasherDefault<PrefixHasher>>,
    values: Vec<Vec<u8>>,
}

impl Sampled {
    fn new(values: &[KnownValue]) -> Sampled {
        let shortest = values.iter().map(Vec::len).min().unwrap_or(PREFIX).max(PREFIX);
        let window = if shortest >= 16 { 8 } else { 4 };
        let step = (shortest - window + 1).min(16);
        let mut table: std::collections::HashMap<u64, Vec<(u32, u32)>, _> = Default::default();
        for (i, v) in values.iter().enumerate() {
            for offset in 0..step {
                let entry = table.entry(word(&v[offset..], window)).or_insert_with(Vec::new);
                if !entry.contains(&(i as u32, offset as u32)) {
                    entry.push((i as u32, offset as u32));
                }
            }
        }
        let filter_bits = (table.len() * 16).next_power_of_two().max(1 << 16).trailing_zeros();
        let mut filter = vec![0u64; (1usize << filter_bits) / 64];
        for w in table.keys() {
            let h = bucket(*w, filter_bits);
            filter[h / 64] |= 1 << (h % 64);
        }
        Sampled { window, step, filter, filter_bits, table, values: values.to_vec() }
    }

    /// At every position in `starts`, the longest value that starts there (what the
    /// automaton search restarted after each match start finds).
    fn find_all(&self, data: &[u8], starts: std::ops::Range<usize>, hits: &mut Vec<Hit>) {
        let Some(last) = data.len().checked_sub(self.window) else { return };
        // A value starting at `s` is looked up at the one position of the grid in
        // `s..s + step`: the grid starts at the first start and goes a step past the last.
        let last = last.min(starts.end + self.step - 1);
        let mut found: Vec<(usize, u32)> = Vec::new();
        let mut p = starts.start;
        while p <= last {
            let w = word(&data[p..], self.window);
            let h = bucket(w, self.filter_bits);
            if self.filter[h / 64] & (1 << (h % 64)) != 0 {
                for &(id, offset) in self.table.get(&w).map_or(&[][..], Vec::as_slice) {
                    let Some(start) = p.checked_sub(offset as usize) else { continue };
                    if starts.contains(&start) && data[start..].starts_with(&self.values[id as usize]) {
                        found.push((start, id));
                    }
                }
            }
            p += self.step;
        }
        // A value longer than the shortest may be found from several positions.
        found.sort_unstable_by_key(|(start, id)| {
            (*start, std::cmp::Reverse(self.values[*id as usize].len()), *id)
        });
        let mut last_start = None;
        for (start, id) in found {
            if last_start != Some(start) {
                last_start = Some(start);
                hits.push(Hit {
                    source: Source::Known(id as usize),
                    start,
                    end: start + self.values[id as usize].len(),
                });
            }
        }
    }
}

/// The `n` (4 or 8) bytes at the start of `b` as a number.
/// (One load: copying `n` bytes into an array was a call to `memcpy` per lookup.)
fn word(b: &[u8], n: usize) -> u64 {
    if n == 8 {
        b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w))
    } else {
        b.first_chunk::<4>().map_or(0, |w| u64::from(u32::from_le_bytes(*w)))
    }
}

/// A window's bit in a filter of `2^bits` bits.
fn bucket(w: u64, bits: u32) -> usize {
    (w.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

/// A hasher for [`prefix`] numbers: one multiplication spreads their bytes.
#[derive(Default)]
struct PrefixHasher(u64);

impl std::hash::Hasher for PrefixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The known values' searchers: the sampled table for all but very many or very short
/// values; else up to 64 patterns per SIMD (Teddy) searcher, which skips ordinary text
/// many times faster than an automaton stepping through every byte (values tend to start
/// with common letters), or an automaton where SIMD is not available.
enum Known {
    None,
    /// Many values, all of at least [`PREFIX`] bytes: looked up by their first bytes at
    /// every position, which stays linear to build and to search however many there are.
    Hashed(Prefixed),
    /// Up to [`MAX_SAMPLED`] values, all of at least [`PREFIX`] bytes: one sampled pass.
    Sampled(Sampled),
    Packed(Vec<(aho_corasick::packed::Searcher, usize)>),
    Automaton(AhoCorasick),
}

/// Which rules a matcher runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSet {
    /// Every rule (scanning).
    All,
    /// Provider formats only, no file-specific or generic rules (redaction).
    Providers,
    /// None: known values only (`--value-of`).
    None,
}

/// A user's value to find verbatim.
pub type KnownValue = Vec<u8>;

/// The keyword pre-filters for `keywords`, whose rules are `owners` (by keyword).
fn keyword_prefilters(keywords: &[String], owners: &[Vec<usize>]) -> Vec<Prefilter> {
    // Teddy, the SIMD search behind a literal alternation, is fastest with few literals
    // (16 or fewer use its narrow masks, with few false candidates); 64 literals run at a
    // third of the speed. So the keywords are searched in groups of 16: more passes,
    // each much cheaper (measured on the python3 standard library: 37 ms against 41 ms
    // in groups of 64 and 51 ms in groups of 32, with 143 keywords).
    let mut prefilters = Vec::new();
    for (words, owners) in keywords.chunks(16).zip(owners.chunks(16)) {
        let alternation: Vec<String> = words.iter().map(|k| regex::escape(k)).collect();
        // The keywords are constants; a pattern or automaton that does not build is a bug.
        #[allow(clippy::expect_used)]
        let skip = compile(&alternation.join("|"));
        #[allow(clippy::expect_used)]
        let all = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(words)
            .expect("the built-in keywords build an automaton");
        prefilters.push(Prefilter { skip, all, owners: owners.to_vec() });
    }
    prefilters
}

/// `pattern` with each counted repetition relaxed: `{0,n}` → `*`, `{m,n}`, `{m,}` and
/// `{m}` → `+`. What the result matches is a superset of what `pattern` matches.
fn relax(pattern: &str) -> String {
    static COUNTED: OnceLock<Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let counted = COUNTED.get_or_init(|| compile(r"(?:^|[^\\])(?:\\\\)*\{[0-9]+(?:,[0-9]*)?\}"));
    let mut out = Vec::with_capacity(pattern.len());
    let mut at = 0;
    for m in counted.find_iter(pattern.as_bytes()) {
        let brace = m.start() + pattern[m.start()..m.end()].find('{').unwrap_or(0);
        out.extend_from_slice(&pattern.as_bytes()[at..brace]);
        out.push(if pattern[brace..].starts_with("{0") { b'*' } else { b'+' });
        at = m.end();
    }
    out.extend_from_slice(&pattern.as_bytes()[at..]);
    String::from_utf8_lossy(&out).into_owned()
}

impl Union {
    /// The alternation of the rules that run on one line of any file, with the keywords
    /// that pick them; `None` when it does not compile within the size limits (the
    /// keyword passes then run for every rule, as in a scan).
    fn new(rules: &[Compiled], keywords: &[String], owners: &[Vec<usize>]) -> Option<Union> {
        let mut wanted: Vec<usize> =
            owners.iter().flatten().copied().filter(|r| Self::covers(rules[*r].rule)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return None;
        }
        // Each rule as written (escapes included), without its group names (an
        // alternation may not repeat one); those that start at a key's left edge after it.
        let mut alternation: Vec<String> = Vec::new();
        let mut after_key_start: Vec<String> = Vec::new();
        for r in &wanted {
            if !Self::fits(rules[*r].rule) {
                // Its keywords stand for it: every match holds one.
                let words = keywords.iter().zip(owners).filter(|(_, o)| o.contains(r));
                alternation.extend(words.map(|(k, _)| regex::escape(k)));
                continue;
            }
            let plain = rules[*r].rule.regex.replace("(?P<secret>", "(?:").replace("(?P<s2>", "(?:");
            match plain.strip_prefix(super::rules::KEY_START) {
                Some(rest) => after_key_start.push(format!("(?:{rest})")),
                None => alternation.push(format!("(?:{plain})")),
            }
        }
        if !after_key_start.is_empty() {
            alternation.insert(0, format!("{}(?:{})", super::rules::KEY_START, after_key_start.join("|")));
        }
        let pattern = relax(&format!("(?m){}", alternation.join("|")));
        let config = regex_automata::meta::Config::new()
            .nfa_size_limit(Some(64 << 20))
            .hybrid_cache_capacity(16 << 20);
        let regex = build(&pattern, config)?;
        let (words, owners): (Vec<String>, Vec<Vec<usize>>) = keywords
            .iter()
            .zip(owners)
            .filter_map(|(k, o)| {
                let mine: Vec<usize> = o.iter().copied().filter(|r| wanted.contains(r)).collect();
                (!mine.is_empty()).then(|| (k.clone(), mine))
            })
            .unzip();
        // The keywords are constants; an automaton that does not build is a bug.
        #[allow(clippy::expect_used)]
        let keywords = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .expect("the built-in keywords build an automaton");
        Some(Union { regex, finder: LineFinder::new(&pattern), keywords, owners })
    }

    /// Rules whose lines the alternation finds: those of any file. A rule that does not
    /// [`Union::fits`] is found by its keywords there (a multi-line rule on the line where
    /// its match starts).
    fn covers(rule: &Rule) -> bool {
        rule.files.is_empty()
    }

    /// Rules the alternation holds whole: one line, any file, and a match that starts where
    /// its text is particular. A key whose match starts with a run of a class before its
    /// literal (`[A-Za-z0-9]{52}JQQJ9…`) stays out: relaxed to `+`, that run could start at
    /// any letter or digit, and the automaton would carry it through all ordinary text
    /// (redaction ran measurably slower with one such rule in). Its keywords stand for it.
    fn fits(rule: &Rule) -> bool {
        let pattern = rule.regex.strip_prefix(super::rules::KEY_START).unwrap_or(rule.regex);
        let class_run =
            pattern.strip_prefix("(?P<secret>[").and_then(|rest| rest.split_once(']')).is_some_and(
                |(_, after)| after.starts_with('{') || after.starts_with('+') || after.starts_with('*'),
            );
        !rule.multiline && rule.files.is_empty() && !class_run
    }

    /// The candidate (line start, rule) pairs among the lines of `data` that start in
    /// `lines` (whose end is a line's start, or the end of `data`): the lines where the
    /// alternation matches, each with the rules whose keywords it holds.
    fn candidates(
        &self,
        data: &[u8],
        lines: std::ops::Range<usize>,
        caches: &mut Caches,
        candidates: &mut Vec<(usize, usize)>,
    ) {
        // Searched up to the end of the range only: the text after it is another part's.
        let hay = &data[..lines.end];
        let mut found = Vec::new();
        let left = match &self.finder {
            Some(finder) => {
                let cache = caches.union_lines.get_or_insert_with(|| finder.create_cache());
                finder.lines(cache, hay, lines.start, &mut found)
            }
            None => vec![lines],
        };
        let cache = cache(&mut caches.union, &self.regex);
        for rest in left {
            found.extend(lines_matching(&self.regex, cache, &hay[..rest.end], rest.start));
        }
        for line in found {
            list_keywords(&self.keywords, &self.owners, hay, line, candidates);
        }
    }
}

/// The lines of `hay` from `from` on where `regex` matches, each once, as (start, end:
/// the newline's offset or the end of `hay`). The search sees the bytes before `from`
/// (`\b`, `^`).
fn lines_matching<'a>(
    regex: &'a Regex,
    cache: &'a mut Cache,
    hay: &'a [u8],
    from: usize,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= hay.len() {
            return None;
        }
        let m = regex.search_with(cache, &Input::new(hay).range(pos..))?;
        let (start, end) = super::lines::line_of(hay, m.start());
        pos = end + 1;
        Some((start, end))
    })
}

/// A (line start, rule) candidate for each rule whose keyword (`all`, by pattern:
/// `owners`) stands on the line `hay[start..end]`.
fn list_keywords(
    all: &AhoCorasick,
    owners: &[Vec<usize>],
    hay: &[u8],
    (start, end): (usize, usize),
    candidates: &mut Vec<(usize, usize)>,
) {
    for k in all.find_overlapping_iter(&hay[start..end]) {
        for &rule in &owners[k.pattern().as_usize()] {
            candidates.push((start, rule));
        }
    }
}

impl Matcher {
    /// Compiles the rules `which` selects and the known values.
    pub fn new(known: &[KnownValue], which: RuleSet) -> Matcher {
        let mut rules = Vec::with_capacity(RULES.len());
        // Keyword → the rules that use it. A rule whose pattern ignores case gets its
        // keywords as written and in the spellings that occur: `key`, `KEY`, `Key` (as in
        // `apiKey`). Exact keywords let SIMD (Teddy) skip ordinary text; case folding
        // would not.
        let mut keywords: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut file_rules = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            let wanted = match which {
                RuleSet::All => true,
                RuleSet::Providers => rule.kind != super::rules::Kind::Generic && rule.files.is_empty(),
                RuleSet::None => false,
            };
            // Indices stay aligned with RULES; a rule that is not wanted gets no keywords
            // and so never runs.
            rules.push(Compiled { rule, regex: OnceLock::new(), plain: OnceLock::new() });
            if !wanted {
                continue;
            }
            if !rule.files.is_empty() {
                file_rules.push(i);
                continue;
            }
            let folded = rule.regex.starts_with("(?i)");
            for k in rule.keywords {
                let mut spellings = vec![(*k).to_owned()];
                if folded {
                    let mut capital = k.to_ascii_lowercase();
                    if let Some(first) = capital.get_mut(..1) {
                        first.make_ascii_uppercase();
                    }
                    spellings.extend([k.to_ascii_lowercase(), k.to_ascii_uppercase(), capital]);
                }
                for word in spellings {
                    match keywords.iter().position(|x| *x == word) {
                        Some(at) if owners[at].contains(&i) => {}
                        Some(at) => owners[at].push(i),
                        None => {
                            keywords.push(word);
                            owners.push(vec![i]);
                        }
                    }
                }
            }
        }
        let union = if which == RuleSet::Providers { Union::new(&rules, &keywords, &owners) } else { None };
        let (keywords, owners): (Vec<String>, Vec<Vec<usize>>) = match &union {
            // The rules it covers leave the keyword passes.
            Some(_) => keywords
                .into_iter()
                .zip(owners)
                .filter_map(|(k, o)| {
                    let rest: Vec<usize> = o.into_iter().filter(|r| !Union::covers(rules[*r].rule)).collect();
                    (!rest.is_empty()).then_some((k, rest))
                })
                .unzip(),
            None => (keywords, owners),
        };
        let prefilters = keyword_prefilters(&keywords, &owners);
        let every = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&keywords)
            .ok()
            .map(|ac| (ac, owners));
        let known_longest = known.iter().map(Vec::len).max().unwrap_or(0);
        let multiline = rules.iter().filter(|c| c.rule.multiline);
        let multiline_keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(multiline.flat_map(|c| c.rule.keywords))
            .ok()
            .filter(|ac| ac.patterns_len() > 0);
        let known_spans_lines = known.iter().any(|v| v.contains(&b'\n'));
        let known = Self::known_searcher(known);
        Matcher {
            rules,
            prefilters,
            every,
            file_rules,
            union,
            known,
            known_longest,
            multiline_keywords,
            known_spans_lines,
            caches: Mutex::new(Vec::new()),
        }
    }

    /// Whether a match in `data` may take lines that follow it: a multi-line rule's
    /// keyword occurs there, or a known value holds a newline. When not, every match
    /// [`Matcher::find`] makes lies on the line it starts on.
    pub fn may_span_lines(&self, data: &[u8]) -> bool {
        self.known_spans_lines || self.multiline_keywords.as_ref().is_some_and(|ac| ac.is_match(data))
    }

    fn known_searcher(values: &[KnownValue]) -> Known {
        if values.is_empty() {
            return Known::None;
        }
        if values.len() <= MAX_SAMPLED && values.iter().all(|v| v.len() >= PREFIX) {
            return Known::Sampled(Sampled::new(values));
        }
        if values.len() > MAX_PACKED && values.iter().all(|v| v.len() >= PREFIX) {
            // Each SIMD searcher reads the whole text, and an automaton of 100,000 values
            // takes a second to build: a table of their first bytes costs neither.
            return Known::Hashed(Prefixed::new(values));
        }
        if values.len() > MAX_PACKED {
            // Each SIMD searcher reads the whole text: past a few, one automaton is
            // faster, and the cost stays linear in the number of values.
            return AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(values)
                .map_or(Known::None, Known::Automaton);
        }
        let mut packed = Vec::new();
        for (n, chunk) in values.chunks(64).enumerate() {
            let mut config = aho_corasick::packed::Config::new();
            config.match_kind(aho_corasick::packed::MatchKind::LeftmostLongest);
            match config.builder().extend(chunk).build() {
                Some(searcher) => packed.push((searcher, n * 64)),
                None => {
                    packed.clear();
                    break;
                }
            }
        }
        if !packed.is_empty() {
            return Known::Packed(packed);
        }
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(values)
            .map_or(Known::None, Known::Automaton)
    }

    /// The rule behind an index.
    pub fn rule(&self, i: usize) -> &'static Rule {
        self.rules[i].rule
    }

    /// Every match in `data`, the file at `path` (`/`-separated, as reported; its name
    /// and directories pick the rules limited to some files), unfiltered and unsorted.
    pub fn find(&self, data: &[u8], path: &str) -> Vec<Hit> {
        self.find_beside(data, path, &mut || {}, &|hits| hits)
    }

    /// [`Matcher::find`], running `beside` on this thread first: on a buffer searched on
    /// two cores, the other core starts searching meanwhile (redaction writes the previous
    /// buffer's output there). `refine` takes the hits of each piece of the buffer (whole
    /// lines), on the core that found them, and returns what to keep of them.
    pub fn find_beside(
        &self,
        data: &[u8],
        path: &str,
        beside: &mut dyn FnMut(),
        refine: &(dyn Fn(Vec<Hit>) -> Vec<Hit> + Sync),
    ) -> Vec<Hit> {
        let piece = |lines: std::ops::Range<usize>| {
            let mut hits = self.find_known(data, lines.clone());
            hits.extend(self.find_rules(data, path, lines));
            refine(hits)
        };
        if data.len() < PARALLEL {
            beside();
            return piece(0..data.len());
        }
        // A large buffer (redaction joins what a fast writer has queued; a large file) is
        // read on two cores. It is cut at line ends into pieces that this thread and the
        // helper take in turn, so that neither waits for the other when one core is slower
        // (shared with another process). Rules see their own line (and a multi-line rule
        // the text after it), and known values the text after their start, whichever piece
        // it is in, so the hits are the same.
        let mut cuts = vec![0];
        while let Some(&last) = cuts.last() {
            if last >= data.len() {
                break;
            }
            let at = (last + PIECE).min(data.len());
            cuts.push(memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i + 1));
        }
        // Task k is the k-th piece.
        let next = std::sync::atomic::AtomicUsize::new(1);
        let work = || {
            let mut hits = Vec::new();
            loop {
                match next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) {
                    k if k < cuts.len() => hits.extend(piece(cuts[k - 1]..cuts[k])),
                    _ => return hits,
                }
            }
        };
        let Some(pool) = helper() else {
            beside();
            return work();
        };
        // A panic on the helper is a bug: it goes on here once the scope ends.
        let mut more = Vec::new();
        let mut hits = pool.in_place_scope(|s| {
            s.spawn(|_| more = work());
            beside();
            work()
        });
        hits.extend(more);
        hits
    }

    /// The rules' matches on the lines of `data` that start in `lines` (which ends at a
    /// line's start or at the end of `data`).
    fn find_rules(&self, data: &[u8], path: &str, lines: std::ops::Range<usize>) -> Vec<Hit> {
        // A set of caches for this pass: one left by an earlier search, or a new one.
        let mut caches = self.caches.lock().ok().and_then(|mut free| free.pop()).unwrap_or_default();
        let hits = self.find_rules_with(&mut caches, data, path, lines);
        if let Ok(mut free) = self.caches.lock() {
            free.push(caches);
        }
        hits
    }

    fn find_rules_with(
        &self,
        caches: &mut Caches,
        data: &[u8],
        path: &str,
        lines: std::ops::Range<usize>,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Candidate lines: (line start, rule index), from the keyword pre-filter. A plain
        // search (which can skip ahead on rare bytes) finds the next line holding any
        // keyword; only that line is then searched for every keyword it holds.
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        if let Some(union) = &self.union {
            union.candidates(data, lines.clone(), caches, &mut candidates);
        }
        let hay = &data[..lines.end];
        caches.skips.resize_with(self.prefilters.len(), || None);
        // Long lines whose keywords were all listed at once (see `every`).
        let mut listed: std::collections::HashSet<usize> = std::collections::HashSet::new();
        for (Prefilter { skip, all, owners }, slot) in self.prefilters.iter().zip(&mut caches.skips) {
            for line in lines_matching(skip, cache(slot, skip), hay, lines.start) {
                match &self.every {
                    Some((every, owners)) if line.1 - line.0 > LONG_LINE => {
                        if listed.insert(line.0) {
                            list_keywords(every, owners, hay, line, &mut candidates);
                        }
                    }
                    _ => list_keywords(all, owners, hay, line, &mut candidates),
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        caches.rules.resize_with(self.rules.len(), Default::default);
        for (line_start, rule) in candidates {
            self.run_rule(rule, data, line_start, &mut caches.rules[rule], &mut hits);
        }
        for &rule in &self.file_rules {
            if self.rules[rule].rule.applies_to(path) {
                let mut line_start = lines.start;
                while line_start < lines.end {
                    self.run_rule(rule, data, line_start, &mut caches.rules[rule], &mut hits);
                    line_start =
                        memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |i| line_start + i + 1);
                }
            }
        }
        hits
    }

    /// The rules' matches in `data[range]` alone, as if it were the whole text: its edges
    /// count as the start and end of the text (`\b`, `^`, `$`). Offsets are in `data`.
    /// Redaction asks this of the text beside a known value, so that a key glued to one
    /// (`…value` + `sk-proj-…`) is found although no word boundary separates them.
    pub fn find_rules_in(&self, data: &[u8], range: std::ops::Range<usize>) -> Vec<Hit> {
        let Some(part) = data.get(range.clone()) else { return Vec::new() };
        let mut hits = self.find_rules(part, "", 0..part.len());
        for h in &mut hits {
            h.start += range.start;
            h.end += range.start;
        }
        hits
    }

    /// Every occurrence of a known value that starts in `starts`, overlapping ones
    /// included: after a match the search goes on from the byte after its start, so a
    /// value whose start overlaps the end of another (`…1234` and `1234…`) is found too.
    /// Matches are rare, so the restarts cost nothing on ordinary text.
    fn find_known(&self, data: &[u8], starts: std::ops::Range<usize>) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Where a value starting in `starts` can end.
        let reach = starts.end.saturating_add(self.known_longest).min(data.len());
        match &self.known {
            Known::None => {}
            Known::Automaton(ac) => {
                let mut at = starts.start;
                while let Some(m) = ac.find(aho_corasick::Input::new(data).range(at..reach)) {
                    if m.start() >= starts.end {
                        break;
                    }
                    hits.push(Hit {
                        source: Source::Known(m.pattern().as_usize()),
                        start: m.start(),
                        end: m.end(),
                    });
                    at = m.start() + 1;
                }
            }
            Known::Hashed(table) => table.find_all(data, starts, &mut hits),
            Known::Sampled(table) => table.find_all(data, starts, &mut hits),
            Known::Packed(searchers) => {
                for (searcher, base) in searchers {
                    let mut at = starts.start;
                    while let Some(m) = searcher.find_in(data, aho_corasick::Span::from(at..reach)) {
                        if m.start() >= starts.end {
                            break;
                        }
                        let source = Source::Known(base + m.pattern().as_usize());
                        hits.push(Hit { source, start: m.start(), end: m.end() });
                        at = m.start() + 1;
                    }
                }
            }
        }
        hits
    }

    /// Whether any known values are searched for.
    pub fn has_known(&self) -> bool {
        !matches!(self.known, Known::None)
    }

    fn run_rule(
        &self,
        rule: usize,
        data: &[u8],
        line_start: usize,
        caches: &mut [Option<(Cache, Captures)>; 2],
        hits: &mut Vec<Hit>,
    ) {
        let compiled = &self.rules[rule];
        let line_end = memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |i| line_start + i);
        let end =
            if compiled.rule.multiline { data.len().min(line_start + MULTILINE_WINDOW) } else { line_end };
        let hay = &data[line_start..end];
        let (regex, which) = compiled.regex(hay);
        let (cache, caps) =
            caches[which].get_or_insert_with(|| (regex.create_cache(), regex.create_captures()));
        let mut pos = 0;
        while pos <= hay.len() {
            regex.search_captures_with(cache, &Input::new(hay).range(pos..), caps);
            let Some(m) = caps
                .get_group_by_name("secret")
                .or_else(|| caps.get_group_by_name("s2"))
                .or_else(|| caps.get_match().map(|m| m.span()))
            else {
                break;
            };
            // A multi-line match must start on this line; later lines are their own candidates.
            if line_start + m.start > line_end {
                break;
            }
            hits.push(Hit {
                source: Source::Rule(rule),
                start: line_start + m.start,
                end: line_start + m.end,
            });
            // Search on from the secret's end, not the match's: the byte a right boundary
            // took (`[^A-Za-z0-9_-]`) may begin the next key's left one (an escape's ESC).
            pos = m.end.max(pos + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer split across two threads gives the hits one pass gives: keys on every
    /// line, around the split, a private key block across it, known values everywhere.
    #[test]
    fn a_large_buffer_split_across_threads_gives_the_same_hits() {
        let key = format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
        let block = format!(
            "{}\n{}\n{}\n",
            "-----BEGIN PRIVATE KEY-----",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5",
            "-----END PRIVATE KEY-----"
        );
        let known = b"corp-internal-7Hq2-Zk9wYYq".to_vec();
        let mut data = Vec::new();
        let mut n = 0;
        while data.len() < 3 * PARALLEL {
            let line = match n % 7 {
                0 => format!("token={key} user=42\n"),
                1 => format!("pw corp-internal-7Hq2-Zk9wYYq at {n}\n"),
                2 => block.clone(),
                _ => format!("2026-11-23T10:00:{:02}Z INFO task-runner picked up job {n}\n", n % 60),
            };
            data.extend_from_slice(line.as_bytes());
            n += 1;
        }
        let m = Matcher::new(&[known], RuleSet::Providers);
        let sorted = |mut hits: Vec<Hit>| {
            hits.sort_by_key(|h| (h.start, h.end, h.source));
            hits
        };
        let mut one_pass = m.find_rules(&data, "", 0..data.len());
        one_pass.extend(m.find_known(&data, 0..data.len()));
        let split = sorted(m.find(&data, ""));
        assert!(split.len() >= 3 * (n / 7), "{} hits for {n} lines", split.len());
        assert_eq!(split, sorted(one_pass));
    }

    /// A long line's keywords listed in one pass pick the rules the groups' passes pick.
    #[test]
    fn a_long_line_gets_the_same_hits() {
        let keys = [
            format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
            format!("{}{}", "AKIA", "Z7QW5EP2RY4UT6IO"),
            format!("{}{}", "xoxb-", "1234567890123-1234567890123-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd"),
            format!("password = \"{}\"", "Xr4bT9qLm2Vz8Kp1Wn6"),
        ];
        let mut line = String::new();
        for (i, key) in keys.iter().cycle().take(40).enumerate() {
            line.push_str(&format!("{{\"field_{i}\": \"{}\", \"value\": {key}}}, ", "x".repeat(150)));
        }
        assert!(line.len() > LONG_LINE);
        let data = format!("short token = none\n{line}\nend\n");
        let sorted = |mut hits: Vec<Hit>| {
            hits.sort_by_key(|h| (h.start, h.end, h.source));
            hits
        };
        let m = Matcher::new(&[], RuleSet::All);
        let mut by_group = Matcher::new(&[], RuleSet::All);
        by_group.every = None;
        let hits = sorted(m.find(data.as_bytes(), "app.json"));
        assert!(hits.len() >= 40, "{} hits", hits.len());
        assert_eq!(hits, sorted(by_group.find(data.as_bytes(), "app.json")));
    }

    /// Relaxed counted repetitions match more, never less; redaction's union builds.
    #[test]
    fn relaxed_patterns_match_more() {
        assert_eq!(relax(r"\bsk-[A-Za-z0-9]{20,}x{3}y{0,4}?"), r"\bsk-[A-Za-z0-9]+x+y*?");
        assert_eq!(relax(r"\{2}[{]{1,2}"), r"\{2}[{]+");
        assert!(Matcher::new(&[], RuleSet::Providers).union.is_some());
    }

    /// A matcher with no rules, searching the known values with `known`.
    fn known_only(known: Known) -> Matcher {
        Matcher {
            rules: Vec::new(),
            prefilters: Vec::new(),
            every: None,
            file_rules: Vec::new(),
            union: None,
            known,
            known_longest: usize::MAX,
            multiline_keywords: None,
            known_spans_lines: true,
            caches: Mutex::new(Vec::new()),
        }
    }

    /// The table finds what the automaton finds: at every position, the longest value
    /// starting there, overlapping values and shared prefixes included.
    #[test]
    fn the_prefix_table_finds_what_the_automaton_finds() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let alphabet = b"abc";
        let mut values: Vec<Vec<u8>> = Vec::new();
        for _ in 0..400 {
            let len = 8 + next(6) as usize;
            values.push((0..len).map(|_| alphabet[next(3) as usize]).collect());
        }
        values.sort();
        values.dedup();
        let data: Vec<u8> = (0..20_000).map(|_| alphabet[next(3) as usize]).collect();
        let find = |known: Known| {
            let m = known_only(known);
            let hits_in = |starts: std::ops::Range<usize>| -> Vec<(usize, usize, usize)> {
                m.find_known(&data, starts)
                    .into_iter()
                    .map(|h| match h.source {
                        Source::Known(i) => (h.start, h.end, i),
                        Source::Rule(_) => unreachable!(),
                    })
                    .collect()
            };
            let mut hits = hits_in(0..data.len());
            hits.sort();
            // Searched in pieces (two cores' tasks), each value is found once, by the
            // piece it starts in.
            let mut pieces: Vec<_> =
                [0, 1, 997, 5_003, 12_345, data.len()].windows(2).flat_map(|w| hits_in(w[0]..w[1])).collect();
            pieces.sort();
            assert_eq!(pieces, hits);
            hits
        };
        let automaton =
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&values).unwrap();
        let expected = find(Known::Automaton(automaton));
        assert!(expected.len() > 100, "the fixture should hold many matches");
        assert_eq!(find(Known::Hashed(Prefixed::new(&values))), expected);
        assert_eq!(find(Known::Sampled(Sampled::new(&values))), expected);
        // Long values: 8-byte windows, sampled every 16 bytes.
        let long: Vec<Vec<u8>> = values.iter().map(|v| v.repeat(3)).collect();
        let mut data: Vec<u8> = Vec::new();
        for _ in 0..400 {
            data.extend((0..next(40)).map(|_| alphabet[next(3) as usize]));
            let v = &long[next(long.len() as u64) as usize];
            // Whole, or cut short (a near miss).
            data.extend_from_slice(&v[..v.len() - (next(2) as usize) * next(v.len() as u64) as usize]);
        }
        let find_in = |known: Known| {
            let m = known_only(known);
            let mut hits: Vec<(usize, usize)> =
                m.find_known(&data, 0..data.len()).into_iter().map(|h| (h.start, h.end)).collect();
            hits.sort();
            hits
        };
        let automaton =
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&long).unwrap();
        let expected = find_in(Known::Automaton(automaton));
        assert!(!expected.is_empty());
        assert_eq!(find_in(Known::Sampled(Sampled::new(&long))), expected);
    }
}
