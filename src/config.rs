//! `.tkx.toml`, the optional project configuration at the project root.
//!
//! ```toml
//! [scan]
//! exclude = ["tests/fixtures/**"]   # globs, relative to the project root
//! allow = ["sk-test-[0-9]+"]        # regexes; a match on a finding's value or line silences it
//! max_file_size = 268435456         # bytes; larger files are skipped (and named)
//!
//! [rotation]
//! max_age_days = 90                 # doctor warns about keys first seen longer ago
//!
//! [exec]
//! redact = false                    # mask secrets in the child's output by default
//!
//! [agent]
//! hide = ["~/.ssh/id_*", "certs/*.key"]  # more paths `tkx agent run` hides (globs)
//! hide_common = true                # also ~/.aws/credentials, ~/.netrc, ~/.npmrc, …
//! os_sandbox = true                 # `tkx agent install` also turns on Claude Code's sandbox
//!
//! [refs]
//! timeout = "30s"                   # the deadline for resolving references (--resolve-timeout)
//! parallel = 8                      # CLI calls at once
//! [refs.vault]
//! cli = "bao"                       # the CLI's name or path (default: vault, else bao)
//! address = "https://vault.example.com:8200"
//! [refs.aws]
//! region = "eu-west-1"
//! profile = "prod"
//! ```

use crate::error::Error;
use serde::Deserialize;
use std::path::Path;

/// The file name, at the project root.
pub const FILE_NAME: &str = ".tkx.toml";

/// The whole configuration; every section and field is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[scan]`.
    pub scan: ScanConfig,
    /// `[rotation]`.
    pub rotation: RotationConfig,
    /// `[exec]`.
    pub exec: ExecConfig,
    /// `[agent]`.
    pub agent: AgentConfig,
    /// `[refs]`.
    pub refs: RefsConfig,
}

/// `[refs]`: how references to secret managers are resolved.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RefsConfig {
    /// The overall deadline (`30s`, `2m`); `--resolve-timeout` wins.
    pub timeout: Option<String>,
    /// How many CLI calls run at once.
    pub parallel: Option<usize>,
    /// `[refs.vault]`: `cli`, `address`, `namespace`.
    pub vault: crate::refs::BackendSettings,
    /// `[refs.aws]`: `cli`, `region`, `profile`.
    pub aws: crate::refs::BackendSettings,
    /// `[refs.gcp]`: `cli`, `account`.
    pub gcp: crate::refs::BackendSettings,
    /// `[refs.onepassword]`: `cli`, `account`.
    pub onepassword: crate::refs::BackendSettings,
    /// `[refs.azure]`: `cli`, `subscription`.
    pub azure: crate::refs::BackendSettings,
}

/// `[agent]`: what `tkx agent run` (and, with `os_sandbox`, Claude Code's own sandbox)
/// hides besides env files and the stores.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Paths or globs, relative to the project root, absolute, or `~/…`.
    pub hide: Vec<String>,
    /// Also hide the common credential files ([`crate::sandbox::COMMON_CREDENTIALS`]).
    pub hide_common: bool,
    /// `tkx agent install` also turns on Claude Code's own sandbox for its shell tool,
    /// with the same paths denied (as `--os-sandbox`).
    pub os_sandbox: bool,
}

impl AgentConfig {
    /// The paths `hide` names, and with `hide_common` the common credential files as
    /// `~/…`: what a host's own sandbox is told to deny besides env files and stores.
    pub fn hidden_patterns(&self) -> Vec<String> {
        let mut out = self.hide.clone();
        #[cfg(unix)]
        if self.hide_common {
            out.extend(crate::sandbox::COMMON_CREDENTIALS.iter().map(|c| format!("~/{c}")));
        }
        out
    }
}

/// `[scan]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ScanConfig {
    /// Path globs never scanned.
    pub exclude: Vec<String>,
    /// Regexes that silence a finding when they match its value or its line.
    pub allow: Vec<String>,
    /// Files larger than this many bytes are skipped, and named on stderr. Files over
    /// [`crate::scan::sources::paths::WHOLE_FILE`] are read in pieces, so memory stays bounded.
    pub max_file_size: u64,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig { exclude: Vec::new(), allow: Vec::new(), max_file_size: 256 * 1024 * 1024 }
    }
}

/// `[rotation]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RotationConfig {
    /// Keys first seen more than this many days ago get a doctor warning.
    pub max_age_days: u32,
}

