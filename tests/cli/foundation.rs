use crate::harness::TestEnv;

#[test]
fn test_smoke_add_and_list() {
    let env = TestEnv::new();
    let id = env.run(&["add", "First item"]).ok().stdout.trim().to_owned();
    let list = env.run(&["list", "--format", "json"]).ok().json();
    assert_eq!(list[0]["id"], id.as_str());
    env.assert_fsck();
}
