//! tkx's integration tests: one binary, one module per subcommand or concern.

mod support;

mod agent;
mod agent_codex_gemini;
mod agent_copilot_opencode;
#[cfg(target_os = "linux")]
mod agent_run;
mod bad_input;
mod completions;
mod dialect;
mod diff;
mod doctor;
mod env;
mod exec;
mod get;
mod git_workflows;
mod hook;
mod init;
mod layers;
mod leaks;
mod managers;
mod move_keys;
mod redact;
mod rotate;
mod scan;
mod scan_formats;
mod set;
mod slip_past;
