//! What is worth knowing after a write: git would commit the file, another layer
//! wins over it, duplicates were removed, malformed lines were left, an old value
//! lives on elsewhere.
//!
//! Each check returns [`Finding`]s and nothing else: a check never fails the write
//! that already happened, so the layers are resolved quietly and a problem loading
//! them means "nothing to say".

use super::{Dest, lines_word};
use crate::envfile::edit;
use crate::git::Repo;
use crate::layers::{Layer, Resolution};
use crate::report::{Finding, Location};
use crate::secret::Secret;

/// A warning when git would commit the file: not ignored, or already tracked. `key`
/// names what would be published (`None`: "its keys").
pub fn git_exposure(dest: &Dest, key: Option<&str>) -> Vec<Finding> {
    let Some(dir) = dest.path.parent() else { return Vec::new() };
    let Some(repo) = Repo::discover(dir) else { return Vec::new() };
    let Some(rel) = repo.relative(&dest.path) else { return Vec::new() };
    let at = Some(Location { path: dest.display.clone(), line: 0, column: 0 });
    let what = key.map_or_else(|| "its keys".to_owned(), |k| k.to_owned());
    if repo.is_tracked(&rel) {
        return vec![Finding::error("set/tracked", format!("git tracks this file: the next commit that includes it publishes {what}")).located(at).hint(format!(
                "git rm --cached {}, commit, then rotate every key it ever held (`tkx rotate KEY`): its history keeps them",
                rel.display()
            ))];
    }
    if !repo.is_ignored(&dest.path) {
        return vec![
            Finding::warning(
                "set/gitignore",
                format!("git does not ignore this file: `git add .` would commit {what}"),
            )
            .located(at)
            .hint("run `tkx doctor --fix` to add .env, .env.* and !.env.example to .gitignore"),
        ];
    }
    Vec::new()
}

/// A warning when another layer wins over the file just written with a different value.
/// `res` is the resolution loaded after the write.
pub fn shadowing(res: &Resolution, dest: &Dest, key: &str, value: &Secret) -> Vec<Finding> {
    let Some(w) = res.winner(key) else { return Vec::new() };
    if dest.holds(&w.origin) || &w.value == value {
        return Vec::new();
    }
    let hint = if w.origin.layer == Layer::Process {
        format!(
            "unset {key} in your shell (look for an export in your shell profile), or run with --override"
        )
    } else {
        format!(
            "remove it there with `tkx unset {key}` and the right --user/--private/-f, if this file should win"
        )
    };
    vec![Finding::warning("set/shadowed", format!(
            "{key} is also set in {}, which takes precedence over {}: tkx exec and tkx get still see that value",
            w.origin.describe(),
            dest.display
        )).hint(hint)]
}

/// A warning when the value just written wins over another layer's different value of
/// `key` (`set --private` over the project's `.env`): that value stops counting, quietly.
/// `res` is the resolution loaded after the write.
pub fn hiding(res: &Resolution, dest: &Dest, key: &str, value: &Secret) -> Vec<Finding> {
    let Some(w) = res.winner(key) else { return Vec::new() };
    if !dest.holds(&w.origin) {
        return Vec::new();
    }
    res.definitions(key)
        .filter(|d| !dest.holds(&d.origin) && d.origin.layer != Layer::Process && &d.value != value)
        .take(1)
        .map(|d| {
            Finding::warning(
                "set/hides",
                format!(
                    "{} now takes precedence over the different value of {key} in {}, which tkx exec no longer sees",
                    dest.display,
                    d.origin.describe()
                ),
            )
            .hint(format!("if that value is stale, remove it: `tkx unset {key}` with the flags that name that file"))
        })
        .collect()
}

/// A note when the edit removed duplicate statements of `key`.
pub fn duplicates(dest: &Dest, key: &str, edited: &edit::Set) -> Vec<Finding> {
    if edited.removed_duplicates.is_empty() {
        return Vec::new();
    }
    let line = match edited.change {
        edit::Change::Replaced { line }
        | edit::Change::Unchanged { line }
        | edit::Change::Appended { line } => line,
    };
    vec![
        Finding::note(
            "set/duplicates",
            format!(
                "{key} was defined {} times; kept line {line} and removed {}",
                edited.removed_duplicates.len() + 1,
                lines_word(&edited.removed_duplicates)
            ),
        )
        .at(dest.display.clone(), line, 0),
    ]
}

/// A warning per malformed statement of `key` the edit left alone, at its line.
pub fn malformed(dest: &Dest, key: &str, lines: &[usize]) -> Vec<Finding> {
    lines
        .iter()
        .map(|&line| {
            Finding::warning(
                "set/malformed",
                format!("a malformed statement of {key} was left as it is (tkx ignores it when loading)"),
            )
            .at(dest.display.clone(), line, 0)
            .hint("fix it or remove it; `tkx doctor` explains what is wrong with it")
        })
        .collect()
}

