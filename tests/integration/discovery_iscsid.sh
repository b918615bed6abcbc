#!/usr/bin/env bash
# The same hostile targets as discovery_fake.sh, this time through a
# running iscsid (iscsiadm asks it over the control socket; iscsid's
# worker talks to the target): every mode ends in iscsiadm's exit code and
# one line, no worker is left, nothing is written, and iscsid is alive and
# answers the next discovery. Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
fake=$build/tests/tools/fake_target

skip_all() {
	echo "ok - discovery_iscsid # SKIP $1"
	exit 0
}
[ -x "$adm" ] && [ -x "$build/iscsid" ] && [ -x "$build/iscsi-worker" ] && [ -x "$fake" ] ||
	skip_all "iscsiadm, iscsid, iscsi-worker or tests/tools/fake_target not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (iscsid, the worker's sandbox)"

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-disciscsid.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$ISCSI_ROOT/etc/iscsi" "$tmp"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:iscsid-test" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
printf 'discovery.sendtargets.timeo.login_timeout = 2\ndiscovery.sendtargets.timeo.active_timeout = 2\n' \
	>"$ISCSI_ROOT/etc/iscsi/iscsid.conf"
pids=()
iscsid_pid=
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	if [ -n "$iscsid_pid" ]; then
		kill "$iscsid_pid" 2>/dev/null
		wait "$iscsid_pid" 2>/dev/null
	fi
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

"$build/iscsid" -f >"$tmp/iscsid.log" 2>&1 &
iscsid_pid=$!
for _ in $(seq 50); do
	[ -S "$ISCSI_ROOT/run/iscsid/iscsid.sock" ] && break
	sleep 0.1
done
[ -S "$ISCSI_ROOT/run/iscsid/iscsid.sock" ] || skip_all "iscsid did not start: $(tail -n 2 "$tmp/iscsid.log")"

port=
start_fake() {
	# A fresh file: the old one may still hold the last target's port
	# until the new process's redirection truncates it.
	rm -f "$tmp/port"
	"$fake" "$@" >"$tmp/port" 2>"$tmp/fake.err" &
	pids+=($!)
	for _ in $(seq 50); do
		port=$(head -n1 "$tmp/port" 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	return 1
}
discover() {
	"$adm" -m discovery -t st -p "127.0.0.1:$port" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
workers_left() { pgrep -f "^$(readlink -f "$build")/iscsi-worker " | wc -l; }
served() { grep -c "discovery of 127.0.0.1:$port" "$tmp/iscsid.log"; }

start_fake --mode good --targets 5 --portals 1
discover
check "good target through iscsid: exit 0, five lines" \
	"$([ "$rc" = 0 ] && [ "$(wc -l <"$tmp/out")" = 5 ] && [ "$(served)" -ge 1 ]; echo $?)" \
	"rc=$rc $(cat "$tmp/err")"
"$adm" -m node >"$tmp/nodes.before" 2>&1

hostile() { # hostile MODE CODE
	start_fake --mode "$1" || { echo "not ok - $1: fake_target did not start"; return; }
	discover
	check "$1 through iscsid: exit $2, one line, no output" \
		"$([ "$rc" = "$2" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]; echo $?)" \
		"rc=$rc $(cat "$tmp/err" "$tmp/out" | head -3)"
	check "$1: iscsid did the work (it logged this discovery)" "$([ "$(served)" -ge 1 ]; echo $?)"
	check "$1: worker gone" "$(workers_left)"
	check "$1: node records unchanged" \
		"$("$adm" -m node 2>&1 | cmp -s - "$tmp/nodes.before"; echo $?)"
	kill "${pids[-1]}" 2>/dev/null
}
hostile malformed 1
hostile oversize 1
hostile endless 1
hostile slashname 1
hostile ctlname 1
hostile badaddr 1
hostile addrfirst 1
hostile reject 1
hostile closemid 4
hostile loginfail 24
hostile slowloris 8

check "iscsid still running" "$(kill -0 "$iscsid_pid" 2>/dev/null; echo $?)"
start_fake --mode good --targets 2 --portals 1
discover -o nonpersistent
check "iscsid answers the next discovery" \
	"$([ "$rc" = 0 ] && [ "$(wc -l <"$tmp/out")" = 2 ]; echo $?)" "rc=$rc $(cat "$tmp/err")"
exit 0
