//! Secret managers and credential helpers: the vendor commands that print a secret
//! (`op read`, `vault kv get`, `aws secretsmanager get-secret-value`, `gcloud secrets
//! versions access`, `az keyvault secret show`, `sops -d`, `doppler secrets`, `gh auth
//! token`, `git credential fill`, `security find-generic-password -w`, …). Commands that
//! only list names or run a program with the secrets (`op run`, `doppler run`: see
//! `nested`) are not theirs.
//!
//! It owns the denials that name a vendor's command. It must not judge files or the
//! environment.

use super::Run;
use crate::agent::Decision;

/// Why a vendor command is refused.
const REASON: &str = "it prints a secret from a secret manager or a credential helper; use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values";

impl Run<'_> {
    /// A vendor command that prints a secret. `None`: not one of these.
    pub(super) fn vendor(&self, name: &str, words: &[String]) -> Option<Decision> {
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        // The subcommand words: the arguments that are not options, in order.
        let sub: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
        let has = |flag: &str| args.iter().any(|a| *a == flag || a.starts_with(&format!("{flag}=")));
        let starts = |path: &[&str]| sub.len() >= path.len() && sub[..path.len()] == *path;
        let prints = match name {
            "op" => {
                starts(&["read"])
                    || (starts(&["item", "get"]) && has("--reveal"))
                    || (starts(&["inject"]) && !has("-o") && !has("--out-file"))
            }
            "vault" | "bao" => starts(&["kv", "get"]) || starts(&["read"]),
            "aws" => {
                starts(&["secretsmanager", "get-secret-value"])
                    || starts(&["secretsmanager", "batch-get-secret-value"])
                    || ((starts(&["ssm", "get-parameter"])
                        || starts(&["ssm", "get-parameters"])
                        || starts(&["ssm", "get-parameters-by-path"])
                        || starts(&["ssm", "get-parameter-history"]))
                        && has("--with-decryption"))
                    || (starts(&["configure", "get"])
                        && sub.get(2).is_some_and(|k| k.contains("secret") || k.contains("session_token")))
                    || starts(&["configure", "export-credentials"])
                    || starts(&["sts", "get-session-token"])
                    || starts(&["sts", "assume-role"])
            }
            "gcloud" => {
                starts(&["secrets", "versions", "access"])
                    || starts(&["auth", "print-access-token"])
                    || starts(&["auth", "print-identity-token"])
                    || starts(&["auth", "application-default", "print-access-token"])
            }
            "az" => {
                starts(&["keyvault", "secret", "show"])
                    || (starts(&["keyvault", "secret", "download"])
                        && args
                            .windows(2)
                            .any(|w| matches!(w[0], "--file" | "-f") && w[1].starts_with("/dev/")))
                    || starts(&["account", "get-access-token"])
            }
            "berglas" => starts(&["access"]),
            "chamber" => starts(&["read"]) || starts(&["export"]) || starts(&["env"]),
            "sops" => (has("-d") || has("--decrypt")) && !has("--output"),
            "doppler" => {
                (starts(&["secrets"]) && !has("--only-names") && !starts(&["secrets", "set"]))
                    || starts(&["secrets", "download"]) && !has("--no-file")
            }
            "infisical" => starts(&["secrets"]) && !starts(&["secrets", "set"]) || starts(&["export"]),
            "heroku" => starts(&["config"]) || starts(&["config:get"]),
            "railway" => starts(&["variables"]) && !has("--set"),
            "netlify" => starts(&["env:get"]) || (starts(&["env:list"]) && has("--plain")),
            "gh" => {
                starts(&["auth", "token"])
                    || (starts(&["auth", "status"]) && (has("-t") || has("--show-token")))
            }
            "security" => {
                (starts(&["find-generic-password"]) || starts(&["find-internet-password"]))
                    && (has("-w") || has("-g"))
            }
            "npm" | "pnpm" | "yarn" => {
                starts(&["config", "get"])
                    && sub.get(2).is_some_and(|k| k.contains("_auth") || k.contains("_password"))
            }
            "kubectl" => starts(&["config", "view"]) && (has("--raw") || has("--flatten")),
            "pass" | "gopass" => {
                starts(&["show"]) || (sub.len() == 1 && !matches!(sub[0], "ls" | "list" | "find"))
            }
            "bw" => starts(&["get"]),
            "lpass" => starts(&["show"]),
            "git" => starts(&["credential", "fill"]),
            _ => false,
        };
        prints.then(|| {
            Decision::deny(
                format!("`{name} {}`", sub.iter().take(3).copied().collect::<Vec<_>>().join(" ")),
                REASON,
            )
        })
    }
}
