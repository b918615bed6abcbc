#!/usr/bin/env bash
# VM test: iscsiadm -m session (-P 0..3, -r SID) prints what Debian's
# open-iscsi 2.1.8 prints for the same kernel sessions, with the same exit
# codes (tests/vm/guest/session_print.sh lists the differences that are on
# purpose). Needs $BUILD/iscsiadm (make check sets BUILD). Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
name=session_print
adm=${BUILD:-$top/build}/iscsiadm

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
if [ ! -x "$adm" ]; then
	echo "not ok - $name: $adm is not built"
	exit 1
fi
"$top/tests/vm/run" "$top/tests/vm/guest/session_print.sh" "$adm:/usr/local/sbin/iscsiadm"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
