/* NETLINK_ISCSI messages to and from bytes. Nothing here trusts a length
 * it did not check against the bytes actually received: the kernel is
 * not hostile, but a wrong assumption about its ABI must show up as an
 * error, never as an over-read. */
#include "kernel/iscsi_nl_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"

long knl_encode(void *buf, size_t size, uint32_t seq, uint32_t portid,
		const struct kiscsi_uevent *ev, const void *a, size_t alen,
		const void *b, size_t blen)
{
	struct nlmsghdr nlh;
	size_t body = sizeof(*ev), total;

	if (alen > KERN_PARAM_VALUE_MAX + KERN_SEND_DATA_MAX ||
	    blen > KERN_PARAM_VALUE_MAX + KERN_SEND_DATA_MAX)
		return -EMSGSIZE;
	body += alen + blen;
	total = NLMSG_ALIGN(NLMSG_LENGTH(body));
	if (total > size || ev->type > UINT16_MAX)
		return -EMSGSIZE;
	memset(buf, 0, total);
	memset(&nlh, 0, sizeof(nlh));
	nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	nlh.nlmsg_type = (uint16_t)ev->type;
	nlh.nlmsg_flags = NLM_F_REQUEST;
	nlh.nlmsg_seq = seq;
	nlh.nlmsg_pid = portid;
	unsigned char *p = buf;
	memcpy(p, &nlh, sizeof(nlh));
	p += NLMSG_HDRLEN;
	memcpy(p, ev, sizeof(*ev));
	p += sizeof(*ev);
	if (alen)
		memcpy(p, a, alen);
	p += alen;
	if (blen)
		memcpy(p, b, blen);
	return (long)total;
}

int knl_next_msg(const unsigned char *buf, size_t len, size_t *off, struct knl_msg *m)
{
	struct nlmsghdr nlh;
	size_t rest;

	if (*off >= len)
		return 0;
	rest = len - *off;
	if (rest < NLMSG_HDRLEN) {
		*off = len;
		return -EBADMSG;
	}
	memcpy(&nlh, buf + *off, sizeof(nlh));
	if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > rest) {
		*off = len;
		return -EBADMSG;
	}
	const unsigned char *body = buf + *off + NLMSG_HDRLEN;
	size_t body_len = nlh.nlmsg_len - NLMSG_HDRLEN;
	size_t step = NLMSG_ALIGN(nlh.nlmsg_len);
	*off = step > rest ? len : *off + step;

	memset(m, 0, sizeof(*m));
	m->nlmsg_type = nlh.nlmsg_type;
	m->nlmsg_seq = nlh.nlmsg_seq;
	if (nlh.nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr e;
		if (body_len < sizeof(e))
			return -EPROTO;
		memcpy(&e, body, sizeof(e));
		m->ev.iferror = (uint32_t)e.error;
		m->nlmsg_seq = e.msg.nlmsg_seq;
		return 1;
	}
	if (body_len < sizeof(m->ev))
		return -EPROTO;
	memcpy(&m->ev, body, sizeof(m->ev));
	m->payload = body + sizeof(m->ev);
	m->payload_len = body_len - sizeof(m->ev);
	return 1;
}

int knl_reply_errno(uint32_t iferror)
{
	int32_t e = (int32_t)iferror;

	if (e == 0)
		return 0;
	if (e < 0 && e >= -4095)
		return e;
	return -EPROTO;
}

/* Events other than RECV_PDU are exactly one uevent. */
static int decode_pdu(const struct knl_msg *m, struct kern_event *out)
{
	size_t avail = m->payload_len, dlen, want;

	if (avail < KISCSI_BHS_LEN)
		return -EBADMSG;
	/* The kernel passes the 48-byte BHS, then the data, then netlink
	 * padding: the BHS's DataSegmentLength says where the PDU ends. */
	dlen = get_be24(m->payload + 5);
	want = KISCSI_BHS_LEN + dlen;
	if (want > avail || avail - want >= NLMSG_ALIGNTO)
		return -EBADMSG;
	if (want > KERN_EVENT_PDU_MAX)
		return -EMSGSIZE;
	memcpy(out->pdu, m->payload, want);
	out->pdu_len = want;
	return 0;
}

