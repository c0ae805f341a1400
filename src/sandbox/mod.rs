//! `tkx agent run`: an operating-system boundary between a coding agent and the keys.
//!
//! The guard (`crate::agent`) reads shell text and can be talked around; this module
//! makes the boundary the kernel's. It owns four things, and never prints or exits:
//! - **the view** ([`View`]): which paths the sandbox hides — every env file of the
//!   project tree ([`crate::agent::walk::env_files`]), the private stores and the user
//!   file under `$TKX_DIR`, the paths of `[agent] hide` in `.tkx.toml` and, opt-in,
//!   [`COMMON_CREDENTIALS`] — and how a backend is told so: bubblewrap arguments on
//!   Linux ([`View::bwrap_args`]), a `sandbox-exec` profile on macOS
//!   ([`macos_profile`]);
//! - **the agent's environment** ([`agent_env`]): the process environment without the
//!   variables [`crate::secret::classify::hide_from_agents`] marks as secrets, except
//!   the agent's own credentials ([`agent_credentials`]) and `--keep`;
//! - **the socket protocol** ([`protocol`]) between a `tkx exec` inside the sandbox
//!   ([`client`]) and the `tkx agent run` outside ([`server`]), which starts the
//!   command in a second sandbox with the same view, with the resolved environment and
//!   its output redacted. Values only ever travel from the outer tkx to the command,
//!   never back over the socket;
//! - **starting** the agent and those commands ([`launch`]): with `exec.rs`, the only
//!   code that spawns processes.
//!
//! A cover that something outside replaces is put back ([`cover`], Linux). Env files
//! created after the sandbox starts are not hidden until the next start.

pub mod client;
#[cfg(target_os = "linux")]
pub mod cover;
pub mod launch;
pub mod protocol;
pub mod server;

use crate::agent::paths::Scope;
use crate::agent::walk;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The variable that tells a tkx inside the sandbox where the outer tkx listens.
pub const SOCKET_VAR: &str = "TKX_AGENT_SOCKET";

/// Credential files an opt-in (`[agent] hide_common = true`) hides too, relative to
/// `$HOME`. SSH keys are not in the list: hiding them stops `git push` over SSH.
pub const COMMON_CREDENTIALS: &[&str] = &[
    ".aws/credentials",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".docker/config.json",
    ".git-credentials",
    ".config/gh/hosts.yml",
    ".config/gcloud/application_default_credentials.json",
    ".config/gcloud/credentials.db",
    ".kube/config",
    ".cargo/credentials.toml",
    ".gem/credentials",
];

/// The variables an agent needs to run, by the agent's program name.
pub fn agent_credentials(program: &str) -> &'static [&'static str] {
    match program {
        "claude" => &["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"],
        "codex" => &["OPENAI_API_KEY", "CODEX_API_KEY"],
        "gemini" => &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
        "cursor-agent" => &["CURSOR_API_KEY"],
        "copilot" => &["COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"],
        "amp" => &["AMP_API_KEY"],
        "opencode" | "aider" | "goose" | "crush" => &[
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "GEMINI_API_KEY",
            "OPENROUTER_API_KEY",
            "DEEPSEEK_API_KEY",
            "GROQ_API_KEY",
            "MISTRAL_API_KEY",
        ],
        _ => &[],
    }
}

/// The agent's environment, and what was taken out of it.
#[derive(Debug, Default)]
pub struct AgentEnv {
    /// What the agent starts with.
    pub env: Vec<(OsString, OsString)>,
    /// The secret variables removed (names and values: commands started through
    /// `tkx exec` inside get them back, and their output is redacted of them).
    pub removed: Vec<(OsString, OsString)>,
    /// The names of secret variables kept: the agent's own credentials and `--keep`.
    pub kept: Vec<String>,
}

impl AgentEnv {
    /// The names removed, for the message.
    pub fn removed_names(&self) -> Vec<String> {
        self.removed.iter().map(|(k, _)| k.to_string_lossy().into_owned()).collect()
    }
}

