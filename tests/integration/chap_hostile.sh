#!/usr/bin/env bash
# CHAP against a scripted target (tests/tools/chap_target) that answers
# honestly or not, through the login and discovery drivers (login_run,
# disc_run: the monitor's side without iscsid) and through a running
# iscsid. Secrets travel in files only (--rec-file, iscsid.conf).
#   - MD5, SHA1, SHA256, SHA3-256, one-way and mutual: exit 0 and
#     "Auth CHAP <ALG>[ mutual]"; CHAP_A goes out in the configured order;
#   - each hostile mode: the expected exit code, one code line, the worker
#     gone, the tool alive to report; an audit record where one is due;
#   - through iscsid: discovery with mutual CHAP works, every hostile
#     target leaves iscsid alive and answering, no worker behind, and an
#     audit line event=auth_failure or auth_downgrade in its log;
#   - while a worker waits on a slow target in the middle of CHAP, its
#     memory (/proc/PID/mem), argv and environment hold neither secret,
#     while the process standing for the monitor does (positive control);
#   - no secret in any log of the run, iscsid's at debug level 8 included.
# Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
run=$build/tests/tools/login_run
disc=$build/tests/tools/disc_run
ct=$build/tests/tools/chap_target
scan=$build/tests/tools/memscan
worker=$build/iscsi-worker
adm=$build/iscsiadm

skip_all() {
	echo "ok - chap_hostile # SKIP $1"
	exit 0
}
for p in "$run" "$disc" "$ct" "$scan" "$worker"; do
	[ -x "$p" ] || skip_all "${p#"$build"/} not built in $build"
