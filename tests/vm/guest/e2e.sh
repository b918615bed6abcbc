# Guest side of tests/vm/e2e.sh: issue 5's end-to-end cases, one boot,
# with the initiator lib.sh's INITIATOR names (ref: Debian's open-iscsi
# 2.1.8; ours: the project's iscsid, iscsiadm and iscsi-worker). The
# expectations (output fields, exit codes) are open-iscsi's, so the same
# script passes with either.
#
# Targets on tgtd (127.0.0.1:3260): target1, 64 MiB, carries the data
# case; target2, 8 MiB, requires header and data digests (CRC32C: 8 MiB
# through it, as digests cost much under software emulation);
# target3..10, 8 MiB each, are logged in at once; target3 gains a second
# LUN after login. iscsid is restarted with target1 and target2 up.
# shellcheck source=lib.sh
. /guest/lib.sh

portal=127.0.0.1:$TGT_PORT
down_portal=127.0.0.1:$((TGT_PORT + 1))     # nothing listens there
t1=$(tgt_iqn 1)
t2=$(tgt_iqn 2)
nosuch=${TGT_IQN_PREFIX}-nosuch
many="3 4 5 6 7 8 9 10"
rest="4 5 6 7 8 9 10"     # logged out before the restart
t0=$(now)
step_t=$t0

# step NAME: a "# " line with the time the previous step took.
step() {
	diag "---- $1 (previous step: $(since "$step_t")s)"
	step_t=$(now)
}

cleanup() {
	adm -m node -U all >/dev/null 2>&1
	init_stop
	tgt_stop
}

give_up() {
	diag "giving up after: $1"
	cleanup
	tap_done
	exit
}

# expect_rc NAME WANT CMD...: ok when CMD exits WANT; its output otherwise.
expect_rc() {
	local name=$1 want=$2 out=/tmp/expect_rc.out rc
	shift 2
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		tap_ok "$name"
		return 0
	fi
	tap_fail "$name" "exit $rc, want $want: $(cat "$out")"
	return 1
}

# p3_block IQN: the part of `-m session -P 3` about the session to IQN.
p3_block() {
	awk -v t="Target: $1 " '
		/^Target: / { inside = index($0 " ", t) == 1 }
		inside' /tmp/p3.out
}

# stat_value SID NAME: a counter from `-m session -r SID --stats`.
stat_value() {
	adm -m session -r "$1" --stats 2>/dev/null |
		awk -v k="$2:" '$1 == k { print $2; found = 1 } END { exit !found }'
}

# md5 of a whole file or device, read with O_DIRECT for a device.
md5_of() {
	local flag=
	[ -b "$1" ] && flag=iflag=direct
	dd if="$1" bs=1M $flag 2>/dev/null | md5sum | cut -d' ' -f1
}

# Every session's connection logged in and iscsid done with it (after a
# restart the reference re-opens each connection before it takes any
# request for it).
sessions_settled() {
	local out n
	out=$(adm -m session -P 1 2>/dev/null) || return 1
	n=$(session_count)
	[ "$(printf '%s\n' "$out" | grep -c 'iSCSI Connection State: LOGGED IN')" -eq "$n" ] &&
		[ "$(printf '%s\n' "$out" | grep -c 'Internal iscsid Session State: NO CHANGE')" -eq "$n" ]
}

diag "initiator: $(init_label)"
tap_check "kernel iSCSI modules load" vm_load_modules || give_up "modules"
tap_check "tgtd serves target1 (64 MiB) and target2..10 (8 MiB)" \
	tgt_start 64 8 8 8 8 8 8 8 8 8 || give_up "tgtd"
# target2 insists on digests, so a login that quietly offered None fails.
tap_check "target2 requires HeaderDigest and DataDigest CRC32C" \
	eval 'tgtadm --lld iscsi --mode target --op update --tid 2 --name HeaderDigest --value CRC32C &&
	      tgtadm --lld iscsi --mode target --op update --tid 2 --name DataDigest --value CRC32C'
