//! A push: the refs git hands a pre-push hook on stdin, and the commits each one carries
//! that the remote lacks. Parsing and the range are plain functions of the lines and of
//! what the repository knows (asked through closures), so they are tested without a
//! repository. This module must not read stdin or open a repository itself.

/// One line of a pre-push hook's stdin: `<local ref> <local sha> <remote ref> <remote sha>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushRef {
    /// The ref pushed (`refs/heads/main`), as git wrote it.
    pub local_ref: String,
    /// The commit pushed; all zeros when the push deletes the remote ref.
    pub local: String,
    /// The ref it updates on the remote.
    pub remote_ref: String,
    /// The commit the remote ref points at now; all zeros when the ref is new there.
    pub remote: String,
}

impl PushRef {
    /// One line of the hook's stdin; `None` when it is not four fields.
    pub fn parse(line: &str) -> Option<PushRef> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = parts.as_slice() else { return None };
        Some(PushRef {
            local_ref: (*local_ref).to_owned(),
            local: (*local).to_owned(),
            remote_ref: (*remote_ref).to_owned(),
            remote: (*remote).to_owned(),
        })
    }

    /// Whether the push deletes the remote ref: it carries no commits.
    pub fn is_delete(&self) -> bool {
        is_zero(&self.local)
    }
}

/// Every ref in the hook's stdin lines, skipping lines that are not refs.
pub fn parse<S: AsRef<str>>(lines: impl IntoIterator<Item = S>) -> Vec<PushRef> {
    lines.into_iter().filter_map(|l| PushRef::parse(l.as_ref())).collect()
}

/// The commits one ref pushes, as a history walk: from `push`, hiding `hide` and, with
/// `hide_remotes`, every remote-tracking ref.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// Where the walk starts.
    pub push: Vec<String>,
    /// Commits (and their ancestors) the remote already has.
    pub hide: Vec<String>,
    /// Also hide every remote's tracking refs.
    pub hide_remotes: bool,
}

/// What `r` pushes; `None` for a deletion. `has_commit` says whether this clone has a
/// commit; `tracking` gives the remote-tracking heads of the remote pushed to (`None`
/// when pushing to a URL or a remote this clone does not know).
pub fn range(
    r: &PushRef,
    has_commit: impl Fn(&str) -> bool,
    tracking: impl FnOnce() -> Option<Vec<String>>,
) -> Option<Range> {
    if r.is_delete() {
        return None;
    }
    // Only what the remote lacks is pushed: not the commits under the ref's old value,
    // nor those its remote-tracking refs show it has (a merge of the remote's main into
    // a branch pushes none of main's commits). For a new ref, or a force push over a
    // commit this clone never fetched, the tracking refs are all there is; pushing to a
    // URL, every remote's are used.
    let known = !is_zero(&r.remote) && has_commit(&r.remote);
    let mut hide = if known { vec![r.remote.clone()] } else { Vec::new() };
    let tracking = tracking();
    let hide_remotes = tracking.is_none() && !known;
    hide.extend(tracking.unwrap_or_default());
    Some(Range { push: vec![r.local.clone()], hide, hide_remotes })
}

fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO: &str = "0000000000000000000000000000000000000000";
    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const C: &str = "3333333333333333333333333333333333333333";

    #[test]
    fn parses_refs_and_skips_other_lines() {
        let lines = [
            format!("refs/heads/main {A} refs/heads/main {B}"),
            String::new(),
            "three fields only".to_owned(),
            format!("refs/heads/gone {ZERO} refs/heads/gone {B}"),
        ];
        let refs = parse(&lines);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].local_ref, "refs/heads/main");
        assert_eq!((refs[0].local.as_str(), refs[0].remote.as_str()), (A, B));
        assert!(!refs[0].is_delete());
        assert!(refs[1].is_delete());
    }

    fn one(line: &str) -> PushRef {
        PushRef::parse(line).unwrap()
    }

    #[test]
    fn ranges() {
        let has = |id: &str| id == B;
        // A deletion pushes nothing.
        assert_eq!(range(&one(&format!("r {ZERO} r {B}")), has, || None), None);
        // An update over a commit this clone has: hide it, and the remote's heads.
        let r = range(&one(&format!("r {A} r {B}")), has, || Some(vec![C.to_owned()])).unwrap();
        assert_eq!(r, Range { push: vec![A.into()], hide: vec![B.into(), C.into()], hide_remotes: false });
        // The same to a URL: the old value is enough, no remote's heads are needed.
        let r = range(&one(&format!("r {A} r {B}")), has, || None).unwrap();
        assert_eq!(r, Range { push: vec![A.into()], hide: vec![B.into()], hide_remotes: false });
        // A new ref to a named remote: its tracking heads are what it has.
        let r = range(&one(&format!("r {A} r {ZERO}")), has, || Some(vec![C.to_owned()])).unwrap();
        assert_eq!(r, Range { push: vec![A.into()], hide: vec![C.into()], hide_remotes: false });
        // A new ref to a URL, or a force push over a commit never fetched: every remote's.
        let r = range(&one(&format!("r {A} r {ZERO}")), has, || None).unwrap();
        assert_eq!(r, Range { push: vec![A.into()], hide: vec![], hide_remotes: true });
        let r = range(&one(&format!("r {A} r {C}")), has, || None).unwrap();
        assert!(r.hide_remotes && r.hide.is_empty());
    }
}
