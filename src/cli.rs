//! The command line, as clap declarations only: all of `--help` lives here.

// Doc comments here are `--help` text, where `<NAME>` is plain text, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Layers, highest first: the process environment, the private store \
($TKX_DIR/projects/<id>/.env), the user file ($TKX_DIR/.env), .env.<profile>, .env.

Exit codes: 0 success; 1 findings (doctor errors, diff drift, `get` of an unset key); \
2 usage or configuration error. `tkx exec` exits with the child's code, 128+N when the \
child dies of signal N, 125 when tkx fails before the child starts, 126 when the command \
is not executable and 127 when it is not found.";

const AGENT_HELP: &str = "\
The guard denies the agents' file tools every env file tkx would load (at any depth, through \
symlinks, `..`, absolute paths and case variants) and the private and user stores, and \
checks their shell commands for reads of those files, environment dumps, printed secret \
variables, `tkx get` and `tkx env --reveal/--export`. .env.example stays readable.

Honest limits: checking shell text is best-effort; an agent that wants to can obfuscate a \
command. The boundaries that hold are the private store outside the project tree \
(`tkx move --secrets --private`) and the sandbox of `tkx agent run`.";

const AGENT_RUN_HELP: &str = "\
Linux: bubblewrap (`bwrap` on PATH). Inside, every env file of the project tree, the private \
stores and the user file under $TKX_DIR, and the paths of `[agent] hide` in .tkx.toml read as \
empty; other processes are out of sight. Network, terminal, signals, exit code and the working \
directory are as without the sandbox. Secret variables are removed from the agent's \
environment, except its own credentials (ANTHROPIC_API_KEY for claude, OPENAI_API_KEY for \
codex, GEMINI_API_KEY for gemini, …) and --keep.

Inside, `tkx exec -- CMD` asks the tkx outside to run CMD with the resolved environment, in the \
same view, its output always masked; `tkx get` and `tkx env --reveal/--export` are refused.

Exit codes: the agent's; 125 when tkx fails before the agent starts (no bwrap).

Examples:
  tkx agent run -- claude
  tkx agent run --keep GITHUB_TOKEN -- codex";

