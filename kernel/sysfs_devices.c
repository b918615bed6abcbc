/* The SCSI devices behind a session: the session's device directory
 * (.../hostH/sessionN) holds targetH:C:I directories, each holding the
 * H:C:I:L devices with their state and, once sd has claimed one, a
 * block/NAME entry. Kept sorted by (channel, id, lun) as they are found,
 * so a session with more LUNs than KSYS_MAX_DEVICES keeps the lowest. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "kernel/sysfs.h"
#include "kernel/sysfs_devices.h"
#include "kernel/sysfs_read.h"

/* Strict "%u:%u:%u" or "%u:%u:%u:%llu" (nfields 3 or 4), no signs,
 * blanks or leading junk, every number in range. */
static bool parse_hctl(const char *s, int nfields, unsigned long long *v)
{
	for (int i = 0; i < nfields; i++) {
		char num[24];
		size_t n = strcspn(s, ":");

		if (n == 0 || n >= sizeof(num))
			return false;
		memcpy(num, s, n);
		num[n] = '\0';
		uint64_t x;
		if (!ksys_parse_u64(num, &x) || (i < 3 && x > 0xffffffffu))
			return false;
		v[i] = x;
		s += n;
		if (i < nfields - 1) {
			if (*s != ':')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

static int cmp_dev(const struct ksys_device *a, const struct ksys_device *b)
{
	if (a->channel != b->channel)
		return a->channel < b->channel ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->lun != b->lun)
		return a->lun < b->lun ? -1 : 1;
	return 0;
}

/* Inserts d in order; when full, d replaces the largest if it is smaller. */
static void insert_dev(struct ksys_session *s, const struct ksys_device *d)
{
	size_t i = s->ndevices;

	if (i == KSYS_MAX_DEVICES) {
		if (cmp_dev(d, &s->devices[i - 1]) >= 0)
			return;
		i--;
	} else {
		s->ndevices++;
	}
	while (i > 0 && cmp_dev(d, &s->devices[i - 1]) < 0) {
		s->devices[i] = s->devices[i - 1];
		i--;
	}
	s->devices[i] = *d;
}

/* A block device name as the kernel makes them: letters and digits. */
static bool disk_name_ok(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len >= KSYS_DEV_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9')))
			return false;
	return true;
}

/* The one entry of dev/block, "" when there is none (not claimed by sd,
 * or not yet). */
static void read_disk(const char *devdir, char *out, size_t size)
{
	char path[KSYS_PATH_MAX];
	DIR *d;
	struct dirent *e;

	out[0] = '\0';
	if (ksys_join(path, sizeof(path), devdir, "block") < 0 || !(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (disk_name_ok(e->d_name) && strlen(e->d_name) < size)
			snprintf(out, size, "%s", e->d_name);
		break;
	}
	closedir(d);
}

static void scan_target(struct ksys_session *s, const char *tdir, const unsigned long long *t)
{
	DIR *d = opendir(tdir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		unsigned long long v[4];
		char devdir[KSYS_PATH_MAX];
		struct ksys_device dev = { 0 };

		/* Only this target's own devices: H:C:I must repeat the
		 * target's numbers. */
		if (!parse_hctl(e->d_name, 4, v) || v[0] != t[0] || v[1] != t[1] || v[2] != t[2])
			continue;
		if (ksys_join(devdir, sizeof(devdir), tdir, e->d_name) < 0)
			continue;
		dev.host = (unsigned)v[0];
		dev.channel = (unsigned)v[1];
		dev.id = (unsigned)v[2];
		dev.lun = v[3];
		if (ksys_read_str(devdir, "state", dev.state, sizeof(dev.state)) != KSYS_RD_OK)
			dev.state[0] = '\0';
		read_disk(devdir, dev.disk, sizeof(dev.disk));
		insert_dev(s, &dev);
	}
	closedir(d);
}

void ksys_read_devices(struct ksys_session *s, const char *sessdev)
{
	DIR *d = opendir(sessdev);
	struct dirent *e;

	s->ndevices = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		unsigned long long t[3];
		char tdir[KSYS_PATH_MAX];

		if (strncmp(e->d_name, "target", 6) || !parse_hctl(e->d_name + 6, 3, t))
			continue;
		if (t[0] != s->host_no)
			continue;
		if (ksys_join(tdir, sizeof(tdir), sessdev, e->d_name) < 0)
			continue;
		scan_target(s, tdir, t);
	}
	closedir(d);
}
