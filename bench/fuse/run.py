#!/usr/bin/env python3
"""run.py RUMPFS RUMP_FUSE [OUTFILE] -- the image tools' benchmark (`make
bench-fuse`, root, /dev/fuse, fuse2fs).

`tar xf` of the ext2 benchmark's tree (bench/ext2/gentree.py, fixed seed,
about 20,000 files / 300 MiB; as one tar archive, unpacked by GNU tar in
one host process) into a fresh ext4 image (this machine's mkfs.ext4
defaults), three ways:

  rump_fuse   through a rump_fuse mount (the rump kernel's ext4 driver)
  fuse2fs     through a fuse2fs mount (e2fsprogs' FUSE driver)
  rumpfs put  no FUSE: `rumpfs IMAGE put TREE /` (one process, the
              embedded kernel writes the image directly; the plain tree
              instead of the archive)

Each time runs from starting the server (or rumpfs) to the server's exit
after the unmount, so both FUSE drivers have written everything into the
image file.  Every run uses a fresh image; e2fsck -fn checks it after
each run.  Figures are medians of BENCH_RUNS runs (default 3), sides
interleaved in an order that alternates from run to run.  Ratios are the
other side's median over rump_fuse's (above 1: rump_fuse is faster).

Environment: BENCH_SCALE=n divides the tree by n (a trial run);
BENCH_RUNS=n; BENCH_DIR (default build/bench-fuse) holds the tree, the
archive and the images.  The markdown goes to stdout and OUTFILE.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time


def sh(cmd):
    return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)


def fmt_s(ns):
    return "%.2f s" % (ns / 1e9) if ns >= 1e9 else "%.0f ms" % (ns / 1e6)


def mounted(mnt):
    with open("/proc/mounts") as f:
        return any(line.split()[1] == mnt for line in f)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rumpfs = os.path.abspath(sys.argv[1])
    rump_fuse = os.path.abspath(sys.argv[2])
    outfile = sys.argv[3] if len(sys.argv) > 3 else None
    scale = int(os.environ.get("BENCH_SCALE") or 1)
    runs = int(os.environ.get("BENCH_RUNS") or 3)
    work = os.path.abspath(os.environ.get("BENCH_DIR") or "build/bench-fuse")
    here = os.path.dirname(os.path.abspath(__file__))
    if os.geteuid() != 0 or not os.path.exists("/dev/fuse"):
        sys.exit("bench-fuse: needs root and /dev/fuse")
    if not shutil.which("fuse2fs"):
        sys.exit("bench-fuse: needs fuse2fs (Debian package fuse2fs)")
    os.makedirs(work, exist_ok=True)
    tree = os.path.join(work, "tree-%d" % scale)
    tar = tree + ".tar"
    if not os.path.exists(tree + ".done"):
        shutil.rmtree(tree, ignore_errors=True)
        r = sh("python3 '%s/../ext2/gentree.py' '%s' %d" %
               (here, tree, scale))
        if r.returncode != 0:
            sys.exit(r.stdout.decode())
        r = sh("tar cf '%s' -C '%s' ." % (tar, tree))
        if r.returncode != 0:
            sys.exit(r.stdout.decode())
        with open(tree + ".done", "w") as f:
            f.write("made\n")
    info = sh("find '%s' -type f | wc -l; du -sk '%s' | cut -f1" %
              (tree, tree)).stdout.decode().split()
    img = os.path.join(work, "image.ext4")
    mnt = os.path.join(work, "mnt")
    os.makedirs(mnt, exist_ok=True)
    size = "%dM" % (2048 // scale + 64)
    times = {}
    unclean = {}
    failed = {}

    def fresh():
        r = sh("rm -f '%s' && mkfs.ext4 -q -F '%s' %s" % (img, img, size))
        if r.returncode != 0:
            sys.exit("mkfs.ext4: " + r.stdout.decode())

    def fsck(side):
        r = sh("e2fsck -fn '%s'" % img)
        if r.returncode != 0 and side not in unclean:
            unclean[side] = r.stdout.decode()[-1500:]

    def serve(argv):
        """Start a FUSE server in the foreground; tar; unmount; wait."""
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        while not mounted(mnt):
            if p.poll() is not None:
                return "server exited: " + p.stderr.read().decode()[-300:]
            time.sleep(0.002)
        r = sh("tar xf '%s' -C '%s'" % (tar, mnt))
        u = sh("fusermount3 -u '%s'" % mnt)
        rc = p.wait()
        if r.returncode != 0:
            return "tar: " + r.stdout.decode()[-300:]
        if u.returncode != 0 or rc != 0:
            return "unmount: %s, exit %d" % (u.stdout.decode()[-200:], rc)
        return None

    def one(side):
        fresh()
        t0 = time.monotonic_ns()
        if side == "rump_fuse":
            err = serve([rump_fuse, img, mnt, "-f"])
        elif side == "fuse2fs":
            err = serve(["fuse2fs", "-f", img, mnt])
        else:
            r = sh("'%s' '%s' put '%s' /" % (rumpfs, img, tree))
            err = None if r.returncode == 0 else \
                "rumpfs: " + r.stdout.decode()[-300:]
        t1 = time.monotonic_ns()
        if err is not None:
            failed.setdefault(side, err.strip())
            if mounted(mnt):
                sh("umount -l '%s'" % mnt)
            return
        times.setdefault(side, []).append(t1 - t0)
        fsck(side)

    sides = ["rump_fuse", "fuse2fs", "rumpfs"]
    for run in range(runs):
        order = sides if run % 2 == 0 else list(reversed(sides))
        for side in order:
            sys.stderr.write("bench-fuse: run %d/%d, %s\n" %
                             (run + 1, runs, side))
            one(side)
    os.unlink(img)

    med = {s: statistics.median(t) for s, t in times.items()}
    lines = []
    p = lines.append
    p("## Image tools: tar xf through rump_fuse against fuse2fs, and rumpfs put")
    p("")
    p("Driven by `bench/fuse/run.py` (`make bench-fuse`, as root).")
    p("")
    p("- Tree: `bench/ext2/gentree.py` (fixed seed): %s files, %s KiB, "
      "as one tar archive, unpacked with `tar xf` into a fresh "
      "`mkfs.ext4` image (%s, this machine's defaults) for every run."
      % (info[0], info[1], size))
    p("- rump_fuse and fuse2fs run with their default options (rump_fuse: "
      "multithreaded, the host caches attributes and names for 1 s, "
      "`-o timeout=1`; fuse2fs: its own); each time runs from starting the "
      "server to its exit after `fusermount3 -u`, so the image file holds "
      "everything.  `rumpfs put` copies the plain tree in one process.")
    p("- Medians of %d runs; *Ratio* is the other side's median over "
      "rump_fuse's (above 1: rump_fuse is faster).  e2fsck -fn after "
      "every run." % runs)
    if scale != 1:
        p("- **Trial run: BENCH_SCALE=%d** (the tree divided by %d)."
          % (scale, scale))
    for s, why in sorted(failed.items()):
        p("- **%s failed**: `%s`" % (s, " ".join(why.split())[:300]))
    for s, out in sorted(unclean.items()):
        p("- **e2fsck -fn found errors after %s**: `%s`" %
          (s, " ".join(out.split())[:300]))
    p("")
    p("| Workload | rump_fuse median | Compared with | Its median | Ratio |")
    p("|---|---|---|---|---|")
    rf = med.get("rump_fuse")
    for other, name in [("fuse2fs", "`tar xf` through fuse2fs"),
                        ("rumpfs", "`rumpfs put` (no FUSE)")]:
        om = med.get(other)
        p("| `tar xf` through rump_fuse | %s | %s | %s | %s |" % (
            fmt_s(rf) if rf else "failed", name,
            fmt_s(om) if om else "failed",
            "%.2f" % (om / rf) if rf and om else "—"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if outfile:
        with open(outfile, "w") as f:
            f.write(text)
    return 1 if failed or unclean else 0


if __name__ == "__main__":
    sys.exit(main())
