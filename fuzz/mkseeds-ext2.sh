#!/bin/sh
# mkseeds-ext2.sh DIR -- the seed corpus of the ext2 fuzz target: small
# images made by this machine's mkfs.ext2/ext3/ext4 (default features,
# 1 KiB blocks; ext4 also with 4 KiB) holding a few directories, files
# with holes and indirect/extent blocks, fast and slow symlinks, a hard
# link and an xattr, then seeded mutations of each (bit flips in the
# metadata, truncations).  Nothing binary is kept in the tree.
set -eu
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
mk=$here/../tests/ext2/mkimage.sh
PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$dir"
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
mkdir -p "$src/a/b/c" "$src/many"
printf 'hello\n' >"$src/a/small"
head -c 20000 /dev/urandom >"$src/a/b/indirect"
truncate -s 300K "$src/a/sparse"
printf 'tail' >>"$src/a/sparse"
ln -s small "$src/a/fast"
ln -s "$(printf '%0200d' 7)" "$src/a/b/slow"
ln "$src/a/small" "$src/a/b/c/hard"
for i in $(seq 1 60); do : >"$src/many/name-number-$i"; done
printf 'ea_set /a/small user.k value\n' >"$src.fix"

sh "$mk" ext2 1024 512K "$dir/seed-ext2-1k" "$src" "$src.fix" "-N 128"
sh "$mk" ext3 1024 2M "$dir/seed-ext3-1k" "$src" "$src.fix"
sh "$mk" ext4 1024 2M "$dir/seed-ext4-1k" "$src" "$src.fix"
sh "$mk" ext4 4096 5M "$dir/seed-ext4-4k" "$src" "$src.fix"
rm -f "$src.fix"

python3 - "$dir" <<'PY'
import os, random, sys
d = sys.argv[1]
rng = random.Random(4)
for name in sorted(os.listdir(d)):
    if not name.startswith("seed-"):
        continue
    data = open(os.path.join(d, name), "rb").read()
    # Bit flips in the first 64 KiB (superblock, group descriptors,
    # bitmaps, inode tables of a small image).
    for k in range(8):
        b = bytearray(data)
        for _ in range(1 + k * 3):
            off = rng.randrange(1024, min(len(b), 65536))
            b[off] ^= 1 << rng.randrange(8)
        open(os.path.join(d, "%s-flip%d" % (name, k)), "wb").write(b)
    for k, cut in enumerate([2048, 8192, len(data) // 2]):
        open(os.path.join(d, "%s-cut%d" % (name, k)), "wb").write(
            data[:cut])
PY
