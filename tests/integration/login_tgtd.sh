#!/usr/bin/env bash
# A normal session's login through login/driver.h (tests/tools/login_run:
# connect, sandboxed login worker, checked LOGIN_DONE) against a real
# target, tgtd on loopback (own portal port and control port), and
# against the hostile tests/tools/fake_target in its login modes. The
# kernel's part (handing the socket over) is the VM suite's; here the
# socket is taken and closed. Checks:
#   - login succeeds, every negotiated value is printed and is what tgtd
#     offers with our defaults; TSIH non-zero; the socket is handed out;
#   - HeaderDigest/DataDigest CRC32C when tgtd is set to allow them;
#   - a wrong target name: 19 with tgtd's "target not found";
#   - target down: 4 (refused), 8 (connect timeout to a black hole);
#   - every hostile mode: the right exit code, one line, the worker gone;
#   - the worker's sandbox (uid, capabilities, seccomp, root) while it
#     waits on a slow target.
# Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
run=$build/tests/tools/login_run
fake=$build/tests/tools/fake_target
worker=$build/iscsi-worker

skip_all() {
	echo "ok - login_tgtd # SKIP $1"
	exit 0
}
[ -x "$run" ] && [ -x "$worker" ] && [ -x "$fake" ] ||
	skip_all "login_run, fake_target or iscsi-worker not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (tgtd, the worker's sandbox)"

tmp=$(mktemp -d /tmp/iscsi-logintgtd.XXXXXX)
mkdir -p /var/run/tgtd
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
ctl=$((2000 + RANDOM % 8000))
while [ -e "/var/run/tgtd/socket.$ctl" ]; do ctl=$((ctl + 1)); done
tgtd_pid= fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	if [ -n "$tgtd_pid" ]; then
		kill -9 "$tgtd_pid" 2>/dev/null
		wait "$tgtd_pid" 2>/dev/null
	fi
	rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
	rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}
login() { # login PORT TARGET [ARGS...]: sets rc, output in $tmp/out, $tmp/err
	"$run" --address 127.0.0.1 --port "$1" --target "$2" --worker "$worker" \
		--root "$tmp/empty" "${@:3}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
val() { sed -n "s/^$1 //p" "$tmp/out"; }
worker_gone() { # the worker pid printed by login_run no longer exists
	local pid
	pid=$(val worker)
	[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null
}

target=iqn.2001-04.com.example:login-test
if command -v tgtd >/dev/null && command -v tgtadm >/dev/null; then
	tgtd -f -C "$ctl" --iscsi "portal=127.0.0.1:$port" >"$tmp/tgtd.log" 2>&1 &
	tgtd_pid=$!
	for _ in $(seq 100); do
		tgtadm -C "$ctl" --lld iscsi --op show --mode portal >/dev/null 2>&1 && break
		sleep 0.1
	done
fi
if [ -n "$tgtd_pid" ] && tgtadm -C "$ctl" --lld iscsi --op new --mode target --tid 1 -T "$target" &&
	tgtadm -C "$ctl" --lld iscsi --op bind --mode target --tid 1 -I ALL; then
	login "$port" "$target"
	check "tgtd: login succeeds (exit 0, code line)" \
		"$([ "$rc" = 0 ] && grep -q '^code 0 *$' "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out") $(head -c 200 "$tmp/err")"
	sed -n '/^HeaderDigest/,/^MaxCmdSN/p' "$tmp/out" | sed 's/^/# /'
	check "tgtd: TSIH non-zero, CmdSN = ExpCmdSN = 0 (initial_cmdsn)" \
		"$([ -n "$(val TSIH)" ] && [ "$(val TSIH)" != 0x0000 ] && [ "$(val CmdSN)" = 0 ] && [ "$(val ExpCmdSN)" = 0 ]; echo $?)"
	check "tgtd: negotiated as tgtd answers our defaults" \
		"$([ "$(val HeaderDigest)" = None ] && [ "$(val MaxRecvDataSegmentLength)" = 262144 ] &&
		   [ "$(val MaxBurstLength)" -le 16776192 ] && [ "$(val FirstBurstLength)" -le "$(val MaxBurstLength)" ] &&
		   [ "$(val ErrorRecoveryLevel)" = 0 ] && [ "$(val TargetPortalGroupTag)" = 1 ]; echo $?)" \
		"$(tr '\n' ' ' <"$tmp/out")"
	check "tgtd: the socket is handed to the caller" "$([ "$(val socket)" = taken ]; echo $?)"
	check "tgtd: worker gone after the login" "$(worker_gone; echo $?)"

	login "$port" "$target" -o 'node.conn[0].iscsi.HeaderDigest=CRC32C' -o 'node.conn[0].iscsi.DataDigest=CRC32C'
	check "tgtd with digests None only: CRC32C-only offer fails (5, one line)" \
		"$([ "$rc" = 5 ] && grep -q 'HeaderDigest' "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out")"
	for k in HeaderDigest DataDigest; do
		tgtadm -C "$ctl" --lld iscsi --op update --mode target --tid 1 --name "$k" --value CRC32C >/dev/null 2>&1
	done
	login "$port" "$target" -o 'node.conn[0].iscsi.HeaderDigest=CRC32C' -o 'node.conn[0].iscsi.DataDigest=CRC32C'
	check "tgtd: HeaderDigest and DataDigest CRC32C" \
		"$([ "$rc" = 0 ] && [ "$(val HeaderDigest)" = CRC32C ] && [ "$(val DataDigest)" = CRC32C ]; echo $?)" \
		"rc=$rc $(tail -n1 "$tmp/out")"

	login "$port" iqn.2001-04.com.example:no-such-target
	check "tgtd: wrong target name: exit 19, status 02/03, one line" \
		"$([ "$rc" = 19 ] && grep -q '^status 02/03 retryable 0' "$tmp/out" && grep -qi 'not found' "$tmp/out" && [ ! -s "$tmp/err" ]; echo $?)" \
		"rc=$rc $(tr '\n' '|' <"$tmp/out")"
	check "tgtd: worker gone after the refusal" "$(worker_gone; echo $?)"

	kill -9 "$tgtd_pid"
	wait "$tgtd_pid" 2>/dev/null
	tgtd_pid=
	login "$port" "$target"
	check "tgtd stopped: exit 4, Connection refused" \
		"$([ "$rc" = 4 ] && grep -q 'Connection refused' "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out")"
else
	echo "ok - tgtd login checks # SKIP tgtd not installed or did not start"
fi

# A black hole: a TEST-NET-1 address nobody answers from (connect
# timeout), or unreachable at once on hosts without a route (4).
"$run" --address 192.0.2.1 --port 3260 --target "$target" --worker "$worker" --root "$tmp/empty" \
	--connect-timeout 500 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "unanswered portal: exit 8 (timeout) or 4 (unreachable)" \
	"$([ "$rc" = 8 ] || [ "$rc" = 4 ]; echo $?)" "rc=$rc $(tail -n1 "$tmp/out")"

login "$(free_port)" "$target" -o 'node.session.auth.authmethod=CHAP'
check "authmethod CHAP without credentials: exit 7, the line names the keys" \
	"$([ "$rc" = 7 ] && grep -q 'node.session.auth.username and node.session.auth.password must both be set' "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out")"
login "$(free_port)" "$target" -o 'node.session.iscsi.FirstBurstLength=65536' -o 'node.session.iscsi.MaxBurstLength=8192'
check "FirstBurstLength > MaxBurstLength in the record: exit 7" \
	"$([ "$rc" = 7 ] && grep -q FirstBurstLength "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out")"

# The hostile target.
start_fake() { # start_fake MODE: sets fake_pid, fport
	rm -f "$tmp/fport"
	"$fake" --mode "$1" >"$tmp/fport" 2>/dev/null &
	fake_pid=$!
	fport=
	for _ in $(seq 50); do
		fport=$(head -n1 "$tmp/fport" 2>/dev/null)
		[ -n "$fport" ] && break
		sleep 0.1
	done
}
stop_fake() {
	kill "$fake_pid" 2>/dev/null
	wait "$fake_pid" 2>/dev/null
	fake_pid=
}
short=(-o 'node.conn[0].timeo.login_timeout=2')
while read -r mode want pattern; do
	start_fake "$mode"
	login "$fport" "$target" "${short[@]}"
	lines=$(grep -c '^code ' "$tmp/out")
	check "fake $mode: exit $want, one line ($pattern)" \
		"$([ "$rc" = "$want" ] && [ "$lines" = 1 ] && grep -q "^code $want " "$tmp/out" &&
		   { [ "$pattern" = - ] || grep -q "^code $want .*$pattern" "$tmp/out"; }; echo $?)" \
		"rc=$rc $(tail -n1 "$tmp/out") $(head -c 200 "$tmp/err")"
	check "fake $mode: worker gone" "$(worker_gone; echo $?)"
	stop_fake
