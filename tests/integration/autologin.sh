#!/usr/bin/env bash
# iscsid's logins at start (monitor/autologin.h) on a kernel without
# iSCSI: every login iscsid starts fails at once with 12 and logs one
# line, so its log tells exactly which records it tried and how many
# times. A fake sysfs under $ISCSI_ROOT/sys holds sessions "left by an
# earlier iscsid", which iscsid takes over at start and counts. Checks:
# node.startup automatic (or node.conn[0].startup) records are tried,
# nr_sessions times less the sessions already up; manual and onboot ones
# are not, onboot only with --autologin naming it; --autologin=none tries
# nothing; leading-login records once per target; a restart with the
# sessions up tries none of theirs again. Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
name=autologin

for f in "$adm" "$build/iscsid" "$build/iscsi-worker"; do
	[ -x "$f" ] || { echo "ok - $name # SKIP ${f#"$build"/} not built in $build"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "ok - $name # SKIP needs root"; exit 0; }
if [ -d /sys/class/iscsi_transport ] || [ -d /sys/module/scsi_transport_iscsi ]; then
	echo "ok - $name # SKIP this kernel has iSCSI (tests/vm/lifecycle.sh covers it)"
	exit 0
fi

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/autologin.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT
mkdir -p "$ISCSI_ROOT/etc/iscsi"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:autologin" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
cat >"$ISCSI_ROOT/etc/iscsi/iscsid.conf" <<EOF
iscsid.max_workers = 2
node.startup = manual
EOF

check() { if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi; }

# A logged-in session as Linux 6.1 shows it (tests/integration/adm_login_fake.sh).
fake_session() { # SID HOST TARGET ADDR PORT IFACE
	local sid=$1 host=$2 dev=$ISCSI_ROOT/sys/devices/platform/host$2 s c
	s=$dev/session$sid/iscsi_session/session$sid
	c=$dev/session$sid/connection$sid:0/iscsi_connection/connection$sid:0
	mkdir -p "$s" "$c" "$dev/iscsi_host/host$host" "$dev/scsi_host/host$host" \
		"$ISCSI_ROOT/sys/class/iscsi_session" "$ISCSI_ROOT/sys/class/iscsi_connection" \
		"$ISCSI_ROOT/sys/class/iscsi_host" "$ISCSI_ROOT/sys/class/scsi_host" \
		"$ISCSI_ROOT/sys/class/iscsi_transport"
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

T=iqn.2001-05.com.example
record() { # TARGET-SUFFIX ADDR [KEY VALUE]...
	local t=$T:$1 p=$2
	shift 2
	"$adm" -m node -o new -T "$t" -p "$p" >/dev/null || echo "not ok - record $t $p"
	while [ $# -gt 1 ]; do
		"$adm" -m node -T "$t" -p "$p" -o update -n "$1" -v "$2" >/dev/null ||
			echo "not ok - record $t $p: $1 = $2"
		shift 2
	done
}
record auto1 127.0.0.1 node.startup automatic
record auto2 127.0.0.2 node.startup automatic node.session.nr_sessions 2
record manual 127.0.0.3
record onboot 127.0.0.4 node.startup onboot
record connauto 127.0.0.5 "node.conn[0].startup" automatic
record adopted 127.0.0.6 node.startup automatic
record adopted3 127.0.0.7 node.startup automatic node.session.nr_sessions 3
record lead 127.0.0.8 node.startup automatic node.leading_login Yes
record lead 127.0.0.9 node.startup automatic node.leading_login Yes
record leadup 127.0.1.1 node.startup automatic node.leading_login Yes
# Left by "an earlier iscsid": adopted's one session, one of adopted3's
# three, and one of leadup's target through another portal.
fake_session 1 1 "$T:adopted" 127.0.0.6 3260 default
fake_session 2 2 "$T:adopted3" 127.0.0.7 3260 default
fake_session 3 3 "$T:leadup" 127.0.1.2 3260 default

log=$ISCSI_ROOT/iscsid.log
# start_iscsid [ARGS...]: iscsid -f -d 1 with a fresh log. Its logins at
# start fail on the spot here, before it says it is ready.
start_iscsid() {
	: >"$log"
	"$build/iscsid" -f -d 1 "$@" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do grep -q "ready (pid" "$log" && break; sleep 0.05; done
	sleep 0.3
}
stop_iscsid() {
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
# tries TARGET-SUFFIX ADDR: login attempts iscsid logged for that record.
tries() { grep -c "login to $T:$1 at $2,3260: " "$log"; }

start_iscsid
check "iscsid takes over the sessions left in sysfs" \
	"$([ "$(grep -c 'was already up: taken over' "$log")" = 3 ]; echo $?)" "$(grep 'taken over' "$log")"
check "one line: 8 automatic records, 7 sessions to make" \
	"$(grep -q 'automatic login: 8 records with node.startup automatic, 7 sessions to make' "$log"; echo $?)" \
	"$(grep 'automatic login:' "$log" | head -3)"
want="auto1 127.0.0.1 1
auto2 127.0.0.2 2
manual 127.0.0.3 0
onboot 127.0.0.4 0
connauto 127.0.0.5 1
adopted 127.0.0.6 0
adopted3 127.0.0.7 2
lead 127.0.0.8 1
lead 127.0.0.9 0
leadup 127.0.1.1 0"
have=$(while read -r t a _; do echo "$t $a $(tries "$t" "$a")"; done <<<"$want")
check "each record tried nr_sessions times less its sessions up; manual, onboot, covered leading ones not" \
	"$([ "$have" = "$want" ]; echo $?)" "$(tr '\n' '|' <<<"$have")"
check "...every try failed with the kernel's reason (no iSCSI here)" \
	"$([ "$(grep -c 'login to .*iSCSI\|login to .*module' "$log")" = 7 ]; echo $?)" \
	"$(grep 'login to ' "$log" | head -3)"
check "a line per record: to make, or why not" \
	"$(grep -q "automatic login of $T:auto2 at 127.0.0.2,3260 (iface default): 2 sessions to make" "$log" &&
	   grep -q "automatic login of $T:adopted at 127.0.0.6,3260 (iface default): not needed, 1 of 1 session up" "$log" &&
	   grep -q "automatic login of $T:adopted3 at 127.0.0.7,3260 (iface default): 2 sessions to make" "$log" &&
	   grep -q "automatic login of $T:leadup at 127.0.1.1,3260 (iface default): not needed, leading login" "$log"
	   echo $?)" "$(grep 'automatic login of' "$log" | tr '\n' '|')"
check "the logins come before iscsid says it is ready, and it serves afterwards" \
	"$(grep -n 'automatic login:' "$log" | head -1 | cut -d: -f1 | {
		read -r a; b=$(grep -n 'ready (pid' "$log" | cut -d: -f1); [ "$a" -lt "$b" ]; } &&
	   "$adm" -m session >/dev/null; echo $?)"

