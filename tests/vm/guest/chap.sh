# Guest side of tests/vm/chap.sh: CHAP through the initiator lib.sh's
# INITIATOR names (ours by default: iscsid -d 8, iscsiadm, iscsi-worker),
# against two targets on the guest's loopback:
#   tgtd (127.0.0.1:3260, MD5 only): discovery CHAP one-way and mutual
#     (accounts bound without a tid serve discovery sessions) from the
#     discovery record and, without one, from iscsid.conf; session CHAP
#     one-way and mutual on target1, wrong secrets, and target2 with no
#     account at all, which answers a CHAP offer with AuthMethod=None;
#   LIO (127.0.0.1:3261, tests/vm/guest/lio.sh): MD5, SHA1, SHA256 and
#     SHA3-256, one-way and mutual, each login checked on both sides to
#     have used that algorithm, and data written and read back each time.
# Then what must never show a secret (iscsiadm without -S, -P 3, sysfs,
# iscsid's debug log, syslog, the kernel log, every command's output) and
# the audit trail of CHAP success and failure both ways, a downgrade, a
# logout, a discovery and a record's auth change: the kernel's audit
# records (audit=1 and no auditd: the kernel prints them to its log as
# "audit: type=NNNN ...") and the authpriv lines busybox syslogd wrote,
# read back field by field (tests/vm/guest/chap_audit.sh).
#
# With INITIATOR=ref (Debian's open-iscsi) the target set-up is proved and
# the checks only ours promises (downgrade refusal, exit codes of a wrong
# mutual secret, audit, sysfs) are skipped.
# shellcheck source=lib.sh
. /guest/lib.sh
# shellcheck source=lio.sh
. /guest/lio.sh
# shellcheck source=chap_audit.sh
. /guest/chap_audit.sh

tgt_portal=127.0.0.1:$TGT_PORT
lio_portal=127.0.0.1:$LIO_PORT
t1=$(tgt_iqn 1)
t2=$(tgt_iqn 2)
cmdlog=/tmp/commands.log
syslog=/tmp/syslog

# Every secret of the run; none may show up where secrets must not be.
tgt_user=chap-user tgt_pass=tgtSecretA1b2c3
tgt_user_in=tgt-proves tgt_pass_in=tgtMutualD4e5f6
disc_user=disc-user disc_pass=discSecretG7h8i9
disc_user_in=disc-proves disc_pass_in=discMutualJ1k2l3
lio_user=lio-user lio_pass=lioSecretM4n5o6pq
lio_user_in=lio-proves lio_pass_in=lioMutualR7s8t9uv
wrong=wrongSecretZ9y8x7w
secrets=("$tgt_pass" "$tgt_pass_in" "$disc_pass" "$disc_pass_in" "$lio_pass" "$lio_pass_in" "$wrong")

ours() { [ "$INITIATOR" = ours ]; }

# skip_ref NAME: true (and a SKIP line) when the reference runs.
skip_ref() {
	ours && return 1
	tap_skip "$1" "ours only (the reference behaves differently here)"
	return 0
}

step_t=$(now)
# step NAME: a "# " line with the time the previous step took.
step() {
	diag "---- $1 (previous step: $(since "$step_t")s)"
	step_t=$(now)
}

cleanup() {
	adm -m node -U all >/dev/null 2>&1
	init_stop
	tgt_stop
	lio_stop
	[ -z "${syslogd_pid:-}" ] || kill "$syslogd_pid" 2>/dev/null
}

give_up() {
	diag "giving up after: $1"
	cleanup
	tap_done
	exit
}

# run CMD...: CMD with its output (both streams) in $run_out and
# appended to $cmdlog under a header naming CMD (values given with -v
# left out: they are what the test put there); returns CMD's status.
run_out=/tmp/run.out
cmdtimes=/tmp/command-times
run() {
	local a head= prev= t
	t=$(now)
	"$@" >"$run_out" 2>&1
	local rc=$?
	for a in "$@"; do
		[ "$prev" = -v ] && a=VALUE
		head+=" $a"
		prev=$a
	done
	{ echo "\$$head"; cat "$run_out"; } >>"$cmdlog"
	echo "$(since "$t")$head" >>"$cmdtimes"
	return $rc
}

