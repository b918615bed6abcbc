#!/usr/bin/env bash
# kernel/iscsi_abi.h against the kernel's own <scsi/iscsi_if.h> of the
# kernel the test VM boots (Debian's linux-headers-VER-common, fetched once
# and cached under build/kernel-headers): every struct size, member offset
# and constant we use. Prints TAP, one line per group.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
name="kernel ABI"

errf=$(mktemp)
if ! inc=$("$top/tests/kernel-headers/fetch" 2>"$errf"); then
	why=$(head -n 1 "$errf")
	rm -f "$errf"
	[ -n "$why" ] || why="cannot fetch the kernel headers"
	# Without the kernel's header there is nothing to compare with.
	echo "ok - $name # SKIP $why"
	exit 0
fi
rm -f "$errf"
echo "# kernel header: $inc/scsi/iscsi_if.h ($(cut -d' ' -f2 "$inc/complete"))"

mkdir -p "$build/tests/kernel-headers"
bin=$build/tests/kernel-headers/abi_check
if ! out=$(${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$inc" -I"$top" \
	"$top/tests/kernel-headers/abi_check.c" -o "$bin" 2>&1); then
	echo "not ok - $name: the check does not compile against the kernel's header"
	printf '%s\n' "$out" | head -n 20 | sed 's/^/# /'
	exit 1
fi
"$bin"
