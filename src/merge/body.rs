//! Line-based three-way merge: libgit2's `merge_file`, then a closer look at each conflict.
//!
//! libgit2 (like git) reports a conflict whenever the two sides' changes touch or are
//! adjacent: checking the last acceptance criterion on one branch and appending a new one
//! on the other conflicts, although the two edits are independent. So every conflict
//! region libgit2 reports (asked for in diff3 style, which carries the base lines too) is
//! merged again here with a finer rule (`merge_region`):
//!
//! - changes to different base lines merge, even when the lines are neighbours;
//! - the same change on both sides is taken once;
//! - two insertions at the same place that are both markdown list items (criteria, notes)
//!   are both kept, ours first, then theirs' lines that ours does not already have;
//! - anything else (two different edits of the same line) stays a conflict, with markers
//!   around just the lines in disagreement.
//!
//! Inputs that already hold marker-like lines skip the second pass (libgit2's own result
//! is kept), since its markers could not be told apart from the content.

use super::{Labels, MergeError};

/// The result of a line merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMerge {
    /// The merged text, with conflict markers where a conflict remains.
    pub text: Vec<u8>,
    /// How many conflict regions remain.
    pub conflicts: usize,
}

/// Above this many cells (base lines × side lines) a conflict region is left as libgit2
/// reported it instead of being diffed again (bounded time on hostile input).
const MAX_REGION_CELLS: usize = 4_000_000;

/// Merges three texts line by line.
pub fn merge_lines(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: &Labels,
) -> Result<LineMerge, MergeError> {
    if ours == theirs || base == theirs {
        return Ok(clean(ours.to_vec()));
    }
    if base == ours {
        return Ok(clean(theirs.to_vec()));
    }
    let size = labels.marker_size;
    let refine = ![base, ours, theirs].iter().any(|text| {
        text.split(|&b| b == b'\n')
            .any(|l| marker_kind(l, size).is_some())
    });
    let opts = crate::git::MergeFileOptions {
        ours_label: &labels.ours,
        theirs_label: &labels.theirs,
        base_label: &labels.base,
        marker_size: size as u16,
        diff3: refine,
    };
    let (text, clean) = crate::git::merge_file(base, ours, theirs, &opts)
        .map_err(|e| MergeError::Git(e.to_string()))?;
    if clean {
        return Ok(self::clean(text));
    }
    if !refine {
        // Markers libgit2 added: those in the result that OURS did not already have.
        let starts = |t: &[u8]| {
            t.split(|&b| b == b'\n')
                .filter(|l| marker_kind(l, size) == Some(Marker::Start))
                .count()
        };
        let conflicts = starts(&text).saturating_sub(starts(ours)).max(1);
        return Ok(LineMerge { text, conflicts });
    }
    Ok(refine_conflicts(&text, labels))
}

fn clean(text: Vec<u8>) -> LineMerge {
    LineMerge { text, conflicts: 0 }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Start,
    Base,
    Middle,
    End,
}

/// Which conflict marker a line (without its `\n`) is, for markers of `size` characters.
fn marker_kind(line: &[u8], size: usize) -> Option<Marker> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (&first, _) = line.split_first()?;
    let kind = match first {
        b'<' => Marker::Start,
        b'|' => Marker::Base,
        b'=' => Marker::Middle,
        b'>' => Marker::End,
        _ => return None,
    };
    if line.len() < size || !line[..size].iter().all(|&b| b == first) {
        return None;
    }
    let rest = &line[size..];
    let ok = match kind {
        Marker::Middle => rest.is_empty(),
        _ => rest.is_empty() || rest[0] == b' ',
    };
    ok.then_some(kind)
}

