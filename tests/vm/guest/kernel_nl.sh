# Guest side of tests/vm/kernel_nl.sh: the NETLINK_ISCSI client
# (kernel/iscsi_nl.h) against the real iscsi_tcp, through
# /usr/local/sbin/kern_probe. Without the modules kern_open must say why;
# as a user it must say why; as root a session and its connection appear
# in sysfs with the values set, a Logout goes out through SEND_PDU and its
# response comes back as RECV_PDU, and everything disappears on destroy.
# shellcheck source=lib.sh
. /guest/lib.sh

probe=/usr/local/sbin/kern_probe

# expect NAME OUTPUT LINE: OUTPUT holds LINE exactly.
expect() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "wanted '$3'; got: $(printf '%s\n' "$2" | head -n 100)"
	fi
}

# expect_re NAME OUTPUT REGEX
expect_re() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		tap_ok "$1"
	else
		tap_fail "$1" "wanted /$3/; got: $(printf '%s\n' "$2" | head -n 100)"
	fi
}

kver=$(uname -r)
out=$($probe open 2>&1)
rc=$?
if [ $rc -eq 1 ]; then
	expect "without the modules kern_open fails with one clear line" "$out" \
		"open=fail module iscsi_tcp not found for kernel $kver"
else
	tap_fail "without the modules kern_open fails with one clear line" "exit $rc: $out"
fi

tap_check "kernel iSCSI modules load" vm_load_modules || { tap_done; exit; }

out=$($probe open --uid 65534 2>&1)
rc=$?
if [ $rc -eq 1 ]; then
	expect "as a user kern_open fails with one clear line" "$out" \
		"open=fail reading the handle of transport tcp: Permission denied (needs root)"
else
	tap_fail "as a user kern_open fails with one clear line" "exit $rc: $out"
fi

out=$($probe open 2>&1)
expect_re "as root kern_open finds the tcp transport" "$out" '^open=ok handle=0x[0-9a-f]+$'

out=$($probe lifecycle 2>&1)
rc=$?
diag "$out"
sid=$(printf '%s\n' "$out" | sed -n 's/^sid=\([0-9]*\) .*/\1/p')
expect "create session" "$out" "create_session=ok"
expect "the session appears in sysfs" "$out" "sysfs_session=present"
expect "the kernel announces it (ISCSI_KEVENT_CREATE_SESSION)" "$out" \
	"event=106 sid=$sid cid=0 host=$(printf '%s\n' "$out" | sed -n 's/^sid=[0-9]* host=//p') error=-"
expect "create connection" "$out" "create_conn=ok"
expect "the connection appears in sysfs" "$out" "sysfs_conn=present"
expect_re "a parameter before bind is refused clearly" "$out" \
	'^set_param_unbound=-107 set parameter: Transport endpoint is not connected \(the connection is not bound'
expect "bind a connected TCP socket" "$out" "bind_conn=ok"
if printf '%s\n' "$out" | grep -q '^set_param_[0-9]*=fail'; then
	tap_fail "every parameter is accepted" "$(printf '%s\n' "$out" | grep '^set_param_[0-9]*=fail')"
else
	tap_ok "every parameter is accepted ($(printf '%s\n' "$out" | grep -c '^set_param_[0-9]*=ok') set)"
fi
expect "a parameter iscsi_tcp does not keep (ISID) is refused clearly" "$out" \
	"set_isid=-38 set parameter: Function not implemented (the transport does not support it)"
expect "host parameter: initiator name" "$out" "set_host_param=0 "
expect "the host shows it" "$out" "sysfs.initiatorname=iqn.2024-01.test.vm:kern-probe-initiator"
expect "a password is never sent" "$out" \
	"set_password=-1 set parameter 24: passwords are never handed to the kernel"
port=$(printf '%s\n' "$out" | sed -n 's/^peer_port=//p')
ok=1
for want in targetname=iqn.2024-01.test.vm:kern-probe \
	initiatorname=iqn.2024-01.test.vm:kern-probe-initiator tpgt=1 \
	ifacename=default username=probeuser recovery_tmo=7 first_burst_len=65536 \
	max_burst_len=262144 immediate_data=1 initial_r2t=0 lu_reset_tmo=20 \
	tgt_reset_tmo=30 abort_tmo=15 persistent_address=127.0.0.1 persistent_port=3260 \
	address=127.0.0.1 port=$port max_recv_dlength=65536 max_xmit_dlength=32768 \
	header_digest=0 data_digest=0 exp_statsn=5 ping_tmo=5 recv_tmo=5; do
	printf '%s\n' "$out" | grep -qxF "sysfs.$want" || { ok=0; diag "missing sysfs.$want"; }
done
[ $ok -eq 1 ] && tap_ok "sysfs shows every value set (25 attributes)" ||
	tap_fail "sysfs shows every value set (25 attributes)"
expect "ksys_get_session reads the same session" "$out" \
	"ksys=target iqn.2024-01.test.vm:kern-probe tpgt 1 portal 127.0.0.1:3260 conn 127.0.0.1:$port state FREE/bound"
expect "statistics: 21 counters and iscsi_tcp's 3 custom ones" "$out" "stats=21 counters, 3 custom"
expect "start connection" "$out" "start_conn=ok"
expect "the connection is up" "$out" "sysfs.state=up"
expect "send a Logout Request through the kernel" "$out" "send_pdu=ok"
expect "the target side receives it" "$out" "target_got=opcode 0x06"
expect "the Logout Response comes back as RECV_PDU" "$out" "recv_pdu=opcode 0x26 len 48"
expect "stop connection (TERM)" "$out" "stop_conn=ok"
expect "destroy connection" "$out" "destroy_conn=ok"
expect "the connection is gone from sysfs" "$out" "sysfs_conn_after=absent"
expect "destroy session" "$out" "destroy_session=ok"
expect "the session is gone from sysfs" "$out" "sysfs_session_after=absent"
expect_re "destroying it again fails clearly" "$out" \
	'^destroy_again=-22 destroy session: Invalid argument \(no such session or connection\)$'
expect "the kernel announces the unbind (ISCSI_KEVENT_UNBIND_SESSION)" "$out" \
	"event=105 sid=$sid cid=0 host=$(printf '%s\n' "$out" | sed -n 's/^sid=[0-9]* host=//p') error=-"
expect "the kernel announces the destruction (ISCSI_KEVENT_DESTROY_SESSION)" "$out" \
	"event=104 sid=$sid cid=0 host=$(printf '%s\n' "$out" | sed -n 's/^sid=[0-9]* host=//p') error=-"
[ $rc -eq 0 ] && tap_ok "kern_probe lifecycle exits 0" || tap_fail "kern_probe lifecycle exits 0" "exit $rc"
[ -z "$(ls /sys/class/iscsi_session 2>/dev/null)" ] && tap_ok "no session left behind" ||
	tap_fail "no session left behind" "$(ls /sys/class/iscsi_session)"
tap_done
