#!/bin/sh
# hostile.sh OUTDIR -- corrupt images for t_ext2_compat_hostile, made from small
# clean mkfs images by debugfs and dd, with what the kernel must do with
# each in OUTDIR/list, one "IMAGE FSTYPE EXPECT" line per image:
#   any          mount may fail or succeed; a walk must not crash or hang
#   nomount      every mount must fail (unknown incompat feature, ...)
#   rdonly       a read-only mount succeeds, a read-write one fails
#   eio:PATH     mounts read-only; lstat/open of PATH fails with EIO
# Random flips are seeded: the same images on every run.
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$out"
list=$out/list
: >"$list"
src=$out/src
rm -rf "$src"
mkdir -p "$src/a/b/c" "$src/d"
printf 'hello\n' >"$src/a/file"
head -c 70000 /dev/zero | tr '\0' 'x' >"$src/a/b/big"
ln -s file "$src/a/fast"
ln -s "$(printf '%0300d' 0)" "$src/a/slow"
for i in $(seq 1 40); do : >"$src/d/entry$i"; done

base() { # TYPE BS NAME
	sh "$here/mkimage.sh" "$1" "$2" 4M "$out/$3" "$src"
}
dbg() { # IMAGE COMMAND
	debugfs -w -R "$2" "$1" >/dev/null 2>&1
}
add() {
	echo "$1 $2 $3" >>"$list"
}

for t in ext2 ext3 ext4; do
	base $t 1024 clean-$t
	add clean-$t $t any

	cp "$out/clean-$t" "$out/trunc-$t"
	truncate -s 300K "$out/trunc-$t"
	add trunc-$t $t any
	cp "$out/clean-$t" "$out/trunc1k-$t"
	truncate -s 1500 "$out/trunc1k-$t"
	add trunc1k-$t $t nomount

	# Bit 30 of the incompat and ro_compat sets: known to nobody
	# (e2p names unknown bits FEATURE_I30, FEATURE_R30).
	cp "$out/clean-$t" "$out/incompat-$t"
	dbg "$out/incompat-$t" "feature FEATURE_I30"
	add incompat-$t $t nomount
	cp "$out/clean-$t" "$out/rocompat-$t"
	dbg "$out/rocompat-$t" "feature FEATURE_R30"
	add rocompat-$t $t rdonly

	cp "$out/clean-$t" "$out/inodes-$t"
	dbg "$out/inodes-$t" "ssv inodes_count 4294967295"
	add inodes-$t $t any
	cp "$out/clean-$t" "$out/blocks-$t"
	dbg "$out/blocks-$t" "ssv blocks_count 4294967295"
	add blocks-$t $t any
	cp "$out/clean-$t" "$out/logbs-$t"
	dbg "$out/logbs-$t" "ssv log_block_size 30"
	add logbs-$t $t nomount
	cp "$out/clean-$t" "$out/ipg-$t"
	dbg "$out/ipg-$t" "ssv inodes_per_group 0"
	add ipg-$t $t nomount

	cp "$out/clean-$t" "$out/rootfile-$t"
	dbg "$out/rootfile-$t" "sif <2> mode 0100644"
	add rootfile-$t $t any
	cp "$out/clean-$t" "$out/hugesize-$t"
	dbg "$out/hugesize-$t" "sif /a/file size 0x7fffffffffffffff"
	add hugesize-$t $t any
	cp "$out/clean-$t" "$out/linkzero-$t"
	dbg "$out/linkzero-$t" "sif /a/file links_count 0"
	add linkzero-$t $t any
	cp "$out/clean-$t" "$out/slowlink-$t"
	dbg "$out/slowlink-$t" "sif /a/slow size 100000"
	add slowlink-$t $t any

	# Random byte flips in the metadata at the start of the image.
	for seed in 1 2 3 4 5 6 7 8; do
		cp "$out/clean-$t" "$out/flip$seed-$t"
		python3 - "$out/flip$seed-$t" "$seed" <<'PY'
import random, sys
path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
with open(path, "r+b") as f:
    for _ in range(40):
        off = rng.randrange(1024, 300 * 1024)
        f.seek(off)
        b = f.read(1)
        f.seek(off)
        f.write(bytes([b[0] ^ (1 << rng.randrange(8))]))
PY
		add flip$seed-$t $t any
	done
done

# ext2 (block maps): a directory whose block is its parent's (a loop).
cp "$out/clean-ext2" "$out/dirloop-ext2"
blk=$(debugfs -R "bmap /a 0" "$out/clean-ext2" 2>/dev/null)
dbg "$out/dirloop-ext2" "sif /a/b block[0] $blk"
add dirloop-ext2 ext2 any
# ... and an indirect block whose first entry is the indirect block.
cp "$out/clean-ext2" "$out/indself-ext2"
ind=$(debugfs -R "stat /a/b/big" "$out/clean-ext2" 2>/dev/null |
	sed -n 's/.*(IND):\([0-9]*\).*/\1/p' | head -n 1)
python3 - "$out/indself-ext2" "$ind" <<'PY'
import struct, sys
path, ind = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(ind * 1024)
    f.write(struct.pack("<I", ind))
PY
add indself-ext2 ext2 any

# ext4 (metadata_csum): an inode whose checksum is wrong must not be
# trusted: EIO (or no mount at all is not enough: the mount must work).
cp "$out/clean-ext4" "$out/badcsum-ext4"
dbg "$out/badcsum-ext4" "sif /a/file checksum 0x1234"
add badcsum-ext4 ext4 eio:/a/file
# ext4: an extent pointing outside the file system.
cp "$out/clean-ext4" "$out/extent-ext4"
dbg "$out/extent-ext4" "sif /a/b/big block[4] 0xfffffff0"
add extent-ext4 ext4 any
rm -rf "$src"
