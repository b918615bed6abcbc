/* iscsiadm's login and logout of node records, through iscsid:
 *   -m node [-T] [-p] [-I] --login      every matching record
 *   -m node -L all|manual|automatic|onboot
 *   -m node [-T] [-p] [-I] --logout     every matching session
 *   -m node -U all|manual|automatic
 * Lines, their order and exit codes are open-iscsi 2.1.8's (see
 * adm/ops_plan.h). Several records or sessions are handled in parallel:
 * every "Logging in to" line first, one request per record over its own
 * control connection (adm/ops_batch.h), then each result in record
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
