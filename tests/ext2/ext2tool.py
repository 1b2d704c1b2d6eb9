#!/usr/bin/env python3
"""ext2tool.py -- the host-side half of the ext2/3/4 compatibility tests.

Makes the source trees that images are filled from, and describes a tree
as a *manifest*: one tab-separated line per name, sorted by path, that
both this script (from a host directory, or from an image through
e2fsprogs' debugfs, the oracle) and the rump side (tests/ext2/ext2lib.c,
through rump_sys_* calls) write in exactly the same format, so that two
views of one tree are compared field by field.

    ext2tool.py tree DIR FIXUPS [--big N]   make the read-test tree
    ext2tool.py manifest-dir DIR OUT        manifest of a host directory
    ext2tool.py manifest-image IMG OUT      manifest of an image (debugfs)
    ext2tool.py compare A B FIELDS          exit 1 and list the differences
    ext2tool.py xattrs IMG OUT PATH...      debugfs ea_list of paths
    ext2tool.py bigdir-names IMG DIR OUT    "name ino" lines via debugfs ls

Manifest fields (FIELDS is a comma list of these names):
    path type mode uid gid size nlink ino blocks atime mtime ctime rdev data
("fsize" compares size except for directories, whose sizes differ
between file systems.)  type is f d l p c b s; mode the permission bits in octal; times are
"seconds.nanoseconds" (9 digits); rdev "major:minor" for devices, else
"-"; data the CRC-32 (zlib's) and length of a regular file's bytes, the
target of a symlink (backslash-escaped), else "-".
"""
import os
import random
import stat
import subprocess
import sys
import tempfile
import zlib

FIELDS = ["path", "type", "mode", "uid", "gid", "size", "nlink", "ino",
          "blocks", "atime", "mtime", "ctime", "rdev", "data"]


def esc(b):
    """Bytes to a printable, tab-free string (the C side does the same)."""
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif c < 0x21 or c >= 0x7F:
            out.append("\\x%02x" % c)
        else:
            out.append(chr(c))
    return "".join(out)


def crc_file(path):
    """CRC-32 and length, read without moving the file's atime."""
    crc, n = 0, 0
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOATIME)
    except PermissionError:
        fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            crc = zlib.crc32(b, crc)
            n += len(b)
    return "%08x:%d" % (crc & 0xFFFFFFFF, n)


def fmt_time(sec, nsec):
    return "%d.%09d" % (sec, nsec)


# ---------------------------------------------------------------- trees

def pattern(rng, n):
    """n bytes: random where small, a cheap repeating block where big."""
    if n <= 65536:
        return rng.randbytes(n)
    block = rng.randbytes(65536 + rng.randrange(1, 4096))
    reps = n // len(block) + 1
    return (block * reps)[:n]