# expect NAME WANT CMD...: ok when CMD exits WANT.
expect() {
	local name=$1 want=$2 rc
	shift 2
	run "$@"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		tap_ok "$name"
		return 0
	fi
	tap_fail "$name" "exit $rc, want $want: $(tail -n 5 "$run_out")"
	return 1
}

# node_set TARGET PORTAL KEY=VALUE...: node record updates, secrets
# included (iscsiadm's own interface puts values in its argv).
node_set() {
	local t=$1 p=$2 kv
	shift 2
	for kv in "$@"; do
		run adm -m node -T "$t" -p "$p" -o update -n "${kv%%=*}" -v "${kv#*=}" ||
			{ diag "update ${kv%%=*}: $(cat "$run_out")"; return 1; }
	done
}

disc_set() {
	local p=$1 kv
	shift
	for kv in "$@"; do
		run adm -m discoverydb -t st -p "$p" -o update -n "${kv%%=*}" -v "${kv#*=}" ||
			{ diag "update ${kv%%=*}: $(cat "$run_out")"; return 1; }
	done
}

# data_check TARGET OFFSET_MIB [BACKING]: 2 MiB of fresh random data
# through the session's disk at OFFSET, read back with O_DIRECT, and
# compared with the target's backing file when there is one.
data_check() {
	local disk want got
	wait_for 20 session_disk "$1" || { echo "no disk for $1"; return 1; }
	disk=$(session_disk "$1")
	dd if=/dev/urandom of=/tmp/chunk bs=1M count=2 2>/dev/null
	want=$(md5sum </tmp/chunk)
	dd if=/tmp/chunk of="/dev/$disk" bs=1M seek="$2" oflag=direct conv=fsync 2>/dev/null ||
		{ echo "write to /dev/$disk failed"; return 1; }
	got=$(dd if="/dev/$disk" bs=1M skip="$2" count=2 iflag=direct 2>/dev/null | md5sum)
	[ "$got" = "$want" ] || { echo "read back differs on /dev/$disk"; return 1; }
	if [ -n "${3:-}" ]; then
		got=$(dd if="$3" bs=1M skip="$2" count=2 2>/dev/null | md5sum)
		[ "$got" = "$want" ] || { echo "the target's file differs"; return 1; }
	fi
}

# login_cycle NAME TARGET PORTAL OFFSET [BACKING]: login, data, logout.
login_cycle() {
	local name=$1
	expect "$name: login" 0 adm -m node -T "$2" -p "$3" --login || return 1
	tap_check "$name: 2 MiB written and read back" data_check "$2" "$4" "${5:-}"
	expect "$name: logout" 0 adm -m node -T "$2" -p "$3" --logout
}

# ---- set-up ---------------------------------------------------------------

diag "initiator: $(init_label)"
tap_check "kernel iSCSI and LIO modules load" vm_load_modules || give_up "modules"
# The kernel prints audit records while no audit daemon listens; its
# printk rate limit would drop some of them.
echo 0 >/proc/sys/kernel/printk_ratelimit
busybox syslogd -n -O "$syslog" &
syslogd_pid=$!
wait_for 10 test -S /dev/log || give_up "syslogd"
tap_check "tgtd serves target1 and target2 (16 MiB each)" tgt_start 16 16 || give_up "tgtd"
case $INITIATOR in
ours) init_name=$OURS_INITIATOR ;;
ref) init_name=$REF_INITIATOR ;;
esac
tap_check "LIO serves $LIO_IQN (64 MiB) to $init_name only" lio_start "$init_name" 64 ||
	give_up "LIO"
lio_alg_trace_on || diag "no dynamic debug: the target's algorithm choice is not checked"
OURS_ISCSID_ARGS="-d 8"
tap_check "iscsid starts (-d 8)" init_start || give_up "iscsid"
: >"$cmdlog"

# ---- tgtd: discovery CHAP ----------------------------------------------------
step "tgtd: discovery CHAP"

tgt_account() {
	tgtadm --lld iscsi --op new --mode account --user "$1" --password "$2"
}
# Accounts bound without --tid belong to tgtd's discovery sessions.
tgt_account "$disc_user" "$disc_pass" &&
	tgtadm --lld iscsi --op bind --mode account --user "$disc_user" ||
	give_up "tgtd discovery account"

expect "discovery without credentials, target requires CHAP: exit 24" 24 \
	adm -m discovery -t st -p "$tgt_portal"
