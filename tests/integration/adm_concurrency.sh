#!/usr/bin/env bash
# Many iscsiadm processes at once on one database:
#  1. 16 writers create 1,000 node records between them while a reader
#     lists them in a loop: every command succeeds, every listing is
#     well formed, and all 1,000 records are there at the end;
#  2. 16 writers race -o update on one record, each on a key of its own,
#     10 values each: every update succeeds and each key ends with its
#     writer's last value (an update never loses another one's change);
#  3. 16 writers race -o update of one key of one record and -o new of
#     records of their own: the key ends with one of the written values.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
bin=$build/iscsiadm
if [ ! -x "$bin" ]; then
	echo "not ok - adm_concurrency: $bin not built"; exit 0
fi
work=$(mktemp -d /tmp/adm_concurrency.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ISCSI_ROOT=$work/root
mkdir -p "$ISCSI_ROOT/etc/iscsi"
adm() { "$bin" "$@"; }

W=16
N=1000
# Names and portals without $(...): a fork costs more than an iscsiadm
# run on a loaded machine.
prefix=iqn.2001-05.com.example:c

# ---- 1. parallel creation with a reader ----
reader() {
	local bad=0 rounds=0
	while [ ! -e "$work/writers-done" ]; do
		sleep 0.2
		if out=$(adm -m node 2>&1); then
			# Every line: "addr:port,tpgt name".
			if [ -n "$out" ] && printf '%s\n' "$out" | grep -qvE '^[0-9.]+:3260,-1 iqn\.2001-05\.com\.example:c[0-9]+$'; then
				bad=$((bad + 1))
			fi
		elif [ $? != 21 ]; then
			bad=$((bad + 1))
		fi
		rounds=$((rounds + 1))
	done
	echo "$rounds $bad" >"$work/reader"
}
reader &
reader_pid=$!
start=$(date +%s)
for ((w = 0; w < W; w++)); do
	(
		fails=0
		for ((i = w; i < N; i += W)); do
			adm -m node -o new -T "$prefix$i" -p "127.0.$((i / 250)).$((i % 250 + 1))" >/dev/null 2>>"$work/errors" ||
				fails=$((fails + 1))
		done
		echo $fails >"$work/fails.$w"
	) &
done
wait $(jobs -p | grep -v "^$reader_pid\$")
touch "$work/writers-done"
wait $reader_pid
elapsed=$(($(date +%s) - start))

fails=$(cat "$work"/fails.* | awk '{ s += $1 } END { print s }')
if [ "$fails" = 0 ]; then
	echo "ok - 1 $W processes ran $N -o new, all succeeded (${elapsed}s)"
else
	echo "not ok - 1 $fails of $N -o new failed"; head -5 "$work/errors" | sed 's/^/#   /'
fi
for ((i = 0; i < N; i++)); do echo "127.0.$((i / 250)).$((i % 250 + 1)):3260,-1 $prefix$i"; done | sort >"$work/want"
adm -m node | sort >"$work/have"
if cmp -s "$work/want" "$work/have"; then
	echo "ok - 2 all $N records are listed, none twice"
else
	echo "not ok - 2 records lost or duplicated: $(comm -23 "$work/want" "$work/have" | wc -l) missing, $(comm -13 "$work/want" "$work/have" | wc -l) unexpected"
fi
read -r rounds bad <"$work/reader"
if [ "$bad" = 0 ] && [ "$rounds" -gt 0 ]; then
	echo "ok - 3 $rounds listings during the writes were all well formed"
else
	echo "not ok - 3 $bad of $rounds listings during the writes failed or were malformed"
fi
n_show=$(adm -m node -o show | grep -c '^# BEGIN RECORD')
if [ "$n_show" = "$N" ]; then
	echo "ok - 4 -o show prints all $N records"
else
	echo "not ok - 4 -o show printed $n_show records"
fi

# ---- 2. racing updates of different keys of one record ----
keys=(node.session.cmds_max node.session.queue_depth node.session.nr_sessions
	node.session.initial_login_retry_max node.session.timeo.replacement_timeout
	node.session.err_timeo.abort_timeout node.session.err_timeo.lu_reset_timeout
	node.session.err_timeo.tgt_reset_timeout node.session.err_timeo.host_reset_timeout
	node.session.iscsi.DefaultTime2Wait node.session.iscsi.DefaultTime2Retain
	node.session.reopen_max 'node.conn[0].timeo.logout_timeout'
	'node.conn[0].timeo.login_timeout' 'node.conn[0].timeo.noop_out_interval'
	'node.conn[0].timeo.noop_out_timeout')
T=${prefix}0 P=127.0.0.1
rm -f "$work"/fails.*
for ((w = 0; w < W; w++)); do
	(
		fails=0
		for v in 11 12 13 14 15 16 17 18 19 20; do
			adm -m node -o update -T "$T" -p "$P" -n "${keys[w]}" -v $((v + w)) 2>>"$work/errors" ||
				fails=$((fails + 1))
		done
		echo $fails >"$work/fails.$w"
	) &
done
wait
fails=$(cat "$work"/fails.* | awk '{ s += $1 } END { print s }')
[ "$fails" = 0 ] && echo "ok - 5 $((W * 10)) racing updates all succeeded" ||
	echo "not ok - 5 $fails racing updates failed"
adm -m node -o show -T "$T" -p "$P" >"$work/show"
lost=0
for ((w = 0; w < W; w++)); do
	grep -qxF "${keys[w]} = $((20 + w))" "$work/show" || { lost=$((lost + 1)); echo "#   lost: ${keys[w]}"; }
done
[ $lost = 0 ] && echo "ok - 6 every racing writer's last value is there" ||
	echo "not ok - 6 $lost of $W keys lost their writer's last update"

# ---- 3. one key, many writers, mixed with creates ----
rm -f "$work"/fails.*
for ((w = 0; w < W; w++)); do
	(
		fails=0
		for v in 1 2 3; do
			adm -m node -o update -T "$T" -p "$P" -n node.session.nr_sessions -v $((w * 10 + v)) \
				2>>"$work/errors" || fails=$((fails + 1))
			adm -m node -o new -T "$prefix$((N + w * 3 + v))" -p 127.9.9.9 >/dev/null \
				2>>"$work/errors" || fails=$((fails + 1))
		done
		echo $fails >"$work/fails.$w"
	) &
done
wait
fails=$(cat "$work"/fails.* | awk '{ s += $1 } END { print s }')
value=$(adm -m node -o show -T "$T" -p "$P" | sed -n 's/^node.session.nr_sessions = //p')
count=$(adm -m node | wc -l)
if [ "$fails" = 0 ] && [ $((value % 10)) = 3 ] && [ "$count" = $((N + W * 3)) ]; then
	echo "ok - 7 same-key race ends with a writer's last value ($value), all $((W * 3)) creates kept"
else
	echo "not ok - 7 same-key race: $fails failures, value '$value', $count records"
fi
if adm -m node -T "$T" -p "$P" -o show | grep -qx 'node.session.cmds_max = 20'; then
	echo "ok - 8 the other keys' values survived the same-key race"
else
	echo "not ok - 8 the same-key race changed other keys"
fi
