#!/usr/bin/env bash
# SendTargets discovery against a real target: tgtd (Debian's tgt) on
# loopback, a private instance with its own control port, and iscsiadm
# running without iscsid (its sandboxed worker does the protocol).
#   1, 100 and 2,000 targets (the last needs a multi-PDU answer), a target
#   reachable through several portals (127.0.0.1, 127.0.0.2, [::1]), and a
#   target that is down (connection refused: exit 4, one line).
# Each check compares iscsiadm's lines and the node records with what
# tgtd was configured with. tshark, when installed, dissects the traffic
# of the 2,000-target discovery: no malformed packet, no error expert info.
# Needs root. Prints TAP.
set -u
build=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
adm=$build/iscsiadm

skip_all() {
	echo "ok - discovery_tgtd # SKIP $1"
	exit 0
}
[ -x "$adm" ] && [ -x "$build/iscsi-worker" ] || skip_all "iscsiadm or iscsi-worker not built in $build"
[ "$(id -u)" = 0 ] || skip_all "needs root (tgtd, the worker's sandbox)"
command -v tgtd >/dev/null && command -v tgtadm >/dev/null || skip_all "tgtd not installed (Debian package tgt)"

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-disctgtd.XXXXXX)
tmp=$ISCSI_ROOT/test
mkdir -p "$ISCSI_ROOT/etc/iscsi" "$tmp" /var/run/tgtd
echo "InitiatorName=iqn.2005-03.org.open-iscsi:tgtd-test" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
# tgtd's management socket is /var/run/tgtd/socket.N: an N nobody uses.
ctl=$((2000 + RANDOM % 8000))
while [ -e "/var/run/tgtd/socket.$ctl" ]; do ctl=$((ctl + 1)); done
tgtd_pid= tshark_pid= iscsid_pid=
cleanup() {
	[ -n "$tshark_pid" ] && kill "$tshark_pid" 2>/dev/null
	[ -n "$iscsid_pid" ] && kill "$iscsid_pid" 2>/dev/null
	if [ -n "$tgtd_pid" ]; then
		kill -9 "$tgtd_pid" 2>/dev/null
		wait "$tgtd_pid" 2>/dev/null
	fi
	rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

check() { # check NAME RESULT [DETAIL]
	if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}
tgtadm_() { tgtadm -C "$ctl" --lld iscsi "$@"; }

tgtd -f -C "$ctl" --iscsi "portal=127.0.0.1:$port" >"$tmp/tgtd.log" 2>&1 &
tgtd_pid=$!
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && tgtadm_ --op show --mode portal >/dev/null 2>&1 && break
	sleep 0.1
done
tgtadm_ --op show --mode portal >/dev/null 2>&1 || skip_all "tgtd did not start: $(tail -n 3 "$tmp/tgtd.log")"

name() { printf 'iqn.2001-04.com.example:tgt-%04d' "$1"; }
# Targets FROM..TO, each open to every initiator (tgtd lists in
# SendTargets only the targets an initiator may log in to). Three
# tgtadm at a time: most of the cost is starting processes.
add_targets() {
	seq "$1" "$2" | xargs -P 3 -I{} sh -c \
		'tgtadm -C '"$ctl"' --lld iscsi --op new --mode target --tid {} -T "$(printf "iqn.2001-04.com.example:tgt-%04d" {})" &&
		 tgtadm -C '"$ctl"' --lld iscsi --op bind --mode target --tid {} -I ALL'
}
expected() { # expected N PORTAL...: sorted lines for targets 1..N on each portal
	local i p
	for ((i = 1; i <= $1; i++)); do
		for p in "${@:2}"; do echo "$p,1 $(name "$i")"; done
	done | sort
}
discover() { # discover PORTAL [ARGS...]
	"$adm" -m discovery -t st -p "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
same() { # same FILE-A FILE-B: sorted contents equal
	cmp -s <(sort "$1") <(sort "$2")
}

n_total=0
for n in 1 100 2000; do
	add_targets $((n_total + 1)) "$n"
	n_total=$n
	cap=
	if [ "$n" = 2000 ] && command -v tshark >/dev/null; then
		cap=$tmp/discovery.pcapng
		tshark -i lo -f "tcp port $port" -w "$cap" -q >"$tmp/tshark.log" 2>&1 &
		tshark_pid=$!
		for _ in $(seq 100); do grep -q Capturing "$tmp/tshark.log" && break; sleep 0.1; done
		sleep 0.5
	fi
	start=$(date +%s.%N)
	discover "127.0.0.1:$port" -d 3
	end=$(date +%s.%N)
	grep -v '^iscsiadm: debug: ' "$tmp/err" >"$tmp/err.real"
	expected "$n" "127.0.0.1:$port" >"$tmp/want"
	check "$n targets: exit 0, nothing on stderr" "$([ "$rc" = 0 ] && [ ! -s "$tmp/err.real" ]; echo $?)" \
		"rc=$rc $(head -c 300 "$tmp/err.real")"
	check "$n targets: iscsiadm prints every target tgtd has" "$(same "$tmp/out" "$tmp/want"; echo $?)" \
		"$(wc -l <"$tmp/out") lines"
	"$adm" -m node >"$tmp/nodes" 2>&1
	check "$n targets: node records match" "$(same "$tmp/nodes" "$tmp/want"; echo $?)" \
		"$(wc -l <"$tmp/nodes") records"
	pdus=$(sed -n 's/.*: \([0-9]*\) text responses.*/\1/p' "$tmp/err")
	echo "# $n targets: $(wc -l <"$tmp/out") portals in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s, ${pdus:-?} Text Responses"
	if [ "$n" = 2000 ]; then
		check "2000 targets: the answer took several Text Responses" \
			"$([ -n "$pdus" ] && [ "$pdus" -gt 1 ]; echo $?)" "${pdus:-none} seen"
	fi
	if [ -n "$cap" ]; then
		sleep 0.5
		kill -INT "$tshark_pid" 2>/dev/null
		wait "$tshark_pid" 2>/dev/null
		tshark_pid=
		dis=(-r "$cap" -d "tcp.port==$port,iscsi")
		frames=$(tshark "${dis[@]}" -Y iscsi 2>/dev/null | wc -l)
		bad=$(tshark "${dis[@]}" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null)
		[ $? = 0 ] || bad="tshark could not read $cap"
		check "tshark dissects the discovery as iSCSI" "$([ "$frames" -gt 4 ]; echo $?)" "$frames iSCSI frames"
		check "tshark: no malformed packet, no error expert info" "$([ -z "$bad" ]; echo $?)" \
			"$(echo "$bad" | head -3)"
		ops=$(tshark "${dis[@]}" -Y iscsi -T fields -e iscsi.opcode 2>/dev/null | sort -u | tr '\n' ' ')
		check "tshark sees login, text, logout both ways" \
			"$(for o in 0x03 0x23 0x04 0x24 0x06 0x26; do case " $ops" in *" $o "*) ;; *) exit 1 ;; esac; done; echo 0)" \
			"opcodes: $ops"
	fi
done

# One target through several portals: each portal's discovery adds its
# own node record of the target; the others stay.
tgtadm_ --op new --mode portal --param "portal=127.0.0.2:$port"
discover "127.0.0.2:$port"
expected 2000 "127.0.0.2:$port" >"$tmp/want"
check "second portal 127.0.0.2: every target through it" \
	"$([ "$rc" = 0 ] && same "$tmp/out" "$tmp/want"; echo $?)" "rc=$rc $(head -c 200 "$tmp/err")"
portals=("127.0.0.1:$port" "127.0.0.2:$port")
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	tgtadm_ --op new --mode portal --param "portal=[::1]:$port"
	discover "[::1]:$port"
	expected 2000 "[::1]:$port" >"$tmp/want"
	check "IPv6 portal [::1]: every target, printed in brackets" \
		"$([ "$rc" = 0 ] && same "$tmp/out" "$tmp/want"; echo $?)" "rc=$rc $(head -c 200 "$tmp/err")"
	portals+=("[::1]:$port")
else
	echo "ok - IPv6 portal [::1] # SKIP no ::1 on lo"
fi
"$adm" -m node >"$tmp/nodes" 2>&1
expected 2000 "${portals[@]}" >"$tmp/want"
check "node records: each target once per portal" "$(same "$tmp/nodes" "$tmp/want"; echo $?)" \
	"$(wc -l <"$tmp/nodes") records, want $(wc -l <"$tmp/want")"
"$adm" -m node -T "$(name 7)" >"$tmp/one" 2>&1
v=$(grep -c '^# BEGIN RECORD' "$tmp/one")
check "one target shows ${#portals[@]} portal records" "$([ "$v" = "${#portals[@]}" ]; echo $?)" "$v"
"$adm" -m discoverydb >"$tmp/ddb"
check "a discovery record per portal" "$([ "$(wc -l <"$tmp/ddb")" = "${#portals[@]}" ]; echo $?)" \
	"$(tr '\n' '|' <"$tmp/ddb")"

# iscsid.conf's discovery MaxRecvDataSegmentLength reaches the worker on
# both paths: 262144 bytes take tgtd's 2,000-target answer in one Text
# Response (the default 32768 needs several, checked above).
big=$tmp/big
mkdir -p "$big/etc/iscsi"
cp "$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi" "$big/etc/iscsi/"
echo "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 262144" >"$big/etc/iscsi/iscsid.conf"
ISCSI_ROOT=$big "$adm" -m discovery -t st -p "127.0.0.1:$port" -o nonpersistent -d 3 >"$tmp/out" 2>"$tmp/err"
rc=$?
pdus=$(sed -n 's/.*: \([0-9]*\) text responses.*/\1/p' "$tmp/err")
check "MaxRecvDataSegmentLength 262144 without iscsid: one Text Response" \
	"$([ "$rc" = 0 ] && [ "$pdus" = 1 ] && [ "$(wc -l <"$tmp/out")" = 2000 ]; echo $?)" "rc=$rc pdus=${pdus:-none}"
if [ -x "$build/iscsid" ]; then
	ISCSI_ROOT=$big "$build/iscsid" -f -d 3 >"$tmp/iscsid.log" 2>&1 &
	iscsid_pid=$!
	for _ in $(seq 50); do
		[ -S "$big/run/iscsid/iscsid.sock" ] && break
		sleep 0.1
	done
	ISCSI_ROOT=$big "$adm" -m discovery -t st -p "127.0.0.1:$port" -o nonpersistent >"$tmp/out" 2>"$tmp/err"
	rc=$?
	kill "$iscsid_pid" 2>/dev/null
	wait "$iscsid_pid" 2>/dev/null
	iscsid_pid=
	pdus=$(sed -n 's/.*: \([0-9]*\) text responses.*/\1/p' "$tmp/iscsid.log")
	check "MaxRecvDataSegmentLength 262144 through iscsid: one Text Response" \
		"$([ "$rc" = 0 ] && [ "$pdus" = 1 ] && [ "$(wc -l <"$tmp/out")" = 2000 ]; echo $?)" \
		"rc=$rc pdus=${pdus:-none} $(tail -n 2 "$tmp/iscsid.log" | tr '\n' '|')"
else
	echo "ok - MaxRecvDataSegmentLength 262144 through iscsid # SKIP iscsid not built"
fi

# A target that is down: first a port nobody listens on, then tgtd gone.
"$adm" -m node >"$tmp/nodes.before" 2>&1
discover "127.0.0.1:$(free_port)"
check "down (nothing listening): exit 4, one line" \
	"$([ "$rc" = 4 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'Connection refused' "$tmp/err"; echo $?)" \
	"rc=$rc $(cat "$tmp/err")"
kill -9 "$tgtd_pid"
wait "$tgtd_pid" 2>/dev/null
tgtd_pid=
discover "127.0.0.1:$port"
check "down (tgtd stopped): exit 4, one line" \
	"$([ "$rc" = 4 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]; echo $?)" \
	"rc=$rc $(cat "$tmp/err")"
check "down: node records unchanged" "$("$adm" -m node 2>&1 | cmp -s - "$tmp/nodes.before"; echo $?)"
exit 0