# open-iscsi keeps the record of a refused discovery, to be given CHAP
# settings with -o update.
if run adm -m discoverydb -t st -p "$tgt_portal" -o show; then
	tap_ok "the refused discovery left its record (as open-iscsi)"
else
	tap_fail "the refused discovery left its record (as open-iscsi)" "$(cat "$run_out")"
	run adm -m discoverydb -t st -p "$tgt_portal" -o new
fi
tap_check "discoverydb record takes authmethod, username, password" \
	disc_set "$tgt_portal" discovery.sendtargets.auth.authmethod=CHAP \
	discovery.sendtargets.auth.username="$disc_user" \
	discovery.sendtargets.auth.password="$disc_pass"
if expect "discovery CHAP (one-way)" 0 adm -m discoverydb -t st -p "$tgt_portal" --discover &&
	grep -q "^$tgt_portal,1 $t1\$" "$run_out" && grep -q "^$tgt_portal,1 $t2\$" "$run_out"; then
	tap_ok "discovery CHAP lists target1 and target2"
else
	tap_fail "discovery CHAP lists target1 and target2" "$(cat "$run_out")"
fi
run adm -m discoverydb -t st -p "$tgt_portal" -o show
if grep -qx 'discovery.sendtargets.auth.authmethod = CHAP' "$run_out" &&
	grep -qx "discovery.sendtargets.auth.username = $disc_user" "$run_out"; then
	tap_ok "the discovery kept the record's CHAP settings"
else
	tap_fail "the discovery kept the record's CHAP settings" "$(grep 'auth\.' "$run_out")"
	disc_set "$tgt_portal" discovery.sendtargets.auth.authmethod=CHAP \
		discovery.sendtargets.auth.username="$disc_user"
fi
disc_set "$tgt_portal" discovery.sendtargets.auth.password="$wrong"
expect "discovery with a wrong password: exit 24" 24 \
	adm -m discoverydb -t st -p "$tgt_portal" --discover
disc_set "$tgt_portal" discovery.sendtargets.auth.password="$disc_pass"

tgt_account "$disc_user_in" "$disc_pass_in" &&
	tgtadm --lld iscsi --op bind --mode account --user "$disc_user_in" --outgoing ||
	give_up "tgtd outgoing discovery account"
tap_check "discoverydb record takes username_in, password_in" \
	disc_set "$tgt_portal" discovery.sendtargets.auth.username_in="$disc_user_in" \
	discovery.sendtargets.auth.password_in="$disc_pass_in"
audit_begin
expect "discovery CHAP (mutual)" 0 adm -m discoverydb -t st -p "$tgt_portal" --discover
ours && audit_keep discovery_mutual auth_success
# Without a discovery record, -m discovery -t st takes CHAP from
# iscsid.conf as it is when iscsiadm runs.
run adm -m discoverydb -t st -p "$tgt_portal" -o delete
cp /etc/iscsi/iscsid.conf /tmp/iscsid.conf.saved
cat >>/etc/iscsi/iscsid.conf <<END
discovery.sendtargets.auth.authmethod = CHAP
discovery.sendtargets.auth.username = $disc_user
discovery.sendtargets.auth.password = $disc_pass
discovery.sendtargets.auth.username_in = $disc_user_in
discovery.sendtargets.auth.password_in = $disc_pass_in
END
expect "-m discovery -t st: mutual CHAP as iscsid.conf sets it" 0 \
	adm -m discovery -t st -p "$tgt_portal"
cp /tmp/iscsid.conf.saved /etc/iscsi/iscsid.conf
run adm -m discoverydb -t st -p "$tgt_portal" -o delete
expect "-m discovery -t st without CHAP in iscsid.conf: exit 24" 24 \
	adm -m discovery -t st -p "$tgt_portal"
if ! skip_ref "discovery: the target proves itself with a wrong secret: exit 24"; then
	run adm -m discoverydb -t st -p "$tgt_portal" -o show ||
		run adm -m discoverydb -t st -p "$tgt_portal" -o new
	disc_set "$tgt_portal" discovery.sendtargets.auth.authmethod=CHAP \
		discovery.sendtargets.auth.username="$disc_user" \
		discovery.sendtargets.auth.password="$disc_pass" \
		discovery.sendtargets.auth.username_in="$disc_user_in" \
		discovery.sendtargets.auth.password_in="$wrong"
	expect "discovery: the target proves itself with a wrong secret: exit 24" 24 \
		adm -m discoverydb -t st -p "$tgt_portal" --discover
	disc_set "$tgt_portal" discovery.sendtargets.auth.password_in="$disc_pass_in"
