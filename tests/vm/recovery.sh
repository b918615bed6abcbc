#!/usr/bin/env bash
# VM test, issue 7's recovery cases (tests/vm/guest/recovery.sh), one boot:
# RECOVERY_FAULTS (default 50) faults one after another under a write and
# read-back loop - tgtd dropping the connection, tgtd killed and started
# again, loopback cut for 5 s or 1 s - each followed by IO flowing again,
# then the whole disk read back identical and a clean logout;
# replacement_timeout 0, 5 and -1 with tgtd down; an unreachable portal
# giving up after its retries with exit code 8.
#
# RECOVERY_INITIATOR picks the initiator: "ours" (the default: $BUILD's
# iscsid, iscsiadm and iscsi-worker) or "ref" (Debian's open-iscsi, which
# proves the set-up and shows the reference's behaviour). Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=recovery
initiator=${RECOVERY_INITIATOR:-ours}

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
# Environment variables do not cross into the VM: the fault count goes at
# the top of a copy of the guest script.
guest=$(mktemp /tmp/vm-recovery.XXXXXX)
trap 'rm -f "$guest"' EXIT
{
	echo "RECOVERY_FAULTS=${RECOVERY_FAULTS:-50}"
	cat "$top/tests/vm/guest/recovery.sh"
} >"$guest"
VM_TIMEOUT=${VM_TIMEOUT:-900} VM_INITIATOR=$initiator "$top/tests/vm/run" "$guest" "${extras[@]}"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