/// tkx keeps API keys out of code and out of git: it loads layered .env files, runs
/// commands with them, and checks projects for exposed secrets.
#[derive(Debug, Parser)]
#[command(name = "tkx", version, about, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// Act as if tkx had been started in DIR.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// Load this env file instead of .env.<profile> and .env (repeatable; the first given wins).
    #[arg(short = 'f', long = "file", value_name = "PATH", global = true)]
    pub files: Vec<PathBuf>,

    /// Also load .env.<NAME>, above .env.
    #[arg(short = 'p', long, value_name = "NAME", env = "TKX_PROFILE", global = true)]
    pub profile: Option<String>,

    /// Skip the private store and the user file under $TKX_DIR.
    #[arg(long, global = true)]
    pub no_user: bool,

    /// Let values from files win over the process environment for this run.
    #[arg(long = "override", global = true)]
    pub override_env: bool,

    /// Say on stderr which files were read, in order, and which lines were skipped.
    #[arg(short, long, env = "TKX_DEBUG", global = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub verbose: bool,

    /// Print no warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to use colour (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command with the resolved environment.
    Exec(ExecArgs),
    /// Show the resolved variables, masked, with their origin.
    Env(EnvArgs),
    /// Print one resolved value, unmasked (for scripts); exit 1 if unset.
    Get(GetArgs),
    /// Check the project: permissions, .gitignore, tracked env files, syntax, .env.example drift,
    /// placeholders, key formats. Exits 1 on errors (CI).
    Doctor(DoctorArgs),
    /// Compare the resolved project files with .env.example: missing, extra, empty and placeholder keys.
    Diff(DiffArgs),
    /// Find secrets in files, in the staged changes, or in git history.
    Scan(ScanArgs),
    /// Manage the git hooks that refuse commits and pushes carrying keys.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Store a key: prompts without echo (or reads stdin), writes atomically with mode 0600.
    Set(SetArgs),
    /// Remove a key from an env file, keeping every other byte.
    Unset(UnsetArgs),
    /// Create .env from .env.example, prompting for each key.
    Init(InitArgs),
    /// Replace a key with a new value and record the rotation (fingerprints only).
    Rotate(RotateArgs),
    /// Copy stdin to stdout with secrets masked (`kubectl logs … | tkx redact`).
    Redact(RedactArgs),
    /// Move keys out of the project's .env into the private store or the user file.
    Move(MoveArgs),
    /// Guard env files from AI coding agents (Claude Code, Cursor, Codex CLI, Gemini CLI, and ignore files for others).
    #[command(subcommand, after_help = AGENT_HELP)]
    Agent(AgentCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// How references to secret managers (`vault://…`, `op://…`, `aws-sm://…`) are resolved.
#[derive(Debug, Clone, Default, Args)]
pub struct ResolveArgs {
    /// How long the secret managers' CLIs may take in all, e.g. `30s`, `2m`, `500ms`
    /// (default 30s, or `[refs] timeout` in .tkx.toml).
    #[arg(long, value_name = "DURATION")]
    pub resolve_timeout: Option<String>,
}

/// `tkx exec`.
#[derive(Debug, Args)]
#[command(after_help = "On Unix tkx replaces itself with the command, so its exit code, signals, \
stdin, stdout and the terminal are the command's own.\n\nExamples:\n  tkx exec -- python agent.py\n  \
tkx exec --require OPENAI_PAT --only OPENAI_PAT -- node server.js")]
pub struct ExecArgs {
    /// Refuse to start (exit 125) unless these keys are set and not empty.
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub require: Vec<String>,

    /// Add only these keys from the files (the process environment still passes through).
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Start the command from a minimal environment (PATH, HOME, USER, LOGNAME, SHELL, TERM,
    /// LANG, LC_*, TZ, TMPDIR) plus the resolved file keys.
    #[arg(long)]
    pub pure: bool,

    /// Refuse to start when a required key of .env.example is missing or empty.
    #[arg(long)]
    pub strict: bool,

    /// Mask secrets in the command's stdout and stderr (also `TKX_REDACT=1` or
    /// `[exec] redact = true` in .tkx.toml). tkx then stays as the parent: the command's
    /// output is a pipe, not the terminal.
    #[arg(long)]
    pub redact: bool,

    /// How --redact replaces a secret.
    #[arg(long, value_enum, value_name = "STYLE", default_value_t = RedactStyle::Mask)]
    pub redact_style: RedactStyle,

    /// Start the command without these keys when their references cannot be resolved
    /// (instead of not starting it).
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub skip_unresolved: Vec<String>,

    /// How references to secret managers are resolved.
    #[command(flatten)]
    pub refs: ResolveArgs,

    /// The command and its arguments, after `--`.
    #[arg(value_name = "CMD", required = true, trailing_var_arg = true)]
    pub command: Vec<OsString>,
}

/// How a redacted secret is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RedactStyle {
    /// Its mask: `sk-p**********25xx`.
    Mask,
    /// `[tkx:sha256:…]`.
    Fingerprint,
}

/// `tkx redact`.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// How to replace a secret.
    #[arg(long, value_enum, value_name = "STYLE", default_value_t = RedactStyle::Mask)]
    pub style: RedactStyle,
}

/// `tkx move`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("destination").required(true).args(["private", "user", "to"]))]
pub struct MoveArgs {
    /// The keys to move.
    #[arg(value_name = "KEY", required_unless_present = "secrets")]
    pub keys: Vec<String>,

    /// Move every key that looks secret (by name or value format); plain configuration stays.
    #[arg(long, conflicts_with = "keys")]
    pub secrets: bool,

    /// Move into this project's private store, $TKX_DIR/projects/<id>/.env (outside the tree).
    #[arg(long)]
    pub private: bool,

    /// Move into the user file, $TKX_DIR/.env (shared by all projects).
    #[arg(long)]
    pub user: bool,

    /// Move into a secret manager: `vault://mount/path` or `aws-sm://secret-name`. Each
    /// value is written through the manager's CLI (on stdin), read back, and replaced
    /// in .env by its reference (`vault://mount/path#KEY`).
    #[arg(long, value_name = "REFERENCE")]
    pub to: Option<String>,

    /// How references are resolved when the values are read back.
    #[command(flatten)]
    pub refs: ResolveArgs,
}

