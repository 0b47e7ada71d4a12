// SPDX-License-Identifier: GPL-2.0
/* The profiler: per future type and slot counters kept by each executor
 * without atomics (one writer), merged at dump time with the counters of
 * executors that already exited, written as JSON with jansson. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "fut_prof.h"
#include "prof.h"
#include "slab.h"
#include "task.h"

#define MAX_TYPES 4096
#define MAX_EXECS 256

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
bool prof_timing;
static struct fut_type *types[MAX_TYPES];	/* by id - 1 */
static uint32_t ntypes;
static struct prof_type *retired[MAX_TYPES];	/* exited executors' sums */
static struct fut_exec *execs[MAX_EXECS];
static int exec_fds[MAX_EXECS];			/* for the signal handler */
static unsigned int nexecs_total;

static long long rss_start_bytes = -1;	/* when the first executor came */

static char *dump_path;
static volatile sig_atomic_t dump_requested;
static int dump_signal;

/* Signal handlers between loading an executor's eventfd and writing it:
 * a retiring executor waits for them before it closes the fd, so the
 * number is never reused under a handler's write. */
static int handlers_in_flight;

static struct prof_type *prof_type_new(const struct fut_type *type)
{
	struct prof_type *p = calloc(1, sizeof(*p) +
				     type->nslots * sizeof(p->slots[0]));

	if (p)
		p->nslots = type->nslots;
	return p;
}

/* First use of a type on this executor: give the type an id, the
 * executor a counter block for it. */
struct prof_type *prof_type_slow(struct fut_exec *ex, struct fut_type *type)
{
	struct prof_type *p = NULL;
	uint32_t id;

	pthread_mutex_lock(&lock);
	id = type->id;
	if (!id) {
		if (ntypes == MAX_TYPES)
			goto out;
		types[ntypes] = type;
		id = ++ntypes;
		__atomic_store_n(&type->id, id, __ATOMIC_RELEASE);
	}
	if (id > ex->prof.n) {
		struct prof_type **t = realloc(ex->prof.t, id * sizeof(*t));

		if (!t)
			goto out;
		memset(t + ex->prof.n, 0, (id - ex->prof.n) * sizeof(*t));
		ex->prof.t = t;
		ex->prof.n = id;
	}
	if (!ex->prof.t[id - 1])
		ex->prof.t[id - 1] = prof_type_new(type);
	p = ex->prof.t[id - 1];
out:
	pthread_mutex_unlock(&lock);
	return p;
}

/* Branches still running count up to now (their entry stored -start). */
static uint64_t branch_ns_now(const struct prof_slot *s)
{
	uint64_t active = STAT_GET(s->active);

	return STAT_GET(s->branch_ns) + (prof_timing && active ? active * prof_now_ns() : 0);
}

static void add_type(struct prof_type *sum, const struct prof_type *p)
{
	sum->spawns += STAT_GET(p->spawns);
	sum->instances += STAT_GET(p->instances);
	sum->live += STAT_GET(p->live);
	sum->peak_live += STAT_GET(p->peak_live);
	for (uint32_t i = 0; i < p->nslots && i < sum->nslots; i++) {
		sum->slots[i].enters += STAT_GET(p->slots[i].enters);
		sum->slots[i].entered += STAT_GET(p->slots[i].entered);
		sum->slots[i].boxed_allocs += STAT_GET(p->slots[i].boxed_allocs);
		sum->slots[i].active += STAT_GET(p->slots[i].active);
		sum->slots[i].peak_active += STAT_GET(p->slots[i].peak_active);
		sum->slots[i].branch_ns += branch_ns_now(&p->slots[i]);
	}
}

/* Called by an exiting executor: it leaves the registry and its counters
 * move to `retired`, in one step so that no dump misses them. */
