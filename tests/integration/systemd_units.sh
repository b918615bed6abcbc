#!/usr/bin/env bash
# The systemd side: make install puts iscsid.socket, iscsid.service and
# iscsi.service in place with the installed paths, and systemd-analyze
# verify accepts them; iscsid takes over a socket passed by socket
# activation (systemd-socket-activate, as iscsid.socket would), serves on
# it, leaves it in place when it stops, and refuses a socket of the wrong
# kind with one line. Needs root. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
adm=$build/iscsiadm
name=systemd_units

for f in "$adm" "$build/iscsid" "$build/iscsi-worker"; do
	[ -x "$f" ] || { echo "ok - $name # SKIP ${f#"$build"/} not built in $build"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "ok - $name # SKIP needs root"; exit 0; }
command -v systemd-socket-activate >/dev/null ||
	{ echo "ok - $name # SKIP systemd-socket-activate not installed"; exit 0; }

tmp=$(mktemp -d /tmp/systemd-units.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
check() { if [ "$2" = 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi; }

# ---- make install ----
out=$(make -s -C "$top" install BUILD="$build" DESTDIR="$tmp/inst" PREFIX=/usr/local 2>&1)
check "make install DESTDIR= PREFIX=/usr/local" $? "$out"
units=$tmp/inst/usr/local/lib/systemd/system
bad=
for u in iscsid.socket iscsid.service iscsi.service; do [ -f "$units/$u" ] || bad+=" $u"; done
check "the three units are installed" "$([ -z "$bad" ]; echo $?)" "missing:$bad"
check "their commands are the installed programs" \
	"$(grep -h '^Exec' "$units"/*.service | grep -v '=/usr/local/sbin/' | grep -q .; [ $? != 0 ]; echo $?)" \
	"$(grep -h '^Exec' "$units"/*.service)"
if command -v systemd-analyze >/dev/null; then
	out=$(cd "$units" && systemd-analyze verify --root="$tmp/inst" iscsid.socket iscsid.service \
		iscsi.service 2>&1)
	check "systemd-analyze verify accepts them" "$([ $? = 0 ] && [ -z "$out" ]; echo $?)" "$out"
fi

# ---- socket activation ----
export ISCSI_ROOT=$tmp/root
mkdir -p "$ISCSI_ROOT/etc/iscsi" "$ISCSI_ROOT/run/iscsid"
echo "InitiatorName=iqn.2005-03.org.open-iscsi:activation" >"$ISCSI_ROOT/etc/iscsi/initiatorname.iscsi"
sock=$ISCSI_ROOT/run/iscsid/iscsid.sock
systemd-socket-activate --seqpacket -l "$sock" -E ISCSI_ROOT="$ISCSI_ROOT" \
	"$build/iscsid" -f -d 1 >"$tmp/activated.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
"$adm" -k 0 2>"$tmp/err"
rc=$?
check "the first request starts iscsid on the passed socket and is answered" "$rc" "exit $rc: $(cat "$tmp/err")"
for _ in $(seq 100); do grep -q 'iscsid stopped' "$tmp/activated.log" && break; sleep 0.05; done
check "iscsid says it took the socket from socket activation" \
	"$(grep -q 'from socket activation' "$tmp/activated.log"; echo $?)" "$(cat "$tmp/activated.log")"
check "iscsid stopped and left the unit's socket in place" \
	"$(grep -q 'iscsid stopped' "$tmp/activated.log" && [ -S "$sock" ]; echo $?)"
wait "${pids[@]}" 2>/dev/null
pids=()
rm -f "$sock"

# A stream socket where a seqpacket one belongs: refused, iscsid exits.
systemd-socket-activate -l "$sock" -E ISCSI_ROOT="$ISCSI_ROOT" \
	"$build/iscsid" -f >"$tmp/wrong.log" 2>&1 &
pid=$!
pids+=($pid)
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
# Any connection makes systemd-socket-activate start iscsid.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])' "$sock" 2>/dev/null
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
wait "$pid" 2>/dev/null
rc=$?
check "a stream socket is refused with one line, iscsid exits" \
	"$([ $rc != 0 ] && grep -q 'not a listening AF_UNIX SOCK_SEQPACKET socket' "$tmp/wrong.log"; echo $?)" \
	"exit $rc: $(cat "$tmp/wrong.log")"
pids=()