/// Splits the process environment into the agent's and the secrets it must not get.
/// `program` is the agent as given (its file name picks [`agent_credentials`]).
pub fn agent_env(process: &[(OsString, OsString)], program: &OsStr, keep: &[String]) -> AgentEnv {
    let name = Path::new(program).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let own = agent_credentials(&name);
    let mut out = AgentEnv::default();
    for (k, v) in process {
        if k == SOCKET_VAR {
            continue;
        }
        let key = k.to_string_lossy();
        let secret = crate::secret::classify::hide_from_agents(&key, &v.to_string_lossy());
        if !secret {
            out.env.push((k.clone(), v.clone()));
        } else if own.contains(&key.as_ref()) || keep.iter().any(|n| n == key.as_ref()) {
            out.kept.push(key.into_owned());
            out.env.push((k.clone(), v.clone()));
        } else {
            out.removed.push((k.clone(), v.clone()));
        }
    }
    out
}

/// What a hidden path is, which decides what is put over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A file: it reads as empty.
    File,
    /// A directory: it reads as empty.
    Dir,
}

/// A path the sandbox hides, canonical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    /// The path.
    pub path: PathBuf,
    /// File or directory.
    pub kind: Kind,
    /// Why (for the summary): an env file, a store, a configured path.
    pub why: Why,
}

/// Why a path is hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// An env file of the project tree.
    EnvFile,
    /// The private stores or the user file.
    Store,
    /// `[agent] hide` or the common credential files.
    Configured,
    /// A service that runs commands outside the sandbox when asked ([`service_sockets`]).
    Service,
}

/// What to hide.
#[derive(Clone, Debug, Default)]
pub struct HideSpec {
    /// The tree whose env files are hidden (the git work tree, or the project).
    pub tree: PathBuf,
    /// `$TKX_DIR`.
    pub tkx_dir: Option<PathBuf>,
    /// `$HOME`, for `~/` in patterns and for [`COMMON_CREDENTIALS`].
    pub home: Option<PathBuf>,
    /// `[agent] hide`: paths or globs, relative to the project, absolute, or `~/…`.
    pub patterns: Vec<String>,
    /// The project directory patterns are relative to.
    pub project: PathBuf,
    /// Also hide [`COMMON_CREDENTIALS`].
    pub common: bool,
    /// Where the env-file walk keeps its record.
    pub cache_dir: Option<PathBuf>,
    /// Files the layers read, whatever their names (`-f secrets.txt`).
    pub files: Vec<PathBuf>,
    /// `$XDG_RUNTIME_DIR`, `$TMUX_TMPDIR` or the temporary directory, and the user, for
    /// [`service_sockets`].
    pub services: Services,
}

/// Where the services that would run a command outside the sandbox listen.
#[derive(Clone, Debug, Default)]
pub struct Services {
    /// `$XDG_RUNTIME_DIR`.
    pub runtime_dir: Option<PathBuf>,
    /// `$TMUX_TMPDIR`, else the temporary directory.
    pub tmux_dir: Option<PathBuf>,
    /// The user's id.
    pub uid: u32,
    /// The user's name (`$USER`), for screen's directory.
    pub user: Option<String>,
}

/// The sockets of services that start a command outside the sandbox for whoever asks:
/// the session D-Bus (`systemd-run --user`, `gdbus call … StartTransientUnit`), the
/// systemd user manager, tmux (`tmux send-keys`) and screen (`screen -X stuff`). They
/// are covered like env files, so connecting to them fails. Abstract sockets (an older
/// D-Bus) and network services are out of a file system view's reach.
pub fn service_sockets(s: &Services) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(run) = &s.runtime_dir {
        out.push(run.join("bus"));
        out.push(run.join("systemd/private"));
        out.push(run.join("systemd/notify"));
    }
    if let Some(t) = &s.tmux_dir {
        out.push(t.join(format!("tmux-{}", s.uid)));
    }
    if let Some(u) = &s.user {
        out.push(PathBuf::from(format!("/run/screen/S-{u}")));
        out.push(PathBuf::from(format!("/var/run/screen/S-{u}")));
    }
    out
}