/// Splits text into lines, each with its terminator.
fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// Re-merges each diff3 conflict region of libgit2's output with [`merge_region`].
fn refine_conflicts(text: &[u8], labels: &Labels) -> LineMerge {
    let size = labels.marker_size;
    let newline: &[u8] = if text.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let all = lines(text);
    let mut out = Vec::with_capacity(text.len());
    let mut conflicts = 0;
    let mut i = 0;
    while i < all.len() {
        let line = all[i];
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        if marker_kind(bare, size) != Some(Marker::Start) {
            out.extend_from_slice(line);
            i += 1;
            continue;
        }
        // <<<<<<< ours … ||||||| base … ======= … >>>>>>> theirs
        let mut parts: [Vec<&[u8]>; 3] = Default::default();
        let mut part = 0;
        let mut j = i + 1;
        let mut closed = false;
        while j < all.len() {
            let l = all[j];
            let b = l.strip_suffix(b"\n").unwrap_or(l);
            match marker_kind(b, size) {
                Some(Marker::Base) if part == 0 => part = 1,
                Some(Marker::Middle) if part == 1 => part = 2,
                Some(Marker::End) if part == 2 => {
                    closed = true;
                    break;
                }
                _ => parts[part].push(l),
            }
            j += 1;
        }
        if !closed {
            // Not the shape asked for: keep the rest as libgit2 wrote it.
            out.extend(all[i..].iter().flat_map(|l| l.iter().copied()));
            conflicts += 1;
            break;
        }
        let [ours, base, theirs] = parts;
        let merged = merge_region(&base, &ours, &theirs, labels, newline);
        out.extend_from_slice(&merged.text);
        conflicts += merged.conflicts;
        i = j + 1;
    }
    LineMerge {
        text: out,
        conflicts,
    }
}

/// One side's change to the base: base lines `start..end` become `lines`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk<'a> {
    start: usize,
    end: usize,
    lines: Vec<&'a [u8]>,
    ours: bool,
}

