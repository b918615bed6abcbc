#!/usr/bin/env bash
# SendTargets discovery of 2,000 targets from one private tgtd on loopback:
# our iscsiadm (without iscsid: sandboxed worker spawned per discovery)
# beside libiscsi's iscsi-ls, side by side in one run, RUNS times each.
#   ours, -o nonpersistent   the protocol and the worker; no database writes
#   ours, default ops        the same plus 2,000 node records written
#   ours, 256 KiB segments   nonpersistent, with MaxRecvDataSegmentLength
#                            262144 in iscsid.conf (what iscsi-ls declares;
#                            tgtd then answers in one PDU instead of five)
#   iscsi-ls                 libiscsi-bin: discovery login, SendTargets, print
# Prints each run's wall time, the medians and the ratios. Not part of
# make check (the target setup alone takes a minute). Needs root, tgt and
# libiscsi-bin (apt-get install tgt libiscsi-bin).
#
#   tests/bench/discovery.sh [BUILD_DIR] [RUNS]
#   PORTAL=ip:port tests/bench/discovery.sh ...   an already running target
#                                                  with TARGETS targets
set -u
build=$(cd "${1:-$(dirname "$0")/../../build}" && pwd)
runs=${2:-5}
targets=${TARGETS:-2000}
adm=$build/iscsiadm
initiator=iqn.2005-03.org.open-iscsi:bench

for p in tgtd tgtadm iscsi-ls python3; do
	command -v $p >/dev/null || { echo "missing $p (apt-get install tgt libiscsi-bin)"; exit 2; }
done
[ -x "$adm" ] && [ -x "$build/iscsi-worker" ] || { echo "build iscsiadm and iscsi-worker first"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 2; }

export ISCSI_ROOT
ISCSI_ROOT=$(mktemp -d /tmp/iscsi-benchdisc.XXXXXX)
mkdir -p "$ISCSI_ROOT/etc/iscsi" "$ISCSI_ROOT/big/etc/iscsi" /var/run/tgtd
echo "InitiatorName=$initiator" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
cp "$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi" "$ISCSI_ROOT/big/etc/iscsi/"
echo "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 262144" >"$ISCSI_ROOT/big/etc/iscsi/iscsid.conf"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ctl=$((2000 + RANDOM % 8000))
while [ -e "/var/run/tgtd/socket.$ctl" ]; do ctl=$((ctl + 1)); done
tgtd_pid=
cleanup() {
	if [ -n "$tgtd_pid" ]; then
		kill -9 "$tgtd_pid" 2>/dev/null
		wait "$tgtd_pid" 2>/dev/null
	fi
	rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
	rm -rf "$ISCSI_ROOT"
}
trap cleanup EXIT

portal=${PORTAL:-}
if [ -z "$portal" ]; then
	portal=127.0.0.1:$port
	tgtd -f -C "$ctl" --iscsi "portal=$portal" >/dev/null 2>&1 &
	tgtd_pid=$!
	for _ in $(seq 100); do
		tgtadm -C "$ctl" --lld iscsi --op show --mode portal >/dev/null 2>&1 && break
		sleep 0.1
	done
	echo "# setting up $targets targets in tgtd (control port $ctl, portal $portal)"
	seq 1 "$targets" | xargs -P 3 -I{} sh -c \
		'tgtadm -C '"$ctl"' --lld iscsi --op new --mode target --tid {} -T "$(printf "iqn.2001-04.com.example:bench-%05d" {})" &&
		 tgtadm -C '"$ctl"' --lld iscsi --op bind --mode target --tid {} -I ALL'
fi

now() { date +%s%N; }
declare -A times
measure() { # measure LABEL EXPECTED_LINES CMD...
	local label=$1 want=$2 t0 t1 lines
	shift 2
	t0=$(now)
	lines=$("$@" 2>/dev/null | wc -l)
	t1=$(now)
	if [ "$lines" != "$want" ]; then
		echo "$label: $lines lines instead of $want" >&2
		exit 1
	fi
	times[$label]+="$(((t1 - t0) / 1000)) "
}

for ((i = 1; i <= runs; i++)); do
	measure ours-nonpersistent "$targets" "$adm" -m discovery -t st -p "$portal" -o nonpersistent
	measure ours-default "$targets" "$adm" -m discovery -t st -p "$portal"
	measure ours-256k "$targets" env ISCSI_ROOT="$ISCSI_ROOT/big" \
		"$adm" -m discovery -t st -p "$portal" -o nonpersistent
	measure iscsi-ls "$targets" iscsi-ls -i "$initiator" "iscsi://$portal"
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-20s %-52s %s\n' "" "runs (ms)" "median (ms)"
for label in ours-nonpersistent ours-default ours-256k iscsi-ls; do
	us=${times[$label]}
	ms=$(for t in $us; do awk -v t="$t" 'BEGIN { printf "%.1f ", t / 1000 }'; done)
	med=$(echo "$us" | median)
	printf '%-20s %-52s %.1f\n' "$label" "$ms" "$(awk -v t="$med" 'BEGIN { print t / 1000 }')"
	eval "med_${label//-/_}=$med"
done
awk -v a="$med_ours_nonpersistent" -v b="$med_ours_default" -v d="$med_ours_256k" \
	-v c="$med_iscsi_ls" 'BEGIN {
	printf "ratio ours-nonpersistent / iscsi-ls: %.2f\n", a / c
	printf "ratio ours-default / iscsi-ls:       %.2f\n", b / c
	printf "ratio ours-256k / iscsi-ls:          %.2f\n", d / c
}'
