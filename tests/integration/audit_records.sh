#!/usr/bin/env bash
# Audit records reach syslog and the kernel's audit log: iscsiadm writes
# of a record's auth keys (node, discovery and iface records) and a
# control request that iscsid's caller policy refuses. Syslog is checked
# for real: the test re-runs itself in a private mount namespace
# (unshare -m) whose /dev is a small tmpfs holding the usual device nodes
# and a /dev/log served by tests/tools/syslog_sink, which prints the
# facility and severity of each message (authpriv = 10). The kernel copy
# is read back through the audit netlink socket (tests/tools/audit_listen,
# which turns audit on for the run when it is off). Needs root. Prints TAP.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
adm=$build/iscsiadm
iscsid=$build/iscsid
sink=$build/tests/tools/syslog_sink
alisten=$build/tests/tools/audit_listen
probe=$build/tests/tools/ctl_probe
name=audit_records

skip_all() {
	echo "ok - $name # SKIP $1"
	exit 0
}

if [ "${AUDIT_RECORDS_INSIDE:-}" != 1 ]; then
	for f in "$adm" "$iscsid" "$build/iscsi-worker" "$sink" "$alisten" "$probe"; do
		[ -x "$f" ] || skip_all "${f#"$build"/} not built in $build"
	done
	[ "$(id -u)" = 0 ] || skip_all "needs root (mount namespace, iscsid)"
	for c in unshare setpriv mount; do
		command -v $c >/dev/null || skip_all "$c not installed"
	done
	why=$(unshare -m --propagation private true 2>&1) ||
		skip_all "cannot make a private mount namespace: $why"
	AUDIT_RECORDS_INSIDE=1 exec unshare -m --propagation private bash "$0" "$@"
fi

# ---- inside the private mount namespace ----
GROUP=4242
OUTSIDER=65534
T1=iqn.2001-05.com.example:audit1
SECRET='S3cret-value with blanks'

tmp=$(mktemp -d /tmp/audit-records.XXXXXX)
chmod 755 "$tmp"
pids=()
audit_was=$("$alisten" --status 2>/dev/null)
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	# audit_listen restores the kernel's audit switch itself; this is
	# for the case it could not.
	[ "$audit_was" = enabled=0 ] && "$alisten" --set-enabled 0
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

check() { # check NAME CONDITION-RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

wait_for() { # wait_for SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.05
	done
}

# A /dev of our own: a tmpfs with the real device nodes bound in, moved
# over /dev. Nothing of the real /dev is left below $tmp (cleanup removes
# it), and nothing here is visible outside this namespace.
stage=$tmp/dev
mkdir "$stage"
if ! mount -t tmpfs -o mode=755,size=1m audit-test-dev "$stage"; then
	echo "not ok - $name: cannot mount a tmpfs for /dev"
	exit 0
fi
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] || continue
	touch "$stage/$n" && mount --bind "/dev/$n" "$stage/$n"
done
for d in pts shm; do
	[ -d "/dev/$d" ] || continue
	mkdir "$stage/$d" && mount --rbind "/dev/$d" "$stage/$d"
done
ln -s /proc/self/fd "$stage/fd"
ln -s /proc/self/fd/0 "$stage/stdin"
ln -s /proc/self/fd/1 "$stage/stdout"
ln -s /proc/self/fd/2 "$stage/stderr"
if ! mount --move "$stage" /dev; then
	echo "not ok - $name: cannot move the private /dev into place"
	exit 0
fi

log=$tmp/syslog.out
"$sink" /dev/log 300 >"$log" 2>&1 &
pids+=($!)
wait_for 5 grep -q '^ready' "$log"
check "a stand-in syslog listens on the namespace's /dev/log" $? "$(cat "$log")"

klog=$tmp/kernel.out
"$alisten" --enable 300 >"$klog" 2>&1 &
kpid=$!
pids+=($kpid)
wait_for 5 grep -qE '^(ready|unavailable)' "$klog"
kernel_why=
grep -q '^ready' "$klog" || kernel_why=$(head -1 "$klog")

export ISCSI_ROOT=$tmp/root
mkdir -p "$ISCSI_ROOT/etc/iscsi"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:audit-test" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"