void prof_exec_retire(struct fut_exec *ex)
{
	pthread_mutex_lock(&lock);
	if (ex->slot >= 0) {
		__atomic_store_n(&exec_fds[ex->slot], 0, __ATOMIC_SEQ_CST);
		execs[ex->slot] = NULL;
		ex->slot = -1;
		/* A handler that loaded the fd before the store writes it
		 * before the caller closes it. */
		while (__atomic_load_n(&handlers_in_flight, __ATOMIC_SEQ_CST))
			sched_yield();
	}
	for (uint32_t i = 0; i < ex->prof.n; i++) {
		struct prof_type *p = ex->prof.t[i];

		if (!p)
			continue;
		if (!retired[i])
			retired[i] = prof_type_new(types[i]);
		if (retired[i]) {
			/* Peaks of an exited executor still count. */
			p->live = 0;
			for (uint32_t k = 0; k < p->nslots; k++) {
				p->slots[k].branch_ns = branch_ns_now(&p->slots[k]);
				p->slots[k].active = 0;
			}
			add_type(retired[i], p);
		}
		free(p);
	}
	free(ex->prof.t);
	ex->prof.t = NULL;
	ex->prof.n = 0;
	pthread_mutex_unlock(&lock);
}

/* Sum of type i over every executor; lock held. */
static struct prof_type *merged(uint32_t i)
{
	struct prof_type *sum = prof_type_new(types[i]);

	if (!sum)
		return NULL;
	if (retired[i])
		add_type(sum, retired[i]);
	for (unsigned int e = 0; e < MAX_EXECS; e++)
		if (execs[e] && execs[e]->prof.n > i && execs[e]->prof.t[i])
			add_type(sum, execs[e]->prof.t[i]);
	return sum;
}

int fut_prof_type(const struct fut_type *type, struct fut_prof_type_sum *t,
		  struct fut_prof_slot_sum *slots, unsigned int nslots)
{
	struct prof_type *sum;
	uint32_t id = __atomic_load_n(&type->id, __ATOMIC_ACQUIRE);

	if (!id)
		return -ENOENT;
	pthread_mutex_lock(&lock);
	sum = merged(id - 1);
	pthread_mutex_unlock(&lock);
	if (!sum)
		return -ENOMEM;
	*t = (struct fut_prof_type_sum){ sum->spawns, sum->instances,
					 sum->live, sum->peak_live };
	for (unsigned int i = 0; i < nslots && i < sum->nslots; i++)
		slots[i] = (struct fut_prof_slot_sum){ sum->slots[i].enters,
			sum->slots[i].entered, sum->slots[i].boxed_allocs,
			sum->slots[i].active, sum->slots[i].peak_active };
	free(sum);
	return 0;
}

