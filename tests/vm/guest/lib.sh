# Library for guest scripts of the qemu test VM (bash, sourced):
#
#   . /guest/lib.sh
#
# TAP:
#   tap_ok NAME / tap_fail NAME [WHY] / tap_skip NAME WHY
#   tap_check NAME CMD...   runs CMD; ok when it succeeds, otherwise
#                           not ok with its output as "# " lines
#   tap_done                prints the plan; returns the failure count
#                           (at most 100), the script's exit status
#   diag TEXT...            a "# " line
# Set-up:
#   vm_load_modules         insmod the iSCSI modules in dependency order,
#                           then those VM_MODULES added (extra-order)
#   tgt_start SIZE_MIB...   tgtd on 127.0.0.1:$TGT_PORT, one target per
#                           size (tid i, LUN 1, backed by /tmp/tgt/lun<i>.img)
#   tgt_iqn I / tgt_backing I   the IQN and backing file of target I
#   tgt_stop
#   ref_iscsid_start / ref_iscsid_stop   Debian's open-iscsi iscsid
#   stop_pid PID            SIGTERM, fails if not gone within 10 s
#   ref_iscsiadm ARGS...    Debian's iscsiadm
# Either initiator, the same script (INITIATOR=ref|ours):
#   INITIATOR               "ref" (Debian's open-iscsi under /ref, the
#                           default) or "ours" (iscsid, iscsiadm and
#                           iscsi-worker in /usr/local/sbin); taken from
#                           vm.initiator= on the kernel command line
#                           (tests/vm/run: VM_INITIATOR=ours) unless set
#   init_use ref|ours       switch (one script can measure both)
#   init_label              a line naming the initiator in use
#   init_available ref|ours its programs are in the image
#   init_start / init_stop  its iscsid in the foreground (own session),
#                           iscsid.conf and initiatorname.iscsi in
#                           /etc/iscsi; stop is SIGTERM. Ours gets
#                           $OURS_ISCSID_ARGS (e.g. "-d 8"), its output
#                           goes to /tmp/iscsid-ours.log
#   adm ARGS...             its iscsiadm
#   init_rss_kib            resident memory (KiB) of every iscsid and
#                           iscsi-worker process alive
# Waiting and finding:
#   wait_for SECONDS CMD... polls CMD every 0.1 s until it succeeds
#   session_disk IQN        prints the sdX of the logged-in session to IQN
#   session_disks IQN       every sdX of that session, one a line
#   session_sid IQN         the kernel's session id of the session to IQN
#   session_count           how many iSCSI sessions the kernel has
#   sessions_scan           SESSION_SID[IQN], SESSION_DISKS[IQN] for all
#   scsi_offline_all        takes every SCSI device offline (so that an
#                           abandoned session cannot stall the shutdown)
#   tcp_listening PORT      something listens on 127.0.0.1 or 0.0.0.0:PORT
#   now / since T           seconds since boot; seconds since T (0.01 s)
# Faults:
#   tgt_conns TID           "SID CID" of each of tgtd's connections to TID
#   tgt_conn_drop TID       tgtd drops every connection of target TID
#   tgt_kill / tgt_revive / tgt_restart   tgtd killed with SIGKILL; started
#                           again with tgt_start's targets and backing files
#   net_cut SECONDS         loopback down for that long, then up again
#   kernel_conn_errors      count of the kernel's "detected conn error" lines
#   session_state SID       LOGGED_IN, FAILED or FREE (sysfs, no fork)
#   adm_within SECONDS ARGS...   adm, killed after SECONDS
#
# Everything runs on the guest's own loopback; files live in /tmp (tmpfs).

TGT_PORT=${TGT_PORT:-3260}
TGT_IQN_PREFIX=${TGT_IQN_PREFIX:-iqn.2024-01.test.vm:target}
REF=/ref
REF_INITIATOR=${REF_INITIATOR:-iqn.2024-01.test.vm:ref-initiator}

tap_count=0
tap_failed=0

tap_ok() {
	tap_count=$((tap_count + 1))
	echo "ok - $1"
}

