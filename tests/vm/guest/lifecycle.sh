# Guest side of tests/vm/lifecycle.sh: issue 7's session lifecycle with
# our initiator (iscsid -d 1, iscsiadm, iscsi-worker) against tgtd on the
# guest's loopback, targets 1..3 (8 MiB each), static records:
#   target1  node.startup automatic, nr_sessions 1
#   target2  node.startup automatic, nr_sessions 2
#   target3  manual (nr_sessions 2 later, for the concurrent logins)
# Checked: iscsid's logins at start (target1 once, target2 twice, target3
# not); -L automatic beside them (15, no session more); -l of a record
# with its sessions (15); -o new (one more); 4 iscsiadm -l at once for
# nr_sessions 2 (exactly 2 sessions); the sessions of one record differ
# in ISID (tgtd keeps both, as two I_T nexuses); iscsid killed with -9
# and started again finds every session and logs none in twice, and I/O
# goes on through them; iscsi.service's race (iscsiadm -L automatic right
# after iscsid starts) waits for iscsid's own logins and adds nothing.
# shellcheck source=lib.sh
. /guest/lib.sh

portal=127.0.0.1:$TGT_PORT
t1=$(tgt_iqn 1)
t2=$(tgt_iqn 2)
t3=$(tgt_iqn 3)
log=/tmp/iscsid-ours.log
OURS_ISCSID_ARGS=${OURS_ISCSID_ARGS:--d 1}
INITIATOR=ours

cleanup() {
	adm -m node -U all >/dev/null 2>&1
	init_stop
	tgt_stop
}

give_up() {
	diag "giving up after: $1"
	diag "iscsid's log, last lines:"
	tail -n 30 "$log" | sed 's/^/#   /'
	cleanup
	tap_done
	exit
}

# sessions_to IQN: how many sessions the kernel has to IQN.
sessions_to() {
	local s t n=0
	for s in /sys/class/iscsi_session/session*; do
		read -r t 2>/dev/null <"$s/targetname" || continue
		[ "$t" = "$1" ] && n=$((n + 1))
	done
	echo $n
}

# all_logged_in: every session the kernel has is LOGGED_IN.
all_logged_in() {
	local s st
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		read -r st <"$s/state" || return 1
		[ "$st" = LOGGED_IN ] || return 1
	done
}

# counts: "t1 t2 t3" session counts.
counts() { echo "$(sessions_to "$t1") $(sessions_to "$t2") $(sessions_to "$t3")"; }

# tgt_nexuses TID: I_T nexuses (sessions) tgtd has on target TID.
tgt_nexuses() {
	tgtadm --lld iscsi --op show --mode target 2>/dev/null |
		awk -v t="Target $1:" '/^Target [0-9]+:/ { inside = index($0, t) == 1 }
			inside && /I_T nexus: [0-9]+$/ { n++ } END { print n + 0 }'
}

# start_ours: iscsid with a fresh socket (a killed one leaves its file).
start_ours() {
	rm -f /run/iscsid/iscsid.sock
	: >"$log"
	init_start
}

# expect_rc NAME WANT CMD...: ok when CMD exits WANT; output in $rc_out.
rc_out=/tmp/expect_rc.out
expect_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$rc_out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		tap_ok "$name"
		return 0
	fi
	tap_fail "$name" "exit $rc, want $want: $(tr '\n' '|' <"$rc_out")"
	return 1
}

tap_check "kernel iSCSI modules load" vm_load_modules || give_up "modules"
tap_check "tgtd serves target1..3" tgt_start 8 8 8 || give_up "tgtd"
mkdir -p /etc/iscsi /var/lib/iscsi
for t in "$t1" "$t2" "$t3"; do
	adm -m node -o new -T "$t" -p "$portal" >/dev/null || give_up "record $t"
done
adm -m node -T "$t1" -p "$portal" -o update -n node.startup -v automatic &&
	adm -m node -T "$t2" -p "$portal" -o update -n node.startup -v automatic &&
	adm -m node -T "$t2" -p "$portal" -o update -n node.session.nr_sessions -v 2 ||
	give_up "record settings"

# ---- logins at start ------------------------------------------------------
tap_check "iscsid starts" start_ours || give_up "iscsid"
if wait_for 60 eval '[ "$(counts)" = "1 2 0" ] && all_logged_in'; then
	tap_ok "iscsid logs in the automatic records at start: target1 once, target2 twice"
else
	tap_fail "iscsid logs in the automatic records at start" "sessions: $(counts); $(grep 'login' "$log" | tail -5 | tr '\n' '|')"
fi
tap_check "its log says what it started" \
	grep -q "automatic login: 2 records with node.startup automatic, 3 sessions to make" "$log"
