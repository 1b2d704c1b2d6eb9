#!/usr/bin/env python3
"""gentree.py DIR [SCALE] -- the tree the ext2 benchmark unpacks: about
20,000 files and 300 MiB (divided by SCALE) in about 1,000 directories up
to six levels deep, plus symlinks, from a fixed seed, so that every
machine unpacks the same tree.  Sizes: three quarters small (as in a source
tree), a quarter 16-52 KiB, one in 200 up to 1.5 MiB.  DIR must not exist.
Prints "files=N dirs=N symlinks=N bytes=N"."""
import os
import random
import sys


def main():
    root = sys.argv[1]
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(424242)
    nfiles, ndirs = 20000 // scale, 1000 // scale
    os.makedirs(root)
    dirs = [root]
    for i in range(ndirs):
        parent = rng.choice(dirs)
        if parent.count(os.sep) - root.count(os.sep) >= 6:
            parent = root
        d = os.path.join(parent, "dir%04d" % i)
        os.mkdir(d)
        dirs.append(d)
    total = 0
    # One pool of random bytes; each file takes a slice at a random
    # offset (cheap, and no two files alike).
    pool = rng.randbytes(16 << 20)
    for i in range(nfiles):
        r = rng.random()
        if r < 0.75:
            size = int(rng.lognormvariate(8.0, 1.2)) % (16 << 10)
        elif r < 0.995:
            size = rng.randrange(16 << 10, 52 << 10)
        else:
            size = rng.randrange(256 << 10, 1536 << 10)
        off = rng.randrange(0, len(pool) - size)
        path = os.path.join(rng.choice(dirs), "f%05d.dat" % i)
        with open(path, "wb") as f:
            f.write(pool[off:off + size])
        total += size
    nlinks = 200 // scale
    for i in range(nlinks):
        d = rng.choice(dirs)
        os.symlink("../" * rng.randrange(0, 3) + "target%d" % i,
                   os.path.join(d, "link%04d" % i))
    print("files=%d dirs=%d symlinks=%d bytes=%d" %
          (nfiles, ndirs, nlinks, total))


if __name__ == "__main__":
    main()
