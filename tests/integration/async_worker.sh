#!/usr/bin/env bash
# The "pdu" worker that decodes what the kernel passes up from a logged-in
# session (Async Messages, Logout Responses), run for real in its sandbox
# through tests/tools/async_probe (privsep/pdu_run.h, as iscsid drives
# it): the fields of every event, malformed PDUs refused with a clean
# line, the allow-list enough for every valid PDU (seccomp in trap mode),
# misbehaving workers killed while the caller lives on and spawns the
# next, and the role's sandbox as the kernel shows it. Needs root; TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
probe=$build/tests/tools/async_probe
worker=$build/iscsi-worker

skip_all() {
	echo "ok - async_worker # SKIP $1"
	exit 0
}
[ -x "$probe" ] && [ -x "$worker" ] || skip_all "async_probe or iscsi-worker not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (chroot, setresuid, capability bounding set)"
grep -q '^Seccomp:' /proc/self/status || skip_all "kernel built without CONFIG_SECCOMP"

tmp=$(mktemp -d /tmp/iscsi-async.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/empty
out=$tmp/out

check() { # check NAME CONDITION-RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

# hex_async EVENT VCODE P1 P2 P3 [DATAHEX]: an Asynchronous Message as the
# kernel passes it (RFC 7143 11.9: BHS, then the data without padding).
hex_async() {
	local data=${6:-}
	printf '3280000000%06x%016x%s%08x%08x%08x%08x%02x%02x%04x%04x%04x%08x%s' \
		$((${#data} / 2)) 0 ffffffff 0 7 11 42 "$1" "$2" "$3" "$4" "$5" 0 "$data"
}
# hex_logout_rsp RESPONSE TIME2WAIT TIME2RETAIN (11.15)
hex_logout_rsp() {
	printf '2680%02x00%08x%08x%08x%08x%08x%08x%08x%08x%08x%04x%04x%08x' \
		"$1" 0 0 0 0x1234 0 8 12 43 0 "$2" "$3" 0
}

# run_probe ARGS...: output in $out; the probe itself must end well.
run_probe() {
	timeout 60 "$probe" --root "$root" "$@" >"$out" 2>"$out.err"
	probe_rc=$?
}
# has LINE...: every line is in the output, exactly.
has() {
	local l
	for l in "$@"; do grep -qxF "$l" "$out" || return 1; done
}
workers_gone() { # every worker the probe named has been reaped
	local p
	for p in $(sed -n 's/^worker //p' "$out"); do [ -d "/proc/$p" ] && return 1; done
	return 0
}
detail() { tr '\n' '|' <"$out"; }

# --- valid PDUs: every field as the target sent it ---
decodes() { # decodes NAME HEX EXPECTED-LINE...
	local name=$1 hex=$2
	shift 2
	run_probe --worker "$worker" "$hex"
	check "$name: decoded" "$([ $probe_rc = 0 ] && has "outcome decoded" "$@"; echo $?)" "$(detail)"
	run_probe --worker "$worker" --trap "$hex"
	check "$name: no system call outside the allow-list (trap mode)" \
		"$([ $probe_rc = 0 ] && has "outcome decoded" && ! grep -q forbidden "$out.err"; echo $?)" \
		"$(detail) $(tr '\n' '|' <"$out.err")"
}
fixed_3f0e=0012700006000000000a000000003f0e00000000
descr_0401=00087202040100000000aabbcc
decodes "logout request" "$(hex_async 1 0 0 0 10)" \
	"kind async" "event 1" "param3 10" "sense_len 0" "sense none"
decodes "connection drop" "$(hex_async 2 0 1 5 20)" \
	"event 2" "param1 1" "param2 5" "param3 20"
decodes "drop of all connections" "$(hex_async 3 0 0 3600 0)" "event 3" "param2 3600" "param3 0"
decodes "renegotiation request" "$(hex_async 4 0 0 0 30)" "event 4" "param3 30"
decodes "vendor-specific event" "$(hex_async 255 23 0 0 0 000076656e646f7221)" \
	"event 255" "vcode 23" "sense_len 0" "event_data_len 7"
decodes "SCSI event, fixed sense 3F/0E" "$(hex_async 0 0 0 0 0 $fixed_3f0e)" \
	"event 0" "sense_len 18" "sense 6 3f 0e"
decodes "SCSI event, descriptor sense and event data" "$(hex_async 0 0 0 0 0 $descr_0401)" \
	"event 0" "sense_len 8" "event_data_len 3" "sense 2 04 01"
decodes "Logout Response, cleanup failed" "$(hex_logout_rsp 3 4 20)" \
	"kind logout_rsp" "response 3" "time2wait 4" "time2retain 20"

# --- malformed or unexpected: refused by the worker, one clean line ---
refuses() { # refuses NAME HEX REASON-FRAGMENT
	run_probe --worker "$worker" "$2"
	check "$1: refused with a reason" \
		"$([ $probe_rc = 0 ] && has "outcome refused" "killed 0" &&
			grep -q "^message .*$3" "$out" && workers_gone; echo $?)" "$(detail)"
}
refuses "reserved AsyncEvent 7" "$(hex_async 7 0 0 0 0)" "reserved code value"
refuses "Time2Wait 3601" "$(hex_async 2 0 0 3601 0)" "Time2Wait 3601"
refuses "SCSI event without sense" "$(hex_async 0 0 0 0 0)" "without sense data"
refuses "SenseLength past the segment" "$(hex_async 0 0 0 0 0 00207000)" "inconsistent"
a=$(hex_async 1 0 0 0 10)
refuses "ITT not 0xffffffff" "${a:0:32}00000001${a:40}" "required value"
refuses "TotalAHSLength not 0" "${a:0:8}01${a:10}" "TotalAHSLength 1"
refuses "DataSegmentLength longer than the data" "${a:0:10}000004${a:16}" \
	"DataSegmentLength 4, but 0 data bytes"
refuses "reserved byte set" "${a:0:88}01${a:90}" "reserved header field"
refuses "NOP-In" "20${a:2}" "unexpected NOP-In"
refuses "SCSI Data-In" "25${a:2}" "unexpected SCSI Data-In"
refuses "Logout Response code 4" "$(hex_logout_rsp 4 0 0)" "reserved code value"
l=$(hex_logout_rsp 0 0 0)
refuses "Logout Response with data" "${l:0:10}000004${l:16}61626364" "data segment"

# Too short or too long for a worker: refused before any is spawned.
run_probe --worker "$worker" "${a:0:94}"
check "47 bytes: refused without a worker" \
	"$([ $probe_rc = 0 ] && has "outcome failed" && ! grep -q '^worker' "$out" &&
		grep -q 'not a PDU the worker takes' "$out"; echo $?)" "$(detail)"
big=$(hex_async 255 1 0 0 0 "$(printf '%01826d' 0)")
run_probe --worker "$worker" "$big"
check "961 bytes: refused without a worker" \
	"$([ $probe_rc = 0 ] && has "outcome failed" && ! grep -q '^worker' "$out"; echo $?)" "$(detail)"
max=$(hex_async 255 1 0 0 0 "$(printf '%01824d' 0)")
run_probe --worker "$worker" "$max"
check "960 bytes: the largest examined, decoded" \
	"$([ $probe_rc = 0 ] && has "outcome decoded" "event_data_len 910"; echo $?)" "$(detail)"

# --- misbehaving workers: killed; the caller lives on ---
rogue() { # rogue MODE KILLED MESSAGE-FRAGMENT
	ln -sf "$probe" "$tmp/rogue-pdu-$1"
	run_probe --worker "$tmp/rogue-pdu-$1" --timeout 1500 --again "$worker" "$a"
	check "rogue-pdu-$1: ended ($3), the next worker decodes" \
		"$([ $probe_rc = 0 ] && has "outcome failed" "killed $2" "again outcome decoded" \
			"again event 1" && grep -q "^message .*$3" "$out" && workers_gone; echo $?)" \
		"$(detail)"
}
rogue early 1 "PDU_ASYNC in state new"
rogue twice 1 "one-shot message repeated"
rogue lie 1 "answer fails the checks: reserved AsyncEvent 9"
rogue chap 1 "CHAP_CHALLENGE in state running"
rogue garbage 1 "unknown message type"
rogue linger 1 "did not exit after its answer"
rogue hang 0 "no answer in time"
rogue socket 0 "signal 31 (forbidden system call)"
# SIGSEGV; under ASan its fault handler's first call is itself forbidden.
rogue crash 0 "killed by signal \\(11\\|31\\)"

# --- the role's sandbox, from outside: a worker of role pdu that waits ---
ln -sf "$probe" "$tmp/rogue-pdu-hang"
timeout 60 "$probe" --root "$root" --worker "$tmp/rogue-pdu-hang" --timeout 4000 "$a" \
	>"$tmp/hang.out" 2>&1 &
bg=$!
pid=
for _ in $(seq 50); do
	pid=$(sed -n 's/^worker //p' "$tmp/hang.out")
	[ -n "$pid" ] && [ -d "/proc/$pid" ] && break
	sleep 0.1
done
sleep 0.3
field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t' ' '; }
if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
	v="$(field "$pid" Seccomp) $(field "$pid" NoNewPrivs) $(field "$pid" CapEff)"
	check "sandbox: seccomp filter, no_new_privs, no capabilities" \
		"$([ "$v" = "2 1 0000000000000000" ]; echo $?)" "$v"
	v=$(field "$pid" Uid)
	check "sandbox: not root" "$(case "$v" in 0\ *) echo 1 ;; *) echo 0 ;; esac)" "Uid: $v"
	v=$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')
	check "sandbox: descriptors 0-3 only (no network socket)" \
		"$([ "$v" = "0 1 2 3 " ]; echo $?)" "fds: $v"
	v=$(grep "^Max open files " "/proc/$pid/limits" | awk '{print $4 "/" $5}')
	check "sandbox: at most 5 descriptors" "$([ "$v" = 5/5 ]; echo $?)" "$v"
	v=$(readlink "/proc/$pid/root")
	check "sandbox: root is the empty directory" "$([ "$v" = "$root" ]; echo $?)" "$v"
	v=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	check "sandbox: role pdu on the command line" \
		"$(case "$v" in *"--privsep-worker=pdu "*) echo 0 ;; *) echo 1 ;; esac)" "$v"
else
	check "sandbox: a waiting pdu worker to inspect" 1 "$(tr '\n' '|' <"$tmp/hang.out")"
fi
wait "$bg"
check "sandbox: the waiting worker killed at its deadline, the caller fine" \
	"$([ $? = 0 ] && grep -qx "message pdu worker killed: no answer in time" "$tmp/hang.out" &&
		[ ! -d "/proc/$pid" ]; echo $?)" "$(tr '\n' '|' <"$tmp/hang.out")"
