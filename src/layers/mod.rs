//! Precedence: which layer's value of each key wins, and where every value came from.
//!
//! Highest first: process environment, private store, user file, `.env.<profile>`,
//! `.env` (or the explicit `--file`s instead of the last two). The policy lives here
//! and nowhere else. This module reads files through `envfile` but never prints.

pub mod child;
pub mod discover;
pub mod process;

pub use child::{ChildPlan, child_env};
pub use process::ProcessEnv;

use crate::envfile::expand::{TooLong, expand};
use crate::envfile::{self, lint::Lint, lint::LintAt};
use crate::error::{Error, FileProblem, MAX_ENV_STRING};
use crate::refs;
use crate::report::Finding;
use crate::secret::Secret;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many bytes the expansions of one file may produce in all. Each value is held to
/// [`MAX_ENV_STRING`] (what a child can receive); this bounds a file of many small
/// references to one large value, so no file makes tkx allocate more than this.
pub const EXPANSION_BUDGET: usize = 4 * crate::envfile::MAX_FILE_SIZE as usize;

/// A layer, in precedence order (highest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// The process environment.
    Process,
    /// `$TKX_DIR/projects/<id>/.env`.
    Private,
    /// `$TKX_DIR/.env`.
    User,
    /// An explicit `--file`.
    File,
    /// `.env.<profile>`.
    Profile,
    /// `.env`.
    Project,
}

impl Layer {
    /// The layer's name as shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Process => "process",
            Layer::Private => "private",
            Layer::User => "user",
            Layer::File => "file",
            Layer::Profile => "profile",
            Layer::Project => "project",
        }
    }
}

/// Where a value was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The layer.
    pub layer: Layer,
    /// The file as displayed (`None` for the process environment); shared by every
    /// definition from that file.
    pub path: Option<Arc<str>>,
    /// 1-based line (0 for the process environment).
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{p}:{}", self.line),
            None => f.write_str("process"),
        }
    }
}

impl Origin {
    /// Where the definition is, for messages: `path:line`, or "the process environment".
    pub fn describe(&self) -> String {
        match self.layer {
            Layer::Process => "the process environment".to_owned(),
            _ => self.to_string(),
        }
    }
}

/// One definition of a key.
#[derive(Clone, Debug)]
pub struct Definition {
    /// Where.
    pub origin: Origin,
    /// The expanded value.
    pub value: Secret,
}

/// A key defined by at least one file, with the winning definition and every other one.
#[derive(Clone, Debug)]
pub struct Variable {
    /// The key.
    pub key: String,
    /// The winning definition.
    pub winner: Definition,
    /// The other definitions, highest precedence first (earlier duplicates in a file
    /// come after the later line that overrides them).
    pub shadowed: Vec<Definition>,
}

impl Variable {
    /// Every definition of the key, the winner first, then the shadowed ones in
    /// precedence order.
    pub fn definitions(&self) -> impl Iterator<Item = &Definition> {
        std::iter::once(&self.winner).chain(&self.shadowed)
    }
}

/// What happened to one source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Loaded, with this many statements.
    Loaded(usize),
    /// The file does not exist.
    Absent,
    /// The file exists but could not be read; it was skipped.
    Skipped(String),
}

/// One file layer that was considered.
#[derive(Clone, Debug)]
pub struct Source {
    /// Which layer.
    pub layer: Layer,
    /// The real path.
    pub path: PathBuf,
    /// The path as shown.
    pub display: String,
    /// What happened.
    pub status: Status,
}

/// A lint or load problem in one of the files.
#[derive(Clone, Debug)]
pub struct FileFinding {
    /// The finding.
    pub finding: Finding,
    /// Whether loading reports it (skipped lines, undefined names, unreadable files);
    /// the rest is for `doctor` and `-v`.
    pub on_load: bool,
}

/// What the layers need to know.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The directory tkx acts in (canonical).
    pub cwd: PathBuf,
    /// Explicit `--file`s, in the order given.
    pub files: Vec<PathBuf>,
    /// The profile, if any.
    pub profile: Option<String>,
    /// Skip the private store and the user file.
    pub no_user: bool,
    /// Files win over the process environment.
    pub override_env: bool,
    /// `$TKX_DIR`, if known.
    pub tkx_dir: Option<PathBuf>,
    /// The process environment, as inherited.
    pub process: ProcessEnv,
}