/// `tkx agent`.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Install the guard: deny rules and hooks for Claude Code, Cursor, Codex CLI and Gemini CLI, ignore files for others.
    Install(AgentArgs),
    /// Remove exactly what `install` added.
    Uninstall(AgentArgs),
    /// Say per host what is installed and what is missing.
    Status(AgentArgs),
    /// The hook handler the agents call: reads the host's JSON payload on stdin, answers in its protocol.
    Check(AgentCheckArgs),
    /// Run an agent (or any command) in an OS sandbox where env files and the stores read as
    /// empty and secret variables are gone; `tkx exec` inside still works, its output masked.
    Run(AgentRunArgs),
    /// Internal, run by `tkx agent run`: put covers back inside a running sandbox.
    #[command(hide = true)]
    Cover(AgentCoverArgs),
}

/// `tkx agent cover` (internal).
#[derive(Debug, Args)]
pub struct AgentCoverArgs {
    /// A process of the sandbox (its user and mount namespaces are entered).
    #[arg(long, required_unless_present = "watch", conflicts_with = "watch")]
    pub pid: Option<i32>,

    /// Watch the paths for the sandboxes of this `tkx agent run` process until it ends,
    /// covering them again when they are replaced.
    #[arg(long, value_name = "PID")]
    pub watch: Option<i32>,

    /// The empty file put over files.
    #[arg(long)]
    pub over_file: PathBuf,

    /// The empty directory put over directories.
    #[arg(long)]
    pub over_dir: PathBuf,

    /// The paths to cover.
    #[arg(required = true, trailing_var_arg = true)]
    pub paths: Vec<PathBuf>,
}

/// `tkx agent run`.
#[derive(Debug, Args)]
#[command(after_help = AGENT_RUN_HELP)]
pub struct AgentRunArgs {
    /// Keep this secret variable in the agent's environment (repeatable, or comma-separated).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub keep: Vec<String>,

    /// The agent and its arguments, after `--`.
    #[arg(value_name = "AGENT", required = true, trailing_var_arg = true)]
    pub command: Vec<OsString>,
}

/// Which agent host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AgentHost {
    /// Claude Code.
    Claude,
    /// Cursor.
    Cursor,
    /// Codex CLI.
    Codex,
    /// Gemini CLI.
    Gemini,
    /// GitHub Copilot (CLI, cloud agent, VS Code agent).
    Copilot,
    /// opencode.
    Opencode,
    /// Windsurf (from its documentation).
    Windsurf,
    /// Every host tkx knows (Claude Code and Cursor always; the others where the project,
    /// or with --user the home directory, shows signs of them).
    All,
}

/// `tkx agent install|uninstall|status`.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Which host.
    #[arg(long, value_enum, default_value_t = AgentHost::All)]
    pub host: AgentHost,

    /// Write the user-level settings (e.g. ~/.claude/settings.json) instead of the project's.
    #[arg(long)]
    pub user: bool,

    /// Claude Code: write the project's shared settings (.claude/settings.json, committed
    /// with the project) instead of your personal .claude/settings.local.json. Teammates
    /// without tkx are then told to install it, and their tool calls wait for it.
    #[arg(long, conflicts_with = "user")]
    pub shared: bool,

    /// Also write every agent ignore file (.geminiignore, .aiexclude, .aiderignore, …), not
    /// only those of agents the project shows signs of using.
    #[arg(long)]
    pub all: bool,

    /// Claude Code: also turn on its own OS sandbox for Bash (`sandbox.enabled`) and deny
    /// reading the env files, tkx's stores and `[agent] hide` there
    /// (`sandbox.filesystem.denyRead`). Also `[agent] os_sandbox = true` in .tkx.toml.
    #[arg(long)]
    pub os_sandbox: bool,
}

/// `tkx agent check`.
#[derive(Debug, Args)]
pub struct AgentCheckArgs {
    /// The host whose protocol the payload and the answer follow.
    #[arg(long, value_enum)]
    pub host: AgentHost,
}

/// `tkx env`.
#[derive(Debug, Args)]
pub struct EnvArgs {
    /// Print JSON.
    #[arg(long, conflicts_with_all = ["export", "explain"])]
    pub json: bool,

    /// Show values unmasked.
    #[arg(long)]
    pub reveal: bool,

    /// Also list variables that only the process environment defines.
    #[arg(long)]
    pub all: bool,

    /// Show every layer's value for KEY (or for every key) and which one won.
    #[arg(long, value_name = "KEY", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,

