#!/usr/bin/env bash
# Golden-output test of iscsiadm's record commands: every command below
# runs through Debian's open-iscsi 2.1.8 iscsiadm (the reference, in a
# private mount namespace) and through ours (a private ISCSI_ROOT), each
# side in its own fresh state, in the same order. One TAP line per
# command compares what its flags name: o stdout, e stderr, c exit code.
# Output order is not compared where the reference lists in readdir order
# (s: sort lines, t: flatten trees then sort, b: sort whole records).
#
# The reference's stderr loses the noise of its missing daemon and
# kernel module (see NOISE) before any comparison.
#
# Differences on purpose are declared with `differs` right before the
# command, each with its reason; they either set the exit code we expect
# of ours (rc=N) or rewrite the reference's output into ours (ref_out=SED)
# so that everything else is still compared. One applies everywhere:
#   TPGT -1 is printed as -1, not as open-iscsi's 4294967295 (it prints
#   the signed -1 through an unsigned format in "-m node" lines).
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
ours_bin=$build/iscsiadm
ref_tool=$top/tests/reference/open-iscsi
ref_root=${ISCSI_REFERENCE_DIR:-$top/build/reference}/root

if [ ! -x "$ours_bin" ]; then
	echo "not ok - adm_golden: $ours_bin not built"; exit 0
fi
if [ "$(id -u)" != 0 ] || [ ! -x "$ref_root/sbin/iscsiadm" ] || ! unshare --mount true 2>/dev/null; then
	echo "ok - adm_golden # SKIP needs root, unshare and the reference (make deps)"; exit 0
fi

work=$(mktemp -d /tmp/adm_golden.XXXXXX)
# The reference's bind mounts need mount points, which mkdir creates on the
# real file system even inside the namespace: remove the ones made here.
made_dirs=()
for d in /etc/iscsi /var/lib/iscsi; do
	[ -e "$d" ] || made_dirs+=("$d")
done
cleanup() {
	[ -n "${ADM_GOLDEN_KEEP:-}" ] || rm -rf "$work"
	for d in "${made_dirs[@]}"; do
		rmdir "$d" 2>/dev/null || true
	done
}
trap cleanup EXIT
ref_state=$work/ref
ours_root=$work/ours

# Both sides get Debian's iscsid.conf (its startup command made harmless)
# and the same initiator name.
setup_state() {
	mkdir -p "$ref_state/etc-iscsi" "$ref_state/var-lib-iscsi" "$ours_root/etc/iscsi"
	sed 's|^iscsid.startup = .*|iscsid.startup = /bin/true|' "$ref_root/etc/iscsi/iscsid.conf" \
		>"$ref_state/etc-iscsi/iscsid.conf"
	cp "$ref_state/etc-iscsi/iscsid.conf" "$ours_root/etc/iscsi/iscsid.conf"
	echo "InitiatorName=iqn.1993-08.org.debian:01:golden" >"$ref_state/etc-iscsi/initiatorname.iscsi"
	cp "$ref_state/etc-iscsi/initiatorname.iscsi" "$ours_root/etc/iscsi/initiatorname.iscsi"
}
setup_state

NOISE='can not connect to iSCSI daemon|iscsid is not running|iscsid.startup|Could not scan /sys/class/iscsi_transport|^libkmod: |Could not insert module|System has not been booted|Failed to connect to bus'

# Flattens a tree (-P 1) into one line per node holding its ancestors, so
# sorting keeps parent/child relations but ignores sibling order.
flatten_tree() {
	awk '
	function level(line,   n) {
		if (line ~ /^(SENDTARGETS|iSNS|STATIC|FIRMWARE):$/) return 0
		if (line ~ /^DiscoveryAddress: /) return 1
		n = 0
		while (substr(line, n + 1, 1) == "\t") n++
		if (line ~ /^Target: / && insect) return 2
		return n + (insect ? 2 : 0)
	}
	{
		if ($0 ~ /^(SENDTARGETS|iSNS|STATIC|FIRMWARE):$/) insect = 1
		l = level($0); stack[l] = $0
		for (i = l + 1; i < 8; i++) stack[i] = ""
		path = ""
		for (i = 0; i <= l; i++) if (stack[i] != "") path = path stack[i] " | "
		print path
	}' | sort
}

