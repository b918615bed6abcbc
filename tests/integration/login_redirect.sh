#!/usr/bin/env bash
# Login redirects and login attempts on loopback, through
# tests/tools/login_run (login/driver.h, and login/retry.h with --retry)
# against tests/tools/fake_target and tests/tools/chap_target:
#   - temporary and permanent redirects are followed with the same ISID
#     and the same CHAP credentials; the result says where the login
#     ended and whether the portal moved; every hop has its info line;
#   - 8 redirects are followed, the 9th is refused naming the hops; a
#     redirect to itself and A -> B -> A are refused at once; a host
#     name, an unusable address: one line, exit 5, never retried;
#   - the login timeout covers all hops together;
#   - attempts: a refused portal gives N attempts then 8 in the expected
#     time with rate-limited lines; the record's initial_login_retry_max x
#     login_timeout bounds the time; a portal that starts listening at the
#     2nd attempt logs in; 03/02 is retried, 02/03 and a loop are not; a
#     permanent redirect sends later attempts straight to the new portal;
#   - every worker is gone at the end.
# Needs root (the worker's sandbox). Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
run=$build/tests/tools/login_run
fake=$build/tests/tools/fake_target
ct=$build/tests/tools/chap_target
worker=$build/iscsi-worker

skip_all() {
	echo "ok - login_redirect # SKIP $1"
	exit 0
}
[ -x "$run" ] && [ -x "$worker" ] && [ -x "$fake" ] ||
	skip_all "login_run, fake_target or iscsi-worker not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (the worker's sandbox)"

tmp=$(mktemp -d /tmp/iscsi-redirect.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
n_fake=0
# start_fake NAME ARGS...: a fake_target; sets port_NAME, its files are
# $tmp/NAME.{port,count,isid}.
start_fake() {
	local name=$1 p=
	shift
	"$fake" --count-file "$tmp/$name.count" --isid-file "$tmp/$name.isid" "$@" \
		>"$tmp/$name.port" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 50); do
		p=$(head -n1 "$tmp/$name.port" 2>/dev/null)
		[ -n "$p" ] && break
		sleep 0.05
	done
	[ -n "$p" ] || { echo "not ok - fake_target $name did not start"; exit 0; }
	printf -v "port_$name" '%s' "$p"
	n_fake=$((n_fake + 1))
}
count() { cat "$tmp/$1.count" 2>/dev/null || echo 0; }
target=iqn.2001-04.com.example:redirect
login() { # login PORT [ARGS...]: sets rc, output in $tmp/out, log in $tmp/err
	"$run" --address 127.0.0.1 --port "$1" --target "$target" --worker "$worker" \
		--root "$tmp/empty" --isid 7 -o 'node.conn[0].timeo.login_timeout=5' "${@:2}" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
}
val() { sed -n "s/^$1 //p" "$tmp/out"; }
last() { tail -n1 "$tmp/out"; }
workers_gone() { # every worker login_run printed has exited
	local pid
	for pid in $(val worker); do
		kill -0 "$pid" 2>/dev/null && return 1
	done
	return 0
}
nworkers() { val worker | wc -l; }

# ------------------------------------------------------------- redirects
start_fake b1 --mode login-ok
start_fake a1 --mode login-redirect --redirect-to "127.0.0.1:$port_b1,1"
login "$port_a1"
check "temporary redirect: logged in at the new portal (exit 0)" \
	"$([ "$rc" = 0 ] && [ "$(val redirects)" = 1 ] && [ "$(val connected)" = "127.0.0.1 $port_b1" ] &&
	   [ "$(val socket)" = taken ] && [ -z "$(val moved)" ]; echo $?)" "rc=$rc $(tr '\n' '|' <"$tmp/out")"
check "temporary redirect: the hop's info line" \
	"$(grep -q "login to $target: redirected temporary from 127.0.0.1:$port_a1 to 127.0.0.1:$port_b1 (hop 1)$" "$tmp/err"; echo $?)" \
	"$(cat "$tmp/err")"
