#!/usr/bin/env bash
# Record database benchmark: 10,000 node records, our iscsiadm beside
# Debian's open-iscsi 2.1.8 iscsiadm on the same records, in one run.
#
#   tests/bench/records.sh [BUILD_DIR]     (make bench)
#
# Ours: the records are made by tests/tools/bench_fill (the same library
# calls as -o new, 500 per transaction). The reference: one record made
# by its own iscsiadm -o new, copied 10,000 times with only node.name and
# the address changed, in its own layout (nodes/TARGET/ADDR,PORT,TPGT/
# default). Both sides run in one private mount namespace, so neither
# pays for a namespace per command.
#
# Timed: iscsiadm -m node (list all), one -o show, one -o update. With
# hyperfine when installed (apt-get install hyperfine), else a loop timed
# with date +%s%N. Goals: listing at least 10x faster than the
# reference; single-record operations under 20 ms.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-${BUILD:-$top/build}}" && pwd)
ours=$build/iscsiadm
fill=$build/tests/tools/bench_fill
ref_root=${ISCSI_REFERENCE_DIR:-$top/build/reference}/root
N=${BENCH_RECORDS:-10000}

for f in "$ours" "$fill"; do
	[ -x "$f" ] || { echo "bench: $f not built (make test-bins)" >&2; exit 1; }
done
if [ "$(id -u)" != 0 ] || [ ! -x "$ref_root/sbin/iscsiadm" ]; then
	echo "bench: needs root and the reference open-iscsi (make deps)" >&2; exit 1
fi

