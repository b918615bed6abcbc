#!/usr/bin/env bash
# VM test: the NETLINK_ISCSI client (kernel/iscsi_nl.h) against the real
# kernel's iscsi_tcp, through tests/tools/kern_probe in the qemu VM: clear
# failures without the modules and as a user, then a session's whole life
# (create, bind, parameters seen in sysfs, statistics, start, a Logout out
# through SEND_PDU and back through RECV_PDU, stop, destroy). Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=kernel_nl

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
if [ ! -x "$build/tests/tools/kern_probe" ]; then
	echo "not ok - $name: $build/tests/tools/kern_probe is not built"
	exit 1
fi
"$top/tests/vm/run" "$top/tests/vm/guest/kernel_nl.sh" \
	"$build/tests/tools/kern_probe:/usr/local/sbin/kern_probe"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
