//! `tkx get KEY`: the value, unmasked, for scripts.

use crate::support::TestEnv;
use predicates::prelude::*;

#[test]
fn prints_the_value_and_a_newline() {
    let env = TestEnv::new();
    env.write(".env", "A=\"multi\nline\"\nB=plain\n");
    env.tkx(["get", "B"]).assert().success().stdout("plain\n").stderr("");
    env.tkx(["get", "A"]).assert().success().stdout("multi\nline\n");
}

#[test]
fn process_values_count() {
    let env = TestEnv::new();
    env.tkx(["get", "FROM_SHELL"]).env("FROM_SHELL", "x").assert().success().stdout("x\n");
}

#[test]
fn unset_keys_exit_1() {
    let env = TestEnv::new();
    env.write(".env", "B=plain\n");
    env.tkx(["get", "NOPE"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("tkx: NOPE is not set in any layer"));
}
