# tests/hijack/lib.sh -- sourced by the hijack test scripts, with ROOT (the
# source tree) and B (the build directory) set.  hj_setup makes a scratch
# directory $T and names a server socket in it; hj_server starts
# $B/bin/rump_server in the foreground (-s) in the background and waits for
# its socket; `hj CMD...` runs CMD with LD_PRELOAD=librumphijack.so (plus
# the sanitizer runtime of a sanitizer build, which must come first);
# hj_ctl runs the helper hj_mount; hj_stop halts the kernel through a
# client and waits for the server to exit.  fail prints and exits 1.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

say() {
	echo "-- $*"
}

hj_cleanup() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -n "${T:-}" ] && rm -rf "$T"
}

# The sanitizer runtime a sanitized librumphijack.so needs in front of it
# (the programs it goes into are not sanitized themselves).
hj_sanruntime() {
	san=$(sed -n 's/^san //p' "$B/libs.txt")
	cc=$(sed -n 's/^cc //p' "$B/libs.txt")
	[ -n "$san" ] || return 0
	case $($cc --version 2>/dev/null | head -n 1) in
	*clang*) lib=libclang_rt.$san-$(uname -m).so ;;
	*) lib=lib$san.so ;;
	esac
	path=$($cc -print-file-name="$lib")
	[ -f "$path" ] || fail "no $lib for the $san build ($cc)"
	echo "$path"
}

hj_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/rk-hijack.XXXXXX") || exit 1
	trap hj_cleanup EXIT
	trap 'exit 1' INT TERM
	SOCK=$T/sock
	RUMP_SERVER=unix://$SOCK
	export RUMP_SERVER
	LIBDIR=$(cd "$B/lib" && pwd)
	HIJACK=$LIBDIR/librumphijack.so
	[ -f "$HIJACK" ] || fail "$HIJACK is missing"
	[ -x "$B/bin/rump_server" ] || fail "$B/bin/rump_server is missing"
	PRELOAD=$(hj_sanruntime)
	PRELOAD="${PRELOAD:+$PRELOAD }$HIJACK"
	# sanitizers in unmodified programs: their own leaks are not ours
	ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
	export ASAN_OPTIONS
	# TSan: reports are printed (and kept in the log) but do not change
	# exit statuses: the programs run here are not instrumented.  The
	# locks taken under TSan's interceptor of a blocking call (poll,
	# select) are invisible to it: tsan.supp says why those reports are
	# false; librumpclient itself is judged by t_remote_* under TSan
	TSAN_OPTIONS=exitcode=0:suppressions=$(cd "$ROOT" && pwd)/tests/hijack/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}
	export TSAN_OPTIONS
	unset RUMPHIJACK
}

# hj_server [rump_server options]; with HJ_NETNS set, the server runs in
# that network namespace (ip netns exec, which execs it: $! stays its pid)
hj_server() {
	${HJ_NETNS:+ip netns exec "$HJ_NETNS"} "$B/bin/rump_server" -s "$@" \
		"$RUMP_SERVER" >"$T/server.log" 2>&1 &
	SERVER_PID=$!
	i=0
	while [ ! -S "$SOCK" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$T/server.log" >&2
			fail "rump_server exited at start"
		fi
		i=$((i + 1))
		[ $i -lt 400 ] || fail "rump_server did not listen within 20 s"
		sleep 0.05
	done
}

# librumphijack.so finds librumpclient.so in $B/lib (installed, in the
# system's library path)
hj() {
	LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		LD_PRELOAD=$PRELOAD "$@"
}

# the same, replacing the shell: for `hj_exec CMD &`, so that $! is CMD's
hj_exec() {
	LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		LD_PRELOAD=$PRELOAD exec "$@"
}

hj_ctl() {
	"$B/tests/hijack/hj_mount" "$@"
}

hj_stop() {
	hj_ctl halt || fail "halt"
	wait "$SERVER_PID"
	rc=$?
	SERVER_PID=
	[ $rc -eq 0 ] || fail "rump_server exited with $rc"
}

# hj_cmp_out NAME EXPECTED ACTUAL -- fail with the diff unless the
# kernel side's output file equals the host side's.
hj_cmp_out() {
	if ! cmp -s "$2" "$3"; then
		diff -u "$2" "$3" | head -n 60 >&2
		fail "$1: output differs from the host's"
	fi
	say "$1: same as the host"
}

# hj_mk_tree DIR: the host tree the tests copy and compare: text, binary,
# empty files, odd names, modes, links (a dangling one), times.
hj_mk_tree() {
	mkdir -p "$1/a/b/c" "$1/empty dir" || fail "mkdir $1"
	seq 1 20000 >"$1/a/seq"
	head -c 300000 /dev/urandom >"$1/a/rand"
	: >"$1/a/b/empty"
	printf 'spaces\n' >"$1/a/b/with space"
	printf 'x\n' >"$1/a/b/c/deep"
	chmod 0600 "$1/a/b/c/deep"
	printf '#!/bin/sh\n' >"$1/a/script"
	chmod 0755 "$1/a/script"
	ln -s seq "$1/a/lnk"
	ln -s nowhere "$1/a/dangling"
	ln "$1/a/seq" "$1/a/hard"
	for i in $(seq 1 50); do
		echo "$i" >"$1/a/b/f$i"
	done
	touch -h -d '2020-02-02 02:02:02.123456789' "$1/a/lnk"
	touch -d '2001-01-01 00:00:00.5' "$1/a/seq" "$1/a/b"
}
