#!/usr/bin/env bash
# iscsiadm's login, logout, rescan and stats end to end against
# tests/tools/fake_iscsid (the real control protocol, scripted answers)
# and a fake sysfs tree under $ISCSI_ROOT/sys, without a kernel: the
# lines and their order (open-iscsi 2.1.8's), the exit codes, and that
# requests for several records overlap. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm
fake=$build/tests/tools/fake_iscsid

if ! [ -x "$adm" ] || ! [ -x "$fake" ]; then
	echo "ok - adm_login_fake # SKIP iscsiadm or tests/tools/fake_iscsid not built in $build"
	exit 0
fi

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-admlogin.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$tmp"
fake_pid=
cleanup() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}
# expect NAME RC EXPECTED-RC EXPECTED-FILE: output in $tmp/out
expect() {
	if [ "$2" != "$3" ]; then
		check "$1" 1 "exit $2, expected $3: $(head -c 600 "$tmp/out")"
	elif ! diff -u "$4" "$tmp/out" >"$tmp/diff"; then
		check "$1" 1 "$(head -c 900 "$tmp/diff" | tr '\n' '|')"
	else
		check "$1" 0
	fi
}

start_fake() { # start_fake SCRIPT-TEXT
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	printf '%s\n' "$1" >"$tmp/script"
	"$fake" "$tmp/script" "$tmp/log" >"$tmp/ready" 2>"$tmp/fake.err" &
	fake_pid=$!
	for _ in $(seq 50); do
		grep -q ready "$tmp/ready" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "not ok - fake_iscsid did not start: $(cat "$tmp/fake.err")"
	exit 0
}

# A logged-in session as Linux 6.1 shows it (see tests/unit/test_ksys.c).
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

T=iqn.2001-05.com.example
for i in 1 2 3; do
	"$adm" -m node -o new -T "$T:t$i" -p "127.0.0.$i" >/dev/null || echo "not ok - record t$i"
done
rec() { echo "[iface: default, target: $T:t$1, portal: 127.0.0.$1,3260]"; }
ses() { echo "[sid: $1, target: $T:t$2, portal: 127.0.0.$2,3260]"; }

# ---- login of three records: parallel requests, results in record order
start_fake "login $T:t1 0 600
login $T:t2 8 100
login $T:t3 0 300"
t0=$(date +%s%N)
"$adm" -m node --login >"$tmp/out" 2>&1; rc=$?
elapsed=$((($(date +%s%N) - t0) / 1000000))
cat >"$tmp/want" <<EOT
Logging in to $(rec 1)
Logging in to $(rec 2)
Logging in to $(rec 3)
Login to $(rec 1) successful.
iscsiadm: Could not login to $(rec 2).
iscsiadm: initiator reported error (8 - connection timed out)
iscsiadm: fake_iscsid: scripted failure
Login to $(rec 3) successful.
iscsiadm: Could not log into all portals
EOT
expect "login: three records, one failure: lines in record order, exit 8" $rc 8 "$tmp/want"
first_ans=$(grep -n ' ANS ' "$tmp/log" | head -n1 | cut -d: -f1)
reqs_before=$(head -n $((first_ans - 1)) "$tmp/log" | grep -c ' REQ login ')
check "login: all three requests reached iscsid before the first answer" \
	"$([ "$reqs_before" = 3 ] && echo 0 || echo 1)" "$(tr '\n' '|' <"$tmp/log")"
check "login: took the longest login's time, not the sum (${elapsed} ms)" \
	"$([ "$elapsed" -lt 950 ] && echo 0 || echo 1)"

# ---- a session already there: refused before iscsid is asked, exit 15
fake_session 1 3 "$T:t1" 127.0.0.1 3260 default
start_fake "login $T:t2 0 0
login $T:t3 0 0"
"$adm" -m node -T "$T:t1" -p 127.0.0.1 --login >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "iscsiadm: default: 1 session requested, but 1 already present." \
	"iscsiadm: Could not log into all portals" >"$tmp/want"
expect "login: existing session is 15 with open-iscsi's line" $rc 15 "$tmp/want"
check "login: no LOGIN sent for an existing session" "$(grep -c REQ "$tmp/log" | grep -qx 0; echo $?)"

"$adm" -m node -L all >"$tmp/out" 2>&1; rc=$?
cat >"$tmp/want" <<EOT
iscsiadm: default: 1 session requested, but 1 already present.
Logging in to $(rec 2)
Logging in to $(rec 3)
Login to $(rec 2) successful.
Login to $(rec 3) successful.
iscsiadm: Could not log into all portals
EOT
expect "loginall: the refusal's 15 wins over later successes" $rc 15 "$tmp/want"

"$adm" -m node -L manual >/dev/null 2>&1; rc=$?
"$adm" -m node -o update -n node.startup -v automatic >/dev/null
"$adm" -m node -L onboot >"$tmp/out" 2>&1; rc2=$?
echo "iscsiadm: No records found" >"$tmp/want"
expect "loginall onboot: no onboot record is 21" $rc2 21 "$tmp/want"
"$adm" -m node -L bogus >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "iscsiadm: Invalid loginall option bogus." \
	"Try \`iscsiadm --help' for more information." >"$tmp/want"