# Sorts whole "# BEGIN RECORD" ... "# END RECORD" blocks.
sort_records() {
	awk '/^# BEGIN RECORD/ { if (b != "") print b; b = $0; next }
	     { b = b "\001" $0 }
	     END { if (b != "") print b }' | sort | tr '\001' '\n'
}

normalize() {   # $1 flags
	case $1 in
	*s*) sort ;;
	*t*) flatten_tree ;;
	*b*) sort_records ;;
	*) cat ;;
	esac
}

d_reason= d_rc= d_ref_out= d_ref_err=
differs() {   # REASON [rc=N] [ref_out=SED] [ref_err=SED]
	d_reason=$1; shift
	for a in "$@"; do
		case $a in
		rc=*) d_rc=${a#rc=} ;;
		ref_out=*) d_ref_out=${a#ref_out=} ;;
		ref_err=*) d_ref_err=${a#ref_err=} ;;
		esac
	done
}

# t NAME FLAGS ARGS...: records one command (its arguments NUL-separated
# in cmd/N) with the `differs` before it; everything runs further down.
n=0
names=() flagsof=() reasons=() rcs=() outseds=() errseds=()
mkdir -p "$work/cmd" "$work/refres" "$work/ourres"
t() {
	local name=$1 flags=$2
	shift 2
	n=$((n + 1))
	names[n]=$name flagsof[n]=$flags reasons[n]=$d_reason rcs[n]=$d_rc
	outseds[n]=$d_ref_out errseds[n]=$d_ref_err
	if [ $# -gt 0 ]; then printf '%s\0' "$@"; fi >"$work/cmd/$n"
	d_reason= d_rc= d_ref_out= d_ref_err=
}

# Runs commands 1..N in order against one state. $1: result directory;
# the rest: how to run iscsiadm.
run_all() {
	local res=$1 i args
	shift
	for ((i = 1; i <= n; i++)); do
		mapfile -d '' args <"$work/cmd/$i"
		"$@" "${args[@]}" >"$res/$i.out" 2>"$res/$i.err" </dev/null
		echo $? >"$res/$i.rc"
	done
}

# The reference runs in one private mount namespace for the whole list
# (one unshare per command would cost more than the commands).
run_reference_batch() {
	unshare --mount --propagation private -- bash -c '
		set -e
		mkdir -p /etc/iscsi /var/lib/iscsi
		mount --bind "$1/etc-iscsi" /etc/iscsi
		mount --bind "$1/var-lib-iscsi" /var/lib/iscsi
		export LD_LIBRARY_PATH=$2/usr/lib/x86_64-linux-gnu
		set +e
		'"$(declare -f run_all)"'
		n=$3 work=$4
		run_all "$work/refres" "$2/sbin/iscsiadm"' \
		ref-batch "$ref_state" "$ref_root" "$n" "$work"
}

run_ours() {
	ISCSI_ROOT=$ours_root "$ours_bin" "$@"
}

# Reads a whole file into variable $1 without a fork (forks are most of
# this test's time), dropping trailing newlines as $(...) would.
slurp() {
	local __v=
	IFS= read -r -d '' __v <"$2"
	while [[ $__v == *$'\n' ]]; do __v=${__v%$'\n'}; done
	printf -v "$1" '%s' "$__v"
}

compare_all() {
	local i fails=0 allowed=0 ok why rout rerr oout oerr rrc orc flags label args
	local errs=()
	for ((i = 1; i <= n; i++)); do errs+=("$work/refres/$i.err"); done
	# The reference's noise goes in one pass over every stderr file.
	for ((i = 1; i <= n; i++)); do : >"$work/refres/$i.ferr"; done
	awk -v re="$NOISE" 'FNR == 1 { out = FILENAME; sub(/\.err$/, ".ferr", out) }
		$0 !~ re { print > out }' "${errs[@]}"
	for ((i = 1; i <= n; i++)); do
		flags=${flagsof[i]} ok=1 why=
		slurp rout "$work/refres/$i.out"
		slurp rerr "$work/refres/$i.ferr"
		slurp rrc "$work/refres/$i.rc"
		slurp oout "$work/ourres/$i.out"
		slurp oerr "$work/ourres/$i.err"
		slurp orc "$work/ourres/$i.rc"
		# TPGT -1 through open-iscsi's unsigned format (see the top).
		rout=${rout//,4294967295 /,-1 }
		[ -n "${outseds[i]}" ] && rout=$(printf '%s\n' "$rout" | sed -E "${outseds[i]}")
		[ -n "${errseds[i]}" ] && rerr=$(printf '%s\n' "$rerr" | sed -E "${errseds[i]}")
		[ -n "${rcs[i]}" ] && rrc=${rcs[i]}
		case $flags in *[stb]*)
			rout=$(printf '%s\n' "$rout" | normalize "$flags")
			oout=$(printf '%s\n' "$oout" | normalize "$flags") ;;
		esac
		case $flags in *c*) [ "$rrc" = "$orc" ] || { ok=0; why="$why exit $orc, expected $rrc;"; } ;; esac
		case $flags in *o*) [ "$rout" = "$oout" ] || { ok=0; why="$why stdout differs;"; } ;; esac
		case $flags in *e*) [ "$rerr" = "$oerr" ] || { ok=0; why="$why stderr differs;"; } ;; esac
		mapfile -d '' args <"$work/cmd/$i"
		label="$i ${names[i]}: iscsiadm ${args[*]}"
		if [ $ok = 1 ] && [ -n "${reasons[i]}" ]; then
			allowed=$((allowed + 1))
			echo "ok - $label (differs on purpose: ${reasons[i]})"
		elif [ $ok = 1 ]; then
			echo "ok - $label"
		else
			fails=$((fails + 1))
			echo "not ok - $label:$why"
			diff <(printf 'rc=%s\n%s\n--stderr--\n%s\n' "$rrc" "$rout" "$rerr") \
			     <(printf 'rc=%s\n%s\n--stderr--\n%s\n' "$orc" "$oout" "$oerr") |
				sed 's/^/#   /' | head -40
		fi
	done
	echo "# $n commands, $fails failed, $allowed differ on purpose (see the differs lines)"
}