tap_check "iscsid starts" init_start || give_up "iscsid"

# ---- discovery, then login -----------------------------------------------
step "discovery and login"

out=$(adm -m discovery -t sendtargets -p "$portal" 2>&1)
rc=$?
missing=
for i in 1 2 $many; do
	printf '%s\n' "$out" | grep -qx "$portal,1 $(tgt_iqn "$i")" || missing+=" target$i"
done
if [ $rc -eq 0 ] && [ -z "$missing" ]; then
	tap_ok "sendtargets discovery lists the 10 targets"
else
	tap_fail "sendtargets discovery lists the 10 targets" "exit $rc, missing:$missing; $out"
	give_up "discovery"
fi

t=$(now)
tap_check "login to target1" adm -m node -T "$t1" -p "$portal" --login || give_up "login"
diag "login took $(since "$t")s"
if wait_for 30 session_disk "$t1"; then
	disk=$(session_disk "$t1")
	sid=$(session_sid "$t1")
	tap_ok "target1's disk appears (/dev/$disk, session $sid)"
else
	tap_fail "target1's disk appears" "$(ls -R /sys/class/iscsi_session 2>&1 | head -n 20)"
	give_up "no disk"
fi
bytes=$(($(cat "/sys/block/$disk/size") * 512))
[ "$bytes" -eq $((64 << 20)) ] && tap_ok "/dev/$disk is 64 MiB" ||
	tap_fail "/dev/$disk is 64 MiB" "it has $bytes bytes"

expect_rc "a second login to target1 exits 15 (session exists)" 15 \
	adm -m node -T "$t1" -p "$portal" --login

# ---- 64 MiB through the block device, counters ------------------------
step "64 MiB data"

tx0=$(stat_value "$sid" txdata_octets)
rx0=$(stat_value "$sid" rxdata_octets)
if [ -n "$tx0" ] && [ -n "$rx0" ]; then
	tap_ok "--stats reports txdata_octets and rxdata_octets"
else
	tap_fail "--stats reports txdata_octets and rxdata_octets" \
		"$(adm -m session -r "$sid" --stats 2>&1 | head -n 5)"
fi

t=$(now)
dd if=/dev/urandom of=/tmp/pattern bs=1M count=64 2>/dev/null
want=$(md5sum </tmp/pattern | cut -d' ' -f1)
diag "making the pattern and its md5 took $(since "$t")s"
t=$(now)
tap_check "write 64 MiB to /dev/$disk (O_DIRECT, fsync)" \
	dd if=/tmp/pattern of="/dev/$disk" bs=1M oflag=direct conv=fsync
diag "write took $(since "$t")s"
tx1=$(stat_value "$sid" txdata_octets)
if [ -n "$tx0" ] && [ "${tx1:-0}" -ge $((tx0 + (64 << 20))) ]; then
	tap_ok "txdata_octets grew by at least 64 MiB"
else
	tap_fail "txdata_octets grew by at least 64 MiB" "before ${tx0:-?}, after ${tx1:-?}"
fi

# tgtd's file is hashed meanwhile, on the VM's other CPU.
md5_of "$(tgt_backing 1)" >/tmp/stored.md5 &
stored_pid=$!
t=$(now)
got=$(md5_of "/dev/$disk")
diag "read took $(since "$t")s"
[ "$got" = "$want" ] && tap_ok "read back through the kernel: identical" ||
	tap_fail "read back through the kernel: identical" "md5 $got, wrote $want"
rx1=$(stat_value "$sid" rxdata_octets)
if [ -n "$rx0" ] && [ "${rx1:-0}" -ge $((rx0 + (64 << 20))) ]; then
	tap_ok "rxdata_octets grew by at least 64 MiB"
else
	tap_fail "rxdata_octets grew by at least 64 MiB" "before ${rx0:-?}, after ${rx1:-?}"