# run_adm PIDFILE ARGS...: iscsiadm, its pid written first (exec keeps it).
run_adm() {
	local pidfile=$1
	shift
	bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$adm" "$@"
}

# The syslog lines of one event (the sink escapes every byte a record
# must not hold, so a line here is a whole record).
events() { grep -F "event=$1 " "$log"; }

# expect_line NAME FACILITY SEVERITY SUFFIX: a message with that facility
# and severity whose text ends with SUFFIX (after the date and ident).
expect_line() {
	local want="facility=$2 severity=$3 text=" line
	wait_for 3 grep -qF -- "$4" "$log"
	line=$(grep -F -- "$4" "$log" | tail -1)
	check "$1" "$([[ "$line" == "$want"* && "$line" == *"$4" ]]; echo $?)" "${line:-nothing logged}"
}

# ---- iscsiadm: record auth changes ----
run_adm "$tmp/pid" -m node -o new -T $T1 -p 127.0.0.1 >/dev/null
run_adm "$tmp/pid" -m node -o new -T $T1 -p '[::1]:3261' >/dev/null
run_adm "$tmp/pid" -m node -o update -T $T1 -p 127.0.0.1 \
	-n node.session.auth.authmethod -v CHAP -n node.session.auth.username -v alice \
	-n node.session.auth.password -v "$SECRET" >"$tmp/out" 2>"$tmp/err"
rc=$?
pid=$(cat "$tmp/pid")
check "iscsiadm -o update of auth keys succeeds, quietly" \
	"$([ $rc = 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; echo $?)" \
	"exit $rc: $(cat "$tmp/out" "$tmp/err")"
expect_line "...and syslog gets record_auth_changed at authpriv.notice, with who, which record, which keys" \
	10 5 "iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"node $T1,127.0.0.1:3260,default\" keys=node.session.auth.authmethod,node.session.auth.username,node.session.auth.password res=success"
check "records made without auth keys were not audited" \
	"$([ "$(events record_auth_changed | wc -l)" = 1 ]; echo $?)" "$(events record_auth_changed)"

run_adm "$tmp/pid" -m node -o update -T $T1 -n node.session.timeo.replacement_timeout -v 30
run_adm "$tmp/pid" -m node -o update -T $T1 -n node.session.auth.username_in -v bob -d 1 \
	2>"$tmp/err"
pid=$(cat "$tmp/pid")
expect_line "an update matching two records audits each one (1 of 2)" 10 5 \
	"iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"node $T1,127.0.0.1:3260,default\" keys=node.session.auth.username_in res=success"
expect_line "an update matching two records audits each one (2 of 2)" 10 5 \
	"iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"node $T1,[::1]:3261,default\" keys=node.session.auth.username_in res=success"
check "an update of other keys is not audited" \
	"$([ "$(events record_auth_changed | wc -l)" = 3 ]; echo $?)" "$(events record_auth_changed)"
check "iscsiadm -d 1 echoes the record on stderr" \
	"$(grep -q "^iscsiadm: debug: audit: event=record_auth_changed caller_uid=0 caller_pid=$pid " "$tmp/err"; echo $?)" \
	"$(cat "$tmp/err")"

run_adm "$tmp/pid" -m discoverydb -o new -t st -p 127.0.0.1:3262 \
	-n discovery.sendtargets.auth.authmethod -v CHAP \
	-n discovery.sendtargets.auth.password -v "$SECRET" >/dev/null
pid=$(cat "$tmp/pid")
expect_line "discoverydb -o new with auth keys: record \"discovery PORTAL\"" 10 5 \
	"iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"discovery 127.0.0.1:3262\" keys=discovery.sendtargets.auth.authmethod,discovery.sendtargets.auth.password res=success"
run_adm "$tmp/pid" -m discoverydb -o update -t st -p 127.0.0.1:3262 \
	-n discovery.sendtargets.auth.username -v carol
pid=$(cat "$tmp/pid")
expect_line "discoverydb -o update of an auth key" 10 5 \
	"iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"discovery 127.0.0.1:3262\" keys=discovery.sendtargets.auth.username res=success"

run_adm "$tmp/pid" -m iface -o new -I if1 >/dev/null
run_adm "$tmp/pid" -m iface -o update -I if1 -n iface.chap_auth -v enable >/dev/null
pid=$(cat "$tmp/pid")
expect_line "an iface's CHAP switch: record \"iface NAME\"" 10 5 \
	"iscsiadm[$pid]: event=record_auth_changed caller_uid=0 caller_pid=$pid record=\"iface if1\" keys=iface.chap_auth res=success"

