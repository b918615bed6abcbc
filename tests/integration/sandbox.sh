#!/usr/bin/env bash
# Sandboxed workers as the kernel sees them. tests/tools/privsep_launch
# spawns tests/tools/sandbox_probe through spawn_worker() (fork, fixed
# descriptors, re-exec) and the probe applies its role's sandbox; this
# script reads the result from /proc and checks how forbidden system calls
# and out-of-turn messages end. Needs root; prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
launch=$build/tests/tools/privsep_launch

skip_all() {
	echo "ok - sandbox # SKIP $1"
	exit 0
}
[ -x "$launch" ] && [ -x "$build/tests/tools/sandbox_probe" ] ||
	skip_all "tests/tools/privsep_launch and sandbox_probe not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (chroot, setresuid, capability bounding set)"
grep -q '^Seccomp:' /proc/self/status || skip_all "kernel built without CONFIG_SECCOMP"
grep -q '^NoNewPrivs:' /proc/self/status || skip_all "kernel without no_new_privs"

tmp=$(mktemp -d /tmp/iscsi-sandbox.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/empty
# The account the launcher resolves: the default one, or nobody.
want_uid=$(id -u _iscsid 2>/dev/null || echo 65534)
want_gid=$(getent passwd _iscsid | cut -d: -f4)
want_gid=${want_gid:-65534}

check() { # check NAME CONDITION-RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

field() { # field PID KEY: value of KEY in /proc/PID/status, tabs squeezed
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t' ' '
}

# --- a waiting worker, inspected from outside ---
inspect() { # inspect ROLE
	local role=$1 pid line1 line2 v
	coproc L { timeout 30 "$launch" --root "$root" "$role" wait 2>&1; }
	read -r -u "${L[0]}" line1
	read -r -u "${L[0]}" line2
	pid=${line1#spawned }
	check "$role: probe started and said hello" \
		"$([ "$line2" = "hello $role" ] && [ -d "/proc/$pid" ]; echo $?)" "$line1 / $line2"

	v=$(field "$pid" Uid)
	check "$role: uid is $want_uid in all four slots" \
		"$([ "$v" = "$want_uid $want_uid $want_uid $want_uid" ]; echo $?)" "Uid: $v"
	v=$(field "$pid" Gid)
	check "$role: gid is $want_gid in all four slots" \
		"$([ "$v" = "$want_gid $want_gid $want_gid $want_gid" ]; echo $?)" "Gid: $v"
	v=$(field "$pid" Groups)
	check "$role: no supplementary groups" "$([ -z "$v" ]; echo $?)" "Groups: $v"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(field "$pid" $c)
		check "$role: $c is empty" "$([ "$v" = 0000000000000000 ]; echo $?)" "$c: $v"
	done
	v=$(field "$pid" NoNewPrivs)
	check "$role: NoNewPrivs 1" "$([ "$v" = 1 ]; echo $?)" "NoNewPrivs: $v"
	v=$(field "$pid" Seccomp)
	check "$role: Seccomp 2 (filter mode)" "$([ "$v" = 2 ]; echo $?)" "Seccomp: $v"
	v=$(readlink "/proc/$pid/root")
	check "$role: root is the empty directory" "$([ "$v" = "$root" ]; echo $?)" "root: $v"
	v=$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')
	check "$role: descriptors are 0 1 2 3 only" "$([ "$v" = "0 1 2 3 " ]; echo $?)" "fds: $v"
	v=$(for l in "Max file size" "Max core file size" "Max processes" "Max open files"; do
		grep "^$l " "/proc/$pid/limits" | awk '{printf "%s/%s ", $(NF-2), $(NF-1)}'
	done)
	check "$role: rlimits fsize 0, core 0, nproc 0, nofile 8 (soft/hard)" \
		"$([ "$v" = "0/0 0/0 0/0 8/8 " ]; echo $?)" "limits: $v"
	v=$(stat -c %u "/proc/$pid/status")
	check "$role: not dumpable (/proc entries owned by root)" "$([ "$v" = 0 ]; echo $?)" "owner $v"
	v=$(wc -c <"/proc/$pid/environ")
	check "$role: empty environment" "$([ "$v" = 0 ]; echo $?)" "$v bytes"
	v=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	check "$role: role on the command line" \
		"$(case "$v" in *"--privsep-worker=$role "*) echo 0 ;; *) echo 1 ;; esac)" "$v"

	echo release >&"${L[1]}"
	read -r -u "${L[0]}" v
	check "$role: exits cleanly when the monitor closes the channel" \
		"$([ "$v" = "exit 0" ]; echo $?)" "$v"
	wait "$L_PID" 2>/dev/null
}
inspect discovery
inspect login

# --- one launch, its whole output ---
run() { # run ROLE ACTION [--trap]: output lines after "spawned", joined by " | "
	timeout 30 "$launch" ${3:-} --root "$root" "$1" "$2" 2>&1 | grep -v '^spawned ' |
		tr '\n' '|' | sed 's/|$//; s/|/ | /g'
}

expect() { # expect NAME ACTUAL WANTED
	check "$1" "$([ "$2" = "$3" ]; echo $?)" "got: $2"
}

for call in socket open execve fork setuid ptrace mmap-exec; do
	expect "discovery: $call kills the worker with SIGSYS" \
		"$(run discovery "$call")" "hello discovery | signal 31"
done
for call in socket open execve; do
	expect "login: $call kills the worker with SIGSYS" \
		"$(run login "$call")" "hello login | signal 31"
done
expect "debug mode traps socket() and reports its number (41 on x86_64 only)" \
	"$(run discovery socket --trap | sed 's/call [0-9]*/call N/')" \
	"hello discovery | log sandbox: forbidden system call N | exit 159"
if [ "$(uname -m)" = x86_64 ]; then
	expect "debug mode names the syscall number" \
		"$(run login socket --trap)" "hello login | log sandbox: forbidden system call 41 | exit 159"
fi
expect "a descriptor passed over the channel works inside the sandbox" \
	"$(run discovery recvfd)" "hello discovery | pipe probe-ok | done 0 | exit 0"
expect "a message out of turn gets the worker killed" \
	"$(run discovery rogue)" \
	"hello discovery | kill DISC_RECORDS: message not allowed for this role in this state | signal 9"
expect "an undeclared frame gets the worker killed" \
	"$(run discovery garbage)" "hello discovery | refused unknown message type (header) | signal 9"
expect "spawn passes only the fixed descriptors (a leaked one stays behind)" \
	"$(run login fds)" "log fds: 0 1 2 3 | exit 0"