check "temporary redirect: same ISID at both portals (00023d000007)" \
	"$([ "$(cat "$tmp/a1.isid")" = 00023d000007 ] && [ "$(cat "$tmp/b1.isid")" = 00023d000007 ]; echo $?)" \
	"$(cat "$tmp/a1.isid" "$tmp/b1.isid" | tr '\n' ' ')"
check "temporary redirect: two workers, both gone" \
	"$([ "$(nworkers)" = 2 ] && workers_gone; echo $?)" "$(val worker | tr '\n' ' ')"

start_fake b2 --mode login-ok
start_fake a2 --mode login-redirect-perm --redirect-to "127.0.0.1:$port_b2,1"
login "$port_a2"
check "permanent redirect: logged in, the new portal reported as moved" \
	"$([ "$rc" = 0 ] && [ "$(val moved)" = "127.0.0.1 $port_b2" ] && [ "$(val connected)" = "127.0.0.1 $port_b2" ]; echo $?)" \
	"rc=$rc $(tr '\n' '|' <"$tmp/out")"
check "permanent redirect: the hop's info line says permanent" \
	"$(grep -q "redirected permanent from 127.0.0.1:$port_a2 to 127.0.0.1:$port_b2 (hop 1)" "$tmp/err"; echo $?)"

# A chain: c0 -> c1 -> ... -> cN, the last one logs in. chain N: sets
# first (the port of c0) and last (the name of the one that logs in).
chain() {
	local n=$1 i next
	start_fake "c${n}_$n" --mode login-ok
	next=$(eval echo "\$port_c${n}_$n")
	for ((i = n - 1; i >= 0; i--)); do
		start_fake "c${n}_$i" --mode login-redirect --redirect-to "127.0.0.1:$next,1"
		next=$(eval echo "\$port_c${n}_$i")
	done
	first=$next
	last=c${n}_$n
}
chain 8
login "$first"
check "8 redirects in a row are followed" \
	"$([ "$rc" = 0 ] && [ "$(val redirects)" = 8 ] && [ "$(grep -c ' (hop [1-8])$' "$tmp/err")" = 8 ] &&
	   [ "$(count "$last")" = 1 ] && [ "$(nworkers)" = 9 ] && workers_gone; echo $?)" \
	"rc=$rc $(last) $(grep -c hop "$tmp/err") hops"
chain 9
login "$first"
check "the 9th redirect is refused: exit 5, one line naming the hops" \
	"$([ "$rc" = 5 ] && last | grep -q "^code 5 more than 8 redirects refused: 127.0.0.1:$first -> .* -> 127.0.0.1:$(cat "$tmp/$last.port")$" &&
	   [ "$(count "$last")" = 0 ] && grep -q '^status 01/01 retryable 0$' "$tmp/out" && workers_gone; echo $?)" \
	"rc=$rc $(last)"

start_fake self --mode login-redirect-self --connections 3
login "$port_self"
check "redirect to itself: refused at once (exit 5), one connection" \
	"$([ "$rc" = 5 ] && [ "$(last)" = "code 5 redirect loop refused: 127.0.0.1:$port_self -> 127.0.0.1:$port_self" ] &&
	   [ "$(count self)" = 1 ] && workers_gone; echo $?)" "rc=$rc $(last) count=$(count self)"

# A -> B -> A: B must know A's port before A starts, so A's port is fixed.
pa=$(free_port)
start_fake lb --mode login-redirect --redirect-to "127.0.0.1:$pa,1" --connections 2
start_fake la --mode login-redirect --redirect-to "127.0.0.1:$port_lb,1" --port "$pa" --connections 2
login "$pa"
check "A -> B -> A: refused naming the hops, A asked once" \
	"$([ "$rc" = 5 ] && [ "$(last)" = "code 5 redirect loop refused: 127.0.0.1:$pa -> 127.0.0.1:$port_lb -> 127.0.0.1:$pa" ] &&
	   [ "$(count la)" = 1 ] && [ "$(count lb)" = 1 ] && workers_gone; echo $?)" "rc=$rc $(last)"

start_fake name --mode login-redirect --redirect-to storage.example.com:3260,1
login "$port_name"
check "redirect to a host name: exit 5, one clear line" \
	"$([ "$rc" = 5 ] && [ "$(last)" = "code 5 target redirected to host name storage.example.com: only numeric addresses are followed (no DNS lookup in the privileged process)" ] &&
	   [ "$(grep -c '^code ' "$tmp/out")" = 1 ] && workers_gone; echo $?)" "rc=$rc $(last)"
