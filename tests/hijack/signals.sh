#!/bin/sh
# signals.sh ROOT BUILD -- host signals and kernel sockets through
# librumphijack: an unmodified python3 (signals.py) blocked in accept,
# recv and poll on kernel sockets is interrupted by SIGALRM as on Linux
# (EINTR, then Python's handler), and a call whose handler returns goes
# on (PEP 475) and gets the data sent later.  Then the server halts
# cleanly.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup
command -v python3 >/dev/null || fail "python3 is needed"
hj_server
hj python3 "$ROOT/tests/hijack/signals.py" 7791 >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc -eq 0 ] || fail "signals.py exited with $rc"
tail -n 1 "$T/out" | grep -qx ok || fail "signals.py did not finish"
hj_stop
say "signals: accept, recv and poll interrupted; a returning handler's recv went on"
