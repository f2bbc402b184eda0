//! Process-wide libgit2 settings.
//!
//! Every [`super::Repo`] turns off strict hash verification when it is opened (see
//! `configure_libgit2`): the settings here are the ones a command chooses.

/// Stops libgit2 from keeping the objects it reads in its object cache: for a walk over
/// the whole history, which reads each commit once (`log`).
pub fn disable_object_cache() {
    git2::opts::enable_caching(false);
}

/// How much of the pack files libgit2 keeps mapped at once, and the size of one mapped
/// window. libgit2's defaults (8 GiB, 1 GiB windows) map a whole pack and keep every page
/// a walk touched: a `log` over 100,000 commits then counted the 250 MB pack in its
/// resident memory. With these, libgit2 unmaps the least recently used windows instead
/// (the pages stay in the kernel's page cache, so reading them again costs little).
const MAPPED_LIMIT: usize = 64 << 20;
const WINDOW_SIZE: usize = 16 << 20;

/// Applies [`MAPPED_LIMIT`] and [`WINDOW_SIZE`]; called once, before any repository is
/// opened.
#[allow(unsafe_code)]
pub(super) fn limit_mapped_packs() {
    // SAFETY: the libgit2 options are process-wide globals that must not change while
    // another thread uses libgit2; this runs inside `configure_libgit2`'s `Once`, before
    // the first repository is opened, so no other libgit2 call is in flight.
    unsafe {
        let _ = git2::opts::set_mwindow_size(WINDOW_SIZE);
        let _ = git2::opts::set_mwindow_mapped_limit(MAPPED_LIMIT);
    }
}

/// Keeps glibc from handing freed memory back to the kernel after every large read.
///
/// libgit2 allocates each tree it reads with `malloc`; a 10,000-item folder tree is
/// 700 KB. With glibc's dynamic thresholds, each such buffer ends up at the top of the
/// heap, its `free` trims the heap, and the next read grows it again: the kernel then
/// zeroes 170 fresh pages per tree. A `log` over 30,000 folder versions spent 1.5 s of
/// system time on those page faults. A fixed trim threshold of 64 MB keeps the pages.
#[allow(unsafe_code)]
pub(super) fn keep_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes glibc's allocator settings; it is called once, from
    // `configure_libgit2`'s `Once`, before libgit2 allocates anything large.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}
