#!/usr/bin/env bash
# VM test, issue 6's CHAP cases (tests/vm/guest/chap.sh), one boot: tgtd
# (MD5) for discovery and session CHAP, one-way and mutual, wrong secrets
# and a target that drops authentication; the kernel's own target (LIO,
# tests/vm/guest/lio.sh) for MD5, SHA1, SHA256 and SHA3-256; secrets
# absent from iscsiadm output without -S, -P 3, sysfs and every log; the
# audit records read back from the kernel log (audit=1, no auditd) and
# from syslog (busybox syslogd, facility authpriv).
#
# CHAP_INITIATOR picks the initiator: "ours" (the default: $BUILD's
# iscsid, iscsiadm and iscsi-worker) or "ref" (Debian's open-iscsi, which
# proves the targets' set-up; the checks only ours promises are skipped).
# Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name=chap
initiator=${CHAP_INITIATOR:-ours}

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "ok - $name # SKIP $why"
	exit 0
fi
guest=$top/tests/vm/guest
extras=("$guest/lio.sh:/guest/lio.sh" "$guest/chap_audit.sh:/guest/chap_audit.sh")
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
# sha3_generic: LIO asks the crypto API for sha3-256, and the guest has no
# modprobe to load it on demand. audit=1 makes the kernel accept user
# audit messages with no audit daemon running (it prints them to its
# log); the larger backlog keeps it from reporting its hold queue full.
VM_MODULES="iscsi_target_mod sha3_generic" \
	VM_CMDLINE="audit=1 audit_backlog_limit=8192" \
	VM_INITIATOR=$initiator "$top/tests/vm/run" "$guest/chap.sh" "${extras[@]}"
rc=$?
[ $rc -ge 124 ] && [ $rc -le 126 ] && echo "not ok - $name: the VM did not run the test (exit $rc)"
exit $rc