done <<'MODES'
login-ok 0 -
login-garbage 5 malformed PDU
login-itt 5 task tag
login-jump 5 stage
login-slow 8 timed out
login-notfound 19 not found
login-redirect-self 5 redirect loop refused
MODES

# The worker's sandbox while it waits on a slow target.
if grep -q '^Seccomp:' /proc/self/status; then
	start_fake login-slow
	"$run" --address 127.0.0.1 --port "$fport" --target "$target" --worker "$worker" \
		--root "$tmp/empty" -o 'node.conn[0].timeo.login_timeout=5' >"$tmp/out" 2>"$tmp/err" &
	run_pid=$!
	pid=
	for _ in $(seq 50); do
		pid=$(sed -n 's/^worker //p' "$tmp/out")
		[ -n "$pid" ] && [ "$(sed -n 's/^Seccomp:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)" = 2 ] && break
		pid=
		sleep 0.1
	done
	field() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$pid/status" | tr -s '\t' ' '; }
	if [ -n "$pid" ]; then
		want_uid=$(id -u _iscsid 2>/dev/null || echo 65534)
		check "sandbox: Uid $want_uid everywhere" "$([ "$(field Uid)" = "$want_uid $want_uid $want_uid $want_uid" ]; echo $?)" "$(field Uid)"
		check "sandbox: no capabilities" "$([ "$(field CapEff)$(field CapPrm)$(field CapBnd)" = 000000000000000000000000000000000000000000000000 ]; echo $?)"
		check "sandbox: NoNewPrivs 1, Seccomp 2" "$([ "$(field NoNewPrivs)" = 1 ] && [ "$(field Seccomp)" = 2 ]; echo $?)"
		check "sandbox: root is the empty directory" "$([ "$(readlink "/proc/$pid/root")" = "$tmp/empty" ]; echo $?)"
		fds=$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')
		check "sandbox: descriptors 0-3 and the socket only" "$([ "$fds" = "0 1 2 3 4 " ]; echo $?)" "$fds"
	else
		echo "not ok - sandbox: login worker not found"
	fi
	wait "$run_pid"
	stop_fake
else
	echo "ok - login worker sandbox # SKIP kernel without seccomp"
fi
exit 0
