#!/usr/bin/env bash
# node.session.nr_sessions and -m session -r SID -o new through the real
# iscsid, on a kernel without iSCSI (each login iscsid starts fails with
# 12, after being counted as under way while it waits for a worker).
# With max_workers 1 and the one worker held by a discovery that hangs
# (tcp_sink), logins stay queued, so that:
#   - 4 iscsiadm -l at once for a record with nr_sessions 2 (8 LOGINs)
#     make exactly 2 login jobs; the other 6 are held by iscsid;
#   - once the record has its 2 sessions (fake sysfs) and the jobs end,
#     the 6 held ones are refused 15 with open-iscsi's line; only 2
#     logins were ever tried;
#   - iscsiadm sends one LOGIN per missing session, lines "(multiple)";
#   - -o new always gets one more, -o new without -r SID is 7.
# Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
probe=$build/tests/tools/ctl_probe
sink=$build/tests/tools/tcp_sink
name=login_limits

for f in "$adm" "$build/iscsid" "$build/iscsi-worker" "$probe" "$sink"; do
	[ -x "$f" ] || { echo "ok - $name # SKIP ${f#"$build"/} not built in $build"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "ok - $name # SKIP needs root"; exit 0; }
if [ -d /sys/class/iscsi_transport ] || [ -d /sys/module/scsi_transport_iscsi ]; then
	echo "ok - $name # SKIP this kernel has iSCSI (tests/vm/lifecycle.sh covers it)"
	exit 0
fi

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/login-limits.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$tmp" "$ISCSI_ROOT/etc/iscsi"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT
echo "InitiatorName=iqn.2005-03.org.open-iscsi:limits" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
cat >"$ISCSI_ROOT/etc/iscsi/iscsid.conf" <<EOF
iscsid.max_workers = 1
discovery.sendtargets.timeo.login_timeout = 30
EOF

check() { if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi; }
wait_for() { # wait_for SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.05
	done
}

# A logged-in session in sysfs (tests/integration/adm_login_fake.sh).
fake_session() { # SID HOST TARGET ADDR PORT IFACE
	local sid=$1 host=$2 dev=$ISCSI_ROOT/sys/devices/platform/host$2 s c
	s=$dev/session$sid/iscsi_session/session$sid
	c=$dev/session$sid/connection$sid:0/iscsi_connection/connection$sid:0
	mkdir -p "$s" "$c" "$dev/iscsi_host/host$host" "$dev/scsi_host/host$host" \
		"$ISCSI_ROOT/sys/class/iscsi_session" "$ISCSI_ROOT/sys/class/iscsi_connection" \
		"$ISCSI_ROOT/sys/class/iscsi_host" "$ISCSI_ROOT/sys/class/scsi_host"
	echo "$3" >"$s/targetname"; echo 1 >"$s/tpgt"; echo LOGGED_IN >"$s/state"
	echo "$6" >"$s/ifacename"
	echo "$4" >"$c/address"; echo "$5" >"$c/port"
	echo "$4" >"$c/persistent_address"; echo "$5" >"$c/persistent_port"; echo up >"$c/state"
	echo running >"$dev/scsi_host/host$host/state"
	ln -sfn "../../../session$sid" "$s/device"
	ln -sfn "../../devices/platform/host$host/session$sid/iscsi_session/session$sid" \
		"$ISCSI_ROOT/sys/class/iscsi_session/session$sid"
	ln -sfn "../../devices/platform/host$host/session$sid/connection$sid:0/iscsi_connection/connection$sid:0" \
		"$ISCSI_ROOT/sys/class/iscsi_connection/connection$sid:0"
	ln -sfn "../../devices/platform/host$host/iscsi_host/host$host" "$ISCSI_ROOT/sys/class/iscsi_host/host$host"
	ln -sfn "../../devices/platform/host$host/scsi_host/host$host" "$ISCSI_ROOT/sys/class/scsi_host/host$host"
}

T=iqn.2001-05.com.example:multi
R="[iface: default, target: $T, portal: 127.0.0.1,3260]"
"$adm" -m node -o new -T $T -p 127.0.0.1 >/dev/null &&
	"$adm" -m node -T $T -p 127.0.0.1 -o update -n node.session.nr_sessions -v 2
check "a record with nr_sessions 2" $?

log=$tmp/iscsid.log
"$build/iscsid" -f -d 1 >"$log" 2>&1 &
pids+=($!)
wait_for 10 test -S "$ISCSI_ROOT/run/iscsid/iscsid.sock"
check "iscsid starts" $? "$(tail -3 "$log")"

# The one worker is taken by a discovery that hangs.
"$sink" >"$tmp/sinkport" &
sink_pid=$!
pids+=($sink_pid)
wait_for 5 test -s "$tmp/sinkport"
"$probe" discovery "127.0.0.1:$(cat "$tmp/sinkport")" >"$tmp/disc.out" 2>&1 &
pids+=($!)
wait_for 10 bash -c "'$probe' status | grep -q 'role=discovery state=running'"
check "a discovery holds the only worker" $? "$("$probe" status 2>&1 | tr '\n' '|')"

# ---- 4 iscsiadm -l at once: 8 LOGINs, 2 jobs, 6 held
apids=()
for i in 1 2 3 4; do
	"$adm" -m node -T $T -p 127.0.0.1 -l >"$tmp/l$i.out" 2>&1 &
	apids+=($!)
done
wait_for 20 bash -c "[ \$(grep -c ' waits: ' '$log') -ge 6 ]"
check "6 of the 8 LOGINs are held" \
	"$([ "$(grep -c " waits: " "$log")" = 6 ]; echo $?)" "$(grep ' waits: ' "$log" | head -2)"