T1=iqn.2001-05.com.example:t1
T2=iqn.2001-05.com.example:t2
T3=iqn.2001-05.com.example:t3
PW='-n node.session.auth.password -v s3cret'

# ---- empty database ----
t empty-node-list oec -m node
t empty-discoverydb-list oec -m discoverydb
t empty-discovery-list oec -m discovery
t builtin-ifaces osec -m iface
t builtin-iface-tree otec -m iface -P 1
t builtin-iface-show oec -m iface -I default
t builtin-iser-show oec -m iface -I iser -o show

# ---- node records ----
t node-new oec -m node -o new -T $T1 -p 127.0.0.1
t node-new-port-tpgt oec -m node -o new -T $T1 -p 127.0.0.2:3261,5
t node-new-ipv6 oec -m node -o new -T $T2 -p '[::1]:3260'
t node-new-again oec -m node -o new -T $T1 -p 127.0.0.1
t node-new-long-options oec --mode=node --op=new --targetname=$T2 --portal=127.0.0.3:3262
t node-list osec -m node
t node-list-P0 osec -m node -P 0
t node-tree otec -m node -P 1
t node-show oec -m node -o show -T $T1 -p 127.0.0.1
t node-show-implicit oec -m node -T $T1 -p 127.0.0.1
t node-show-by-target obec -m node -o show -T $T1
t node-show-by-portal obec -m node -p 127.0.0.2:3261
t node-show-tpgt-ignored obec -m node -p 127.0.0.2:3261,9
t node-show-port-default-3260 oec -m node -o show -p 127.0.0.2
t node-show-by-iface obec -m node -o show -I default
t node-show-long-options oec --mode node --targetname $T1 --portal 127.0.0.1 --op show
t node-show-all obec -m node -o show
t node-update-startup oec -m node -o update -T $T1 -p 127.0.0.1 -n node.startup -v automatic
t node-update-all-of-target oec -m node -o update -T $T1 -n node.session.cmds_max -v 64
t node-update-two-pairs oec -m node -o update -T $T1 -p 127.0.0.1 -n node.session.iscsi.InitialR2T -v Yes -n node.conn[0].iscsi.HeaderDigest -v CRC32C,None
t node-show-updated obec -m node -o show -T $T1
t node-update-secret oec -m node -o update -T $T1 -p 127.0.0.1 $PW
t node-show-masked oec -m node -o show -T $T1 -p 127.0.0.1
t node-show-secrets oec -m node -o show -T $T1 -p 127.0.0.1 -S
t node-show-secrets-long oec -m node -o show -T $T1 -p 127.0.0.1 --show
t node-new-resets oec -m node -o new -T $T1 -p 127.0.0.1
t node-show-after-reset oec -m node -o show -T $T1 -p 127.0.0.1 -S
t node-update-unknown-key oc -m node -o update -T $T1 -n node.bogus -v 1
t node-update-bad-enum oc -m node -o update -T $T1 -n node.startup -v bogus
t node-update-bad-bool oc -m node -o update -T $T1 -n node.session.iscsi.InitialR2T -v maybe
t node-update-bad-authmethod oc -m node -o update -T $T1 -n node.session.auth.authmethod -v Bogus
differs "open-iscsi stores atoi('abc') = 0; a value of the wrong type is refused" rc=7
t node-update-not-a-number oc -m node -o update -T $T1 -n node.session.cmds_max -v abc
differs "open-iscsi silently clamps 99999999999999; a value out of range is refused" rc=7
t node-update-out-of-range oc -m node -o update -T $T1 -n node.session.cmds_max -v 99999999999999
t node-update-identity oc -m node -o update -T $T1 -n node.name -v foo
t node-update-tpgt oc -m node -o update -T $T1 -n node.tpgt -v 3
t node-update-address oc -m node -o update -T $T1 -n node.conn[0].address -v 127.9.9.9
t node-update-no-match oec -m node -o update -T $T3 -n node.startup -v manual
t node-update-no-pairs oec -m node -o update -T $T1
t node-update-restore oec -m node -o update -T $T1 -n node.session.cmds_max -v 64
t node-show-unchanged obec -m node -o show -T $T1
t node-update-discovery-type oc -m node -o update -T $T1 -n node.discovery_type -v send_targets
t node-update-discovery-address oc -m node -o update -T $T1 -n node.discovery_address -v 127.0.0.9
t node-show-with-iface obec -m node -o show -T $T1 -p 127.0.0.1 -I default
t node-show-iface-only obec -m node -I default
t node-update-username oec -m node -o update -T $T1 -p 127.0.0.2:3261 -n node.session.auth.username -v user1
t node-show-username oec -m node -T $T1 -p 127.0.0.2:3261
t node-show-no-match oec -m node -o show -T $T3
t node-show-no-match-portal oec -m node -p 127.9.9.9
t node-show-wrong-case oec -m node -T iqn.2001-05.com.example:T1 -o show
t node-delete-one oec -m node -o delete -T $T2 -p '[::1]:3260'
t node-delete-none oec -m node -o delete -T $T2 -p '[::1]:3260'
t node-list-after-delete osec -m node
t node-print-level-2 oec -m node -P 2
t node-op-bogus oec -m node -o bogus
t node-op-two oec -m node -o update -o show -T $T1 -n node.startup -v manual
t node-op-nonpersistent oec -m node -o nonpersistent
t node-option-not-allowed oec -m node -t st
t node-option-not-allowed-long oec -m node --type st
differs "open-iscsi binds nothing with a missing -p and reuses whatever record it read last; new needs -T and -p" rc=7
t node-new-no-portal oc -m node -o new -T $T3
differs "the reference cannot find a missing iface and says 'no memory' (3); ours says no such record" rc=21
t node-new-missing-iface oc -m node -o new -T $T3 -p 127.0.0.9 -I nosuch
differs "open-iscsi warns and uses the first -I; ours refuses a second one" rc=7
t node-two-ifaces c -m node -o show -T $T1 -I default -I iser
differs "open-iscsi ignores -n/-v with -o new; ours applies them (checked first)"
t node-new-with-pair oec -m node -o new -T $T3 -p 127.0.0.8 -n node.startup -v automatic
differs "the -n/-v of the -o new above" ref_out='s/^node.startup = manual$/node.startup = automatic/'
t node-show-new-with-pair oec -m node -T $T3 -p 127.0.0.8
differs "open-iscsi stores the host name; ours resolves it and stores the address" ref_out='s/ localhost,3260,/ 127.0.0.1,3260,/'
t node-new-hostname oec -m node -o new -T $T3 -p localhost
differs "the host name was resolved when the record was made" ref_out='s/^node.conn\[0\].address = localhost$/node.conn[0].address = 127.0.0.1/'
t node-show-hostname oec -m node -T $T3 -p localhost
t node-delete-hostname oec -m node -o delete -T $T3