int knl_decode_event(const struct knl_msg *m, struct kern_event *out)
{
	const struct kiscsi_uevent *ev = &m->ev;

	memset(out, 0, offsetof(struct kern_event, pdu));
	out->code = ev->type;
	if (ev->type == KISCSI_KEVENT_RECV_PDU) {
		out->type = KERN_EV_RECV_PDU;
		out->sid = ev->r.recv_req.sid;
		out->cid = ev->r.recv_req.cid;
		return decode_pdu(m, out);
	}
	if (m->payload_len != 0)
		return -EBADMSG;
	switch (ev->type) {
	case KISCSI_KEVENT_CONN_ERROR:
		out->type = KERN_EV_CONN_ERROR;
		out->sid = ev->r.connerror.sid;
		out->cid = ev->r.connerror.cid;
		out->error = ev->r.connerror.error;
		break;
	case KISCSI_KEVENT_CONN_LOGIN_STATE:
		out->type = KERN_EV_CONN_LOGIN_STATE;
		out->sid = ev->r.conn_login.sid;
		out->cid = ev->r.conn_login.cid;
		out->error = ev->r.conn_login.state;
		break;
	case KISCSI_KEVENT_DESTROY_SESSION:
		out->type = KERN_EV_DESTROY_SESSION;
		out->sid = ev->r.d_session.sid;
		out->host_no = ev->r.d_session.host_no;
		break;
	case KISCSI_KEVENT_CREATE_SESSION:
		out->type = KERN_EV_CREATE_SESSION;
		out->sid = ev->r.c_session.sid;
		out->host_no = ev->r.c_session.host_no;
		break;
	case KISCSI_KEVENT_UNBIND_SESSION:
		out->type = KERN_EV_UNBIND_SESSION;
		out->sid = ev->r.unbind_session.sid;
		out->host_no = ev->r.unbind_session.host_no;
		break;
	default:
		out->type = KERN_EV_OTHER;
		break;
	}
	return 0;
}

/* The RFC 4544 counters in the kernel's order, as open-iscsi names them. */
static const struct {
	const char *name;
	size_t off;
	size_t size;
} snmp_fields[] = {
#define F(f) { #f, offsetof(struct kiscsi_stats, f), sizeof(((struct kiscsi_stats *)0)->f) }
	F(txdata_octets), F(rxdata_octets),
	F(noptx_pdus), F(scsicmd_pdus), F(tmfcmd_pdus), F(login_pdus), F(text_pdus),
	F(dataout_pdus), F(logout_pdus), F(snack_pdus),
	F(noprx_pdus), F(scsirsp_pdus), F(tmfrsp_pdus), F(textrsp_pdus), F(datain_pdus),
	F(logoutrsp_pdus), F(r2t_pdus), F(async_pdus), F(rjt_pdus),
	F(digest_err), F(timeout_err),
#undef F
};

_Static_assert(sizeof(snmp_fields) / sizeof(snmp_fields[0]) <=
	       sizeof(((struct kern_stats *)0)->snmp) / sizeof(struct kern_stat),
	       "kern_stats.snmp holds every counter");

/* A custom counter's name: the kernel's fixed-size field, which need not
 * be terminated; anything but printable ASCII is refused. */
static int custom_name(char *dst, size_t size, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n == 0 || n >= size)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if (src[i] < 0x21 || src[i] > 0x7e)
			return -EBADMSG;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int knl_decode_stats(const struct knl_msg *m, struct kern_stats *out)
{
	struct kiscsi_stats st;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (m->payload_len < sizeof(st))
		return -EBADMSG;
	memcpy(&st, m->payload, sizeof(st));
	if (st.custom_length > KISCSI_STATS_CUSTOM_MAX)
		return -EBADMSG;
	if (m->payload_len != sizeof(st) + st.custom_length * sizeof(struct kiscsi_stats_custom))
		return -EBADMSG;
	for (n = 0; n < sizeof(snmp_fields) / sizeof(snmp_fields[0]); n++) {
		struct kern_stat *s = &out->snmp[n];
		const unsigned char *p = m->payload + snmp_fields[n].off;
		snprintf(s->name, sizeof(s->name), "%s", snmp_fields[n].name);
		if (snmp_fields[n].size == 8) {
			uint64_t v;
			memcpy(&v, p, sizeof(v));
			s->value = v;
		} else {
			uint32_t v;
			memcpy(&v, p, sizeof(v));
			s->value = v;
		}
	}
	out->nsnmp = n;
	/* Kept in the kernel's order; past KERN_STATS_CUSTOM_MAX dropped
	 * (iscsi_tcp has 3). */
	for (n = 0; n < st.custom_length && n < KERN_STATS_CUSTOM_MAX; n++) {
		struct kiscsi_stats_custom c;
		memcpy(&c, m->payload + sizeof(st) + n * sizeof(c), sizeof(c));
		if (custom_name(out->custom[n].name, sizeof(out->custom[n].name), c.desc,
				sizeof(c.desc)) < 0)
			return -EBADMSG;
		out->custom[n].value = c.value;
	}
	out->ncustom = n;
	return 0;
}

/* ---- parameter checks ---- */

enum value_kind { V_NONE, V_NUMBER, V_TEXT, V_ISID, V_SECRET };