fi

# ---- tgtd: session CHAP (MD5) ------------------------------------------------
step "tgtd: session CHAP"

tgt_account "$tgt_user" "$tgt_pass" &&
	tgtadm --lld iscsi --op bind --mode account --tid 1 --user "$tgt_user" &&
	tgt_account "$tgt_user_in" "$tgt_pass_in" &&
	tgtadm --lld iscsi --op bind --mode account --tid 1 --user "$tgt_user_in" --outgoing ||
	give_up "tgtd target1 accounts"

# The records discovery should have made, should it have failed.
for t in "$t1" "$t2"; do
	run adm -m node -T "$t" -p "$tgt_portal" -o show ||
		run adm -m node -T "$t" -p "$tgt_portal" -o new
done
tap_check "node record takes authmethod, username, password" \
	node_set "$t1" "$tgt_portal" node.session.auth.authmethod=CHAP \
	node.session.auth.username="$tgt_user" node.session.auth.password="$tgt_pass"
audit_begin
expect "tgtd CHAP one-way: login" 0 adm -m node -T "$t1" -p "$tgt_portal" --login
ours && audit_keep one_way auth_success login_success
tap_check "tgtd CHAP one-way: 2 MiB written, read back, found in tgtd's file" \
	data_check "$t1" 0 "$(tgt_backing 1)"

# What shows a secret and what must not, while the session is up.
run adm -m node -T "$t1" -p "$tgt_portal" -o show
if grep -qx 'node.session.auth.password = \*\*\*\*\*\*\*\*' "$run_out" &&
	grep -qx "node.session.auth.username = $tgt_user" "$run_out"; then
	tap_ok "-o show without -S: password as ********, username shown"
else
	tap_fail "-o show without -S: password as ********, username shown" \
		"$(grep 'auth\.' "$run_out")"
fi
# The one output that shows secrets on purpose stays out of $cmdlog.
adm -m node -T "$t1" -p "$tgt_portal" -o show -S >/tmp/show-S.out 2>&1
if grep -qx "node.session.auth.password = $tgt_pass" /tmp/show-S.out; then
	tap_ok "-o show -S: the password in clear"
else
	tap_fail "-o show -S: the password in clear" "$(grep 'auth\.' /tmp/show-S.out)"
fi
run adm -m session -P 3
if grep -q $'^\t\tpassword: \\*\\*\\*\\*\\*\\*\\*\\*$' "$run_out" &&
	grep -q $'^\t\tpassword_in: \\*\\*\\*\\*\\*\\*\\*\\*$' "$run_out"; then
	tap_ok "-m session -P 3: password and password_in as ********"
else
	tap_fail "-m session -P 3: password and password_in as ********" "$(grep -A6 'CHAP:' "$run_out")"
fi
# open-iscsi shows the session's CHAP user name there (not a secret).
grep -q $'^\t\tusername: '"$tgt_user\$" "$run_out" &&
	tap_ok "-m session -P 3: the CHAP username shown, as open-iscsi does" ||
	tap_fail "-m session -P 3: the CHAP username shown, as open-iscsi does" \
		"$(grep -A6 'CHAP:' "$run_out")"
if ! skip_ref "sysfs session attributes hold no secret"; then
	sysfs_bad=
	for f in /sys/class/iscsi_session/session*/* /sys/class/iscsi_connection/connection*/*; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		for s in "${secrets[@]}"; do
			grep -qF -- "$s" "$f" 2>/dev/null && sysfs_bad+=" $f"
		done
	done
	[ -z "$sysfs_bad" ] && tap_ok "sysfs session attributes hold no secret" ||
		tap_fail "sysfs session attributes hold no secret" "found in:$sysfs_bad"
fi
audit_begin
expect "tgtd CHAP one-way: logout" 0 adm -m node -T "$t1" -p "$tgt_portal" --logout
ours && audit_keep logout logout

tap_check "node record takes username_in, password_in" \
	node_set "$t1" "$tgt_portal" node.session.auth.username_in="$tgt_user_in" \
	node.session.auth.password_in="$tgt_pass_in"
