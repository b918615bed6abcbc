# The kernel's own iSCSI target (LIO: target_core_mod, iscsi_target_mod)
# for guest scripts, configured through configfs (bash, sourced after
# lib.sh; the wrapper passes tests/vm/guest/lio.sh:/guest/lio.sh and
# VM_MODULES="iscsi_target_mod sha3_generic"):
#
#   lio_start INITIATOR SIZE_MIB  configfs mounted; target $LIO_IQN on
#                           127.0.0.1:$LIO_PORT, LUN 0 a SIZE_MIB ramdisk
#                           (rd_mcp), no demo mode: only INITIATOR's ACL
#                           logs in, and only through CHAP
#   lio_chap USER PASS [USER_IN PASS_IN]   the ACL's CHAP account; with
#                           USER_IN/PASS_IN the target also proves itself
#                           (mutual), without them mutual is switched off
#   lio_discovery_chap USER PASS [USER_IN PASS_IN]   the same for
#                           SendTargets sessions, enforced
#   lio_discovery_open      discovery without authentication again
#   lio_alg_trace_on        the target notes each CHAP_A it picks in
#                           the kernel log (dynamic debug)
#   lio_last_alg            prints the algorithm of the last CHAP
#                           exchange the target ran (MD5, SHA1, SHA256,
#                           SHA3-256), from that kernel log
#   lio_stop                everything above taken down again
#
# LIO picks the first entry of the initiator's CHAP_A list that it knows
# (5 MD5, 6 SHA1, 7 SHA256, 8 SHA3-256) and the kernel's crypto API can
# instantiate; the challenge is as long as the digest. The guest has no
# modprobe helper, so sha3-256 exists only once sha3_generic is loaded.
#
# Values are written with printf '%s': LIO keeps a trailing newline as
# part of a user name or secret.

LIO_PORT=${LIO_PORT:-3261}
LIO_IQN=${LIO_IQN:-iqn.2024-01.test.vm:lio}
LIO_CFG=/sys/kernel/config/target
lio_tpg=$LIO_CFG/iscsi/$LIO_IQN/tpgt_1
lio_acl=

# lio_put FILE VALUE: one configfs attribute, with the file named on
# failure (configfs answers EINVAL without saying which).
lio_put() {
	if ! printf '%s' "$2" 2>/dev/null >"$1"; then
		echo "lio: cannot write $1" >&2
		return 1
	fi
}

lio_start() {
	local init=$1 size=$2 dev=$LIO_CFG/core/rd_mcp_0/lun0
	[ -d /sys/module/iscsi_target_mod ] || {
		echo "lio: iscsi_target_mod is not loaded (VM_MODULES, vm_load_modules)" >&2
		return 1
	}
	if [ ! -d "$LIO_CFG" ]; then
		mount -t configfs configfs /sys/kernel/config || return 1
	fi
	mkdir -p "$LIO_CFG/iscsi" "$dev" || return 1
	lio_put "$dev/control" "rd_pages=$((size * 256))" &&
		lio_put "$dev/enable" 1 || return 1
	mkdir -p "$lio_tpg/lun/lun_0" &&
		ln -s "$dev" "$lio_tpg/lun/lun_0/lun0" &&
		mkdir "$lio_tpg/np/127.0.0.1:$LIO_PORT" || return 1
	# No demo mode: an initiator without an ACL of its own is refused.
	lio_put "$lio_tpg/attrib/generate_node_acls" 0 &&
		lio_put "$lio_tpg/attrib/authentication" 1 &&
		lio_put "$lio_tpg/param/AuthMethod" CHAP || return 1
	lio_acl=$lio_tpg/acls/$init
	mkdir -p "$lio_acl/lun_0" &&
		ln -s "$lio_tpg/lun/lun_0" "$lio_acl/lun_0/lun0" || return 1
	lio_put "$lio_tpg/enable" 1 || return 1
	wait_for 10 tcp_listening "$LIO_PORT"
}

# lio_auth_set DIR USER PASS [USER_IN PASS_IN]: "NULL" clears an account.
lio_auth_set() {
	local dir=$1
	lio_put "$dir/userid" "$2" && lio_put "$dir/password" "$3" &&
		lio_put "$dir/userid_mutual" "${4:-NULL}" &&
		lio_put "$dir/password_mutual" "${5:-NULL}"
}

lio_chap() {
	[ -n "$lio_acl" ] || { echo "lio_chap: lio_start first" >&2; return 1; }
	lio_auth_set "$lio_acl/auth" "$@"
}

lio_discovery_chap() {
	lio_auth_set "$LIO_CFG/iscsi/discovery_auth" "$@" &&
		lio_put "$LIO_CFG/iscsi/discovery_auth/enforce_discovery_auth" 1
}

lio_discovery_open() {
	lio_put "$LIO_CFG/iscsi/discovery_auth/enforce_discovery_auth" 0 &&
		lio_auth_set "$LIO_CFG/iscsi/discovery_auth" NULL NULL
}

# The target's "[server] Got CHAP_A=<n>" debug line, printed once per
# CHAP exchange after it chose. Only chap_server_open's lines: the other
# debug lines of the file show challenges and responses.
lio_alg_trace_on() {
	local ctl=/proc/dynamic_debug/control
	if [ ! -w "$ctl" ]; then
		mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug || return 1
		ctl=/sys/kernel/debug/dynamic_debug/control
	fi
	echo 'module iscsi_target_mod func chap_server_open +p' >"$ctl"
}

lio_last_alg() {
	local n
	n=$(dmesg | sed -n 's/.*\[server\] Got CHAP_A=\([0-9]*\).*/\1/p' | tail -n 1)
	case $n in
	5) echo MD5 ;;
	6) echo SHA1 ;;
	7) echo SHA256 ;;
	8) echo SHA3-256 ;;
	*) echo "lio_last_alg: no CHAP_A choice in the kernel log" >&2; return 1 ;;
	esac
}

lio_stop() {
	[ -d "$lio_tpg" ] || return 0
	printf 0 >"$lio_tpg/enable" 2>/dev/null
	[ -z "$lio_acl" ] || {
		rm -f "$lio_acl/lun_0/lun0"
		rmdir "$lio_acl/lun_0" "$lio_acl"
	}
	rmdir "$lio_tpg/np/127.0.0.1:$LIO_PORT"
	rm -f "$lio_tpg/lun/lun_0/lun0"
	rmdir "$lio_tpg/lun/lun_0" "$lio_tpg" "$LIO_CFG/iscsi/$LIO_IQN" \
		"$LIO_CFG/core/rd_mcp_0/lun0" "$LIO_CFG/core/rd_mcp_0"
	lio_acl=
}
