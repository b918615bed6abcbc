#!/usr/bin/env bash
# VM test, issue 7's target-initiated events: a scripted target
# (tests/tools/async_target) sends Asynchronous Messages to a session the
# kernel carries, and iscsid (ours) acts on them as open-iscsi does: a
# logout request answered with a Logout Request and a login again after
# Time2Wait, a connection drop's Time2Wait honoured, a renegotiation
# request answered by reconnecting, SCSI, vendor-specific and malformed
# events logged; every PDU decoded in a sandboxed worker, the session and
# its kernel id kept throughout (tests/vm/guest/async.sh). One boot, about
# a minute under software emulation. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=async

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
extras=()
for p in iscsid iscsiadm iscsi-worker tests/tools/async_target; do
	if [ ! -x "$build/$p" ]; then
		echo "not ok - $name: $build/$p is not built"
		exit 1
	fi
	extras+=("$build/$p")
done
extras+=("$top/etc/iscsid.conf:/usr/local/etc/iscsi/iscsid.conf")
VM_INITIATOR=ours "$top/tests/vm/run" "$top/tests/vm/guest/async.sh" "${extras[@]}"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
