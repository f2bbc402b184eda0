//! The crate's own names for git things, so no layer above `git` names `git2`: object
//! ids, the commit identities, and a libgit2 failure as a value.

use std::fmt;
use std::str::FromStr;

use git2::{ObjectType, Oid, Signature};

use super::{GitError, git};

/// A git object id (a commit, tree or blob).
///
/// The same bits as libgit2's `Oid` (so it costs nothing to convert); the conversions
/// exist only in the `git` layer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(Oid);

impl ObjectId {
    /// The all-zero id, which names no object.
    pub const ZERO: ObjectId = ObjectId(Oid::ZERO_SHA1);

    /// The id git gives a blob with these bytes (`git hash-object`), computed without
    /// writing anything.
    pub fn of_blob(bytes: &[u8]) -> ObjectId {
        ObjectId(Oid::hash_object(ObjectType::Blob, bytes).unwrap_or(Oid::ZERO_SHA1))
    }

    /// The libgit2 id.
    pub(crate) fn raw(self) -> Oid {
        self.0
    }
}

impl From<Oid> for ObjectId {
    fn from(oid: Oid) -> Self {
        ObjectId(oid)
    }
}

impl From<ObjectId> for Oid {
    fn from(id: ObjectId) -> Self {
        id.0
    }
}

impl fmt::Display for ObjectId {
    /// The full lowercase hex id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A text that is not a hex object id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a git object id: {0:?}")]
pub struct BadObjectId(String);

impl FromStr for ObjectId {
    type Err = BadObjectId;

    /// Parses a hex id, as libgit2 does (a shorter prefix is zero-padded).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Oid::from_str(s)
            .map(ObjectId)
            .map_err(|_| BadObjectId(s.to_owned()))
    }
}

/// A libgit2 failure, kept as a value (its message is libgit2's, unchanged).
#[derive(Debug)]
pub struct Failure(git2::Error);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// libgit2's message alone (without the class and code its `Display` adds).
    pub fn message(&self) -> &str {
        self.0.message()
    }
}

impl From<BadObjectId> for Failure {
    fn from(e: BadObjectId) -> Self {
        Failure(git2::Error::from_str(&e.to_string()))
    }
}

impl From<git2::Error> for Failure {
    fn from(e: git2::Error) -> Self {
        Failure(e)
    }
}

impl GitError {
    /// The libgit2 failure under this error (any other error as one, by its message).
    pub fn into_failure(self) -> Failure {
        Failure(match self {
            GitError::Git { source, .. } => source,
            other => git2::Error::from_str(&other.to_string()),
        })
    }
}

/// The author and committer of the commits a command makes ([`super::Repo::signature`]).
#[derive(Clone)]
pub struct Signatures {
    pub(crate) author: git2::Signature<'static>,
    pub(crate) committer: git2::Signature<'static>,
}

impl Signatures {
    /// The committer's name and email (empty when not UTF-8).
    pub fn committer(&self) -> (&str, &str) {
        (
            self.committer.name().unwrap_or(""),
            self.committer.email().unwrap_or(""),
        )
    }
}

impl fmt::Debug for Signatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signatures")
            .field("author", &self.author.to_string())
            .field("committer", &self.committer.to_string())
            .finish()
    }
}

impl super::Repo {
    /// The author/committer from git config (honouring `GIT_AUTHOR_*`/`GIT_COMMITTER_*`
    /// environment variables), or a clear error.
    pub fn signature(&self) -> Result<Signatures, GitError> {
        let config = self.repo.config().map_err(git("read config"))?;
        let get = |env: &str, key: &str| -> Option<String> {
            std::env::var(env)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| config.get_string(key).ok())
        };
        let missing = || {
            GitError::MissingIdentity(
                "set it with `git config user.name \"Your Name\"` and \
                 `git config user.email you@example.com`, or pass --no-commit"
                    .to_owned(),
            )
        };
        let author_name = get("GIT_AUTHOR_NAME", "user.name").ok_or_else(missing)?;
        let author_email = get("GIT_AUTHOR_EMAIL", "user.email").ok_or_else(missing)?;
        let committer_name = get("GIT_COMMITTER_NAME", "user.name").unwrap_or(author_name.clone());
        let committer_email =
            get("GIT_COMMITTER_EMAIL", "user.email").unwrap_or(author_email.clone());
        let make = |name: &str,
                    email: &str,
                    date_env: &str|
         -> Result<Signature<'static>, GitError> {
            match std::env::var(date_env)
                .ok()
                .and_then(|d| parse_git_date(&d))
            {
                Some((secs, offset)) => Signature::new(name, email, &git2::Time::new(secs, offset)),
                None => Signature::now(name, email),
            }
            .map_err(|e| GitError::MissingIdentity(e.message().to_owned()))
        };
        Ok(Signatures {
            author: make(&author_name, &author_email, "GIT_AUTHOR_DATE")?,
            committer: make(&committer_name, &committer_email, "GIT_COMMITTER_DATE")?,
        })
    }
}

/// Parses the `GIT_*_DATE` forms tests and scripts use: `@<secs> <+hhmm>` or
/// `<secs> <+hhmm>`.
pub(super) fn parse_git_date(s: &str) -> Option<(i64, i32)> {
    let s = s.trim().trim_start_matches('@');
    let mut parts = s.split_whitespace();
    let secs: i64 = parts.next()?.parse().ok()?;
    let offset = parts.next().unwrap_or("+0000");
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset.trim_start_matches(['+', '-']);
    if digits.len() != 4 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some((secs, sign * (hours * 60 + minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_object_id_round_trips_and_hashes_blobs() {
        let id = ObjectId::of_blob(b"hello\n");
        assert_eq!(id.to_string(), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(id.to_string().parse::<ObjectId>(), Ok(id));
        assert_eq!(format!("{id:?}"), id.to_string());
        assert!("xyz".parse::<ObjectId>().is_err());
        assert!(ObjectId::ZERO < id);
    }
}
