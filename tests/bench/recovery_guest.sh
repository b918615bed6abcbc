# Guest side of tests/bench/recovery.sh (runs inside the qemu VM): every
# initiator whose programs are in the image (Debian's open-iscsi 2.1.8
# under /ref; ours in /usr/local/sbin when the wrapper copied it) against
# the same tgtd, one after the other, from an empty record database each:
#   - DROPS times: tgtd drops the session's connection (tgtadm delete
#     conn); the time from just before the drop until a 4 KiB O_DIRECT
#     read, started once the kernel has marked the session failed,
#     completes: the median, the fastest and the slowest;
#   - RESTARTS times: the same from tgtd killed with SIGKILL and started
#     again with the same target.
# The record has replacement_timeout 20, so a session that never comes
# back fails its read instead of holding the run. Prints "# " lines as it
# goes and a table with ratios (ours / reference) at the end. Not a test:
# it fails only when it cannot measure.
# shellcheck source=../vm/guest/lib.sh
. /guest/lib.sh

DROPS=${BENCH_DROPS:-10}
RESTARTS=${BENCH_RESTARTS:-5}
portal=127.0.0.1:$TGT_PORT
iqn=$(tgt_iqn 1)
declare -A R=()

# failed_seen SID: polls the session's state with no fork and no sleep for
# up to 2 s; succeeds once it is no longer LOGGED_IN.
failed_seen() {
	local st up end
	read -r up _ </proc/uptime
	end=$(awk -v u="$up" 'BEGIN { printf "%.2f", u + 2 }')
	while :; do
		read -r st </sys/class/iscsi_session/session"$1"/state || return 1
		[ "$st" = LOGGED_IN ] || return 0
		read -r up _ </proc/uptime
		[[ ${up%.*}${up#*.} -lt ${end%.*}${end#*.} ]] || return 1
	done
}

probe_read() {
	dd if="/dev/$1" of=/dev/null bs=4k count=1 skip=$((RANDOM % 1000)) iflag=direct 2>/dev/null
}

# read_within SECONDS DISK: one probe_read that completes, successfully,
# within SECONDS; READ_DONE gets the time it completed (seconds since
# boot, taken by the reader itself). One that hangs (no recovery) is left
# behind.
read_within() {
	local tries=$(($1 * 20)) rc= at=
	READ_DONE=
	rm -f /tmp/bench-probe
	(probe_read "$2"; echo "$? $(now)" >/tmp/bench-probe) &
	until read -r rc at 2>/dev/null </tmp/bench-probe && [ -n "$at" ]; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.05
	done
	READ_DONE=$at
	[ "$rc" -eq 0 ]
}

# settled SID DISK: logged in and serving reads.
settled() {
	[ "$(session_state "$1")" = LOGGED_IN ] && read_within 10 "$2"
}

# fault_to_io KIND SID DISK: one fault (drop or restart); FAULT_SECS gets
# the seconds until a read after it completed. Not for a $(...) subshell:
# a restarted tgtd's pid must reach this shell.
fault_to_io() {
	local kind=$1 sid=$2 disk=$3 t e0 seen=1 tsid tcid
	FAULT_SECS=
	e0=$(kernel_conn_errors)
	# The clock starts at the fault itself, not at the look-up before it.
	case $kind in
	drop)	read -r tsid tcid < <(tgt_conns 1)
		[ -n "$tcid" ] || return 1
		t=$(now)
		tgtadm --lld iscsi --op delete --mode conn --tid 1 --sid "$tsid" --cid "$tcid" ||
			return 1 ;;
	restart) t=$(now)
		tgt_restart || return 1 ;;
	esac
	failed_seen "$sid" || seen=0
	read_within 60 "$disk" || return 1
	FAULT_SECS=$(awk -v a="$t" -v b="$READ_DONE" 'BEGIN { printf "%.2f", b - a }')
	# A read that never waited for a recovery measured nothing.
	[ "$(kernel_conn_errors)" -gt "$e0" ] || diag "$kind: the kernel reported no connection error"
	[ $seen -eq 1 ] || diag "$kind: the session was never seen FAILED (recovered within a poll?)"
}

stats_into() {
	local key=$1
	shift
	[ $# -gt 0 ] || return 0
	R[$key.median]=$(printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	R[$key.min]=$(printf '%s\n' "$@" | sort -n | head -n 1)
	R[$key.max]=$(printf '%s\n' "$@" | sort -n | tail -n 1)
	R[$key.n]=$#
}

bench_one() {
	local who=$1 i sid disk drops="" restarts="" e0 broken=
	init_use "$who"
	rm -rf /var/lib/iscsi/* /etc/iscsi/*
	if ! init_start; then
		diag "$who: iscsid did not start"
		return 1
	fi
	diag "$(init_label)"
	if ! adm -m discovery -t sendtargets -p "$portal" >/tmp/bench-disc.out 2>&1; then
		diag "$who: discovery failed: $(tail -n 3 /tmp/bench-disc.out)"
		init_stop
		return 1
	fi
	adm -m node -T "$iqn" -p "$portal" -o update -n node.session.timeo.replacement_timeout -v 20 &&
	adm -m node -T "$iqn" -p "$portal" --login >/tmp/bench-login.out 2>&1 &&
		wait_for 30 session_disk "$iqn" || {
		diag "$who: login failed: $(tail -n 2 /tmp/bench-login.out)"
		init_stop
		return 1
	}
	disk=$(session_disk "$iqn")
	sid=$(session_sid "$iqn")
	e0=$(kernel_conn_errors)
	for i in $(seq "$DROPS"); do
		wait_for 30 settled "$sid" "$disk" || { diag "$who: not settled before drop $i"; break; }
		fault_to_io drop "$sid" "$disk" || { diag "$who: no IO after drop $i"; broken=1; break; }
		drops+="$FAULT_SECS "
	done
	R[$who.drop_errors]=$(($(kernel_conn_errors) - e0))
	for i in $(seq "$RESTARTS"); do
		[ -z "$broken" ] || break
		wait_for 30 settled "$sid" "$disk" || { diag "$who: not settled before restart $i"; break; }
		fault_to_io restart "$sid" "$disk" || { diag "$who: no IO after restart $i"; break; }
		restarts+="$FAULT_SECS "
	done
	[ -n "$tgtd_pid" ] || tgt_revive || diag "tgtd did not start again"
	diag "$who: drop to IO: ${drops:-none}s; tgtd restart to IO: ${restarts:-none}s"
	# shellcheck disable=SC2086 # lists of numbers
	{ stats_into "$who.drop" $drops; stats_into "$who.restart" $restarts; }
	R[$who.same_session]=no
	[ "$(session_count)" -eq 1 ] && [ "$(session_sid "$iqn")" = "$sid" ] && R[$who.same_session]=yes
	adm_within 60 -m node -T "$iqn" -p "$portal" --logout >/dev/null 2>&1 ||
		diag "$who: logout failed"
	wait_for 30 test "$(session_count)" -eq 0 || { diag "$who: sessions left"; scsi_offline_all; }
	diag "$who: iscsid's last lines: $(tail -n 3 "/tmp/$([ "$who" = ref ] && echo ref-iscsid || echo iscsid-ours).log" | tr '\n' ' ')"
	init_stop || diag "$who: iscsid did not stop on SIGTERM"
}

# row LABEL KEY UNIT [noratio]: reference, ours and ours/reference.
row() {
	local a=${R[ref.$2]:--} b=${R[ours.$2]:--} ratio=-
	if [ "$a" != - ] && [ "$b" != - ] && [ -z "${4:-}" ]; then
		ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')
	fi
	[ "$a" = - ] || a+=$3
	[ "$b" = - ] || b+=$3
	printf '# %-40s %12s %12s %9s\n' "$1" "$a" "$b" "$ratio"
}

vm_load_modules || { echo "module load failed"; exit 1; }
tgt_start 16 || { echo "tgtd failed"; exit 1; }
diag "tgtd: one 16 MiB target on $portal"

status=0
for who in ref ours; do
	init_available "$who" || { diag "$who: not in the image, skipped"; continue; }
	bench_one "$who" || status=1
done
tgt_stop

diag ""
printf '# %-40s %12s %12s %9s\n' "recovery benchmark" "reference" "ours" "ours/ref"
row "drop to IO, median of $DROPS" drop.median " s"
row "drop to IO, fastest" drop.min " s"
row "drop to IO, slowest" drop.max " s"
row "drops measured" drop.n "" noratio
row "kernel conn errors during the drops" drop_errors "" noratio
row "tgtd restart to IO, median of $RESTARTS" restart.median " s"
row "tgtd restart to IO, slowest" restart.max " s"
row "restarts measured" restart.n "" noratio
row "same kernel session throughout" same_session "" noratio
exit $status