start_fake zero --mode login-redirect --redirect-to 0.0.0.0:3260
login "$port_zero"
check "redirect to 0.0.0.0: exit 5, no portal" \
	"$([ "$rc" = 5 ] && last | grep -q 'which is no portal'; echo $?)" "rc=$rc $(last)"

# IPv6: nothing listens on [::1] here, so the hop is made and refused.
p6=$(free_port)
start_fake v6 --mode login-redirect --redirect-to "[::1]:$p6,1"
login "$port_v6"
check "redirect to [::1]: followed (connect refused there: exit 4, retryable)" \
	"$([ "$rc" = 4 ] && [ "$(val redirects)" = 1 ] && [ "$(val connected)" = "::1 $p6" ] &&
	   grep -q "to \[::1\]:$p6 (hop 1)" "$tmp/err"; echo $?)" "rc=$rc $(tr '\n' '|' <"$tmp/out")"

# One login timeout for all hops: 1.5 s at A before its redirect, then B
# never answers; the 2 s login timeout ends it ~2 s after A's connect,
# not 2 s after B's.
start_fake slowb --mode login-slow
start_fake slowa --mode login-redirect --redirect-to "127.0.0.1:$port_slowb,1" --delay-ms 1500
login "$port_slowa" -o 'node.conn[0].timeo.login_timeout=2'
el=$(val elapsed)
check "login timeout over all hops: 8 after ~2 s (${el} ms), not 3.5 s" \
	"$([ "$rc" = 8 ] && [ "$el" -ge 1900 ] && [ "$el" -lt 3200 ] && workers_gone; echo $?)" "rc=$rc $(last)"

if [ -x "$ct" ]; then
	printf 'host1-secret-123\n' >"$tmp/isec"
	printf 'node.session.auth.authmethod=CHAP\nnode.session.auth.username=host1\nnode.session.auth.password=host1-secret-123\n' >"$tmp/rec"
	"$ct" --mode good --secret-file "$tmp/isec" --user host1 --target "$target" \
		>"$tmp/ct.port" 2>"$tmp/ct.err" &
	pids+=($!)
	for _ in $(seq 50); do
		pct=$(head -n1 "$tmp/ct.port" 2>/dev/null)
		[ -n "$pct" ] && break
		sleep 0.05
	done
	start_fake chapa --mode login-redirect --redirect-to "127.0.0.1:$pct,1"
	login "$port_chapa" --rec-file "$tmp/rec"
	check "CHAP after a redirect: the same credentials answer the new portal" \
		"$([ "$rc" = 0 ] && [ "$(val Auth)" = "CHAP MD5" ] && [ "$(val redirects)" = 1 ] && workers_gone; echo $?)" \
		"rc=$rc $(last) $(cat "$tmp/ct.err")"
	check "CHAP after a redirect: no secret in the output" \
		"$(! grep -q host1-secret "$tmp/out" "$tmp/err"; echo $?)"
else
	echo "ok - CHAP after a redirect # SKIP chap_target not built"
fi

# -------------------------------------------------------------- attempts
dead=$(free_port)
login "$dead" --retry custom --attempts 4 --backoff 200 --backoff-max 400
el=$(val elapsed)
check "refused portal: 4 attempts, then exit 8 (${el} ms: waits 200+400+400)" \
	"$([ "$rc" = 8 ] && [ "$(val attempts)" = 4 ] && [ "$el" -ge 1000 ] && [ "$el" -lt 2500 ] &&
	   last | grep -q 'Connection refused'; echo $?)" "rc=$rc $(tr '\n' '|' <"$tmp/out")"
check "refused portal: a line for each of the first 3 attempts, then the giving up" \
	"$([ "$(grep -c ': attempt [1-3] failed (4): cannot make connection' "$tmp/err")" = 3 ] &&
	   ! grep -q 'attempt 4 failed' "$tmp/err" &&
	   grep -q "giving up after 4 attempts in .* (attempt limit): cannot make connection to 127.0.0.1:$dead: Connection refused" "$tmp/err"; echo $?)" \
	"$(tr '\n' '|' <"$tmp/err")"

