//! Commands that run other commands: wrappers (`sudo`, `timeout 5`, `env A=1`, `npx`,
//! `uv run`, …) stripped before judging, nested shells (`bash -c`, a here-document fed
//! to a shell), `eval`, `su -c`, `xargs CMD`, and the remote runners `ssh`, `docker`,
//! `podman`, `kubectl`, whose files are another machine's.
//!
//! It owns unwrapping and re-judging nested command lines one level deeper. It must
//! not judge a program's own reads: the unwrapped command goes back to the dispatcher.

use super::{Run, check_depth};
use crate::agent::Decision;
use crate::agent::shell::lexer::{SUB, Simple, restore};
use crate::agent::shell::words::{
    ENV_RUNNERS, RESERVED, SAFE_WITH_FILES, SHELLS, WRAPPERS, interpreter, is_assignment, program, runner,
    skip_options,
};
use std::path::{Path, PathBuf};

/// Options of `uv run`, `poetry run`, `npx`, … that take the next word as their value.
const RUNNER_VALUE_OPTIONS: &[&str] = &[
    "--env-file",
    "--with",
    "--with-requirements",
    "--python",
    "-p",
    "--directory",
    "--project",
    "--package",
    "--from",
    "--extra",
    "--group",
    "--index",
    "--index-url",
    "-w",
    "--workspace",
    "-n",
    "--name",
    "-e",
    "--environment",
];