expect "loginall: invalid mode is 7" $rc 7 "$tmp/want"

# ---- logout of two sessions: parallel, results in sid order, last failure's code
fake_session 2 4 "$T:t3" 127.0.0.3 3260 default
start_fake "logout 1 0 400
logout 2 10 50"
"$adm" -m node --logout >"$tmp/out" 2>&1; rc=$?
cat >"$tmp/want" <<EOT
Logging out of session $(ses 1 1)
Logging out of session $(ses 2 3)
Logout of $(ses 1 1) successful.
iscsiadm: Could not logout of $(ses 2 3).
iscsiadm: initiator reported error (10 - encountered iSCSI logout failure)
iscsiadm: fake_iscsid: scripted failure
iscsiadm: Could not logout of all requested sessions
EOT
expect "logout: two sessions, one failure, exit 10" $rc 10 "$tmp/want"
first_ans=$(grep -n ' ANS ' "$tmp/log" | head -n1 | cut -d: -f1)
check "logout: both requests reached iscsid before the first answer" \
	"$([ "$first_ans" = 3 ] && echo 0 || echo 1)" "$(tr '\n' '|' <"$tmp/log")"

"$adm" -m node -T "$T:t3" -p 127.0.0.3 -u >"$tmp/out" 2>&1; rc=$?
grep -qF "Logging out of session $(ses 2 3)" "$tmp/out" && ! grep -qF "sid: 1" "$tmp/out"
check "logout: -T -p selects only that record's session" $? "$(cat "$tmp/out")"
"$adm" -m node -T "$T:t2" -u >"$tmp/out" 2>&1; rc=$?
echo "iscsiadm: No matching sessions found" >"$tmp/want"
expect "logout: no matching session is 21" $rc 21 "$tmp/want"

# -U all never logs out an onboot record's session.
"$adm" -m node -T "$T:t1" -o update -n node.startup -v onboot >/dev/null
start_fake "logout 1 0 0
logout 2 0 0"
"$adm" -m node -U all >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging out of session $(ses 2 3)" "Logout of $(ses 2 3) successful." >"$tmp/want"
expect "logoutall: all skips onboot sessions" $rc 0 "$tmp/want"
# node.conn[0].startup selects as well as node.startup (t3 is still
# manual there), as in open-iscsi.
"$adm" -m node -U manual >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging out of session $(ses 2 3)" "Logout of $(ses 2 3) successful." >"$tmp/want"
expect "logoutall: manual matches node.conn[0].startup too" $rc 0 "$tmp/want"
"$adm" -m node -T "$T:t3" -o update -n "node.conn[0].startup" -v automatic >/dev/null
"$adm" -m node -U manual >"$tmp/out" 2>&1; rc=$?
echo "iscsiadm: No matching sessions found" >"$tmp/want"
expect "logoutall: manual with no manual record is 21" $rc 21 "$tmp/want"

# ---- session mode: logout by sid, rescan, stats
"$adm" -m session -r 2 -u >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging out of session $(ses 2 3)" "Logout of $(ses 2 3) successful." >"$tmp/want"
expect "session -r 2 -u" $rc 0 "$tmp/want"

start_fake "rescan 1 0
rescan 2 0
stat 1 0 txdata_octets 4096
stat 1 0 rxdata_octets 123
stat 1 0 noptx_pdus 2
stat 1 1 tx_sendpage_failures 0"
"$adm" -m session --rescan >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Rescanning session $(ses 1 1)" "Rescanning session $(ses 2 3)" >"$tmp/want"
expect "session --rescan: every session" $rc 0 "$tmp/want"
"$adm" -m session -r 1 -s >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Stats for session $(ses 1 1)" "iSCSI SNMP:" $'\ttxdata_octets: 4096' \
	$'\trxdata_octets: 123' $'\tnoptx_pdus: 2' "iSCSI Extended:" $'\ttx_sendpage_failures: 0' >"$tmp/want"
expect "session -r 1 -s: open-iscsi's stats block" $rc 0 "$tmp/want"
"$adm" -m node -T "$T:t3" -p 127.0.0.3 -s >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "iscsiadm: fake_iscsid: no such session" \
	"iscsiadm: Could not execute operation on all sessions: session not found" >"$tmp/want"
expect "node -s: a failed stats request" $rc 2 "$tmp/want"

# ---- more records than the window: every one logged in, in order
for i in $(seq 1 70); do
	"$adm" -m node -o new -T "$T:w$i" -p 127.0.1.1 >/dev/null
