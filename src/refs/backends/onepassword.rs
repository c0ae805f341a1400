//! `op://vault/item[/section]/field` through one `op inject` for all of them (one unlock,
//! one biometric prompt); when it fails with several references, each is read alone
//! (`op read`) so the failure names the right key.

use super::Job;
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};

pub(super) fn jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    if refs.is_empty() {
        return Vec::new();
    }
    vec![Box::new(move |runner: &Runner| inject(runner, &refs))]
}

fn uri(r: &Reference) -> &str {
    match r {
        Reference::OnePassword { uri } => uri,
        _ => "",
    }
}

fn inject(runner: &Runner, refs: &[(usize, &Reference)]) -> Vec<(usize, Result<Secret, Problem>)> {
    // Markers no value holds, so each value is found between its own two.
    let nonce = format!("{:016x}", std::collections::hash_map::RandomState::new().build_hasher().finish());
    let mut template = String::new();
    for (n, (_, r)) in refs.iter().enumerate() {
        template.push_str(&format!("tkx-{nonce}-{n}<{{{{ {} }}}}>tkx-{nonce}-end\n", uri(r)));
    }
    let args: Vec<OsString> = vec!["inject".into()];
    let ran = match runner.run(Backend::OnePassword, args, Some(template.into_bytes())) {
        Ok(r) => r,
        Err(p) => return super::all_failed(refs, &p),
    };
    if !ran.ok() {
        if refs.len() == 1 {
            return super::all_failed(refs, &Problem::from_stderr(&ran.stderr));
        }
        return std::thread::scope(|s| {
            let handles: Vec<_> =
                refs.iter().map(|(i, r)| s.spawn(move || (*i, read(runner, uri(r))))).collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
    }
    let out = String::from_utf8_lossy(&ran.stdout);
    refs.iter()
        .enumerate()
        .map(|(n, (i, _))| {
            let start = format!("tkx-{nonce}-{n}<");
            let end = format!(">tkx-{nonce}-end");
            let value = out.find(&start).and_then(|a| {
                let from = a + start.len();
                out[from..].find(&end).map(|b| &out[from..from + b])
            });
            (
                *i,
                value
                    .map(Secret::new)
                    .ok_or_else(|| Problem::new(Class::Failed, "op inject's output was not what tkx wrote")),
            )
        })
        .collect()
}

fn read(runner: &Runner, uri: &str) -> Result<Secret, Problem> {
    let ran =
        runner.run(Backend::OnePassword, vec!["read".into(), "--no-newline".into(), uri.into()], None)?;
    if !ran.ok() {
        return Err(Problem::from_stderr(&ran.stderr));
    }
    String::from_utf8(ran.stdout)
        .map(Secret::new)
        .map_err(|_| Problem::new(Class::Failed, "op read printed a value that is not text"))
}
