#!/usr/bin/env python3
"""layer_diff.py OUT BASE_LAYER... -- make the full root tree OUT an overlay upper layer.

OUT was built as a complete root filesystem. The base image's layers (bottom to top) show a
merged view; every entry of OUT that the merged view already has with the same type, mode,
owner and content is removed from OUT, directories that end up empty and equal to the base
are removed too, and every base entry missing from OUT becomes an overlayfs whiteout (a 0/0
character device), so that overlay(lower = BASE..., OUT) == the full root.
"""
import os
import stat
import sys


def merged_lookup(bases, rel):
    """lstat of rel in the merged view of bases (top layer wins), or None."""
    for base in reversed(bases):
        p = os.path.join(base, rel)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
            return None  # whiteout
        return p, st
    return None


def same_content(a, b, size):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def same(out_path, ost, base_path, bst):
    if (ost.st_mode, ost.st_uid, ost.st_gid) != (bst.st_mode, bst.st_uid, bst.st_gid):
        return False
    if stat.S_ISLNK(ost.st_mode):
        return os.readlink(out_path) == os.readlink(base_path)
    if stat.S_ISREG(ost.st_mode):
        return ost.st_size == bst.st_size and same_content(out_path, base_path, ost.st_size)
    if stat.S_ISCHR(ost.st_mode) or stat.S_ISBLK(ost.st_mode):
        return ost.st_rdev == bst.st_rdev
    return stat.S_ISDIR(ost.st_mode) or stat.S_ISFIFO(ost.st_mode) or stat.S_ISSOCK(ost.st_mode)


def walk_rel(root):
    """All relative paths under root (not following symlinks)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        for name in dirnames + filenames:
            yield os.path.normpath(os.path.join(rel_dir, name))


def main():
    out, bases = sys.argv[1], sys.argv[2:]
    full = set(walk_rel(out))
    # What the base shows but the full root lacks: only the topmost such path needs a whiteout.
    deleted = []
    for base in bases:
        for rel in walk_rel(base):
            if rel in full or merged_lookup(bases, rel) is None:
                continue
            parent = os.path.dirname(rel)
            if parent and parent not in full:
                continue  # the parent itself is deleted (or replaced): covered above it
            deleted.append(rel)
    removed = kept = 0
    # Bottom-up walk so a directory is judged after its children.
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):
        rel_dir = os.path.relpath(dirpath, out)
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            hit = merged_lookup(bases, rel)
            if hit and same(p, os.lstat(p), *hit):
                os.unlink(p)
                removed += 1
            else:
                kept += 1
        if rel_dir != "." and not os.listdir(dirpath):
            hit = merged_lookup(bases, rel_dir)
            if hit and same(dirpath, os.lstat(dirpath), *hit):
                os.rmdir(dirpath)
    for rel in sorted(set(deleted)):
        target = os.path.join(out, rel)
        parent_rel = os.path.dirname(rel)
        # Parents pruned as identical to the base are recreated the same way, top down.
        parts = parent_rel.split(os.sep) if parent_rel else []
        for i in range(1, len(parts) + 1):
            anc = os.path.join(*parts[:i])
            if os.path.isdir(os.path.join(out, anc)):
                continue
            st = os.lstat(merged_lookup(bases, anc)[0])
            os.mkdir(os.path.join(out, anc))
            os.chmod(os.path.join(out, anc), stat.S_IMODE(st.st_mode))
            os.chown(os.path.join(out, anc), st.st_uid, st.st_gid)
        os.mknod(target, stat.S_IFCHR | 0o000, os.makedev(0, 0))
    print(f"layer_diff: kept {kept} entries, removed {removed} identical, "
          f"{len(set(deleted))} whiteouts")


if __name__ == "__main__":
    main()
