#!/usr/bin/env python3
"""run.py BUILD [OUTFILE] -- the tar benchmark of issue 6 (`make bench-fuse`,
root, /dev/fuse, fuse2fs): one run that measures every way rumpkit offers
to put a tree into an ext4 image, against fuse2fs and the host's kernel.

`tar xf` of the ext2 benchmark's tree (bench/ext2/gentree.py, fixed seed,
about 20,000 files / 300 MiB; as one tar archive, unpacked by GNU tar in
one host process) into a fresh ext4 image (this machine's mkfs.ext4
defaults, the same size for every run of every side), five ways:

  hijack      LD_PRELOAD=librumphijack.so tar xf into /rump/mnt, the image
              attached to rump_server (-d) and mounted as ext4 in the
              server's kernel (every call a round trip over a unix socket)
  rump_fuse   through a rump_fuse mount (the rump kernel's ext4 driver)
  fuse2fs     through a fuse2fs mount (e2fsprogs' FUSE driver)
  host        the host kernel's ext4 on a loop mount of the image (scale)
  rumpfs put  no tar: `rumpfs IMAGE put TREE /` (one process, the embedded
              kernel writes the image directly; the plain tree)

Each time runs from starting the server (or the mount, or rumpfs) to the
server's exit after the unmount (hijack: unmount and halt through
hj_mount; FUSE: fusermount3 -u; host: umount), so every side has written
everything into the image file.  e2fsck -fn checks the image after every
run; an unclean image or a failed side fails the benchmark (exit 1, and
OUTFILE is not written).  Figures are medians of BENCH_RUNS rounds
(default 3); each round runs every side once, in an order that reverses
from round to round.

Environment: BENCH_SCALE=n divides the tree by n (a trial run);
BENCH_RUNS=n; BENCH_DIR (default BUILD/bench-fuse) holds the tree, the
archive and the images.  The markdown goes to stdout and, with the
hand-written notes of bench/fuse/notes.md appended, to OUTFILE.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time


def sh(cmd, env=None):
    return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env)


def fmt_s(ns):
    return "%.2f s" % (ns / 1e9) if ns >= 1e9 else "%.0f ms" % (ns / 1e6)


def phases(text):
    """Where a side's time went, on stderr with the progress lines."""
    sys.stderr.write("bench-fuse:   %s\n" % text)


def mounted(mnt):
    with open("/proc/mounts") as f:
        return any(line.split()[1] == mnt for line in f)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def tree_commit(root):
    r = sh("git -C '%s' rev-parse --short HEAD" % root)
    commit = r.stdout.decode().strip() if r.returncode == 0 else "unknown"
    r = sh("git -C '%s' status --porcelain | head -n 1" % root)
    if r.returncode == 0 and r.stdout.strip():
        commit += " (with uncommitted changes)"
    return commit


# (key, name in the table) in the order of a forward round.
SIDES = [
    ("hijack", "`tar xf` through librumphijack, rump_server ext4"),
    ("rump_fuse", "`tar xf` through rump_fuse"),
    ("fuse2fs", "`tar xf` through fuse2fs"),
    ("host", "host `tar xf`, the host kernel's ext4 on a loop mount"),
    ("rumpfs", "`rumpfs put` of the plain tree (no tar, no FUSE)"),
]