fi
wait $stored_pid
read -r stored </tmp/stored.md5
[ "$stored" = "$want" ] && tap_ok "tgtd's backing file holds the same bytes" ||
	tap_fail "tgtd's backing file holds the same bytes" "md5 $stored, wrote $want"

# ---- header and data digests ------------------------------------------
step "digests"

for key in HeaderDigest DataDigest; do
	tap_check "-o update node.conn[0].iscsi.$key = CRC32C (target2)" \
		adm -m node -T "$t2" -p "$portal" -o update -n "node.conn[0].iscsi.$key" -v CRC32C
done
out=$(adm -m node -T "$t2" -p "$portal" -o show 2>&1)
if printf '%s\n' "$out" | grep -qx 'node.conn\[0\].iscsi.HeaderDigest = CRC32C' &&
	printf '%s\n' "$out" | grep -qx 'node.conn\[0\].iscsi.DataDigest = CRC32C'; then
	tap_ok "-o show has both digests CRC32C"
else
	tap_fail "-o show has both digests CRC32C" "$(printf '%s\n' "$out" | grep -i digest)"
fi
tap_check "login to target2 (digests required)" adm -m node -T "$t2" -p "$portal" --login
if wait_for 30 session_disk "$t2"; then
	disk2=$(session_disk "$t2")
	tap_ok "target2's disk appears (/dev/$disk2)"
	adm -m session -P 3 >/tmp/p3.out 2>&1
	if p3_block "$t2" | grep -q '^[[:space:]]*HeaderDigest: CRC32C$' &&
		p3_block "$t2" | grep -q '^[[:space:]]*DataDigest: CRC32C$'; then
		tap_ok "-P 3 shows the negotiated digests CRC32C"
	else
		tap_fail "-P 3 shows the negotiated digests CRC32C" "$(p3_block "$t2" | grep -i digest)"
	fi
	head -c $((8 << 20)) /tmp/pattern >/tmp/pattern8
	tap_check "write 8 MiB to /dev/$disk2 with digests" \
		dd if=/tmp/pattern8 of="/dev/$disk2" bs=1M oflag=direct conv=fsync
	want8=$(md5sum </tmp/pattern8 | cut -d' ' -f1)
	got=$(md5_of "/dev/$disk2")
	stored=$(md5_of "$(tgt_backing 2)")
	[ "$got" = "$want8" ] && [ "$stored" = "$want8" ] &&
		tap_ok "read back with digests and in tgtd's file: identical" ||
		tap_fail "read back with digests and in tgtd's file: identical" \
			"md5 read $got, file $stored, wrote $want8"
	rm -f /tmp/pattern8
else
	tap_fail "target2's disk appears" "$(ls /sys/class/iscsi_session 2>&1)"
fi

# ---- 8 targets at once ----------------------------------------------------
step "8 targets"

t=$(now)
declare -A login_pid=()
for i in $many; do
	adm -m node -T "$(tgt_iqn "$i")" -p "$portal" --login >"/tmp/login$i.out" 2>&1 &
	login_pid[$i]=$!
done
bad=
for i in $many; do
	wait "${login_pid[$i]}" || bad+=" target$i: exit $? $(cat "/tmp/login$i.out");"
done
[ -z "$bad" ] && tap_ok "8 logins started together all exit 0" ||
	tap_fail "8 logins started together all exit 0" "$bad"
diag "8 concurrent logins took $(since "$t")s"

all_disks_up() {
	local i
	sessions_scan
	for i in $many; do [ -n "${SESSION_DISKS[$TGT_IQN_PREFIX$i]:-}" ] || return 1; done
}
if wait_for 30 all_disks_up; then
	tap_ok "each of the 8 sessions has its disk"
else
	tap_fail "each of the 8 sessions has its disk" "$(ls /sys/block)"
fi