sleep 2
if [ "$(tgt_nexuses 2)" = 2 ] && [ "$(sessions_to "$t2")" = 2 ]; then
	tap_ok "tgtd keeps both sessions of target2 (their ISIDs differ)"
else
	tap_fail "tgtd keeps both sessions of target2" "tgtd nexuses $(tgt_nexuses 2), kernel $(sessions_to "$t2")"
fi

expect_rc "-L automatic afterwards: 15 (sessions present)" 15 adm -m node -L automatic
tap_check "...and no session more" eval '[ "$(counts)" = "1 2 0" ]'
expect_rc "-l of target2 with its 2 sessions: 15" 15 adm -m node -T "$t2" -p "$portal" -l
tap_check "...open-iscsi's line" grep -qx "iscsiadm: default: 2 sessions requested, but 2 already present." "$rc_out"

# ---- -o new -----------------------------------------------------------------
sid1=$(session_sid "$t1")
expect_rc "-m session -r $sid1 -o new" 0 adm -m session -r "$sid1" -o new
tap_check "...prints open-iscsi's lines" eval \
	'[ "$(cat "$rc_out")" = "Logging in to [iface: default, target: $t1, portal: 127.0.0.1,$TGT_PORT] (multiple)
Login to [iface: default, target: $t1, portal: 127.0.0.1,$TGT_PORT] successful." ]'
tap_check "...target1 has 2 sessions now" eval '[ "$(sessions_to "$t1")" = 2 ] && all_logged_in'

# ---- iscsiadm calls at once never make more than nr_sessions ---------------
adm -m node -T "$t3" -p "$portal" -o update -n node.session.nr_sessions -v 2
pids=()
for i in 1 2 3 4; do
	adm -m node -T "$t3" -p "$portal" -l >"/tmp/par$i.out" 2>&1 &
	pids+=($!)
done
rcs=
for p in "${pids[@]}"; do
	wait "$p"
	rcs+=" $?"
done
if [ "$(sessions_to "$t3")" = 2 ]; then
	tap_ok "4 iscsiadm -l at once, nr_sessions 2: exactly 2 sessions (exits:$rcs)"
else
	tap_fail "4 iscsiadm -l at once, nr_sessions 2" "$(sessions_to "$t3") sessions; exits:$rcs; $(cat /tmp/par1.out | tr '\n' '|')"
fi
bad=0
for r in $rcs; do [ "$r" = 0 ] || [ "$r" = 15 ] || bad=1; done
tap_check "...each exits 0 or 15" test $bad = 0
sleep 1
tap_check "...tgtd has 2 sessions of target3" eval '[ "$(tgt_nexuses 3)" = 2 ]'

# ---- iscsid killed with -9, started again ----------------------------------
before=$(counts)
kill -KILL "$init_pid"
wait "$init_pid" 2>/dev/null
init_pid=
tap_check "iscsid started again after kill -9" start_ours || give_up "restart"
sleep 3
tap_check "it takes over the 6 sessions" eval '[ "$(grep -c "was already up: taken over" "$log")" = 6 ]'
tap_check "...logs none of them in again" \
	grep -q "automatic login: 2 records with node.startup automatic, 0 sessions to make" "$log"
tap_check "...the kernel's sessions are the same" eval '[ "$(counts)" = "$before" ] && all_logged_in'
disk=$(session_disk "$t1")
if [ -n "$disk" ] && dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2>/dev/null &&
	dd if=/tmp/pat of="/dev/$disk" bs=64k oflag=direct 2>/dev/null &&
	[ "$(dd if="/dev/$disk" bs=64k count=16 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum </tmp/pat)" ]; then
	tap_ok "I/O through target1's session after the restart"
else
	tap_fail "I/O through target1's session after the restart" "disk '$disk'"
fi
expect_rc "-U all logs everything out" 0 adm -m node -U all
tap_check "...no session left" eval '[ "$(session_count)" = 0 ]'

# ---- iscsi.service's race ---------------------------------------------------
init_stop
tap_check "iscsid started with no session up" start_ours || give_up "restart"
expect_rc "-L automatic right after the start: waits for iscsid's logins, 15" 15 \
	adm -m node -L automatic
tap_check "...the sessions were up when it returned, none twice" eval '[ "$(counts)" = "1 2 0" ]'
sleep 2
tap_check "...and stay so" eval '[ "$(counts)" = "1 2 0" ] && all_logged_in'
if grep -q " waits: " "$log"; then
	tap_ok "...iscsid held its LOGINs while its own logins ran"
else
	tap_skip "...iscsid held its LOGINs while its own logins ran" \
		"its logins were done before iscsiadm asked: nothing to hold this run"
fi

cleanup
tap_done
