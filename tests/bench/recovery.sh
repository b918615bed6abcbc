#!/usr/bin/env bash
# Benchmark (not a test): session recovery through the kernel's iscsi_tcp
# in one qemu VM run, Debian's open-iscsi 2.1.8 and ours against the same
# tgtd - the time from a dropped connection (tgtadm delete conn) to IO
# flowing again, and from tgtd killed and restarted to IO flowing again
# (medians). Prints a table with ratios (ours / reference).
#
#   tests/bench/recovery.sh [BUILD_DIR]      (make bench-vm)
#
# Ours is included when BUILD_DIR (default build) holds iscsid, iscsiadm
# and iscsi-worker; BENCH_INITIATORS=ref measures the reference alone.
# BENCH_DROPS (10) and BENCH_RESTARTS (5) size the run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${BUILD:-$top/build}}
want=${BENCH_INITIATORS:-ref ours}

if ! why=$("$top/tests/vm/run" --can-run); then
	echo "bench-vm: cannot run: $why" >&2
	exit 1
fi
extras=()
case " $want " in
*" ours "*)
	for p in iscsid iscsiadm iscsi-worker; do
		if [ ! -x "$build/$p" ]; then
			echo "bench-vm: $build/$p is not built: measuring the reference alone" >&2
			extras=()
			break
		fi
		extras+=("$build/$p")
	done
	[ ${#extras[@]} -eq 0 ] ||
		extras+=("$top/etc/iscsid.conf:/usr/local/etc/iscsi/iscsid.conf") ;;
esac
# Environment variables do not cross into the VM: the sizes go at the top
# of a copy of the guest script.
guest=$(mktemp /tmp/bench-recovery.XXXXXX)
trap 'rm -f "$guest"' EXIT
{
	echo "BENCH_DROPS=${BENCH_DROPS:-10}"
	echo "BENCH_RESTARTS=${BENCH_RESTARTS:-5}"
	cat "$top/tests/bench/recovery_guest.sh"
} >"$guest"
VM_TIMEOUT=${VM_TIMEOUT:-900} "$top/tests/vm/run" "$guest" "${extras[@]}"
