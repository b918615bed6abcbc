# Guest side of tests/vm/async.sh: Asynchronous Messages from a scripted
# target (async_target) to a session the kernel carries, iscsid (ours)
# acting on them. node.session.scan = manual, so the kernel sends the
# target nothing but NOP-Out pings and the target needs no SCSI.
#
# The target's plan, one word per connection:
#   1 logout:5   AsyncEvent 1: iscsid sends a Logout Request (close the
#                session), the target answers and closes; iscsid logs in
#                again DefaultTime2Wait (3 s, the record's) later, same ISID
#   2 drop:4     AsyncEvent 2 with Time2Wait 4, the target closes: the
#                next login no sooner than 4 s later
#   3 reneg:3    AsyncEvent 4: iscsid drops the connection and logs in
#                again (open-iscsi's answer)
#   4 events     AsyncEvent 0 (UNIT ATTENTION 3F/0E), 255, and a reserved
#                7: logged (no rescan: scan is manual), the last refused
#                by the worker; the session stays
# then an administrator's logout ends it.
# shellcheck source=lib.sh
. /guest/lib.sh

INITIATOR=ours
port=3270
iqn=iqn.2024-01.test.vm:async
portal=127.0.0.1:$port
tlog=/tmp/async-target.log
ilog=/tmp/iscsid-ours.log
target_pid=

give_up() {
	diag "giving up after: $1"
	adm -m node -U all >/dev/null 2>&1
	[ -z "$target_pid" ] || kill "$target_pid" 2>/dev/null
	init_stop
	diag "target log: $(cat "$tlog" 2>/dev/null)"
	diag "iscsid log: $(tail -40 "$ilog" 2>/dev/null)"
	tap_done
	exit
}

# login_line N: the target's line for login N, without its time.
login_line() {
	awk -v n="$1" '$2 == "login" && $3 == n { $1 = ""; sub(/^ /, ""); print; exit }' "$tlog"
}
# tms WHAT: the target's milliseconds at its line "WHAT" (first match).
tms() {
	awk -v w="$*" '{ t = $1; $1 = ""; sub(/^ /, ""); if ($0 == w) { print t; exit } }' "$tlog"
}
ilog_has() { grep -qF -- "$1" "$ilog"; }
# gap_between NAME FROM TO MIN MAX: the target saw TO between MIN and MAX
# ms after FROM.
gap_between() {
	local a b
	a=$(tms "$2")
	b=$(tms "$3")
	if [ -z "$a" ] || [ -z "$b" ]; then
		tap_fail "$1" "no '$2' or '$3' in the target's log"
	elif [ $((b - a)) -ge "$4" ] && [ $((b - a)) -le "$5" ]; then
		tap_ok "$1 ($((b - a)) ms)"
	else
		tap_fail "$1" "$((b - a)) ms, not within $4..$5"
	fi
}

tap_check "kernel iSCSI modules load" vm_load_modules || give_up "modules"
tap_check "our iscsid starts" init_start || give_up "iscsid"
"$OURS_SBIN/async_target" --port $port --plan logout:5,drop:4,reneg:3,events --log "$tlog" >/tmp/async-port 2>/tmp/async-target.err &
target_pid=$!
tap_check "the scripted target listens on $portal" wait_for 10 tcp_listening $port || give_up "target"

tap_check "a static record: scan manual, DefaultTime2Wait 3" \
	sh -c "$OURS_SBIN/iscsiadm -m node -o new -T $iqn -p $portal &&
	       $OURS_SBIN/iscsiadm -m node -T $iqn -p $portal -o update -n node.session.scan -v manual &&
	       $OURS_SBIN/iscsiadm -m node -T $iqn -p $portal -o update \
			-n node.session.iscsi.DefaultTime2Wait -v 3" ||
	give_up "record"
tap_check "login" adm -m node -T $iqn -p $portal -l || give_up "login"
sid=$(session_sid $iqn) || give_up "no session in sysfs"
diag "session $sid"