done
[ "$(id -u)" = 0 ] || skip_all "needs root (the worker's sandbox, /proc/PID/mem of another uid)"

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-chaphostile.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$tmp/empty" "$ISCSI_ROOT/etc/iscsi"
ct_pid= iscsid_pid= bg_pid=
cleanup() {
	[ -n "${KEEP_LOG:-}" ] && cp "$tmp/iscsid.log" "$KEEP_LOG" 2>/dev/null
	[ -n "$ct_pid" ] && kill "$ct_pid" 2>/dev/null
	[ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null
	if [ -n "$iscsid_pid" ]; then
		kill "$iscsid_pid" 2>/dev/null
		wait "$iscsid_pid" 2>/dev/null
	fi
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

# Two random secrets (20 characters: over the 96 bits RFC 7143 asks for),
# written to files with builtins only, so no process ever has one in argv.
new_secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }
isec=$(new_secret)
tsec=$(new_secret)
printf '%s\n' "$isec" >"$tmp/isec"
printf '%s\n' "$tsec" >"$tmp/tsec"
printf 'bad%s\n' "$isec" >"$tmp/isec.wrong"
iuser='initiator-user'
tuser='target-user'
target=iqn.2001-04.com.example:chap-target

node_rec() { # node_rec FILE ALGS [mutual]
	{
		echo "node.session.auth.authmethod=CHAP"
		echo "node.session.auth.username=$iuser"
		echo "node.session.auth.password=$isec"
		echo "node.session.auth.chap_algs=$2"
		if [ "${3:-}" = mutual ]; then
			echo "node.session.auth.username_in=$tuser"
			echo "node.session.auth.password_in=$tsec"
		fi
	} >"$1"
}
disc_rec() { # disc_rec FILE [mutual]
	{
		echo "discovery.sendtargets.auth.authmethod=CHAP"
		echo "discovery.sendtargets.auth.username=$iuser"
		echo "discovery.sendtargets.auth.password=$isec"
		if [ "${2:-}" = mutual ]; then
			echo "discovery.sendtargets.auth.username_in=$tuser"
			echo "discovery.sendtargets.auth.password_in=$tsec"
		fi
	} >"$1"
}

# start_target MODE [ARGS...]: chap_target serving one connection; sets
# ct_pid and port. Its line goes to $tmp/ct.err.
start_target() {
	local mode=$1
	shift
	rm -f "$tmp/ct.port"
	"$ct" --mode "$mode" --secret-file "$tmp/isec" --secret-in-file "$tmp/tsec" \
		--user "$iuser" --user-in "$tuser" --target "$target" "$@" \
		>"$tmp/ct.port" 2>"$tmp/ct.err" &
	ct_pid=$!
	port=
	for _ in $(seq 50); do
		port=$(head -n1 "$tmp/ct.port" 2>/dev/null)
		[ -n "$port" ] && return 0
		sleep 0.1
	done
	return 1
}
stop_target() {
	[ -n "$ct_pid" ] || return 0
	kill "$ct_pid" 2>/dev/null
	wait "$ct_pid" 2>/dev/null
	ct_pid=
}
target_line() { grep '^chap_target: connection' "$tmp/ct.err" | tail -n1; }

login() { # login REC [ARGS...]: sets rc; output in $tmp/out, $tmp/err
	"$run" --address 127.0.0.1 --port "$port" --target "$target" --worker "$worker" \
		--root "$tmp/empty" --rec-file "$1" -o 'node.conn[0].timeo.login_timeout=5' \
		"${@:2}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err" >>"$tmp/all-output"
}
discover_run() { # discover_run REC: sets rc; output in $tmp/out, $tmp/err
	"$disc" --portal "127.0.0.1:$port" --worker "$worker" --root "$tmp/empty" \
		--timeout 5000 --rec-file "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err" >>"$tmp/all-output"
}
val() { sed -n "s/^$1 //p" "$tmp/out"; }
worker_gone() {
	local pid
	pid=$(val worker)
	[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null
}
one_code_line() { # exactly one "code N" line, and it is code $1
	[ "$(grep -c '^code ' "$tmp/out")" = 1 ] && grep -q "^code $1 " "$tmp/out"
}
# Lines on stderr other than audit echoes: the tools report on stdout.
stray_err() { grep -v 'audit: ' "$tmp/err" | grep -c .; }

# ---- honest CHAP, every algorithm, both ways ----
for alg in MD5 SHA1 SHA256 SHA3-256; do
	for how in oneway mutual; do
		node_rec "$tmp/rec" "$alg" "$([ $how = mutual ] && echo mutual)"
		start_target good --algs "$alg"
		login "$tmp/rec"
		want="Auth CHAP $alg$([ $how = mutual ] && echo ' mutual')"
		check "good $alg $how: exit 0, '$want'" \
			"$([ "$rc" = 0 ] && grep -qx "$want" "$tmp/out" && one_code_line 0; echo $?)" \
			"rc=$rc $(grep -E '^(Auth|code)' "$tmp/out" | tr '\n' ' ') $(head -c 300 "$tmp/err") | $(target_line)"
		check "good $alg $how: worker gone" "$(worker_gone; echo $?)"
		stop_target
	done
done

# The configured order goes out as CHAP_A; the target picks by its own.
node_rec "$tmp/rec" "SHA256,MD5"
start_target good --algs "MD5,SHA256"
login "$tmp/rec"
check "chap_algs SHA256,MD5: CHAP_A=7,5 offered, target's pick MD5 used" \
	"$([ "$rc" = 0 ] && grep -qx 'Auth CHAP MD5' "$tmp/out" && target_line | grep -q 'offered CHAP_A=7,5'; echo $?)" \
	"rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
stop_target
node_rec "$tmp/rec" "SHA3-256,SHA256,SHA1,MD5"
start_target good
login "$tmp/rec"
check "chap_algs all four: CHAP_A=8,7,6,5, SHA3-256 used" \
	"$([ "$rc" = 0 ] && grep -qx 'Auth CHAP SHA3-256' "$tmp/out" && target_line | grep -q 'offered CHAP_A=8,7,6,5'; echo $?)" \
	"rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
stop_target

# A base64 challenge is a valid binary value.
node_rec "$tmp/rec" MD5 mutual
start_target base64
login "$tmp/rec"
check "base64 CHAP_C (0b...): accepted, exit 0" \
	"$([ "$rc" = 0 ] && grep -qx 'Auth CHAP MD5 mutual' "$tmp/out"; echo $?)" "rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
stop_target

# Wrong secret: the target refuses us (02/01).
node_rec "$tmp/rec" MD5
"$ct" --secret-file "$tmp/isec.wrong" --user "$iuser" >"$tmp/ct.port" 2>"$tmp/ct.err" &
ct_pid=$!
for _ in $(seq 50); do port=$(head -n1 "$tmp/ct.port" 2>/dev/null); [ -n "$port" ] && break; sleep 0.1; done
login "$tmp/rec"
check "wrong secret: exit 24, one code line, status 02/01" \
	"$([ "$rc" = 24 ] && one_code_line 24 && grep -q '^status 02/01' "$tmp/out"; echo $?)" \
	"rc=$rc $(tr '\n' '|' <"$tmp/out") | $(target_line)"
check "wrong secret: worker gone" "$(worker_gone; echo $?)"
stop_target

# No credentials, target requires CHAP: the target refuses.
start_target good
: >"$tmp/rec.none"
login "$tmp/rec.none"
check "no credentials, target requires CHAP: exit 24" "$([ "$rc" = 24 ] && one_code_line 24; echo $?)" \
	"rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
stop_target

# Half a mutual configuration is a configuration error, before any connection.
node_rec "$tmp/rec" MD5
echo "node.session.auth.username_in=$tuser" >>"$tmp/rec"
start_target good
login "$tmp/rec"
check "username_in without password_in: exit 7, no connection" \
	"$([ "$rc" = 7 ] && one_code_line 7 && [ -z "$(target_line)" ]; echo $?)" "rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
stop_target

# ---- hostile targets (mutual CHAP configured, so every mode applies) ----
node_rec "$tmp/rec" "SHA256,MD5" mutual
while read -r mode want pattern; do
	start_target "$mode"
	login "$tmp/rec"
	check "$mode: exit $want, one code line ($pattern)" \
		"$([ "$rc" = "$want" ] && one_code_line "$want" && grep -Eq "^code $want .*($pattern)" "$tmp/out" &&
		   [ "$(stray_err)" = 0 ]; echo $?)" \
		"rc=$rc $(tail -n1 "$tmp/out") $(head -c 300 "$tmp/err") | $(target_line)"
	check "$mode: worker gone" "$(worker_gone; echo $?)"
	stop_target
done <<'MODES'
reject 24 authentication failed
none 24 AuthMethod=None
skip 24 skip
short-challenge 24 too short
long-challenge 24 too long
bad-hex 24 hex digit
bad-id 24 CHAP_I
alg-not-offered 24 CHAP_A
alg-list 24 CHAP_A
reflect 24 own secret|mutual
wrong-mutual 24 mutual
no-mutual-answer 24 without answering
garbage-chap 5 CHAP_I|CHAP_C|UTF-8
oversized 5 CHAP_C|too long
MODES

# Discovery through disc_run: the same core with discovery records.
disc_rec "$tmp/drec" mutual
start_target good --algs MD5
discover_run "$tmp/drec"
check "disc_run, mutual CHAP: exit 0, one record" \
	"$([ "$rc" = 0 ] && [ "$(grep -c "^record 127.0.0.1 $port 1 $target" "$tmp/out")" = 1 ]; echo $?)" \
	"rc=$rc $(tr '\n' '|' <"$tmp/out") $(head -c 300 "$tmp/err") | $(target_line)"
stop_target
for mode in none reflect short-challenge; do
	start_target "$mode"
	discover_run "$tmp/drec"
	check "disc_run, $mode: exit 24, worker gone" \
		"$([ "$rc" = 24 ] && one_code_line 24 && worker_gone; echo $?)" "rc=$rc $(tail -n1 "$tmp/out") | $(target_line)"
	stop_target
done

# ---- the secrets are not in a worker waiting in the middle of CHAP ----
# scan_worker WHAT WORKER_PID HOLDER_PID: memory of the worker: neither
# secret; its argv and environment: neither; the holder: both.
scan_worker() {
	local what=$1 wpid=$2 hpid=$3 s r1 r2
	check "$what: the process scanned is iscsi-worker" \
		"$([ "$(readlink "/proc/$wpid/exe")" = "$(readlink -f "$worker")" ]; echo $?)" \
		"$(readlink "/proc/$wpid/exe")"
	for s in isec tsec; do
		"$scan" "$wpid" "$tmp/$s" >"$tmp/scan.out" 2>&1
		r1=$?
		check "$what: $s not in the worker's memory (memscan exit 1)" "$([ $r1 = 1 ]; echo $?)" \
			"exit $r1: $(cat "$tmp/scan.out")"
		"$scan" "$hpid" "$tmp/$s" >"$tmp/scan.out" 2>&1
		r2=$?
		check "$what: positive control, $s found in the secret holder's memory" "$([ $r2 = 0 ]; echo $?)" \
			"exit $r2: $(cat "$tmp/scan.out")"
	done
	check "$what: no secret in the worker's argv or environment" \
		"$(cat "/proc/$wpid/cmdline" "/proc/$wpid/environ" 2>/dev/null | tr '\0' '\n' |
		   grep -qF -e "$isec" -e "$tsec"; [ $? = 1 ]; echo $?)"
}
wait_holding() { # until chap_target holds its answer (the worker then waits mid-CHAP)
	for _ in $(seq 100); do
		grep -q '^chap_target: holding' "$tmp/ct.err" && return 0
		sleep 0.1
	done
	return 1
}

