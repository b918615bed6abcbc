# Guest side of tests/bench/sessions.sh (runs inside the qemu VM): every
# initiator whose programs are in the image (Debian's open-iscsi 2.1.8 under
# /ref; ours in /usr/local/sbin when the wrapper copied it) against the same
# tgtd, one after the other, from an empty record database each:
#   - one login, then its logout, ROUNDS times: the median of each (the
#     command's own time; "login to disk" adds the wait for the sdX);
#   - `-m node -L all` over TARGETS targets, then `-m node -U all`;
#   - the resident memory of every iscsid and iscsi-worker process while
#     the TARGETS sessions are up;
#   - what -L all and -U all print on stderr (the issue saw session-lookup
#     errors from the reference), and their exit codes.
# Prints "# " lines as it goes and a table with ratios (ours / reference) at
# the end. Not a test: it fails only when it cannot measure.
# shellcheck source=../vm/guest/lib.sh
. /guest/lib.sh

TARGETS=${BENCH_TARGETS:-64}
ROUNDS=${BENCH_ROUNDS:-5}
portal=127.0.0.1:$TGT_PORT
declare -A R=()

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# err_lines FILE: the stderr lines worth counting (not progress lines).
err_lines() {
	grep -c -v -e '^Logging in to' -e '^Login to' -e '^Logging out of' -e '^Logout of' "$1"
}

# bench_one NAME: every measurement for the initiator NAME into R[NAME.*].
bench_one() {
	local who=$1 i t rc iqn1 disk logins="" to_disk="" logouts=""
	init_use "$who"
	rm -rf /var/lib/iscsi/* /etc/iscsi/*
	if ! init_start; then
		diag "$who: iscsid did not start"
		return 1
	fi
	diag "$(init_label): iscsid up, RSS $(init_rss_kib) KiB idle"
	if ! adm -m discovery -t sendtargets -p "$portal" >/tmp/bench-disc.out 2>&1; then
		diag "$who: discovery failed: $(tail -n 3 /tmp/bench-disc.out)"
		init_stop
		return 1
	fi
	diag "$who: discovery found $(grep -c "^$portal" /tmp/bench-disc.out) targets"

	iqn1=$(tgt_iqn 1)
	for i in $(seq "$ROUNDS"); do
		t=$(now)
		adm -m node -T "$iqn1" -p "$portal" --login >/tmp/bench-login.out 2>&1
		rc=$?
		logins+="$(since "$t") "
		if [ $rc -ne 0 ] || ! wait_for 30 session_disk "$iqn1"; then
			diag "$who: login $i failed (exit $rc): $(tail -n 2 /tmp/bench-login.out)"
			init_stop
			return 1
		fi
		to_disk+="$(since "$t") "
		disk=$(session_disk "$iqn1")
		t=$(now)
		adm -m node -T "$iqn1" -p "$portal" --logout >/tmp/bench-logout.out 2>&1
		rc=$?
		logouts+="$(since "$t") "
		if [ $rc -ne 0 ] || ! wait_for 30 test ! -e "/sys/block/$disk"; then
			diag "$who: logout $i failed (exit $rc): $(tail -n 2 /tmp/bench-logout.out)"
			init_stop
			return 1
		fi
	done
	R[$who.login]=$(printf '%s\n' $logins | median)
	R[$who.to_disk]=$(printf '%s\n' $to_disk | median)
	R[$who.logout]=$(printf '%s\n' $logouts | median)
	diag "$who: single login ${logins}s; to disk ${to_disk}s; logout ${logouts}s"

	t=$(now)
	adm -m node -L all >/tmp/bench-L.out 2>/tmp/bench-L.err
	rc=$?
	R[$who.L_all]=$(since "$t")
	R[$who.L_rc]=$rc
	R[$who.L_err]=$(err_lines /tmp/bench-L.err)
	R[$who.sessions]=$(session_count)
	diag "$who: -L all exit $rc in ${R[$who.L_all]}s, $(session_count) sessions," \
		"${R[$who.L_err]} stderr lines"
	[ "${R[$who.L_err]}" -eq 0 ] || diag "$(grep -v -e '^Logging in to' -e '^Login to' \
		/tmp/bench-L.err | sort | uniq -c | sort -rn | head -n 5)"
	# The sessions' disks appear after the logins return; memory is
	# measured once they are all there.
	all_disks() { [ "$(ls /sys/class/scsi_disk 2>/dev/null | wc -l)" -ge "$TARGETS" ]; }
	wait_for 60 all_disks || diag "$who: only $(ls /sys/class/scsi_disk | wc -l) disks after 60 s"
	R[$who.rss]=$(init_rss_kib)
	diag "$who: RSS with $(session_count) sessions: ${R[$who.rss]} KiB"

	t=$(now)
	adm -m node -U all >/tmp/bench-U.out 2>/tmp/bench-U.err
	rc=$?
	R[$who.U_all]=$(since "$t")
	R[$who.U_rc]=$rc
	R[$who.U_err]=$(err_lines /tmp/bench-U.err)
	diag "$who: -U all exit $rc in ${R[$who.U_all]}s, $(session_count) sessions left," \
		"${R[$who.U_err]} stderr lines"
	[ "${R[$who.U_err]}" -eq 0 ] || diag "$(grep -v -e '^Logging out of' -e '^Logout of' \
		/tmp/bench-U.err | sort | uniq -c | sort -rn | head -n 5)"
	wait_for 60 test "$(session_count)" -eq 0 || diag "$who: sessions left: $(session_count)"
	init_stop || diag "$who: iscsid did not stop on SIGTERM"
	R[$who.done]=1
}

# row LABEL KEY UNIT [noratio]: reference, ours and ours/reference.
row() {
	local a=${R[ref.$2]:--} b=${R[ours.$2]:--} ratio=-
	if [ "$a" != - ] && [ "$b" != - ] && [ -z "${4:-}" ]; then
		ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')
	fi
	[ "$a" = - ] || a+=$3
	[ "$b" = - ] || b+=$3
	printf '# %-38s %14s %14s %9s\n' "$1" "$a" "$b" "$ratio"
}

vm_load_modules || { echo "module load failed"; exit 1; }
sizes=$(for i in $(seq "$TARGETS"); do echo 1; done)
# shellcheck disable=SC2086
tgt_start $sizes || { echo "tgtd failed"; exit 1; }
diag "tgtd: $TARGETS targets of 1 MiB on $portal"

status=0
for who in ref ours; do
	init_available "$who" || { diag "$who: not in the image, skipped"; continue; }
	bench_one "$who" || status=1
done
tgt_stop

diag ""
printf '# %-38s %14s %14s %9s\n' "sessions benchmark ($TARGETS targets)" "reference" "ours" "ours/ref"
row "login (median of $ROUNDS)" login " s"
row "login until the disk appears" to_disk " s"
row "logout (median of $ROUNDS)" logout " s"
row "-L all ($TARGETS targets)" L_all " s"
row "-U all ($TARGETS sessions)" U_all " s"
row "RSS of iscsid (+workers), $TARGETS sessions" rss " KiB"
row "sessions after -L all" sessions "" noratio
row "-L all exit code" L_rc "" noratio
row "-L all stderr lines (errors)" L_err "" noratio
row "-U all exit code" U_rc "" noratio
row "-U all stderr lines (errors)" U_err "" noratio
exit $status
