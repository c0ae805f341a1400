//! The command table of issue 8 (`tests/fixtures/agent/commands.tsv`): every row judged
//! in-process by [`super::check`], the function `tkx agent check` calls for a Bash tool
//! call (Claude Code) or a shell command (Cursor), in the project the table describes.
//! A failure lists every wrong row with its line, command, the expected and actual
//! decision and the deny reason (which names the family that decided).

use super::check;
use crate::agent::testing::Fixture;
use std::fs;
use std::path::Path;

const KEY: &str = "sk-proj-AGENTtestKEY0123456789abcdefghiJKLM";
const USER_KEY: &str = "sk-ant-api03-AGENTuserKEY0123456789abcdefghijklmnop";
const REASON: &str =
    "use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values";

/// The project of the table's header, as `table_project` in `tests/cli/agent.rs` builds
/// it: a git work tree with `.env` (OPENAI_PAT), `.env.example`,
/// `services/api/.env.local`, `src/main.rs`, `docs/notes.md`, `docs/notes.txt -> ../.env`,
/// `src/shared -> ../services`, a `.gitignore` for env files, and a user file under
/// `$TKX_DIR` with ANTHROPIC_API_KEY. The guard's environment has GITHUB_TOKEN.
fn table_project() -> Fixture {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let f = Fixture::new();
    let p = f.project();
    fs::create_dir(p.join(".git")).unwrap();
    fs::write(p.join(".gitignore"), ".env\n.env.*\n!.env.example\n").unwrap();
    fs::write(p.join(".env"), format!("OPENAI_PAT={KEY}\nPORT=8080\n")).unwrap();
    fs::write(p.join(".env.example"), "OPENAI_PAT=\nPORT=\n").unwrap();
    fs::write(p.join("services/api/.env.local"), "DB_PASSWORD=hunter2hunter2\n").unwrap();
    symlink("../.env", p.join("docs/notes.txt")).unwrap();
    symlink("../services", p.join("src/shared")).unwrap();
    let tkx = f.root.join("tkx");
    fs::write(tkx.join(".env"), format!("ANTHROPIC_API_KEY={USER_KEY}\n")).unwrap();
    fs::set_permissions(&tkx, fs::Permissions::from_mode(0o700)).unwrap();
    f
}

/// The table's rows: (line number, deny?, command with `\n` and `{TKX}` filled in).
fn rows(f: &Fixture) -> Vec<(usize, bool, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agent/commands.tsv");
    let text = fs::read_to_string(&path).unwrap();
    let tkx = f.root.join("tkx");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let (verdict, cmd) =
                l.split_once('\t').unwrap_or_else(|| panic!("commands.tsv:{}: bad row: {l}", i + 1));
            assert!(verdict == "deny" || verdict == "allow", "commands.tsv:{}: bad verdict: {l}", i + 1);
            let cmd = cmd
                .replace("\\n", "\n")
                .replace("{TKX}", &tkx.to_string_lossy())
                .replace("{PROJECT}", &f.project().to_string_lossy());
            (i + 1, verdict == "deny", cmd)
        })
        .collect()
}

/// Every row of the command table, judged in-process (issue 8: "a table of at least 150
/// real commands, denied and allowed; test every row").
#[test]
fn command_table() {
    let f = table_project();
    let rows = rows(&f);
    assert!(rows.len() >= 150, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for (line, deny, cmd) in &rows {
        // A fresh guard per row, as each hook call is a process of its own.
        let g = f.guard();
        let d = check(&g, cmd, &g.cwd);
        let expected = if *deny { "deny" } else { "allow" };
        match d {
            crate::agent::Decision::Deny(reason) if !*deny => {
                wrong.push(format!("commands.tsv:{line}: {cmd:?}: expected allow, got deny: {reason}"))
            }
            crate::agent::Decision::Deny(reason) if !reason.contains(REASON) => {
                wrong.push(format!("commands.tsv:{line}: {cmd:?}: denied without the usual advice: {reason}"))
            }
            crate::agent::Decision::Allow if *deny => {
                wrong.push(format!("commands.tsv:{line}: {cmd:?}: expected {expected}, got allow"))
            }
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{} of {} rows wrong:\n{}", wrong.len(), rows.len(), wrong.join("\n"));
}