node_rec "$tmp/rec" MD5 mutual
start_target slow --slow-ms 4000
"$run" --address 127.0.0.1 --port "$port" --target "$target" --worker "$worker" \
	--root "$tmp/empty" --rec-file "$tmp/rec" --debug 8 >"$tmp/out" 2>"$tmp/err" &
bg_pid=$!
if wait_holding && wpid=$(val worker) && [ -n "$wpid" ] && kill -0 "$wpid" 2>/dev/null; then
	scan_worker "login worker mid-CHAP" "$wpid" "$bg_pid"
else
	check "login worker mid-CHAP: found waiting" 1 "$(cat "$tmp/out" "$tmp/ct.err")"
fi
wait "$bg_pid"
rc=$?
bg_pid=
check "slow target: the login then succeeds (mutual, login_run --debug 8)" \
	"$([ "$rc" = 0 ] && grep -qx 'Auth CHAP MD5 mutual' "$tmp/out" && grep -q 'debug: ' "$tmp/err"; echo $?)" \
	"rc=$rc $(tail -n1 "$tmp/out")"
stop_target
cat "$tmp/out" "$tmp/err" >>"$tmp/all-output"

# ---- through iscsid ----
if [ ! -x "$adm" ] || [ ! -x "$build/iscsid" ]; then
	echo "ok - chap through iscsid # SKIP iscsiadm or iscsid not built"
	exit 0
