//! The compiled form of the rules: a literal pre-filter (Aho-Corasick over every rule's
//! keywords) that picks candidate lines, and the regexes run only on those lines.
//! Known values (the user's own secrets) are one more Aho-Corasick automaton.

use super::rules::{RULES, Rule};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// How far past its first line a multi-line match (a private key block) may reach.
const MULTILINE_WINDOW: usize = 64 * 1024;

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
}

impl Compiled {
    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // ASCII semantics: keys are ASCII, `\b` must not depend on the bytes before a
            // chunk boundary, and it compiles several times faster.
            // The rules are constants tested in this crate; a bad pattern is a bug, not input.
            #[allow(clippy::expect_used)]
            RegexBuilder::new(self.rule.regex).unicode(false).build().expect("the built-in rules compile")
        })
    }
}

/// The rules, compiled once.
pub struct Matcher {
    rules: Vec<Compiled>,
    prefilter: AhoCorasick,
    /// Keyword pattern id → rule index.
    keyword_rule: Vec<usize>,
    /// Rules limited to particular file names: run on every line of those files.
    file_rules: Vec<usize>,
    known: Option<AhoCorasick>,
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

impl Matcher {
    /// Compiles the rules `which` selects and the known values.
    pub fn new(known: &[KnownValue], which: RuleSet) -> Matcher {
        let mut rules = Vec::with_capacity(RULES.len());
        let mut keywords: Vec<&str> = Vec::new();
        let mut keyword_rule = Vec::new();
        let mut file_rules = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            let wanted = match which {
                RuleSet::All => true,
                RuleSet::Providers => rule.kind == super::rules::Kind::Provider && rule.files.is_empty(),
                RuleSet::None => false,
            };
            // Indices stay aligned with RULES; a rule that is not wanted gets no keywords
            // and so never runs.
            rules.push(Compiled { rule, regex: OnceLock::new() });
            if !wanted {
                continue;
            }
            if rule.files.is_empty() {
                for k in rule.keywords {
                    keywords.push(k);
                    keyword_rule.push(i);
                }
            } else {
                file_rules.push(i);
            }
        }
        #[allow(clippy::expect_used)]
        // A DFA: overlapping search (every keyword on a line must name its rule) is
        // several times faster on a DFA than on the default NFA.
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&keywords)
            .expect("the built-in keywords build an automaton");
        let known = (!known.is_empty())
            .then(|| AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(known).ok())
            .flatten();
        Matcher { rules, prefilter, keyword_rule, file_rules, known }
    }

    /// The rule behind an index.
    pub fn rule(&self, i: usize) -> &'static Rule {
        self.rules[i].rule
    }

    /// Every match in `data`, a file called `file_name`, unfiltered and unsorted.
    pub fn find(&self, data: &[u8], file_name: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        // Candidate lines: (line start, rule index), from the keyword pre-filter.
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for m in self.prefilter.find_overlapping_iter(data) {
            let line_start = memchr::memrchr(b'\n', &data[..m.start()]).map_or(0, |i| i + 1);
            let rule = self.keyword_rule[m.pattern().as_usize()];
            if candidates.last() != Some(&(line_start, rule)) {
                candidates.push((line_start, rule));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for (line_start, rule) in candidates {
            self.run_rule(rule, data, line_start, &mut hits);
        }
        for &rule in &self.file_rules {
            if self.rules[rule].rule.files.contains(&file_name) {
                let mut line_start = 0;
                while line_start < data.len() {
                    self.run_rule(rule, data, line_start, &mut hits);
                    line_start =
                        memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |i| line_start + i + 1);
                }
            }
        }
        if let Some(known) = &self.known {
            for m in known.find_iter(data) {
                hits.push(Hit {
                    source: Source::Known(m.pattern().as_usize()),
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
        hits
    }

    fn run_rule(&self, rule: usize, data: &[u8], line_start: usize, hits: &mut Vec<Hit>) {
        let compiled = &self.rules[rule];
        let line_end = memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |i| line_start + i);
        let end =
            if compiled.rule.multiline { data.len().min(line_start + MULTILINE_WINDOW) } else { line_end };
        let hay = &data[line_start..end];
        for caps in compiled.regex().captures_iter(hay) {
            let Some(m) = caps.name("secret").or_else(|| caps.name("s2")).or_else(|| caps.get(0)) else {
                continue;
            };
            // A multi-line match must start on this line; later lines are their own candidates.
            if line_start + m.start() > line_end {
                break;
            }
            hits.push(Hit {
                source: Source::Rule(rule),
                start: line_start + m.start(),
                end: line_start + m.end(),
            });
        }
    }
}
