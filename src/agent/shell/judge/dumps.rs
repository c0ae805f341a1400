//! Environment dumps and printed secrets: `env`, `printenv`, `export -p`, `declare`,
//! `set` (and `set -x` tracing), `ps e`, `jq env`, awk's `ENVIRON`, any mention of
//! `/proc/*/environ`, and commands that print a secret variable (`echo $KEY`, a
//! here-document fed to `cat`, verbose `curl`).
//!
//! It owns the denials that say "the environment holds secrets". It must not judge
//! files (that is `reads`) nor interpreter code (that is `interp`).

use super::Run;
use crate::agent::Decision;
use crate::agent::shell::lexer::Simple;
use crate::agent::shell::words::program;

impl Run<'_> {
    /// Secret variables a word expands (`$X`, `${X}`, `${X:-…}`; not `${#X}`).
    pub(super) fn secret_refs(&self, w: &str) -> Option<String> {
        let c: Vec<char> = w.chars().collect();
        let mut i = 0;
        while i < c.len() {
            if c[i] == '\\' {
                i += 2;
                continue;
            }
            if c[i] == '$' {
                let mut j = i + 1;
                let braced = c.get(j) == Some(&'{');
                if braced {
                    j += 1;
                    if c.get(j) == Some(&'!') {
                        // `${!name}`: the variable another names (`${!prefix*}` lists names).
                        let end =
                            c[j + 1..].iter().position(|&ch| !(ch.is_ascii_alphanumeric() || ch == '_'));
                        let end = end.map_or(c.len(), |e| j + 1 + e);
                        if end > j + 1 && c.get(end) == Some(&'}') {
                            let name: String = c[j + 1..end].iter().collect();
                            return Some(format!("{{!{name}}} (a variable named by another)"));
                        }
                    }
                    if matches!(c.get(j), Some('#') | Some('!')) {
                        i = j;
                        continue;
                    }
                }
                let start = j;
                while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                let name: String = c[start..j].iter().collect();
                if !name.is_empty()
                    && !name.starts_with(|ch: char| ch.is_ascii_digit())
                    && self.is_secret(&name)
                {
                    return Some(name);
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
        None
    }

    /// Environment dumps: `env`, `printenv`, `export`/`declare` without names or with
    /// `-p`, `set` (which also turns on `set -x` tracing), `ps e`, `jq env`, awk's
    /// `ENVIRON`, and any word naming `/proc/*/environ`. `None`: not a dump.
    pub(super) fn dumps(&mut self, name: &str, words: &[String]) -> Option<Decision> {
        let args = &words[1..];
        match name {
            "printenv" => {
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                if names.is_empty() {
                    return Some(Decision::env("`printenv` prints the environment"));
                }
                if let Some(n) = names.iter().find(|n| self.is_secret(n)) {
                    return Some(Decision::env(format!("`printenv {n}` prints a secret")));
                }
                return Some(Decision::Allow);
            }
            "env" => return Some(Decision::env("`env` prints the environment")),
            "export" | "declare" | "typeset" | "readonly" | "local" => {
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let prints = args.iter().any(|a| a.starts_with('-') && (a.contains('p') || a.contains('x')));
                if names.is_empty() && (name == "export" || name == "declare" || name == "typeset" || prints)
                {
                    return Some(Decision::env(format!("`{name}` without names prints the environment")));
                }
                if prints {
                    if let Some(n) = names.iter().find(|n| self.is_secret(n)) {
                        return Some(Decision::env(format!("`{name} -p {n}` prints a secret")));
                    }
                }
            }
            "set" => {
                if args.is_empty() {
                    return Some(Decision::env("`set` without arguments prints every variable"));
                }
                if args.iter().any(|a| {
                    a == "-x"
                        || a == "-o" && args.contains(&"xtrace".to_owned())
                        || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                }) {
                    self.xtrace = true;
                }
                return Some(Decision::Allow);
            }
            "ps" if args.iter().any(|a| !a.starts_with('-') && a.contains('e')) => {
                return Some(Decision::env("`ps e` prints other processes' environments"));
            }
            "jq" | "gojq" | "jaq"
                if args.iter().any(|a| {
                    a == "env"
                        || a.contains("$ENV")
                        || a.contains("env.")
                        || a.contains("env |")
                        || a.contains("env|")
                }) =>
            {
                return Some(Decision::env(format!("`{name}` with `env` prints the environment")));
            }
            "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk"
                if args.iter().any(|a| a.contains("ENVIRON")) =>
            {
                return Some(Decision::env("this awk program reads ENVIRON"));
            }
            _ => {}
        }
        // Any mention of a process's environment file.
        if let Some(w) = words.iter().find(|w| w.starts_with("/proc/") && w.ends_with("/environ")) {
            return Some(Decision::env(format!("`{w}` is a process's environment")));
        }
        None
    }

    /// Tools that load env files and print what they loaded: `python -m dotenv list`,
    /// `dotenv get KEY`, `dotenvx get`, `docker compose config` (interpolated from
    /// `.env`), `npm run env`, and `docker run --env-file` whose command dumps the
    /// environment (`uv run --env-file … printenv` is judged as its command). `None`: none of these.
    pub(super) fn loaders(&self, name: &str, words: &[String], cwd: &std::path::Path) -> Option<Decision> {
        let args = &words[1..];
        let flag_value = |flag: &str| {
            args.iter().enumerate().find_map(|(i, a)| {
                a.strip_prefix(&format!("{flag}="))
                    .map(str::to_owned)
                    .or_else(|| (a == flag).then(|| args.get(i + 1).cloned()).flatten())
            })
        };
        let dumps = |rest: &[String]| {
            rest.iter()
                .any(|w| matches!(program(w).as_str(), "env" | "printenv" | "set" | "export" | "declare"))
        };
        // python-dotenv's CLI, also as `python -m dotenv`.
        let dotenv_args: Option<&[String]> = match name {
            "dotenv" => Some(args),
            _ if name.starts_with("python") => {
                args.windows(2).position(|w| w[0] == "-m" && w[1] == "dotenv").map(|i| &args[i + 2..])
            }
            _ => None,
        };
        if let Some(rest) = dotenv_args {
            let printing = rest.iter().any(|a| matches!(a.as_str(), "list" | "get"));
            if printing {
                let file = flag_value("-f").or_else(|| flag_value("--file")).unwrap_or_else(|| ".env".into());
                if let Some(hit) = self.reads(&file, cwd) {
                    return Some(Decision::file(format!("the dotenv CLI prints the values of {hit}")));
                }
            }
            return None;
        }
        match name {
            // `dotenvx decrypt --stdout` prints the decrypted file; `dotenvx keys` the private
            // keys that decrypt it.
            "dotenvx"
                if args.first().is_some_and(|a| a == "keys")
                    || (args.first().is_some_and(|a| a == "decrypt")
                        && args.iter().any(|a| a == "--stdout")) =>
            {
                Some(Decision::env(format!("`dotenvx {}` prints secrets", args[0])))
            }
            "dotenvx" if args.first().is_some_and(|a| a == "get") => {
                let file =
                    flag_value("-f").or_else(|| flag_value("--env-file")).unwrap_or_else(|| ".env".into());
                self.reads(&file, cwd)
                    .map(|hit| Decision::file(format!("`dotenvx get` prints the values of {hit}")))
            }
            // `docker inspect` shows a container's environment (`Config.Env`) unless a
            // format picks something else.
            "docker" | "podman" | "nerdctl"
                if args.first().is_some_and(|a| a == "inspect")
                    && !args.iter().any(|a| a.starts_with("-f") || a.starts_with("--format")) =>
            {
                Some(Decision::env(format!(
                    "`{name} inspect` shows the container's environment; use --format for other fields"
                )))
            }
            "docker" | "docker-compose" | "podman" | "podman-compose" => {
                let compose = name.ends_with("compose") || args.first().is_some_and(|a| a == "compose");
                if compose && args.iter().any(|a| a == "config") {
                    let file = flag_value("--env-file").unwrap_or_else(|| ".env".into());
                    return self.reads(&file, cwd).map(|hit| {
                        Decision::file(format!(
                            "`{name} compose config` prints the values it read from {hit}"
                        ))
                    });
                }
                let env_file = flag_value("--env-file")?;
                let hit = self.reads(&env_file, cwd)?;
                dumps(args).then(|| {
                    Decision::file(format!("this container prints the environment loaded from {hit}"))
                })
            }
            // A Kubernetes secret's data, base64-encoded.
            "kubectl" | "oc"
                if args.first().is_some_and(|a| a == "get")
                    && args.get(1).is_some_and(|a| a.starts_with("secret"))
                    && args.iter().any(|a| a.starts_with("-o") || a.starts_with("--output")) =>
            {
                Some(Decision::env(format!("`{name} get secret -o …` prints the secret's values")))
            }
            "npm" | "pnpm" | "yarn" | "bun"
                if args
                    .iter()
                    .position(|a| a == "run" || a == "run-script")
                    .is_some_and(|i| args.get(i + 1).is_some_and(|s| s == "env")) =>
            {
                Some(Decision::env(format!("`{name} run env` prints the environment")))
            }
            _ => None,
        }
    }

    /// Commands that print a secret variable they are given: `echo $KEY`, a
    /// here-document with `$KEY` fed to `cat`, `curl -v` with `$KEY` in the request.
    pub(super) fn prints(
        &self,
        name: &str,
        argv: &[String],
        args: &[String],
        cmd: &Simple,
    ) -> Option<Decision> {
        // Printing secret variables.
        if matches!(
            name,
            "echo"
                | "printf"
                | "print"
                | "puts"
                | "say"
                | "cat"
                | "logger"
                | "wall"
                | "notify-send"
                | "zenity"
                | "figlet"
                | "toilet"
                | "cowsay"
        ) {
            if let Some(v) = argv.iter().skip(1).find_map(|w| self.secret_refs(w)) {
                return Some(Decision::env(format!("this command prints ${v}")));
            }
            if name == "cat" {
                for (body, expand) in &cmd.heredocs {
                    if *expand {
                        if let Some(v) = self.secret_refs(body) {
                            return Some(Decision::env(format!("this here-document prints ${v}")));
                        }
                    }
                }
            }
        }
        if matches!(name, "curl" | "wget" | "http" | "https" | "xh")
            && args.iter().any(|a| {
                a == "-v"
                    || a == "--verbose"
                    || a.starts_with("--trace")
                    || a == "--debug"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('v'))
            })
        {
            if let Some(v) = argv.iter().skip(1).find_map(|w| self.secret_refs(w)) {
                return Some(Decision::env(format!(
                    "`{name}` in verbose mode prints the request, with ${v}"
                )));
            }
        }
        None
    }
}