fi
echo "InitiatorName=iqn.2005-03.org.open-iscsi:chap-hostile" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
{
	echo "discovery.sendtargets.timeo.login_timeout = 5"
	echo "discovery.sendtargets.timeo.active_timeout = 5"
	echo "discovery.sendtargets.auth.authmethod = CHAP"
	echo "discovery.sendtargets.auth.username = $iuser"
	echo "discovery.sendtargets.auth.password = $isec"
	echo "discovery.sendtargets.auth.username_in = $tuser"
	echo "discovery.sendtargets.auth.password_in = $tsec"
} >"$ISCSI_ROOT/etc/iscsi/iscsid.conf"
"$build/iscsid" -f -d 8 >"$tmp/iscsid.log" 2>&1 &
iscsid_pid=$!
for _ in $(seq 50); do
	[ -S "$ISCSI_ROOT/run/iscsid/iscsid.sock" ] && break
	sleep 0.1
done
[ -S "$ISCSI_ROOT/run/iscsid/iscsid.sock" ] || {
	echo "not ok - iscsid did not start: $(tail -n 3 "$tmp/iscsid.log")"
	exit 0
}
discover() {
	"$adm" -m discovery -t st -p "127.0.0.1:$port" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err" >>"$tmp/all-output"
}
workers_of_iscsid() { pgrep -P "$iscsid_pid" | wc -l; }
audit_for_port() { # audit lines of this target's portal in iscsid's log matching $1
	grep 'audit: ' "$tmp/iscsid.log" | grep "127.0.0.1:$port" | grep -Ec "$1"
}

