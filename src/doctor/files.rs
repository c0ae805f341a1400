//! The stores doctor checks beside the tree's env files.

use super::{EnvFile, Scope};
use std::path::Path;

/// The user file and the private store, where they exist.
pub fn stores(tkx_dir: Option<&Path>, project_dir: &Path) -> Vec<EnvFile> {
    let Some(dir) = tkx_dir else { return Vec::new() };
    [
        (Scope::Private, crate::layers::discover::private_store(dir, project_dir)),
        (Scope::User, dir.join(".env")),
    ]
    .into_iter()
    .filter(|(_, p)| p.symlink_metadata().is_ok())
    .map(|(scope, path)| EnvFile { display: path.display().to_string(), path, scope })
    .collect()
}