impl Default for RotationConfig {
    fn default() -> Self {
        RotationConfig { max_age_days: 90 }
    }
}

/// `[exec]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ExecConfig {
    /// Mask secrets in the child's output by default.
    pub redact: bool,
}

impl Config {
    /// Reads `.tkx.toml` from `project_dir`; a missing file is the default configuration,
    /// a malformed one is an error naming the file, line and column.
    pub fn load(project_dir: &Path) -> Result<Config, Error> {
        let path = project_dir.join(FILE_NAME);
        let text = match crate::fsutil::read_settings(&path) {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(Config::default()),
            Err(source) => return Err(Error::Io { doing: format!("reading {}", path.display()), source }),
        };
        Self::parse(&text).map_err(|(line, column, message)| {
            Error::config(
                format!("{FILE_NAME}:{line}:{column}: {}", without_values(&message)),
                Some("see the README's configuration section for the fields tkx reads".into()),
            )
        })
    }

    /// Parses the text; errors carry a 1-based line and column.
    pub fn parse(text: &str) -> Result<Config, (usize, usize, String)> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| {
                let before = text.get(..span.start).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, column)
            });
            (line, column, e.message().to_owned())
        })
    }
}

/// An entry of a pattern list (`[scan] allow`, `[scan] exclude`) that does not compile,
/// named by its position: the pattern itself is not repeated, since people paste the
/// value they want to allow.
pub fn invalid_pattern(field: &str, index: usize, kind: &str, reason: &str) -> Error {
    Error::config(
        format!("{FILE_NAME}: {field}: entry {} is not a valid {kind}: {reason}", index + 1),
        Some(format!("fix or remove that entry of {field} in {FILE_NAME}")),
    )
}

/// The reason in a regex syntax error, without the pattern the error quotes.
pub fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    match text.lines().rev().find_map(|l| l.strip_prefix("error: ")) {
        Some(reason) => reason.to_owned(),
        None => "it is too large or too complex".to_owned(),
    }
}

/// A TOML parser message with the values it quotes masked: a `"string"` is always a
/// value, and a `` `name` `` is shown only when it is a plain key name
/// ([`crate::secret::shown_name`]). The message names the line and column anyway.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(['"', '`']) {
        let quote = &rest[i..=i];
        let Some(len) = rest[i + 1..].find(quote) else { break };
        let inner = &rest[i + 1..i + 1 + len];
        out.push_str(&rest[..=i]);
        if quote == "`" {
            out.push_str(&crate::secret::shown_name(inner, |_| false));
        } else {
            out.push_str(&crate::secret::mask(inner));
        }
        out.push_str(quote);
        rest = &rest[i + len + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_fields() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        let c = Config::parse("[scan]\nexclude = [\"a/**\"]\n[rotation]\nmax_age_days = 30\n").unwrap();
        assert_eq!(c.scan.exclude, ["a/**"]);
        assert_eq!(c.scan.max_file_size, 256 * 1024 * 1024);
        assert_eq!(c.rotation.max_age_days, 30);
        let c = Config::parse("[agent]\nhide = [\"~/.ssh/id_*\"]\nhide_common = true\n").unwrap();
        assert_eq!(c.agent.hide, ["~/.ssh/id_*"]);
        assert!(c.agent.hide_common);
        assert!(!c.agent.os_sandbox);
        assert!(Config::parse("[agent]\nos_sandbox = true\n").unwrap().agent.os_sandbox);
    }

    #[test]
    fn errors_name_line_and_column() {
        let (line, column, message) = Config::parse("[scan]\nexclud = []\n").unwrap_err();
        assert_eq!((line, column), (2, 1));
        assert!(message.contains("unknown field"), "{message}");
    }

    #[test]
    fn errors_do_not_repeat_values() {
        let key = "sk-proj-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0eU";
        for text in [
            format!("[scan]\nmax_file_size = \"{key}\"\n"),
            format!("[scan]\n{key} = 1\n"),
            format!("[exec]\nredact = \"{key}\"\n"),
        ] {
            let (_, _, message) = Config::parse(&text).unwrap_err();
            let shown = without_values(&message);
            assert!(!shown.contains(&key[..12]) && !shown.contains(&key[20..]), "{shown}");
        }
        let (_, _, message) = Config::parse("[scan]\nexclud = []\n").unwrap_err();
        assert!(without_values(&message).contains("`exclud`"), "{message}");
    }
}
