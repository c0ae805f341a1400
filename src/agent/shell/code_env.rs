//! How a piece of interpreter code uses the environment: the whole of it (a dump:
//! `print(os.environ)`, `{...process.env}`, `pp ENV.to_h`, `getenv()`), a variable by a
//! computed name (`os.environ[k]`), or a variable by a literal name
//! (`process.env.OPENAI_PAT`, `os.getenv("X")`, `$ENV{X}`) — leaving out what only
//! tests presence or lists names (`'X' in os.environ`, `Boolean(process.env.X)`,
//! `os.getenv("X") is None`, `Object.keys(process.env)`, `sorted(os.environ)`,
//! `ENV.key?("X")`, `exists $ENV{X}`).
//!
//! It reads code as text, in the usual spellings of Python, JavaScript (Node, Deno,
//! Bun), Ruby, Perl, PHP and R: it decides nothing, the judge does.

/// One use of the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EnvUse {
    /// The whole environment, as values.
    Dump,
    /// A variable whose name the code computes.
    Computed,
    /// A variable by name.
    Name(String),
}

/// The spellings of the environment, longest first, and whether a call on them takes a
/// name (`getenv("X")`).
const OBJECTS: &[(&str, bool)] = &[
    ("import.meta.env", false),
    ("System.getenv", true),
    ("process.env", false),
    ("os.environb", false),
    ("os.environ", false),
    ("Sys.getenv", true),
    ("env::vars", true),
    ("env::var", true),
    ("os.getenv", true),
    ("Deno.env", false),
    ("$_SERVER", false),
    ("Bun.env", false),
    ("environ", false),
    ("getenv", true),
    ("$_ENV", false),
    ("%ENV", false),
    ("$ENV", false),
    ("ENV", false),
];

/// Methods that read one variable by the name they are given.
const BY_NAME: &[&str] = &["get", "fetch", "setdefault", "pop", "getenv", "var", "delete"];

/// Methods that only test presence or list names.
const NAMES_ONLY: &[&str] =
    &["keys", "has", "has_key", "hasOwnProperty", "key", "include", "member", "length", "size", "count"];

/// Calls around the object that yield names, counts or a truth value, not values.
const NAME_WRAPPERS: &[&str] = &[
    "Object.keys(",
    "Object.getOwnPropertyNames(",
    "sorted(",
    "list(",
    "len(",
    "set(",
    "keys ",
    "keys(",
    "scalar(",
    "count(",
    "array_keys(",
    "names(",
];

/// Text before an access to one variable that makes it a presence test.
const PRESENCE_BEFORE: &[&str] =
    &["!!", "!", "Boolean(", "bool(", "len(", "typeof", "exists", "defined", "isset(", "empty(", "nchar("];

/// Text after an access to one variable that makes it a presence test.
const PRESENCE_AFTER: &[&str] = &[
    "is None",
    "is not None",
    "== None",
    "!= None",
    "=== undefined",
    "!== undefined",
    "== undefined",
    "!= undefined",
    "== null",
    "!= null",
    "=== null",
    "!== null",
    ".length",
    "?.length",
    ".nil?",
    ".empty?",
    "== nil",
    "!= nil",
    ".is_ok()",
    ".is_err()",
    ".is_some()",
];

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A literal string at the start of `s` (`'X'`, `"X"`, `` `X` ``): its text and length.
fn literal(s: &str) -> Option<(String, usize)> {
    let q = s.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let end = s[1..].find(q)?;
    let text = &s[1..1 + end];
    (!text.contains(['$', '{'])).then(|| (text.to_owned(), end + 2))
}