# iscsi.service's "iscsiadm -m node -L automatic" beside it: records with
# their sessions are refused before iscsid is asked (15, as open-iscsi,
# which the unit takes for success), the others are logged in (12 here).
out=$("$adm" -m node -L automatic 2>&1)
rc=$?
check "-L automatic afterwards: 15 for the records that have their sessions" \
	"$([ $rc = 15 ] && grep -q "default: 1 session requested, but 1 already present." <<<"$out" &&
	   [ "$(grep -c 'Logging in to' <<<"$out")" = 8 ]; echo $?)" "exit $rc: $(tr '\n' '|' <<<"$out")"
stop_iscsid

start_iscsid --autologin=none
check "--autologin=none: nothing tried" \
	"$([ "$(grep -c 'login to ' "$log")" = 0 ] && ! grep -q 'automatic login' "$log"; echo $?)" \
	"$(grep 'login' "$log" | head -3)"
stop_iscsid

start_iscsid --autologin=automatic,onboot
check "--autologin=automatic,onboot: onboot records too" \
	"$([ "$(tries onboot 127.0.0.4)" = 1 ] && [ "$(tries auto2 127.0.0.2)" = 2 ] &&
	   grep -q 'automatic login: 9 records with node.startup automatic or onboot, 8 sessions to make' "$log"
	   echo $?)" "$(grep 'automatic login:' "$log")"
stop_iscsid

start_iscsid --autologin=onboot
check "--autologin=onboot: only onboot records" \
	"$([ "$(tries onboot 127.0.0.4)" = 1 ] && [ "$(grep -c 'login to ' "$log")" = 1 ]; echo $?)" \
	"$(grep 'login to ' "$log" | head -3)"
stop_iscsid

# A restart with every session up (as after iscsid -9 with its logins
# done): nothing is logged in twice.
fake_session 4 4 "$T:auto1" 127.0.0.1 3260 default
fake_session 5 5 "$T:auto2" 127.0.0.2 3260 default
fake_session 6 6 "$T:auto2" 127.0.0.2 3260 default
fake_session 7 7 "$T:connauto" 127.0.0.5 3260 default
fake_session 8 8 "$T:adopted3" 127.0.0.7 3260 default
fake_session 9 9 "$T:adopted3" 127.0.0.7 3260 default
fake_session 10 10 "$T:lead" 127.0.0.8 3260 default
start_iscsid
check "restart with the sessions up: 10 taken over, none logged in again" \
	"$([ "$(grep -c 'was already up: taken over' "$log")" = 10 ] &&
	   [ "$(grep -c 'login to ' "$log")" = 0 ] &&
	   grep -q 'automatic login: 8 records with node.startup automatic, 0 sessions to make' "$log"
	   echo $?)" "$(grep -E 'login' "$log" | head -4 | tr '\n' '|')"
stop_iscsid

# A record database iscsid cannot read: one line, iscsid still serves.
mv "$ISCSI_ROOT/var/lib/iscsi" "$ISCSI_ROOT/var/lib/iscsi.away"
echo garbage >"$ISCSI_ROOT/var/lib/iscsi"
start_iscsid
check "unreadable records: one error line, iscsid serves" \
	"$(grep -q 'automatic login: the node records could not be read' "$log" &&
	   "$adm" -m session >/dev/null 2>&1; echo $?)" "$(grep 'automatic' "$log")"
stop_iscsid
