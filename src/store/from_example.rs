//! An env file from the keys `.env.example` declares: which keys are still needed,
//! and the file's new text once the answers are in (`tkx init`).
//!
//! A fresh file starts as a copy of the example, so its comments and order carry over;
//! an existing one keeps every byte and gains what is new. Asking for the values is
//! the command's job: nothing here prompts, prints or writes.

use super::Dest;
use super::write::edit_error;
use crate::envfile::{self, edit};
use crate::error::{Error, FileProblem};
use crate::example::{self, Declared};
use crate::layers::{Layer, Resolution};
use crate::project::Project;
use crate::secret::classify::hide_at_prompt;
use crate::secret::{Secret, is_placeholder, is_unfilled};

/// The project's `.env.example`, read and understood.
pub struct Example {
    /// Its text.
    pub text: String,
    /// Its path as shown.
    pub shown: String,
    /// The keys it declares, in file order.
    pub declared: Vec<Declared>,
}

impl Example {
    /// Reads the project's `.env.example`, refusing a missing file and one that
    /// declares no keys.
    pub fn read(project: &Project) -> Result<Example, Error> {
        let path = project.dir().join(".env.example");
        let shown = project.show(&path);
        let text = match envfile::read_text(&path) {
            Ok(text) => text,
            Err(FileProblem::NotFound) => {
                return Err(Error::refused(
                    format!("there is no .env.example in {}", project.dir().display()),
                    Some(
                        "tkx init creates .env from the keys .env.example declares: write one (`tkx diff --write-example` starts it from an existing .env), or store single keys with `tkx set KEY`"
                            .into(),
                    ),
                ));
            }
            Err(problem) => return Err(Error::File { path: shown, problem }),
        };
        let declared = example::declared(&text);
        if declared.is_empty() {
            return Err(Error::refused(
                format!("{shown} declares no keys: there is nothing to set up"),
                None,
            ));
        }
        Ok(Example { text, shown, declared })
    }

    /// The keys `text` defines that the example does not declare, in file order.
    pub fn undeclared(&self, text: &str) -> Vec<String> {
        envfile::parse(text)
            .entries
            .into_iter()
            .map(|e| e.key)
            .filter(|k| !self.declared.iter().any(|d| &d.key == k))
            .collect()
    }
}

/// What to do with one key of the example.
pub enum Plan {
    /// The target file already has a real value.
    HaveHere,
    /// Another layer has a real value (where).
    HaveElsewhere(String),
    /// Ask for it (or take it from the environment).
    Need,
}

/// What the person (or the environment) gave for a key.
pub enum Answer {
    /// A value.
    Value(Secret),
    /// Keep the example's own statement (a default).
    Default,
    /// Nothing: an optional key skipped, or a required key left unset.
    Skip,
}

/// The example's value of a non-credential key, when it is a usable default.
pub enum Default {
    /// A plain value.
    Literal(String),
    /// A value with `${…}`: kept as the example wrote it.
    Template,
}

/// One declared key: the plan for it, its default and, once given, the answer.
pub struct Item<'a> {
    /// The declaration.
    pub decl: &'a Declared,
    /// What to do with it.
    pub plan: Plan,
    /// The example's value, when it is a usable default.
    pub default: Option<Default>,
    /// The example's statement, without its line ending.
    pub statement: String,
    /// What was given; [`Answer::Skip`] until then.
    pub answer: Answer,
}

/// One item per declared key, planned against what the layers already define: a real
/// value in `dest` (unless `fresh`: the file is being replaced), in another file, or
/// in the process environment (which `from_env` means to take, so it is needed).
pub fn plan<'a>(
    example: &'a Example,
    res: &Resolution,
    dest: &Dest,
    fresh: bool,
    from_env: bool,
) -> Vec<Item<'a>> {
    let parsed = envfile::parse(&example.text);
    let mut items: Vec<Item> = Vec::with_capacity(example.declared.len());
    for d in &example.declared {
        let filled = |v: &str| !v.is_empty() && !is_unfilled(&d.key, v, Some(&d.placeholder));
        let here = res.definitions(&d.key).any(|def| dest.holds(&def.origin) && filled(def.value.expose()));
        let elsewhere = res.definitions(&d.key).find(|def| {
            !dest.holds(&def.origin) && def.origin.layer != Layer::Process && filled(def.value.expose())
        });
        let in_process = res.process_value(&d.key).is_some_and(|v| filled(&v));
        let plan = if !fresh && here {
            Plan::HaveHere
        } else if let Some(def) = elsewhere {
            Plan::HaveElsewhere(def.origin.describe())
        } else if in_process && !from_env {
            Plan::HaveElsewhere("the process environment".into())
        } else {
            Plan::Need
        };
        let entry = parsed.entries.iter().find(|e| e.key == d.key);
        let statement = entry
            .and_then(|e| example.text.get(e.span.clone()))
            .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
            .unwrap_or_default();
        let default = match entry.map(|e| &e.value) {
            _ if hide_at_prompt(&d.key) => None,
            Some(envfile::RawValue::Literal(v)) if !v.is_empty() && !is_placeholder(v) => {
                Some(Default::Literal(v.clone()))
            }
            Some(envfile::RawValue::Template(_)) => Some(Default::Template),
            _ => None,
        };
        items.push(Item { decl: d, plan, default, statement, answer: Answer::Skip });
    }
    items
}

/// The file's new text: when `fresh`, the example with the answers filled in and the
/// unanswered keys commented out; else `current` plus each new answer (with the
/// example's comment above a key it did not have).
pub fn compose(example: &Example, current: &str, fresh: bool, items: &[Item]) -> Result<String, Error> {
    let mut text = if fresh { example.text.clone() } else { current.to_owned() };
    for item in items {
        let key = item.decl.key.as_str();
        let absent = !envfile::parse(&text).entries.iter().any(|e| e.key == key);
        match (&item.answer, fresh) {
            (Answer::Value(v), true) => {
                let same_as_default = matches!(&item.default, Some(Default::Literal(d)) if d == v.expose());
                if !same_as_default {
                    text = edit::set(&text, key, v.expose()).map_err(edit_error)?.text;
                }
            }
            (Answer::Default, true) => {}
            (_, true) => text = edit::comment_out(&text, key).0,
            (Answer::Value(v), false) => {
                if absent {
                    text = edit::append_comments(&text, &item.decl.comment);
                }
                text = edit::set(&text, key, v.expose()).map_err(edit_error)?.text;
            }
            (Answer::Default, false) => {
                if absent {
                    text = edit::append_comments(&text, &item.decl.comment);
                }
                text = edit::put_statement(&text, key, &item.statement)
                    .map(|s| s.text)
                    .ok_or_else(|| edit_error(edit::EditError::NotRoundTrip))?;
            }
            (Answer::Skip, false) => {}
        }
    }
    Ok(text)
}