audit_begin
login_cycle "tgtd CHAP mutual" "$t1" "$tgt_portal" 2 "$(tgt_backing 1)"
ours && audit_keep mutual auth_success

if ! skip_ref "tgtd: the target proves itself with a wrong secret: exit 24"; then
	node_set "$t1" "$tgt_portal" node.session.auth.password_in="$wrong"
	audit_begin
	expect "tgtd: the target proves itself with a wrong secret: exit 24" 24 \
		adm -m node -T "$t1" -p "$tgt_portal" --login
	audit_keep failure_target auth_failure login_failure
fi
node_set "$t1" "$tgt_portal" node.session.auth.password_in="$tgt_pass_in" \
	node.session.auth.password="$wrong"
audit_begin
expect "tgtd: a wrong password: exit 24" 24 adm -m node -T "$t1" -p "$tgt_portal" --login
ours && audit_keep failure_initiator auth_failure login_failure
audit_begin
node_set "$t1" "$tgt_portal" node.session.auth.password="$tgt_pass"
ours && audit_keep record_change record_auth_changed

# target2 has no account: it answers a CHAP offer with AuthMethod=None.
if ! skip_ref "downgrade refused (authmethod CHAP, target2 without accounts): exit 24"; then
	node_set "$t2" "$tgt_portal" node.session.auth.authmethod=CHAP \
		node.session.auth.username="$tgt_user" node.session.auth.password="$tgt_pass"
	audit_begin
	expect "downgrade refused (authmethod CHAP, target2 without accounts): exit 24" 24 \
		adm -m node -T "$t2" -p "$tgt_portal" --login
	audit_keep downgrade auth_downgrade login_failure
	node_set "$t2" "$tgt_portal" node.session.auth.authmethod=None
	expect "downgrade refused (authmethod None but a password set): exit 24" 24 \
		adm -m node -T "$t2" -p "$tgt_portal" --login
	[ "$(session_count)" -eq 0 ] && tap_ok "no session left after the refusals" ||
		tap_fail "no session left after the refusals" "$(session_count) sessions"
fi

# ---- LIO: every algorithm ----------------------------------------------------
step "LIO"

lio_chap "$lio_user" "$lio_pass" || give_up "LIO account"
expect "LIO discovery (open) makes the node record" 0 adm -m discovery -t st -p "$lio_portal"
node_set "$LIO_IQN" "$lio_portal" node.session.auth.authmethod=CHAP \
	node.session.auth.username="$lio_user" node.session.auth.password="$lio_pass" ||
	give_up "LIO node record"

# lio_round NAME CHAP_ALGS WANT OFFSET: a login with that chap_algs list,
# the algorithm both sides used checked against WANT.
lio_round() {
	local name=$1 algs=$2 want=$3 got
	node_set "$LIO_IQN" "$lio_portal" node.session.auth.chap_algs="$algs" || return
	audit_begin
	expect "LIO $name: login (chap_algs=$algs)" 0 \
		adm -m node -T "$LIO_IQN" -p "$lio_portal" --login || return
	ours && audit_keep lio auth_success
	got=$(lio_last_alg 2>&1)
	[ "$got" = "$want" ] && tap_ok "LIO $name: the target chose $want" ||
		tap_fail "LIO $name: the target chose $want" "it chose: $got"
	if ours; then
		got=$(audit_alg lio)
		[ "$got" = "$want" ] && tap_ok "LIO $name: our audit record says alg=$want" ||
			tap_fail "LIO $name: our audit record says alg=$want" "alg=$got"
	fi
	tap_check "LIO $name: 2 MiB written and read back" data_check "$LIO_IQN" "$4"
	expect "LIO $name: logout" 0 adm -m node -T "$LIO_IQN" -p "$lio_portal" --logout
}

off=0
for alg in MD5 SHA1 SHA256 SHA3-256; do
	lio_round "$alg one-way" "$alg" "$alg" $off
	off=$((off + 2))
done
lio_chap "$lio_user" "$lio_pass" "$lio_user_in" "$lio_pass_in"
node_set "$LIO_IQN" "$lio_portal" node.session.auth.username_in="$lio_user_in" \
	node.session.auth.password_in="$lio_pass_in"
for alg in MD5 SHA1 SHA256 SHA3-256; do
	lio_round "$alg mutual" "$alg" "$alg" $off
	off=$((off + 2))