# The whole plan: three recoveries (3 + 4 + 3 s of Time2Wait, a second of
# waiting before each event) and the three last events.
if ! wait_for 60 grep -q "^[0-9]* async 4 7$" "$tlog"; then
	give_up "the target's plan did not get to its last event"
fi
sleep 2

# --- 1: the logout the target asked for ---
gap_between "logout request: iscsid's Logout Request follows the event" \
	"async 1 1" "logout 1 reason 0" 0 1500
tap_check "logout request: iscsid says so, naming the session" \
	ilog_has "session $sid to $iqn at $portal: target requests a logout within 5 s; logging out, then in again"
tap_check "logout request: the Logout Response seen (decoded by a worker)" \
	ilog_has "session $sid: target answered the logout it requested (closed successfully)"
gap_between "logout request: logged in again after DefaultTime2Wait (3 s)" \
	"closed 1" "$(login_line 2)" 2800 9000

# --- 2: a connection drop with Time2Wait 4 ---
tap_check "connection drop: iscsid logs the event's times" \
	ilog_has "session $sid: target will drop the connection (Time2Wait 4 s, Time2Retain 20 s)"
gap_between "connection drop: logged in again no sooner than its Time2Wait (4 s)" \
	"closed 2" "$(login_line 3)" 3800 10000

# --- 3: a renegotiation request: reconnect ---
tap_check "renegotiation: iscsid says it reconnects" \
	ilog_has "session $sid: target requests a parameter renegotiation within 3 s, which iscsid does not do on a live connection; reconnecting"
gap_between "renegotiation: iscsid dropped the connection at once" "async 3 4" "closed 3" 0 2500
gap_between "renegotiation: logged in again after DefaultTime2Wait (3 s)" "closed 3" \
	"$(login_line 4)" 2800 9000

# --- 4: events that change nothing ---
tap_check "SCSI event: sense decoded, no rescan with scan = manual" \
	ilog_has "session $sid: target reports a SCSI event: sense key 0x6, ASC/ASCQ 0x3f/0x0e; no rescan (node.session.scan = manual)"
tap_check "vendor-specific event: logged and ignored" \
	ilog_has "session $sid: target sent a vendor-specific event (AsyncVCode 0x42, 0 bytes of data); ignored"
tap_check "reserved event: refused by the worker, ignored" \
	ilog_has "session $sid: malformed PDU from the target ignored: Asynchronous Message: reserved code value in header field"

# --- the same session throughout, nothing left behind ---
isids=$(awk '$2 == "login" { print $5 }' "$tlog" | sort -u | wc -l)
logins=$(awk '$2 == "login"' "$tlog" | wc -l)
tap_check "four logins, one ISID, each a reinstatement (TSIH 0)" \
	test "$logins $isids $(awk '$2 == "login" && $9 != 0' "$tlog" | wc -l)" = "4 1 0"
tap_check "the kernel's session is the same and logged in" \
	test "$(session_sid $iqn) $(session_state "$sid") $(session_count)" = "$sid LOGGED_IN 1"
tap_check "no worker killed, no PDU left unexamined" \
	sh -c "! grep -E 'not examined|worker .* killed|dropped unexamined' $ilog"
tap_check "no worker process left" \
	sh -c "! grep -lx iscsi-worker /proc/[0-9]*/comm 2>/dev/null"
tap_check "the target got nothing but pings and logouts" \
	sh -c "! grep -q unexpected $tlog"

tap_check "an administrator's logout" adm -m node -T $iqn -p $portal -u
tap_check "it reached the target as a Logout Request" \
	wait_for 10 grep -q "^[0-9]* logout 4 reason 0$" "$tlog"
tap_check "no session left" test "$(session_count)" = 0
tap_check "the target's plan ran to its end" wait_for 10 pid_exited "$target_pid"
target_pid=
tap_check "our iscsid still runs and stops cleanly" init_stop
diag "target log: $(tr '\n' '|' <"$tlog")"
diag "iscsid's lines about the session: $(grep -F "session $sid" "$ilog")"
tap_done
