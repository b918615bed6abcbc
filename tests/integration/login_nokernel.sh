#!/usr/bin/env bash
# iscsid on a kernel without iSCSI (this machine's kind: no SCSI, no
# modules): a login through iscsid fails with open-iscsi's exit code 12
# and a line saying why, leaves nothing behind, and iscsid keeps serving;
# iscsiadm -k 0 stops it. Where the kernel has iSCSI, the VM suite covers
# logins and this test has nothing to check. Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
name=login_nokernel

for f in "$adm" "$build/iscsid" "$build/iscsi-worker"; do
	[ -x "$f" ] || { echo "ok - $name # SKIP ${f#"$build"/} not built in $build"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "ok - $name # SKIP needs root"; exit 0; }
if [ -d /sys/class/iscsi_transport ] || [ -d /sys/module/scsi_transport_iscsi ]; then
	echo "ok - $name # SKIP this kernel has iSCSI (tests/vm covers logins)"
	exit 0
fi

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/login-nokernel.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT
mkdir -p "$ISCSI_ROOT/etc/iscsi"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:nokernel" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
T=iqn.2001-05.com.example:nokernel

check() { if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi; }

"$adm" -m node -o new -T $T -p 127.0.0.1:3260 >/dev/null
check "a node record" $?
"$build/iscsid" -f -d 1 >"$ISCSI_ROOT/iscsid.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$ISCSI_ROOT/run/iscsid/iscsid.sock" ] && break; sleep 0.05; done

out=$("$adm" -m node -T $T -p 127.0.0.1:3260 --login 2>"$ISCSI_ROOT/err")
rc=$?
err=$(cat "$ISCSI_ROOT/err")
check "login without iSCSI in the kernel exits 12" "$([ $rc = 12 ]; echo $?)" "exit $rc: $err"
check "open-iscsi's lines: Logging in, Could not login, error 12" \
	"$(printf '%s\n' "$out" | grep -q '^Logging in to \[iface: default, target: '"$T"', portal: 127.0.0.1,3260\]$' &&
	   printf '%s\n' "$err" | grep -q 'initiator reported error (12 - iSCSI driver not found'; echo $?)" "$out $err"
check "the reason is given (no module support, or the module missing)" \
	"$(printf '%s\n' "$err" | grep -qE 'module support|module iscsi_tcp|iSCSI support'; echo $?)" "$err"
check "no worker was started (the kernel is checked first)" \
	"$(grep -q 'login job' "$ISCSI_ROOT/iscsid.log"; [ $? != 0 ]; echo $?)"
out=$("$adm" -m session 2>&1)
rc=$?
check "-m session: no active sessions (21)" "$([ $rc = 21 ]; echo $?)" "exit $rc: $out"
"$adm" -k 0
check "iscsiadm -k 0 stops iscsid" "$?"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null
check "iscsid has exited" "$([ $? != 0 ]; echo $?)"
wait "$pid" 2>/dev/null
pid=
"$adm" -k 0 2>/dev/null
rc=$?
check "iscsiadm -k 0 without iscsid exits 20" "$([ $rc = 20 ]; echo $?)" "exit $rc"