/// The resolved environment.
#[derive(Clone, Debug)]
pub struct Resolution {
    /// The project directory.
    pub project_dir: PathBuf,
    /// The file layers in precedence order, loaded or not.
    pub sources: Vec<Source>,
    /// Every key that a file defines, by name.
    pub vars: BTreeMap<String, Variable>,
    /// Lints and load problems, in source order.
    pub findings: Vec<FileFinding>,
    /// Whether files win over the process environment.
    pub override_env: bool,
    /// The process environment as inherited.
    pub process: ProcessEnv,
    /// Keys whose winning value was a reference to a secret manager, now resolved
    /// ([`Resolution::with_resolved`]): secrets whatever their names.
    pub resolved: BTreeSet<String>,
}

/// A key's winning value read as a reference: `None` when it is an ordinary value.
/// Only file values are references; the process environment is passed as inherited.
pub fn reference_of(def: &Definition) -> Option<Result<refs::Reference, refs::Malformed>> {
    if def.origin.layer == Layer::Process {
        return None;
    }
    refs::Reference::of_value(def.value.expose())
}

impl Resolution {
    /// The references among the winning values of `keys` (of every file key when
    /// `None`), with where each is written.
    pub fn references(&self, keys: Option<&[String]>) -> Vec<refs::Wanted> {
        let wanted = |key: &String| keys.is_none_or(|k| k.contains(key));
        self.vars
            .values()
            .filter(|v| wanted(&v.key))
            .filter_map(|v| {
                reference_of(&v.winner).map(|reference| refs::Wanted {
                    key: v.key.clone(),
                    origin: v.winner.origin.to_string(),
                    reference,
                })
            })
            .collect()
    }

    /// A copy with `values` in place of the references they resolve (the origin kept), and
    /// the keys in `drop` left out.
    pub fn with_resolved(&self, values: BTreeMap<String, Secret>, drop: &[String]) -> Resolution {
        let mut res = self.clone();
        for key in drop {
            res.vars.remove(key);
        }
        for (key, value) in values {
            if let Some(var) = res.vars.get_mut(&key) {
                var.winner.value = value;
                res.resolved.insert(key);
            }
        }
        res
    }

    /// The value a key resolves to (process environment included), if any.
    pub fn get(&self, key: &str) -> Option<Secret> {
        if let Some(v) = self.vars.get(key) {
            return Some(v.winner.value.clone());
        }
        self.process.get(key).map(|v| Secret::new(v.to_string_lossy()))
    }

    /// Every file-loaded value that output is masked of (`--redact`, `tkx redact`, the
    /// commands inside `tkx agent run`): the classifier's secrets, and every value a
    /// reference resolved to whatever its key is called. Configuration stays readable.
    pub fn output_secrets(&self) -> Vec<Secret> {
        self.vars
            .values()
            .flat_map(|v| v.definitions().map(move |d| (&v.key, d)))
            .filter(|(key, d)| {
                d.origin.layer != Layer::Process
                    && (crate::secret::classify::mask_in_output(key, d.value.expose())
                        || self.resolved.contains(*key))
            })
            .map(|(_, d)| d.value.clone())
            .collect()
    }

    /// Whether `text` is the value of some definition loaded from a file (empty never is).
    /// Messages use it to avoid repeating a value typed where a name goes.
    pub fn holds_value(&self, text: &str) -> bool {
        !text.is_empty()
            && self.vars.values().flat_map(Variable::definitions).any(|d| d.value.expose() == text)
    }

    /// The profile's file when `-p NAME` named one that does not exist.
    pub fn missing_profile(&self) -> Option<&Source> {
        self.sources.iter().find(|s| s.layer == Layer::Profile && s.status == Status::Absent)
    }

    /// Whether the process environment defines `key`.
    pub fn in_process(&self, key: &str) -> bool {
        self.process.contains(key)
    }

    /// Every definition of `key` that a file takes part in, winner first (a process
    /// value that wins over a file included); nothing for a key only the process
    /// environment defines.
    pub fn definitions(&self, key: &str) -> impl Iterator<Item = &Definition> {
        self.vars.get(key).into_iter().flat_map(Variable::definitions)
    }

    /// The definition that wins for `key`, the process environment included.
    pub fn winner(&self, key: &str) -> Option<Definition> {
        if let Some(v) = self.vars.get(key) {
            return Some(v.winner.clone());
        }
        self.get(key)
            .map(|value| Definition { origin: Origin { layer: Layer::Process, path: None, line: 0 }, value })
    }

