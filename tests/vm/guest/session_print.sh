# Guest side of tests/vm/session_print.sh: sessions made by Debian's
# open-iscsi, listed by its iscsiadm and by ours (/usr/local/sbin/iscsiadm)
# with -m session -P 0..3 and -r SID, outputs and exit codes compared.
#
# Sessions: target2 (header and data digest CRC32C) logged in first, then
# target1 (LUNs 1 and 2) through iface "default" and again through iface
# "second", so sids are not in target-name order and one target has two
# sessions.
#
# Differences on purpose (everything else must be byte-identical):
#  - while the reference iscsid runs, its iscsiadm shows the two states
#    only its daemon keeps ("iSCSI Connection State", "Internal iscsid
#    Session State"); ours asks our iscsid, which is not running here, and
#    prints "Unknown" for both, exactly as the reference does without its
#    daemon (checked below with the reference iscsid stopped);
#  - stderr wording (the reference also tries systemctl to start iscsid).
# -r SID without -P prints the session's node record; both databases get
# the same records, made with -o new (static records), for that.
# shellcheck source=lib.sh
. /guest/lib.sh

OURS=/usr/local/sbin/iscsiadm
portal=127.0.0.1:$TGT_PORT
t1=$(tgt_iqn 1)
t2=$(tgt_iqn 2)
out=/tmp/sp
mkdir -p $out

give_up() {
	ref_iscsiadm -m node -U all >/dev/null 2>&1
	ref_iscsid_stop
	tgt_stop
	tap_done
	exit
}

# run_both NAME ARGS...: both iscsiadms with ARGS; stdout in
# $out/NAME.ref / .ours, stderr in .ref.err / .ours.err, exit codes in
# $ref_rc / $ours_rc.
run_both() {
	local name=$1
	shift
	ref_iscsiadm "$@" >"$out/$name.ref" 2>"$out/$name.ref.err"
	ref_rc=$?
	"$OURS" "$@" >"$out/$name.ours" 2>"$out/$name.ours.err"
	ours_rc=$?
}

# same NAME DESC FILTER ARGS...: stdout identical after FILTER (a sed
# script, "" for none), exit codes equal.
same() {
	local name=$1 desc=$2 filter=$3
	shift 3
	run_both "$name" "$@"
	if [ -n "$filter" ]; then
		sed -i -e "$filter" "$out/$name.ref" "$out/$name.ours"
	fi
	if [ "$ref_rc" != "$ours_rc" ]; then
		tap_fail "$desc: exit code" "reference $ref_rc, ours $ours_rc; ours said: $(cat "$out/$name.ours.err")"
	elif ! d=$(diff -u "$out/$name.ref" "$out/$name.ours"); then
		tap_fail "$desc: output" "$d"
	else
		tap_ok "$desc (exit $ours_rc)"
	fi
}

# err_is NAME DESC TEXT: ours printed TEXT on stderr (as the reference did).
err_is() {
	if grep -qxF "iscsiadm: $3" "$out/$1.ours.err" && grep -qxF "iscsiadm: $3" "$out/$1.ref.err"; then
		tap_ok "$2"
	else
		tap_fail "$2" "reference: $(cat "$out/$1.ref.err") / ours: $(cat "$out/$1.ours.err")"
	fi
}

tap_check "kernel iSCSI modules load" vm_load_modules || give_up
tap_check "tgtd serves two targets on $portal" tgt_start 16 16 || give_up
dd if=/dev/zero of=/tmp/tgt/lun1b.img bs=1M count=0 seek=8 2>/dev/null
tap_check "target1 gets a second LUN" tgtadm --lld iscsi --op new --mode logicalunit \
	--tid 1 --lun 2 -b /tmp/tgt/lun1b.img || give_up
# tgtd offers no digest unless told to (an initiator asking for CRC32C
# alone is then refused).
digests() {
	tgtadm --lld iscsi --op update --mode target --tid 2 -n HeaderDigest -v CRC32C &&
	tgtadm --lld iscsi --op update --mode target --tid 2 -n DataDigest -v CRC32C
}
tap_check "target2 requires header and data digests (CRC32C)" digests || give_up

# No session at all, no iscsid.
same none "no sessions: -m session" "" -m session
err_is none "no sessions: 'No active sessions.'" "No active sessions."
same none_p3 "no sessions: -m session -P 3" "" -m session -P 3
same none_r "no sessions: -m session -r 1" "" -m session -r 1

