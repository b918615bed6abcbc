#!/usr/bin/env bash
# Bad input to iscsiadm: every case must print exactly one line on stderr
# and nothing on stdout, exit with its documented code, and leave the
# database exactly as it was (a full dump, secrets included, is compared
# before and after). One TAP line per case.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
bin=$build/iscsiadm
if [ ! -x "$bin" ]; then
	echo "not ok - adm_badinput: $bin not built"; exit 0
fi
work=$(mktemp -d /tmp/adm_badinput.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/etc/iscsi"
export ISCSI_ROOT=$root

adm() { "$bin" "$@"; }

T1=iqn.2001-05.com.example:t1
T2=iqn.2001-05.com.example:t2
setup_ok=1
{
	adm -m node -o new -T $T1 -p 127.0.0.1 &&
	adm -m node -o new -T $T1 -p '[::1]:3261,2' &&
	adm -m iface -o new -I if1 &&
	adm -m node -o new -T $T2 -p 127.0.0.2 -I if1 &&
	adm -m node -o update -T $T1 -n node.session.auth.password -v 'old secret' &&
	adm -m discoverydb -o new -t st -p 127.0.0.1 &&
	adm -m iface -o update -I if1 -n iface.net_ifacename -v eth0
} >/dev/null || setup_ok=0
if [ $setup_ok = 0 ]; then
	echo "not ok - adm_badinput: setting up the records failed"; exit 0
fi

# Every record there is: the two node records of T1 and T2's, the
# discovery record and the one iface (the rest are built in).
dump() {
	adm -m node -o show -S
	adm -m discoverydb -o show -t st -p 127.0.0.1 -S
	adm -m iface -I if1
}
dump >"$work/before" 2>&1

n=0
# bad NAME EXIT ARGS...; $before_dump (when set) runs between the
# command and the dump.
before_dump=
bad() {
	local name=$1 want=$2 rc lines why=
	shift 2
	n=$((n + 1))
	adm "$@" >"$work/out" 2>"$work/err" </dev/null
	rc=$?
	$before_dump
	lines=$(wc -l <"$work/err")
	[ "$rc" = "$want" ] || why="$why exit $rc, expected $want;"
	[ "$lines" = 1 ] || why="$why $lines lines on stderr;"
	[ -s "$work/out" ] && why="$why output on stdout;"
	dump >"$work/after" 2>&1
	cmp -s "$work/before" "$work/after" || why="$why the database changed;"
	if [ -z "$why" ]; then
		echo "ok - $n $name ($want): $(head -c 160 "$work/err")"
	else
		echo "not ok - $n $name:$why"
		sed 's/^/#   /' "$work/err" | head -5
		diff "$work/before" "$work/after" | sed 's/^/#   /' | head -10
		cp "$work/after" "$work/before"
	fi
}

long() { printf "%${1}s" "" | tr ' ' "$2"; }

# ---- iSCSI names ----
bad name-space 7 -m node -o new -T "iqn.2001-05.com.example:a b" -p 127.0.0.9
bad name-slash 7 -m node -o new -T "iqn.2001-05.com.example:a/b" -p 127.0.0.9
bad name-dotdot 7 -m node -o new -T "iqn.2001-05.com.example:a..b" -p 127.0.0.9
bad name-only-dotdot 7 -m node -o new -T ".." -p 127.0.0.9
bad name-control 7 -m node -o new -T $'iqn.2001-05.com.example:a\x01b' -p 127.0.0.9
bad name-newline 7 -m node -o new -T $'iqn.2001-05.com.example:a\nb' -p 127.0.0.9
bad name-escape 7 -m node -o new -T $'iqn.2001-05.com.example:\e[31m' -p 127.0.0.9
bad name-bad-utf8 7 -m node -o new -T $'iqn.2001-05.com.example:\xff' -p 127.0.0.9
bad name-no-prefix 7 -m node -o new -T foo -p 127.0.0.9
bad name-bad-date 7 -m node -o new -T iqn.2001-13.com.example:x -p 127.0.0.9
bad name-eui-short 7 -m node -o new -T eui.0123 -p 127.0.0.9
bad name-oversized 7 -m node -o new -T "iqn.2001-05.com.example:$(long 300 x)" -p 127.0.0.9
bad name-empty 7 -m node -o new -T "" -p 127.0.0.9
bad name-in-selection 7 -m node -o show -T "iqn.2001-05.com.example:a/b"
bad name-in-update 7 -m node -o update -T $'iqn.2001-05.com.example:\x7f' -n node.startup -v automatic
bad name-in-delete 7 -m node -o delete -T "../../etc"

# ---- iface names ----
bad iface-slash 7 -m iface -o new -I bad/name
bad iface-dotdot 7 -m iface -o new -I ..
bad iface-dot 7 -m iface -o new -I .
bad iface-newline 7 -m iface -o new -I $'a\nb'
bad iface-space 7 -m iface -o new -I "a b"
bad iface-oversized 7 -m iface -o new -I "$(long 100 i)"
bad iface-in-node-new 7 -m node -o new -T $T1 -p 127.0.0.9 -I ../x
bad iface-in-node-select 7 -m node -o delete -I ../x
bad iface-unknown-for-node 21 -m node -o new -T $T1 -p 127.0.0.9 -I nosuch
bad iface-builtin-delete 7 -m iface -o delete -I default
bad iface-builtin-update 7 -m iface -o update -I iser -n iface.mtu -v 9000
bad iface-builtin-new 7 -m iface -o new -I default
bad iface-two 7 -m node -o show -I if1 -I default

# ---- modes, operations and options ----
bad mode-unknown 7 -m bogus
bad mode-missing 7 -T $T1
bad op-unknown 7 -m node -o bogus
bad op-two 7 -m node -o update -o delete -T $T1 -n node.startup -v manual
bad op-nonpersistent 7 -m node -o nonpersistent
bad option-unknown 7 -m node --bogus
bad option-unknown-short 7 -m node -Z
bad option-missing-argument 7 -m node -T
bad option-not-in-mode 7 -m node -t st
bad option-not-in-iface-mode 7 -m iface -T $T1
bad print-level-text 7 -m node -P x
bad print-level-range 7 -m node -P 2
bad print-level-negative 7 -m node -P -1
bad debug-level-range 7 -m node -d 9
bad stray-argument 7 -m node -o delete $T1
bad value-without-name 7 -m node -o update -T $T1 -v 1
bad name-without-value 7 -m node -o update -T $T1 -n node.startup
bad two-values 7 -m node -o update -T $T1 -n node.startup -v manual -v automatic
bad new-without-portal 7 -m node -o new -T $T1
bad new-without-target 7 -m node -o new -p 127.0.0.9
bad update-without-pairs 7 -m node -o update -T $T1
bad killiscsid-priority 7 -k 5

# ---- keys and values ----
bad key-unknown 7 -m node -o update -T $T1 -n node.bogus -v 1
bad key-case 7 -m node -o update -T $T1 -n NODE.STARTUP -v manual
bad key-empty 7 -m node -o update -T $T1 -n "" -v 1
bad key-control 7 -m node -o update -T $T1 -n $'node.startup\n' -v manual
bad key-identity-name 7 -m node -o update -T $T1 -n node.name -v $T2
bad key-identity-tpgt 7 -m node -o update -T $T1 -n node.tpgt -v 3
bad key-identity-address 7 -m node -o update -T $T1 -n 'node.conn[0].address' -v 127.9.9.9
bad key-identity-port 7 -m node -o update -T $T1 -n 'node.conn[0].port' -v 3261
bad key-discovery-type 7 -m node -o update -T $T1 -n node.discovery_type -v send_targets
bad key-iface-in-node 7 -m node -o update -T $T2 -n iface.net_ifacename -v eth1
bad value-not-a-number 7 -m node -o update -T $T1 -n node.session.cmds_max -v abc
bad value-trailing-garbage 7 -m node -o update -T $T1 -n node.session.cmds_max -v 64k
bad value-too-large 7 -m node -o update -T $T1 -n node.session.cmds_max -v 99999999999999
bad value-below-range 7 -m node -o update -T $T1 -n node.session.cmds_max -v 1
bad value-negative 7 -m node -o update -T $T1 -n node.session.queue_depth -v -5
bad value-burst-range 7 -m node -o update -T $T1 -n node.session.iscsi.FirstBurstLength -v 100
bad value-enum 7 -m node -o update -T $T1 -n node.startup -v sometimes
bad value-bool 7 -m node -o update -T $T1 -n node.session.iscsi.InitialR2T -v maybe
bad value-authmethod 7 -m node -o update -T $T1 -n node.session.auth.authmethod -v Kerberos
bad value-digest-list 7 -m node -o update -T $T1 -n 'node.conn[0].iscsi.HeaderDigest' -v CRC32C,MD5
bad value-digest-repeat 7 -m node -o update -T $T1 -n 'node.conn[0].iscsi.HeaderDigest' -v None,None
bad value-oversized 7 -m node -o update -T $T1 -n node.session.auth.username -v "$(long 300 u)"
bad value-huge 7 -m node -o update -T $T1 -n node.session.auth.username -v "$(long 100000 u)"
bad value-control 7 -m node -o update -T $T1 -n node.session.auth.username -v $'user\nname'
bad value-bad-utf8 7 -m node -o update -T $T1 -n node.session.auth.username -v $'us\xc3er'
bad pairs-second-bad 7 -m node -o update -T $T1 -n node.startup -v automatic -n node.session.cmds_max -v abc
bad disc-key-unknown 7 -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.bogus -v 1
bad disc-key-identity 7 -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.sendtargets.port -v 1
bad disc-value-range 7 -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.sendtargets.iscsi.MaxRecvDataSegmentLength -v 1
bad disc-value-enum 7 -m discoverydb -o update -t st -p 127.0.0.1 -n discovery.startup -v onboot
bad iface-hwaddress 7 -m iface -o update -I if1 -n iface.hwaddress -v zz:11:22:33:44:55
bad iface-ipaddress 7 -m iface -o update -I if1 -n iface.ipaddress -v 127.0.0.256
bad iface-transport 7 -m iface -o update -I if1 -n iface.transport_name -v udp
bad iface-vlan-range 7 -m iface -o update -I if1 -n iface.vlan_id -v 4096
bad iface-netif-oversized 7 -m iface -o update -I if1 -n iface.net_ifacename -v "$(long 20 e)"
bad iface-key-identity 7 -m iface -o update -I if1 -n iface.iscsi_ifacename -v if2
bad iface-initiatorname 7 -m iface -o update -I if1 -n iface.initiatorname -v "not a name"

# A refused secret is never echoed back.
n=$((n + 1))
adm -m node -o update -T $T1 -n node.session.auth.password -v $'top\x01secret' >/dev/null 2>"$work/err"
rc=$?
if [ $rc = 7 ] && [ "$(wc -l <"$work/err")" = 1 ] && ! grep -q 'top' "$work/err"; then
	echo "ok - $n secret-not-echoed (7): $(cat "$work/err")"
else
	echo "not ok - $n secret-not-echoed: exit $rc"; sed 's/^/#   /' "$work/err"
fi

# ---- portals ----
bad portal-empty 7 -m node -o new -T $T1 -p ""
bad portal-port-text 7 -m node -o new -T $T1 -p 127.0.0.9:abc
bad portal-port-zero 7 -m node -o new -T $T1 -p 127.0.0.9:0
bad portal-port-range 7 -m node -o new -T $T1 -p 127.0.0.9:99999
bad portal-tpgt-text 7 -m node -o new -T $T1 -p 127.0.0.9,abc
bad portal-tpgt-range 7 -m node -o new -T $T1 -p 127.0.0.9,70000
bad portal-two-ports 7 -m node -o new -T $T1 -p 127.0.0.9:3260:3261
bad portal-open-bracket 7 -m node -o new -T $T1 -p '[::1'
bad portal-bad-ipv6 7 -m node -o new -T $T1 -p '[::zz]:3260'
bad portal-trailing 7 -m node -o new -T $T1 -p '127.0.0.9:3260 x'
bad portal-control 7 -m node -o new -T $T1 -p $'127.0.0.9\n'
bad portal-oversized 7 -m node -o new -T $T1 -p "$(long 400 1)"
bad portal-unresolvable 7 -m node -o new -T $T1 -p no-such-host..invalid
bad portal-in-selection 7 -m node -o delete -p 127.0.0.9:abc
bad portal-discovery 7 -m discoverydb -o new -t st -p '127.0.0.9:'
bad discovery-no-type 7 -m discoverydb -o new -p 127.0.0.9
bad discovery-type-unknown 7 -m discoverydb -o new -t bogus -p 127.0.0.9
bad discovery-no-portal 7 -m discoverydb -o new -t st

# ---- nothing to act on ----
bad update-no-match 21 -m node -o update -T $T2 -p 127.0.0.1 -n node.startup -v automatic
bad delete-no-match 21 -m node -o delete -T iqn.2001-05.com.example:none
bad show-no-match 21 -m node -o show -p 127.0.0.77
bad disc-update-missing 6 -m discoverydb -o update -t st -p 127.0.0.77 -n discovery.startup -v manual
bad disc-delete-missing 6 -m discoverydb -o delete -t st -p 127.0.0.77
bad iface-update-missing 6 -m iface -o update -I nosuch -n iface.mtu -v 1500
bad iface-delete-missing 7 -m iface -o delete -I nosuch

# ---- nothing logged in (this machine has no iSCSI in its kernel) ----
# Logins without iscsid answer in open-iscsi's several lines (exit 20):
# tests/integration/adm_login_fake.sh checks them.
bad session-mode 21 -m session
bad node-logout 21 -m node -T $T1 -p 127.0.0.1 -u
# No initiatorname.iscsi in this instance: refused before any connection.
bad discovery-no-initiatorname 21 -m discovery -t st -p 127.0.0.1
bad discoverydb-discover 21 -m discoverydb -t st -p 127.0.0.1 -D

# ---- the database itself ----
db=$root/var/lib/iscsi
restore_mode() { chmod 0700 "$db"; }
chmod 0770 "$db"
before_dump=restore_mode
bad db-group-writable 13 -m node
chmod 0707 "$db"
bad db-world-writable 13 -m node -o new -T $T1 -p 127.0.0.9
before_dump=

# A user who may not read the database gets open-iscsi's database error.
cp "$bin" "$work/iscsiadm-copy"
chmod 0755 "$work" "$work/iscsiadm-copy"
n=$((n + 1))
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$work/iscsiadm-copy" -m node \
		>"$work/out" 2>"$work/err"
	rc=$?
	if [ $rc = 6 ] && [ "$(wc -l <"$work/err")" = 1 ] && [ ! -s "$work/out" ]; then
		echo "ok - $n db-not-readable (6): $(cat "$work/err")"
	else
		echo "not ok - $n db-not-readable: exit $rc"; sed 's/^/#   /' "$work/err"
	fi
else
	echo "ok - $n db-not-readable # SKIP needs root and setpriv"
fi

# A damaged database file: one line naming it, exit 6, never a crash.
n=$((n + 1))
cp -a "$root" "$work/damaged"
printf 'this is not a gdbm file at all\n%.0s' {1..200} >"$work/damaged/var/lib/iscsi/records.db"
ISCSI_ROOT=$work/damaged "$bin" -m node >"$work/out" 2>"$work/err"
rc=$?
if [ $rc = 6 ] && [ "$(wc -l <"$work/err")" = 1 ]; then
	echo "ok - $n db-damaged (6): $(cat "$work/err")"
else
	echo "not ok - $n db-damaged: exit $rc"; sed 's/^/#   /' "$work/err"
fi