    /// The value the process environment gives `key`, as inherited (lossily decoded),
    /// whatever the files say.
    pub fn process_value(&self, key: &str) -> Option<String> {
        self.process.get(key).map(|v| v.to_string_lossy().into_owned())
    }

    /// One warning per key whose winning value hides a *different* value from another
    /// scope: the process environment over a file, or a user/private file over a
    /// project file. A profile over `.env` is what profiles are for and is not reported.
    pub fn shadow_warnings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for var in self.vars.values() {
            let w = &var.winner;
            let hidden = var.shadowed.iter().find(|d| {
                d.value != w.value
                    && d.origin.layer != w.origin.layer
                    && !(w.origin.layer == Layer::Profile && d.origin.layer == Layer::Project)
            });
            let Some(hidden) = hidden else { continue };
            let from = |d: &Definition| match d.origin.layer {
                Layer::Process => "the process environment".to_owned(),
                _ => d.origin.to_string(),
            };
            let (wr, hr) = (w.value.redacted(), hidden.value.redacted());
            let hint = if w.origin.layer == Layer::Process {
                format!(
                    "unset {} in this shell (look for a stale export in your shell profile), or run with --override to let the files win",
                    var.key
                )
            } else {
                format!(
                    "remove {} from {} if the value in {} is the right one",
                    var.key,
                    from(w),
                    from(hidden)
                )
            };
            out.push(
                Finding::warning(
                    "layers/shadowed",
                    format!(
                        "{} from {} ({}) hides a different value from {} ({})",
                        var.key,
                        from(w),
                        wr,
                        from(hidden),
                        hr
                    ),
                )
                .hint(hint),
            );
        }
        out
    }
}

/// The file definitions of one key, highest precedence first.
struct Defs {
    first: Definition,
    rest: Vec<Definition>,
}

/// Loads every layer and resolves every key.
pub fn resolve(opts: &Options) -> Result<Resolution, Error> {
    resolve_in(opts, &discover::project_dir(&opts.cwd))
}

/// A note for each store that may be this project's, left under another path id when
/// the project moved (see [`discover::orphan_stores`]), with the `mv` that brings it to
/// `store` (the private store this project looks for).
fn orphan_notes(tkx_dir: &Path, project_dir: &Path, store: &Path) -> Vec<FileFinding> {
    let to = store.parent().map(|p| p.display().to_string()).unwrap_or_default();
    discover::orphan_stores(tkx_dir, project_dir)
        .into_iter()
        .map(|o| FileFinding {
            finding: Finding::note(
                "envfile/orphan-store",
                format!(
                    "this project has no private store, but {} holds one for a project named like it (last written {})",
                    o.dir.display(),
                    o.written
                ),
            )
            .hint(format!(
                "if it is this project's (moved or renamed), move it here: mv {} {}",
                shell_words::quote(&o.dir.to_string_lossy()),
                shell_words::quote(&to)
            )),
            on_load: true,
        })
        .collect()
}