login "$dead" --retry initial -o node.session.initial_login_retry_max=3 -o 'node.conn[0].timeo.login_timeout=1'
el=$(val elapsed)
check "initial_login_retry_max 3 x login_timeout 1 s: no attempt after 3 s (2 attempts, ${el} ms)" \
	"$([ "$rc" = 8 ] && grep -qx 'policy attempts 3 give-up set first-delay 0' "$tmp/out" &&
	   [ "$(val 'policy give-up-in')" -le 3000 ] && [ "$(val attempts)" = 2 ] &&
	   [ "$el" -ge 1000 ] && [ "$el" -lt 2500 ] && grep -q '(time limit)' "$tmp/err"; echo $?)" \
	"rc=$rc $(tr '\n' '|' <"$tmp/out")"

late=$(free_port)
"$run" --address 127.0.0.1 --port "$late" --target "$target" --worker "$worker" --root "$tmp/empty" \
	--retry custom --attempts 5 --backoff 1000 >"$tmp/out" 2>"$tmp/err" &
run_pid=$!
sleep 0.4
start_fake late --mode login-ok --port "$late"
wait "$run_pid"
rc=$?
check "a portal listening from the 2nd attempt on: logged in at attempt 2" \
	"$([ "$rc" = 0 ] && [ "$(val attempts)" = 2 ] && [ "$(val socket)" = taken ] &&
	   grep -q "logged in at attempt 2" "$tmp/err" && grep -q 'attempt 1 failed (4)' "$tmp/err"; echo $?)" \
	"rc=$rc $(last) $(tr '\n' '|' <"$tmp/err")"

start_fake busy --mode login-busy --ok-after 2 --connections 3
login "$port_busy" --retry custom --attempts 5 --backoff 100
check "status 03/02 is retried: logged in at attempt 3" \
	"$([ "$rc" = 0 ] && [ "$(val attempts)" = 3 ] && [ "$(count busy)" = 3 ] &&
	   [ "$(grep -c 'failed (5): .*03/02' "$tmp/err")" = 2 ] && workers_gone; echo $?)" \
	"rc=$rc $(last) $(tr '\n' '|' <"$tmp/err")"

start_fake notfound --mode login-notfound --connections 3
login "$port_notfound" --retry custom --attempts 5 --backoff 100
check "status 02/03 is final: exit 19 after one attempt" \
	"$([ "$rc" = 19 ] && [ "$(val attempts)" = 1 ] && [ "$(count notfound)" = 1 ]; echo $?)" "rc=$rc $(last)"

start_fake loop2 --mode login-redirect-self --connections 3
login "$port_loop2" --retry custom --attempts 5 --backoff 100
check "a redirect loop is final: exit 5 after one attempt" \
	"$([ "$rc" = 5 ] && [ "$(val attempts)" = 1 ] && [ "$(count loop2)" = 1 ]; echo $?)" "rc=$rc $(last)"

start_fake movedb --mode login-busy --ok-after 1 --connections 2
start_fake moveda --mode login-redirect-perm --redirect-to "127.0.0.1:$port_movedb,1" --connections 2
login "$port_moveda" --retry custom --attempts 3 --backoff 100
check "after a permanent redirect the next attempt goes to the new portal" \
	"$([ "$rc" = 0 ] && [ "$(val attempts)" = 2 ] && [ "$(count moveda)" = 1 ] && [ "$(count movedb)" = 2 ] &&
	   [ "$(val moved)" = "127.0.0.1 $port_movedb" ] && workers_gone; echo $?)" \
	"rc=$rc $(tr '\n' '|' <"$tmp/out") a=$(count moveda) b=$(count movedb)"

login "$dead" --retry custom --attempts 2 --first-delay 300 --backoff 100
el=$(val elapsed)
check "first delay before attempt 1 (${el} ms)" \
	"$([ "$rc" = 8 ] && [ "$(val attempts)" = 2 ] && [ "$el" -ge 400 ] && [ "$el" -lt 1500 ]; echo $?)" "rc=$rc $(last)"
exit 0
