// SPDX-License-Identifier: GPL-2.0
/*
 * slabsnap: /proc/slabinfo snapshots of chosen slab caches, exact to the
 * object, for experiments/paired and bench-conns.
 *
 * SLUB counts the free objects of the slabs each CPU holds as active, so a
 * snapshot first flushes the caches' per-CPU slabs by writing 1 to
 * /sys/kernel/slab/CACHE/shrink.  Opening a sysfs (kernfs) file costs a
 * kernfs_open_node that is freed with kfree_rcu() when the file is closed,
 * which holds it in kmalloc-96 for up to seconds: a shell that opens ~50
 * shrink files per snapshot adds ~50 such objects a snapshot, which a
 * slope over snapshots reads as the connections'.  So this program opens
 * every file once and keeps it open for the whole phase, and each
 * snapshot is writes and reads on descriptors it already holds.
 *
 * Protocol: one snapshot per line read on stdin (or one with --once);
 * each is two lines on stdout, the slab caches as {"CACHE": bytes}
 * (active objects x object size, caches with active objects only) and
 * the cgroup's memory.stat as {"STAT": bytes} (null without --memcg).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/opts.h"

#define PROG "slabsnap"
#define NAME_MAX_LEN 64

/* The memory.stat entries experiments/lib/metrics.jq's memcg_stats sums. */
static const char *const memcg_stats[] = {
	"anon", "kernel_stack", "pagetables", "sock", "slab", "percpu",
};

struct cache {
	char name[NAME_MAX_LEN];
	int shrink_fd;		/* -1: not flushable (no SLUB sysfs, not root) */
};

struct snap {
	regex_t re;
	const char *slabinfo_path;
	const char *sysfs_dir;
	int slabinfo_fd;
	int memcg_fd;		/* -1 without --memcg */
	struct cache *caches;
	size_t ncaches, cap;
	char *buf;		/* the last read of a file */
	size_t buf_cap;
	unsigned int unflushable;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: " PROG " [--caches REGEX] [--memcg DIR] [--once]\n"
"\n"
"Prints the bytes (active objects x object size) of the slab caches whose\n"
"names match REGEX, from /proc/slabinfo, after flushing their per-CPU slabs\n"
"(/sys/kernel/slab/CACHE/shrink) so that active means allocated.  Every\n"
"file is opened once and held: one snapshot per line read on stdin, each\n"
"two JSON lines on stdout, the caches {\"CACHE\": bytes} and the memory.stat\n"
"of --memcg's cgroup (anon, kernel_stack, pagetables, sock, slab, percpu)\n"
"or null.  Needs root (slabinfo, the shrink files).\n"
"\n"
"  -c, --caches REGEX   extended regex over cache names (default '.')\n"
"  -m, --memcg DIR      a cgroup v2 directory whose memory.stat to read too\n"
"  -1, --once           one snapshot, without reading stdin\n"
OPTS_HELP_STD("        ")
"\n"
"Environment: STACKLAB_SLABINFO and STACKLAB_SLAB_SYSFS replace\n"
"/proc/slabinfo and /sys/kernel/slab (tests).\n"
"\n"
"Examples:\n"
"  " PROG " --once --caches '^(TCP|sock_inode_cache|filp|dentry)$'\n"
"  mkfifo req; " PROG " -c '^kmalloc-' <req & exec 7>req; echo >&7\n"
"          one process for a whole series of snapshots\n"
"\n"
"Exit status: 0 at the end of stdin (or after --once); 1 when a file\n"
"cannot be read or stdout written; 2 on bad usage.\n");
}