/* A "VmRSS:"-style field of /proc/self/status in bytes, or -1. */
static long long self_status_bytes(const char *key)
{
	size_t klen = strlen(key);
	long long kb = -1;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen)) {
			kb = atoll(line + klen);
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* Where each slot is awaited (FUT_AWAIT records it on its first run). */
#define MAX_SITES 1024
static struct {
	const struct fut_type *type;
	unsigned int slot;
	char site[160];
} sites[MAX_SITES];
static unsigned int nsites;

static const char *await_site(const struct fut_type *type, unsigned int slot)
{
	for (unsigned int i = 0; i < nsites; i++)
		if (sites[i].type == type && sites[i].slot == slot)
			return sites[i].site;
	return NULL;
}

void fut__await_site(const struct fut_type *type, unsigned int slot,
		     const char *file, int line)
{
	pthread_mutex_lock(&lock);
	if (!await_site(type, slot) && nsites < MAX_SITES) {
		sites[nsites].type = type;
		sites[nsites].slot = slot;
		snprintf(sites[nsites].site, sizeof(sites[nsites].site), "%s:%d", file, line);
		nsites++;
	}
	pthread_mutex_unlock(&lock);
}

void fut_prof_timing(int on)
{
	__atomic_store_n(&prof_timing, on != 0, __ATOMIC_RELAXED);
}

/* What one box allocation and its free cost here, now: the mean of many
 * on a private slab, so that the dump measures the allocator it prices. */
static double box_alloc_ns(size_t bytes)
{
	enum { ROUNDS = 4096 };
	struct slab sl;
	uint64_t t0, t1;
	uint8_t cls;

	slab_init(&sl);
	t0 = prof_now_ns();
	for (int i = 0; i < ROUNDS; i++) {
		void *m = slab_alloc(&sl, bytes, &cls);

		if (!m)
			break;
		__asm__ volatile("" : : "r"(m) : "memory");	/* keep the pair */
		slab_free(&sl, m, cls);
	}
	t1 = prof_now_ns();
	slab_destroy(&sl);
	return (double)(t1 - t0) / ROUNDS;
}

static json_t *type_json(const struct fut_type *type, const struct prof_type *p)
{
	json_t *o = json_object(), *slots = json_array();
	size_t task_bytes = slab_class_size(sizeof(struct fut_task) +
					    type->state_size);

	json_object_set_new(o, "name", json_string(type->name));
	json_object_set_new(o, "state_size", json_integer(type->state_size));
	json_object_set_new(o, "task_bytes", json_integer(task_bytes));
	json_object_set_new(o, "alloc_bytes", json_integer(fut_alloc_bytes(
		sizeof(struct fut_task) + type->state_size)));
	json_object_set_new(o, "spawns", json_integer(p->spawns));
	json_object_set_new(o, "instances", json_integer(p->instances));
	json_object_set_new(o, "live", json_integer(p->live));
	json_object_set_new(o, "peak_live", json_integer(p->peak_live));
	json_object_set_new(o, "peak_live_bytes",
			    json_integer(p->peak_live * type->state_size));
	for (uint32_t i = 0; i < type->nslots; i++) {
		const struct fut_slot *s = &type->slots[i];
		const struct prof_slot *ps = &p->slots[i];
		const char *site;
		json_t *so = json_object();

		json_object_set_new(so, "name", json_string(s->name));
		json_object_set_new(so, "index", json_integer(i));
		json_object_set_new(so, "offset", json_integer(s->offset));
		json_object_set_new(so, "size", json_integer(s->size));
		json_object_set_new(so, "mode", json_string(s->boxed ? "boxed" : "inline"));
		json_object_set_new(so, "child", json_string(s->child->name));
		json_object_set_new(so, "child_size", json_integer(s->child->state_size));
		json_object_set_new(so, "box_alloc_bytes", json_integer(
			fut_alloc_bytes(BOX_HDR + s->child->state_size)));
		json_object_set_new(so, "enters", json_integer(ps->enters));
		json_object_set_new(so, "entered", json_integer(ps->entered));
		json_object_set_new(so, "entered_share", json_real(p->instances ?
			(double)ps->entered / p->instances : 0.0));
		json_object_set_new(so, "boxed_allocs", json_integer(ps->boxed_allocs));
		json_object_set_new(so, "allocs_per_task", json_real(ps->entered ?
			(double)ps->boxed_allocs / ps->entered : 0.0));
		json_object_set_new(so, "active", json_integer(ps->active));
		json_object_set_new(so, "peak_active", json_integer(ps->peak_active));
		site = await_site(type, i);
		json_object_set_new(so, "await_site", site ? json_string(site) : json_null());
		if (prof_timing) {
			json_object_set_new(so, "branch_ns", json_integer(ps->branch_ns));
			json_object_set_new(so, "box_alloc_ns", json_real(
				box_alloc_ns(BOX_HDR + s->child->state_size)));
		}
		json_array_append_new(slots, so);
	}
	json_object_set_new(o, "slots", slots);
	return o;
}

int fut_prof_dump_file(FILE *f)
{
	json_t *root = json_object(), *arr = json_array();
	unsigned int live_execs = 0;
	int ret = 0;

	pthread_mutex_lock(&lock);
	for (unsigned int e = 0; e < MAX_EXECS; e++)
		live_execs += !!execs[e];
	json_object_set_new(root, "libfut_profile", json_integer(1));
	json_object_set_new(root, "pid", json_integer(getpid()));
	json_object_set_new(root, "time", json_integer(time(NULL)));
	json_object_set_new(root, "executors", json_integer(nexecs_total));
	json_object_set_new(root, "executors_live", json_integer(live_execs));
	json_object_set_new(root, "task_header_bytes",
			    json_integer(sizeof(struct fut_task)));
	json_object_set_new(root, "pointer_bytes", json_integer(sizeof(void *)));
	json_object_set_new(root, "rss_start_bytes", json_integer(rss_start_bytes));
	json_object_set_new(root, "rss_bytes",
			    json_integer(self_status_bytes("VmRSS:")));
	json_object_set_new(root, "rss_peak_bytes",
			    json_integer(self_status_bytes("VmHWM:")));
	for (uint32_t i = 0; i < ntypes; i++) {
		struct prof_type *sum = merged(i);

		if (!sum) {
			ret = -ENOMEM;
			break;
		}
		json_array_append_new(arr, type_json(types[i], sum));
		free(sum);
	}
	pthread_mutex_unlock(&lock);
	json_object_set_new(root, "types", arr);
	if (!ret && json_dumpf(root, f, JSON_INDENT(2)) != 0)
		ret = -EIO;
	if (!ret && fputc('\n', f) == EOF)
		ret = -EIO;
	json_decref(root);
	return ret;
}

int fut_prof_dump(const char *path)
{
	char tmp[4096];
	FILE *f;
	int ret;

	/* Write aside and rename: a reader never sees half a profile. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	ret = fut_prof_dump_file(f);
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static void dump_at_exit(void)
{
	if (dump_path && fut_prof_dump(dump_path))
		fprintf(stderr, "libfut: cannot write the profile to %s\n",
			dump_path);
}

static void on_signal(int sig)
{
	uint64_t one = 1;
	int saved = errno;

	(void)sig;
	__atomic_add_fetch(&handlers_in_flight, 1, __ATOMIC_SEQ_CST);
	dump_requested = 1;
	/* Wake every executor; whichever runs first dumps. */
	for (unsigned int e = 0; e < MAX_EXECS; e++) {
		int fd = __atomic_load_n(&exec_fds[e], __ATOMIC_RELAXED);

		if (fd > 0 && write(fd, &one, sizeof(one)) < 0)
			continue; /* the others still get woken */
	}
	__atomic_sub_fetch(&handlers_in_flight, 1, __ATOMIC_SEQ_CST);
	errno = saved;
}

void prof_check_signal(struct fut_exec *ex)
{
	(void)ex;
	if (!dump_requested || !dump_path)
		return;
	if (!__sync_bool_compare_and_swap(&dump_requested, 1, 0))
		return;
	if (fut_prof_dump(dump_path))
		fprintf(stderr, "libfut: cannot write the profile to %s\n",
			dump_path);
}

int fut_prof_enable(const char *path, int sig)
{
	fut_prof_timing(1);
	static int registered;
	char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	pthread_mutex_lock(&lock);
	free(dump_path);
	dump_path = p;
	if (!registered) {
		registered = 1;
		atexit(dump_at_exit);
	}
	pthread_mutex_unlock(&lock);
	if (sig) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sig, &sa, NULL))
			return -errno;
		dump_signal = sig;
	}
	return 0;
}

int registry_add(struct fut_exec *ex)
{
	static int env_checked;
	long long rss = __atomic_load_n(&rss_start_bytes, __ATOMIC_RELAXED) < 0 ?
			self_status_bytes("VmRSS:") : -1;
	int ret = -EMFILE;

	pthread_mutex_lock(&lock);
	if (rss_start_bytes < 0)
		__atomic_store_n(&rss_start_bytes, rss, __ATOMIC_RELAXED);
	for (unsigned int e = 0; e < MAX_EXECS; e++) {
		if (!execs[e]) {
			execs[e] = ex;
			__atomic_store_n(&exec_fds[e], ex->notify_fd, __ATOMIC_RELAXED);
			ex->slot = e;
			nexecs_total++;
			ret = 0;
			break;
		}
	}
	if (!env_checked) {
		const char *env = getenv("FUT_PROFILE");

		env_checked = 1;
		pthread_mutex_unlock(&lock);
		if (env && *env)
			fut_prof_enable(env, 0);
		return ret;
	}
	pthread_mutex_unlock(&lock);
	return ret;
}
