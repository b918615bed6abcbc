/* Internal to kernel/sysfs*.c: the SCSI devices of one session. */
#ifndef KERNEL_SYSFS_DEVICES_H
#define KERNEL_SYSFS_DEVICES_H

#include "kernel/sysfs.h"

/* Fills s->devices/s->ndevices from the session's device directory
 * sessdev (.../hostH/sessionN); s->host_no must be set. Unreadable parts
 * are skipped: no devices is a valid answer (a target with no LUNs). */
void ksys_read_devices(struct ksys_session *s, const char *sessdev);

#endif