/// The hunks that turn `base` into `side` (longest common subsequence; touching hunks
/// joined), or `None` when the region is too large to diff.
fn diff<'a>(base: &[&'a [u8]], side: &[&'a [u8]], ours: bool) -> Option<Vec<Hunk<'a>>> {
    let (n, m) = (base.len(), side.len());
    if (n + 1).saturating_mul(m + 1) > MAX_REGION_CELLS {
        return None;
    }
    // lcs[i][j] = LCS length of base[i..] and side[j..].
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if base[i] == side[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut hunks: Vec<Hunk<'a>> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut open: Option<Hunk<'a>> = None;
    while i < n || j < m {
        if i < n && j < m && base[i] == side[j] {
            hunks.extend(open.take());
            i += 1;
            j += 1;
            continue;
        }
        let hunk = open.get_or_insert_with(|| Hunk {
            start: i,
            end: i,
            lines: Vec::new(),
            ours,
        });
        if j < m && (i == n || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j]) {
            hunk.lines.push(side[j]);
            j += 1;
        } else {
            i += 1;
            hunk.end = i;
        }
    }
    hunks.extend(open);
    Some(hunks)
}

/// Whether two hunks (of different sides) compete for the same base lines.
fn overlaps(a: &Hunk<'_>, b: &Hunk<'_>) -> bool {
    let a_insert = a.start == a.end;
    let b_insert = b.start == b.end;
    match (a_insert, b_insert) {
        (true, true) => a.start == b.start,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// A markdown list item (`- x`, `* x`, `+ x`, `1. x`, `1) x`, task items included).
fn is_list_item(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    if let [b'-' | b'*' | b'+', b' ', ..] = t {
        return true;
    }
    let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && matches!(t.get(digits..digits + 2), Some([b'.' | b')', b' ']))
}

/// Three-way merge of one region (lines with terminators), finer than libgit2's (see the
/// module docs). Falls back to one conflict over the whole region when it is too large.
fn merge_region(
    base: &[&[u8]],
    ours: &[&[u8]],
    theirs: &[&[u8]],
    labels: &Labels,
    newline: &[u8],
) -> LineMerge {
    let (Some(our_hunks), Some(their_hunks)) = (diff(base, ours, true), diff(base, theirs, false))
    else {
        let mut text = Vec::new();
        push_conflict(&mut text, ours, theirs, labels, newline);
        return LineMerge { text, conflicts: 1 };
    };
    let mut hunks: Vec<Hunk<'_>> = our_hunks.into_iter().chain(their_hunks).collect();
    hunks.sort_by_key(|h| (h.start, h.end, !h.ours));
    // Clusters of hunks that compete (transitively) for base lines.
    let mut clusters: Vec<Vec<Hunk<'_>>> = Vec::new();
    for hunk in hunks {
        match clusters.last_mut() {
            Some(c) if c.iter().any(|h| overlaps(h, &hunk)) => c.push(hunk),
            _ => clusters.push(vec![hunk]),
        }
    }
    let mut text = Vec::new();
    let mut conflicts = 0;
    let mut pos = 0;
    for cluster in &clusters {
        let start = cluster.iter().map(|h| h.start).min().unwrap_or(pos);
        let end = cluster.iter().map(|h| h.end).max().unwrap_or(pos);
        for line in &base[pos..start] {
            text.extend_from_slice(line);
        }
        pos = end;
        let apply = |ours: bool| -> Vec<&[u8]> {
            let mut out = Vec::new();
            let mut at = start;
            for h in cluster.iter().filter(|h| h.ours == ours) {
                out.extend_from_slice(&base[at..h.start]);
                out.extend_from_slice(&h.lines);
                at = h.end;
            }
            out.extend_from_slice(&base[at..end]);
            out
        };
        let (mine, yours) = (apply(true), apply(false));
        let one_sided = cluster.iter().all(|h| h.ours) || cluster.iter().all(|h| !h.ours);
        if one_sided {
            // Hunks of one side never compete with each other: apply them.
            let side = if cluster[0].ours { &mine } else { &yours };
            side.iter().for_each(|l| text.extend_from_slice(l));
        } else if mine == yours {
            mine.iter().for_each(|l| text.extend_from_slice(l));
        } else if start == end && mine.iter().chain(&yours).all(|l| is_list_item(l)) {
            // Two lists of items inserted at one place: both, ours first.
            mine.iter().for_each(|l| text.extend_from_slice(l));
            for line in yours.iter().filter(|l| !mine.contains(l)) {
                text.extend_from_slice(line);
                if !line.ends_with(b"\n") {
                    text.extend_from_slice(newline);
                }
            }
        } else {
            push_conflict(&mut text, &mine, &yours, labels, newline);
            conflicts += 1;
        }
    }
    for line in &base[pos..] {
        text.extend_from_slice(line);
    }
    LineMerge { text, conflicts }
}

/// Writes `<<<<<<< ours`, ours' lines, `=======`, theirs' lines, `>>>>>>> theirs`.
pub(super) fn push_conflict(
    out: &mut Vec<u8>,
    ours: &[&[u8]],
    theirs: &[&[u8]],
    labels: &Labels,
    newline: &[u8],
) {
    let marker = |c: char| c.to_string().repeat(labels.marker_size);
    let push_lines = |out: &mut Vec<u8>, lines: &[&[u8]]| {
        for line in lines {
            out.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                out.extend_from_slice(newline);
            }
        }
    };
    out.extend_from_slice(format!("{} {}", marker('<'), labels.ours).as_bytes());
    out.extend_from_slice(newline);
    push_lines(out, ours);
    out.extend_from_slice(marker('=').as_bytes());
    out.extend_from_slice(newline);
    push_lines(out, theirs);
    out.extend_from_slice(format!("{} {}", marker('>'), labels.theirs).as_bytes());
    out.extend_from_slice(newline);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(base: &str, ours: &str, theirs: &str) -> (String, usize) {
        let m = merge_lines(
            base.as_bytes(),
            ours.as_bytes(),
            theirs.as_bytes(),
            &Labels::default(),
        )
        .unwrap();
        (String::from_utf8(m.text).unwrap(), m.conflicts)
    }

    #[test]
    fn test_adjacent_check_and_append_merge_cleanly() {
        let base = "## Acceptance criteria\n- [ ] a\n- [ ] b\n";
        let ours = "## Acceptance criteria\n- [ ] a\n- [x] b\n";
        let theirs = "## Acceptance criteria\n- [ ] a\n- [ ] b\n- [ ] c\n";
        assert_eq!(
            merge(base, ours, theirs),
            (
                "## Acceptance criteria\n- [ ] a\n- [x] b\n- [ ] c\n".to_owned(),
                0
            )
        );
        assert_eq!(
            merge(base, theirs, ours),
            (
                "## Acceptance criteria\n- [ ] a\n- [x] b\n- [ ] c\n".to_owned(),
                0
            )
        );
    }

    #[test]
    fn test_neighbouring_line_edits_merge() {
        let (text, n) = merge(
            "x\n- [ ] a\n- [ ] b\ny\n",
            "x\n- [x] a\n- [ ] b\ny\n",
            "x\n- [ ] a\n- [x] b\ny\n",
        );
        assert_eq!((text.as_str(), n), ("x\n- [x] a\n- [x] b\ny\n", 0));
    }

    #[test]
    fn test_two_appended_list_items_are_both_kept() {
        let base = "- [ ] a\n\nNotes\n";
        let (text, n) = merge(
            base,
            "- [ ] a\n- [ ] b\n\nNotes\n",
            "- [ ] a\n- [ ] c\n\nNotes\n",
        );
        assert_eq!(
            (text.as_str(), n),
            ("- [ ] a\n- [ ] b\n- [ ] c\n\nNotes\n", 0)
        );
        // The same item added on both sides is kept once.
        let (text, n) = merge(
            base,
            "- [ ] a\n- [ ] b\n\nNotes\n",
            "- [ ] a\n- [ ] b\n- [ ] c\n\nNotes\n",
        );
        assert_eq!(
            (text.as_str(), n),
            ("- [ ] a\n- [ ] b\n- [ ] c\n\nNotes\n", 0)
        );
    }

    #[test]
    fn test_same_line_changed_twice_conflicts_on_that_line_only() {
        let base = "one\ntwo\nthree\nfour\n";
        let (text, n) = merge(base, "one\nTWO\nthree\nFOUR\n", "one\n2\nthree\nfour\n");
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "one\n<<<<<<< ours\nTWO\n=======\n2\n>>>>>>> theirs\nthree\nFOUR\n"
        );
    }

    #[test]
    fn test_prose_inserted_at_one_place_conflicts() {
        let (_, n) = merge("a\n", "a\nmine\n", "a\nyours\n");
        assert_eq!(n, 1);
    }

    #[test]
    fn test_inputs_with_markers_keep_libgit2_result() {
        let base = "<<<<<<< x\na\n";
        let (text, n) = merge(base, "<<<<<<< x\nb\n", "<<<<<<< x\nc\n");
        assert_eq!(n, 1);
        assert!(text.contains("=======\n"), "{text}");
    }

    #[test]
    fn test_crlf_conflict_markers_use_crlf() {
        let (text, n) = merge("a\r\nb\r\n", "a\r\nB\r\n", "a\r\nb2\r\n");
        assert_eq!(n, 1);
        assert_eq!(
            text,
            "a\r\n<<<<<<< ours\r\nB\r\n=======\r\nb2\r\n>>>>>>> theirs\r\n"
        );
    }

    #[test]
    fn test_marker_kind() {
        assert_eq!(marker_kind(b"<<<<<<< ours", 7), Some(Marker::Start));
        assert_eq!(marker_kind(b"=======", 7), Some(Marker::Middle));
        assert_eq!(marker_kind(b"======= x", 7), None);
        assert_eq!(marker_kind(b">>>>>>>\r", 7), Some(Marker::End));
        assert_eq!(marker_kind(b"<<<<<<<< x", 7), None);
        assert_eq!(marker_kind(b"|||||||", 7), Some(Marker::Base));
        assert_eq!(marker_kind(b"<<<", 7), None);
    }

    #[test]
    fn test_is_list_item() {
        for l in ["- [ ] a\n", "  * b", "+ c", "12. d", "3) e"] {
            assert!(is_list_item(l.as_bytes()), "{l}");
        }
        for l in ["-a", "text", "1.5 x", ""] {
            assert!(!is_list_item(l.as_bytes()), "{l}");
        }
    }
}
