//! Word tables and word helpers of the shell checker: which programs only look at
//! files from outside, copy them, wrap another command, run inline code or a nested
//! shell; and small helpers on words (a program's name, `NAME=value`, a wrapper's
//! options).
//!
//! It owns static knowledge about programs. It must not parse command lines (that is
//! `lexer`) nor decide anything (that is `judge`).

/// Commands whose file arguments are only looked at from outside (names, sizes,
/// modes), created, removed or written: naming an env file to them reveals nothing.
pub(super) const SAFE_WITH_FILES: &[&str] = &[
    "ls",
    "ll",
    "la",
    "exa",
    "eza",
    "tree",
    "stat",
    "test",
    "[",
    "[[",
    "touch",
    "rm",
    "unlink",
    "shred",
    "chmod",
    "chown",
    "chgrp",
    "file",
    "wc",
    "du",
    "realpath",
    "readlink",
    "basename",
    "dirname",
    "mkdir",
    "rmdir",
    "sha256sum",
    "sha1sum",
    "md5sum",
    "shasum",
    "b2sum",
    "cksum",
    "tee",
    "truncate",
    "lsof",
    "fuser",
    "getfacl",
    "setfacl",
    "echo",
    "printf",
    "true",
    "false",
    "type",
    "which",
    "command",
    "mkfifo",
    "sync",
    // PowerShell's cmdlets that look at files from outside.
    "Test-Path",
    "Get-Item",
    "Get-ChildItem",
    "gci",
    "Remove-Item",
    "New-Item",
    "Resolve-Path",
    "Split-Path",
    "Get-Acl",
];

/// Commands that copy or move their sources to a last operand.
pub(super) const COPIERS: &[&str] = &["cp", "mv", "ln", "rsync", "scp", "install", "ditto", "rclone"];

/// Interpreters whose inline code (`-c`, `-e`, …) is looked into.
pub(super) const CODE_FLAGS: &[(&str, &[&str])] = &[
    ("python", &["-c"]),
    ("node", &["-e", "--eval", "-p", "--print"]),
    ("nodejs", &["-e", "--eval", "-p", "--print"]),
    ("bun", &["-e", "--eval", "-p", "--print"]),
    ("deno", &["eval"]),
    ("ruby", &["-e"]),
    ("perl", &["-e", "-E"]),
    ("php", &["-r"]),
    ("lua", &["-e"]),
    ("rscript", &["-e"]),
    ("osascript", &["-e"]),
    ("pwsh", &["-c", "-command"]),
];

/// Shells whose `-c` string is a command line of its own.
pub(super) const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "busybox", "fish"];

/// Prefix commands that run the rest of their arguments as a command.
pub(super) const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "nohup",
    "time",
    "nice",
    "ionice",
    "command",
    "builtin",
    "exec",
    "stdbuf",
    "timeout",
    "watch",
    "strace",
    "ltrace",
    "unbuffer",
    "chronic",
    "caffeinate",
    "setsid",
    "taskset",
    "chrt",
    "flock",
    "firejail",
    "run0",
    "systemd-run",
    "xvfb-run",
    "dbus-run-session",
    "eatmydata",
    "catchsegv",
    "valgrind",
    "gtimeout",
];

/// Shell words that start a compound command; the command after them is what runs.
pub(super) const RESERVED: &[&str] =
    &["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time", "coproc"];

/// How many words a package runner takes before the command it runs, if `name` is one.
pub(super) fn runner(name: &str, sub: Option<&str>) -> Option<usize> {
    match (name, sub) {
        ("npx" | "bunx" | "pnpx" | "dlx", _) => Some(1),
        ("uv" | "poetry" | "pipenv" | "rye" | "pdm" | "hatch" | "conda" | "mise" | "pixi", Some("run")) => {
            Some(2)
        }
        ("pnpm" | "yarn" | "bun", Some("exec" | "dlx")) => Some(2),
        ("mise" | "asdf", Some("exec")) => Some(2),
        _ => None,
    }
}

