//! Issue 12, "the first hour": one end-to-end regression test per bug of the newcomer
//! report (`bugs 1-9, 11, 13, 14`; 10 and 12 are the terminal's) with the report's own
//! reproduction, checked with the git CLI where something is (or must not be) committed.

use std::path::Path;

use crate::harness::TestEnv;

/// A repository holding a copy of `examples/demo/backlog`, committed.
#[allow(dead_code)]
fn demo() -> TestEnv {
    let env = TestEnv::new();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/backlog");
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("backlog").join(entry.file_name())).unwrap();
    }
    env.commit_all("Demo backlog");
    env
}

/// The path of the demo item file whose name starts with `id`.
#[allow(dead_code)]
fn file_of(env: &TestEnv, id: &str) -> String {
    for entry in std::fs::read_dir(env.path("backlog")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with(&format!("{id}-")) {
            return format!("backlog/{name}");
        }
    }
    panic!("no file for {id}");
}

// ---- bug 1: discovery never climbs into an unrelated ancestor ----------------------

#[test]
fn test_bug1_init_outside_git_never_writes_into_an_ancestor_backlog_folder() {
    let env = TestEnv::bare_dir();
    // `git clone …/backlog` next to a scratch folder: an unrelated `backlog/` above.
    env.write("sandbox/backlog/README.md", "the tool's own checkout\n");
    std::fs::create_dir_all(env.path("sandbox/proj")).unwrap();
    let r = env.run(&["-C", "sandbox/proj", "init"]).ok();
    let created = env.path("sandbox/proj/backlog/config.yml");
    assert!(created.is_file(), "{}", r.stderr);
    assert!(!env.path("sandbox/backlog/config.yml").exists());
    // The message names the absolute path it created.
    assert!(
        r.stderr.contains(&format!(
            "Initialized the backlog in {}.",
            created.display()
        )),
        "{}",
        r.stderr
    );
    let r = env.run(&["-C", "sandbox/proj", "add", "Oops"]).ok();
    assert!(!r.stderr.contains("using"), "{}", r.stderr);
    let in_ancestor = std::fs::read_dir(env.path("sandbox/backlog"))
        .unwrap()
        .count();
    assert_eq!(in_ancestor, 1, "the ancestor folder gained files");
    let mine = std::fs::read_dir(env.path("sandbox/proj/backlog"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with("-oops.md"))
        .count();
    assert_eq!(mine, 1);
}

#[test]
fn test_bug1_commands_outside_git_ignore_an_ancestor_folder_that_is_no_backlog() {
    let env = TestEnv::bare_dir();
    env.write("sandbox/backlog/CHANGELOG.md", "# not an item\n");
    std::fs::create_dir_all(env.path("sandbox/proj")).unwrap();
    let r = env.run(&["-C", "sandbox/proj", "list"]).code(2);
    assert!(r.stderr.contains("no backlog folder"), "{}", r.stderr);
    assert!(r.stderr.contains("backlog init"), "{}", r.stderr);
    assert!(!r.stderr.contains("missing front matter"), "{}", r.stderr);
}

#[test]
fn test_bug1_a_backlog_above_the_current_folder_is_named_on_stderr() {
    // Outside git: a real backlog (with its config.yml) above is used, and said.
    let env = TestEnv::bare_dir();
    env.run(&["-C", ".", "init"]).ok();
    std::fs::create_dir_all(env.path("docs/deep")).unwrap();
    let r = env.run(&["-C", "docs/deep", "add", "From below"]).ok();
    assert!(
        r.stderr.starts_with("using ../../backlog\n"),
        "{}",
        r.stderr
    );
    let r = env.run(&["-C", "docs/deep", "list", "--quiet"]).ok();
    assert!(
        !r.stderr.contains("using"),
        "--quiet silences it: {}",
        r.stderr
    );
    assert!(r.stdout.contains("From below"));
    // Inside git: from a subfolder of the repository, the root's backlog, said.
    let env = TestEnv::new();
    env.run(&["init"]).ok();
    std::fs::create_dir_all(env.path("src")).unwrap();
    let r = env.run(&["-C", "src", "add", "In git"]).ok();
    assert!(r.stderr.starts_with("using ../backlog\n"), "{}", r.stderr);
    let r = env.run(&["add", "At the root"]).ok();
    assert!(!r.stderr.contains("using"), "{}", r.stderr);
    // `init` in a subfolder of a repository creates the backlog at the root.
    let env = TestEnv::new();
    std::fs::remove_dir(env.path("backlog")).unwrap();
    std::fs::create_dir_all(env.path("src")).unwrap();
    let r = env.run(&["-C", "src", "init"]).ok();
    assert!(env.path("backlog/config.yml").is_file(), "{}", r.stderr);
    let r = env.run(&["-C", "src", "init"]).code(2);
    let existing = env.path("backlog/config.yml");
    assert!(
        r.stderr
            .contains(&format!("{} already exists", existing.display())),
        "{}",
        r.stderr
    );
}