def write_file(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root, fixups, big):
    """The read-compatibility tree.  Owners, timestamps (with nanoseconds
    and dates past 2038) and xattrs are not set here but written as
    debugfs commands into fixups, applied to the image after mkfs -d, so
    that no host privilege is needed and the image holds exactly them."""
    rng = random.Random(20261124)
    os.makedirs(root)
    fix = []
    sizes = [0, 1, 2, 59, 60, 61, 511, 512, 513, 1023, 1024, 1025, 2047,
             2048, 2049, 4095, 4096, 4097, 8191, 8192, 8193,
             12 * 1024 - 1, 12 * 1024, 12 * 1024 + 1,
             12 * 4096 - 1, 12 * 4096, 12 * 4096 + 1,
             (12 + 256) * 1024 + 1, (12 + 256 + 65536) * 1024 // 64,
             (12 + 1024) * 4096 + 1, 3 << 20, (5 << 20) + 123]
    os.makedirs(os.path.join(root, "sizes"))
    for s in sizes:
        write_file(os.path.join(root, "sizes", "f%d" % s), pattern(rng, s))
    # Holes: data then hole then data; only a tail; only a hole; a hole
    # in the middle of the indirect range of 1 KiB blocks.
    sp = os.path.join(root, "sparse")
    os.makedirs(sp)
    layouts = {
        "head_hole_tail": [(0, 5000), (1 << 20, 3000)],
        "only_tail": [((10 << 20) - 7, 7)],
        "only_hole": [],
        "indirect_gap": [(0, 1024), (300 * 1024, 4096), (70000 * 1024, 10)],
        "many_extents": [(i * 65536, 4096) for i in range(40)],
    }
    hole_sizes = {"only_hole": 2 << 20}
    for name, pieces in sorted(layouts.items()):
        p = os.path.join(sp, name)
        with open(p, "wb") as f:
            for off, n in pieces:
                f.seek(off)
                f.write(pattern(rng, n))
            if name in hole_sizes:
                f.truncate(hole_sizes[name])
    # Symlinks: fast (target inside the inode, < 60 bytes), slow (a block),
    # one of exactly 59 and 60 bytes, dangling, absolute, to a directory.
    ln = os.path.join(root, "links")
    os.makedirs(ln)
    os.symlink("../sizes/f1", os.path.join(ln, "fast"))
    os.symlink("x" * 59, os.path.join(ln, "len59"))
    os.symlink("y" * 60, os.path.join(ln, "len60"))
    os.symlink("/" + "/".join("d%03d" % i for i in range(50)),
               os.path.join(ln, "slow"))
    os.symlink("z" * 1000, os.path.join(ln, "slow1000"))
    os.symlink("nowhere/at/all", os.path.join(ln, "dangling"))
    os.symlink("/etc/passwd", os.path.join(ln, "absolute"))
    os.symlink("../sparse", os.path.join(ln, "todir"))
    # Hard links across directories.
    hl = os.path.join(root, "hard")
    os.makedirs(os.path.join(hl, "a"))
    os.makedirs(os.path.join(hl, "b"))
    write_file(os.path.join(hl, "orig"), pattern(rng, 7777))
    os.link(os.path.join(hl, "orig"), os.path.join(hl, "a", "second"))
    os.link(os.path.join(hl, "orig"), os.path.join(hl, "b", "third"))
    # A deep tree, and a directory of a few hundred entries (several
    # blocks, hashed with dir_index), names up to 255 bytes, UTF-8.
    d = root
    for i in range(40):
        d = os.path.join(d, "level%02d" % i)
    os.makedirs(d)
    write_file(os.path.join(d, "bottom"), b"deep\n")
    wide = os.path.join(root, "wide")
    os.makedirs(wide)
    for i in range(600):
        name = "entry-%04d-%s" % (i, "n" * rng.randrange(0, 60))
        write_file(os.path.join(wide, name), pattern(rng, i % 50))
    names = os.path.join(root, "names")
    os.makedirs(names)
    for name in ["a" * 255, "with space", "dots...", ".hidden",
                 "caf\u00e9", "\u65e5\u672c\u8a9e", "-dash", "x" * 100]:
        write_file(os.path.join(names, name), name.encode() + b"\n")
    # Modes, special files.
    modes = os.path.join(root, "modes")
    os.makedirs(modes)
    for m in [0o000, 0o400, 0o600, 0o644, 0o755, 0o777, 0o1777, 0o2755,
              0o4755, 0o6711]:
        write_file(os.path.join(modes, "m%04o" % m), b"m", m)
    os.makedirs(os.path.join(modes, "dir0700"), 0o700)
    os.chmod(os.path.join(modes, "dir0700"), 0o700)
    os.makedirs(os.path.join(modes, "sticky1777"))
    os.chmod(os.path.join(modes, "sticky1777"), 0o1777)
    os.mkfifo(os.path.join(modes, "fifo"), 0o640)
    os.makedirs(os.path.join(root, "empty"))
    if big > 0:
        bd = os.path.join(root, "big")
        os.makedirs(bd)
        for i in range(big):
            open(os.path.join(bd, "file%06d" % i), "wb").close()
    # Owners and timestamps: every entry below gets fixed values; some
    # with nanoseconds, some past 2038 (epoch bits), some before 1970.
    stamps = [(1000000000, 0), (1234567890, 123456789),
              (1600000000, 999999999), (4102444800, 1),  # 2100
              (2147483647, 500000000), (2147483648, 0),  # 2038 edge
              (-1, 0), (-100000000, 250000000), (0, 0)]
    all_paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for n in sorted(dirnames + filenames):
            rel = os.path.relpath(os.path.join(dirpath, n), root)
            all_paths.append("/" + rel)
    all_paths.sort()
    k = 0
    for p in all_paths:
        if p.startswith("/big/") or p.startswith("/wide/") or " " in p:
            continue
        k += 1
        fix.append("sif \"%s\" uid %d" % (p, (k * 37) % 70000))
        fix.append("sif \"%s\" gid %d" % (p, (k * 53) % 70000))
        for f, (sec, ns) in zip(["atime", "mtime", "ctime"],
                                [stamps[k % len(stamps)],
                                 stamps[(k + 3) % len(stamps)],
                                 stamps[(k + 5) % len(stamps)]]):
            lo = sec & 0xFFFFFFFF
            epoch = ((sec - (lo if lo < 0x80000000 else lo - (1 << 32)))
                     >> 32) & 3
            fix.append("sif \"%s\" %s 0x%x" % (p, f, lo))
            fix.append("sif \"%s\" %s_extra 0x%x" % (p, f,
                                                    (ns << 2) | epoch))
    # Extended attributes: small ones (in the inode on 256-byte inodes)
    # and one big enough to need an attribute block.
    for p, attrs in [("/sizes/f1", {"user.small": "v"}),
                     ("/hard/orig", {"user.a": "1", "user.b": "two"}),
                     ("/sizes/f4096", {"user.big": "B" * 3000}),
                     ("/empty", {"user.dir": "on a directory"})]:
        for k2, v in sorted(attrs.items()):
            fix.append("ea_set \"%s\" %s \"%s\"" % (p, k2, v))
    with open(fixups, "w") as f:
        f.write("\n".join(fix) + "\n")


