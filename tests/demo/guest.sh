# Guest side of tests/demo/run (inside the qemu VM): the main job shown
# step by step - iscsid started, a target discovered and logged in to, data
# written through the new disk and read back, the session listed, logout.
# Every command is printed with its output.
# shellcheck source=../vm/guest/lib.sh
. /guest/lib.sh

portal=127.0.0.1:$TGT_PORT
iqn=$(tgt_iqn 1)
failed=0

say() {
	printf '\n## %s\n' "$*"
}

# show CMD...: prints "$ CMD" and runs it; a failure is shown and counted.
show() {
	printf '$ %s\n' "$*"
	"$@"
	local rc=$?
	[ $rc -eq 0 ] || { echo "(exit $rc)"; failed=$((failed + 1)); }
	return $rc
}

# show_sh 'PIPELINE': prints it and runs it with sh.
show_sh() {
	printf '$ %s\n' "$1"
	sh -c "$1"
	local rc=$?
	[ $rc -eq 0 ] || { echo "(exit $rc)"; failed=$((failed + 1)); }
	return $rc
}

# show_adm ARGS...: iscsiadm of the initiator in use, printed as run.
show_adm() {
	local name=iscsiadm
	[ "$INITIATOR" = ref ] && name=$REF/sbin/iscsiadm
	printf '$ %s %s\n' "$name" "$*"
	adm "$@"
	local rc=$?
	[ $rc -eq 0 ] || { echo "(exit $rc)"; failed=$((failed + 1)); }
	return $rc
}

finish() {
	adm -m node -U all >/dev/null 2>&1
	init_stop >/dev/null 2>&1
	tgt_stop >/dev/null 2>&1
	echo
	if [ $failed -eq 0 ]; then
		echo "## demo finished: every step succeeded"
	else
		echo "## demo finished: $failed step(s) failed"
	fi
	exit $((failed > 100 ? 100 : failed))
}

echo "## initiator: $(init_label)"
if [ "$INITIATOR" = ref ]; then
	echo "## (this run uses Debian's open-iscsi as a stand-in: DEMO_INITIATOR=ours runs the project's own)"
fi
vm_load_modules || { echo "cannot load the kernel's iSCSI modules"; failed=1; finish; }
tgt_start 64 || { echo "tgtd did not start"; failed=1; finish; }
echo "## the VM's kernel has iscsi_tcp loaded; tgtd serves $iqn (64 MiB) on $portal"

say "start iscsid"
if [ "$INITIATOR" = ours ]; then
	echo "\$ $OURS_SBIN/iscsid -f &"
else
	echo "\$ $REF/sbin/iscsid -f &"
fi
init_start || { failed=1; finish; }
ps | awk '$0 ~ /iscsi(d|-worker)/ && !/awk/'

say "discover the targets behind the portal (SendTargets)"
show_adm -m discovery -t sendtargets -p "$portal" || finish

say "log in: the kernel's iscsi_tcp takes over the connection and a disk appears"
show_adm -m node -T "$iqn" -p "$portal" --login || finish
if ! wait_for 30 session_disk "$iqn"; then
	echo "no disk appeared"
	failed=$((failed + 1))
	finish
fi
disk=$(session_disk "$iqn")
read -r vendor <"/sys/block/$disk/device/vendor"
read -r model <"/sys/block/$disk/device/model"
echo "## the new disk is /dev/$disk: $(($(cat "/sys/block/$disk/size") / 2048)) MiB, $vendor $model"

say "write through the disk and read it back"
msg="hello from the demo, written at $(date -u +%H:%M:%S) UTC"
echo "\$ echo '$msg' | dd of=/dev/$disk bs=512 conv=sync oflag=direct"
echo "$msg" | dd of="/dev/$disk" bs=512 conv=sync oflag=direct 2>&1 | tail -n 1
show_sh "dd if=/dev/$disk bs=512 count=1 iflag=direct 2>/dev/null | head -n 1"
show dd if=/dev/urandom of=/tmp/data bs=1M count=16
show dd if=/tmp/data of="/dev/$disk" bs=1M seek=1 oflag=direct conv=fsync
show_sh "dd if=/dev/$disk bs=1M skip=1 count=16 iflag=direct 2>/dev/null | md5sum; md5sum </tmp/data"
a=$(dd if="/dev/$disk" bs=1M skip=1 count=16 iflag=direct 2>/dev/null | md5sum)
b=$(md5sum </tmp/data)
if [ "$a" = "$b" ]; then
	echo "## the 16 MiB read back are identical to what was written"
else
	echo "## MISMATCH: the data read back differ"
	failed=$((failed + 1))
fi

say "the session"
show_adm -m session
sid=$(session_sid "$iqn")
show_adm -m session -P 3
show_adm -m session -r "$sid" --stats

say "log out: the disk goes away"
show_adm -m node -T "$iqn" -p "$portal" --logout
if wait_for 30 test ! -e "/sys/block/$disk"; then
	echo "## /dev/$disk is gone"
else
	echo "## /dev/$disk is still there"
	failed=$((failed + 1))
fi
name=iscsiadm
[ "$INITIATOR" = ref ] && name=$REF/sbin/iscsiadm
echo "\$ $name -m session"
adm -m session
rc=$?
if [ $rc -eq 21 ]; then
	echo "(exit 21: no active sessions, as expected)"
else
	echo "(exit $rc, expected 21: no active sessions)"
	failed=$((failed + 1))
fi
finish
