/* The monitor's half of CHAP: the only place a CHAP secret lives.
 *
 * A login or discovery driver (login/driver.c, discovery/driver.c) owns
 * one holder per run. The secrets come from the record
 * (node.session.auth.* or discovery.sendtargets.auth.*) and are wiped
 * when the run ends. The sandboxed worker that talks to the target asks
 * the holder, over its channel, for CHAP_N/CHAP_R (CHAP_CHALLENGE) and,
 * for mutual CHAP, to check the target's answer (CHAP_VERIFY). The holder
 * answers once per login and only for the target its run was started
 * for; anything else is a reason to kill the worker.
 *
 * The holder also decides whether a worker's result may be believed:
 * with authentication configured, a worker reporting success before the
 * CHAP exchange completed (a downgrade, whoever caused it) is refused.
 * That check does not depend on the worker being honest. */
#ifndef AUTH_CHAP_HOLDER_H
#define AUTH_CHAP_HOLDER_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/audit.h"
#include "privsep/msg.h"
#include "privsep/worker_job.h"
#include "proto/chap.h"
#include "proto/login.h"
#include "records/record.h"

/* What a record configures. */
struct chap_creds {
	enum login_auth mode;           /* NONE, CHAP, CHAP_MUTUAL */
	struct chap_prefs algs;
	char username[CHAP_NAME_MAX + 1];
	uint8_t secret[CHAP_SECRET_MAX];
	size_t secret_len;
	char username_in[CHAP_NAME_MAX + 1];    /* mutual: the target's name */
	uint8_t secret_in[CHAP_SECRET_MAX];
	size_t secret_in_len;
};

/* Reads the auth keys of a node record (node.session.auth.*) or a
 * discovery record (discovery.sendtargets.auth.*). CHAP is required when
 * authmethod is CHAP or a password is set; mutual when username_in or
 * password_in is set. Returns 0, or 7 (ISCSI_ERR_INVAL) with one line in
 * msg naming the key (never a value): CHAP without username or password,
 * only one of username_in/password_in, identical secrets, a bad
 * chap_algs. out is wiped on failure. */
int chap_creds_from_record(const struct rec *r, struct chap_creds *out, char *msg,
			   size_t size);
void chap_creds_wipe(struct chap_creds *c);
/* The chap_algs list as names ("SHA256,MD5") for the job message. */
void chap_creds_algs_text(const struct chap_creds *c, char *out, size_t size);

/* How authentication went, for the audit record and the result. */
enum chap_outcome {
	CHAP_OUTCOME_NONE,              /* none configured */
	CHAP_OUTCOME_PENDING,           /* configured, not finished (yet) */
	CHAP_OUTCOME_ANSWERED,          /* our response sent; target's verdict unknown */
	CHAP_OUTCOME_OK,                /* the target accepted us (and proved itself) */
	CHAP_OUTCOME_REJECTED,          /* the target refused our response (02/01) */
	CHAP_OUTCOME_TARGET_FAILED,     /* the target's CHAP was invalid or its proof wrong */
	CHAP_OUTCOME_DOWNGRADE,         /* required CHAP skipped or refused */
};

/* What a run's result keeps of its authentication. */
struct chap_summary {
	enum login_auth mode;           /* configured */
	enum chap_outcome outcome;
	enum chap_alg alg;              /* chosen by the target; 0 before */
	char reason[160];               /* why it failed; no value, no secret */
};

struct chap_holder {
	struct chap_creds creds;
	char target_name[ISCSI_NAME_MAX + 1];   /* "" for discovery */
	struct chap_summary sum;
	uint8_t our_id;                 /* mutual: our CHAP_I and CHAP_C */
	uint8_t our_challenge[CHAP_CHALLENGE_MAX];
	size_t our_challenge_len;
	uint8_t their_challenge[CHAP_CHALLENGE_MAX];
	size_t their_challenge_len;
	bool verified;
};

/* Takes the credentials (creds is wiped) for a run serving target_name
 * ("" or NULL for discovery). */
void chap_holder_init(struct chap_holder *h, struct chap_creds *creds, const char *target_name);
void chap_holder_wipe(struct chap_holder *h);

/* The job message's auth fields (MSG_AUTH_OFFER). */
#define CHAP_HOLDER_OFFER(h, start)                                                     \
	do {                                                                            \
		(start)->auth = (uint8_t)(h)->creds.mode;                               \
		chap_creds_algs_text(&(h)->creds, (start)->chap_algs,                   \
				     sizeof((start)->chap_algs));                       \
	} while (0)

/* The worker's CHAP_CHALLENGE. 0: *out is the answer to send. -1: the
 * worker asked for something it may not have (no CHAP configured,
 * another target, an algorithm we did not offer, a reflected or
 * out-of-bounds challenge): kill it; why says it. */
int chap_holder_answer(struct chap_holder *h, const struct msg_chap_challenge *c,
		       struct msg_chap_answer *out, char *why, size_t size);

/* The worker's CHAP_VERIFY (mutual). 0: *ok says whether the target
 * proved itself (h->sum.reason says why not). -1: out of place (not mutual):
 * kill the worker. */
int chap_holder_verify(struct chap_holder *h, const struct msg_chap_verify *v, bool *ok,
		       char *why, size_t size);

/* A worker's CHAP_CHALLENGE or CHAP_VERIFY, answered (CHAP_ANSWER,
 * CHAP_VERDICT) over job's channel. 0, or -1 with why: kill the worker. */
int chap_holder_serve(struct chap_holder *h, struct worker_job *job, const struct msg *m,
		      char *why, size_t size);

/* Whether a success the worker reports may be believed: no auth
 * configured, or our answer given (and, mutual, the target verified).
 * Otherwise why says what was skipped. Marks the outcome OK when true;
 * asking again (one discovery sends several batches) stays true. */
bool chap_holder_allows_success(struct chap_holder *h, char *why, size_t size);

/* After the worker reported a failure: records the outcome from what
 * the holder saw and what the worker says (enum msg_auth_error). */
void chap_holder_on_failure(struct chap_holder *h, unsigned auth_error, const char *reason);

/* The audit record of a run's authentication, if any was configured
 * (none for CHAP_OUTCOME_NONE): auth_success, auth_failure or
 * auth_downgrade, with base's target/portal/session fields. */
void chap_summary_audit(const struct chap_summary *s, const struct audit_fields *base);
/* "CHAP SHA256 mutual", "CHAP MD5", "None" */
const char *chap_summary_text(const struct chap_summary *s, char *buf, size_t size);

#endif