# ----------------------------------------------------------- manifests

def type_char(m):
    for test, c in [(stat.S_ISREG, "f"), (stat.S_ISDIR, "d"),
                    (stat.S_ISLNK, "l"), (stat.S_ISFIFO, "p"),
                    (stat.S_ISCHR, "c"), (stat.S_ISBLK, "b"),
                    (stat.S_ISSOCK, "s")]:
        if test(m):
            return c
    return "?"


def manifest_dir(root, out):
    lines = []

    def visit(path, rel):
        st = os.lstat(path)
        t = type_char(st.st_mode)
        if t == "f":
            data = crc_file(path)
        elif t == "l":
            data = esc(os.fsencode(os.readlink(path)))
        else:
            data = "-"
        rdev = ("%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
                if t in "cb" else "-")
        nlink = st.st_nlink
        if rel == "/" and not os.path.isdir(os.path.join(path,
                                                         "lost+found")):
            nlink += 1  # the lost+found that mkfs adds to an image
        lines.append("\t".join([
            esc(os.fsencode(rel)), t, "%o" % stat.S_IMODE(st.st_mode),
            str(st.st_uid), str(st.st_gid), str(st.st_size),
            str(nlink), str(st.st_ino), str(st.st_blocks),
            fmt_time(st.st_atime_ns // 10**9, st.st_atime_ns % 10**9),
            fmt_time(st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9),
            fmt_time(st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9),
            rdev, data]))
        if t == "d":
            for n in os.listdir(path):
                if rel == "/" and n == "lost+found":
                    continue
                visit(os.path.join(path, n),
                      (rel if rel != "/" else "") + "/" + n)

    visit(root, "/")
    write_manifest(lines, out)


def write_manifest(lines, out):
    lines.sort(key=lambda l: l.split("\t", 1)[0].encode())
    with open(out, "w") as f:
        for l in lines:
            f.write(l + "\n")


def debugfs(img, cmds, write=False):
    """Run debugfs commands (a list) on img; return stdout as bytes."""
    with tempfile.NamedTemporaryFile("w", suffix=".cmds",
                                     delete=False) as f:
        f.write("\n".join(cmds) + "\n")
        name = f.name
    try:
        args = ["debugfs"] + (["-w"] if write else []) + ["-f", name, img]
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.stderr.write(r.stderr.decode(errors="replace"))
            raise SystemExit("ext2tool: debugfs failed on %s" % img)
        return r.stdout
    finally:
        os.unlink(name)


def quote(p):
    if '"' in p or "\n" in p:
        raise SystemExit("ext2tool: cannot quote %r for debugfs" % p)
    return '"' + p + '"'


def ls_tree(img):
    """Every path below / of img: {path: (ino, mode)} via debugfs ls -p,
    one debugfs run per tree level."""
    found = {"/": None}
    level = ["/"]
    while level:
        out = debugfs(img, ["ls -p %s" % quote(d) for d in level])
        nxt = []
        cur = None
        for raw in out.split(b"\n"):
            line = raw.decode("utf-8", "surrogateescape")
            if line.startswith("debugfs: ls -p "):
                cur = line[len("debugfs: ls -p "):].strip()[1:-1]
                continue
            if not line.startswith("/"):
                continue
            parts = line.split("/")
            # "", ino, mode, uid, gid, name, size, ""
            if len(parts) < 8:
                continue
            ino, mode, name = int(parts[1]), int(parts[2], 8), parts[5]
            if name in (".", "..") or ino == 0:
                continue
            if cur == "/" and name == "lost+found":
                continue
            p = (cur if cur != "/" else "") + "/" + name
            found[p] = (ino, mode)
            if stat.S_ISDIR(mode):
                nxt.append(p)
        level = nxt
    return found


def decode_time(lo_hex, extra_hex):
    lo = int(lo_hex, 16)
    sec = lo - (1 << 32) if lo >= 0x80000000 else lo
    if extra_hex is None:
        return fmt_time(sec, 0)
    extra = int(extra_hex, 16)
    return fmt_time(sec + ((extra & 3) << 32), extra >> 2)


def parse_stat(text):
    """Fields of one debugfs 'stat' block."""
    import re
    f = {}
    m = re.search(r"Inode: (\d+)\s+Type: (\S+)\s+Mode:\s+(\d+)", text)
    f["ino"], f["mode"] = int(m.group(1)), int(m.group(3), 8)
    m = re.search(r"User:\s+(\d+)\s+Group:\s+(\d+).*?Size: (\d+)", text)
    f["uid"], f["gid"], f["size"] = (int(m.group(1)), int(m.group(2)),
                                     int(m.group(3)))
    m = re.search(r"Links: (\d+)\s+Blockcount: (\d+)", text)
    f["nlink"], f["blocks"] = int(m.group(1)), int(m.group(2))
    for t in ["atime", "mtime", "ctime"]:
        m = re.search(r"(?m)^\s*%s: 0x([0-9a-f]+)(?::([0-9a-f]+))?" % t,
                      text)
        f[t] = decode_time(m.group(1), m.group(2))
    m = re.search(r"Device major/minor number: (\d+):(\d+)", text)
    f["rdev"] = "%d:%d" % (int(m.group(1)), int(m.group(2))) if m else "-"
    m = re.search(r'Fast link dest: "(.*)"', text, re.S)
    f["fastlink"] = m.group(1) if m else None
    return f


def manifest_image(img, out):
    tree = ls_tree(img)
    paths = sorted(tree)
    stats = {}
    out_b = debugfs(img, ["stat %s" % quote(p) for p in paths])
    text = out_b.decode("utf-8", "surrogateescape")
    blocks = text.split("debugfs: stat ")[1:]
    for p, blk in zip(paths, blocks):
        stats[p] = parse_stat(blk)
    with tempfile.TemporaryDirectory() as tmp:
        debugfs(img, ["rdump / %s" % quote(tmp)])
        lines = []
        for p in paths:
            s = stats[p]
            t = type_char(tree[p][1] if p != "/" else stat.S_IFDIR)
            host = os.path.join(tmp, p.lstrip("/"))
            if t == "f":
                data = crc_file(host)
            elif t == "l":
                data = esc(os.fsencode(os.readlink(host)))
            else:
                data = "-"
            lines.append("\t".join([
                esc(os.fsencode(p)), t, "%o" % stat.S_IMODE(s["mode"]),
                str(s["uid"]), str(s["gid"]), str(s["size"]),
                str(s["nlink"]), str(s["ino"]), str(s["blocks"]),
                s["atime"], s["mtime"], s["ctime"], s["rdev"], data]))
    write_manifest(lines, out)


def load(path):
    rows = {}
    with open(path, "rb") as f:
        for raw in f:
            parts = raw.decode("utf-8", "surrogateescape").rstrip(
                "\n").split("\t")
            if len(parts) != len(FIELDS):
                raise SystemExit("ext2tool: %s: bad line %r" % (path, raw))
            rows[parts[0]] = dict(zip(FIELDS, parts))
    return rows


def compare(a, b, fields):
    ra, rb = load(a), load(b)
    bad = []
    for p in sorted(set(ra) | set(rb)):
        if p not in ra:
            bad.append("only in %s: %s" % (b, p))
            continue
        if p not in rb:
            bad.append("only in %s: %s" % (a, p))
            continue
        for f in fields:
            if f == "fsize":
                if ra[p]["type"] == "d":
                    continue
                f = "size"
            if ra[p][f] != rb[p][f]:
                bad.append("%s: %s: %s has %s, %s has %s" %
                           (p, f, a, ra[p][f], b, rb[p][f]))
    for l in bad[:40]:
        print(l)
    if len(bad) > 40:
        print("... %d differences in all" % len(bad))
    print("compare: %d entries, %d differences (fields %s)" %
          (len(ra), len(bad), ",".join(fields)))
    return 1 if bad else 0


def xattrs(img, out, paths):
    text = debugfs(img, ["ea_list %s" % quote(p) for p in paths])
    with open(out, "wb") as f:
        f.write(text)


def bigdir_names(img, d, out):
    text = debugfs(img, ["ls -p %s" % quote(d)]).decode(
        "utf-8", "surrogateescape")
    lines = []
    for line in text.split("\n"):
        parts = line.split("/")
        if len(parts) >= 8 and line.startswith("/") and parts[5] not in (
                ".", "..") and int(parts[1]) != 0:
            lines.append("%s %s" % (esc(os.fsencode(parts[5])), parts[1]))
    lines.sort(key=lambda l: l.encode())
    with open(out, "w") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))


def main(argv):
    if len(argv) >= 3 and argv[1] == "tree":
        big = 0
        if len(argv) == 6 and argv[4] == "--big":
            big = int(argv[5])
        make_tree(argv[2], argv[3], big)
        return 0
    if len(argv) == 4 and argv[1] == "manifest-dir":
        manifest_dir(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "manifest-image":
        manifest_image(argv[2], argv[3])
        return 0
    if len(argv) == 5 and argv[1] == "compare":
        fields = argv[4].split(",")
        for f in fields:
            if f not in FIELDS and f != "fsize":
                raise SystemExit("ext2tool: no field %r" % f)
        return compare(argv[2], argv[3], fields)
    if len(argv) >= 4 and argv[1] == "xattrs":
        xattrs(argv[2], argv[3], argv[4:])
        return 0
    if len(argv) == 5 and argv[1] == "bigdir-names":
        bigdir_names(argv[2], argv[3], argv[4])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
