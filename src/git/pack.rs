//! Writing objects as one pack without delta compression.
//!
//! libgit2's pack builder (behind `Mempack::dump`) searches every blob against a window of
//! others for deltas: for an import of 10,000 new item files that search was most of the
//! commit's time, and it buys little (the items differ from each other; `git gc` deltifies
//! later anyway). This writes the pack format directly: a header, each object zlib-
//! compressed behind its type-and-size header, and the SHA-1 trailer. libgit2's indexer
//! (`Odb::packwriter`) verifies it and writes the `.idx`, as for a fetched pack.
//!
//! Format: <https://git-scm.com/docs/pack-format>.

use std::io::Write;

use git2::{ObjectType, Odb};
use rayon::prelude::*;

use super::GitError;

/// Writes `objects` (type and content) into `odb` as one pack.
pub(super) fn write(odb: &Odb<'_>, objects: &[(ObjectType, &[u8])]) -> Result<(), GitError> {
    let failed = |e: std::io::Error| GitError::Git {
        op: "write pack",
        source: git2::Error::from_str(&e.to_string()),
    };
    let count = u32::try_from(objects.len())
        .map_err(|_| failed(std::io::Error::other("more objects than a pack holds")))?;
    // Compression is the only costly step, and each object's is independent.
    let entries: Vec<Vec<u8>> = objects
        .par_iter()
        .map(|(kind, data)| entry(*kind, data))
        .collect::<Result<_, _>>()
        .map_err(failed)?;
    let mut pack = Vec::with_capacity(12 + entries.iter().map(Vec::len).sum::<usize>() + 20);
    pack.extend_from_slice(b"PACK");
    pack.extend_from_slice(&2u32.to_be_bytes());
    pack.extend_from_slice(&count.to_be_bytes());
    for entry in &entries {
        pack.extend_from_slice(entry);
    }
    let trailer = sha1_smol::Sha1::from(&pack).digest().bytes();
    pack.extend_from_slice(&trailer);

    let mut writer = odb.packwriter().map_err(super::git("write pack"))?;
    writer.write_all(&pack).map_err(failed)?;
    writer.commit().map_err(super::git("write pack"))?;
    Ok(())
}

/// One object of a pack: its type-and-size header, then its zlib-compressed content.
fn entry(kind: ObjectType, data: &[u8]) -> std::io::Result<Vec<u8>> {
    let code: u8 = match kind {
        ObjectType::Commit => 1,
        ObjectType::Tree => 2,
        ObjectType::Blob => 3,
        ObjectType::Tag => 4,
        _ => return Err(std::io::Error::other("not a storable object type")),
    };
    let mut out = Vec::with_capacity(data.len() / 2 + 16);
    out.extend_from_slice(&header(code, data.len()));
    let mut z = flate2::write::ZlibEncoder::new(out, flate2::Compression::fast());
    z.write_all(data)?;
    z.finish()
}

/// The object header: 3 bits of type and the size in little-endian groups of 4, then 7,
/// bits, each byte's high bit saying another follows.
fn header(code: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut rest = size >> 4;
    let mut byte = (code << 4) | (size & 0x0f) as u8;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_header_encodes_type_and_size_as_git_does() {
        // Examples worked out from the format description.
        assert_eq!(header(3, 5), [0x35]);
        assert_eq!(header(3, 15), [0x3f]);
        assert_eq!(header(3, 16), [0xb0, 0x01]);
        assert_eq!(header(1, 1000), [0x98, 0x3e]);
        assert_eq!(header(2, 1 << 20), [0xa0, 0x80, 0x80, 0x04]);
    }

    #[test]
    fn test_written_pack_is_read_back_by_libgit2_and_git() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let blobs: Vec<Vec<u8>> = (0..300)
            .map(|i| {
                format!("---\nid: B-{i}\ntitle: item {i}\n---\n{}\n", "x".repeat(i)).into_bytes()
            })
            .collect();
        let ids: Vec<git2::Oid> = blobs
            .iter()
            .map(|b| git2::Oid::hash_object(ObjectType::Blob, b).unwrap())
            .collect();
        let objects: Vec<(ObjectType, &[u8])> = blobs
            .iter()
            .map(|b| (ObjectType::Blob, b.as_slice()))
            .collect();
        write(&repo.odb().unwrap(), &objects).unwrap();
        for (id, blob) in ids.iter().zip(&blobs) {
            assert_eq!(repo.find_blob(*id).unwrap().content(), blob.as_slice());
        }
        let packs: Vec<_> = std::fs::read_dir(tmp.path().join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            packs.iter().filter(|n| n.ends_with(".idx")).count(),
            1,
            "{packs:?}"
        );
        let verify = std::process::Command::new("git")
            .args(["fsck", "--strict", "--no-dangling"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "{}",
            String::from_utf8_lossy(&verify.stderr)
        );
    }
}
