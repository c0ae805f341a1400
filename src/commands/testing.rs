//! What the unit tests of `set`, `rotate` and `init` share: a project in a temporary
//! directory and a way to run a command in it with a scripted prompt.

use crate::Io;
use crate::cli::{Cli, Command};
use crate::prompt::Scripted;
use clap::Parser;
use std::fs;
use std::path::PathBuf;

/// A key that must never show in any output.
pub(crate) const KEY: &str = "sk-proj-UNITtestKEY0123456789abcdefghiJKLM";

pub(crate) struct Fixture {
    _t: tempfile::TempDir,
    pub(crate) root: PathBuf,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("p")).unwrap();
        Fixture { _t: t, root }
    }

    /// Runs `tkx -C p ARGS…` with `prompt`; returns the exit code (or the error's),
    /// stdout and stderr.
    pub(crate) fn run(&self, args: &[&str], prompt: &mut Scripted) -> (u8, String, String) {
        let p = self.root.join("p");
        let mut argv = vec!["tkx", "-C", p.to_str().unwrap()];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = Io { input: None, out: &mut out, err: &mut err, out_is_tty: false, err_is_tty: false };
        let process = vec![("TKX_DIR".into(), self.root.join("tkx").into_os_string())];
        let code = {
            let mut ctx = crate::commands::Context::new(&cli, &mut io, process).unwrap();
            let r = match &cli.command {
                Command::Set(a) => crate::commands::set::run_with(&mut ctx, a, prompt),
                Command::Rotate(a) => crate::commands::rotate::run_with(&mut ctx, a, prompt),
                Command::Init(a) => crate::commands::init::run_with(&mut ctx, a, prompt),
                _ => unreachable!(),
            };
            match r {
                Ok(c) => c,
                Err(e) => {
                    crate::report_error(ctx.io.err, &e);
                    e.exit_code()
                }
            }
        };
        let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
        assert!(!out.contains(KEY) && !err.contains(KEY), "leak:\n{out}\n{err}");
        (code, out, err)
    }

    /// The project's `.env`, or nothing.
    pub(crate) fn env(&self) -> String {
        fs::read_to_string(self.root.join("p/.env")).unwrap_or_default()
    }
}