/// The paths to hide, and whether the tree walk stopped at its limit (so env files
/// past it are not hidden).
pub fn hidden_paths(spec: &HideSpec) -> (Vec<Hidden>, bool) {
    let mut out: Vec<Hidden> = Vec::new();
    let mut add = |path: &Path, why: Why| {
        // Hide where the bytes are: a link is hidden by hiding its target.
        let Ok(real) = path.canonicalize() else { return };
        let Ok(meta) = std::fs::metadata(&real) else { return };
        let kind = if meta.is_dir() { Kind::Dir } else { Kind::File };
        if !out.iter().any(|h| h.path == real) {
            out.push(Hidden { path: real, kind, why });
        }
    };
    let scope = Scope { honors_gitignore: true, hidden: true, ..Scope::default() };
    let walked = walk::env_files(&spec.tree, &scope, spec.cache_dir.as_deref());
    // The guard's walk stops at 20,000 entries; a sandbox must not leave the rest
    // readable, so a large tree is walked again, whole.
    let (found, capped) = if walked.capped { all_env_files(&spec.tree) } else { (walked.candidates, false) };
    for f in &found {
        add(f, Why::EnvFile);
    }
    if let Some(d) = &spec.tkx_dir {
        add(&d.join(".env"), Why::Store);
        add(&d.join("projects"), Why::Store);
    }
    for f in &spec.files {
        if !spec.tkx_dir.as_ref().is_some_and(|d| f.starts_with(d)) {
            add(f, Why::EnvFile);
        }
    }
    for p in service_sockets(&spec.services) {
        add(&p, Why::Service);
    }
    let home = spec.home.as_deref().filter(|h| h.is_absolute());
    if let (true, Some(h)) = (spec.common, home) {
        for rel in COMMON_CREDENTIALS {
            add(&h.join(rel), Why::Configured);
        }
    }
    for p in &spec.patterns {
        for path in expand(p, &spec.project, home) {
            add(&path, Why::Configured);
        }
    }
    (out, capped)
}

/// Most entries [`all_env_files`] visits; a tree larger than this is not a project.
const FULL_WALK_LIMIT: usize = 2_000_000;

/// Every env file under `tree` (symbolic links to directories not followed, the
/// directories of [`walk::SKIP_DIRS`] skipped), and whether the walk stopped at
/// [`FULL_WALK_LIMIT`].
fn all_env_files(tree: &Path) -> (Vec<PathBuf>, bool) {
    let mut found = Vec::new();
    let mut stack = vec![tree.to_path_buf()];
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            seen += 1;
            if seen > FULL_WALK_LIMIT {
                return (found, true);
            }
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                if !walk::SKIP_DIRS.contains(&name.as_ref()) {
                    stack.push(e.path());
                }
            } else if crate::agent::paths::is_protected_name(&name) {
                found.push(e.path());
            }
        }
    }
    (found, false)
}

/// Most entries a pattern's walk visits.
const PATTERN_WALK_LIMIT: usize = 20_000;

