use super::*;

#[test]
fn test_pager_windows_and_marks_current() {
    assert_eq!(pager(1, 1), "");
    let p = pager(5, 20);
    assert!(p.contains("href=\"index.html\">1</a>"), "{p}");
    assert!(
        p.contains("href=\"backlog-5.html\" aria-current=\"page\">5</a>"),
        "{p}"
    );
    assert!(p.contains("backlog-20.html\">20</a>"), "{p}");
    assert!(!p.contains("backlog-10.html\">"), "{p}");
    assert!(p.contains("rel=\"prev\""));
    assert!(p.contains("rel=\"next\""));
    assert!(!pager(20, 20).contains("rel=\"next\""));
}

#[test]
fn test_percent() {
    assert_eq!(percent("in progress/x"), "in%20progress%2Fx");
}
