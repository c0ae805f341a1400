//! One file per subcommand: flags become a checked plan, engines do the work, and
//! the results are written to the handles `main` passed in.

pub mod agent;
#[cfg(unix)]
pub mod agent_run;
pub mod completions;
pub mod dialogue;
pub mod diff;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod get;
pub mod hook;
pub mod init;
pub mod move_keys;
pub mod redact;
pub mod references;
pub mod rotate;
pub mod scan;
pub mod set;
#[cfg(test)]
pub(crate) mod testing;
pub mod unset;

use crate::Io;
use crate::cli::{Cli, ColorChoice};
use crate::error::Error;
use crate::layers::{self, Resolution, Status};
use crate::project::Project;
use crate::report::{Finding, Painter, write_finding};
use std::ffi::OsString;
use std::rc::Rc;

/// What every command shares: the output handles, the global flags as a plan, and
/// the process environment as inherited.
pub struct Context<'a, 'io> {
    /// stdout and stderr.
    pub io: &'a mut Io<'io>,
    /// Colour for stdout.
    pub out_paint: Painter,
    /// Colour for stderr.
    pub err_paint: Painter,
    /// `-q`.
    pub quiet: bool,
    /// `-v` / `TKX_DEBUG`.
    pub verbose: bool,
    /// The project this run acts on: its directory, layers, config, repository, files.
    pub project: Project,
    /// Whether `-C` moved tkx away from the directory it was started in.
    pub changed_dir: bool,
}

impl<'a, 'io> Context<'a, 'io> {
    /// Checks the global flags and snapshots the environment.
    pub fn new(cli: &Cli, io: &'a mut Io<'io>, process: Vec<(OsString, OsString)>) -> Result<Self, Error> {
        let process = layers::ProcessEnv::new(process);
        let no_color = process.get_nonempty("NO_COLOR").is_some();
        let paint = |tty: bool| {
            Painter::new(match cli.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => tty && !no_color,
            })
        };
        let (out_paint, err_paint) = (paint(io.out_is_tty), paint(io.err_is_tty));

        let start = std::env::current_dir()
            .map_err(|source| Error::Io { doing: "reading the current directory".into(), source })?;
        let wanted = match &cli.directory {
            Some(d) => start.join(d),
            None => start.clone(),
        };
        let cwd = wanted
            .canonicalize()
            .map_err(|source| Error::Io { doing: format!("-C {}", wanted.display()), source })?;
        if !cwd.is_dir() {
            return Err(Error::usage(format!("-C {}: not a directory", wanted.display()), None));
        }
        let profile = cli.profile.clone().filter(|p| !p.is_empty());
        if let Some(p) = &profile {
            if !crate::secret::is_plain_name(p, |_| false) {
                return Err(Error::usage(
                    format!("invalid profile name {:?}", crate::secret::shown_name(p, |_| false)),
                    Some(
                        "a profile names the file .env.<profile>: use letters, digits, `_`, `.` or `-`"
                            .into(),
                    ),
                ));
            }
        }
        let tkx_dir = process
            .get("TKX_DIR")
            .filter(|d| !d.is_empty())
            .map(|d| start.join(d))
            .or_else(layers::discover::default_tkx_dir);
        Ok(Context {
            io,
            out_paint,
            err_paint,
            quiet: cli.quiet,
            verbose: cli.verbose,
            project: Project::new(layers::Options {
                cwd,
                files: cli.files.clone(),
                profile,
                no_user: cli.no_user,
                override_env: cli.override_env,
                tkx_dir,
                process,
            }),
            changed_dir: cli.directory.is_some(),
        })
    }

    /// Writes a finding to stderr unless `-q`. A closed stderr is not worth failing over.
    pub fn warn(&mut self, finding: &Finding) {
        if !self.quiet {
            let _ = write_finding(self.io.err, finding, self.err_paint);
        }
    }

    /// How `name`, taken from where a key name goes, may appear in a message: itself, or
    /// masked when it is no valid key name, looks like a secret value or is a loaded value
    /// ([`crate::secret::shown_name`]; loaded values count once the layers are loaded).
    pub fn shown_name<'n>(&self, name: &'n str) -> std::borrow::Cow<'n, str> {
        let res = if self.project.is_resolved() { self.project.resolution().ok() } else { None };
        crate::secret::shown_name(name, |t| res.as_ref().is_some_and(|r| r.holds_value(t)))
    }

    /// Refuses text given to `flag` as a key name when it is no valid key name or looks
    /// like a secret value, without repeating it: `tkx get`, `env --explain`,
    /// `exec --require/--only` and `scan --value-of` look keys up by name.
    pub fn key_arg<'n>(&self, flag: &str, name: &'n str) -> Result<&'n str, Error> {
        let shown = self.shown_name(name);
        if shown == name {
            return Ok(name);
        }
        if crate::envfile::is_valid_key(name) {
            return Err(Error::usage(
                format!("{flag}: that looks like a secret value, not a key name ({shown})"),
                Some(
                    "name the variable, e.g. OPENAI_API_KEY. A value typed on the command line stays in your shell history: delete it there, and rotate the key if anyone else can read that history"
                        .into(),
                ),
            ));
        }
        Err(Error::usage(
            format!("{flag}: not a valid key name ({shown})"),
            Some("keys use letters, digits, `_`, `.` and `-`, e.g. OPENAI_API_KEY".into()),
        ))
    }

    /// A line of `-v` output on stderr.
    pub fn debug(&mut self, line: &str) {
        if self.verbose {
            let _ = writeln!(self.io.err, "tkx: {line}");
        }
    }

    /// The project's resolved layers. The first call in a run reports what loading found
    /// (malformed lines and unreadable files always unless `-q`, everything else with
    /// `-v`) and records first-seen fingerprints; this is the one place that does.
    pub fn load(&mut self) -> Result<Rc<Resolution>, Error> {
        if self.project.is_resolved() {
            return self.project.resolution();
        }
        let res = self.project.resolution()?;
        crate::rotation::record_seen(self.project.tkx_dir(), &res);
        if self.verbose {
            self.debug(&format!("project directory: {}", res.project_dir.display()));
            for s in &res.sources {
                let status = match &s.status {
                    Status::Loaded(n) => format!("{n} statements"),
                    Status::Absent => "not found".to_owned(),
                    Status::Skipped(why) => format!("skipped ({why})"),
                };
                self.debug(&format!("read {} ({}): {status}", s.display, s.layer.name()));
            }
        }
        for f in &res.findings {
            if f.on_load || self.verbose {
                self.warn(&f.finding);
            }
        }
        if let Some(p) = res.missing_profile() {
            if !self.quiet {
                let _ = writeln!(
                    self.io.err,
                    "tkx: warning: there is no {} for this profile: only the other layers are loaded",
                    p.display
                );
            }
        }
        Ok(res)
    }
}
