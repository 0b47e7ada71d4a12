// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tracefs.h"

int tracefs_ensure(char *err, size_t err_len)
{
	if (access(TRACEFS_DIR "/events", F_OK) == 0)
		return 0;
	if (mount("tracefs", TRACEFS_DIR, "tracefs", 0, NULL) == 0)
		return 0;

	int saved = errno;

	if (saved == EPERM)
		snprintf(err, err_len,
			 "cannot mount tracefs at %s: not permitted; run as root",
			 TRACEFS_DIR);
	else
		snprintf(err, err_len,
			 "cannot mount tracefs at %s: %s; try 'mount -t tracefs tracefs %s'",
			 TRACEFS_DIR, strerror(saved), TRACEFS_DIR);
	return -saved;
}

int tracefs_has_event(const char *category, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), TRACEFS_DIR "/events/%s/%s/id",
		 category, name);
	return access(path, R_OK) == 0;
}
