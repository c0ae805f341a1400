//! TestEnv: a temporary project with a hermetic environment, and the no-leak check.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A temporary directory holding a project, a home and a `$TKX_DIR`.
pub struct TestEnv {
    _dir: tempfile::TempDir,
    /// The canonical root of the temporary directory.
    pub root: PathBuf,
}

impl TestEnv {
    /// A plain project directory (`root/project`), not in git.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        for d in ["project", "home", "tkx"] {
            fs::create_dir_all(root.join(d)).expect("mkdir");
        }
        // As `tkx set` would create it: private to the user.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(root.join("tkx"), fs::Permissions::from_mode(0o700)).expect("chmod");
        TestEnv { _dir: dir, root }
    }

    /// A project that is the root of a git work tree.
    pub fn git_repo() -> Self {
        let env = Self::new();
        env.git(&["init", "-q"]);
        env
    }

    /// Runs git in the project directory (see [`TestEnv::git_output`]) and asserts success.
    pub fn git(&self, args: &[&str]) {
        let out = self.git_output(args);
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Sets a file's mode.
    pub fn chmod(&self, path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
    }

    /// A file's mode.
    pub fn mode(&self, path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    /// The project directory.
    pub fn project(&self) -> PathBuf {
        self.root.join("project")
    }

    /// `$TKX_DIR`.
    pub fn tkx_dir(&self) -> PathBuf {
        self.root.join("tkx")
    }

    /// Writes a file relative to the project, creating directories.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.project().join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, content).expect("write");
        p
    }

    /// Writes a file at an absolute path, creating directories.
    pub fn write_abs(&self, path: &Path, content: impl AsRef<[u8]>) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, content).expect("write");
    }

    /// `tkx` run in the project directory with only PATH, HOME and TKX_DIR set.
    pub fn tkx<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.tkx_in(&self.project(), args)
    }

    /// `tkx` run in `dir`.
    pub fn tkx_in<I, S>(&self, dir: &Path, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.process(assert_cmd::cargo::cargo_bin!("tkx"));
        cmd.current_dir(dir).args(args);
        Command::from_std(cmd)
    }

    /// `program` as a plain process (for a terminal, signals or a shell around tkx), in
    /// the project directory with only PATH, HOME and TKX_DIR set.
    pub fn process(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.join("home"))
            .env("TKX_DIR", self.tkx_dir())
            .current_dir(self.project());
        cmd
    }
}

/// The text of a file under the project, `None` when it cannot be read.
pub fn read(env: &TestEnv, rel: &str) -> Option<String> {
    std::fs::read_to_string(env.project().join(rel)).ok()
}

/// A hook's command line run as an agent host runs it: `sh -c`, the payload on stdin, in
/// the project, with `path` as PATH.
pub fn run_hook_line(env: &TestEnv, line: &str, payload: &serde_json::Value, path: &str) -> Output {
    use std::io::Write;
    let mut child = env
        .process("/bin/sh")
        .args(["-c", line])
        .env("PATH", path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A command that fails before reading its input (tkx missing) closes the pipe early:
    // that is fine.
    let _ = child.stdin.take().unwrap().write_all(payload.to_string().as_bytes());
    child.wait_with_output().unwrap()
}

/// Fails if `secret` appears anywhere in the output.
pub fn assert_no_leak(output: &Output, secret: &str) {
    for (name, stream) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(secret), "the secret leaked on {name}:\n{text}");
    }
}

/// stdout as a String.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as a String.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Whether a program is on PATH.
pub fn has(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

impl TestEnv {
    /// Runs git with tkx on PATH (so installed hooks find it) and the hermetic
    /// environment; returns the output without asserting success.
    pub fn git_output(&self, args: &[&str]) -> Output {
        let bin_dir =
            Path::new(assert_cmd::cargo::cargo_bin!("tkx")).parent().expect("bin dir").to_path_buf();
        let mut path = std::ffi::OsString::from(bin_dir);
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        let mut git = std::process::Command::new("git");
        // Variables git hands a hook (GIT_DIR, GIT_INDEX_FILE, …) would point these
        // commands at another repository when the tests run from inside one.
        for (k, _) in std::env::vars_os() {
            if k.to_str().is_some_and(|k| k.starts_with("GIT_")) {
                git.env_remove(k);
            }
        }
        git.args([
            "-c",
            "user.name=tkx test",
            "-c",
            "user.email=test@tkx.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(self.project())
        .env("PATH", path)
        .env("HOME", self.root.join("home"))
        .env("XDG_CONFIG_HOME", self.root.join("home/.config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TKX_DIR", self.tkx_dir())
        .output()
        .expect("git runs")
    }

    /// The commit HEAD points at, or `None` before the first commit.
    pub fn head(&self) -> Option<String> {
        let out = self.git_output(&["rev-parse", "--verify", "-q", "HEAD"]);
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// The tkx binary under test, for tests that start it through a shell or a terminal.
pub fn tkx_path() -> PathBuf {
    PathBuf::from(assert_cmd::cargo::cargo_bin!("tkx"))
}

/// The names in a directory, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether this process ignores file permissions (root): tests of read-only
/// directories and files then skip, saying so.
pub fn ignores_permissions(scratch: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch.join("permission-probe");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).expect("chmod");
    let privileged = fs::write(dir.join("probe"), "x").is_ok();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).expect("chmod");
    fs::remove_dir_all(&dir).expect("cleanup");
    privileged
}

/// The JSON report of `doctor`, `scan` and `hook`, deserialized strictly: a renamed or
/// unexpected field fails the test (the JSON shape is an API).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonReport {
    /// The findings.
    pub findings: Vec<JsonFinding>,
    /// Counts by severity.
    pub summary: JsonSummary,
}

/// One finding in a JSON report.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct JsonFinding {
    pub rule: String,
    pub severity: String,
    pub path: Option<String>,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fingerprint: Option<String>,
    pub masked: Option<String>,
    pub hint: Option<String>,
    pub commit: Option<String>,
    pub date: Option<String>,
}

/// The summary of a JSON report.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonSummary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}