out=$(adm -m session 2>&1)
sessions_scan
bad=
for i in 1 2 $many; do
	iqn=$TGT_IQN_PREFIX$i
	[[ $out == *"tcp: [${SESSION_SID[$iqn]:-?}] $portal,1 $iqn (non-flash)"* ]] || bad+=" target$i"
done
[ -z "$bad" ] && [ "$(printf '%s\n' "$out" | grep -c '^tcp: ')" -eq 10 ] &&
	tap_ok "-m session lists the 10 sessions with their sids" ||
	tap_fail "-m session lists the 10 sessions with their sids" "missing:$bad; $out"

# A label written through each disk lands in its own target's file: no two
# sessions were crossed.
bad=
for i in $many; do
	d=${SESSION_DISKS[$TGT_IQN_PREFIX$i]%% *}
	printf 'disk of target%s\n' "$i" |
		dd of="/dev/$d" bs=4096 conv=sync oflag=direct 2>/dev/null || bad+=" target$i(write)"
	read -r label <"/tmp/tgt/lun$i.img"
	[ "$label" = "disk of target$i" ] || bad+=" target$i"
done
[ -z "$bad" ] && tap_ok "a label written to each disk reaches its own target" ||
	tap_fail "a label written to each disk reaches its own target" "wrong:$bad"

# ---- -P 3 ----------------------------------------------------------------
step "-P 3"

# One line per Target block: name, current portal, sid, session state and
# every attached disk as sdX:state.
p3_summary() {
	awk '
		function flush() { if (t != "") print t, portal, sid, state disks }
		/^Target: / { flush(); t = $2; portal = sid = state = disks = "" }
		/^[ \t]*Current Portal: / { portal = $3 }
		/^[ \t]*SID: / { sid = $2 }
		/^[ \t]*iSCSI Session State: / { state = $4 }
		/^[ \t]*Attached scsi disk / { disks = disks " " $4 ":" $6 }
		END { flush() }' /tmp/p3.out
}
adm -m session -P 3 >/tmp/p3.out 2>&1
sessions_scan
declare -A p3_line=()
while read -r iqn fields; do p3_line[$iqn]=$fields; done <<<"$(p3_summary)"
bad=
for i in 1 2 $many; do
	iqn=$TGT_IQN_PREFIX$i
	want="$portal,1 ${SESSION_SID[$iqn]:-?} LOGGED_IN"
	for d in ${SESSION_DISKS[$iqn]:-}; do want+=" $d:running"; done
	[ "${p3_line[$iqn]:-}" = "$want" ] || bad+=" target$i: '${p3_line[$iqn]:-}', want '$want';"
done
grep -q "^Target: $t1 (non-flash)\$" /tmp/p3.out || bad+=" no 'Target: $t1 (non-flash)' line"
[ -z "$bad" ] && tap_ok "-P 3: Target, Current Portal, SID, state and attached disk of all 10" ||
	tap_fail "-P 3: Target, Current Portal, SID, state and attached disk of all 10" \
		"$bad $(head -n 60 /tmp/p3.out)"

# ---- rescan --------------------------------------------------------------
step "rescan"

t3=$(tgt_iqn 3)
sid3=$(session_sid "$t3")
dd if=/dev/zero of=/tmp/tgt/lun3-2.img bs=1M count=0 seek=8 2>/dev/null
tap_check "tgtd adds LUN 2 to target3" \
	tgtadm --lld iscsi --op new --mode logicalunit --tid 3 --lun 2 -b /tmp/tgt/lun3-2.img
tap_check "-m session -r $sid3 --rescan" adm -m session -r "$sid3" --rescan
two_disks() { sessions_scan; [[ ${SESSION_DISKS[$t3]:-} == sd*" "sd* ]]; }
if wait_for 20 two_disks; then
	tap_ok "the rescan finds target3's new LUN (${SESSION_DISKS[$t3]})"
else
	tap_fail "the rescan finds target3's new LUN" "$(session_disks "$t3")"
