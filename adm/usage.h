/* --help and --version of iscsiadm. */
#ifndef ADM_USAGE_H
#define ADM_USAGE_H

#include <stdio.h>

/* The open-iscsi release whose command line, output and record format
 * this iscsiadm follows. It is printed where open-iscsi prints its own
 * version ("# BEGIN RECORD 2.1.8", "iscsiadm version 2.1.8 ...") because
 * tools parse those lines. */
#define ADM_COMPAT_VERSION "2.1.8"
/* This project's own version, printed after the compatible one. */
#define ADM_OWN_VERSION "0.1"

void adm_print_usage(FILE *out);
void adm_print_version(FILE *out);

#endif
