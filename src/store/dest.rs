//! Where a key is written: the file a command edits, and which definitions come from it.
//!
//! This module only names files; it reads and writes nothing ([`super::write`] does).

use crate::error::Error;
use crate::layers::{Definition, Layer, Origin, Resolution, discover};
use crate::project::Project;
use std::path::PathBuf;

/// Which file a command asks to write, before `--file` is taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The project's `.env`, or the first `--file` when files were given.
    Project,
    /// The user file, `$TKX_DIR/.env`.
    User,
    /// The project's private store, `$TKX_DIR/projects/<id>/.env`.
    Private,
}

/// The file a command writes.
#[derive(Clone, Debug)]
pub struct Dest {
    /// Absolute, as addressed (it may be a symlink).
    pub path: PathBuf,
    /// As shown, and as the layers show it.
    pub display: String,
    /// The layer it is.
    pub layer: Layer,
}

/// The file to write for `target`: the first `--file` (which `--user` and `--private`
/// contradict), the user file, the private store, or the project's `.env`.
pub fn destination(project: &Project, target: Target) -> Result<Dest, Error> {
    let cwd = project.cwd();
    if let Some(f) = project.options().files.first() {
        if target != Target::Project {
            return Err(Error::usage(
                "--file and --user/--private name different files",
                Some("give one of them".into()),
            ));
        }
        return Ok(Dest { path: cwd.join(f), display: f.to_string_lossy().into_owned(), layer: Layer::File });
    }
    if target != Target::Project {
        let Some(dir) = project.tkx_dir() else {
            return Err(Error::usage(
                "there is no $TKX_DIR for the user file and the private stores",
                Some("set TKX_DIR (or HOME)".into()),
            ));
        };
        let (path, layer) = if target == Target::User {
            (dir.join(".env"), Layer::User)
        } else {
            (discover::private_store(dir, project.dir()), Layer::Private)
        };
        return Ok(Dest { display: project.show(&path), path, layer });
    }
    let path = project.dir().join(".env");
    Ok(Dest { display: project.show(&path), path, layer: Layer::Project })
}

impl Dest {
    /// The file behind a definition's origin, as the resolution loaded it.
    pub fn behind(res: &Resolution, origin: &Origin) -> Result<Dest, Error> {
        res.sources
            .iter()
            .find(|s| s.layer == origin.layer && origin.path.as_deref() == Some(s.display.as_str()))
            .map(|s| Dest { path: s.path.clone(), display: s.display.clone(), layer: s.layer })
            .ok_or_else(|| Error::usage(format!("cannot find the file behind {origin}"), None))
    }

    /// Whether a definition comes from this file.
    pub fn holds(&self, origin: &Origin) -> bool {
        origin.layer == self.layer && origin.path.as_deref() == Some(self.display.as_str())
    }

    /// The definition of `key` this file gives in `res` (its last statement, expanded).
    pub fn definition<'r>(&self, res: &'r Resolution, key: &str) -> Option<&'r Definition> {
        res.definitions(key).find(|d| self.holds(&d.origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers;
    use std::path::Path;

    fn opts(cwd: &Path, files: &[&str], tkx_dir: Option<&Path>) -> layers::Options {
        layers::Options {
            cwd: cwd.to_path_buf(),
            files: files.iter().map(PathBuf::from).collect(),
            tkx_dir: tkx_dir.map(Path::to_path_buf),
            ..Default::default()
        }
    }

    #[test]
    fn each_target_names_its_file_and_layer() {
        let t = tempfile::tempdir().unwrap();
        let (cwd, tkx) = (t.path().join("p"), t.path().join("tkx"));
        let d = destination(&Project::new(opts(&cwd, &[], Some(&tkx))), Target::Project).unwrap();
        assert_eq!((d.path, d.display.as_str(), d.layer), (cwd.join(".env"), ".env", Layer::Project));
        let d = destination(&Project::new(opts(&cwd, &[], Some(&tkx))), Target::User).unwrap();
        assert_eq!((d.path, d.layer), (tkx.join(".env"), Layer::User));
        let d = destination(&Project::new(opts(&cwd, &[], Some(&tkx))), Target::Private).unwrap();
        assert_eq!((d.path, d.layer), (discover::private_store(&tkx, &cwd), Layer::Private));
        let d =
            destination(&Project::new(opts(&cwd, &["conf/a.env", "b.env"], None)), Target::Project).unwrap();
        assert_eq!(
            (d.path, d.display.as_str(), d.layer),
            (cwd.join("conf/a.env"), "conf/a.env", Layer::File)
        );
    }

    #[test]
    fn contradictions_and_a_missing_tkx_dir_are_refused() {
        let cwd = Path::new("/nonexistent/p");
        let e = destination(&Project::new(opts(cwd, &["a.env"], None)), Target::User).unwrap_err();
        assert_eq!(e.to_string(), "--file and --user/--private name different files");
        let e = destination(&Project::new(opts(cwd, &[], None)), Target::Private).unwrap_err();
        assert!(e.to_string().starts_with("there is no $TKX_DIR"), "{e}");
    }

    #[test]
    fn definitions_are_traced_back_to_their_file() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().canonicalize().unwrap();
        std::fs::write(
            dir.join(".env"),
            "K=1
K=2
",
        )
        .unwrap();
        let mut o = opts(&dir, &[], None);
        o.process = layers::ProcessEnv::new(vec![("K".into(), "p".into()), ("ONLY".into(), "x".into())]);
        let res = layers::resolve(&o).unwrap();
        let d = destination(&Project::new(o.clone()), Target::Project).unwrap();
        let w = res.winner("K").unwrap();
        assert_eq!((w.origin.describe(), w.value.expose()), ("the process environment".into(), "p"));
        assert_eq!(d.definition(&res, "K").map(|d| (d.origin.line, d.value.expose())), Some((2, "2")));
        assert_eq!(res.definitions("K").count(), 3, "the process, line 2, line 1");
        let file_def = res.definitions("K").find(|d| d.origin.layer != Layer::Process).unwrap();
        assert_eq!(Dest::behind(&res, &file_def.origin).unwrap().path, dir.join(".env"));
        assert!(d.holds(&file_def.origin) && !d.holds(&w.origin));
        assert_eq!(res.definitions("ONLY").count(), 0);
        assert_eq!(res.winner("ONLY").map(|d| d.origin.layer), Some(Layer::Process));
        assert_eq!(res.process_value("ONLY").as_deref(), Some("x"));
    }
}
