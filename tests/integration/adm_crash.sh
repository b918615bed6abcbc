#!/usr/bin/env bash
# kill -9 of iscsiadm writers at random moments (fixed seed). Each round
# starts 4 writers, each in its own process group, that create records,
# update a counter of their own record, and delete records they made;
# a writer appends to its acknowledgement log only after iscsiadm exited
# 0. After a random delay every group is killed with SIGKILL, iscsiadm
# processes included, wherever they are. Then:
#  - the database opens and lists (exit 0);
#  - every acknowledged create is present unless an acknowledged delete
#    followed it, and every acknowledged delete is absent;
#  - every counter is at least its last acknowledged value and at most
#    the last value tried.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
bin=$build/iscsiadm
if [ ! -x "$bin" ]; then
	echo "not ok - adm_crash: $bin not built"; exit 0
fi
command -v setsid >/dev/null || { echo "ok - adm_crash # SKIP needs setsid"; exit 0; }
work=$(mktemp -d /tmp/adm_crash.XXXXXX)
export ISCSI_ROOT=$work/root
mkdir -p "$ISCSI_ROOT/etc/iscsi"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 -- "-$p" "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

ROUNDS=${ADM_CRASH_ROUNDS:-25}
WRITERS=4
RANDOM=20240607   # fixed seed: the same kill moments on every run
prefix=iqn.2001-05.com.example:w
key='node.conn[0].timeo.noop_out_interval'

# Each writer's own record holds its counter.
for ((w = 0; w < WRITERS; w++)); do
	{ "$bin" -m node -o new -T "${prefix}${w}-counter" -p "127.1.$w.1" >/dev/null &&
	  "$bin" -m node -o update -T "${prefix}${w}-counter" -p "127.1.$w.1" -n "$key" -v 0; } ||
		{ echo "not ok - adm_crash: setup failed"; exit 0; }
	echo 0 >"$work/tried.$w"
	: >"$work/ack.$w"
done

# writer W: runs until killed; its state (next record, next counter)
# lives in files so that the next round goes on where it stopped.
# State files are append-only, one number a line: a kill can cut a
# rewrite short, but not the write(2) of one short line.
writer() {
	local w=$1 i c l
	i=1 c=0
	while read -r l; do i=$l; done <"$work/next.$w" 2>/dev/null
	while read -r l; do c=$l; done <"$work/tried.$w"
	while :; do
		echo "try $i" >>"$work/ack.$w"
		if "$bin" -m node -o new -T "${prefix}${w}-r$i" -p "127.2.$w.1" >/dev/null 2>&1; then
			echo "new $i" >>"$work/ack.$w"
		fi
		c=$((c + 1))
		echo $c >>"$work/tried.$w"
		if "$bin" -m node -o update -T "${prefix}${w}-counter" -p "127.1.$w.1" -n "$key" -v $c 2>/dev/null; then
			echo "upd $c" >>"$work/ack.$w"
		fi
		if ((i % 3 == 0)); then
			echo "try $((i - 1))" >>"$work/ack.$w"
			if "$bin" -m node -o delete -T "${prefix}${w}-r$((i - 1))" -p "127.2.$w.1" 2>/dev/null; then
				echo "del $((i - 1))" >>"$work/ack.$w"
			fi
		fi
		i=$((i + 1))
		echo $i >>"$work/next.$w"
	done
}

n=0 failed=0
# One awk reads the listing and every acknowledgement log: a record's
# expected state is that of its last acknowledged create or delete,
# unless an attempt on it followed without an acknowledgement (it may
# or may not have landed before the kill).
check_round() {
	local round=$1 why= w rc
	"$bin" -m node >"$work/list" 2>"$work/err"
	rc=$?
	[ $rc = 0 ] || why="$why -m node exit $rc ($(head -1 "$work/err"));"
	for ((w = 0; w < WRITERS; w++)); do
		"$bin" -m node -o show -T "${prefix}${w}-counter" -p "127.1.$w.1" >"$work/counter.$w" \
			2>>"$work/err" || why="$why counter $w: show exit $? ($(tail -1 "$work/err"));"
	done
	why=$why$(awk -v p="$prefix" -v writers=$WRITERS -v work="$work" '
		FILENAME ~ /list$/ { listed[$0] = 1; next }
		FILENAME ~ /counter/ {
			if ($1 == "node.conn[0].timeo.noop_out_interval") {
				w = FILENAME; sub(/.*\./, "", w); have[w] = $3
			}
			next
		}
		FILENAME ~ /tried/ { w = FILENAME; sub(/.*\./, "", w); tried[w] = $1; next }  # last line wins
		{
			w = FILENAME; sub(/.*\./, "", w); r = w " " $2
			if ($1 == "try") { unsure[r] = 1 }
			else if ($1 == "new") { st[r] = "present"; unsure[r] = 0 }
			else if ($1 == "del") { st[r] = "absent"; unsure[r] = 0 }
			else if ($1 == "upd") { acked[w] = $2 }
		}
		END {
			for (r in st) {
				if (unsure[r]) continue
				split(r, a, " ")
				line = "127.2." a[1] ".1:3260,-1 " p a[1] "-r" a[2]
				h = (line in listed) ? "present" : "absent"
				if (h != st[r]) printf " %s is %s, acknowledged %s;", line, h, st[r]
			}
			for (w = 0; w < writers; w++) {
				ac = acked[w] + 0
				if (have[w] == "" || have[w] + 0 < ac || have[w] + 0 > tried[w] + 0)
					printf " counter %d is %s, acknowledged %d, tried %d;", w, have[w], ac, tried[w]
			}
		}' "$work/list" "$work"/counter.* "$work"/tried.* "$work"/ack.* || echo " the check itself failed;")
	n=$((n + 1))
	if [ -z "$why" ]; then
		echo "ok - $n round $round: database opens, every acknowledged change is there"
	else
		failed=$((failed + 1))
		echo "not ok - $n round $round:$why" | cut -c1-600
	fi
}

# The shell reports each killed writer on stderr; that is expected here.
exec 2>"$work/shell-notices"
start=$(date +%s)
for ((round = 1; round <= ROUNDS; round++)); do
	pids=()
	for ((w = 0; w < WRITERS; w++)); do
		setsid bash -c "$(declare -f writer); bin='$bin' work='$work' prefix='$prefix' key='$key'; writer $w" &
		pids+=($!)
	done
	# 50 to 800 ms: the writers are mid-command most of the time.
	delay=$((50 + RANDOM % 750))
	sleep "$(printf '0.%03d' "$delay")"
	# The group and the process itself: under load a writer may not
	# have called setsid() yet, and then its group does not exist (it
	# would escape the kill and run on forever).
	{
		for p in "${pids[@]}"; do kill -9 -- "-$p"; kill -9 "$p"; done
		wait
	} 2>/dev/null
	check_round "$round"
done
total=$(awk '{ c++ } END { print c + 0 }' "$work"/ack.*)
echo "# $ROUNDS rounds, $total acknowledged changes, $(($(date +%s) - start))s"

# The check must be able to fail: an acknowledgement of a create that
# never happened has to be reported as lost.
echo "new 999999" >>"$work/ack.0"
if check_round self-test | grep -q '^not ok.*w0-r999999 is absent, acknowledged present'; then
	echo "ok - $((n + 1)) the check reports a lost acknowledged change"
else
	echo "not ok - $((n + 1)) the check did not notice a lost acknowledged change"
fi
