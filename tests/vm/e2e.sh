#!/usr/bin/env bash
# VM test, issue 5's end-to-end suite (tests/vm/guest/e2e.sh): discovery,
# login with CRC32C digests, 64 MiB written and read back through the
# block device and checked in tgtd's file, stats counters, 8 targets at
# once, -P 3, --rescan of a LUN added after login, logout, login errors
# and their exit codes, iscsid restarted under live sessions. One boot.
#
# E2E_INITIATOR picks the initiator: "ours" (the default: $BUILD's iscsid,
# iscsiadm and iscsi-worker, copied into the image) or "ref" (Debian's
# open-iscsi 2.1.8, which passes the same checks). Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=e2e
initiator=${E2E_INITIATOR:-ours}

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
extras=()
if [ "$initiator" = ours ]; then
	for p in iscsid iscsiadm iscsi-worker; do
		if [ ! -x "$build/$p" ]; then
			echo "not ok - $name: $build/$p is not built"
			exit 1
		fi
		extras+=("$build/$p")
	done
	extras+=("$top/etc/iscsid.conf:/usr/local/etc/iscsi/iscsid.conf")
fi
VM_INITIATOR=$initiator "$top/tests/vm/run" "$top/tests/vm/guest/e2e.sh" "${extras[@]}"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