tap_fail() {
	tap_count=$((tap_count + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok - $1"
	[ -z "${2:-}" ] || diag "$2"
}

tap_skip() {
	tap_count=$((tap_count + 1))
	echo "ok - $1 # SKIP $2"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# Runs CMD in this shell (not in a $(...) subshell), so that what it
# sets, such as the pids tgt_start and ref_iscsid_start keep, stays set.
tap_check() {
	local name=$1 out=/tmp/tap_check.out
	shift
	if "$@" >"$out" 2>&1; then
		tap_ok "$name"
		return 0
	fi
	tap_fail "$name"
	[ ! -s "$out" ] || diag "$(cat "$out")"
	return 1
}

tap_done() {
	echo "1..$tap_count"
	[ $tap_failed -le 100 ] || tap_failed=100
	return $tap_failed
}

wait_for() {
	local limit=$1 tries
	shift
	tries=$((limit * 10))
	while ! "$@" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.1
	done
}

now() {
	cut -d' ' -f1 /proc/uptime
}

since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

# Loads every module of /lib/modules/load-order and then extra-order
# (written by build-image, dependencies first; extra-order holds what the
# test's VM_MODULES added). crc32c_intel is allowed to fail: it refuses
# CPUs without SSE4.2 and crc32c_generic serves instead.
vm_load_modules() {
	local m out order
	for order in /lib/modules/load-order /lib/modules/extra-order; do
		[ -f "$order" ] || continue
		while read -r m; do
			[ -d "/sys/module/$m" ] && continue
			if ! out=$(insmod "/lib/modules/$m.ko" 2>&1); then
				[ "$m" = crc32c_intel ] && continue
				echo "insmod $m: $out" >&2
				return 1
			fi
		done <"$order"
	done
}

tgt_iqn() {
	echo "$TGT_IQN_PREFIX$1"
}

tgt_backing() {
	echo "/tmp/tgt/lun$1.img"
}

tgtd_pid=
tgt_count=0

# tgt_start SIZE_MIB...: one target per size, LUN 1 backed by a file of
# that size filled with zeros, open to every initiator.
tgt_start() {
	local i=0 size
	mkdir -p /run/tgtd /tmp/tgt
	setsid tgtd -f --iscsi "portal=127.0.0.1:$TGT_PORT" >/tmp/tgt/tgtd.log 2>&1 &
	tgtd_pid=$!
	if ! wait_for 30 tgtadm --lld iscsi --op show --mode target; then
		echo "tgtd did not come up:" >&2
		cat /tmp/tgt/tgtd.log >&2
		return 1
	fi
	for size in "$@"; do
		i=$((i + 1))
		tgt_count=$i
		dd if=/dev/zero of="$(tgt_backing $i)" bs=1M count=0 seek="$size" 2>/dev/null &&
		tgtadm --lld iscsi --op new --mode target --tid $i -T "$(tgt_iqn $i)" &&
		tgtadm --lld iscsi --op new --mode logicalunit --tid $i --lun 1 \
			-b "$(tgt_backing $i)" &&
		tgtadm --lld iscsi --op bind --mode target --tid $i -I ALL || return 1
	done
	wait_for 30 tcp_listening "$TGT_PORT"
}

# tcp_listening PORT: something listens on TCP PORT (IPv4; busybox nc
# cannot probe without connecting).
tcp_listening() {
	local hex
	hex=$(printf ':%04X ' "$1")
	awk -v p="$hex" '$4 == "0A" && index($2 " ", p) { found = 1 } END { exit !found }' \
		/proc/net/tcp
}

tgt_stop() {
	[ -n "$tgtd_pid" ] || return 0
	# tgtd ignores SIGTERM: it exits when told so over its management
	# socket, which it refuses while it has targets.
	local tid
	for tid in $(seq "$tgt_count"); do
		tgtadm --lld iscsi --op delete --mode target --tid "$tid" --force >/dev/null 2>&1
	done
	tgt_count=0
	tgtadm --op delete --mode system >/dev/null 2>&1
	stop_pid "$tgtd_pid"
	local rc=$?
	tgtd_pid=
	return $rc
}

# stop_pid PID: SIGTERM to a child of this shell; fails (and uses
# SIGKILL) when it has not exited 10 s later.
stop_pid() {
	kill "$1" 2>/dev/null
	if wait_for 10 pid_exited "$1"; then
		wait "$1" 2>/dev/null
		return 0
	fi
	echo "pid $1 ($(cat "/proc/$1/comm" 2>/dev/null)) ignored SIGTERM" >&2
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 1
}

# pid_exited PID: gone, or a zombie waiting to be reaped.
pid_exited() {
	[ ! -e "/proc/$1/stat" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

ref_iscsid_pid=

# Debian's iscsid in the foreground, with the package's iscsid.conf and
# an initiator name of our own in /etc/iscsi.
ref_iscsid_start() {
	mkdir -p /etc/iscsi /var/lib/iscsi /run/lock/iscsi
	cp "$REF/iscsid.conf" /etc/iscsi/iscsid.conf
	echo "InitiatorName=$REF_INITIATOR" >/etc/iscsi/initiatorname.iscsi
	# Its own session: stopping it with SIGTERM was seen to terminate
	# its whole process group, which would otherwise be this script's.
	setsid "$REF/sbin/iscsid" -f >/tmp/ref-iscsid.log 2>&1 &
	ref_iscsid_pid=$!
	# iscsid answers on its abstract control socket once ready.
	if ! wait_for 30 grep -q '@ISCSIADM_ABSTRACT_NAMESPACE' /proc/net/unix; then
		echo "iscsid did not come up:" >&2
		cat /tmp/ref-iscsid.log >&2
		return 1
	fi
}

ref_iscsid_stop() {
	[ -n "$ref_iscsid_pid" ] || return 0
	stop_pid "$ref_iscsid_pid"
	local rc=$?
	ref_iscsid_pid=
	return $rc
}

ref_iscsiadm() {
	"$REF/sbin/iscsiadm" "$@"
}

# session_disk IQN: the block device of LUN 1.. of the session logged in
# to IQN, e.g. "sda"; fails while the session or its disk is not there.
session_disk() {
	local s blk t
	for s in /sys/class/iscsi_session/session*; do
		read -r t 2>/dev/null <"$s/targetname" || continue
		[ "$t" = "$1" ] || continue
		for blk in "$s"/device/target*/*/block/*; do
			[ -e "$blk" ] || continue
			echo "${blk##*/}"
			return 0
		done
	done
	return 1
}

# session_disks IQN: every block device of the session logged in to IQN.
session_disks() {
	local s blk t found=1
	for s in /sys/class/iscsi_session/session*; do
		read -r t 2>/dev/null <"$s/targetname" || continue
		[ "$t" = "$1" ] || continue
		for blk in "$s"/device/target*/*/block/*; do
			[ -e "$blk" ] || continue
			echo "${blk##*/}"
			found=0
		done
	done
	return $found
}

# session_sid IQN: e.g. "3" for session3.
session_sid() {
	local s t
	for s in /sys/class/iscsi_session/session*; do
		read -r t 2>/dev/null <"$s/targetname" || continue
		[ "$t" = "$1" ] || continue
		echo "${s##*/session}"
		return 0
	done
	return 1
}

# sessions_scan: fills SESSION_SID[IQN] and SESSION_DISKS[IQN] (sdX
# names, space-separated, in LUN order) from sysfs without starting a
# process (forks are slow under software emulation).
declare -A SESSION_SID=() SESSION_DISKS=()
sessions_scan() {
	local s blk t
	SESSION_SID=()
	SESSION_DISKS=()
	for s in /sys/class/iscsi_session/session*; do
		read -r t 2>/dev/null <"$s/targetname" || continue
		SESSION_SID[$t]=${s##*/session}
		SESSION_DISKS[$t]=
		for blk in "$s"/device/target*/*/block/*; do
			[ -e "$blk" ] || continue
			SESSION_DISKS[$t]+="${SESSION_DISKS[$t]:+ }${blk##*/}"
		done
	done
}

session_count() {
	local s n=0
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] && n=$((n + 1))
	done
	echo $n
}

# The kernel flushes every disk's write cache at power-off; a session whose
# target or daemon is gone would hold that flush for the whole recovery
# timeout. An offline device fails it at once.
scsi_offline_all() {
	local st
	for st in /sys/class/scsi_device/*/device/state; do
		[ -e "$st" ] && echo offline >"$st" 2>/dev/null
	done
	return 0
}

# ---- the initiator under test ----------------------------------------

# vm.initiator=NAME on the kernel command line, "ref" without one.
cmdline_initiator() {
	local w
	for w in $(cat /proc/cmdline); do
		case $w in vm.initiator=*) echo "${w#vm.initiator=}"; return ;; esac
	done
	echo ref
}

INITIATOR=${INITIATOR:-$(cmdline_initiator)}
OURS_SBIN=/usr/local/sbin
# iscsid.conf for ours: the project's etc/iscsid.conf when the wrapper
# copied it there, else the reference's (ours reads open-iscsi's format).
OURS_CONF=/usr/local/etc/iscsi/iscsid.conf
OURS_INITIATOR=${OURS_INITIATOR:-iqn.2024-01.test.vm:our-initiator}
init_pid=

init_use() {
	case $1 in
	ref | ours) INITIATOR=$1 ;;
	*) echo "init_use: unknown initiator '$1' (ref or ours)" >&2; return 1 ;;
	esac
}

init_available() {
	case $1 in
	ref) [ -x "$REF/sbin/iscsid" ] && [ -x "$REF/sbin/iscsiadm" ] ;;
	ours) [ -x "$OURS_SBIN/iscsid" ] && [ -x "$OURS_SBIN/iscsiadm" ] &&
		[ -x "$OURS_SBIN/iscsi-worker" ] ;;
	*) return 1 ;;
	esac
}

init_label() {
	case $INITIATOR in
	ref) echo "Debian's open-iscsi 2.1.8 (reference)" ;;
	ours) echo "ours ($OURS_SBIN/iscsid, iscsiadm, iscsi-worker)" ;;
	esac
}

adm() {
	case $INITIATOR in
	ref) "$REF/sbin/iscsiadm" "$@" ;;
	ours) "$OURS_SBIN/iscsiadm" "$@" ;;
	*) echo "adm: INITIATOR '$INITIATOR' is neither ref nor ours" >&2; return 1 ;;
	esac
}

# init_start: iscsid of $INITIATOR in the foreground; fails when it does
# not answer on its control socket within 30 s (its log is shown).
init_start() {
	local conf=$REF/iscsid.conf log=/tmp/iscsid-$INITIATOR.log
	init_available "$INITIATOR" || {
		echo "init_start: $INITIATOR's programs are not in the image" >&2
		return 1
	}
	mkdir -p /etc/iscsi /var/lib/iscsi /run/lock/iscsi
	case $INITIATOR in
	ref)
		# ref_iscsid_start keeps its own pid variable; share it so that
		# ref_iscsid_stop and init_stop stop the same daemon.
		ref_iscsid_start || return 1
		init_pid=$ref_iscsid_pid
		return 0 ;;
	ours)
		[ -f "$OURS_CONF" ] && conf=$OURS_CONF
		cp "$conf" /etc/iscsi/iscsid.conf
		echo "InitiatorName=$OURS_INITIATOR" >/etc/iscsi/initiatorname.iscsi
		# shellcheck disable=SC2086 # word-split on purpose
		setsid "$OURS_SBIN/iscsid" -f ${OURS_ISCSID_ARGS:-} >>"$log" 2>&1 &
		init_pid=$!
		if ! wait_for 30 test -S /run/iscsid/iscsid.sock; then
			echo "iscsid did not come up:" >&2
			cat "$log" >&2
			return 1
		fi ;;
	esac
}

init_stop() {
	case $INITIATOR in
	ref)
		[ -n "$ref_iscsid_pid" ] || ref_iscsid_pid=$init_pid
		ref_iscsid_stop
		local rc=$?
		init_pid=
		return $rc ;;
	ours)
		[ -n "$init_pid" ] || return 0
		stop_pid "$init_pid"
		local rc=$?
		init_pid=
		return $rc ;;
	esac
}

# init_rss_kib: the sum of VmRSS over every process running an iscsid or
# an iscsi-worker (either initiator's), in KiB.
init_rss_kib() {
	local p exe total=0 kib
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case ${exe##*/} in
		iscsid | iscsi-worker)
			kib=$(awk '$1 == "VmRSS:" { print $2 }' "$p/status" 2>/dev/null)
			total=$((total + ${kib:-0})) ;;
		esac
	done
	echo $total
}