done
script=
for i in $(seq 1 70); do script+="login $T:w$i 0 $((300 - i * 3))"$'\n'; done
start_fake "$script"
"$adm" -m node -p 127.0.1.1 --login >"$tmp/out" 2>&1; rc=$?
{
	for i in $(seq 1 70); do echo "Logging in to [iface: default, target: $T:w$i, portal: 127.0.1.1,3260]"; done
	for i in $(seq 1 70); do echo "Login to [iface: default, target: $T:w$i, portal: 127.0.1.1,3260] successful."; done
} >"$tmp/want.unsorted"
# recdb_list sorts by target name: w1, w10, w11, ...
{ grep '^Logging' "$tmp/want.unsorted" | LC_ALL=C sort; grep '^Login' "$tmp/want.unsorted" | LC_ALL=C sort; } >"$tmp/want"
expect "login: 70 records through a window of 64, results in record order" $rc 0 "$tmp/want"
maxopen=0 open=0
while read -r _ what _; do
	case $what in REQ) open=$((open + 1)) ;; ANS) open=$((open - 1)) ;; esac
	[ $open -gt $maxopen ] && maxopen=$open
done <"$tmp/log"
check "login: at most 64 requests in flight (saw $maxopen)" "$([ "$maxopen" -le 64 ] && [ "$maxopen" -gt 32 ] && echo 0 || echo 1)"

# ---- nr_sessions 2: one LOGIN per missing session, "(multiple)" lines
M="[iface: default, target: $T:m, portal: 127.0.0.7,3260]"
"$adm" -m node -o new -T "$T:m" -p 127.0.0.7 >/dev/null
"$adm" -m node -T "$T:m" -p 127.0.0.7 -o update -n node.session.nr_sessions -v 2
start_fake "login $T:m 0 100"
"$adm" -m node -T "$T:m" -p 127.0.0.7 --login >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging in to $M (multiple)" "Logging in to $M (multiple)" \
	"Login to $M successful." "Login to $M successful." >"$tmp/want"
expect "login: nr_sessions 2, none up: two (multiple) logins" $rc 0 "$tmp/want"
check "...two LOGINs sent, neither asking for one more" \
	"$([ "$(grep -c " REQ login $T:m\$" "$tmp/log")" = 2 ]; echo $?)" "$(tr '\n' '|' <"$tmp/log")"
fake_session 3 5 "$T:m" 127.0.0.7 3260 default
seen=$(wc -l <"$tmp/log")
"$adm" -m node -T "$T:m" -p 127.0.0.7 --login >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging in to $M (multiple)" "Login to $M successful." >"$tmp/want"
expect "login: nr_sessions 2, one up: one (multiple) login" $rc 0 "$tmp/want"
check "...one LOGIN sent" "$([ "$(tail -n +$((seen + 1)) "$tmp/log" | grep -c " REQ login ")" = 1 ]; echo $?)"
fake_session 4 6 "$T:m" 127.0.0.7 3260 default
"$adm" -m node -T "$T:m" -p 127.0.0.7 --login >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "iscsiadm: default: 2 sessions requested, but 2 already present." \
	"iscsiadm: Could not log into all portals" >"$tmp/want"
expect "login: nr_sessions 2, two up: 15" $rc 15 "$tmp/want"
# -m session -r SID -o new: one more, asked as such.
seen=$(wc -l <"$tmp/log")
"$adm" -m session -r 4 -o new >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging in to $M (multiple)" "Login to $M successful." >"$tmp/want"
expect "session -r 4 -o new: one (multiple) login beyond nr_sessions" $rc 0 "$tmp/want"
tail -n +$((seen + 1)) "$tmp/log" >"$tmp/newlog"
check "...one LOGIN asking for one more" \
	"$([ "$(grep -c " REQ login $T:m new\$" "$tmp/newlog")" = 1 ] && [ "$(grep -c REQ "$tmp/newlog")" = 1 ]; echo $?)" \
	"$(tr '\n' '|' <"$tmp/newlog")"
start_fake "login $T:m 5 0"
"$adm" -m session -r 4 -o new >"$tmp/out" 2>&1; rc=$?
printf '%s\n' "Logging in to $M (multiple)" "iscsiadm: Could not login to $M." \
	"iscsiadm: initiator reported error (5 - encountered iSCSI login failure)" \
	"iscsiadm: fake_iscsid: scripted failure" "iscsiadm: Could not log into all portals" >"$tmp/want"
expect "session -o new: a failed login, open-iscsi's lines and its code" $rc 5 "$tmp/want"

# ---- no iscsid
kill "$fake_pid"; wait "$fake_pid" 2>/dev/null; fake_pid=
rm -f "$ISCSI_ROOT/run/iscsid/iscsid.sock"
"$adm" -m node -T "$T:t2" --login >"$tmp/out" 2>&1; rc=$?
cat >"$tmp/want" <<EOT
Logging in to $(rec 2)
iscsiadm: iscsid is not running (no listener at $ISCSI_ROOT/run/iscsid/iscsid.sock)
iscsiadm: Could not login to $(rec 2).
iscsiadm: initiator reported error (20 - could not connect to iscsid)
iscsiadm: Could not log into all portals
EOT
expect "login without iscsid is 20" $rc 20 "$tmp/want"
"$adm" -m session -r 1 -u >"$tmp/out" 2>&1; rc=$?
grep -qF "Could not logout of $(ses 1 1)." "$tmp/out" && grep -qF "No matching sessions found" "$tmp/out" &&
	[ $rc = 21 ]
check "logout without iscsid: the failure lines, then open-iscsi's 21" $? "rc $rc: $(tr '\n' '|' <"$tmp/out")"