    /// Print `export KEY='value'` lines for `eval` in sh, bash and zsh (unmasked).
    #[arg(long, conflicts_with = "explain")]
    pub export: bool,

    /// Resolve references to secret managers and show their values masked, with a
    /// fingerprint (--reveal and --export always resolve them).
    #[arg(long)]
    pub resolve: bool,

    /// Leave out keys whose references cannot be resolved instead of failing.
    #[arg(long, value_name = "KEYS", value_delimiter = ',')]
    pub skip_unresolved: Vec<String>,

    /// How references to secret managers are resolved.
    #[command(flatten)]
    pub refs: ResolveArgs,
}

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: `path:line: severity[rule]: message`.
    Text,
    /// One JSON object: `{"findings":[…],"summary":{…}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

impl From<Format> for crate::report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => Self::Text,
            Format::Json => Self::Json,
            Format::Sarif => Self::Sarif,
            Format::Github => Self::Github,
        }
    }
}

/// `tkx doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Fix what is safe to fix: file modes (0600/0700) and .gitignore coverage.
    #[arg(long)]
    pub fix: bool,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,

    /// Also ask each secret manager's CLI whether it is logged in (`op whoami`, `vault
    /// token lookup`, `aws sts get-caller-identity`, `gcloud auth print-access-token`,
    /// `az account show`), for the managers the project's references use.
    #[arg(long)]
    pub online: bool,
}

/// Formats `tkx diff` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A compact table.
    Text,
    /// One JSON object.
    Json,
}

/// `tkx diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
A key .env.example declares is required unless its line, or the comment line right above \
it, says `optional` (`PORT=8080 # optional`, or `# optional: tracing` above the key).

Exit codes: 0 every required key is set; 1 a required key is missing, empty or a placeholder; \
2 no example to compare with, or a file tkx cannot read.")]
pub struct DiffArgs {
    /// The example file to compare against (default: the project's .env.example).
    #[arg(long, value_name = "PATH")]
    pub example: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// Add the keys missing from the example to it, as `KEY=` with a comment.
    #[arg(long)]
    pub write_example: bool,
}

/// `tkx scan`.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 nothing found, 1 secrets found, 2 usage or configuration error.")]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Scan what is staged for the next commit (the index, added lines only).
    #[arg(long, conflicts_with_all = ["history", "paths"])]
    pub staged: bool,

    /// Scan the lines added by every commit in RANGE (default: all reachable commits).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "", conflicts_with = "paths")]
    pub history: Option<String>,

    /// With --history: search for the current value of one resolved key (the leaked-key audit).
    #[arg(long, value_name = "KEY", requires = "history")]
    pub value_of: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Also scan files that git ignores.
    #[arg(long)]
    pub no_ignore: bool,

    /// Accept every current finding: write their fingerprints to .tkx-baseline.json.
    #[arg(long)]
    pub write_baseline: bool,

    /// Skip files larger than this many bytes, naming each on stderr (default: `max_file_size`
    /// in .tkx.toml, 256 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
}

/// `tkx hook`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit and pre-push hooks into this repository.
    Install(HookInstallArgs),
    /// Remove tkx's hooks, restoring what was there before.
    Uninstall,
    /// Say which hooks are installed.
    Status,
    /// What the hooks call: scan the staged changes (or the FILES given, for the pre-commit framework).
    Run(HookRunArgs),
}

/// `tkx hook install`.
#[derive(Debug, Args)]
pub struct HookInstallArgs {
    /// Keep an existing hook and run it first.
    #[arg(long, conflicts_with = "force")]
    pub chain: bool,

    /// Replace an existing hook (a backup is kept).
    #[arg(long)]
    pub force: bool,
}

/// `tkx hook run`.
#[derive(Debug, Args)]
pub struct HookRunArgs {
    /// Which hook is running.
    #[arg(long, value_enum, default_value_t = HookKind::PreCommit)]
    pub hook: HookKind,

    /// Files to scan (the pre-commit framework passes them); default: the staged changes.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// For pre-push: the arguments git passed to the hook (remote name and URL).
    #[arg(long, value_name = "ARG", num_args = 0..)]
    pub push_args: Vec<String>,
}

/// Which git hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HookKind {
    /// Before a commit is recorded.
    PreCommit,
    /// Before commits are pushed.
    PrePush,
}