work=$(mktemp -d /tmp/bench_records.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ours/etc/iscsi" "$work/ref/etc-iscsi" "$work/ref/var-lib-iscsi"

echo "bench: creating $N node records for each side"
t0=$(date +%s%N)
ISCSI_ROOT=$work/ours "$fill" "$N"
t1=$(date +%s%N)

# The reference: one real record, then copies of it.
"$top/tests/reference/open-iscsi" iscsiadm "$work/ref" -- -m node -o new \
	-T iqn.2001-05.com.example:bench-0 -p 127.0.0.0:3260,1 >/dev/null 2>&1
nodes=$work/ref/etc-iscsi/nodes
template=$nodes/iqn.2001-05.com.example:bench-0/127.0.0.0,3260,1/default
[ -f "$template" ] || { echo "bench: the reference did not create its record" >&2; exit 1; }
awk -v n="$N" -v nodes="$nodes" '
	{ tmpl[++lines] = $0 }
	END {
		for (i = 1; i < n; i++) {
			addr = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
			dir = nodes "/iqn.2001-05.com.example:bench-" i "/" addr ",3260,1"
			print dir > "/dev/stderr"
		}
	}' "$template" 2>"$work/dirs"
xargs mkdir -p <"$work/dirs"
awk -v n="$N" -v nodes="$nodes" '
	{ tmpl[++lines] = $0 }
	END {
		for (i = 1; i < n; i++) {
			addr = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
			name = "iqn.2001-05.com.example:bench-" i
			file = nodes "/" name "/" addr ",3260,1/default"
			for (l = 1; l <= lines; l++) {
				line = tmpl[l]
				if (line ~ /^node\.name = /) line = "node.name = " name
				else if (line ~ /^node\.conn\[0\]\.address = /) line = "node.conn[0].address = " addr
				print line > file
			}
			close(file)
		}
	}' "$template"
t2=$(date +%s%N)
echo "bench: ours filled in $(((t1 - t0) / 1000000)) ms, the reference's files written in $(((t2 - t1) / 1000000)) ms"

# The runner below executes inside one private mount namespace.
cat >"$work/run.sh" <<'EOF'
set -eu
work=$1 ours=$2 ref_root=$3 N=$4
mkdir -p /etc/iscsi /var/lib/iscsi
mount --bind "$work/ref/etc-iscsi" /etc/iscsi
mount --bind "$work/ref/var-lib-iscsi" /var/lib/iscsi
cat >"$work/ref.sh" <<REF
#!/bin/sh
LD_LIBRARY_PATH=$ref_root/usr/lib/x86_64-linux-gnu exec $ref_root/sbin/iscsiadm "\$@"
REF
cat >"$work/ours.sh" <<OURS
#!/bin/sh
ISCSI_ROOT=$work/ours exec $ours "\$@"
OURS
chmod +x "$work/ref.sh" "$work/ours.sh"
mid=$((N / 2))
addr="127.$((mid / 65536 % 256)).$((mid / 256 % 256)).$((mid % 256))"
sel="-T iqn.2001-05.com.example:bench-$mid -p $addr:3260"

# Same answers first: a benchmark of wrong output is worthless.
for side in ours ref; do
	"$work/$side.sh" -m node | sed 's/,4294967295 /,-1 /' | sort >"$work/$side.list"
	"$work/$side.sh" -m node -o show $sel >"$work/$side.show"
done
cmp -s "$work/ours.list" "$work/ref.list" || { echo "bench: the listings differ" >&2; exit 1; }
cmp -s "$work/ours.show" "$work/ref.show" || { echo "bench: the -o show outputs differ" >&2; exit 1; }
[ "$(wc -l <"$work/ours.list")" = "$N" ] || { echo "bench: wrong record count" >&2; exit 1; }

# time_ms NAME RUNS COMMAND: "median-wall-ms cpu-ms" (one warm-up run).
# The median, not the mean: on a shared machine a few runs wait for the
# CPU and would drag a mean; CPU time (user + system) does not wait.
time_ms() {
	local name=$1 runs=$2
	shift 2
	if command -v hyperfine >/dev/null; then
		hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
			"$*" >/dev/null 2>&1
		awk '/"median"/ { gsub(/[^0-9.e+-]/, "", $2); med = $2 }
		     /"user"/ { gsub(/[^0-9.e+-]/, "", $2); u = $2 }
		     /"system"/ { gsub(/[^0-9.e+-]/, "", $2); s = $2 }
		     END { printf "%.2f %.2f\n", med * 1000, (u + s) * 1000 }' "$work/$name.json"
	else
		"$@" >/dev/null 2>&1 || true
		local t0 t1 i
		t0=$(date +%s%N)
		for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 || true; done
		t1=$(date +%s%N)
		awk -v d=$((t1 - t0)) -v r="$runs" 'BEGIN { printf "%.2f -\n", d / r / 1e6 }'
	fi
}

upd="-o update $sel -n node.session.cmds_max -v 64"
read -r base _ <<<"$(time_ms baseline 30 /bin/true)"
read -r list_o list_oc <<<"$(time_ms list_ours 20 "$work/ours.sh" -m node)"
read -r list_r list_rc <<<"$(time_ms list_ref 7 "$work/ref.sh" -m node)"
read -r show_o show_oc <<<"$(time_ms show_ours 30 "$work/ours.sh" -m node -o show $sel)"
read -r show_r show_rc <<<"$(time_ms show_ref 7 "$work/ref.sh" -m node -o show $sel)"
read -r upd_o upd_oc <<<"$(time_ms update_ours 30 "$work/ours.sh" -m node $upd)"
read -r upd_r upd_rc <<<"$(time_ms update_ref 7 "$work/ref.sh" -m node $upd)"

echo
printf '%-34s %18s %22s %7s\n' "$N node records" "ours: wall (cpu) ms" "open-iscsi: wall (cpu)" "ratio"
row() {
	awk -v l="$1" -v a="$2" -v ac="$3" -v b="$4" -v bc="$5" 'BEGIN {
		printf "%-34s %10.2f (%6s) %13.2f (%7s) %6.1fx\n", l, a, ac, b, bc, b / a }'
}
row "iscsiadm -m node" "$list_o" "$list_oc" "$list_r" "$list_rc"
row "iscsiadm -m node -o show (one)" "$show_o" "$show_oc" "$show_r" "$show_rc"
row "iscsiadm -m node -o update (one)" "$upd_o" "$upd_oc" "$upd_r" "$upd_rc"
printf '%-34s %10.2f\n' "(process start: /bin/true)" "$base"
echo "(wall: median of the runs; cpu: mean user + system)"
echo
awk -v lo="$list_o" -v lr="$list_r" -v so="$show_o" -v uo="$upd_o" 'BEGIN {
	printf "goal: listing >= 10x faster: %s (%.1fx)\n", (lr / lo >= 10) ? "met" : "NOT met", lr / lo
	printf "goal: single-record operations < 20 ms: %s (show %.2f ms, update %.2f ms)\n",
		(so < 20 && uo < 20) ? "met" : "NOT met", so, uo
}'
EOF
unshare --mount --propagation private -- bash "$work/run.sh" "$work" "$ours" "$ref_root" "$N"
