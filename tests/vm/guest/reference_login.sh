# Guest side of tests/vm/reference_login.sh: Debian's open-iscsi logs in
# to tgtd through the kernel's iscsi_tcp, moves 16 MiB each way and logs
# out. The baseline the project's own initiator is held to.
# shellcheck source=lib.sh
. /guest/lib.sh

portal=127.0.0.1:$TGT_PORT
iqn=$(tgt_iqn 1)
t0=$(now)

# A failed set-up step leaves nothing meaningful to test after it.
give_up() {
	ref_iscsid_stop
	tgt_stop
	tap_done
	exit
}

tap_check "kernel iSCSI modules load (iscsi_tcp, sd_mod and dependencies)" \
	vm_load_modules || give_up
tap_check "tgtd serves a 64 MiB target on $portal" tgt_start 64 || give_up
tap_check "reference iscsid starts" ref_iscsid_start || give_up

out=$(ref_iscsiadm -m discovery -t sendtargets -p "$portal" 2>&1)
if printf '%s\n' "$out" | grep -qx "$portal,1 $iqn"; then
	tap_ok "sendtargets discovery lists $iqn"
else
	tap_fail "sendtargets discovery lists $iqn" "$out"
	give_up
fi

tap_check "login to $iqn" ref_iscsiadm -m node -T "$iqn" -p "$portal" --login || give_up

if wait_for 30 session_disk "$iqn"; then
	disk=$(session_disk "$iqn")
	tap_ok "the session's disk appears (/dev/$disk)"
else
	tap_fail "the session's disk appears" "$(ls -R /sys/class/iscsi_session 2>&1 | head -n 20)"
	give_up
fi

bytes=$(($(cat "/sys/block/$disk/size") * 512))
if [ "$bytes" -eq $((64 << 20)) ]; then
	tap_ok "/dev/$disk is 64 MiB"
else
	tap_fail "/dev/$disk is 64 MiB" "it has $bytes bytes"
fi

session_line=$(ref_iscsiadm -m session 2>&1)
if printf '%s\n' "$session_line" | grep -q "^tcp: \[[0-9]*\] $portal,1 $iqn"; then
	tap_ok "iscsiadm -m session shows the session"
else
	tap_fail "iscsiadm -m session shows the session" "$session_line"
fi

# 16 MiB that are not zeros, written 4 MiB into the disk, so that neither a
# lost write nor a shifted one reads back as the same bytes. md5 detects
# accidents well enough and costs half of sha256 under emulation.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
want=$(md5sum </tmp/pattern | cut -d' ' -f1)
t=$(now)
tap_check "write 16 MiB to /dev/$disk (O_DIRECT, fsync)" \
	dd if=/tmp/pattern of="/dev/$disk" bs=1M seek=4 oflag=direct conv=fsync
diag "write took $(since "$t")s"

t=$(now)
dd if="/dev/$disk" of=/tmp/readback bs=1M skip=4 count=16 iflag=direct 2>/dev/null
diag "read took $(since "$t")s"
got=$(md5sum </tmp/readback | cut -d' ' -f1)
if [ "$got" = "$want" ]; then
	tap_ok "read back through the kernel: identical"
else
	tap_fail "read back through the kernel: identical" "md5 $got, wrote $want"
fi

stored=$(dd if="$(tgt_backing 1)" bs=1M skip=4 count=16 2>/dev/null | md5sum | cut -d' ' -f1)
if [ "$stored" = "$want" ]; then
	tap_ok "the target's backing file holds the same bytes"
else
	tap_fail "the target's backing file holds the same bytes" "md5 $stored, wrote $want"
fi

tap_check "logout from $iqn" ref_iscsiadm -m node -T "$iqn" -p "$portal" --logout

if wait_for 30 test ! -e "/dev/$disk" && ! session_disk "$iqn" >/dev/null; then
	tap_ok "/dev/$disk and the session are gone"
else
	tap_fail "/dev/$disk and the session are gone" "$(ls /sys/class/iscsi_session 2>&1)"
fi

tap_check "reference iscsid exits on SIGTERM" ref_iscsid_stop
tap_check "tgtd exits when told to" tgt_stop
diag "guest steps took $(since "$t0")s (booted in ${t0}s)"
tap_done
