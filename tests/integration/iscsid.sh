#!/usr/bin/env bash
# iscsid as a user and an attacker see it: a private instance
# (ISCSI_ROOT=$(mktemp -d)) started in the foreground and as a daemon;
# its pid file and control socket; who may ask it what (root, a member of
# the control group, anybody else); malformed and foreign-version
# requests; discovery through a worker against tests/tools/fake_target;
# workers that misbehave (tests/tools/rogue_worker) killed while the
# monitor keeps serving; the bound on live workers; SIGHUP and SIGTERM.
# Needs root (iscsid starts as root). Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
iscsid=$build/iscsid
probe=$build/tests/tools/ctl_probe
rogue=$build/tests/tools/rogue_worker
sink=$build/tests/tools/tcp_sink
target=$build/tests/tools/fake_target

skip_all() {
	echo "ok - iscsid # SKIP $1"
	exit 0
}
for f in "$iscsid" "$build/iscsi-worker" "$probe" "$rogue" "$sink" "$target"; do
	[ -x "$f" ] || skip_all "${f#"$build"/} not built in $build"
done
[ "$(id -u)" = 0 ] || skip_all "needs root (iscsid starts as root)"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"

# A gid no account uses: membership is given with setpriv --groups.
GROUP=4242
OUTSIDER=65534

tmp=$(mktemp -d /tmp/iscsid-test.XXXXXX)
chmod 755 "$tmp"        # the unprivileged callers must reach the socket
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check NAME CONDITION-RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

wait_for() { # wait_for SECONDS COMMAND...: 0 once COMMAND succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.05
	done
}

# make_root DIR MAX_WORKERS: a private instance's files.
make_root() {
	mkdir -p "$1/etc/iscsi"
	chmod 755 "$1"
	echo "InitiatorName=iqn.2005-03.org.open-iscsi:iscsid-test" >"$1/etc/iscsi/initiatorname.iscsi"
	cat >"$1/etc/iscsi/iscsid.conf" <<EOF
iscsid.control_group = $GROUP
iscsid.max_workers = $2
discovery.sendtargets.timeo.login_timeout = 1
discovery.sendtargets.timeo.active_timeout = 1
EOF
}

# start_fg ROOT LOG [ARGS...]: iscsid -f -d 1 in ROOT; sets $daemon_pid.
start_fg() {
	local root=$1 log=$2
	shift 2
	ISCSI_ROOT=$root "$iscsid" -f -d 1 "$@" >"$log" 2>&1 &
	daemon_pid=$!
	pids+=("$daemon_pid")
	wait_for 10 test -S "$root/run/iscsid/iscsid.sock"
}

probe_as() { # probe_as ROOT WHO ARGS...: ctl_probe as root, member or outsider
	local root=$1 who=$2
	shift 2
	case $who in
	root) ISCSI_ROOT=$root "$probe" "$@" ;;
	member) ISCSI_ROOT=$root setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --groups=$GROUP \
		"$probe" "$@" ;;
	outsider) ISCSI_ROOT=$root setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --clear-groups \
		"$probe" "$@" ;;
	esac
}

# ---------------------------------------------------------------- start-up
R=$tmp/main
make_root "$R" 2
log=$tmp/main.log
start_fg "$R" "$log"
check "iscsid -f starts and creates its control socket" $? "$(tail -3 "$log")"
main_pid=$daemon_pid
run=$R/run/iscsid

check "pid file holds iscsid's pid" \
	"$([ "$(cat "$run/iscsid.pid" 2>/dev/null)" = "$main_pid" ]; echo $?)" \
	"$(cat "$run/iscsid.pid" 2>/dev/null) vs $main_pid"
v=$(stat -c '%F %a %u %g' "$run/iscsid.sock")
check "control socket is root:$GROUP, mode 0660" \
	"$([ "$v" = "socket 660 0 $GROUP" ]; echo $?)" "$v"
v=$(stat -c '%a %u' "$run/empty")
check "workers' empty root exists, root-owned 0755" "$([ "$v" = "755 0" ]; echo $?)" "$v"

out=$(probe_as "$R" root ping)
check "PING answers with version and pid" \
	"$([[ "$out" =~ ^pong\ [0-9.]+\ $main_pid$ ]]; echo $?)" "$out"
out=$(probe_as "$R" root status)
check "DAEMON_STATUS reports the configured bound and group" \
	"$([[ "$out" == *"max_workers=2 live=0 queued=0"*"group=$GROUP"* ]]; echo $?)" "$out"

