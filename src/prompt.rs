//! The terminal: hidden and visible prompts, confirmations, and a value piped on stdin.
//!
//! This is the one module besides `main.rs` that talks to the terminal. Commands get a
//! `&mut dyn` [`Prompt`], so tests can answer with a script instead of a person.
//! Prompts go to stderr (stdout stays the product); hidden input is read from the
//! terminal with echo off (rpassword), so a pasted key never appears on screen, in a
//! scrollback buffer or in a terminal recording. Nothing here validates or stores values.

use std::io::{self, BufRead, IsTerminal, Read, Write};

/// How commands ask a person for input.
pub trait Prompt {
    /// Whether a person can answer: stdin is a terminal.
    fn interactive(&self) -> bool;

    /// Shows `label` on stderr and reads one line from the terminal without echo.
    fn hidden(&mut self, label: &str) -> io::Result<String>;

    /// Shows `label` on stderr and reads one line with echo, without its line ending.
    /// End of input is an `UnexpectedEof` error.
    fn visible(&mut self, label: &str) -> io::Result<String>;

    /// Reads all of stdin, up to `limit` bytes (more is an `InvalidData` error): the value
    /// a script pipes in.
    fn piped(&mut self, limit: usize) -> io::Result<Vec<u8>>;

    /// Asks a yes/no question; Enter alone means `default`. An answer that is neither
    /// yes nor no is asked again, twice at most, then counts as no.
    fn confirm(&mut self, question: &str, default: bool) -> io::Result<bool> {
        let choices = if default { "[Y/n]" } else { "[y/N]" };
        for _ in 0..3 {
            match answer(&self.visible(&format!("{question} {choices} "))?, default) {
                Some(yes) => return Ok(yes),
                None => continue,
            }
        }
        Ok(false)
    }
}

/// A yes/no answer: `None` when it is neither.
pub fn answer(line: &str, default: bool) -> Option<bool> {
    match line.trim().to_ascii_lowercase().as_str() {
        "" => Some(default),
        "y" | "yes" => Some(true),
        "n" | "no" => Some(false),
        _ => None,
    }
}

/// The real terminal: prompts on stderr, hidden input from the controlling terminal.
#[derive(Debug)]
pub struct Terminal {
    stdin_is_tty: bool,
}

impl Terminal {
    /// Looks at the process's stdin.
    pub fn new() -> Self {
        Terminal { stdin_is_tty: io::stdin().is_terminal() }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

fn show(label: &str) -> io::Result<()> {
    let mut err = io::stderr().lock();
    err.write_all(label.as_bytes())?;
    err.flush()
}

impl Prompt for Terminal {
    fn interactive(&self) -> bool {
        self.stdin_is_tty
    }

    fn hidden(&mut self, label: &str) -> io::Result<String> {
        show(label)?;
        // rpassword reads /dev/tty in raw mode without echo, restores the terminal
        // afterwards, and ends the line on the terminal itself.
        rpassword::read_password_with_config(rpassword::ConfigBuilder::new().password_feedback_hide().build())
    }

    fn visible(&mut self, label: &str) -> io::Result<String> {
        show(label)?;
        let mut line = String::new();
        if io::stdin().lock().read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "end of input"));
        }
        let trimmed = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        Ok(trimmed.unwrap_or(&line).to_owned())
    }

    fn piped(&mut self, limit: usize) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        io::stdin().lock().take(cap).read_to_end(&mut bytes)?;
        if bytes.len() > limit {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "input too large"));
        }
        Ok(bytes)
    }
}

/// A scripted [`Prompt`] for tests: answers in order, and records every label shown.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Scripted {
    /// Whether to claim a terminal.
    pub tty: bool,
    /// The answers still to give, first first; running out is end of input.
    pub answers: std::collections::VecDeque<String>,
    /// What stdin holds for [`Prompt::piped`].
    pub stdin: Vec<u8>,
    /// Every label shown, in order, with `(hidden)` or `(visible)` after it.
    pub shown: Vec<String>,
}

#[cfg(test)]
impl Scripted {
    /// A terminal that answers `answers` in order.
    pub fn tty(answers: &[&str]) -> Self {
        Scripted { tty: true, answers: answers.iter().map(|a| (*a).to_owned()).collect(), ..Self::default() }
    }

    /// No terminal; stdin holds `bytes`.
    pub fn piped(bytes: &[u8]) -> Self {
        Scripted { stdin: bytes.to_vec(), ..Self::default() }
    }

    fn next(&mut self) -> io::Result<String> {
        self.answers.pop_front().ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "end of input"))
    }
}

#[cfg(test)]
impl Prompt for Scripted {
    fn interactive(&self) -> bool {
        self.tty
    }

    fn hidden(&mut self, label: &str) -> io::Result<String> {
        self.shown.push(format!("{label}(hidden)"));
        self.next()
    }

    fn visible(&mut self, label: &str) -> io::Result<String> {
        self.shown.push(format!("{label}(visible)"));
        self.next()
    }

    fn piped(&mut self, limit: usize) -> io::Result<Vec<u8>> {
        if self.stdin.len() > limit {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "input too large"));
        }
        Ok(std::mem::take(&mut self.stdin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(answer("", true), Some(true));
        assert_eq!(answer("  ", false), Some(false));
        assert_eq!(answer("Y", false), Some(true));
        assert_eq!(answer("no", true), Some(false));
        assert_eq!(answer("maybe", true), None);
    }

    #[test]
    fn confirm_asks_again_then_says_no() {
        let mut p = Scripted::tty(&["what", "n"]);
        assert!(!p.confirm("Write it?", true).unwrap());
        assert_eq!(p.shown, ["Write it? [Y/n] (visible)", "Write it? [Y/n] (visible)"]);
        let mut p = Scripted::tty(&["a", "b", "c", "y"]);
        assert!(!p.confirm("Write it?", true).unwrap());
        let mut p = Scripted::tty(&[]);
        assert_eq!(p.confirm("Write it?", true).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