impl Run<'_> {
    /// Strips wrappers (`sudo`, `env A=1`, `timeout 5`, `npx`, `uv run`, …) and
    /// compound-command words from the front of `argv`. `Some` when that settles the
    /// command: nothing is left to run (allowed), or a bare `env` prints the environment.
    pub(super) fn unwrap_wrappers(&self, argv: &mut Vec<String>) -> Option<Decision> {
        loop {
            let Some(first) = argv.first() else { return Some(Decision::Allow) };
            let name = program(&self.clean(first));
            if RESERVED.contains(&name.as_str()) {
                argv.remove(0);
                continue;
            }
            if WRAPPERS.contains(&name.as_str()) {
                argv.remove(0);
                skip_options(argv, &name);
                continue;
            }
            if let Some(skip) = runner(&name, argv.get(1).map(|w| self.clean(w)).as_deref()) {
                // `uv run CMD`, `npx CMD`, `poetry run CMD`: the rest is the command.
                argv.drain(..skip.min(argv.len()));
                while let Some(w) = argv.first().map(|w| self.clean(w)).filter(|w| w.starts_with('-')) {
                    argv.remove(0);
                    // `uv run --env-file .env printenv`: an option's value is not the command.
                    if RUNNER_VALUE_OPTIONS.contains(&w.as_str()) && !argv.is_empty() {
                        argv.remove(0);
                    }
                }
                continue;
            }
            if name == "env"
                && argv[1..].iter().any(|w| matches!(self.clean(w).as_str(), "--help" | "--version"))
            {
                return Some(Decision::Allow);
            }
            if name == "env" && argv.len() > 1 {
                // `env [-i] [-u X] [A=b]… CMD`: with a command it is a wrapper.
                let mut rest = argv[1..].to_vec();
                while let Some(w) = rest.first() {
                    let w = self.clean(w);
                    if w == "-u" || w == "--unset" || w == "-C" || w == "--chdir" || w == "-S" {
                        rest.remove(0);
                        if !rest.is_empty() {
                            rest.remove(0);
                        }
                    } else if w.starts_with('-') || is_assignment(&w) {
                        rest.remove(0);
                    } else {
                        break;
                    }
                }
                if rest.is_empty() {
                    return Some(Decision::env("`env` prints the environment"));
                }
                *argv = rest;
                continue;
            }
            break;
        }
        None
    }

    /// `dotenv -- CMD`, `op run -- CMD`, `direnv exec . CMD`, …: the command that a
    /// program which loads secrets into its environment runs, to be judged as under `tkx
    /// exec`. `None`: not one of these ([`ENV_RUNNERS`]).
    pub(super) fn env_runner(&self, argv: &[String]) -> Option<Vec<String>> {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let mut name = program(&words[0]);
        let mut start = 1;
        if interpreter(&name) == Some("python") {
            // `python -m dotenv run CMD`.
            let m = words.windows(2).position(|w| w[0] == "-m" && w[1] == "dotenv")?;
            name = "dotenv".into();
            start = m + 2;
        }
        // The first word that is not an option (or an option's value) from `from`.
        let skip_options = |mut i: usize, valued: &[&str]| {
            while let Some(w) = words.get(i) {
                if valued.contains(&w.as_str()) {
                    i += 2;
                } else if w.starts_with('-') && w != "--" {
                    i += 1;
                } else {
                    break;
                }
            }
            i
        };
        let (i, operands) = ENV_RUNNERS.iter().find_map(|(p, sub, operands, valued)| {
            if *p != name {
                return None;
            }
            if sub.is_empty() {
                // python-dotenv's `dotenv list|get|set|unset` share the name (`loaders`).
                let at = skip_options(start, valued);
                let python_dotenv =
                    words.get(at).is_some_and(|w| matches!(w.as_str(), "list" | "get" | "set" | "unset"));
                return (!python_dotenv).then_some((start, *operands));
            }
            let at = skip_options(start, valued);
            (words.get(at).is_some_and(|w| w == sub)).then_some((at + 1, *operands))
        })?;
        let valued = ENV_RUNNERS.iter().find(|(p, _, _, _)| *p == name).map_or(&[][..], |r| r.3);
        if let Some(dd) = words[i.min(words.len())..].iter().position(|w| w == "--") {
            return Some(argv[i + dd + 1..].to_vec());
        }
        let mut at = skip_options(i, valued);
        at = (at + operands).min(argv.len());
        Some(argv[skip_options(at, valued).min(argv.len())..].to_vec())
    }

    /// The command a container or pod runs (`docker exec web env`, `docker compose run
    /// app printenv`, `kubectl exec pod -- env`): its environment holds the keys its env
    /// files and settings gave it, so the command is judged as under `tkx exec`. `None`:
    /// not such a command.
    pub(super) fn container_command(&self, argv: &[String]) -> Option<Vec<String>> {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let name = program(&words[0]);
        let mut i = 1;
        match name.as_str() {
            "docker" | "podman" | "nerdctl" => {
                if words.get(1).is_some_and(|w| w == "compose" || w == "container") {
                    i = 2;
                }
            }
            "docker-compose" | "podman-compose" | "kubectl" | "oc" => {}
            _ => return None,
        }
        if !words.get(i).is_some_and(|w| w == "exec" || w == "run") {
            return None;
        }
        i += 1;
        if let Some(dd) = words[i..].iter().position(|w| w == "--") {
            return Some(argv[i + dd + 1..].to_vec());
        }
        // Options (some with a value), then the container, image, service or pod.
        const VALUED: &[&str] = &[
            "-e",
            "--env",
            "--env-file",
            "-u",
            "--user",
            "-w",
            "--workdir",
            "-v",
            "--volume",
            "-p",
            "--publish",
            "--name",
            "--network",
            "--entrypoint",
            "-l",
            "--label",
            "--mount",
            "--platform",
            "-c",
            "--container",
            "-n",
            "--namespace",
            "--index",
            "--pull",
            "--add-host",
            "--hostname",
        ];
        while let Some(w) = words.get(i) {
            if VALUED.contains(&w.as_str()) {
                i += 2;
            } else if w.starts_with('-') {
                i += 1;
            } else {
                break;
            }
        }
        Some(argv.get(i + 1..).map(<[String]>::to_vec).unwrap_or_default())
    }

    /// Nested command lines: a shell's `-c` string or here-documents, `eval`, `su -c`,
    /// and the remote runners `ssh`, `docker`, `podman`, `kubectl` (only a local env file
    /// named as an argument counts). `None`: not one of these.
    pub(super) fn nested_line(
        &self,
        argv: &[String],
        cmd: &Simple,
        cwd: &Path,
        depth: usize,
        injected: bool,
    ) -> Option<Decision> {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let name = program(&words[0]);
        let name = name.as_str();
        let args = &words[1..];
        // Nested command lines.
        if SHELLS.contains(&name) {
            let script_at = words
                .iter()
                .skip(1)
                .position(|a| a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.ends_with('c')));
            // `bash -x`, `sh -xc`, `bash -o xtrace`: every command is printed, expanded,
            // on standard error.
            let options = &words[1..script_at.map_or(words.len(), |p| p + 2)];
            let traced = !self.stderr_discarded
                && (self.xtrace
                    || options.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                    || options.windows(2).any(|w| w[0] == "-o" && w[1] == "xtrace"));
            if let Some(pos) = script_at {
                if let Some(script) = argv.get(pos + 2) {
                    return Some(self.nested(script, cwd, depth, injected, traced));
                }
            }
            for (body, _) in &cmd.heredocs {
                let d = check_depth(self.guard, body, cwd, depth + 1, injected, traced);
                if d.is_deny() {
                    return Some(d);
                }
            }
            if let Some(hit) = args.iter().filter(|a| !a.starts_with('-')).find_map(|a| self.reads(a, cwd)) {
                return Some(Decision::file(format!("this command reads {hit}")));
            }
            if traced && injected && args.iter().any(|a| !a.starts_with('-')) {
                return Some(Decision::env(format!(
                    "`{name} -x` under `tkx exec` prints every command of the script with its secrets expanded; drop -x, send stderr to /dev/null, or use `tkx exec --redact`"
                )));
            }
            return Some(Decision::Allow);
        }
        if name == "eval" {
            let script = argv[1..].iter().map(|w| restore(&self.strip_subs(w))).collect::<Vec<_>>().join(" ");
            return Some(check_depth(self.guard, &script, cwd, depth + 1, injected, self.xtrace));
        }
        if name == "script" {
            // `script -qc 'CMD' /dev/null`: CMD runs in a shell, its output recorded and shown.
            if let Some(pos) = words.iter().position(|a| {
                a == "-c"
                    || a == "--command"
                    || (a.starts_with('-') && !a.starts_with("--") && a.ends_with('c'))
            }) {
                if let Some(script) = argv.get(pos + 1) {
                    return Some(self.nested(script, cwd, depth, injected, false));
                }
            }
        }
        if name == "su" || name == "runuser" {
            if let Some(pos) = words.iter().position(|a| a == "-c" || a == "--command") {
                if let Some(script) = argv.get(pos + 1) {
                    return Some(self.nested(script, cwd, depth, injected, false));
                }
            }
        }
        if name == "ssh" || name == "docker" || name == "podman" || name == "kubectl" {
            // Another machine or container: its files are not this project's. Only a
            // local env file named as an argument counts (`docker cp .env c:/`).
            let reads = args
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    !(name == "docker" || name == "podman")
                        || !matches!(args.get(i.wrapping_sub(1)).map(String::as_str), Some("--env-file"))
                })
                .filter(|(_, a)| !a.starts_with("--env-file="))
                .find_map(|(_, a)| self.reads(a, cwd));
            if let Some(hit) = reads {
                return Some(Decision::file(format!("this command reads {hit}")));
            }
            return Some(Decision::Allow);
        }
        None
    }

    /// Judges a nested shell's script (`bash -c '…'`, `su -c '…'`) from scratch, one
    /// level deeper; `traced` when that shell prints its commands (`bash -x -c`).
    pub(super) fn nested(
        &self,
        script: &str,
        cwd: &Path,
        depth: usize,
        injected: bool,
        traced: bool,
    ) -> Decision {
        check_depth(self.guard, &restore(&self.strip_subs(script)), cwd, depth + 1, injected, traced)
    }

    /// A word with its substitution placeholders removed (for nested shells, whose text
    /// is judged again from scratch).
    pub(super) fn strip_subs(&self, w: &str) -> String {
        // Substitutions were already parsed as commands of their own and are judged in
        // order; the nested text is judged without them.
        let mut out = String::new();
        let mut in_sub = false;
        for c in w.chars() {
            if c == SUB {
                in_sub = !in_sub;
            } else if !in_sub {
                out.push(c);
            }
        }
        out
    }

    /// `… | xargs CMD`: CMD reads the files an earlier stage names.
    pub(super) fn xargs(
        &mut self,
        cmd: &Simple,
        argv: &[String],
        cwd: &mut PathBuf,
        depth: usize,
        injected: bool,
    ) -> Decision {
        let mut rest: Vec<String> = argv[1..].to_vec();
        while rest.first().is_some_and(|w| self.clean(w).starts_with('-')) {
            let w = self.clean(&rest.remove(0));
            if matches!(w.as_str(), "-I" | "-n" | "-P" | "-L" | "-d" | "-s" | "-a" | "-E") && !rest.is_empty()
            {
                rest.remove(0);
            }
        }
        if rest.is_empty() {
            rest.push("echo".into());
        }
        let d = self.argv(cmd, rest.clone(), cwd, depth, injected);
        if d.is_deny() {
            return d;
        }
        let p = program(&self.clean(&rest[0]));
        if SAFE_WITH_FILES.contains(&p.as_str()) {
            return Decision::Allow;
        }
        if let Some(hit) = self.piped_names(cmd, cwd).into_iter().next() {
            return Decision::file(format!(
                "`xargs {p}` would read {hit}, which the listing before it prints"
            ));
        }
        let upstream_names_env = self.parsed.commands.iter().any(|c| {
            c.pipeline == cmd.pipeline
                && c.stage < cmd.stage
                && c.words.iter().skip(1).any(|w| {
                    let w = self.clean(w);
                    self.names_env(&w, cwd) || w.contains(".env") && !w.contains(".env.example")
                })
        });
        if upstream_names_env {
            return Decision::file(format!("`xargs {p}` would read the env files named before it"));
        }
        Decision::Allow
    }
}