err=$(ISCSI_ROOT=$R "$iscsid" -f 2>&1)
rc=$?
check "a second iscsid refuses to start, naming the first" \
	"$([ $rc -ne 0 ] && [[ "$err" == *"already running (pid $main_pid"* ]]; echo $?)" \
	"exit $rc: $err"
check "the first iscsid still serves after that" "$(probe_as "$R" root ping >/dev/null; echo $?)"
check "...and kept its socket" "$([ -S "$run/iscsid.sock" ]; echo $?)"

err=$("$iscsid" --frobnicate 2>&1)
rc=$?
check "an unknown option: exit 7 and one line" \
	"$([ $rc = 7 ] && [[ "$err" == "iscsid: invalid option '--frobnicate'"* ]]; echo $?)" \
	"exit $rc: $err"

# ---------------------------------------------------------------- callers
err=$(probe_as "$R" outsider ping 2>&1)
rc=$?
check "a user outside the control group cannot even connect: exit 13" \
	"$([ $rc = 13 ] && [[ "$err" == *"permission denied"* ]]; echo $?)" "exit $rc: $err"

out=$(probe_as "$R" member ping)
check "a control-group member may PING" "$([[ "$out" == pong* ]]; echo $?)" "$out"
out=$(probe_as "$R" member status)
check "a control-group member may ask DAEMON_STATUS" \
	"$([[ "$out" == daemon* ]]; echo $?)" "$out"

# Every mutating request the protocol has, each refused with 13 and a
# log line naming the caller and the request.
for req in "discovery 127.0.0.1:9" "stop"; do
	name=${req%% *}
	logname=$name
	[ "$name" = stop ] && logname=daemon-stop
	err=$(probe_as "$R" member $req 2>&1)
	rc=$?
	check "a control-group member is refused '$name': exit 13" \
		"$([ $rc = 13 ] && [[ "$err" == *"permission denied"* ]]; echo $?)" "exit $rc: $err"
	wait_for 2 grep -q "refused $logname request from uid $OUTSIDER pid [0-9]" "$log"
	check "...and iscsid logs it with uid and pid" $? "$(grep refused "$log" | tail -1)"
done
check "iscsid is still running after the refusals" "$(kill -0 "$main_pid"; echo $?)"

# Members holding every connection they may have do not lock root out.
coproc HOLD { probe_as "$R" member hold 56 2>&1; }
read -r -t 20 -u "${HOLD[0]}" line
check "a member may hold 56 connections" "$([ "$line" = "held 56" ]; echo $?)" "$line"
err=$(probe_as "$R" member ping 2>&1)
rc=$?
check "...the next member connection is refused busy: exit 28" \
	"$([ $rc = 28 ] && [[ "$err" == *"too many control connections"* ]]; echo $?)" "exit $rc: $err"
out=$(probe_as "$R" root ping 2>&1)
check "...while root still gets in" "$([[ "$out" == pong* ]]; echo $?)" "$out"
exec {HOLD[1]}>&-
wait "$HOLD_PID" 2>/dev/null
wait_for 5 bash -c "ISCSI_ROOT=$R $probe status | grep -q 'clients=1 '"
check "...and the held connections are gone once closed" $?

# ---------------------------------------------------------------- bad input
err=$(probe_as "$R" root raw-garbage 2>&1)
rc=$?
check "garbage on the control socket: exit 16, connection closed" \
	"$([ $rc = 16 ] && [[ "$err" == *"malformed request"* ]] &&
		[[ "$err" == *"after: connection closed by the peer"* ]]; echo $?)" \
	"exit $rc: $err"
err=$(probe_as "$R" root raw-version 99 2>&1)
rc=$?
check "another protocol version: exit 18 naming both versions" \
	"$([ $rc = 18 ] && [[ "$err" == *"version 99 is not supported"* ]]; echo $?)" "exit $rc: $err"
wait_for 2 grep -q "speaks control protocol version 99" "$log"
check "...and iscsid logs the version clash" $?
err=$(probe_as "$R" root raw-oversize 2>&1)
rc=$?
check "an oversize request: exit 16" "$([ $rc = 16 ]; echo $?)" "exit $rc: $err"
check "iscsid serves the next request after bad input" \
	"$(probe_as "$R" root ping >/dev/null; echo $?)"

