#!/usr/bin/env bash
# The discovery worker as the kernel sees it, while it waits on a slow
# target (tests/tools/fake_target --mode slowloris): iscsiadm, running
# without iscsid, has spawned it; /proc/PID shows a non-zero uid, no
# capabilities, no_new_privs, a seccomp filter, the empty root and only
# the descriptors it needs. Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
fake=$build/tests/tools/fake_target

skip_all() {
	echo "ok - discovery_sandbox # SKIP $1"
	exit 0
}
[ -x "$adm" ] && [ -x "$build/iscsi-worker" ] && [ -x "$fake" ] ||
	skip_all "iscsiadm, iscsi-worker or tests/tools/fake_target not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (the discovery worker's sandbox)"
grep -q '^Seccomp:' /proc/self/status || skip_all "kernel built without CONFIG_SECCOMP"

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-discsandbox.XXXXXX)
mkdir -p "$ISCSI_ROOT/etc/iscsi"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:sandbox-test" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
printf 'discovery.sendtargets.timeo.login_timeout = 3\ndiscovery.sendtargets.timeo.active_timeout = 3\n' \
	>"$ISCSI_ROOT/etc/iscsi/iscsid.conf"
fake_pid= adm_pid=
cleanup() {
	[ -n "$adm_pid" ] && kill "$adm_pid" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t' ' '; }

"$fake" --mode slowloris >"$ISCSI_ROOT/port" 2>/dev/null &
fake_pid=$!
for _ in $(seq 50); do
	port=$(head -n1 "$ISCSI_ROOT/port" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
"$adm" -m discovery -t st -p "127.0.0.1:$port" >/dev/null 2>"$ISCSI_ROOT/err" &
adm_pid=$!

# The worker is iscsiadm's child; it is waiting once the login is done and
# the slow answer has started (the fake target has sent its first byte).
pid=
for _ in $(seq 100); do
	pid=$(pgrep -P "$adm_pid" | head -n1)
	[ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$build/iscsi-worker")" ] &&
		[ "$(field "$pid" Seccomp)" = 2 ] && break
	pid=
	sleep 0.1
done
check "worker found as iscsiadm's child" "$([ -n "$pid" ]; echo $?)"
[ -n "$pid" ] || exit 0
sleep 1         # well into the slow answer

want_uid=$(id -u _iscsid 2>/dev/null || echo 65534)
v=$(field "$pid" Uid)
check "Uid non-zero ($want_uid) in all four slots" \
	"$([ "$v" = "$want_uid $want_uid $want_uid $want_uid" ] && [ "$want_uid" != 0 ]; echo $?)" "Uid: $v"
v=$(field "$pid" Gid)
check "Gid non-zero" "$([ "${v%% *}" != 0 ]; echo $?)" "Gid: $v"
check "no supplementary groups" "$([ -z "$(field "$pid" Groups)" ]; echo $?)"
for c in CapEff CapPrm CapInh CapBnd CapAmb; do
	v=$(field "$pid" $c)
	check "$c 0" "$([ "$v" = 0000000000000000 ]; echo $?)" "$c: $v"
done
check "NoNewPrivs 1" "$([ "$(field "$pid" NoNewPrivs)" = 1 ]; echo $?)"
check "Seccomp 2 (filter)" "$([ "$(field "$pid" Seccomp)" = 2 ]; echo $?)"
root=$(readlink "/proc/$pid/root")
check "root is the empty directory" \
	"$([ "$root" = "$ISCSI_ROOT/run/iscsid/empty" ] && [ -z "$(ls -A "$root")" ]; echo $?)" "root: $root"
check "cwd is its root" "$([ "$(readlink "/proc/$pid/cwd")" = "$root" ]; echo $?)"

# Descriptors: 0-2 on /dev/null, 3 the monitor channel, 4 the TCP
# connection to the target; nothing else.
fds=$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')
check "descriptors are 0-4 only" "$([ "$fds" = "0 1 2 3 4 " ]; echo $?)" "fds: $fds"
for fd in 0 1 2; do
	v=$(readlink "/proc/$pid/fd/$fd")
	check "fd $fd is /dev/null" "$([ "$v" = /dev/null ]; echo $?)" "$v"
done
ch=$(readlink "/proc/$pid/fd/3")
check "fd 3 is a socket (monitor channel)" "$(case $ch in socket:*) echo 0 ;; *) echo 1 ;; esac)" "$ch"
tcp=$(readlink "/proc/$pid/fd/4")
inode=${tcp#socket:[}
inode=${inode%]}
check "fd 4 is the TCP connection to the target" \
	"$(awk -v i="$inode" -v p="$(printf '%04X' "$port")" \
		'$10 == i && substr($3, index($3, ":") + 1) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp; echo $?)" "$tcp"
check "not dumpable (no ptrace by its own uid)" \
	"$([ "$(stat -c %U "/proc/$pid/mem" 2>/dev/null)" = root ]; echo $?)"
v=$(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$pid/limits")
check "RLIMIT_NOFILE small" "$([ -n "$v" ] && [ "$v" -le 16 ]; echo $?)" "$v"
v=$(sed -n 's/^Max file size *\([0-9]*\).*/\1/p' "/proc/$pid/limits")
check "RLIMIT_FSIZE 0" "$([ "$v" = 0 ]; echo $?)" "$v"

# The slow target ends in a timeout for iscsiadm; the worker is gone.
wait "$adm_pid"
rc=$?
adm_pid=
check "iscsiadm ends with exit 8 (timeout)" "$([ "$rc" = 8 ]; echo $?)" "rc=$rc $(cat "$ISCSI_ROOT/err")"
check "worker gone afterwards" "$([ ! -d "/proc/$pid" ] || [ "$(readlink "/proc/$pid/exe")" = "" ]; echo $?)"
exit 0