/// Programs that load secrets into the environment of the command they run: env files
/// (`dotenv -- CMD`, `dotenvx run -- CMD`, `direnv exec DIR CMD`, `env-cmd -f F CMD`,
/// `python -m dotenv run CMD`) and secret managers (`op run -- CMD`, `doppler run`,
/// `infisical run`, `sops exec-env F CMD`, `chamber exec S -- CMD`, `aws-vault exec P --
/// CMD`, `teller run`, `berglas exec`). For each: the program, the subcommand it needs
/// (or `""`), how many operands come before the command, and the options that take a
/// value.
pub(super) const ENV_RUNNERS: &[(&str, &str, usize, &[&str])] = &[
    ("dotenv", "run", 0, &["-f", "--file", "-e", "--export"]),
    ("dotenv", "", 0, &["-e", "-c", "-v", "-f", "--file"]),
    ("dotenv-cli", "", 0, &["-e", "-c", "-v"]),
    ("dotenvx", "run", 0, &["-f", "--env-file", "-e", "--env", "--convention", "-fk", "--env-keys-file"]),
    ("direnv", "exec", 1, &[]),
    ("env-cmd", "", 0, &["-f", "--file", "-e", "--environments", "-r", "--rc-file"]),
    ("op", "run", 0, &["--env-file", "--account", "--config"]),
    ("doppler", "run", 0, &["-p", "--project", "-c", "--config", "--command", "--token"]),
    ("infisical", "run", 0, &["--env", "--path", "--projectId", "--token", "--command"]),
    ("sops", "exec-env", 1, &[]),
    ("chamber", "exec", 0, &[]),
    ("aws-vault", "exec", 1, &["--duration", "--region"]),
    ("teller", "run", 0, &[]),
    ("berglas", "exec", 0, &["--local"]),
    ("envconsul", "", 0, &["-prefix", "-secret", "-config", "-vault-addr", "-consul-addr"]),
    ("dotenv-vault", "run", 0, &[]),
];

/// `python3.12` → `python`, `/usr/bin/node` → `node`.
pub(super) fn interpreter(name: &str) -> Option<&'static str> {
    let n = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    CODE_FLAGS.iter().map(|(k, _)| *k).find(|k| *k == n || (*k == "rscript" && n == "Rscript"))
}

/// The program's name: `/usr/bin/cat` → `cat`.
pub(super) fn program(word: &str) -> String {
    word.rsplit('/').next().unwrap_or(word).to_owned()
}

/// `NAME=value`.
pub(super) fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Skips a wrapper's own options (and their values).
pub(super) fn skip_options(argv: &mut Vec<String>, wrapper: &str) {
    let with_value: &[&str] = match wrapper {
        "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
        "nice" => &["-n"],
        "ionice" => &["-c", "-n", "-p"],
        "timeout" | "gtimeout" => &["-s", "-k", "--signal", "--kill-after"],
        "watch" => &["-n", "-d", "--interval"],
        "stdbuf" => &["-i", "-o", "-e"],
        "strace" | "ltrace" => &["-o", "-e", "-p", "-s"],
        "taskset" | "chrt" => &["-p"],
        "flock" => &["-w", "-E"],
        _ => &[],
    };
    while let Some(w) = argv.first() {
        if w == "--" {
            argv.remove(0);
            break;
        }
        if !w.starts_with('-') {
            break;
        }
        let takes = with_value.contains(&w.as_str());
        argv.remove(0);
        if takes && !argv.is_empty() {
            argv.remove(0);
        }
    }
    // `timeout 5 cmd`, `taskset 0x1 cmd`, `flock file cmd`: one positional first.
    if matches!(wrapper, "timeout" | "gtimeout" | "taskset" | "flock") && argv.len() > 1 {
        argv.remove(0);
    }
}
