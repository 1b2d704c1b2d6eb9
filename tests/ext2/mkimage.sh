#!/bin/sh
# mkimage.sh TYPE BLOCKSIZE SIZE IMAGE [SRCDIR [FIXUPS [MKFSOPTS]]] -- make
# an ext2/ext3/ext4 image the way a user would: mkfs.TYPE with this
# machine's defaults (/etc/mke2fs.conf) and the given block size, filled
# from SRCDIR with mkfs -d when given, then the debugfs -w commands of
# FIXUPS (owners, timestamps, xattrs) applied.  SIZE is mkfs's (e.g. 64M).
# MKFSOPTS are extra mkfs options (e.g. "-N 120000").  The image must
# then pass e2fsck -fn, or this fails: every test starts from a clean one.
set -eu
if [ $# -lt 4 ]; then
	echo "usage: mkimage.sh TYPE BLOCKSIZE SIZE IMAGE [SRC [FIXUPS [OPTS]]]" >&2
	exit 2
fi
type=$1 bs=$2 size=$3 img=$4 src=${5:-} fix=${6:-} opts=${7:-}
PATH=$PATH:/sbin:/usr/sbin
export E2FSPROGS_FAKE_TIME= MKE2FS_CONFIG=${MKE2FS_CONFIG:-/etc/mke2fs.conf}
rm -f "$img"
# A fixed UUID and hash seed: the same image on every run.
# shellcheck disable=SC2086
mkfs."$type" -q -F -b "$bs" -U 6b0d3c1e-4a52-4f1c-9a8e-2b7d5f1e0c11 \
	-E hash_seed=0d8f6e1c-2a3b-4c5d-8e9f-a0b1c2d3e4f5 \
	${src:+-d "$src"} $opts "$img" "$size" >"$img.mkfs.log" 2>&1 || {
	cat "$img.mkfs.log" >&2
	echo "mkimage.sh: mkfs.$type failed" >&2
	exit 1
}
rm -f "$img.mkfs.log"
if [ -n "$fix" ]; then
	debugfs -w -f "$fix" "$img" >"$img.debugfs.log" 2>&1 || {
		cat "$img.debugfs.log" >&2
		exit 1
	}
	if grep -q -i -E "error|invalid|not found|usage|couldn't" \
		"$img.debugfs.log"; then
		grep -i -E "error|invalid|not found|usage|couldn't" "$img.debugfs.log" | head >&2
		echo "mkimage.sh: a debugfs fixup failed (see $img.debugfs.log)" >&2
		exit 1
	fi
	rm -f "$img.debugfs.log"
fi
e2fsck -fn "$img" >"$img.fsck.log" 2>&1 || {
	cat "$img.fsck.log" >&2
	echo "mkimage.sh: the new image is not clean" >&2
	exit 1
}
rm -f "$img.fsck.log"