# ---- discovery records ----
t disc-new oec -m discoverydb -o new -t st -p 127.0.0.1
t disc-new-port oec -m discoverydb -o new -t sendtargets -p 127.0.0.2:3261
t disc-new-ipv6 oec -m discoverydb -o new -t st -p '[::1]:3260'
t disc-new-long oec --mode discoverydb --op new --type st --portal 127.0.0.4
t disc-list osec -m discoverydb
t disc-list-legacy osec -m discovery
t disc-tree otec -m discoverydb -P 1
t disc-tree-legacy otec -m discovery -P 1
t disc-show oec -m discoverydb -o show -t st -p 127.0.0.1
t disc-show-implicit oec -m discoverydb -t st -p 127.0.0.2:3261
t disc-show-tpgt-ignored oec -m discoverydb -t st -p 127.0.0.1,7
t disc-show-ipv6 oec -m discoverydb -t st -p '[::1]'
t disc-show-legacy oec -m discovery -p 127.0.0.1
t disc-update oec -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.startup -v automatic
t disc-update-secret oec -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.sendtargets.auth.password -v pw1
t disc-show-masked oec -m discoverydb -t st -p 127.0.0.1
t disc-show-secrets oec -m discoverydb -t st -p 127.0.0.1 -S
t disc-update-unknown oec -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.bogus -v 1
t disc-update-node-key oec -m discoverydb -o update -t st -p 127.0.0.1 -n node.session.cmds_max -v 3
t disc-update-identity oec -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.sendtargets.address -v 1.1.1.1
t disc-update-type oec -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.type -v isns
t disc-update-missing oec -m discoverydb -o update -t st -p 127.0.0.77 -n discovery.startup -v manual
t disc-new-resets oec -m discoverydb -o new -t st -p 127.0.0.1
t disc-show-reset oec -m discoverydb -t st -p 127.0.0.1 -S
t disc-legacy-update oec -m discovery -p 127.0.0.1 -o update -n discovery.startup -v automatic
t disc-legacy-new oec -m discovery -p 127.0.0.1 -o new
t disc-show-missing oec -m discoverydb -o show -t st -p 127.0.0.77
t disc-delete-missing oec -m discoverydb -o delete -t st -p 127.0.0.77
t disc-legacy-show-missing oec -m discovery -p 127.0.0.77
t disc-legacy-delete-missing oec -m discovery -p 127.0.0.77 -o delete
t disc-delete oec -m discoverydb -o delete -t st -p 127.0.0.2:3261
t disc-legacy-delete oec -m discovery -p 127.0.0.4 -o delete
t disc-list-after-delete osec -m discoverydb
t disc-no-type oec -m discoverydb -o new -p 127.0.0.9
t disc-no-portal oec -m discoverydb -o new -t st
t disc-legacy-no-portal oec -m discovery -t st
t disc-slp oec -m discoverydb -o new -t slp -p 127.0.0.9
t disc-fw-without-discover oec -m discoverydb -o new -t fw -p 127.0.0.9
t disc-option-not-allowed oec -m discoverydb -T $T1
t disc-tree-with-static otec -m discoverydb -P 1