tap_check "reference iscsid starts" ref_iscsid_start || give_up
# Records made the same way in both databases (static, so that neither
# holds discovery-only fields), for -r SID, which prints the session's
# record.
records() {
	local adm=$1
	"$adm" -m iface -I second -o new >/dev/null &&
	"$adm" -m node -o new -T "$t1" -p "$portal,1" >/dev/null &&
	"$adm" -m node -o new -T "$t1" -p "$portal,1" -I second >/dev/null &&
	"$adm" -m node -o new -T "$t2" -p "$portal,1" >/dev/null &&
	"$adm" -m node -T "$t2" -p "$portal" -o update \
		-n 'node.conn[0].iscsi.HeaderDigest' -v CRC32C &&
	"$adm" -m node -T "$t2" -p "$portal" -o update \
		-n 'node.conn[0].iscsi.DataDigest' -v CRC32C &&
	# Debian's -o new takes these two from iscsid.conf while its iscsid
	# runs (8 and 15 there); ours gives -o new the compiled defaults,
	# as Debian's does without its daemon (4 and 30). Set both sides.
	"$adm" -m node -o update -n node.session.initial_login_retry_max -v 8 &&
	"$adm" -m node -o update -n 'node.conn[0].timeo.login_timeout' -v 15
}
tap_check "the same node records in both databases" eval 'records ref_iscsiadm && records "$OURS"' ||
	give_up
setup() {
	ref_iscsiadm -m node -T "$t2" -p "$portal" -I default --login >/dev/null &&
	ref_iscsiadm -m node -T "$t1" -p "$portal" -I default --login >/dev/null &&
	ref_iscsiadm -m node -T "$t1" -p "$portal" -I second --login >/dev/null
}
tap_check "reference logs in: $t2 (digests), $t1 via default and via second" setup || give_up
# LUN scans finish asynchronously; compare once every disk is there.
disks() {
	[ "$(ls -d /sys/class/iscsi_session/session*/device/target*/*/block/* 2>/dev/null | wc -l)" -eq 5 ]
}
wait_for 30 disks || diag "not every disk appeared: $(ls /sys/block)"

sids=$(ls /sys/class/iscsi_session | sed 's/session//' | sort -n)
diag "sessions: $(echo $sids)"
daemon_lines='/iSCSI Connection State:/d; /Internal iscsid Session State:/d'

same p0 "-m session" "" -m session
for p in 0 1 2 3; do
	same "P$p" "-m session -P $p (with the reference iscsid)" "$daemon_lines" -m session -P "$p"
done
for sid in $sids; do
	same "r$sid" "-m session -r $sid" "" -m session -r "$sid"
	same "r${sid}P3" "-m session -r $sid -P 3" "$daemon_lines" -m session -r "$sid" -P 3
done
same rpath "-m session -r /sys/class/iscsi_session/sessionN -P 1" "$daemon_lines" \
	-m session -r "/sys/class/iscsi_session/session$(echo $sids | cut -d' ' -f1)" -P 1
same rmissing "-m session -r 999 (no such session)" "" -m session -r 999
err_is rmissing "-r 999: 'Could not get session info for sid 999'" \
	"Could not get session info for sid 999"
same rbad "-m session -r abc" "" -m session -r abc
same rbadpath "-m session -r /sys/class/iscsi_session/session999" "" \
	-m session -r /sys/class/iscsi_session/session999
same p4 "-m session -P 4" "" -m session -P 4

tap_check "reference iscsid stops" ref_iscsid_stop
for p in 1 2 3; do
	same "P${p}noiscsid" "-m session -P $p, no iscsid running: identical" "" -m session -P "$p"
done
# Ours without an iscsid to ask: both iscsid-kept states "Unknown".
if [ "$(grep -c -e '^		iSCSI Connection State: Unknown$' -e '^		Internal iscsid Session State: Unknown$' "$out/P1noiscsid.ours")" -eq 6 ]; then
	tap_ok "ours without an iscsid: both iscsid-kept states are Unknown"
else
	tap_fail "ours without an iscsid: both iscsid-kept states are Unknown" "$(cat "$out/P1noiscsid.ours")"
fi
diag "reference stderr without iscsid: $(head -n 3 "$out/P1noiscsid.ref.err")"
diag "ours stderr without iscsid: $(cat "$out/P1noiscsid.ours.err")"
# What an operator looks at: keep the reference's -P 3 in the log.
diag "$(cat "$out/P3noiscsid.ref")"

tap_check "reference iscsid starts again" ref_iscsid_start
# A restarted iscsid takes the kernel's sessions over before it can log
# out of them.
synced() {
	[ "$(ref_iscsiadm -m session -P 1 2>/dev/null | grep -c 'Internal iscsid Session State: NO CHANGE')" -eq 3 ]
}
wait_for 30 synced || diag "the reference iscsid did not take every session over"
tap_check "reference logs out of everything" ref_iscsiadm -m node -U all
wait_for 30 test -z "$(ls /sys/class/iscsi_session 2>/dev/null)"
same after "after logout: -m session" "" -m session
tap_check "reference iscsid exits on SIGTERM" ref_iscsid_stop
tap_check "tgtd exits when told to" tgt_stop
tap_done
