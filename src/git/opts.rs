//! Process-wide libgit2 settings.
//!
//! Every [`super::Repo`] turns off strict hash verification when it is opened (see
//! `configure_libgit2`): the settings here are the ones a command chooses.

/// Stops libgit2 from keeping the objects it reads in its object cache: for a walk over
/// the whole history, which reads each commit once (`log`).
pub fn disable_object_cache() {
    git2::opts::enable_caching(false);
}