# ---- faults (tests/vm/guest/recovery.sh, tests/bench/recovery_guest.sh) --

# tgt_conns TID: "SID CID" of every connection tgtd has on target TID.
tgt_conns() {
	tgtadm --lld iscsi --op show --mode conn --tid "$1" 2>/dev/null |
		awk '$1 == "Session:" { s = $2 } $1 == "Connection:" && s != "" { print s, $2 }'
}

# tgt_conn_drop TID: tgtd closes every connection of target TID (as a
# target does on a fault of its own); fails when there was none to drop.
tgt_conn_drop() {
	local sid cid n=0
	while read -r sid cid; do
		tgtadm --lld iscsi --op delete --mode conn --tid "$1" --sid "$sid" --cid "$cid" ||
			return 1
		n=$((n + 1))
	done < <(tgt_conns "$1")
	[ $n -gt 0 ]
}

# tgt_kill: tgtd dies by SIGKILL (a target crash): its connections close,
# the backing files stay as they are.
tgt_kill() {
	[ -n "$tgtd_pid" ] || return 1
	kill -KILL "$tgtd_pid" 2>/dev/null
	wait "$tgtd_pid" 2>/dev/null
	tgtd_pid=
}

# tgt_revive: tgtd again on the same portal with the targets tgt_start made
# (same tids, names and backing files, whose data is kept).
tgt_revive() {
	local i
	setsid tgtd -f --iscsi "portal=127.0.0.1:$TGT_PORT" >>/tmp/tgt/tgtd.log 2>&1 &
	tgtd_pid=$!
	wait_for 30 tgtadm --lld iscsi --op show --mode target || return 1
	for i in $(seq "$tgt_count"); do
		tgtadm --lld iscsi --op new --mode target --tid "$i" -T "$(tgt_iqn "$i")" &&
		tgtadm --lld iscsi --op new --mode logicalunit --tid "$i" --lun 1 \
			-b "$(tgt_backing "$i")" &&
		tgtadm --lld iscsi --op bind --mode target --tid "$i" -I ALL || return 1
	done
	wait_for 30 tcp_listening "$TGT_PORT"
}

# tgt_restart: tgt_kill, then tgt_revive.
tgt_restart() {
	tgt_kill && tgt_revive
}

# net_cut SECONDS: the guest's only network (loopback) goes down for that
# long: packets are neither delivered nor refused, connects fail.
net_cut() {
	ip link set lo down || return 1
	sleep "$1"
	ip link set lo up
}

# kernel_conn_errors: how many connection errors the kernel's iSCSI layer
# has reported so far ("detected conn error" in its log).
kernel_conn_errors() {
	dmesg | grep -c 'detected conn error'
}

# session_state SID: the kernel's state of session SID (LOGGED_IN,
# FAILED or FREE), read without a fork.
session_state() {
	local st
	read -r st 2>/dev/null </sys/class/iscsi_session/session"$1"/state || return 1
	echo "$st"
}

# adm_within SECONDS ARGS...: adm (the initiator in use's iscsiadm),
# killed when it has not finished after SECONDS (timeout(1) cannot run a
# shell function).
adm_within() {
	local limit=$1
	shift
	INITIATOR=$INITIATOR timeout "$limit" bash -c '. /guest/lib.sh && adm "$@"' adm "$@"
}