# ---------------------------------------------------------------- discovery
# Each fake target writes its port into a file of its own: with one shared
# file, wait_for could read the previous target's port before the new
# redirection had emptied it.
"$target" --mode good --targets 3 --portals 2 >"$tmp/port.3x2" 2>"$tmp/target.err" &
pids+=($!)
wait_for 5 test -s "$tmp/port.3x2"
port=$(cat "$tmp/port.3x2")
out=$(probe_as "$R" root discovery "127.0.0.1:$port")
rc=$?
check "discovery through iscsid: exit 0, 6 portals streamed" \
	"$([ $rc = 0 ] && [ "$(echo "$out" | grep -c ' iqn.2001-04.com.example:target0000[0-2] default$')" = 6 ]; echo $?)" \
	"exit $rc: $out"
check "...and the records were written" \
	"$(grep -q 'discovery of 127.0.0.1:'"$port"': 6 portals; 6 records created' "$log"; echo $?)"

# iscsiadm asks iscsid when it runs (discovery/cli.c over control/client.h).
if [ -x "$build/iscsiadm" ]; then
	"$target" --mode good --targets 2 --portals 1 >"$tmp/port.2x1" 2>"$tmp/target.err" &
	pids+=($!)
	wait_for 5 test -s "$tmp/port.2x1"
	port=$(cat "$tmp/port.2x1")
	out=$(ISCSI_ROOT=$R "$build/iscsiadm" -m discovery -t st -p "127.0.0.1:$port" 2>&1)
	rc=$?
	check "iscsiadm -m discovery goes through iscsid: exit 0, open-iscsi's lines" \
		"$([ $rc = 0 ] && [ "$(grep -c '^127.0.0.1:3260,1 iqn.2001-04.com.example:target0000[01]$' <<<"$out")" = 2 ] &&
			grep -q "discovery of 127.0.0.1:$port: 2 portals" "$log"; echo $?)" "exit $rc: $out"
	err=$(ISCSI_ROOT=$R setpriv --reuid=$OUTSIDER --regid=$OUTSIDER --groups=$GROUP \
		"$build/iscsiadm" -m discovery -t st -p "127.0.0.1:$port" 2>&1)
	rc=$?
	check "iscsiadm discovery by a control-group member: refused by iscsid, exit 13" \
		"$([ $rc = 13 ] && [[ "$err" == *"permission denied"* ]]; echo $?)" "exit $rc: $err"
else
	echo "ok - iscsiadm -m discovery through iscsid # SKIP iscsiadm not built"
fi

"$target" --mode malformed >"$tmp/port.malformed" 2>"$tmp/target.err" &
pids+=($!)
wait_for 5 test -s "$tmp/port.malformed"
err=$(probe_as "$R" root discovery "127.0.0.1:$(cat "$tmp/port.malformed")" 2>&1)
rc=$?
check "a hostile target: a clean error for the caller" \
	"$([ $rc -ne 0 ] && [ $rc -ne 18 ] && [ -n "$err" ]; echo $?)" "exit $rc: $err"
check "iscsid serves the next request after a hostile target" \
	"$(probe_as "$R" root ping >/dev/null; echo $?)"
err=$(probe_as "$R" root discovery "127.0.0.1:1" 2>&1)
rc=$?
check "a target that is down: exit 4 and one line" \
	"$([ $rc = 4 ] && [ "$(echo "$err" | wc -l)" = 1 ]; echo $?)" "exit $rc: $err"
err=$(probe_as "$R" root discovery "127.0.0.1:3260" "no-such-iface" 2>&1)
rc=$?
check "an unknown iface is refused before connecting" \
	"$([ $rc -ne 0 ] && [[ "$err" == *no-such-iface* ]]; echo $?)" "exit $rc: $err"

# ---------------------------------------------------------------- SIGHUP
sed -i "s/^iscsid.max_workers = 2/iscsid.max_workers = 5/; s/^iscsid.control_group = $GROUP/iscsid.control_group = 4343/" \
	"$R/etc/iscsi/iscsid.conf"
kill -HUP "$main_pid"
wait_for 5 grep -q "settings reloaded: max_workers=5 control_group=4343 (gid 4343)" "$log"
check "SIGHUP rereads iscsid.conf (debug line with the new values)" $? \
	"$(grep settings "$log" | tail -1)"