done
# LIO takes the first algorithm of the list it knows: the order offered
# is the configured one.
lio_round "list order" "SHA3-256,SHA256,SHA1,MD5" SHA3-256 $off
lio_round "list order 2" "SHA1,SHA3-256" SHA1 $((off + 2))
if ! skip_ref "LIO SHA3-256 mutual, wrong secret of the target: exit 24"; then
	node_set "$LIO_IQN" "$lio_portal" node.session.auth.chap_algs=SHA3-256 \
		node.session.auth.password_in="$wrong"
	expect "LIO SHA3-256 mutual, wrong secret of the target: exit 24" 24 \
		adm -m node -T "$LIO_IQN" -p "$lio_portal" --login
fi

# ---- audit and secrets -------------------------------------------------------
step "audit and secrets"

if ours; then
	exe=$OURS_SBIN/iscsid
	audit_check one_way auth_success 1100 session=normal target="$t1" \
		portal="$tgt_portal" addr=127.0.0.1 alg=MD5 mutual=no exe="$exe" res=success
	audit_check one_way login_success 1112 session=normal target="$t1" \
		portal="$tgt_portal" addr=127.0.0.1 res=success
	audit_check mutual auth_success 1100 target="$t1" alg=MD5 mutual=yes res=success
	audit_check failure_initiator auth_failure 1100 session=normal target="$t1" \
		portal="$tgt_portal" addr=127.0.0.1 alg=MD5 direction=initiator res=failed
	audit_check failure_initiator login_failure 1112 target="$t1" addr=127.0.0.1 \
		exit_code=24 res=failed
	audit_check failure_target auth_failure 1100 target="$t1" alg=MD5 mutual=yes \
		direction=target res=failed
	audit_check failure_target login_failure 1112 target="$t1" exit_code=24 res=failed
	audit_check downgrade auth_downgrade 1100 target="$t2" portal="$tgt_portal" \
		addr=127.0.0.1 res=failed
	audit_check downgrade login_failure 1112 target="$t2" exit_code=24 res=failed
	audit_check logout logout 1113 target="$t1" portal="$tgt_portal" res=success
	audit_check record_change record_auth_changed 1111 \
		record="node $t1,$tgt_portal,default" keys=node.session.auth.password \
		caller_uid=0 exe="$OURS_SBIN/iscsiadm" res=success
	audit_check discovery_mutual auth_success 1100 session=discovery \
		portal="$tgt_portal" addr=127.0.0.1 alg=MD5 mutual=yes res=success
else
	tap_skip "audit records" "ours only"
fi
# The scan below means something only if the log saw the CHAP logins.
if ours; then
	log=/tmp/iscsid-ours.log
	grep -q 'event=auth_success' "$log" && grep -q 'event=auth_failure' "$log" &&
		tap_ok "iscsid's -d 8 log covers the CHAP logins (their audit echoes)" ||
		tap_fail "iscsid's -d 8 log covers the CHAP logins (their audit echoes)" \
			"$(wc -l <"$log") lines, last: $(tail -n 3 "$log")"
fi
leaks=
for s in "${secrets[@]}"; do
	for f in cmdline environ; do
		[ -n "$init_pid" ] && tr '\0' '\n' <"/proc/$init_pid/$f" | grep -qF -- "$s" &&
			leaks+=" iscsid's $f"
	done
done
init_stop
for s in "${secrets[@]}"; do
	for f in /tmp/iscsid-"$INITIATOR".log /tmp/ref-iscsid.log "$syslog" "$cmdlog"; do
		[ -f "$f" ] && grep -qF -- "$s" "$f" && leaks+=" ${f##*/}"
	done
	dmesg | grep -qF -- "$s" && leaks+=" dmesg"
done
if [ -z "$leaks" ]; then
	tap_ok "no secret in iscsid's argv, environment, -d 8 log, syslog, the kernel log or any command's output"
else
	tap_fail "no secret in iscsid's argv, environment, -d 8 log, syslog, the kernel log or any command's output" \
		"found in:$leaks"
fi
grep -c . "/tmp/iscsid-$INITIATOR.log" >/dev/null 2>&1 &&
	diag "iscsid log: $(wc -l <"/tmp/iscsid-$INITIATOR.log") lines; commands: $(grep -c '^\$ ' "$cmdlog")"

step "done"
diag "slowest commands (s):" "$(sort -rn "$cmdtimes" | head -n 5)"
cleanup
tap_done
