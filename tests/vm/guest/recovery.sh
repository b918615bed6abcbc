# Guest side of tests/vm/recovery.sh: issue 7's recovery cases, one boot,
# with the initiator lib.sh's INITIATOR names (ref: Debian's open-iscsi
# 2.1.8, which proves the set-up; ours: the project's programs). The
# expectations are the kernel's and open-iscsi's documented behaviour.
#
#   - a writer loops over target1 (DISK_MIB) in 1 MiB O_DIRECT chunks, two
#     random patterns by turns, and reads every pass back, while FAULTS
#     faults hit the session one after another: tgtd drops the connection
#     (tgtadm delete conn), tgtd is killed with SIGKILL and started again,
#     loopback goes down for CUT_LONG or CUT_SHORT seconds. After each, IO
#     must flow again (the writer makes progress); then the whole disk is
#     read back through the kernel and from tgtd's backing file: identical
#     to what the writer last wrote, chunk by chunk; logout leaves nothing;
#   - replacement_timeout 0, 5 and -1 reach the kernel (recovery_tmo) and
#     behave as documented with tgtd down: IO fails at once, fails after
#     about 5 s, or waits until the target is back;
#   - a portal nobody listens on: login gives up after
#     initial_login_retry_max x login_timeout with exit code 8.
# shellcheck source=lib.sh
. /guest/lib.sh

FAULTS=${RECOVERY_FAULTS:-50}
CUT_LONG=5       # longer than noop_out_interval + noop_out_timeout
CUT_SHORT=1      # TCP alone rides over it
DISK_MIB=16
portal=127.0.0.1:$TGT_PORT
down_portal=127.0.0.1:$((TGT_PORT + 1))     # nothing listens there
iqn=$(tgt_iqn 1)
R=/tmp/rec
mkdir -p "$R"
t0=$(now)
step_t=$t0
writer_pid=

step() {
	diag "---- $1 (previous step: $(since "$step_t")s)"
	step_t=$(now)
}

cleanup() {
	[ -z "$writer_pid" ] || { touch "$R/stop"; wait_for 20 pid_exited "$writer_pid"; }
	adm_within 30 -m node -U all >/dev/null 2>&1
	scsi_offline_all
	init_stop
	tgt_stop
}

give_up() {
	diag "giving up after: $1"
	cleanup
	tap_done
	exit
}

init_log() {
	case $INITIATOR in
	ref) echo /tmp/ref-iscsid.log ;;
	ours) echo /tmp/iscsid-ours.log ;;
	esac
}