/// The existing paths a pattern of `[agent] hide` names: the path itself when it has no
/// glob character; otherwise what the glob matches below its literal leading part
/// (`*` does not cross `/`, `**` does).
pub fn expand(pattern: &str, project: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let joined = match (pattern.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        (Some(_), None) => return Vec::new(),
        (None, _) => project.join(pattern),
    };
    let joined = crate::agent::paths::normalize(&joined);
    if !crate::agent::paths::has_glob(&joined.to_string_lossy()) {
        return if joined.symlink_metadata().is_ok() { vec![joined] } else { Vec::new() };
    }
    let mut base = PathBuf::new();
    let mut rest = PathBuf::new();
    for c in joined.components() {
        if rest.as_os_str().is_empty() && !crate::agent::paths::has_glob(&c.as_os_str().to_string_lossy()) {
            base.push(c);
        } else {
            rest.push(c);
        }
    }
    let Ok(glob) = globset::GlobBuilder::new(&rest.to_string_lossy()).literal_separator(true).build() else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let mut found = Vec::new();
    let mut stack = vec![base.clone()];
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            seen += 1;
            if seen > PATTERN_WALK_LIMIT {
                return found;
            }
            let path = e.path();
            let Ok(rel) = path.strip_prefix(&base) else { continue };
            if matcher.is_match(rel) {
                found.push(path.clone());
            } else if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The sandbox's view of the file system: what is hidden, and the private directory
/// (socket, the empty file and directory put over hidden paths) the outer tkx made.
#[derive(Clone, Debug)]
pub struct View {
    /// The hidden paths.
    pub hidden: Vec<Hidden>,
    /// The outer tkx's directory: read-only inside.
    pub run_dir: PathBuf,
}

impl View {
    /// The empty, read-only file put over hidden files.
    pub fn empty_file(&self) -> PathBuf {
        self.run_dir.join("empty")
    }

    /// The empty, read-only directory put over hidden directories.
    pub fn empty_dir(&self) -> PathBuf {
        self.run_dir.join("empty.d")
    }

    /// The socket `tkx exec` inside connects to.
    pub fn socket(&self) -> PathBuf {
        self.run_dir.join("socket")
    }

    /// The seccomp program bubblewrap loads ([`tty_injection_filter`]).
    pub fn seccomp_file(&self) -> PathBuf {
        self.run_dir.join("seccomp.bpf")
    }

    /// Makes the empty file and directory, and the seccomp program, in the run directory.
    pub fn prepare(&self) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(self.seccomp_file(), tty_injection_filter())?;
        std::fs::write(self.empty_file(), b"")?;
        std::fs::set_permissions(self.empty_file(), std::fs::Permissions::from_mode(0o444))?;
        std::fs::create_dir_all(self.empty_dir())?;
        std::fs::set_permissions(self.empty_dir(), std::fs::Permissions::from_mode(0o555))?;
        Ok(())
    }

    /// bubblewrap's arguments, up to and including `--`: the whole file system as the
    /// user sees it (devices included), no capabilities, a new PID namespace with its own `/proc` (so no
    /// process outside is reachable through `/proc/PID/root` or `/proc/PID/environ`),
    /// every hidden file and directory covered read-only by an empty one, the run
    /// directory read-only, and the sandbox killed with the tkx that started it.
    /// Network, terminal and user stay the user's. `seccomp_fd`: a descriptor open on
    /// [`View::seccomp_file`], inherited by bubblewrap.
    pub fn bwrap_args(&self, cwd: &Path, seccomp_fd: Option<i32>) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let mut push = |s: &[&OsStr]| a.extend(s.iter().map(|s| s.to_os_string()));
        if let Some(fd) = seccomp_fd {
            push(&["--seccomp".as_ref(), fd.to_string().as_ref()]);
        }
        // Run as root, bubblewrap would leave the agent every capability (and so `umount`).
        push(&["--cap-drop".as_ref(), "ALL".as_ref()]);
        push(&["--dev-bind".as_ref(), "/".as_ref(), "/".as_ref()]);
        push(&["--unshare-pid".as_ref(), "--proc".as_ref(), "/proc".as_ref()]);
        push(&["--die-with-parent".as_ref()]);
        let (file, dir) = (self.empty_file(), self.empty_dir());
        for h in &self.hidden {
            let over = if h.kind == Kind::Dir { &dir } else { &file };
            push(&["--ro-bind".as_ref(), over.as_os_str(), h.path.as_os_str()]);
        }
        push(&["--ro-bind".as_ref(), self.run_dir.as_os_str(), self.run_dir.as_os_str()]);
        push(&["--chdir".as_ref(), cwd.as_os_str(), "--".as_ref()]);
        a
    }
}