class Bench:
    def __init__(self, build, work, scale):
        self.build = build
        self.work = work
        self.img = os.path.join(work, "image.ext4")
        self.mnt = os.path.join(work, "mnt")
        self.sock = os.path.join(work, "rump.sock")
        self.tree = os.path.join(work, "tree-%d" % scale)
        self.tar = self.tree + ".tar"
        self.size = "%dM" % (2048 // scale + 64)
        self.times = {}
        self.unclean = {}
        self.failed = {}
        self.inodes = 0

    def fresh(self):
        r = sh("rm -f '%s' && mkfs.ext4 -q -F '%s' %s" %
               (self.img, self.img, self.size))
        if r.returncode != 0:
            sys.exit("mkfs.ext4: " + r.stdout.decode())

    def fsck(self, side):
        """e2fsck -fn must be clean and count every inode of the tree:
        the first 11 (root and lost+found among them) and one for each
        file, directory and symlink."""
        r = sh("e2fsck -fn '%s'" % self.img)
        out = r.stdout.decode()
        if r.returncode != 0:
            self.unclean.setdefault(side, out[-1500:])
            return
        m = re.search(r": (\d+)/\d+ files", out)
        # rumpfs put copies the tree's top directory too (like cp -r).
        want = self.inodes + (side == "rumpfs")
        if m is None or int(m.group(1)) != want:
            self.failed.setdefault(side, "the image holds %s inodes, not %d"
                                   % (m.group(1) if m else "?", want))

    def fuse(self, argv):
        """A FUSE server in the foreground; tar; unmount; its exit."""
        logname = os.path.join(self.work, "server.log")
        with open(logname, "w") as log:
            p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        while not mounted(self.mnt):
            if p.poll() is not None:
                with open(logname) as log:
                    return "server exited: " + log.read()[-300:]
            time.sleep(0.002)
        t0 = time.monotonic_ns()
        r = sh("tar xf '%s' -C '%s'" % (self.tar, self.mnt))
        t1 = time.monotonic_ns()
        u = sh("fusermount3 -u '%s'" % self.mnt)
        t2 = time.monotonic_ns()
        try:
            rc = p.wait(timeout=None if u.returncode == 0 else 5)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        phases("tar %s, fusermount3 -u %s, exit %s" % (
            fmt_s(t1 - t0), fmt_s(t2 - t1), fmt_s(time.monotonic_ns() - t2)))
        if r.returncode != 0:
            return "tar: " + r.stdout.decode()[-300:]
        if u.returncode != 0 or rc != 0:
            return "unmount: %s, exit %d" % (u.stdout.decode()[-200:], rc)
        return None

    def hijack(self):
        """rump_server -d; mount ext4; hijacked tar; unmount; halt; exit."""
        b = self.build
        hj = os.path.join(b, "tests", "hijack", "hj_mount")
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        with open(os.path.join(self.work, "server.log"), "w") as log:
            p = subprocess.Popen(
                [os.path.join(b, "bin", "rump_server"), "-s", "-d",
                 "key=/dev/disk0,hostpath=%s" % self.img,
                 "unix://" + self.sock],
                stdout=log, stderr=subprocess.STDOUT)
        env = dict(os.environ, RUMP_SERVER="unix://" + self.sock)
        err = None
        while not os.path.exists(self.sock):
            if p.poll() is not None:
                err = "rump_server exited at start, see server.log"
                break
            time.sleep(0.002)
        steps = [
            ("mount", "'%s' mount ext4 /dev/disk0 /mnt" % hj, env),
            ("tar", "tar xf '%s' -C /rump/mnt" % self.tar,
             dict(env, LD_LIBRARY_PATH=os.path.join(b, "lib"),
                  LD_PRELOAD=os.path.join(b, "lib", "librumphijack.so"))),
            ("umount", "'%s' umount /mnt" % hj, env),
            ("halt", "'%s' halt" % hj, env),
        ]
        took = []
        for what, cmd, e in steps:
            if err is not None:
                break
            t0 = time.monotonic_ns()
            r = sh(cmd, env=e)
            took.append("%s %s" % (what, fmt_s(time.monotonic_ns() - t0)))
            if r.returncode != 0:
                err = "%s: %s" % (what, r.stdout.decode()[-300:])
        t0 = time.monotonic_ns()
        try:
            rc = p.wait(timeout=None if err is None else 5)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        took.append("exit %s" % fmt_s(time.monotonic_ns() - t0))
        phases(", ".join(took))
        if err is None and rc != 0:
            err = "rump_server exited with %d" % rc
        return err

    def host(self):
        """mount -o loop; tar; umount."""
        r = sh("mount -o loop '%s' '%s'" % (self.img, self.mnt))
        if r.returncode != 0:
            return "mount: " + r.stdout.decode()[-300:]
        t0 = time.monotonic_ns()
        r = sh("tar xf '%s' -C '%s'" % (self.tar, self.mnt))
        t1 = time.monotonic_ns()
        u = sh("umount '%s'" % self.mnt)
        phases("tar %s, umount %s" % (fmt_s(t1 - t0),
                                      fmt_s(time.monotonic_ns() - t1)))
        if r.returncode != 0:
            return "tar: " + r.stdout.decode()[-300:]
        if u.returncode != 0:
            return "umount: " + u.stdout.decode()[-300:]
        return None

    def one(self, side):
        self.fresh()
        b = self.build
        t0 = time.monotonic_ns()
        if side == "hijack":
            err = self.hijack()
        elif side == "rump_fuse":
            err = self.fuse([os.path.join(b, "bin", "rump_fuse"), self.img,
                             self.mnt, "-f"])
        elif side == "fuse2fs":
            err = self.fuse(["fuse2fs", "-f", self.img, self.mnt])
        elif side == "host":
            err = self.host()
        else:
            r = sh("'%s' '%s' put '%s' /" % (os.path.join(b, "bin", "rumpfs"),
                                             self.img, self.tree))
            err = None if r.returncode == 0 else \
                "rumpfs: " + r.stdout.decode()[-300:]
        t1 = time.monotonic_ns()
        if err is not None:
            self.failed.setdefault(side, err.strip())
            if mounted(self.mnt):
                sh("umount -l '%s'" % self.mnt)
            return
        self.times.setdefault(side, []).append(t1 - t0)
        self.fsck(side)


def make_tree(here, tree, tar, scale):
    """The tree and its archive, made once per scale and kept."""
    if os.path.exists(tree + ".done"):
        with open(tree + ".done") as f:
            info = f.read().strip()
        if info.startswith("files="):
            return info
    shutil.rmtree(tree, ignore_errors=True)
    r = sh("python3 '%s/../ext2/gentree.py' '%s' %d" % (here, tree, scale))
    if r.returncode != 0:
        sys.exit(r.stdout.decode())
    info = r.stdout.decode().strip()
    r = sh("tar cf '%s' -C '%s' ." % (tar, tree))
    if r.returncode != 0:
        sys.exit(r.stdout.decode())
    with open(tree + ".done", "w") as f:
        f.write(info + "\n")
    return info


def report(bench, runs, scale, info, started, load0, load1, commit):
    med = {s: statistics.median(t) for s, t in bench.times.items()}
    lines = []
    p = lines.append
    p("## tar xf into ext4: hijack, rump_fuse, fuse2fs, the host kernel; "
      "rumpfs put")
    p("")
    p("Driven by `bench/fuse/run.py` (`make bench-fuse`, as root); recorded "
      "%s, tree %s, %d CPUs, load average %s at the start and %s at the end."
      % (started, commit, os.cpu_count(), load0, load1))
    p("")
    p("- Tree: `bench/ext2/gentree.py` (fixed seed) at scale %d (%s), as one "
      "tar archive on the host, unpacked with GNU `tar xf` into a fresh "
      "`mkfs.ext4` image (%s, this machine's defaults) for every run of "
      "every side; `rumpfs put` copies the plain tree." %
      (scale, info, bench.size))
    p("- hijack: `LD_PRELOAD=librumphijack.so tar xf` into `/rump/mnt`, the "
      "image attached to `rump_server -d` and mounted as ext4 in the "
      "server's kernel (every call a round trip over a unix socket). "
      "rump_fuse and fuse2fs run with their default options (rump_fuse: "
      "multithreaded, the host caches attributes and names for 1 s, "
      "`-o timeout=1`; fuse2fs: its own). host: the same `tar xf` on the "
      "host kernel's ext4, the image loop-mounted.")
    p("- Each time runs from starting the server (or the mount) to its "
      "exit after the unmount (hijack: unmount and halt; FUSE: "
      "`fusermount3 -u`; host: `umount`), so the image file holds "
      "everything. After every run `e2fsck -fn` must find the image "
      "clean and holding one inode for each file, directory and symlink "
      "of the tree.")
    p("- %d round(s), each running every side once in an order that reverses "
      "from round to round; medians. The ratios are times: the side's "
      "median over rump_fuse's and over the host kernel's (above 1: the "
      "side is slower)." % runs)
    if scale != 1:
        p("- **Trial run: BENCH_SCALE=%d** (the tree divided by %d)."
          % (scale, scale))
    for s, why in sorted(bench.failed.items()):
        p("- **%s failed**: `%s`" % (s, " ".join(why.split())[:300]))
    for s, out in sorted(bench.unclean.items()):
        p("- **e2fsck -fn found errors after %s**: `%s`" %
          (s, " ".join(out.split())[:300]))
    if not bench.failed and not bench.unclean:
        p("- Every image was clean and complete after every run.")
    p("")
    p("| Side | Runs (s) | Median | Ratio to rump_fuse | Ratio to host |")
    p("|---|---|---|---|---|")
    rf, hm = med.get("rump_fuse"), med.get("host")
    for key, name in SIDES:
        m = med.get(key)
        p("| %s | %s | %s | %s | %s |" % (
            name,
            " ".join("%.2f" % (t / 1e9) for t in bench.times.get(key, [])),
            fmt_s(m) if m else "failed",
            "%.2f" % (m / rf) if m and rf else "—",
            "%.2f" % (m / hm) if m and hm else "—"))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    outfile = sys.argv[2] if len(sys.argv) > 2 else None
    scale = int(os.environ.get("BENCH_SCALE") or 1)
    runs = int(os.environ.get("BENCH_RUNS") or 3)
    work = os.path.abspath(os.environ.get("BENCH_DIR") or
                           os.path.join(build, "bench-fuse"))
    here = os.path.dirname(os.path.abspath(__file__))
    if os.geteuid() != 0 or not os.path.exists("/dev/fuse"):
        sys.exit("bench-fuse: needs root and /dev/fuse")
    if not shutil.which("fuse2fs"):
        sys.exit("bench-fuse: needs fuse2fs (Debian package fuse2fs)")
    for f in ["bin/rumpfs", "bin/rump_fuse", "bin/rump_server",
              "tests/hijack/hj_mount", "lib/librumphijack.so"]:
        if not os.path.exists(os.path.join(build, f)):
            sys.exit("bench-fuse: %s/%s is missing (make bench-fuse builds "
                     "it)" % (build, f))
    os.makedirs(work, exist_ok=True)
    bench = Bench(build, work, scale)
    info = make_tree(here, bench.tree, bench.tar, scale)
    counts = dict(kv.split("=") for kv in info.split())
    bench.inodes = 11 + sum(int(counts[k])
                            for k in ("files", "dirs", "symlinks"))
    os.makedirs(bench.mnt, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load0 = loadavg()
    keys = [k for k, _ in SIDES]
    for run in range(runs):
        order = keys if run % 2 == 0 else list(reversed(keys))
        for side in order:
            sys.stderr.write("bench-fuse: round %d/%d, %s\n" %
                             (run + 1, runs, side))
            bench.one(side)
    os.unlink(bench.img)
    text = report(bench, runs, scale, info, started, load0, loadavg(),
                  tree_commit(os.path.dirname(os.path.dirname(here))))
    sys.stdout.write(text)
    if bench.failed or bench.unclean:
        sys.stderr.write("bench-fuse: failed; %s not written\n" %
                         (outfile or "no file"))
        return 1
    if outfile:
        notes = ""
        if os.path.exists(os.path.join(here, "notes.md")):
            with open(os.path.join(here, "notes.md")) as f:
                notes = "\n" + f.read()
        with open(outfile, "w") as f:
            f.write(text + notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