/// Where `set`, `unset` and `rotate` write.
#[derive(Debug, Args)]
pub struct Target {
    /// Write to the user file, $TKX_DIR/.env.
    #[arg(long, conflicts_with = "private")]
    pub user: bool,

    /// Write to this project's private store, $TKX_DIR/projects/<id>/.env.
    #[arg(long)]
    pub private: bool,
}

/// `tkx set`.
#[derive(Debug, Args)]
#[command(after_help = "\
The value is never taken as an argument (it would land in shell history and in `ps`). On a \
terminal tkx prompts for it without echo and shows it back masked, with its fingerprint, \
before writing; otherwise it reads all of stdin minus one final line ending: \
printf %s \"$V\" | tkx set KEY. The file (.env, or --user, --private, -f PATH) is written \
atomically with mode 0600, every other byte kept.

Exit codes: 0 written; 1 declined at the prompt; 2 refused (a value given as an argument, an \
invalid key, an empty or suspicious value without a terminal to confirm it, a file tkx must \
not edit).")]
pub struct SetArgs {
    /// The key to set.
    pub key: String,

    /// Refused: values never go on the command line.
    // Everything after the key lands here, hyphens included, so that clap never echoes a
    // value in an error of its own; `set` refuses it without repeating it.
    #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
    pub value: Vec<String>,

    /// Where to write.
    #[command(flatten)]
    pub target: Target,

    /// Accept an empty value.
    #[arg(long)]
    pub allow_empty: bool,

    /// Write even when the value looks wrong for the key (no confirmation prompt).
    #[arg(long)]
    pub force: bool,
}

/// `tkx unset`.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 removed; 1 the key is not in the file; 2 usage or file error.")]
pub struct UnsetArgs {
    /// The key to remove.
    pub key: String,

    /// Where to remove it from.
    #[command(flatten)]
    pub target: Target,
}

/// `tkx init`.
#[derive(Debug, Args)]
#[command(after_help = "\
For every key .env.example declares that no layer sets yet, tkx asks: without echo for \
credentials, with the example's comment as help. Enter keeps a non-secret default, skips an \
optional key, and asks a required key once more before leaving it unset. An existing .env \
only gains the missing keys; --force starts over from the example. Ends with what \
`tkx doctor` says.

A key .env.example declares is required unless its line, or the comment line right above \
it, says `optional` (`PORT=8080 # optional`, or `# optional: tracing` above the key).

Exit codes: 0 written and doctor finds no errors; 1 doctor errors (a required key left \
unset, an env file git would commit) or declined; 2 no .env.example, no terminal without \
--from-env, or a file tkx must not edit.")]
pub struct InitArgs {
    /// Take the values from the process environment instead of prompting (CI bootstrap).
    #[arg(long)]
    pub from_env: bool,

    /// Overwrite an existing .env.
    #[arg(long)]
    pub force: bool,
}

/// `tkx rotate`.
#[derive(Debug, Args)]
#[command(after_help = "\
The safe order: create the new key at the provider; `tkx rotate KEY` (asks for it like \
`set`, writes it where the old value was, records both fingerprints and the date in \
$TKX_DIR/rotations.json); deploy; verify with a test request; then revoke the old key.

Exit codes: 0 rotated; 1 the key is not set there, or declined; 2 refused (the same value, \
an empty or suspicious value without a terminal, a damaged rotations.json).")]
pub struct RotateArgs {
    /// The key to rotate.
    pub key: String,

    /// Refused: values never go on the command line.
    #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
    pub value: Vec<String>,

    /// Where the key lives.
    #[command(flatten)]
    pub target: Target,

    /// Write even when the new value looks wrong for the key.
    #[arg(long)]
    pub force: bool,
}

/// `tkx get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The key to print.
    pub key: String,

    /// How references to secret managers are resolved.
    #[command(flatten)]
    pub refs: ResolveArgs,
}

/// `tkx completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_declarations_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn exec_keeps_everything_after_the_separator() {
        let cli = Cli::try_parse_from(["tkx", "exec", "--", "echo", "--", "-x", ""]).unwrap();
        let Command::Exec(args) = cli.command else { panic!("not exec") };
        assert_eq!(args.command, ["echo", "--", "-x", ""]);
    }
}