/// A warning for every definition, of any key in any layer, that still holds `old`
/// after `key` was rotated in `dest`: the old value keeps working until it is revoked.
/// `res` is the resolution loaded after the write.
pub fn old_value_left(res: &Resolution, dest: &Dest, key: &str, old: &Secret) -> Vec<Finding> {
    let mut out = Vec::new();
    for var in res.vars.values() {
        for d in var.definitions() {
            if &d.value == old && !(var.key == key && dest.holds(&d.origin)) {
                out.push(
                    Finding::warning(
                        "rotate/old-value",
                        format!(
                            "{} still holds the old value of {key} (from {})",
                            var.key,
                            d.origin.describe()
                        ),
                    )
                    .located(crate::doctor::location_of(&d.origin))
                    .hint(format!("replace it too: `tkx set {}` in that file", var.key)),
                );
            }
        }
    }
    out
}

/// A warning for every statement in the project's other env files (those tkx did not
/// load in this run: other profiles, other directories of the tree) whose literal value is
/// still `old`, by position and fingerprint.
pub fn old_value_in_tree(
    files: &[crate::project::EnvFile],
    res: &Resolution,
    key: &str,
    old: &Secret,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let fingerprint = old.redacted().fingerprint;
    for f in files {
        if res.sources.iter().any(|s| s.path == f.path) {
            continue;
        }
        let Ok(text) = crate::envfile::read_text(&f.path) else { continue };
        for e in crate::envfile::parse(&text).entries {
            if matches!(&e.value, crate::envfile::RawValue::Literal(v) if v == old.expose()) {
                out.push(
                    Finding::warning(
                        "rotate/old-value",
                        format!("{} still holds the old value of {key} ({fingerprint})", e.key),
                    )
                    .at(f.display.clone(), e.line, e.column)
                    .hint(format!("replace it too: `tkx -f {} set {}`", f.display, e.key)),
                );
            }
        }
    }
    out
}

/// A warning when commits of the project's git history carry `old`: the rotation makes
/// it worthless once revoked, but until then anyone with a clone has it. Nothing when the
/// project is not in git or the history is clean.
pub fn old_value_in_history(project: &crate::project::Project, key: &str, old: &Secret) -> Vec<Finding> {
    use crate::scan::{KnownOrigin, setup::Setup, sources};
    let Some(repo) = project.repo() else { return Vec::new() };
    let Ok(config) = project.config().cloned() else { return Vec::new() };
    let origin = KnownOrigin { key: key.to_owned(), origin: "its old value".into() };
    let Ok(setup) = Setup::only(project.dir().to_path_buf(), config, old.clone(), origin) else {
        return Vec::new();
    };
    let max_size = setup.config.scan.max_file_size;
    let opts = sources::Options { cwd: repo.workdir(), max_size, asked_by: "tkx rotate" };
    let Ok(scanned) = sources::run(&setup, &sources::Source::History(None), &opts) else { return Vec::new() };
    let mut commits: Vec<(&str, &str)> = scanned
        .findings
        .iter()
        .filter_map(|f| f.commit.as_ref())
        .map(|c| (c.date.as_str(), c.id.as_str()))
        .collect();
    commits.sort();
    commits.dedup();
    let Some((date, id)) = commits.first() else { return Vec::new() };
    vec![
        Finding::warning(
            "rotate/old-in-history",
            format!(
                "the old value of {key} ({}) is in {} commit{} of this repository, the first {} on {date}",
                old.redacted().fingerprint,
                commits.len(),
                if commits.len() == 1 { "" } else { "s" },
                &id[..id.len().min(12)]
            ),
        )
        .hint("every clone keeps it: revoke the old key at its provider now (rotation alone does not stop it working)"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers;
    use std::path::Path;

    fn dest(dir: &Path) -> Dest {
        Dest { path: dir.join(".env"), display: ".env".into(), layer: Layer::Project }
    }

    #[test]
    fn duplicates_and_malformed_lines_are_named() {
        let d = dest(Path::new("/p"));
        let edited = edit::set("K=1\nK=2\nK=3\n", "K", "v").unwrap();
        let f = duplicates(&d, "K", &edited);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "K was defined 3 times; kept line 1 and removed lines 2, 3");
        assert!(duplicates(&d, "K", &edit::set("K=1\n", "K", "v").unwrap()).is_empty());
        let m = malformed(&d, "K", &[4]);
        assert_eq!((&*m[0].rule, m[0].location.as_ref().map(|l| l.line)), ("set/malformed", Some(4)));
    }

    #[test]
    fn a_process_value_that_wins_is_reported_with_its_own_hint() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().canonicalize().unwrap();
        std::fs::write(dir.join(".env"), "K=mine\n").unwrap();
        let opts = layers::Options {
            cwd: dir.clone(),
            process: layers::ProcessEnv::new(vec![("K".into(), "theirs".into())]),
            ..Default::default()
        };
        let res = layers::resolve(&opts).unwrap();
        let f = shadowing(&res, &dest(&dir), "K", &Secret::new("mine"));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.starts_with("K is also set in the process environment"), "{}", f[0].message);
        assert!(f[0].hint.as_deref().unwrap_or("").contains("--override"));
        let same = layers::Options {
            process: layers::ProcessEnv::new(vec![("K".into(), "mine".into())]),
            ..opts.clone()
        };
        assert!(
            shadowing(&layers::resolve(&same).unwrap(), &dest(&dir), "K", &Secret::new("mine")).is_empty()
        );
        let old = old_value_left(&res, &dest(&dir), "OTHER", &Secret::new("mine"));
        assert_eq!(old.len(), 1, "K in .env still holds OTHER's old value");
    }
}