static enum value_kind param_kind(uint32_t param)
{
	switch (param) {
	case KISCSI_PARAM_MAX_RECV_DLENGTH ... KISCSI_PARAM_EXP_STATSN:
	case KISCSI_PARAM_TPGT:
	case KISCSI_PARAM_PERSISTENT_PORT:
	case KISCSI_PARAM_SESS_RECOVERY_TMO:
	case KISCSI_PARAM_CONN_PORT:
	case KISCSI_PARAM_FAST_ABORT ... KISCSI_PARAM_RECV_TMO:
	case KISCSI_PARAM_TGT_RESET_TMO:
	case KISCSI_PARAM_DISCOVERY_SESS:
	case KISCSI_PARAM_DEF_TIME2WAIT:
	case KISCSI_PARAM_DEF_TIME2RETAIN:
	case KISCSI_PARAM_STATSN:
	case KISCSI_PARAM_LOCAL_PORT:
	case KISCSI_PARAM_TSID:
		return V_NUMBER;
	case KISCSI_PARAM_TARGET_NAME:
	case KISCSI_PARAM_PERSISTENT_ADDRESS:
	case KISCSI_PARAM_CONN_ADDRESS:
	case KISCSI_PARAM_USERNAME:
	case KISCSI_PARAM_USERNAME_IN:
	case KISCSI_PARAM_IFACE_NAME:
	case KISCSI_PARAM_INITIATOR_NAME:
	case KISCSI_PARAM_TARGET_ALIAS:
	case KISCSI_PARAM_PORTAL_TYPE:
	case KISCSI_PARAM_LOCAL_IPADDR:
		return V_TEXT;
	case KISCSI_PARAM_ISID:
		return V_ISID;
	case KISCSI_PARAM_PASSWORD:
	case KISCSI_PARAM_PASSWORD_IN:
		return V_SECRET;
	default:
		return V_NONE;
	}
}

/* Decimal as the kernel's sscanf/kstrto* read it: an optional minus sign
 * and 1..10 digits. */
static bool is_number(const char *v)
{
	size_t n = 0;

	if (*v == '-')
		v++;
	for (; *v; v++, n++)
		if (*v < '0' || *v > '9')
			return false;
	return n >= 1 && n <= 10;
}

static bool is_isid(const char *v)
{
	size_t n = 0;

	for (; *v; v++, n++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f') ||
		      (*v >= 'A' && *v <= 'F')))
			return false;
	return n == 12;
}

/* Text lands in sysfs files read line by line: no control characters. */
static int check_text(const char *v, const char **why)
{
	size_t n = strnlen(v, KERN_PARAM_VALUE_MAX);

	if (n >= KERN_PARAM_VALUE_MAX) {
		*why = "value too long";
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f) {
			*why = "value holds a control character";
			return -EINVAL;
		}
	}
	return 0;
}

int knl_check_param(uint32_t param, const char *value, const char **why)
{
	if (!value) {
		*why = "no value";
		return -EINVAL;
	}
	switch (param_kind(param)) {
	case V_NONE:
		*why = "not a parameter this initiator sets";
		return -EINVAL;
	case V_SECRET:
		*why = "passwords are never handed to the kernel";
		return -EPERM;
	case V_NUMBER:
		if (!is_number(value)) {
			*why = "not a decimal number";
			return -EINVAL;
		}
		return 0;
	case V_ISID:
		if (!is_isid(value)) {
			*why = "an ISID is 12 hex digits";
			return -EINVAL;
		}
		return 0;
	case V_TEXT:
		break;
	}
	return check_text(value, why);
}

int knl_check_host_param(uint32_t param, const char *value, const char **why)
{
	if (!value) {
		*why = "no value";
		return -EINVAL;
	}
	switch (param) {
	case KISCSI_HOST_PARAM_HWADDRESS:
	case KISCSI_HOST_PARAM_INITIATOR_NAME:
	case KISCSI_HOST_PARAM_NETDEV_NAME:
	case KISCSI_HOST_PARAM_IPADDRESS:
		return check_text(value, why);
	default:
		*why = "not a host parameter this initiator sets";
		return -EINVAL;
	}
}

static const char *const err_names[] = {
	"ISCSI_ERR_DATASN", "ISCSI_ERR_DATA_OFFSET", "ISCSI_ERR_MAX_CMDSN",
	"ISCSI_ERR_EXP_CMDSN", "ISCSI_ERR_BAD_OPCODE", "ISCSI_ERR_DATALEN",
	"ISCSI_ERR_AHSLEN", "ISCSI_ERR_PROTO", "ISCSI_ERR_LUN", "ISCSI_ERR_BAD_ITT",
	"ISCSI_ERR_CONN_FAILED", "ISCSI_ERR_R2TSN", "ISCSI_ERR_SESSION_FAILED",
	"ISCSI_ERR_HDR_DGST", "ISCSI_ERR_DATA_DGST", "ISCSI_ERR_PARAM_NOT_FOUND",
	"ISCSI_ERR_NO_SCSI_CMD", "ISCSI_ERR_INVALID_HOST", "ISCSI_ERR_XMIT_FAILED",
	"ISCSI_ERR_TCP_CONN_CLOSE", "ISCSI_ERR_SCSI_EH_SESSION_RST", "ISCSI_ERR_NOP_TIMEDOUT",
};

const char *kern_iscsi_err_name(uint32_t err)
{
	if (err == KISCSI_OK)
		return "ISCSI_OK";
	if (err >= KISCSI_ERR_DATASN && err <= KISCSI_ERR_NOP_TIMEDOUT)
		return err_names[err - KISCSI_ERR_DATASN];
	return "ISCSI_ERR_UNKNOWN";
}