/// The argument at the start of `s` after an opening bracket: a literal name, a bare
/// name (Perl's `$ENV{X}`, when `bare`), or a computed one; and where the access ends.
fn argument(s: &str, close: char, bare: bool) -> (Option<String>, usize) {
    let t = s.trim_start();
    let skipped = s.len() - t.len();
    if let Some((name, n)) = literal(t) {
        let end = t[n..].find(close).map_or(t.len(), |e| n + e + 1);
        return (Some(name), skipped + end);
    }
    if bare {
        let n = t.find(|c: char| !is_ident(c)).unwrap_or(t.len());
        if n > 0 && t[n..].trim_start().starts_with(close) {
            let end = t[n..].find(close).map_or(t.len(), |e| n + e + 1);
            return (Some(t[..n].to_owned()), skipped + end);
        }
    }
    let end = t.find(close).map_or(t.len(), |e| e + 1);
    if t.starts_with(close) {
        // `getenv()`: no argument at all.
        return (Some(String::new()), skipped + end);
    }
    (None, skipped + end)
}

/// Every use of the environment in `code` other than presence tests and name listings.
pub(super) fn env_uses(code: &str, ruby_or_unknown: bool) -> Vec<EnvUse> {
    let mut out = Vec::new();
    let mut p = 0;
    while p < code.len() {
        let rest = &code[p..];
        let Some(&(obj, callable)) = OBJECTS.iter().find(|(o, _)| rest.starts_with(o)) else {
            p += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let before_char = code[..p].chars().next_back();
        let after_char = rest[obj.len()..].chars().next();
        // `{...process.env}` spreads it; `x.process.env` is another object's member.
        let spread = code[..p].ends_with("...");
        let bounded = !before_char
            .is_some_and(|c| is_ident(c) || (c == '.' && !spread) || c == '$' || c == '%')
            && !after_char.is_some_and(is_ident);
        if !bounded || (obj == "ENV" && !ruby_or_unknown) {
            p += obj.len();
            continue;
        }
        let before = code[..p].trim_end();
        let after_obj = &rest[obj.len()..];
        let after = after_obj.trim_start();
        let gap = after_obj.len() - after.len();
        // One variable: its name (empty for "none given"), and where the access ends.
        let mut access: Option<(Option<String>, usize)> = None;
        let bracket = match after.chars().next() {
            Some('(') if callable => Some((')', false)),
            Some('[') => Some((']', false)),
            Some('{') if obj == "$ENV" => Some(('}', true)),
            _ => None,
        };
        if let Some((close, bare)) = bracket {
            let (name, end) = argument(&after[1..], close, bare);
            access = Some((name, 1 + end));
        } else if let Some(m) = after.strip_prefix('.').or_else(|| after.strip_prefix("?.")) {
            let n = m.find(|c: char| !is_ident(c)).unwrap_or(m.len());
            let method = &m[..n];
            let dot = after.len() - m.len();
            if NAMES_ONLY.contains(&method) {
                p += obj.len() + gap + dot + n;
                continue;
            }
            if BY_NAME.contains(&method) && m[n..].starts_with('(') {
                let (name, end) = argument(&m[n + 1..], ')', false);
                access = Some((name, dot + n + 1 + end));
            } else if obj == "process.env" || obj == "Bun.env" || obj == "import.meta.env" {
                // `process.env.NAME`.
                access = Some((Some(method.to_owned()), dot + n));
            }
        }
        match access {
            Some((name, end)) => {
                let tail = after[end.min(after.len())..].trim_start();
                let presence = PRESENCE_BEFORE.iter().any(|b| before.ends_with(b))
                    || PRESENCE_AFTER.iter().any(|a| tail.starts_with(a));
                match name {
                    Some(n) if n.is_empty() => out.push(EnvUse::Dump),
                    Some(n) if !presence => out.push(EnvUse::Name(n)),
                    Some(_) => {}
                    None if !presence => out.push(EnvUse::Computed),
                    None => {}
                }
                p += obj.len() + gap + end.max(1);
            }
            None => {
                // The object itself: names only after `in` or inside a name wrapper.
                // Only the object itself: `for k in os.environ:`, not `in os.environ.items()`.
                let alone = after.is_empty() || after.starts_with([')', ']', ':', ',', ';']);
                let after_in = before.ends_with(" in")
                    || before.ends_with("'in")
                    || before.ends_with("\"in")
                    || before == "in";
                let names =
                    alone && (after_in || NAME_WRAPPERS.iter().any(|w| before.ends_with(w.trim_end())));
                if !names {
                    out.push(EnvUse::Dump);
                }
                p += obj.len();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::EnvUse::*;
    use super::*;

    fn uses(code: &str) -> Vec<EnvUse> {
        env_uses(code, true)
    }

    #[test]
    fn dumps_of_the_whole_environment() {
        for code in [
            "print(os.environ)",
            "print({**os.environ})",
            "import os; print(dict(os.environ))",
            "print(os.environ.items())",
            "console.log({...process.env})",
            "console.log(JSON.stringify(process.env))",
            "Object.entries(process.env).forEach(console.log)",
            "pp ENV.to_h",
            "puts ENV.inspect",
            "var_dump(getenv());",
            "print(Sys.getenv())",
            "console.log(Deno.env.toObject())",
            "print \"$_=$ENV{$_}\\n\" for keys %ENV",
            "[print(k, v) for k, v in os.environ.items()]",
        ] {
            assert!(uses(code).iter().any(|u| *u == Dump || *u == Computed), "{code}: {:?}", uses(code));
        }
    }

    #[test]
    fn names_and_presence_are_not_values() {
        for code in [
            "print('OPENAI_PAT' in os.environ)",
            "print(\"X\" not in os.environ)",
            "console.log('X' in process.env)",
            "console.log(Boolean(process.env.X))",
            "console.log(!!process.env.X)",
            "print(os.getenv('X') is not None)",
            "print(os.environ.get('X') is None)",
            "puts ENV.key?('X')",
            "print(len(os.environ.get('X', '')))",
            "print(sorted(os.environ))",
            "console.log(Object.keys(process.env).length)",
            "print(list(os.environ))",
            "print(os.environ.keys())",
            "print exists $ENV{X}",
            "console.log(process.env.X?.length)",
            "for k in os.environ: print(k)",
        ] {
            assert_eq!(uses(code), vec![], "{code}");
        }
    }

    #[test]
    fn variables_by_name_and_by_computed_name() {
        assert_eq!(uses("print(os.environ['OPENAI_PAT'])"), vec![Name("OPENAI_PAT".into())]);
        assert_eq!(uses("print(os.getenv(\"X\"))"), vec![Name("X".into())]);
        assert_eq!(uses("print(os.environ.get('X', 'd'))"), vec![Name("X".into())]);
        assert_eq!(uses("console.log(process.env.GITHUB_TOKEN)"), vec![Name("GITHUB_TOKEN".into())]);
        assert_eq!(uses("console.log(process.env['X'])"), vec![Name("X".into())]);
        assert_eq!(uses("print $ENV{X}"), vec![Name("X".into())]);
        assert_eq!(uses("puts ENV['X']"), vec![Name("X".into())]);
        assert_eq!(uses("puts ENV.fetch('X')"), vec![Name("X".into())]);
        assert_eq!(uses("echo getenv('X');"), vec![Name("X".into())]);
        assert_eq!(uses("for k in os.environ: print(k, os.environ[k])"), vec![Computed]);
        assert_eq!(uses("k='X'; print(os.getenv(k))"), vec![Computed]);
    }

    proptest::proptest! {
        /// Any text, multi-byte characters included, is read without a panic.
        #[test]
        fn never_panics(code in "\\PC{0,60}", extra in proptest::sample::select(vec![
            "os.environ", "process.env", "ENV[", "$ENV{", "getenv(", ".get(", "['", "\"", "é", "…",
        ])) {
            let _ = env_uses(&format!("{code}{extra}{code}"), true);
            let _ = env_uses(&format!("{extra}{code}"), false);
        }
    }

    #[test]
    fn other_words_are_not_the_environment() {
        assert_eq!(env_uses("ENV = 'prod'; print(ENV)", false), vec![]);
        assert_eq!(uses("my_environment = 1; print(process.envelope)"), vec![]);
        assert_eq!(uses("print('no env here')"), vec![]);
    }
}