start_target good --algs MD5
discover
check "iscsid: discovery with mutual CHAP: exit 0, the target listed" \
	"$([ "$rc" = 0 ] && grep -q "^127.0.0.1:$port,1 $target\$" "$tmp/out"; echo $?)" \
	"rc=$rc $(cat "$tmp/out" "$tmp/err" | head -3) | $(target_line)"
check "iscsid: audit event=auth_success for it" "$([ "$(audit_for_port 'event=auth_success')" -ge 1 ]; echo $?)" \
	"$(grep 'audit: ' "$tmp/iscsid.log" | tail -n 3)"
stop_target

while read -r mode want; do
	start_target "$mode" || { check "iscsid $mode: chap_target started" 1; continue; }
	discover
	check "iscsid $mode: exit $want, one line, nothing listed" \
		"$([ "$rc" = "$want" ] && [ "$(grep -c . "$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]; echo $?)" \
		"rc=$rc $(cat "$tmp/err" "$tmp/out" | head -3) | $(target_line)"
	check "iscsid $mode: alive, no worker left" \
		"$(kill -0 "$iscsid_pid" 2>/dev/null && [ "$(workers_of_iscsid)" = 0 ]; echo $?)"
	# A CHAP failure is an auth_failure or auth_downgrade record; a login
	# that broke down on malformed CHAP text (exit 5) still owes one
	# record of its failure, auth or login.
	events='event=auth_(failure|downgrade)'
	[ "$want" = 5 ] && events='event=(auth_failure|auth_downgrade|login_failure)'
	check "iscsid $mode: audit $events" \
		"$([ "$(audit_for_port "$events")" -ge 1 ]; echo $?)" \
		"$(grep 'audit: ' "$tmp/iscsid.log" | grep "127.0.0.1:$port" | tail -n 2)"
	[ "$mode" = reflect ] &&
		check "iscsid reflect: the audit record names the reflection (our own secret)" \
			"$([ "$(audit_for_port 'direction=target.*own secret')" -ge 1 ]; echo $?)"
	stop_target
done <<'MODES'
reject 24
none 24
skip 24
short-challenge 24
bad-hex 24
reflect 24
wrong-mutual 24
no-mutual-answer 24
alg-not-offered 24
garbage-chap 5
oversized 5
MODES

start_target good
discover -o nonpersistent
check "iscsid answers the next discovery" "$([ "$rc" = 0 ] && grep -q "$target" "$tmp/out"; echo $?)" \
	"rc=$rc $(cat "$tmp/err")"
stop_target

# A discovery worker of iscsid in the middle of CHAP.
start_target slow --slow-ms 4000
"$adm" -m discovery -t st -p "127.0.0.1:$port" -o nonpersistent >"$tmp/out.slow" 2>"$tmp/err.slow" &
bg_pid=$!
if wait_holding && wpid=$(pgrep -P "$iscsid_pid" | head -n1) && [ -n "$wpid" ]; then
	scan_worker "iscsid discovery worker mid-CHAP" "$wpid" "$iscsid_pid"
else
	check "iscsid discovery worker mid-CHAP: found waiting" 1 "$(cat "$tmp/ct.err")"
fi
wait "$bg_pid"
rc=$?
bg_pid=
check "slow target through iscsid: discovery then succeeds" "$([ "$rc" = 0 ]; echo $?)" "rc=$rc $(cat "$tmp/err.slow")"
stop_target
cat "$tmp/out.slow" "$tmp/err.slow" >>"$tmp/all-output"

# ---- no secret in any log ----
kill "$iscsid_pid" 2>/dev/null
wait "$iscsid_pid" 2>/dev/null
iscsid_pid=
check "iscsid's log holds its debug lines (-d 8)" \
	"$([ "$(grep -c 'debug' "$tmp/iscsid.log")" -gt 20 ]; echo $?)" "$(wc -l <"$tmp/iscsid.log") lines"
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
for s in isec tsec; do
	v=$([ $s = isec ] && echo "$isec" || echo "$tsec")
	check "no $s in iscsid's log at -d 8 or in any tool's output (text or hex)" \
		"$(cat "$tmp/iscsid.log" "$tmp/all-output" 2>/dev/null | grep -qiF -e "$v" -e "$(hex "$v")"; [ $? = 1 ]; echo $?)"
done
exit 0