/* The whole of FD from its start into s->buf, NUL-terminated; false on error. */
static bool read_all(struct snap *s, int fd)
{
	size_t len = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return false;
	for (;;) {
		ssize_t n;

		if (s->buf_cap - len < 4096) {
			size_t cap = s->buf_cap ? s->buf_cap * 2 : 65536;
			char *b = realloc(s->buf, cap);

			if (!b)
				return false;
			s->buf = b;
			s->buf_cap = cap;
		}
		n = read(fd, s->buf + len, s->buf_cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			break;
		len += n;
	}
	s->buf[len] = '\0';
	return true;
}

static struct cache *find_cache(struct snap *s, const char *name)
{
	for (size_t i = 0; i < s->ncaches; i++)
		if (!strcmp(s->caches[i].name, name))
			return &s->caches[i];
	return NULL;
}

/* Holds NAME's shrink file from now on; false when out of memory. */
static bool add_cache(struct snap *s, const char *name)
{
	char path[4096];
	struct cache *c;

	if (s->ncaches == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct cache *n = realloc(s->caches, cap * sizeof(*n));

		if (!n)
			return false;
		s->caches = n;
		s->cap = cap;
	}
	c = &s->caches[s->ncaches++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s/shrink", s->sysfs_dir, name);
	c->shrink_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (c->shrink_fd < 0 && !s->unflushable++)
		fprintf(stderr, PROG ": warning: cannot open %s (%s): such caches are read unflushed, "
			"their per-CPU slabs' free objects counted as active (run as root, on SLUB)\n",
			path, strerror(errno));
	return true;
}

/*
 * Walks slabinfo's cache lines ("name active num objsize ..."); for each
 * matching cache calls fn.  False on a malformed line.
 */
static bool each_cache(struct snap *s, bool (*fn)(struct snap *, const char *,
						  unsigned long long, unsigned long long, void *),
		       void *arg)
{
	char *line = s->buf, *next;

	for (; line && *line; line = next) {
		char name[NAME_MAX_LEN];
		unsigned long long active, num, size;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "slabinfo -", 10) || line[0] == '#')
			continue;
		if (sscanf(line, "%63s %llu %llu %llu", name, &active, &num, &size) != 4) {
			fprintf(stderr, PROG ": %s: not a slabinfo 2.x line: '%.80s'\n",
				s->slabinfo_path, line);
			return false;
		}
		if (regexec(&s->re, name, 0, NULL, 0))
			continue;
		if (!fn(s, name, active, size, arg))
			return false;
	}
	return true;
}

static bool note_new(struct snap *s, const char *name, unsigned long long active,
		     unsigned long long size, void *arg)
{
	bool *added = arg;

	(void)active;
	(void)size;
	if (find_cache(s, name))
		return true;
	*added = true;
	if (!add_cache(s, name)) {
		fprintf(stderr, PROG ": out of memory\n");
		return false;
	}
	return true;
}

static bool print_cache(struct snap *s, const char *name, unsigned long long active,
			unsigned long long size, void *arg)
{
	bool *first = arg;

	(void)s;
	if (!active)
		return true;
	printf("%s\"%s\":%llu", *first ? "" : ",", name, active * size);
	*first = false;
	return true;
}

static bool read_slabinfo(struct snap *s)
{
	if (read_all(s, s->slabinfo_fd))
		return true;
	fprintf(stderr, PROG ": cannot read %s: %s\n", s->slabinfo_path, strerror(errno));
	return false;
}

static void flush_caches(struct snap *s)
{
	for (size_t i = 0; i < s->ncaches; i++)
		if (s->caches[i].shrink_fd >= 0 &&
		    pwrite(s->caches[i].shrink_fd, "1\n", 2, 0) < 0 && errno != EINTR)
			fprintf(stderr, PROG ": warning: flushing %s: %s\n",
				s->caches[i].name, strerror(errno));
}