set_node() {
	adm -m node -T "$iqn" -p "$portal" -o update -n "$1" -v "$2"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

# io_lines: how many chunk IOs (writes and verify reads) the writer finished.
io_lines() {
	wc -l <"$R/io"
}

io_past() {
	[ "$(io_lines)" -ge "$1" ]
}

# probe_read DISK: one 4 KiB O_DIRECT read of DISK succeeds.
probe_read() {
	dd if="/dev/$1" of=/dev/null bs=4k count=1 skip=100 iflag=direct 2>/dev/null
}

# past T: the clock has passed T (seconds since boot).
past() {
	awk -v t="$1" -v n="$(now)" 'BEGIN { exit !(n >= t) }'
}

# io_within SECONDS DISK: a 4 KiB O_DIRECT read of DISK succeeds within
# SECONDS. A read that fails is tried again; one that hangs (a session
# that never comes back) is left behind rather than holding the test.
io_within() {
	local end rc
	end=$(awk -v n="$(now)" -v s="$1" 'BEGIN { printf "%.2f", n + s }')
	while :; do
		rm -f "$R/io_probe"
		(probe_read "$2"; echo $? >"$R/io_probe") &
		until read -r rc 2>/dev/null <"$R/io_probe" && [ -n "$rc" ]; do
			past "$end" && return 1
			sleep 0.1
		done
		[ "$rc" -eq 0 ] && return 0
		past "$end" && return 1
		sleep 0.5
	done
}

# login_disk: logs in to target1; sets disk and sid.
login_disk() {
	adm -m node -T "$iqn" -p "$portal" --login >/tmp/rec-login.out 2>&1 || {
		cat /tmp/rec-login.out
		return 1
	}
	wait_for 30 session_disk "$iqn" || { echo "no disk after 30 s"; return 1; }
	disk=$(session_disk "$iqn")
	sid=$(session_sid "$iqn")
}

logout_clean() {
	adm_within 60 -m node -T "$iqn" -p "$portal" --logout >/tmp/rec-logout.out 2>&1 || {
		cat /tmp/rec-logout.out
		return 1
	}
	wait_for 30 test "$(session_count)" -eq 0 || { echo "sessions left: $(session_count)"; return 1; }
	wait_for 10 test ! -e "/sys/block/$disk" || { echo "/dev/$disk still there"; return 1; }
}

# writer: pass p writes pattern p % 2 over the disk chunk by chunk
# ("p i" into written once chunk i is on the target), then reads the disk
# back chunk by chunk and compares it with the pattern. Every chunk IO
# done adds a line to io. A failed IO is noted and retried.
writer() {
	local pass=0 i src sum
	while :; do
		src=$R/pat$((pass % 2))
		for ((i = 0; i < DISK_MIB; i++)); do
			[ -e "$R/stop" ] && return 0
			until dd if="$src" of="/dev/$disk" bs=1M skip=$i seek=$i count=1 \
				oflag=direct conv=notrunc 2>>"$R/dd.err"; do
				echo "$(now) pass $pass chunk $i: write failed" >>"$R/io_errors"
				[ -e "$R/stop" ] && return 0
				sleep 0.5
			done
			echo "$pass $i" >>"$R/written"
			echo w >>"$R/io"
		done
		for ((i = 0; i < DISK_MIB; i++)); do
			[ -e "$R/stop" ] && return 0
			until dd if="/dev/$disk" of="$R/pass_read" bs=1M skip=$i seek=$i count=1 \
				iflag=direct conv=notrunc 2>>"$R/dd.err"; do
				echo "$(now) pass $pass chunk $i: read failed" >>"$R/io_errors"
				[ -e "$R/stop" ] && return 0
				sleep 0.5
			done
			echo r >>"$R/io"
		done
		sum=$(md5sum <"$R/pass_read" | cut -d' ' -f1)
		if [ "$sum" = "$(cat "$src.md5")" ]; then
			echo "$pass" >>"$R/verified"
		else
			echo "$(now) pass $pass read back md5 $sum" >>"$R/verify_errors"
		fi
		pass=$((pass + 1))
	done
}

diag "initiator: $(init_label); $FAULTS faults"
tap_check "kernel iSCSI modules load" vm_load_modules || give_up "modules"
tap_check "tgtd serves target1 ($DISK_MIB MiB) on $portal" tgt_start $DISK_MIB || give_up "tgtd"
tap_check "iscsid starts" init_start || give_up "iscsid"
out=$(adm -m discovery -t sendtargets -p "$portal" 2>&1)
printf '%s\n' "$out" | grep -qx "$portal,1 $iqn" && tap_ok "discovery lists $iqn" ||
	{ tap_fail "discovery lists $iqn" "$out"; give_up "discovery"; }

# ---- the session the faults hit ---------------------------------------
step "login"
tap_check "record: replacement_timeout 120, noop_out_interval 2, noop_out_timeout 2" \
	eval 'set_node node.session.timeo.replacement_timeout 120 &&
	      set_node "node.conn[0].timeo.noop_out_interval" 2 &&
	      set_node "node.conn[0].timeo.noop_out_timeout" 2' || give_up "record"
tap_check "login to $iqn" login_disk || give_up "login"
diag "session $sid, /dev/$disk"
cls=/sys/class/iscsi_session/session$sid
conn=/sys/class/iscsi_connection/connection$sid:0
got="$(cat "$cls/recovery_tmo" 2>&1) $(cat "$conn/recv_tmo" 2>&1) $(cat "$conn/ping_tmo" 2>&1)"
[ "$got" = "120 2 2" ] && tap_ok "the kernel has recovery_tmo 120, recv_tmo 2, ping_tmo 2" ||
	tap_fail "the kernel has recovery_tmo 120, recv_tmo 2, ping_tmo 2" "it has: $got"

# One drop watched closely, tgtd's debug log on, before any load: what the
# relogin looks like to the target (which ISID and TSIH it sees).
step "first drop, tgtd debug log"
diag "tgtd before: $(tgtadm --lld iscsi --op show --mode target | grep -E 'I_T nexus|Initiator:' | tr -s ' \n' ' ')"
marks=$(wc -l </tmp/tgt/tgtd.log)
tgtadm --mode system --op update --name debug --value on >/dev/null 2>&1 ||
	diag "tgtd refused to turn its debug log on"
e0=$(kernel_conn_errors)
t=$(now)
if tgt_conn_drop 1 && io_within 30 "$disk"; then
	tap_ok "a dropped connection comes back: a read after the drop succeeds"
else
	tap_fail "a dropped connection comes back: a read after the drop succeeds"
fi
diag "read after the drop done $(since "$t")s after it; kernel conn errors +$(($(kernel_conn_errors) - e0)); state $(session_state "$sid")"
tgtadm --mode system --op update --name debug --value off >/dev/null 2>&1
diag "tgtd after: $(tgtadm --lld iscsi --op show --mode target | grep -E 'I_T nexus|Initiator:' | tr -s ' \n' ' ')"
diag "tgtd's log of the relogin:"
tail -n +$((marks + 1)) /tmp/tgt/tgtd.log |
	grep -iE 'session|tsih|isid|login|conn_close|exp_cmd_sn|reinst|nexus' | head -n 30 | sed 's/^/  /' |
	while IFS= read -r l; do diag "$l"; done
diag "$INITIATOR iscsid's log so far:"
tail -n 8 "$(init_log)" | while IFS= read -r l; do diag "  $l"; done

# ---- FAULTS faults under a write/verify loop --------------------------
step "$FAULTS faults under load"
rm -f "$R"/*
for p in 0 1; do
	dd if=/dev/urandom of="$R/pat$p" bs=1M count=$DISK_MIB 2>/dev/null
	md5sum <"$R/pat$p" | cut -d' ' -f1 >"$R/pat$p.md5"
done
: >"$R/io"
: >"$R/written"
: >"$R/verified"
writer &
writer_pid=$!
wait_for 30 io_past 4 || diag "the writer made no progress in 30 s"

declare -A n_kind=() bad_kind=() times_kind=()
stopped=
errors_before=$(kernel_conn_errors)
log_mark=$(wc -l <"$(init_log)")
for ((n = 1; n <= FAULTS; n++)); do
	case $((n % 3)) in
	1) kind=drop ;;
	2) kind=restart ;;
	0) kind=cut$CUT_LONG; [ $(((n / 3) % 2)) -eq 0 ] && kind=cut$CUT_SHORT ;;
	esac
	e0=$(kernel_conn_errors)
	t=$(now)
	case $kind in
	drop) tgt_conn_drop 1 ;;
	restart) tgt_restart ;;
	cut*) net_cut "${kind#cut}" ;;
	esac
	rc=$?
	t_end=$(now)
	base=$(io_lines)
	limit=40
	[ "$kind" = drop ] && limit=30
	n_kind[$kind]=$((${n_kind[$kind]:-0} + 1))
	if [ $rc -ne 0 ]; then
		bad_kind[$kind]+=" #$n(injection failed)"
		diag "fault $n $kind: the injection itself failed (exit $rc)"
		stopped=$n
		break
	fi
	if ! wait_for $limit io_past $((base + 2)); then
		bad_kind[$kind]+=" #$n"
		diag "fault $n $kind: no IO for ${limit}s after it; state $(session_state "$sid"); $(tail -n 2 "$(init_log)" | tr '\n' ' ')"
		stopped=$n
		break
	fi
	took=$(since "$t_end")
	times_kind[$kind]+="$took "
	diag "fault $n $kind: IO again ${took}s after it ended (injection $(awk -v a="$t" -v b="$t_end" 'BEGIN { printf "%.2f", b - a }')s), conn errors +$(($(kernel_conn_errors) - e0))"
done
errors_fault=$(($(kernel_conn_errors) - errors_before))
diag "$INITIATOR iscsid's log during the faults (digits masked), most frequent lines:"
tail -n +$((log_mark + 1)) "$(init_log)" | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn |
	head -n 12 | while IFS= read -r l; do diag "  $l"; done

label_drop="connection drops (tgtadm delete conn)"
label_restart="tgtd restarts (SIGKILL, same targets and files)"
for kind in drop restart cut$CUT_LONG cut$CUT_SHORT; do
	case $kind in
	drop) what=$label_drop ;;
	restart) what=$label_restart ;;
	cut*) what="network cuts of ${kind#cut} s (loopback down)" ;;
	esac
	name="${n_kind[$kind]:-0} $what: IO flows again after each"
	if [ -n "${bad_kind[$kind]:-}" ]; then
		tap_fail "$name" "failed at fault${bad_kind[$kind]}"
	elif [ -n "$stopped" ]; then
		tap_fail "$name" "the faults stopped at #$stopped"
	else
		# shellcheck disable=SC2086 # a list of numbers
		set -- ${times_kind[$kind]}
		tap_ok "$name (median $(printf '%s\n' "$@" | median) s, max $(printf '%s\n' "$@" | sort -n | tail -n 1) s)"
	fi
done
want=$(( ${n_kind[drop]:-0} + ${n_kind[restart]:-0} ))
[ "$errors_fault" -ge "$want" ] &&
	tap_ok "the kernel reported each drop and restart as a connection error ($errors_fault errors)" ||
	tap_fail "the kernel reported each drop and restart as a connection error" "$errors_fault errors for $want faults"

touch "$R/stop"
stuck=
if wait_for 30 pid_exited "$writer_pid"; then
	wait "$writer_pid" 2>/dev/null
	writer_pid=
else
	# Left behind: the logout below ends the session and fails its IO.
	stuck=1
	tap_fail "the writer stops" "its IO is stuck; state $(session_state "$sid")"
fi
diag "the writer did $(io_lines) chunk IOs of 1 MiB, $(wc -l <"$R/written") of them writes"
[ ! -s "$R/io_errors" ] && tap_ok "no IO failed during the faults (replacement_timeout 120 holds it)" ||
	tap_fail "no IO failed during the faults (replacement_timeout 120 holds it)" \
		"$(wc -l <"$R/io_errors") failures: $(head -n 5 "$R/io_errors"; head -n 3 "$R/dd.err")"
if [ ! -s "$R/verify_errors" ] && [ -s "$R/verified" ]; then
	tap_ok "every pass read back identical while the faults went on ($(wc -l <"$R/verified") passes)"
else
	tap_fail "every pass read back identical while the faults went on" \
		"$(head -n 5 "$R/verify_errors" 2>/dev/null); passes verified: $(wc -l <"$R/verified")"
fi
st="$(session_state "$sid") $(cat "/sys/block/$disk/device/state" 2>&1)"
[ "$(session_count)" -eq 1 ] && [ "$(session_disk "$iqn")" = "$disk" ] && [ "$st" = "LOGGED_IN running" ] &&
	tap_ok "still one session ($sid, /dev/$disk), LOGGED_IN, disk running: recovered, not replaced" ||
	tap_fail "still one session ($sid, /dev/$disk), LOGGED_IN, disk running: recovered, not replaced" \
		"$(session_count) sessions, disk $(session_disk "$iqn"), states $st"

# What the disk must hold: each chunk as the pattern of the last pass
# that wrote it (zeros where none did).
step "read back"
awk '{ last[$2] = $1 } END { for (i in last) print i, last[i] }' "$R/written" >"$R/last"
dd if=/dev/zero of="$R/expect" bs=1M count=$DISK_MIB 2>/dev/null
while read -r i p; do
	dd if="$R/pat$((p % 2))" of="$R/expect" bs=1M skip="$i" seek="$i" count=1 conv=notrunc 2>/dev/null
done <"$R/last"
want=$(md5sum <"$R/expect" | cut -d' ' -f1)
if [ -n "$stuck" ]; then
	tap_fail "the whole disk read back through the kernel is what was written" "not read: IO is stuck"
else
	got=$(dd if="/dev/$disk" bs=1M iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
	[ "$got" = "$want" ] && tap_ok "the whole disk read back through the kernel is what was written" ||
		tap_fail "the whole disk read back through the kernel is what was written" "md5 $got, want $want"
fi
got=$(md5sum <"$(tgt_backing 1)" | cut -d' ' -f1)
[ "$got" = "$want" ] && tap_ok "tgtd's backing file holds the same bytes" ||
	tap_fail "tgtd's backing file holds the same bytes" "md5 $got, want $want"
tap_check "logout: no session and no disk left" logout_clean || {
	scsi_offline_all
	[ "$(session_count)" -eq 0 ] || give_up "logout"
}
[ -z "$writer_pid" ] || { wait_for 30 pid_exited "$writer_pid" && writer_pid=; }
rm -f "$R"/pat* "$R"/expect "$R"/pass_read

# ---- replacement_timeout with tgtd down ---------------------------------
# tmo_case VALUE: logs in with replacement_timeout VALUE, kills tgtd and
# starts one read; prints "rc seconds" of the read into $R/probe when done.
tmo_case() {
	local v=$1 st name t want
	set_node node.session.timeo.replacement_timeout "$v" >/dev/null 2>&1
	if ! login_disk >/tmp/rec-case.out 2>&1; then
		tap_fail "replacement_timeout $v: login" "$(cat /tmp/rec-case.out)"
		return 1
	fi
	# The kernel shows a negative recovery_tmo (no timeout) as "off".
	want=$v
	[ "$v" -lt 0 ] && want=off
	st=$(cat "/sys/class/iscsi_session/session$sid/recovery_tmo" 2>&1)
	[ "$st" = "$want" ] && tap_ok "replacement_timeout $v: the kernel's recovery_tmo is $want" ||
		tap_fail "replacement_timeout $v: the kernel's recovery_tmo is $want" "it is $st"
	rm -f "$R/probe"
	tgt_kill
	t=$(now)
	(probe_read "$disk"; echo "$? $(since "$t")" >"$R/probe") &
	case $v in
	0)	name="replacement_timeout 0: with tgtd down, IO fails at once (< 3 s)"
		wait_for 15 test -s "$R/probe"
		read -r rc took <"$R/probe" 2>/dev/null
		[ "${rc:-0}" -ne 0 ] && awk -v s="${took:-99}" 'BEGIN { exit !(s < 3) }' &&
			tap_ok "$name (${took}s)" || tap_fail "$name" "read exit ${rc:-none} after ${took:-?}s" ;;
	-1)	name="replacement_timeout -1: with tgtd down, IO waits (still waiting after 8 s)"
		sleep 8
		[ ! -s "$R/probe" ] && tap_ok "$name" || tap_fail "$name" "the read ended: $(cat "$R/probe")" ;;
	*)	name="replacement_timeout $v: with tgtd down, IO fails after about $v s"
		wait_for $((v + 15)) test -s "$R/probe"
		read -r rc took <"$R/probe" 2>/dev/null
		[ "${rc:-0}" -ne 0 ] && awk -v s="${took:-99}" -v v="$v" 'BEGIN { exit !(s >= v - 1 && s < v + 6) }' &&
			tap_ok "$name (${took}s)" || tap_fail "$name" "read exit ${rc:-none} after ${took:-?}s" ;;
	esac
	tap_check "replacement_timeout $v: tgtd starts again" tgt_revive || return 1
	if [ "$v" = -1 ]; then
		wait_for 30 test -s "$R/probe"
		read -r rc took <"$R/probe" 2>/dev/null
		[ "${rc:-1}" -eq 0 ] && tap_ok "replacement_timeout -1: the waiting read succeeds once tgtd is back (${took}s)" ||
			tap_fail "replacement_timeout -1: the waiting read succeeds once tgtd is back" \
				"read exit ${rc:-none} after ${took:-?}s; state $(session_state "$sid")"
	fi
	t=$(now)
	io_within 40 "$disk" &&
		tap_ok "replacement_timeout $v: the session recovers, IO works again ($(since "$t")s after tgtd is back)" ||
		tap_fail "replacement_timeout $v: the session recovers, IO works again" \
			"state $(session_state "$sid"); $(tail -n 3 "$(init_log)")"
	tap_check "replacement_timeout $v: logout leaves nothing" logout_clean
}

step "replacement_timeout 5, 0, -1"
for v in 5 0 -1; do
	tmo_case "$v" || { adm_within 30 -m node -U all >/dev/null 2>&1; scsi_offline_all; }
	[ "$(session_count)" -eq 0 ] || give_up "a session of replacement_timeout $v is left"
	[ -n "$tgtd_pid" ] || tgt_revive || give_up "tgtd"
done
set_node node.session.timeo.replacement_timeout 120 >/dev/null 2>&1

# ---- a portal nobody listens on ----------------------------------------
step "unreachable portal"
retries=2 login_tmo=2
adm -m node -o new -T "$iqn" -p "$down_portal" >/dev/null 2>&1
adm -m node -T "$iqn" -p "$down_portal" -o update -n "node.conn[0].timeo.login_timeout" -v $login_tmo >/dev/null 2>&1
adm -m node -T "$iqn" -p "$down_portal" -o update -n node.session.initial_login_retry_max -v $retries >/dev/null 2>&1
log=$(init_log)
marks=$(wc -l <"$log")
t=$(now)
adm -m node -T "$iqn" -p "$down_portal" --login >/tmp/rec-down.out 2>&1
rc=$?
took=$(since "$t")
# open-iscsi counts time only (it retries a refused portal every 3 s until
# retry_max x login_timeout has passed); ours stops at whichever comes
# first, retry_max attempts or that time, so a refused portal fails fast.
low=$((retries * login_tmo - 1))
[ "$INITIATOR" = ours ] && low=0
high=$((retries * login_tmo + login_tmo + 5))
[ $rc -eq 8 ] && tap_ok "login to a portal nobody listens on exits 8 (connection timed out)" ||
	tap_fail "login to a portal nobody listens on exits 8 (connection timed out)" "exit $rc: $(cat /tmp/rec-down.out)"
awk -v s="$took" -v a=$low -v b=$high 'BEGIN { exit !(s >= a && s <= b) }' &&
	tap_ok "it gives up within initial_login_retry_max x login_timeout ($retries x $login_tmo s: ${took}s)" ||
	tap_fail "it gives up within initial_login_retry_max x login_timeout ($retries x $login_tmo s)" \
		"it took ${took}s, want $low..$high"
[ "$(session_count)" -eq 0 ] && tap_ok "the failed login left no session" ||
	tap_fail "the failed login left no session" "$(session_count) sessions"
lines=$(tail -n +$((marks + 1)) "$log" | grep -c -E '127\.0\.0\.1[:,]'"$((TGT_PORT + 1))")
[ "$lines" -ge 1 ] && tap_ok "iscsid's log names the portal for the failed attempts ($lines lines)" ||
	tap_fail "iscsid's log names the portal for the failed attempts" "$(tail -n +$((marks + 1)) "$log" | head -n 5)"
diag "iscsiadm said: $(tr '\n' ' ' </tmp/rec-down.out)"
tail -n +$((marks + 1)) "$log" | head -n 8 | while IFS= read -r l; do diag "  iscsid: $l"; done
adm -m node -T "$iqn" -p "$down_portal" -o delete >/dev/null 2>&1

step "shutdown"
tap_check "iscsid exits on SIGTERM" init_stop
tap_check "tgtd exits when told to" tgt_stop
diag "tgtd's log: $(grep -vc '^$' /tmp/tgt/tgtd.log) lines; last: $(tail -n 3 /tmp/tgt/tgtd.log | tr '\n' ' ')"
diag "guest steps took $(since "$t0")s (booted in ${t0}s)"
tap_done
