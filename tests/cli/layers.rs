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
