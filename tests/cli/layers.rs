//! Layers end to end: precedence, the project search, profiles, `--file`, `-C`, `-v`.

use crate::support::{TestEnv, stderr, stdout};
use predicates::prelude::*;
use std::fs;

fn private_store(env: &TestEnv) -> std::path::PathBuf {
    let id = tkx::layers::discover::project_id(&env.project());
    env.tkx_dir().join("projects").join(id).join(".env")
}

#[test]
fn precedence_across_every_layer() {
    let env = TestEnv::new();
    env.write(".env", "A=project\nB=project\nC=project\nD=project\nE=project\n");
    env.write(".env.staging", "B=profile\nC=profile\nD=profile\nE=profile\n");
    env.write_abs(&env.tkx_dir().join(".env"), "C=user\nD=user\nE=user\n");
    env.write_abs(&private_store(&env), "D=private\nE=private\n");
    let script = "printf '%s ' \"$A\" \"$B\" \"$C\" \"$D\" \"$E\"";
    env.tkx(["-p", "staging", "exec", "--", "sh", "-c", script])
        .env("E", "process")
        .assert()
        .success()
        .stdout("project profile user private process ");
    // TKX_PROFILE selects the profile too; --no-user skips both stores.
    env.tkx(["--no-user", "exec", "--", "sh", "-c", script])
        .env("TKX_PROFILE", "staging")
        .assert()
        .success()
        .stdout("project profile profile profile profile ");
}

#[test]
fn the_project_is_found_upward_but_not_beyond_the_git_root() {
    let env = TestEnv::git_repo();
    env.write(".env", "WHERE=root\n");
    let deep = env.project().join("src/pkg");
    fs::create_dir_all(&deep).unwrap();
    env.tkx_in(&deep, ["get", "WHERE"]).assert().success().stdout("root\n");
    // A nested project with its own .env.example is its own project.
    env.write("src/.env.example", "WHERE=\n");
    env.tkx_in(&deep, ["get", "WHERE"]).assert().code(1);
    // Above the work tree's root, nothing is picked up.
    fs::write(env.root.join(".env"), "OUTSIDE=1\n").unwrap();
    fs::remove_file(env.project().join(".env")).unwrap();
    env.tkx(["get", "OUTSIDE"]).assert().code(1);
}

#[test]
fn dash_c_acts_in_another_directory_and_files_are_relative_to_it() {
    let env = TestEnv::new();
    env.write("sub/vars.env", "X=from-vars\n");
    env.tkx_in(&env.root, ["-C", "project/sub", "-f", "vars.env", "get", "X"])
        .assert()
        .success()
        .stdout("from-vars\n");
    // The child starts in DIR too, as with `git -C` and `make -C`.
    env.tkx_in(&env.root, ["-C", "project/sub", "exec", "--", "pwd"])
        .assert()
        .success()
        .stdout(format!("{}\n", env.project().join("sub").display()));
    env.tkx(["-C", "does-not-exist", "env"]).assert().code(2);
    env.tkx(["-C", "does-not-exist", "exec", "--", "true"]).assert().code(125);
}

#[test]
fn explicit_files_replace_the_project_layers_and_the_first_wins() {
    let env = TestEnv::new();
    env.write(".env", "A=project\n");
    env.write("a.env", "A=a\nB=a\n");
    env.write("b.env", "B=b\nC=b\n");
    let script = "printf '%s ' \"$A\" \"$B\" \"$C\"";
    env.tkx(["-f", "a.env", "--file", "b.env", "exec", "--", "sh", "-c", script])
        .assert()
        .success()
        .stdout("a a b ");
    env.tkx(["env", "--explain", "C", "-f", "a.env", "-f", "b.env"])
        .assert()
        .stdout(predicate::str::contains("C = ********  from b.env:2"));
}