/// [`resolve`] for a project directory already found.
pub fn resolve_in(opts: &Options, project_dir: &Path) -> Result<Resolution, Error> {
    let project_dir = project_dir.to_path_buf();
    let show = |p: &Path| discover::display_path(p, &opts.cwd, &project_dir);
    let mut planned: Vec<(Layer, PathBuf, String)> = Vec::new();
    let mut plan = |layer: Layer, path: PathBuf| {
        let display = show(&path);
        planned.push((layer, path, display));
    };
    if !opts.no_user {
        if let Some(dir) = &opts.tkx_dir {
            plan(Layer::Private, discover::private_store(dir, &project_dir));
            plan(Layer::User, dir.join(".env"));
        }
    }
    if opts.files.is_empty() {
        if let Some(profile) = &opts.profile {
            plan(Layer::Profile, project_dir.join(format!(".env.{profile}")));
        }
        plan(Layer::Project, project_dir.join(".env"));
    } else {
        // Explicit files are shown as the user typed them.
        for f in &opts.files {
            planned.push((Layer::File, opts.cwd.join(f), f.to_string_lossy().into_owned()));
        }
    }

    let process: HashMap<&str, String> = opts
        .process
        .iter()
        .filter_map(|(k, v)| Some((k.to_str()?, v.to_string_lossy().into_owned())))
        .collect();

    let mut sources = Vec::new();
    let mut findings = Vec::new();
    // Every file definition of each key, highest precedence first: `first` is the winning
    // file value among the files loaded so far.
    let mut defs: HashMap<String, Defs> = HashMap::new();

    for (layer, path, display) in planned {
        let read = if layer == Layer::File { envfile::read_given(&path) } else { envfile::read_text(&path) };
        let text = match read {
            Ok(text) => text,
            Err(FileProblem::NotFound) if layer != Layer::File => {
                if let (Layer::Private, Some(dir)) = (layer, &opts.tkx_dir) {
                    // Never lose a key silently: a store left under another path id.
                    findings.extend(orphan_notes(dir, &project_dir, &path));
                }
                sources.push(Source { layer, path, display, status: Status::Absent });
                continue;
            }
            Err(problem @ (FileProblem::IsDirectory | FileProblem::Unreadable(_) | FileProblem::Hidden))
                if layer != Layer::File =>
            {
                let reason = problem.to_string();
                let hint = if matches!(problem, FileProblem::Hidden) {
                    "commands started here get none of its keys: run the agent under `tkx agent run` instead (its `tkx exec` reaches them), or run this outside the sandbox"
                } else {
                    "fix its permissions (chmod 600) or remove it"
                };
                findings.push(FileFinding {
                    finding: Finding::warning("envfile/unreadable", format!("{reason}; skipped"))
                        .at(display.clone(), 0, 0)
                        .hint(hint),
                    on_load: true,
                });
                sources.push(Source { layer, path, display, status: Status::Skipped(reason) });
                continue;
            }
            Err(problem) => return Err(Error::File { path: display, problem }),
        };
        let parsed = envfile::parse(&text);
        let mut lints: Vec<LintAt> = envfile::file_lints(&parsed);
        let statements = parsed.entries.len();
        defs.reserve(statements);
        // This file's definitions in order, and where each key stands at the current line.
        let mut file_defs: Vec<(String, Definition)> = Vec::with_capacity(statements);
        // Only expansion needs to look keys up in this file; most files expand nothing.
        let expands = parsed.entries.iter().any(|e| matches!(e.value, envfile::RawValue::Template(_)));
        let mut local: HashMap<String, usize> = HashMap::with_capacity(if expands { statements } else { 0 });
        let shared: Arc<str> = Arc::from(display.as_str());
        // What this file's expansions may still produce in all (see EXPANSION_BUDGET).
        let mut budget = EXPANSION_BUDGET;
        for entry in parsed.entries {
            let mut undefined = Vec::new();
            let value = match entry.value {
                envfile::RawValue::Literal(s) => s,
                template => {
                    let mut lookup = |name: &str| -> Option<String> {
                        if !opts.override_env {
                            if let Some(v) = process.get(name) {
                                return Some(v.clone());
                            }
                        }
                        let higher = defs.get(name).map(|d| &d.first.value);
                        let here = local.get(name).and_then(|i| file_defs.get(*i)).map(|(_, d)| &d.value);
                        higher
                            .or(here)
                            .map(|v| v.expose().to_owned())
                            .or_else(|| if opts.override_env { process.get(name).cloned() } else { None })
                    };
                    let limit = MAX_ENV_STRING.min(budget);
                    match expand(&template, &mut lookup, &mut undefined, limit) {
                        Ok(value) => {
                            budget -= value.len();
                            value
                        }
                        Err(TooLong) => {
                            let lint = Lint::ExpansionTooLong { key: entry.key.clone() };
                            lints.push(LintAt { lint, line: entry.line, column: entry.column });
                            continue;
                        }
                    }
                }
            };
            for u in undefined {
                // The `$`'s position, never the name: it is text from the value.
                let (line, column) = envfile::line_and_column(&text, u.at);
                lints.push(LintAt { lint: Lint::UndefinedVariable { key: entry.key.clone() }, line, column });
            }
            if expands {
                local.insert(entry.key.clone(), file_defs.len());
            }
            let origin = Origin { layer, path: Some(shared.clone()), line: entry.line };
            file_defs.push((entry.key, Definition { origin, value: Secret::new(value) }));
        }
        // Within a file the last definition wins, so it goes first.
        for (key, def) in file_defs.into_iter().rev() {
            match defs.entry(key) {
                Entry::Occupied(mut o) => o.get_mut().rest.push(def),
                Entry::Vacant(v) => {
                    v.insert(Defs { first: def, rest: Vec::new() });
                }
            }
        }
        lints.sort_by_key(|l| (l.line, l.column));
        findings.extend(
            lints
                .iter()
                .map(|l| FileFinding { finding: l.to_finding(&display), on_load: l.lint.shown_on_load() }),
        );
        sources.push(Source { layer, path, display, status: Status::Loaded(statements) });
    }

    let mut vars = BTreeMap::new();
    for (key, Defs { first, mut rest }) in defs {
        let from_process = process.get(key.as_str()).map(|v| Definition {
            origin: Origin { layer: Layer::Process, path: None, line: 0 },
            value: Secret::new(v.clone()),
        });
        let (winner, shadowed) = match from_process {
            Some(p) if !opts.override_env => {
                let mut all = Vec::with_capacity(rest.len() + 1);
                all.push(first);
                all.append(&mut rest);
                (p, all)
            }
            Some(p) => {
                rest.push(p);
                (first, rest)
            }
            None => (first, rest),
        };
        vars.insert(key.clone(), Variable { key, winner, shadowed });
    }

    Ok(Resolution {
        project_dir,
        sources,
        vars,
        findings,
        override_env: opts.override_env,
        process: opts.process.clone(),
        resolved: BTreeSet::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Fixture {
        _t: tempfile::TempDir,
        project: PathBuf,
        tkx: PathBuf,
    }

    fn fixture() -> Fixture {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let project = root.join("app");
        let tkx = root.join("tkx");
        fs::create_dir_all(&project).unwrap();
        fs::create_dir_all(&tkx).unwrap();
        Fixture { _t: t, project, tkx }
    }

    impl Fixture {
        fn opts(&self, process: &[(&str, &str)]) -> Options {
            Options {
                cwd: self.project.clone(),
                tkx_dir: Some(self.tkx.clone()),
                process: process.iter().map(|(k, v)| (k.into(), v.into())).collect(),
                ..Options::default()
            }
        }

        fn private(&self) -> PathBuf {
            let p = discover::private_store(&self.tkx, &self.project);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            p
        }
    }

    fn value(r: &Resolution, key: &str) -> (String, Layer) {
        let v = &r.vars[key].winner;
        (v.value.expose().to_owned(), v.origin.layer)
    }

    #[test]
    fn precedence_across_all_layers() {
        let f = fixture();
        fs::write(f.project.join(".env"), "A=project\nB=project\nC=project\nD=project\nE=project\n").unwrap();
        fs::write(f.project.join(".env.dev"), "B=profile\nC=profile\nD=profile\nE=profile\n").unwrap();
        fs::write(f.tkx.join(".env"), "C=user\nD=user\nE=user\n").unwrap();
        fs::write(f.private(), "D=private\nE=private\n").unwrap();
        let mut opts = f.opts(&[("E", "process")]);
        opts.profile = Some("dev".into());
        let r = resolve(&opts).unwrap();
        assert_eq!(value(&r, "A"), ("project".into(), Layer::Project));
        assert_eq!(value(&r, "B"), ("profile".into(), Layer::Profile));
        assert_eq!(value(&r, "C"), ("user".into(), Layer::User));
        assert_eq!(value(&r, "D"), ("private".into(), Layer::Private));
        assert_eq!(value(&r, "E"), ("process".into(), Layer::Process));
        let layers: Vec<Layer> = r.vars["E"].shadowed.iter().map(|d| d.origin.layer).collect();
        assert_eq!(layers, [Layer::Private, Layer::User, Layer::Profile, Layer::Project]);
    }

    #[test]
    fn override_lets_files_win() {
        let f = fixture();
        fs::write(f.project.join(".env"), "A=file\n").unwrap();
        let mut opts = f.opts(&[("A", "process")]);
        opts.override_env = true;
        let r = resolve(&opts).unwrap();
        assert_eq!(value(&r, "A"), ("file".into(), Layer::Project));
        assert_eq!(r.vars["A"].shadowed[0].origin.layer, Layer::Process);
    }

    #[test]
    fn no_user_skips_the_stores() {
        let f = fixture();
        fs::write(f.tkx.join(".env"), "A=user\n").unwrap();
        let mut opts = f.opts(&[]);
        opts.no_user = true;
        let r = resolve(&opts).unwrap();
        assert!(r.vars.is_empty());
        assert!(r.sources.iter().all(|s| s.layer == Layer::Project));
    }

    #[test]
    fn explicit_files_replace_the_project_layers_and_the_first_wins() {
        let f = fixture();
        fs::write(f.project.join(".env"), "A=project\n").unwrap();
        fs::write(f.project.join("one.env"), "A=one\nB=one\n").unwrap();
        fs::write(f.project.join("two.env"), "B=two\nC=two\n").unwrap();
        let mut opts = f.opts(&[]);
        opts.files = vec!["one.env".into(), "two.env".into()];
        let r = resolve(&opts).unwrap();
        assert_eq!(value(&r, "A").0, "one");
        assert_eq!(value(&r, "B").0, "one");
        assert_eq!(value(&r, "C").0, "two");
        assert_eq!(r.vars["C"].winner.origin.to_string(), "two.env:2");
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let f = fixture();
        let mut opts = f.opts(&[]);
        opts.files = vec!["nope.env".into()];
        let err = resolve(&opts).unwrap_err();
        assert_eq!(err.to_string(), "nope.env: no such file");
    }

    #[test]
    fn expansion_sees_what_the_child_will_get() {
        let f = fixture();
        fs::write(
            f.project.join(".env"),
            "HOST=localhost\nURL=http://${HOST}/x\nA=1\nB=$A\nA=2\nC=${SECRET}\nD=$HOME\n",
        )
        .unwrap();
        fs::write(f.project.join(".env.prod"), "HOST=prod\n").unwrap();
        fs::write(f.private(), "SECRET=s3\n").unwrap();
        let mut opts = f.opts(&[("HOME", "/home/u")]);
        opts.profile = Some("prod".into());
        let r = resolve(&opts).unwrap();
        assert_eq!(value(&r, "URL").0, "http://prod/x");
        assert_eq!(value(&r, "B").0, "1");
        assert_eq!(value(&r, "A").0, "2");
        assert_eq!(value(&r, "C").0, "s3");
        assert_eq!(value(&r, "D").0, "/home/u");
    }

    #[test]
    fn duplicates_in_a_file_later_wins_and_earlier_is_shadowed() {
        let f = fixture();
        fs::write(f.project.join(".env"), "A=1\nA=2\n").unwrap();
        let r = resolve(&f.opts(&[])).unwrap();
        assert_eq!(value(&r, "A").0, "2");
        assert_eq!(r.vars["A"].winner.origin.line, 2);
        assert_eq!(r.vars["A"].shadowed[0].origin.line, 1);
        assert!(r.shadow_warnings().is_empty());
    }

    #[test]
    fn shadow_warnings_name_both_origins_and_never_the_value() {
        let f = fixture();
        fs::write(f.project.join(".env"), "OPENAI_PAT=sk-proj-fromthefile-1234567890\nSAME=x\n").unwrap();
        let r =
            resolve(&f.opts(&[("OPENAI_PAT", "sk-proj-stale-exported-0987654321"), ("SAME", "x")])).unwrap();
        let w = r.shadow_warnings();
        assert_eq!(w.len(), 1);
        assert!(w[0].message.starts_with("OPENAI_PAT from the process environment (sk-p**********4321"));
        assert!(w[0].message.contains("hides a different value from .env:1 (sk-p**********7890"));
        assert!(!w[0].message.contains("fromthefile") && !w[0].message.contains("stale-exported"));
    }

    #[test]
    fn unreadable_auto_layers_warn_and_continue() {
        let f = fixture();
        fs::create_dir(f.project.join(".env")).unwrap();
        fs::write(f.tkx.join(".env"), "A=1\n").unwrap();
        let r = resolve(&f.opts(&[])).unwrap();
        assert_eq!(value(&r, "A").0, "1");
        assert_eq!(r.findings[0].finding.rule, "envfile/unreadable");
        assert_eq!(r.findings[0].finding.message, "is a directory, not an env file; skipped");
    }

    #[test]
    fn undefined_names_become_load_warnings() {
        let f = fixture();
        fs::write(f.project.join(".env"), "PW=pa$$word\n").unwrap();
        let r = resolve(&f.opts(&[])).unwrap();
        assert_eq!(value(&r, "PW").0, "pa$");
        let w: Vec<_> = r.findings.iter().filter(|f| f.on_load).collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].finding.rule, "envfile/undefined-variable");
        assert_eq!(w[0].finding.location.as_ref().unwrap().line, 1);
        assert_eq!(w[0].finding.location.as_ref().unwrap().column, 7);
        assert!(!w[0].finding.message.contains("word"), "{}", w[0].finding.message);
        assert!(!w[0].finding.hint.as_deref().unwrap_or_default().contains("word"));
    }
}