# ---- iface records ----
t iface-new oec -m iface -o new -I if1
t iface-new-again oec -m iface -o new -I if1
t iface-list osec -m iface
t iface-show oec -m iface -I if1
t iface-show-op oec -m iface -I if1 -o show
t iface-node-new oec -m node -o new -T $T3 -p 127.0.0.5,1 -I if1
t iface-node-new-default oec -m node -o new -T $T3 -p 127.0.0.5,1
t iface-tree otec -m iface -P 1
t iface-tree-one otec -m iface -I if1 -P 1
t iface-node-tree otec -m node -P 1
t iface-node-show-one oec -m node -o show -T $T3 -p 127.0.0.5 -I if1
t iface-node-update-iface-key oec -m node -o update -T $T3 -I if1 -n iface.net_ifacename -v eth0
differs "open-iscsi prints a second line naming /etc/iscsi/ifaces" ref_err='/Could not create new interface/d; s|not stored in /etc/iscsi/ifaces|not stored in the database|'
t iface-new-default oec -m iface -o new -I default
differs "open-iscsi also prints its read error with source line" ref_err='s/^iSCSI ERROR: .*/iscsiadm: Could not read iface info for nope./'
t iface-show-missing oec -m iface -I nope
differs "open-iscsi prints a second line" ref_err='/Could not delete iface nope/d'
t iface-delete-missing oec -m iface -o delete -I nope
differs "open-iscsi returns errno EINVAL (22) here, not one of its exit codes" rc=7
t iface-new-no-name oec -m iface -o new
t iface-delete-no-name oec -m iface -o delete
t iface-update-no-name oec -m iface -o update -n iface.mtu -v 1
t iface-print-level-2 oec -m iface -P 2
t iface-option-not-allowed oec -m iface -T $T1
differs "open-iscsi needs the transport's kernel module to update an iface record (absent here); ours only edits the record" rc=0 ref_out='1s/^$/if1 updated./' ref_err='/Cound not locate transport/d'
t iface-update oec -m iface -o update -I if1 -n iface.net_ifacename -v eth0
t iface-delete oec -m iface -o delete -I if1
t iface-node-list-after-delete osec -m node
t iface-list-after-delete osec -m iface