#[test]
fn verbose_lists_the_files_read_in_order() {
    let env = TestEnv::new();
    env.write(".env", "A=1\nA=2\nBAD LINE\n");
    let out = env.tkx(["-v", "get", "A"]).output().unwrap();
    let err = stderr(&out);
    let private = err.find("(private): not found").expect(&err);
    let user = err.find("(user): not found").expect(&err);
    let project = err.find("read .env (project): 2 statements").expect(&err);
    assert!(private < user && user < project, "{err}");
    assert!(err.contains(".env:2:1: warning[envfile/duplicate-key]"), "{err}");
    assert!(err.contains(".env:3:4: warning[envfile/missing-equals]"), "{err}");
    // TKX_DEBUG=1 does the same; without either, duplicates are for doctor.
    let out = env.tkx(["get", "A"]).env("TKX_DEBUG", "1").output().unwrap();
    assert!(stderr(&out).contains("(user): not found"));
    let out = env.tkx(["get", "A"]).output().unwrap();
    assert!(!stderr(&out).contains("duplicate-key"));
    assert_eq!(stdout(&out), "2\n");
}

#[test]
fn an_invalid_profile_name_is_a_usage_error() {
    let env = TestEnv::new();
    env.tkx(["-p", "../../etc/passwd", "env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid profile name"));
}

#[test]
fn tkx_dir_defaults_to_the_platform_config_directory() {
    let env = TestEnv::new();
    let config = env.root.join("home/.config/tkx");
    env.write_abs(&config.join(".env"), "FROM_USER=yes\n");
    env.tkx(["get", "FROM_USER"])
        .env_remove("TKX_DIR")
        .env("XDG_CONFIG_HOME", env.root.join("home/.config"))
        .assert()
        .success()
        .stdout("yes\n");
}

/// The private store follows a project in git: moved, renamed, cloned again. A store
/// made under the old path-based id is moved to the repository's id when first seen.
#[test]
fn the_private_store_follows_the_project_across_moves_and_clones() {
    let env = TestEnv::git_repo();
    env.write("app.py", "print(1)\n");
    env.git(&["add", "app.py"]);
    env.git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first", "--no-verify"]);
    let secret = "sk-proj-STOREfollowsKEY0123456789abcdefghij";
    env.tkx(["set", "OPENAI_PAT", "--private"]).write_stdin(secret).assert().success();
    let get = |dir: &std::path::Path| {
        let out = env.tkx_in(dir, ["get", "OPENAI_PAT"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    // Renamed.
    let renamed = env.root.join("app-renamed");
    std::fs::rename(env.project(), &renamed).unwrap();
    assert_eq!(get(&renamed), secret, "after a rename");
    // Cloned again somewhere else.
    let clone = env.root.join("elsewhere/app");
    let ok = env
        .process("git")
        .current_dir(&env.root)
        .args(["clone", "-q", renamed.to_str().unwrap(), clone.to_str().unwrap()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    assert_eq!(get(&clone), secret, "in a fresh clone");

    // A store under the path-based id of an older tkx moves to the repository's id.
    let old_id = tkx::layers::discover::project_id(&renamed.canonicalize().unwrap());
    let projects = env.tkx_dir().join("projects");
    for e in std::fs::read_dir(&projects).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("git-")) {
            std::fs::rename(&p, projects.join(&old_id)).unwrap();
        }
    }
    assert_eq!(get(&renamed), secret, "an old store is found and moved");
    assert!(!projects.join(&old_id).exists());
}

/// A project outside git that moves loses its path-based store id: tkx says where the
/// store is and how to bring it along, and the key is back after that one `mv`.
#[test]
fn a_moved_project_outside_git_is_told_where_its_store_is() {
    let env = TestEnv::new();
    env.write(".env", "PORT=1\n");
    let secret = "sk-proj-ORPHANstoreKEY0123456789abcdefghij";
    env.tkx(["set", "OPENAI_PAT", "--private"]).write_stdin(secret).assert().success();
    let moved = env.root.join("elsewhere/project");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(env.project(), &moved).unwrap();
    let out = env.tkx_in(&moved, ["env"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("note[envfile/orphan-store]: this project has no private store, but "), "{err}");
    assert!(!err.contains(secret) && !stdout(&out).contains(secret));
    let mv = err
        .lines()
        .find_map(|l| {
            l.trim().strip_prefix("hint: if it is this project's (moved or renamed), move it here: ")
        })
        .unwrap();
    let ok = env.process("sh").current_dir(&env.root).args(["-c", mv]).status().unwrap().success();
    assert!(ok, "{mv}");
    let out = env.tkx_in(&moved, ["get", "OPENAI_PAT"]).output().unwrap();
    assert_eq!(stdout(&out).trim(), secret);
    assert!(!stderr(&env.tkx_in(&moved, ["env"]).output().unwrap()).contains("orphan-store"));
}