/// A seccomp program (classic BPF, as bubblewrap's `--seccomp` reads it) that makes
/// `ioctl(fd, TIOCSTI)` and `ioctl(fd, TIOCLINUX)` fail with `EPERM` and allows every
/// other system call. The sandbox shares the user's terminal, and on kernels that still
/// allow it (`dev.tty.legacy_tiocsti = 1`) TIOCSTI pushes input into it: text the
/// user's shell would run after the agent exits, outside the sandbox. Empty on
/// architectures without a table here (x86_64, i386, aarch64, arm are covered).
pub fn tty_injection_filter() -> Vec<u8> {
    const LD_W_ABS: u16 = 0x20;
    const JEQ_K: u16 = 0x15;
    const RET_K: u16 = 0x06;
    const ALLOW: u32 = 0x7fff_0000;
    const EPERM: u32 = 0x0005_0000 | 1;
    const TIOCSTI: u32 = 0x5412;
    const TIOCLINUX: u32 = 0x541c;
    const OFF_NR: u32 = 0;
    const OFF_ARCH: u32 = 4;
    // The low 32 bits of args[1], the ioctl request.
    const OFF_ARG1: u32 = if cfg!(target_endian = "little") { 24 } else { 28 };
    // (audit arch, ioctl's number) for the architectures a process here can call.
    let table: &[(u32, u32)] = if cfg!(target_arch = "x86_64") {
        &[(0xc000_003e, 16), (0xc000_003e, 0x4000_0000 | 514), (0x4000_0003, 54)]
    } else if cfg!(target_arch = "aarch64") {
        &[(0xc000_00b7, 29), (0x4000_0028, 54)]
    } else if cfg!(target_arch = "x86") {
        &[(0x4000_0003, 54)]
    } else if cfg!(target_arch = "arm") {
        &[(0x4000_0028, 54)]
    } else {
        &[]
    };
    if table.is_empty() {
        return Vec::new();
    }
    // Each block is 7 instructions; after the blocks: ALLOW, then DENY.
    const BLOCK: usize = 7;
    let n = table.len() * BLOCK;
    let (allow_at, deny_at) = (n, n + 1);
    let mut prog: Vec<(u16, u8, u8, u32)> = Vec::new();
    let off = |from: usize, to: usize| u8::try_from(to - from - 1).unwrap_or(0);
    for (i, &(arch, nr)) in table.iter().enumerate() {
        let base = i * BLOCK;
        let next = base + BLOCK;
        prog.push((LD_W_ABS, 0, 0, OFF_ARCH));
        prog.push((JEQ_K, 0, off(base + 1, next), arch));
        prog.push((LD_W_ABS, 0, 0, OFF_NR));
        prog.push((JEQ_K, 0, off(base + 3, next), nr));
        prog.push((LD_W_ABS, 0, 0, OFF_ARG1));
        prog.push((JEQ_K, off(base + 5, deny_at), 0, TIOCSTI));
        prog.push((JEQ_K, off(base + 6, deny_at), off(base + 6, allow_at), TIOCLINUX));
    }
    prog.push((RET_K, 0, 0, ALLOW));
    prog.push((RET_K, 0, 0, EPERM));
    let mut out = Vec::with_capacity(prog.len() * 8);
    for (code, jt, jf, k) in prog {
        out.extend_from_slice(&code.to_ne_bytes());
        out.push(jt);
        out.push(jf);
        out.extend_from_slice(&k.to_ne_bytes());
    }
    out
}

/// A `sandbox-exec` (macOS) profile that denies reading and writing the hidden paths
/// and allows everything else. Not yet verified on a Mac.
pub fn macos_profile(hidden: &[Hidden]) -> String {
    let quote = |p: &Path| {
        let s = p.to_string_lossy();
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    };
    let mut s = String::from("(version 1)\n(allow default)\n");
    if hidden.is_empty() {
        return s;
    }
    s.push_str("(deny file-read* file-write*\n");
    for h in hidden {
        let filter = if h.kind == Kind::Dir { "subpath" } else { "literal" };
        s.push_str(&format!("  ({filter} {})\n", quote(&h.path)));
    }
    s.push_str(")\n");
    s
}

/// The sandbox program this machine has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// bubblewrap, at this path (Linux).
    Bwrap(PathBuf),
    /// `sandbox-exec` (macOS).
    SandboxExec(PathBuf),
}

/// Why there is no sandbox here: what is missing and how to install it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// What is missing.
    pub what: String,
    /// How to get it.
    pub install: String,
}

/// How to install bubblewrap.
pub const BWRAP_INSTALL: &str = "install bubblewrap: `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` (Fedora), `pacman -S bubblewrap` (Arch)";

impl Backend {
    /// The backend found on `path_var` (the `PATH` tkx was given).
    pub fn find(path_var: Option<&OsStr>) -> Result<Backend, Missing> {
        if cfg!(target_os = "macos") {
            return crate::fsutil::which(Path::new("sandbox-exec"), path_var)
                .map(Backend::SandboxExec)
                .ok_or_else(|| Missing {
                    what: "sandbox-exec is not on PATH".into(),
                    install: "it ships with macOS at /usr/bin/sandbox-exec: add /usr/bin to PATH".into(),
                });
        }
        if !cfg!(target_os = "linux") {
            return Err(Missing {
                what: "tkx agent run has a sandbox for Linux (bubblewrap) and macOS only".into(),
                install: "run the agent on Linux or macOS, or in a Linux container".into(),
            });
        }
        crate::fsutil::which(Path::new("bwrap"), path_var).map(Backend::Bwrap).ok_or_else(|| Missing {
            what: "bwrap (bubblewrap) is not on PATH; tkx agent run needs it to start the agent in a sandbox"
                .into(),
            install: BWRAP_INSTALL.into(),
        })
    }

