// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kstack.h"

/* The kstack_size column of the first thread in /proc/stacklab/tasks. */
static unsigned long from_tasks(void)
{
	char line[1024], *tok, *save;
	unsigned long bytes = 0;
	int col = -1, i = 0;
	FILE *f = fopen(KSTACK_PROC_DIR "/tasks", "r");

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		goto out;
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save), i++)
		if (strcmp(tok, "kstack_size") == 0)
			col = i;
	if (col < 0 || !fgets(line, sizeof(line), f))
		goto out;
	i = 0;
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save), i++)
		if (i == col)
			bytes = strtoul(tok, NULL, 0);
out:
	fclose(f);
	return bytes;
}

/* kstack_size_total / threads of /proc/stacklab/summary. */
static unsigned long from_summary(void)
{
	unsigned long total = 0, threads = 0, v;
	char key[64];
	FILE *f = fopen(KSTACK_PROC_DIR "/summary", "r");

	if (!f)
		return 0;
	while (fscanf(f, "%63s %lu", key, &v) == 2) {
		if (strcmp(key, "kstack_size_total") == 0)
			total = v;
		else if (strcmp(key, "threads") == 0)
			threads = v;
	}
	fclose(f);
	return threads ? total / threads : 0;
}

struct kstack_size kstack_size_get(void)
{
	struct kstack_size k = { from_tasks(), KSTACK_PROC_DIR "/tasks" };

	if (k.bytes)
		return k;
	k.bytes = from_summary();
	k.source = KSTACK_PROC_DIR "/summary";
	if (k.bytes)
		return k;
	k.bytes = KSTACK_DEFAULT;
	k.source = "default";
	return k;
}