fi
adm -m session -P 3 >/tmp/p3.out 2>&1
n=$(p3_block "$t3" | grep -c 'Attached scsi disk sd[a-z]*[[:space:]]*State: running')
[ "$n" -eq 2 ] && tap_ok "-P 3 shows target3's two disks" ||
	tap_fail "-P 3 shows target3's two disks" "$(p3_block "$t3" | tail -n 8)"

# ---- logout ----------------------------------------------------------------
step "logout"

declare -A disk_of=()
sessions_scan
for i in $rest; do disk_of[$i]=${SESSION_DISKS[$TGT_IQN_PREFIX$i]:-}; done
declare -A logout_pid=()
t=$(now)
for i in $rest; do
	adm -m node -T "$TGT_IQN_PREFIX$i" -p "$portal" --logout >"/tmp/logout$i.out" 2>&1 &
	logout_pid[$i]=$!
done
bad=
for i in $rest; do
	wait "${logout_pid[$i]}" || bad+=" target$i: exit $? $(cat "/tmp/logout$i.out");"
done
[ -z "$bad" ] && tap_ok "7 logouts (target4..10) started together all exit 0" ||
	tap_fail "7 logouts (target4..10) started together all exit 0" "$bad"
diag "7 concurrent logouts took $(since "$t")s"
gone() {
	local i
	sessions_scan
	for i in $rest; do
		[ -z "${SESSION_SID[$TGT_IQN_PREFIX$i]:-}" ] || return 1
		[ -z "${disk_of[$i]}" ] || [ ! -e "/sys/block/${disk_of[$i]}" ] || return 1
		[ -z "${disk_of[$i]}" ] || [ ! -e "/dev/${disk_of[$i]}" ] || return 1
	done
}
if wait_for 20 gone && [ "$(session_count)" -eq 3 ]; then
	tap_ok "their sessions and disks are gone; target1..3 remain"
else
	tap_fail "their sessions and disks are gone; target1..3 remain" \
		"$(ls /sys/class/iscsi_session /sys/block 2>&1 | tr '\n' ' ')"
fi

# ---- one record, four logins at once --------------------------------------
step "racing logins of one record"

iqn4=$TGT_IQN_PREFIX"4"
declare -A race_pid=()
for r in 1 2 3 4; do
	adm -m node -T "$iqn4" -p "$portal" --login >"/tmp/race$r.out" 2>&1 &
	race_pid[$r]=$!
done
codes=
for r in 1 2 3 4; do
	wait "${race_pid[$r]}"
	codes+=" $?"
done
sessions_scan
n4=0
for sid_dir in /sys/class/iscsi_session/session*; do
	[ "$(cat "$sid_dir/targetname" 2>/dev/null)" = "$iqn4" ] && n4=$((n4 + 1))
done
oks=$(printf '%s\n' $codes | grep -c '^0$')
exists=$(printf '%s\n' $codes | grep -c '^15$')
[ "$oks" -eq 1 ] && [ "$exists" -eq 3 ] && [ "$n4" -eq 1 ] &&
	tap_ok "4 racing logins of target4: one exits 0, three exit 15, one session" ||
	tap_fail "4 racing logins of target4: one exits 0, three exit 15, one session" \
		"exit codes:$codes; $n4 sessions; $(cat /tmp/race*.out)"
adm -m node -T "$iqn4" -p "$portal" --logout >/dev/null 2>&1
wait_for 20 eval '[ "$(session_count)" -eq 3 ]' || diag "target4's session did not go away"

# ---- login errors ------------------------------------------------------
step "login errors"

tap_check "-o new a record for a target tgtd does not have" \
	adm -m node -o new -T "$nosuch" -p "$portal"
expect_rc "login to an unknown target name exits 19 (non-retryable login failure)" 19 \
	adm -m node -T "$nosuch" -p "$portal" --login
tap_check "-o new a record for a portal nobody listens on" \
	adm -m node -o new -T "$(tgt_iqn 3)" -p "$down_portal"