    /// The program, for messages.
    pub fn describe(&self) -> String {
        match self {
            Backend::Bwrap(p) => format!("bubblewrap ({})", p.display()),
            Backend::SandboxExec(p) => format!("sandbox-exec ({}, not yet verified)", p.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn os(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs.iter().map(|(k, v)| (OsString::from(k), OsString::from(v))).collect()
    }

    #[test]
    fn agent_env_removes_secrets_but_the_agents_own() {
        let process = os(&[
            ("PATH", "/usr/bin"),
            ("OPENAI_PAT", "sk-proj-SANDBOXtest0123456789abcdefghij"),
            ("ANTHROPIC_API_KEY", "sk-ant-api03-SANDBOXtest0123456789abcdefghij"),
            ("GITHUB_TOKEN", "ghp_R8k2Lq9ZxT4mN7vB1cW5yH3jD6fG0sAeUoPi"),
            ("PORT", "8080"),
            (SOCKET_VAR, "/tmp/x"),
        ]);
        let a = agent_env(&process, OsStr::new("/usr/local/bin/claude"), &["GITHUB_TOKEN".into()]);
        let names: Vec<String> = a.env.iter().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["PATH", "ANTHROPIC_API_KEY", "GITHUB_TOKEN", "PORT"]);
        assert_eq!(a.removed_names(), ["OPENAI_PAT"]);
        assert_eq!(a.kept, ["ANTHROPIC_API_KEY", "GITHUB_TOKEN"]);
        let b = agent_env(&process, OsStr::new("codex"), &[]);
        assert_eq!(b.removed_names(), ["OPENAI_PAT", "ANTHROPIC_API_KEY", "GITHUB_TOKEN"]);
        assert!(b.kept.is_empty());
    }

    #[test]
    fn hidden_paths_cover_env_files_stores_and_patterns() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let p = root.join("p");
        fs::create_dir_all(p.join("svc/api")).unwrap();
        fs::create_dir_all(p.join("keys")).unwrap();
        fs::write(p.join(".env"), "A=1\n").unwrap();
        fs::write(p.join(".env.example"), "A=\n").unwrap();
        fs::write(p.join("svc/api/.env.local"), "B=1\n").unwrap();
        fs::write(p.join("keys/a.pem"), "x").unwrap();
        fs::write(p.join("keys/b.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("outside.env"), p.join("svc/.env.prod")).unwrap();
        fs::write(root.join("outside.env"), "C=1\n").unwrap();
        let tkx = root.join("tkx");
        fs::create_dir_all(tkx.join("projects/p-1")).unwrap();
        fs::write(tkx.join(".env"), "D=1\n").unwrap();
        let home = root.join("home");
        fs::create_dir_all(home.join(".aws")).unwrap();
        fs::write(home.join(".aws/credentials"), "x").unwrap();
        fs::write(home.join(".netrc"), "x").unwrap();
        let spec = HideSpec {
            tree: p.clone(),
            tkx_dir: Some(tkx.clone()),
            home: Some(home.clone()),
            patterns: vec!["keys/*.pem".into(), "~/.netrc".into(), "nothing/here".into()],
            project: p.clone(),
            common: false,
            cache_dir: None,
            files: vec![p.join("keys/b.txt")],
            services: Services::default(),
        };
        let (hidden, capped) = hidden_paths(&spec);
        assert!(!capped);
        let mut paths: Vec<PathBuf> = hidden.iter().map(|h| h.path.clone()).collect();
        paths.sort();
        let mut want = vec![
            p.join(".env"),
            p.join("svc/api/.env.local"),
            root.join("outside.env"),
            tkx.join(".env"),
            tkx.join("projects"),
            p.join("keys/a.pem"),
            p.join("keys/b.txt"),
            home.join(".netrc"),
        ];
        want.sort();
        assert_eq!(paths, want);
        assert!(hidden.iter().any(|h| h.path == tkx.join("projects") && h.kind == Kind::Dir));
        let run = root.join("run");
        fs::create_dir_all(run.join("systemd")).unwrap();
        fs::write(run.join("bus"), "").unwrap();
        fs::write(run.join("systemd/private"), "").unwrap();
        fs::create_dir_all(root.join("tmp/tmux-1000")).unwrap();
        let services = Services {
            runtime_dir: Some(run.clone()),
            tmux_dir: Some(root.join("tmp")),
            uid: 1000,
            user: Some("nobody-here".into()),
        };
        let with = hidden_paths(&HideSpec { services, ..spec.clone() }).0;
        let svc: Vec<&Path> =
            with.iter().filter(|h| h.why == Why::Service).map(|h| h.path.as_path()).collect();
        assert_eq!(svc, [run.join("bus"), run.join("systemd/private"), root.join("tmp/tmux-1000")]);
        let common = hidden_paths(&HideSpec { common: true, patterns: vec![], ..spec }).0;
        assert!(common.iter().any(|h| h.path == home.join(".aws/credentials")));
    }

    #[test]
    fn the_full_walk_finds_every_env_file() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        for d in ["a/b/c", "node_modules/x", "d"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        for f in ["a/b/c/.env.prod", "d/.ENV", "d/.env.example", "node_modules/x/.env", "a/main.rs"] {
            fs::write(root.join(f), "").unwrap();
        }
        let (mut found, capped) = all_env_files(&root);
        found.sort();
        assert!(!capped);
        assert_eq!(found, [root.join("a/b/c/.env.prod"), root.join("d/.ENV")]);
    }

    #[test]
    fn bwrap_arguments() {
        let view = View {
            hidden: vec![
                Hidden { path: "/p/.env".into(), kind: Kind::File, why: Why::EnvFile },
                Hidden { path: "/t/projects".into(), kind: Kind::Dir, why: Why::Store },
            ],
            run_dir: "/run/tkx-1".into(),
        };
        let args: Vec<String> = view
            .bwrap_args(Path::new("/p/src"), Some(7))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "--seccomp 7 --cap-drop ALL --dev-bind / / --unshare-pid --proc /proc --die-with-parent \
             --ro-bind /run/tkx-1/empty /p/.env --ro-bind /run/tkx-1/empty.d /t/projects \
             --ro-bind /run/tkx-1 /run/tkx-1 --chdir /p/src --"
        );
    }

    #[test]
    fn the_seccomp_program_is_well_formed() {
        let prog = tty_injection_filter();
        if !cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
            return;
        }
        assert_eq!(prog.len() % 8, 0);
        let n = prog.len() / 8;
        let insn = |i: usize| {
            let b = &prog[i * 8..i * 8 + 8];
            (
                u16::from_ne_bytes([b[0], b[1]]),
                b[2] as usize,
                b[3] as usize,
                u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            )
        };
        // Ends with ALLOW then EPERM; every jump lands inside the program.
        assert_eq!(insn(n - 2), (0x06, 0, 0, 0x7fff_0000));
        assert_eq!(insn(n - 1), (0x06, 0, 0, 0x0005_0001));
        for i in 0..n {
            let (code, jt, jf, _) = insn(i);
            if code == 0x15 {
                assert!(i + 1 + jt < n && i + 1 + jf < n, "jump out of range at {i}");
            }
        }
        // TIOCSTI leads to EPERM, once the architecture and ioctl matched.
        assert_eq!(insn(5).3, 0x5412);
        assert_eq!(5 + 1 + insn(5).1, n - 1);
    }

    #[test]
    fn macos_profile_denies_the_same_paths() {
        let hidden = vec![
            Hidden { path: "/Users/a/p/.env".into(), kind: Kind::File, why: Why::EnvFile },
            Hidden { path: "/Users/a/Library/tkx/projects".into(), kind: Kind::Dir, why: Why::Store },
            Hidden { path: "/Users/a/we\"ird\\.env".into(), kind: Kind::File, why: Why::EnvFile },
        ];
        assert_eq!(
            macos_profile(&hidden),
            "(version 1)\n(allow default)\n(deny file-read* file-write*\n  \
             (literal \"/Users/a/p/.env\")\n  (subpath \"/Users/a/Library/tkx/projects\")\n  \
             (literal \"/Users/a/we\\\"ird\\\\.env\")\n)\n"
        );
        assert_eq!(macos_profile(&[]), "(version 1)\n(allow default)\n");
    }
}
