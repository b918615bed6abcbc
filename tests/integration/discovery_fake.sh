#!/usr/bin/env bash
# iscsiadm -m discovery -t st without iscsid, against tests/tools/fake_target
# on loopback: the record operations (new, update, delete, nonpersistent,
# -P 1, -I) on a well-behaved target, then a hostile target in every mode
# it has. Each hostile answer must end in one stderr line with the right
# exit code, no output, no worker left behind and the database exactly as
# it was. Needs root (the worker's sandbox). Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
fake=$build/tests/tools/fake_target

skip_all() {
	echo "ok - discovery_fake # SKIP $1"
	exit 0
}
[ -x "$adm" ] && [ -x "$build/iscsi-worker" ] && [ -x "$fake" ] ||
	skip_all "iscsiadm, iscsi-worker or tests/tools/fake_target not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (the discovery worker's sandbox)"

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-discfake.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$ISCSI_ROOT/etc/iscsi" "$tmp"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:fake-test" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
# Short deadlines so the slow peer costs seconds, not minutes.
cat >"$ISCSI_ROOT/etc/iscsi/iscsid.conf" <<'EOF'
discovery.sendtargets.timeo.login_timeout = 2
discovery.sendtargets.timeo.active_timeout = 2
node.startup = manual
EOF
fake_pids=()
cleanup() {
	for p in "${fake_pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# One discovery portal for the record operations: stale records are
# those of the same portal.
fixed_port=$(free_port)
port=
start_fake() { # start_fake ARGS...: sets $port
	# A fresh file: the old one may still hold the last target's port
	# until the new process's redirection truncates it.
	rm -f "$tmp/port"
	"$fake" --port "$fixed_port" "$@" >"$tmp/port" 2>"$tmp/fake.err" &
	fake_pids+=($!)
	for _ in $(seq 50); do
		port=$(head -n1 "$tmp/port" 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	echo "not ok - fake_target did not start: $(cat "$tmp/fake.err")"
	return 1
}

discover() { # discover ARGS...: output in $tmp/out, $tmp/err; status in $rc
	"$adm" -m discovery -t st -p "127.0.0.1:$port" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

workers_left() { pgrep -f "^$(readlink -f "$build")/iscsi-worker " | wc -l; }

expected_lines() { # expected_lines N_TARGETS [PORTALS]
	local i k
	for ((i = 0; i < $1; i++)); do
		for ((k = 0; k < ${2:-1}; k++)); do
			printf '127.0.0.%d:%d,%d iqn.2001-04.com.example:target%05d\n' \
				$((k + 1)) $((3260 + k)) $((k + 1)) "$i"
		done
	done
}

# ---- a well-behaved target ----
start_fake --mode good --targets 3 --portals 2
discover
expected_lines 3 2 >"$tmp/want"
check "good: exit 0" "$rc" "rc=$rc $(cat "$tmp/err")"
check "good: open-iscsi's lines, in the target's order" "$(cmp -s "$tmp/out" "$tmp/want"; echo $?)" \
	"$(diff "$tmp/want" "$tmp/out" | head -5)"
check "good: nothing on stderr" "$([ ! -s "$tmp/err" ]; echo $?)" "$(cat "$tmp/err")"
"$adm" -m node >"$tmp/nodes" 2>&1
check "good: node records are what was discovered" \
	"$(cmp -s <(sort "$tmp/nodes") <(sort "$tmp/want"); echo $?)" \
	"$(diff <(sort "$tmp/want") <(sort "$tmp/nodes") | head -5)"
"$adm" -m discoverydb >"$tmp/ddb" 2>&1
check "good: discovery record of the portal" \
	"$([ "$(cat "$tmp/ddb")" = "127.0.0.1:$port via sendtargets" ]; echo $?)" "$(cat "$tmp/ddb")"
v=$("$adm" -m node -T iqn.2001-04.com.example:target00001 -p 127.0.0.2:3261 |
	sed -n 's/^node.discovery_\(address\|port\|type\) = //p' | tr '\n' ' ')
check "good: node records say where they were found" \
	"$([ "$v" = "127.0.0.1 $port send_targets " ]; echo $?)" "$v"
check "good: worker gone" "$(workers_left)"

# -o update rebuilds existing records from iscsid.conf; -o new leaves them.
t1=(-T iqn.2001-04.com.example:target00000 -p 127.0.0.1:3260)
"$adm" -m node "${t1[@]}" -o update -n node.startup -v automatic
start_fake --mode good --targets 3 --portals 2
discover -o new
v=$("$adm" -m node "${t1[@]}" | sed -n 's/^node.startup = //p')
check "-o new keeps an existing record's settings" "$([ "$v" = automatic ]; echo $?)" "$v"
start_fake --mode good --targets 3 --portals 2
discover
v=$("$adm" -m node "${t1[@]}" | sed -n 's/^node.startup = //p')
check "default ops rebuild an existing record from iscsid.conf" "$([ "$v" = manual ]; echo $?)" "$v"

# Stale records go only with -o delete (part of the default).
start_fake --mode good --targets 2 --portals 1
discover -o new -o update
n=$("$adm" -m node | wc -l)
check "-o new -o update deletes nothing" "$([ "$n" = 6 ] && [ "$rc" = 0 ]; echo $?)" "$n records, rc=$rc"
start_fake --mode good --targets 2 --portals 1
discover
expected_lines 2 1 >"$tmp/want"
"$adm" -m node >"$tmp/nodes" 2>&1
check "default ops delete what the portal no longer reports" \
	"$(cmp -s <(sort "$tmp/nodes") <(sort "$tmp/want"); echo $?)" \
	"$(diff <(sort "$tmp/want") <(sort "$tmp/nodes") | head)"

# A static record and one from another portal are not this portal's.
"$adm" -m node -o new -T iqn.2001-04.com.example:static -p 127.9.9.9:3260 >/dev/null
start_fake --mode good --targets 1 --portals 1
discover -o delete
v=$("$adm" -m node | tr '\n' '|')
check "-o delete leaves static records and removes only stale ones" \
	"$([ "$v" = "127.9.9.9:3260,-1 iqn.2001-04.com.example:static|127.0.0.1:3260,1 iqn.2001-04.com.example:target00000|" ]; echo $?)" "$v"

# nonpersistent: printed, not written.
cp -a "$ISCSI_ROOT/var/lib/iscsi" "$tmp/db.nonpersistent"
start_fake --mode good --targets 4 --portals 1
discover -o nonpersistent -P 1
printf 'Target: iqn.2001-04.com.example:target%05d\n\tPortal: 127.0.0.1:3260,1\n\t\tIface Name: default\n' 0 1 2 3 >"$tmp/want"
check "-o nonpersistent -P 1 prints the tree" "$(cmp -s "$tmp/out" "$tmp/want"; echo $?)" \
	"$(diff "$tmp/want" "$tmp/out" | head -5)"
check "-o nonpersistent writes nothing" \
	"$(diff -r "$tmp/db.nonpersistent" "$ISCSI_ROOT/var/lib/iscsi" >/dev/null; echo $?)"

# Several ifaces: every portal on each.
"$adm" -m iface -I ifa -o new >/dev/null
start_fake --mode good --targets 1 --portals 1
discover -I default -I ifa -o nonpersistent -P 1
v=$(grep -c 'Iface Name' "$tmp/out")
check "-I twice: each portal once per iface" "$([ "$v" = 2 ]; echo $?)" "$(cat "$tmp/out")"
discover -I nosuchiface
check "-I of a missing iface: refused before connecting" \
	"$([ "$rc" != 0 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)" "rc=$rc $(cat "$tmp/err")"
kill "${fake_pids[-1]}" 2>/dev/null

# A large answer over many PDUs (C bit, F=0 and Target Transfer Tags).
start_fake --mode good --targets 2000 --portals 1 --chunk 1000
discover -o nonpersistent
expected_lines 2000 1 >"$tmp/want"
check "2,000 targets over 100+ PDUs" "$(cmp -s "$tmp/out" "$tmp/want"; echo $?)" \
	"rc=$rc $(head -c 300 "$tmp/err")"

# A target listed without TargetAddress is reached at the discovery portal.
start_fake --mode noaddr
discover -o nonpersistent
check "target without TargetAddress: the discovery portal, no TPGT" \
	"$([ "$(cat "$tmp/out")" = "127.0.0.1:$port,-1 iqn.2001-04.com.example:noaddr" ]; echo $?)" \
	"$(cat "$tmp/out" "$tmp/err")"

# ---- hostile targets: nothing may change ----
"$adm" -m node >"$tmp/nodes.before" 2>&1
hostile() { # hostile MODE CODE WHAT
	local mode=$1 want=$2 what=$3
	start_fake --mode "$mode" || return
	discover
	check "$mode ($what): exit $want" "$([ "$rc" = "$want" ]; echo $?)" "rc=$rc $(cat "$tmp/err")"
	check "$mode: one stderr line, nothing on stdout" \
		"$([ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^iscsiadm: ' "$tmp/err" && [ ! -s "$tmp/out" ]; echo $?)" \
		"$(cat "$tmp/err" "$tmp/out" | head -3)"
	check "$mode: stderr has no control characters" \
		"$(LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/err") && echo 1 || echo 0)"
	check "$mode: worker gone" "$(workers_left)"
	check "$mode: node records unchanged" \
		"$("$adm" -m node 2>&1 | cmp -s - "$tmp/nodes.before"; echo $?)"
	kill "${fake_pids[-1]}" 2>/dev/null
}
hostile malformed 1 "reserved bit in a Text Response"
hostile oversize 1 "DataSegmentLength of 16 MiB"
hostile endless 1 "C-bit continuations forever"
hostile slashname 1 "TargetName with '/'"
hostile ctlname 1 "TargetName with ESC"
hostile badaddr 1 "TargetAddress garbage"
hostile addrfirst 1 "TargetAddress before TargetName"
hostile reject 1 "Reject instead of an answer"
hostile closemid 4 "connection closed mid-PDU"
hostile loginfail 24 "login refused"
hostile slowloris 8 "one byte per second"

# Nobody listening: connection refused.
port=$(free_port)
discover
check "refused: exit 4 and one line" \
	"$([ "$rc" = 4 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'Connection refused' "$tmp/err"; echo $?)" \
	"rc=$rc $(cat "$tmp/err")"
check "refused: node records unchanged" \
	"$("$adm" -m node 2>&1 | cmp -s - "$tmp/nodes.before"; echo $?)"
"$adm" -m discovery -t st -p 'not a portal' >"$tmp/out" 2>"$tmp/err"
rc=$?
check "unparsable portal: exit 7 and one line" \
	"$([ "$rc" = 7 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; echo $?)" "rc=$rc $(cat "$tmp/err")"
exit 0
