#!/usr/bin/env python3
"""run.py EXT2BENCH [OUTFILE] -- the ext2/3/4 benchmark (`make bench-ext2`).

Side by side in one run, on the same fresh ext4 image (this machine's
mkfs.ext4 defaults) and the same tree (gentree.py, fixed seed, about
20,000 files / 300 MiB), every run on a fresh image:

  unpack    copy the tree into the empty image, sync and unmount
  walk      fresh mount, list, lstat and read everything, unmount
  seqwrite  one 1 GiB file in 1 MiB writes, fsync, unmount
  seqread   fresh mount, read it back, unmount

Sides: rumpkit (the library in the benchmark's own process), the host
kernel on a loop mount (root only), fuse2fs (needs /dev/fuse), and for
unpack also `debugfs -w -f` (e2fsprogs' own writer, one process for the
whole copy).  Each figure is the median of BENCH_RUNS runs (default 3),
sides interleaved in an order that alternates from run to run.  The table
gives, per workload and alternative, the alternative's median time over
rumpkit's: above 1 means rumpkit is faster.  Targets (issue 4): 20x
fuse2fs, 1.0x the host kernel for metadata work (unpack, walk), 0.9x for
sequential I/O.  Every image is checked with e2fsck -fn after each
side's run; an unclean image is reported in the table.

Environment: BENCH_SCALE=n divides the tree and the 1 GiB by n (a trial
run); BENCH_RUNS=n; BENCH_DIR (default build/bench-ext2) holds the tree
(made once) and the images.  The markdown goes to stdout and OUTFILE.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

WORKLOADS = ["unpack", "walk", "seqwrite", "seqread"]
TARGETS = {("host", "unpack"): 1.0, ("host", "walk"): 1.0,
           ("host", "seqwrite"): 0.9, ("host", "seqread"): 0.9}
SIDE_NAMES = {"rump": "rumpkit (in-process library)",
              "host": "host kernel, loop mount",
              "fuse": "fuse2fs (FUSE)",
              "debugfs": "debugfs -w -f (e2fsprogs)"}


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, **kw)


def fmt_s(ns):
    return "%.2f s" % (ns / 1e9) if ns >= 1e9 else "%.0f ms" % (ns / 1e6)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    prog = os.path.abspath(sys.argv[1])
    outfile = sys.argv[2] if len(sys.argv) > 2 else None
    scale = int(os.environ.get("BENCH_SCALE") or 1)
    runs = int(os.environ.get("BENCH_RUNS") or 3)
    work = os.path.abspath(os.environ.get("BENCH_DIR") or
                           "build/bench-ext2")
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(work, exist_ok=True)
    tree = os.path.join(work, "tree-%d" % scale)
    if not os.path.exists(tree + ".done"):
        shutil.rmtree(tree, ignore_errors=True)
        r = sh("python3 '%s/gentree.py' '%s' %d" % (here, tree, scale))
        if r.returncode != 0:
            sys.exit(r.stdout.decode())
        with open(tree + ".done", "w") as f:
            f.write(r.stdout.decode())
    treeinfo = open(tree + ".done").read().strip()
    seq_mib = 1024 // scale
    env = dict(os.environ, BENCH_SEQ_MIB=str(seq_mib))
    img = os.path.join(work, "image.ext4")
    mnt = os.path.join(work, "mnt")
    os.makedirs(mnt, exist_ok=True)
    size = "%dM" % (2048 // scale + 64)

    sides = ["rump"]
    why_not = {}
    if os.geteuid() == 0 and os.path.exists("/dev/loop-control"):
        sides.append("host")
    else:
        why_not["host"] = "not root or no loop devices"
    if shutil.which("fuse2fs") and os.path.exists("/dev/fuse"):
        sides.append("fuse")
    else:
        why_not["fuse"] = "no fuse2fs or /dev/fuse"
    times = {}    # (side, workload) -> [ns]
    failed = {}   # (side, workload) -> message
    unclean = {}  # side -> e2fsck output

    def fresh():
        r = sh("mkfs.ext4 -q -F '%s' %s" % (img, size))
        if r.returncode != 0:
            sys.exit("mkfs.ext4: " + r.stdout.decode())

    def fsck(side):
        r = sh("e2fsck -fn '%s'" % img)
        if r.returncode != 0 and side not in unclean:
            unclean[side] = r.stdout.decode()[-2000:]

    def one(side, wl):
        if (side, wl) in failed:
            return False
        r = subprocess.run([prog, side, wl, img, tree, mnt], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode(errors="replace")
        for line in out.splitlines():
            if line.startswith("bench: ns="):
                ns = int(line.split()[1].split("=")[1])
                times.setdefault((side, wl), []).append(ns)
                return True
        failed[(side, wl)] = (out.strip().splitlines() or
                              ["exit %d" % r.returncode])[-1].replace(
                                  "bench: failed ", "")
        sh("umount '%s' 2>/dev/null" % mnt)
        return False

    def debugfs_unpack():
        cmds = os.path.join(work, "debugfs.cmds")
        with open(cmds, "w") as f:
            for dirpath, dirnames, filenames in os.walk(tree):
                rel = "/" + os.path.relpath(dirpath, tree)
                rel = "/" if rel == "/." else rel
                f.write('cd "%s"\n' % rel)
                for d in sorted(dirnames):
                    f.write('mkdir "%s"\n' % d)
                for n in sorted(filenames):
                    p = os.path.join(dirpath, n)
                    if os.path.islink(p):
                        f.write('symlink "%s" "%s"\n' % (n, os.readlink(p)))
                    else:
                        f.write('write "%s" "%s"\n' % (p, n))
        t0 = time.monotonic_ns()
        r = sh("debugfs -w -f '%s' '%s'" % (cmds, img))
        t1 = time.monotonic_ns()
        if r.returncode != 0:
            failed[("debugfs", "unpack")] = "exit %d" % r.returncode
            return
        times.setdefault(("debugfs", "unpack"), []).append(t1 - t0)

    for run in range(runs):
        order = sides + ["debugfs"]
        if run % 2 == 1:
            order.reverse()
        for side in order:
            sys.stderr.write("bench-ext2: run %d/%d, %s\n" %
                             (run + 1, runs, side))
            fresh()
            if side == "debugfs":
                debugfs_unpack()
                fsck(side)
                continue
            if one(side, "unpack"):
                fsck(side)
                one(side, "walk")
            fresh()
            if one(side, "seqwrite"):
                fsck(side)
                one(side, "seqread")
    os.unlink(img)

    lines = []
    p = lines.append
    p("## ext2/3/4: unpack, walk and sequential I/O against the host kernel, "
      "fuse2fs and debugfs")
    p("")
    p("Program `bench/ext2/ext2bench.c`, driven by `bench/ext2/run.py` "
      "(`make bench-ext2`).")
    p("")
    p("- Image: a fresh `mkfs.ext4` image (this machine's defaults, %s) "
      "for every run of every side; tree from `bench/ext2/gentree.py` "
      "(fixed seed): %s; sequential file %d MiB in 1 MiB requests."
      % (size, treeinfo, seq_mib))
    p("- Each time runs from before the mount to after the unmount, in a "
      "fresh process: every side has written everything into the image "
      "file (the host's page cache, which holds the image and the source "
      "tree for every side alike; no side syncs the host disk).")
    p("- Medians of %d runs; *Ratio* is the alternative's median over "
      "rumpkit's (above 1: rumpkit is faster)." % runs)
    if scale != 1:
        p("- **Trial run: BENCH_SCALE=%d** (everything divided by %d)."
          % (scale, scale))
    for s, why in sorted(why_not.items()):
        p("- %s: not measured (%s)." % (SIDE_NAMES[s], why))
    for s, out in sorted(unclean.items()):
        p("- **e2fsck -fn found errors after %s**: `%s`" %
          (SIDE_NAMES[s], " ".join(out.split())[:300]))
    p("")
    p("| Workload | rumpkit median | Compared with | Its median | Ratio | "
      "Target | Met |")
    p("|---|---|---|---|---|---|---|")
    for wl in WORKLOADS:
        rt = times.get(("rump", wl))
        rmed = statistics.median(rt) if rt else None
        for other in ["host", "fuse", "debugfs"]:
            if other == "debugfs" and wl != "unpack":
                continue
            if other in why_not:
                continue
            ot = times.get((other, wl))
            omed = statistics.median(ot) if ot else None
            target = TARGETS.get((other, wl), 20.0 if other == "fuse"
                                 else None)
            if rmed and omed:
                ratio = omed / rmed
                rs = "%.2f" % ratio
                met = ("yes" if ratio >= target else "no") if target \
                    else "—"
            else:
                rs, met = "—", "—"
            p("| %s | %s | %s | %s | %s | %s | %s |" % (
                wl,
                fmt_s(rmed) if rmed else "failed: %s" %
                failed.get(("rump", wl), "not run"),
                SIDE_NAMES[other],
                fmt_s(omed) if omed else "failed: %s" %
                failed.get((other, wl), "not run"),
                rs, "≥ %.1f" % target if target else "context", met))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if outfile:
        with open(outfile, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
