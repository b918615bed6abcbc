#!/usr/bin/env bash
# VM test, issue 7's session lifecycle (tests/vm/guest/lifecycle.sh), one
# boot: iscsid's logins at start for node.startup automatic records, up
# to node.session.nr_sessions; iscsiadm -L automatic beside them;
# -m session -r SID -o new; concurrent iscsiadm -l never past
# nr_sessions; iscsid killed with -9 and restarted takes its sessions
# over without logging any in twice. Needs $BUILD's iscsid, iscsiadm and
# iscsi-worker. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=lifecycle

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
extras=()
for p in iscsid iscsiadm iscsi-worker; do
	if [ ! -x "$build/$p" ]; then
		echo "not ok - $name: $build/$p is not built"
		exit 1
	fi
	extras+=("$build/$p")
done
extras+=("$top/etc/iscsid.conf:/usr/local/etc/iscsi/iscsid.conf")
VM_INITIATOR=ours "$top/tests/vm/run" "$top/tests/vm/guest/lifecycle.sh" "${extras[@]}"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