out=$(probe_as "$R" root status)
check "...the new worker bound is in effect" "$([[ "$out" == *"max_workers=5"* ]]; echo $?)" "$out"
v=$(stat -c '%a %u %g' "$run/iscsid.sock")
check "...the control socket now belongs to the new group" \
	"$([ "$v" = "660 0 4343" ]; echo $?)" "$v"
err=$(probe_as "$R" member status 2>&1)
check "...and a member of the old group is shut out" "$([ $? = 13 ]; echo $?)" "$err"
echo "this line = is not valid" >>"$R/etc/iscsi/iscsid.conf"
echo "no equals sign" >>"$R/etc/iscsi/iscsid.conf"
kill -HUP "$main_pid"
wait_for 5 grep -q "configuration not reloaded, the previous one stays" "$log"
check "a broken iscsid.conf on SIGHUP keeps the previous settings" $? \
	"$(grep -i reload "$log" | tail -2)"
check "...and iscsid keeps serving" "$(probe_as "$R" root ping >/dev/null; echo $?)"

# ---------------------------------------------------------------- SIGTERM
kill -TERM "$main_pid"
wait_for 10 bash -c "! kill -0 $main_pid"
check "SIGTERM stops iscsid" $?
wait "$main_pid"
rc=$?
check "...with exit status 0" "$([ $rc = 0 ]; echo $?)" "exit $rc"
check "...having removed its socket and pid file" \
	"$([ ! -e "$run/iscsid.sock" ] && [ ! -e "$run/iscsid.pid" ]; echo $?)" "$(ls "$run")"
check "...and said sessions stay logged in" \
	"$(grep -q 'stopping (SIGTERM); sessions stay logged in' "$log"; echo $?)"
err=$(probe_as "$R" root ping 2>&1)
check "with no iscsid, the client says so: exit 20" "$([ $? = 20 ]; echo $?)" "$err"

# ---------------------------------------------------------------- misbehaving workers
"$sink" >"$tmp/sinkport" &
pids+=($!)
wait_for 5 test -s "$tmp/sinkport"
sinkport=$(cat "$tmp/sinkport")
mkdir -p "$tmp/w"
declare -A want=([hang]=8 [repeat]=31 [garbage]=31 [badname]=31 [crash]=31)
declare -A why=([hang]="no answer within" [repeat]="one-shot message repeated"
	[garbage]="unknown message type" [badname]="invalid target name"
	[crash]="killed by signal")
W=$tmp/rogue
bad_exits=()
make_root "$W" 1
for mode in hang repeat garbage badname crash; do
	ln -sf "$rogue" "$tmp/w/rogue-$mode"
	wlog=$tmp/rogue-$mode.log
	start_fg "$W" "$wlog" --worker-program="$tmp/w/rogue-$mode"
	err=$(probe_as "$W" root discovery "127.0.0.1:$sinkport" 2>&1)
	rc=$?
	check "worker '$mode': the request fails with exit ${want[$mode]}" \
		"$([ $rc = "${want[$mode]}" ]; echo $?)" "exit $rc: $err"
	check "...iscsid logs why the worker ended" \
		"$(grep -q "discovery worker.*${why[$mode]}" "$wlog"; echo $?)" "$(grep worker "$wlog")"
	out=$(probe_as "$W" root status)
	check "...and serves the next request, no worker left" \
		"$([[ "$out" == *"live=0 queued=0"* ]] && ! pgrep -f "^$tmp/w/rogue-$mode" >/dev/null; echo $?)" \
		"$out"
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || bad_exits+=("rogue-$mode: $?")
done

# ---------------------------------------------------------------- CHAP requests
# The monitor answers a worker's CHAP request once, for the worker's own
# job, and only when that job has CHAP; a job that requires CHAP is not
# answered without it. (C: iscsid.conf gives every discovery CHAP.)
C=$tmp/chap
make_root "$C" 1
cat >>"$C/etc/iscsi/iscsid.conf" <<EOF
discovery.sendtargets.auth.authmethod = CHAP
discovery.sendtargets.auth.username = rogue-test
discovery.sendtargets.auth.password = rogue-test-secret
EOF
declare -A chap_root=([twice]=$C [other]=$C [skip]=$C [unasked]=$W)
declare -A chap_why=([twice]="one-shot message repeated" [other]="for another target"
	[skip]="without the CHAP exchange" [unasked]="no CHAP is configured")
