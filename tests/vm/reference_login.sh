#!/usr/bin/env bash
# VM test: Debian's open-iscsi (iscsid, iscsiadm) discovers and logs in to
# tgtd through the kernel's iscsi_tcp inside the qemu VM, writes 16 MiB to
# the disk that appears, reads them back, checks them on the target's side
# and logs out. It proves the harness and the kernel data path, and is the
# baseline the project's own initiator is compared with.
# Prints TAP (the guest's lines come through the console).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
name=reference_login

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
"$top/tests/vm/run" "$top/tests/vm/guest/reference_login.sh"
rc=$?
# 124..126: the harness failed before the guest could say anything.
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