static bool print_memcg(struct snap *s)
{
	bool first = true;

	if (s->memcg_fd < 0) {
		printf("null\n");
		return true;
	}
	if (!read_all(s, s->memcg_fd)) {
		fprintf(stderr, PROG ": cannot read memory.stat: %s (did the cgroup go away?)\n",
			strerror(errno));
		return false;
	}
	putchar('{');
	for (char *line = s->buf, *next; line && *line; line = next) {
		char key[NAME_MAX_LEN];
		unsigned long long v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%63s %llu", key, &v) != 2)
			continue;
		for (size_t i = 0; i < sizeof(memcg_stats) / sizeof(memcg_stats[0]); i++) {
			if (strcmp(key, memcg_stats[i]))
				continue;
			printf("%s\"%s\":%llu", first ? "" : ",", key, v);
			first = false;
		}
	}
	printf("}\n");
	return true;
}

/*
 * One snapshot: caches that appeared since the last one are held first,
 * then all are flushed and slabinfo read once more.
 */
static bool snapshot(struct snap *s)
{
	bool added = false, first = true;

	if (!read_slabinfo(s) || !each_cache(s, note_new, &added))
		return false;
	flush_caches(s);
	if (!read_slabinfo(s))
		return false;
	putchar('{');
	if (!each_cache(s, print_cache, &first))
		return false;
	printf("}\n");
	if (!print_memcg(s))
		return false;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, PROG ": writing stdout: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* slabinfo and memory.stat, held from here on; false (said why) if not. */
static bool open_files(struct snap *s, const char *memcg)
{
	char path[4096];

	s->slabinfo_fd = open(s->slabinfo_path, O_RDONLY | O_CLOEXEC);
	if (s->slabinfo_fd < 0) {
		fprintf(stderr, PROG ": cannot open %s: %s%s\n", s->slabinfo_path, strerror(errno),
			errno == EACCES ? " (it is root's: run as root)" : "");
		return false;
	}
	if (!memcg)
		return true;
	snprintf(path, sizeof(path), "%s/memory.stat", memcg);
	s->memcg_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->memcg_fd < 0) {
		fprintf(stderr, PROG ": --memcg: cannot open %s: %s (a cgroup v2 directory "
			"with the memory controller on in its parent's cgroup.subtree_control)\n",
			path, strerror(errno));
		return false;
	}
	return true;
}

static void snap_free(struct snap *s)
{
	if (s->slabinfo_fd >= 0)
		close(s->slabinfo_fd);
	if (s->memcg_fd >= 0)
		close(s->memcg_fd);
	for (size_t i = 0; i < s->ncaches; i++)
		if (s->caches[i].shrink_fd >= 0)
			close(s->caches[i].shrink_fd);
	free(s->caches);
	free(s->buf);
	regfree(&s->re);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "caches", required_argument, NULL, 'c' },
		{ "memcg", required_argument, NULL, 'm' },
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct snap s = { .memcg_fd = -1, .slabinfo_fd = -1 };
	const char *regex = ".", *memcg = NULL;
	bool once = false, ok = true;
	char errbuf[256], *line = NULL;
	size_t line_cap = 0;
	int opt, err;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:1hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': regex = optarg; break;
		case 'm': memcg = optarg; break;
		case '1': once = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': opts_print_version(PROG); return 0;
		default: return opts_bad_option(PROG, opt, argv);
		}
	}
	if (optind < argc)
		return opts_stray_argument(PROG, argv[optind]);
	err = regcomp(&s.re, regex, REG_EXTENDED | REG_NOSUB);
	if (err) {
		regerror(err, &s.re, errbuf, sizeof(errbuf));
		fprintf(stderr, PROG ": --caches: bad regex '%s': %s\n", regex, errbuf);
		return 2;
	}
	s.slabinfo_path = getenv("STACKLAB_SLABINFO") ?: "/proc/slabinfo";
	s.sysfs_dir = getenv("STACKLAB_SLAB_SYSFS") ?: "/sys/kernel/slab";
	ok = open_files(&s, memcg);
	if (ok && once) {
		ok = snapshot(&s);
	} else {
		while (ok && getline(&line, &line_cap, stdin) >= 0)
			ok = snapshot(&s);
	}
	free(line);
	snap_free(&s);
	return ok ? 0 : 1;
}
