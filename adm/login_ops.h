/* iscsiadm's login and logout of node records, through iscsid:
 *   -m node [-T] [-p] [-I] --login      every matching record
 *   -m node -L all|manual|automatic|onboot
 *   -m node [-T] [-p] [-I] --logout     every matching session
 *   -m node -U all|manual|automatic
 *   -m session -r SID -o new            one more session of its record
 * Lines, their order and exit codes are open-iscsi 2.1.8's (see
 * adm/ops_plan.h). Several records or sessions are handled in parallel:
 * every "Logging in to" line first, one request per session to make
 * (a record lacking k of its node.session.nr_sessions gets k) over its
 * own control connection (adm/ops_batch.h), then each result in record
 * order. Each function prints its own lines and returns the exit code. */
#ifndef ADM_LOGIN_OPS_H
#define ADM_LOGIN_OPS_H

#include "adm/ops_plan.h"
#include "adm/options.h"
#include "control/client.h"

int adm_node_login(const struct adm_opts *o);
int adm_node_loginall(const struct adm_opts *o);
int adm_node_logout(const struct adm_opts *o);
int adm_node_logoutall(const struct adm_opts *o);

/* -m session -r SID -o new: one more session of the record session s
 * was logged in from (same target, persistent portal and iface), as
 * open-iscsi's "multiple" login, whatever its nr_sessions says. */
int adm_session_login_new(const struct ksys_session *s, bool no_wait);

/* Logs out of every session f selects, as --logout does (also used by
 * -m session [-r SID] --logout). */
int adm_logout_matching(const struct adm_session_filter *f);

/* Output helpers shared with adm/session_ops.c: a stdout line, flushed
 * so that it keeps its place among stderr lines; a stderr line. */
void adm_out_line(const char *line);
void adm_err_line(const char *line);
/* "initiator reported error (N - text)" for st, then iscsid's own line
 * when it gave one (open-iscsi's iscsid has none to give). */
void adm_report_error(const struct ctl_status *st);

#endif