status=$("$probe" status)
check "exactly 2 login jobs for the record, queued" \
	"$([ "$(grep -c "role=login state=queued job=$T 127.0.0.1,3260" <<<"$status")" = 2 ] &&
	   [ "$(grep -c 'role=login' <<<"$status")" = 2 ]; echo $?)" "$(tr '\n' '|' <<<"$status")"
check "each iscsiadm printed two (multiple) login lines" \
	"$(for i in 1 2 3 4; do [ "$(grep -cxF "Logging in to $R (multiple)" "$tmp/l$i.out")" = 2 ] || exit 1; done; echo 0)" \
	"$(cat "$tmp/l1.out")"

# The record gets its two sessions (as if those logins had made them),
# then the worker is freed: the 2 queued logins run (and fail, 12, no
# kernel), and the 6 held LOGINs are refused, 15.
fake_session 1 1 $T 127.0.0.1 3260 default
fake_session 2 2 $T 127.0.0.1 3260 default
kill "$sink_pid"
fails=0
for p in "${apids[@]}"; do
	wait "$p"
	rc=$?
	[ $rc = 12 ] || [ $rc = 15 ] || fails=$((fails + 1))
done
check "every iscsiadm ends, with 12 or 15" "$([ $fails = 0 ]; echo $?)" "$(cat "$tmp"/l*.out | tail -5)"
all=$(cat "$tmp"/l*.out)
check "2 logins failed with the kernel's 12, 6 were refused 15" \
	"$([ "$(grep -c 'initiator reported error (12 ' <<<"$all")" = 2 ] &&
	   [ "$(grep -c 'initiator reported error (15 - session exists)' <<<"$all")" = 6 ] &&
	   [ "$(grep -cxF "iscsiadm: default: 2 sessions requested, but 2 already present." <<<"$all")" = 6 ]
	   echo $?)" "$(tr '\n' '|' <<<"$all" | head -c 1500)"
check "iscsid tried to log in twice in all" \
	"$([ "$(grep -c "login to $T at 127.0.0.1,3260: " "$log")" = 2 ]; echo $?)" \
	"$(grep "login to $T" "$log" | tr '\n' '|')"
check "iscsid logged the 6 refusals" \
	"$([ "$(grep -c "login to $T at 127.0.0.1,3260 refused: 2 of 2 sessions present" "$log")" = 6 ]; echo $?)"
out=$("$probe" status)
check "nothing left queued or held" "$(grep -q 'live=0 queued=0' <<<"$out"; echo $?)" "$out"

# ---- iscsiadm itself: the record has its sessions
reqs=$(grep -c 'control: login request' "$log")
out=$("$adm" -m node -T $T -p 127.0.0.1 -l 2>&1)
rc=$?
check "-l with 2 of 2 sessions: 15, open-iscsi's line, iscsid not asked" \
	"$([ $rc = 15 ] && [ "$out" = "iscsiadm: default: 2 sessions requested, but 2 already present.
iscsiadm: Could not log into all portals" ] && [ "$(grep -c 'control: login request' "$log")" = "$reqs" ]
	   echo $?)" "exit $rc: $out"

# One session of two: one LOGIN, one "(multiple)" line.
rm -f "$ISCSI_ROOT/sys/class/iscsi_session/session2"
out=$("$adm" -m node -T $T -p 127.0.0.1 -l 2>&1)
rc=$?
check "-l with 1 of 2 sessions: one login asked for" \
	"$([ $rc = 12 ] && [ "$(grep -c "^Logging in to" <<<"$out")" = 1 ] &&
	   grep -qxF "Logging in to $R (multiple)" <<<"$out" &&
	   [ "$(grep -c 'control: login request' "$log")" = $((reqs + 1)) ]; echo $?)" "exit $rc: $out"

# ---- -o new: one more, whatever nr_sessions says
fake_session 2 2 $T 127.0.0.1 3260 default
tries=$(grep -c "login to $T at 127.0.0.1,3260: " "$log")
out=$("$adm" -m session -r 1 -o new 2>&1)
rc=$?
first=$(head -n 1 <<<"$out")
check "-m session -r 1 -o new with 2 of 2: one (multiple) login, not refused" \
	"$([ $rc = 12 ] && [ "$first" = "Logging in to $R (multiple)" ] &&
	   grep -qxF "iscsiadm: Could not login to $R." <<<"$out" &&
	   [ "$(tail -n 1 <<<"$out")" = "iscsiadm: Could not log into all portals" ] &&
	   [ "$(grep -c "login to $T at 127.0.0.1,3260: " "$log")" = $((tries + 1)) ]; echo $?)" \
	"exit $rc: $(tr '\n' '|' <<<"$out")"
out=$("$adm" -m session -o new 2>&1)
rc=$?
check "-o new without -r is 7" \
	"$([ $rc = 7 ] && [ "$out" = "iscsiadm: session mode: Operation 'new' only allowed with specific session IDs" ]
	   echo $?)" "exit $rc: $out"
out=$("$adm" -m session -r 77 -o new 2>&1)
rc=$?
check "-o new of a session that does not exist is 22" "$([ $rc = 22 ]; echo $?)" "exit $rc: $out"
out=$("$adm" -m session -r 1 -o new -u 2>&1)
rc=$?
check "-o new with --logout is 7" "$([ $rc = 7 ]; echo $?)" "exit $rc: $out"
"$adm" -m node -o new -T iqn.2001-05.com.example:other -p 127.0.0.5 >/dev/null
fake_session 3 3 iqn.2001-05.com.example:gone 127.0.0.9 3260 default
out=$("$adm" -m session -r 3 -o new 2>&1)
rc=$?
check "-o new of a session without a record: No records found, 21" \
	"$([ $rc = 21 ] && [ "$out" = "iscsiadm: No records found" ]; echo $?)" "exit $rc: $out"
