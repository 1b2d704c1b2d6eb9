#!/bin/sh
# mkbigdir.sh TYPE BLOCKSIZE SIZE IMAGE N -- an image (mkimage.sh, no
# tree) whose directory /big holds N empty files file000000 ... made by
# the host kernel through a loop mount, so that the directory is indexed
# the way Linux builds it.  (mkfs -d and debugfs add names to a directory
# one linear scan at a time: hours for 100,000.)  Needs root and a loop
# device; exits 77 without them.  The image must pass e2fsck -fn.
set -eu
if [ $# -ne 5 ]; then
	echo "usage: mkbigdir.sh TYPE BLOCKSIZE SIZE IMAGE N" >&2
	exit 2
fi
type=$1 bs=$2 size=$3 img=$4 n=$5
PATH=$PATH:/sbin:/usr/sbin
if [ "$(id -u)" -ne 0 ] || [ ! -e /dev/loop-control ]; then
	echo "mkbigdir.sh: needs root and loop devices" >&2
	exit 77
fi
sh "$(dirname "$0")/mkimage.sh" "$type" "$bs" "$size" "$img" "" "" \
	"-N $((n + 20000))"
mnt=$(mktemp -d)
mounted=
trap '[ -z "$mounted" ] || umount "$mnt"; rmdir "$mnt"' EXIT
# A loop device just released may still be busy for a moment.
tries=0
until mount -o loop -t "$type" "$img" "$mnt"; do
	tries=$((tries + 1))
	[ $tries -lt 5 ] || exit 1
	sleep 1
done
mounted=1
mkdir "$mnt/big"
(cd "$mnt/big" && seq -f 'file%06g' 0 $((n - 1)) | xargs touch)
umount "$mnt"
mounted=
# The loop device is detached after umount returns (asynchronously on
# recent kernels); read the image only once it is gone, so that nothing
# it held is still on its way into the file.
tries=0
while [ -n "$(losetup -j "$img")" ]; do
	tries=$((tries + 1))
	[ $tries -lt 100 ] || {
		echo "mkbigdir.sh: $img still attached to a loop device" >&2
		exit 1
	}
	sleep 0.2
done
e2fsck -fn "$img" >"$img.fsck.log" 2>&1 || {
	cat "$img.fsck.log" >&2
	echo "mkbigdir.sh: $img is not clean" >&2
	exit 1
}
rm -f "$img.fsck.log"
exit 0