for mode in twice other skip unasked; do
	ln -sf "$rogue" "$tmp/w/rogue-chap-$mode"
	wlog=$tmp/rogue-chap-$mode.log
	root=${chap_root[$mode]}
	start_fg "$root" "$wlog" --worker-program="$tmp/w/rogue-chap-$mode"
	err=$(probe_as "$root" root discovery "127.0.0.1:$sinkport" 2>&1)
	rc=$?
	check "CHAP worker '$mode': killed, the request fails with exit 31" \
		"$([ $rc = 31 ]; echo $?)" "exit $rc: $err"
	check "...iscsid logs why" \
		"$(grep -q "discovery worker.*${chap_why[$mode]}" "$wlog"; echo $?)" "$(grep worker "$wlog")"
	check "...and an audit record worker_killed" \
		"$(grep -q "event=worker_killed" "$wlog"; echo $?)" "$(grep audit "$wlog")"
	check "...the secret is in no log line" \
		"$(! grep -q "rogue-test-secret" "$wlog"; echo $?)"
	out=$(probe_as "$root" root status)
	check "...and iscsid serves the next request, no worker left" \
		"$([[ "$out" == *"live=0 queued=0"* ]] && ! pgrep -f "^$tmp/w/rogue-chap-$mode" >/dev/null; echo $?)" \
		"$out"
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || bad_exits+=("rogue-chap-$mode: $?")
done

# ---------------------------------------------------------------- the worker bound
ln -sf "$rogue" "$tmp/w/rogue-slow-ok"
qlog=$tmp/queue.log
start_fg "$W" "$qlog" --worker-program="$tmp/w/rogue-slow-ok"
qpids=()
for i in 1 2 3; do
	probe_as "$W" root discovery "127.0.0.1:$sinkport" >"$tmp/q$i.out" 2>&1 &
	qpids+=($!)
done
sleep 0.5
out=$(probe_as "$W" root status)
check "max_workers=1: one worker runs, two discoveries wait" \
	"$([[ "$out" == *"live=1 queued=2"* ]] && [ "$(grep -c 'state=queued' <<<"$out")" = 2 ]; echo $?)" \
	"$out"
check "...and the log says they were queued" \
	"$(grep -q 'queued: 1 of 1 workers busy' "$qlog"; echo $?)"
fails=0
for i in 0 1 2; do
	wait "${qpids[$i]}" || fails=$((fails + 1))
done
check "...then each one runs in turn and succeeds" \
	"$([ $fails = 0 ] && grep -qh 'target0*\|example:slow' "$tmp"/q[123].out; echo $?)" \
	"$(cat "$tmp"/q[123].out)"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || bad_exits+=("queue: $?")

# ---------------------------------------------------------------- as a daemon
D=$tmp/daemon
make_root "$D" 2
ISCSI_ROOT=$D "$iscsid" >"$tmp/daemon.out" 2>&1
rc=$?
check "iscsid without -f returns 0 once it serves" "$([ $rc = 0 ]; echo $?)" \
	"exit $rc: $(cat "$tmp/daemon.out")"
dpid=$(cat "$D/run/iscsid/iscsid.pid" 2>/dev/null)
[ -n "$dpid" ] && pids+=("$dpid")
out=$(probe_as "$D" root ping)
check "the daemon answers, its pid file naming it" \
	"$([ -n "$dpid" ] && [[ "$out" == "pong "*" $dpid" ]]; echo $?)" "$out / pid file $dpid"
v=$(ps -o sid= -p "$dpid" 2>/dev/null | tr -d ' ')
check "...in a session of its own, not a session leader" \
	"$([ -n "$v" ] && [ "$v" != "$dpid" ] && [ "$v" != "$(ps -o sid= -p $$ | tr -d ' ')" ]; echo $?)" \
	"sid $v"
probe_as "$D" root stop >/dev/null
wait_for 10 bash -c "! kill -0 $dpid"
check "DAEMON_STOP from root stops it, files removed" \
	"$([ $? = 0 ] && [ ! -e "$D/run/iscsid/iscsid.sock" ] && [ ! -e "$D/run/iscsid/iscsid.pid" ]; echo $?)"

# ---------------------------------------------------------------- every instance
check "every iscsid instance above exited 0 on SIGTERM" "${#bad_exits[@]}" "${bad_exits[*]}"
v=$(grep -l 'Sanitizer\|runtime error' "$tmp"/*.log 2>/dev/null)
check "no sanitizer report in any iscsid log" "$([ -z "$v" ]; echo $?)" "$v"
