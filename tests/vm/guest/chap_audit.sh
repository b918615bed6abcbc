# Audit records of tests/vm/guest/chap.sh, read back (bash, sourced after
# lib.sh; the script sets $syslog, the file busybox syslogd writes).
#
#   audit_begin             remembers where the kernel's audit records
#                           (by serial number) and the syslog file are now
#   audit_keep NAME EVENT...   waits (5 s at most) until every EVENT
#                           (auth_success, login_failure, ...) has a
#                           kernel record and a syslog line since
#                           audit_begin, then keeps what came in
#                           /tmp/audit/NAME.kernel and NAME.syslog
#   audit_check NAME EVENT TYPE FIELD=VALUE...   one TAP line: NAME's
#                           kernel record of EVENT has message type TYPE
#                           and every FIELD=VALUE, and its syslog line
#                           (facility authpriv) every FIELD=VALUE too
#   audit_alg NAME          the alg= of NAME's auth_success record
#
# Formats (auth/audit_format.c): the kernel, with no audit daemon
# registered, prints each record to its log as
#   audit: type=1100 audit(T:SERIAL): pid=.. uid=.. ... msg='op=iscsi_EVENT
#   key="value" ... exe="..." hostname=? addr=A terminal=? res=success'
# (values quoted, or hex when they hold blanks or quotes: compared
# decoded); syslog gets
#   <date> vm authpriv.notice iscsid[PID]: event=EVENT key=value ... res=success
# FIELD=VALUE is matched against both, quoted or not; addr, exe and
# hostname exist only in the kernel record and are matched there only.

audit_serial0=0
audit_lines0=0
mkdir -p /tmp/audit

# The highest audit serial number in the kernel log.
audit_last_serial() {
	dmesg | sed -n 's/.*audit: type=[0-9]* audit([0-9.]*:\([0-9]*\)).*/\1/p' | tail -n 1
}

audit_begin() {
	audit_serial0=$(audit_last_serial)
	audit_serial0=${audit_serial0:-0}
	audit_lines0=$(wc -l <"$syslog")
}

# audit_snapshot NAME: the records since audit_begin into NAME's files.
audit_snapshot() {
	dmesg | awk -v s0="$audit_serial0" '
		match($0, /audit: type=[0-9]+ audit\([0-9.]+:[0-9]+\)/) {
			rec = substr($0, RSTART, RLENGTH)
			sub(/.*:/, "", rec)
			sub(/\)/, "", rec)
			if (rec + 0 > s0 + 0)
				print
		}' >"/tmp/audit/$1.kernel"
	tail -n +"$((audit_lines0 + 1))" "$syslog" | grep ' authpriv\.' >"/tmp/audit/$1.syslog"
}

# audit_has NAME EVENT...: every EVENT is in both of NAME's files.
audit_has() {
	local name=$1 ev
	shift
	audit_snapshot "$name"
	for ev in "$@"; do
		grep -q "msg='op=iscsi_$ev " "/tmp/audit/$name.kernel" || return 1
		grep -q ": event=$ev " "/tmp/audit/$name.syslog" || return 1
	done
}

audit_keep() {
	local name=$1
	shift
	# kauditd and syslogd write after the command returned.
	wait_for 5 audit_has "$name" "$@" || audit_snapshot "$name"
}

# audit_value LINE KEY: KEY's value in LINE, quotes removed; hex-encoded
# kernel values stay as they are. Fails when LINE has no such key.
audit_value() {
	printf '%s\n' "$1" | awk -v k="$2" -v q="'" '
		{
			line = " " $0
			gsub("msg=" q, "", line)
			i = index(line, " " k "=")
			if (!i) exit 1
			v = substr(line, i + length(k) + 2)
			if (substr(v, 1, 1) == "\"") {
				v = substr(v, 2)
				v = substr(v, 1, index(v, "\"") - 1)
			} else {
				sub("[ " q "].*", "", v)
			}
			print v
		}'
}

# unhex VALUE: the text of a hex-encoded kernel value (the encoding for
# values with blanks or quotes), or VALUE itself when it is not one.
unhex() {
	if [[ $1 =~ ^([0-9A-F][0-9A-F])+$ ]]; then
		printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"
	else
		printf '%s' "$1"
	fi
}

kernel_only_field() {
	case $1 in addr | exe | hostname | terminal) return 0 ;; esac
	return 1
}

audit_check() {
	local name=$1 ev=$2 type=$3 kline sline fv key want got bad=
	shift 3
	local desc="audit ($name): $ev"
	kline=$(grep "msg='op=iscsi_$ev " "/tmp/audit/$name.kernel" | tail -n 1)
	sline=$(grep ": event=$ev " "/tmp/audit/$name.syslog" | tail -n 1)
	if [ -z "$kline" ]; then
		tap_fail "$desc: kernel record type=$type" \
			"no such record; the kernel's: $(cat "/tmp/audit/$name.kernel")"
	else
		got=$(printf '%s\n' "$kline" | sed -n 's/.*audit: type=\([0-9]*\) .*/\1/p')
		[ "$got" = "$type" ] || bad+=" type=$got (want $type)"
		for fv in "$@"; do
			key=${fv%%=*} want=${fv#*=}
			got=$(audit_value "$kline" "$key") || got="(missing)"
			[ "$got" = "$want" ] || got=$(unhex "$got")
			[ "$got" = "$want" ] || bad+=" $key=$got (want $want)"
		done
		[ -z "$bad" ] && tap_ok "$desc: kernel record type=$type, $*" ||
			tap_fail "$desc: kernel record type=$type, $*" "wrong:$bad; record: $kline"
	fi
	bad=
	if [ -z "$sline" ]; then
		tap_fail "$desc: syslog line, facility authpriv" \
			"no such line; syslog since: $(cat "/tmp/audit/$name.syslog")"
		return
	fi
	for fv in "$@"; do
		key=${fv%%=*} want=${fv#*=}
		kernel_only_field "$key" && continue
		got=$(audit_value "$sline" "$key") || got="(missing)"
		[ "$got" = "$want" ] || bad+=" $key=$got (want $want)"
	done
	[ -z "$bad" ] && tap_ok "$desc: syslog line, facility authpriv, same fields" ||
		tap_fail "$desc: syslog line, facility authpriv, same fields" "wrong:$bad; line: $sline"
}

audit_alg() {
	local line
	line=$(grep "msg='op=iscsi_auth_success " "/tmp/audit/$1.kernel" | tail -n 1)
	[ -n "$line" ] || { echo "(no auth_success record)"; return 1; }
	audit_value "$line" alg || echo "(no alg field)"
}