# The reference retries a refused connection until the login timeout;
# shorter timeouts keep the case quick.
adm -m node -T "$(tgt_iqn 3)" -p "$down_portal" -o update \
	-n node.conn[0].timeo.login_timeout -v 3 >/dev/null 2>&1
adm -m node -T "$(tgt_iqn 3)" -p "$down_portal" -o update \
	-n node.session.initial_login_retry_max -v 1 >/dev/null 2>&1
t=$(now)
expect_rc "login to a target that is down exits 8 (connection timed out)" 8 \
	adm -m node -T "$(tgt_iqn 3)" -p "$down_portal" --login
diag "the failed login took $(since "$t")s"
[ "$(session_count)" -eq 3 ] && tap_ok "the failed logins left no session" ||
	tap_fail "the failed logins left no session" "$(ls /sys/class/iscsi_session)"
adm -m node -T "$nosuch" -p "$portal" -o delete >/dev/null 2>&1
adm -m node -T "$(tgt_iqn 3)" -p "$down_portal" -o delete >/dev/null 2>&1

# ---- iscsid restarted under live sessions ------------------------------
step "iscsid restart"

tap_check "iscsid exits on SIGTERM with sessions up" init_stop
out=$(adm -m session 2>&1)
[ "$(printf '%s\n' "$out" | grep -c '^tcp: ')" -eq 3 ] && [ -b "/dev/$disk" ] &&
	tap_ok "the sessions and disks outlive iscsid" ||
	tap_fail "the sessions and disks outlive iscsid" "$out"
tap_check "iscsid starts again" init_start || give_up "iscsid restart"
if wait_for 30 sessions_settled; then
	tap_ok "the new iscsid finds the 3 sessions (-m session -P 1: LOGGED IN, NO CHANGE)"
else
	tap_fail "the new iscsid finds the 3 sessions (-m session -P 1: LOGGED IN, NO CHANGE)" \
		"$(adm -m session -P 1 2>&1 | grep -e Target -e State)"
fi
got=$(dd if="/dev/$disk" bs=1M count=1 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$(head -c 1048576 /tmp/pattern | md5sum | cut -d' ' -f1)" ] &&
	tap_ok "target1's disk still reads the pattern" ||
	tap_fail "target1's disk still reads the pattern" "md5 $got"
sid3=$(session_sid "$t3")
disks_left=$(session_disks "$t2"; session_disks "$t3")
tap_check "-m session -r $sid3 --logout (target3) after the restart" \
	adm -m session -r "$sid3" --logout
tap_check "-m node -U all (target1, target2) after the restart" adm -m node -U all
all_gone() {
	local d
	[ "$(session_count)" -eq 0 ] || return 1
	for d in $disk $disks_left; do [ ! -e "/sys/block/$d" ] || return 1; done
}
if wait_for 20 all_gone; then
	tap_ok "no session and no iSCSI disk is left"
else
	tap_fail "no session and no iSCSI disk is left" "$(ls /sys/class/iscsi_session /sys/block 2>&1 | tr '\n' ' ')"
fi
# Every logout removed the disks while the connection still worked: the
# kernel never reports a failed cache flush or I/O to a gone session.
flush_errors=$(dmesg | grep -E 'Synchronize Cache.*failed|rejecting I/O to offline device' | head -n 3)
[ -z "$flush_errors" ] && tap_ok "no disk lost its last cache flush at logout" ||
	tap_fail "no disk lost its last cache flush at logout" "$flush_errors"
out=$(adm -m session 2>&1)
rc=$?
[ $rc -eq 21 ] && tap_ok "-m session exits 21 (no active sessions)" ||
	tap_fail "-m session exits 21 (no active sessions)" "exit $rc: $out"

tap_check "iscsid exits on SIGTERM" init_stop
tap_check "tgtd exits when told to" tgt_stop
step "done"
diag "guest steps took $(since "$t0")s (booted in ${t0}s)"
tap_done