# ---- the rest of the command line ----
differs "ours prints its own version after the compatible one" ref_out='s/^(iscsiadm version 2\.1\.8)$/\1 (hardened-iscsi 0.1)/'
t version oec --version
differs "ours prints its own version after the compatible one" ref_out='s/^(iscsiadm version 2\.1\.8)$/\1 (hardened-iscsi 0.1)/'
t version-short oec -V
t mode-bogus c -m bogus
t no-arguments c
t missing-argument c -m node -T
t unknown-option c -m node --bogus
differs "open-iscsi reads 'x' as level 0; a print level that is not a number is refused" rc=7
t print-level-not-number c -m node -P x
differs "open-iscsi ignores stray arguments; they are refused" rc=7
t stray-argument c -m node extra
t session-mode c -m session
t node-login c -m node -T $T1 -p 127.0.0.1 -l
t node-login-all-records c -m node -l
t node-logout c -m node -T $T1 -p 127.0.0.1 -u
differs "the reference fails on the missing iscsi_tcp module (12); ours needs no kernel module for discovery and reports the refused connection (4)" rc=4
t discovery-sendtargets c -m discovery -t st -p 127.0.0.9
t node-delete-all oec -m node -o delete
t node-list-empty-again oec -m node
t node-new-before-default-delete oec -m node -o new -T $T1 -p 127.0.0.1
differs "open-iscsi prints a second line" ref_err='/Could not delete iface default/d'
t iface-delete-default oec -m iface -o delete -I default
differs "open-iscsi deletes every node bound to 'default' before it refuses to delete 'default'; nothing is changed here" rc=0 ref_out='1s/^$/127.0.0.1:3260,-1 iqn.2001-05.com.example:t1/' ref_err='/No records found/d'
t node-list-after-default-delete oec -m node
differs "iSNS discovery records are not kept (iSNS is not supported by this version)" rc=17
t disc-new-isns c -m discoverydb -o new -t isns -p 127.0.0.3

start=$(date +%s)
run_reference_batch &
ref_pid=$!
run_all "$work/ourres" run_ours
echo "# ours: $(($(date +%s) - start)) s"
wait $ref_pid
echo "# reference: $(($(date +%s) - start)) s"
compare_all
echo "# compared: $(($(date +%s) - start)) s"