check "every record is one line of printable ASCII (the sink shows any other byte)" \
	"$(! grep -q '\\x' "$log"; echo $?)" "$(grep '\\x' "$log")"

# ---- iscsid: a control request refused by the caller policy ----
R=$ISCSI_ROOT
cat >"$R/etc/iscsi/iscsid.conf" <<EOF
iscsid.control_group = $GROUP
EOF
chmod 755 "$R" "$R/etc" "$R/etc/iscsi"
dlog=$tmp/iscsid.log
"$iscsid" -f -d 1 >"$dlog" 2>&1 &
dpid=$!
pids+=($dpid)
wait_for 10 test -S "$R/run/iscsid/iscsid.sock"
check "iscsid -f starts in the namespace" $? "$(tail -3 "$dlog")"

setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --groups=$GROUP "$probe" ping >/dev/null 2>&1
bash -c 'echo $$ >"$0"; exec "$@"' "$tmp/ppid" setpriv --reuid=$OUTSIDER --regid=$OUTSIDER \
	--groups=$GROUP "$probe" stop >/dev/null 2>"$tmp/err"
rc=$?
ppid=$(cat "$tmp/ppid")
check "a control-group member's daemon-stop is refused: exit 13" "$([ $rc = 13 ]; echo $?)" \
	"exit $rc: $(cat "$tmp/err")"
expect_line "...and syslog gets request_refused at authpriv.warning, with uid, pid, request, reason" \
	10 4 "iscsid[$dpid]: event=request_refused reason=\"only root may\" caller_uid=$OUTSIDER caller_pid=$ppid request=daemon-stop res=failed"
check "...the foreground iscsid echoes it on stderr" \
	"$(grep -qF "iscsid: audit: event=request_refused reason=\"only root may\" caller_uid=$OUTSIDER caller_pid=$ppid request=daemon-stop res=failed" "$dlog"; echo $?)" \
	"$(grep audit "$dlog")"
check "...and an allowed request (the member's ping) is not audited" \
	"$([ "$(events request_refused | wc -l)" = 1 ]; echo $?)" "$(events request_refused)"
check "iscsid still serves after the refusal" \
	"$("$probe" ping >/dev/null 2>&1; echo $?)"

# ---- the kernel's audit log ----
if [ -n "$kernel_why" ]; then
	echo "ok - the kernel audit log holds the records # SKIP $kernel_why"
else
	# USYS_CONFIG (1111) from iscsiadm, USER_ACCT (1101) from iscsid:
	# libaudit's layout, strings quoted or hex, addr/hostname/terminal.
	wait_for 3 grep -q "^type=1101 .*op=iscsi_request_refused" "$klog"
	line=$(grep "^type=1111 .*op=iscsi_record_auth_changed caller_uid=0 " "$klog" | grep -F 'keys="node.session.auth.authmethod,node.session.auth.username,node.session.auth.password"' | head -1)
	check "kernel: USYS_CONFIG record of the iscsiadm change, res=success" \
		"$([[ "$line" == *" uid=0 "*"exe=\"$adm\" hostname=? addr=? terminal=? res=success'" ]]; echo $?)" \
		"${line:-none in: $(cut -c1-300 "$klog")}"
	line=$(grep "^type=1101 .*op=iscsi_request_refused " "$klog" | head -1)
	want="reason=6F6E6C7920726F6F74206D6179 caller_uid=$OUTSIDER caller_pid=$ppid request=\"daemon-stop\" exe=\"$iscsid\" hostname=? addr=? terminal=? res=failed'"
	check "kernel: USER_ACCT record of the refusal from iscsid, res=failed" \
		"$([[ "$line" == *" pid=$dpid uid=0 "*"$want" ]]; echo $?)" "${line:-none}"
fi
check "the secret never reaches syslog, the kernel log or iscsid's log" \
	"$(! grep -qF -e "$SECRET" -e "S3cret" "$log" "$klog" "$dlog"; echo $?)"

# audit_listen turns audit back off itself when it turned it on.
kill -TERM "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
