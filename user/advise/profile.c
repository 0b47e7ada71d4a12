// SPDX-License-Identifier: GPL-2.0
/* Reads a libfut profile with jansson.  Syntax errors keep jansson's line
 * and column; schema errors name the JSON path of the bad field. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profile.h"

struct loader {
	const char *path;
	char *err;
	size_t errlen;
};

static int fail(struct loader *l, const char *fmt, ...)
{
	int n = snprintf(l->err, l->errlen, "%s: ", l->path);
	va_list ap;

	if (n < 0 || (size_t)n >= l->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The largest value a field may hold: bytes of one object or task, tasks
 * alive at once, and event counts.  Far above anything a real program
 * reaches, low enough that the model's products (tasks x bytes) cannot
 * overflow 64 bits.  A larger value is a corrupt profile.
 */
#define MAX_BYTES	(1ULL << 32)	/* 4 GiB: one state, box or task */
#define MAX_LIVE	(1ULL << 30)	/* tasks or slots alive at once */
#define MAX_COUNT	(1ULL << 53)	/* events, exact in a double */
#define MAX_RSS		(1ULL << 50)	/* 1 PiB */
/*
 * branch_ns sums the time of every branch, the running ones to the dump:
 * a million connections idle for 15 minutes hold 9e17 ns, past any event
 * count.  What no real program reaches is a branch that ran, on average,
 * longer than a machine stays up.  The model only divides by it.
 */
#define MAX_BRANCH_NS_PER_ENTER	(10ULL * 366 * 86400 * 1000000000)	/* 10 years */
#define MAX_BRANCH_NS	INT64_MAX	/* what a JSON integer holds */

static uint64_t field_max(const char *key)
{
	static const char *const live[] = { "live", "peak_live", "active",
					    "peak_active", "executors" };
	static const char *const count[] = { "spawns", "instances", "enters",
					     "entered", "boxed_allocs", "index",
					     "box_alloc_ns" };

	if (!strcmp(key, "branch_ns"))
		return MAX_BRANCH_NS;
	if (!strncmp(key, "rss_", 4))
		return MAX_RSS;
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (!strcmp(key, live[i]))
			return MAX_LIVE;
	for (size_t i = 0; i < sizeof(count) / sizeof(count[0]); i++)
		if (!strcmp(key, count[i]))
			return MAX_COUNT;
	return MAX_BYTES;
}

static int check_range(struct loader *l, json_t *v, const char *where,
		       const char *key)
{
	uint64_t max = field_max(key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(l, "%s: \"%s\" must be a non-negative integer", where, key);
	if ((uint64_t)json_integer_value(v) > max)
		return fail(l, "%s: \"%s\" is %lld, more than any real program reaches (at most %llu): the profile is corrupt; write it again with fut_prof_dump",
			    where, key, (long long)json_integer_value(v),
			    (unsigned long long)max);
	return 0;
}

/* A required non-negative integer member of obj, within its field's range. */
static int get_u64(struct loader *l, json_t *obj, const char *where,
		   const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return fail(l, "%s: missing \"%s\" (not a libfut profile, or a newer format?)",
			    where, key);
	if (check_range(l, v, where, key))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* An optional integer: PROF_UNKNOWN when absent. */
static int get_opt_i64(struct loader *l, json_t *obj, const char *where,
		       const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	*out = PROF_UNKNOWN;
	if (!v || json_is_null(v))
		return 0;
	if (check_range(l, v, where, key))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* A byte count libfut writes as -1 when it does not know it (the RSS at
 * the first executor, before there is one): unknown, as if absent. */
static int get_opt_bytes(struct loader *l, json_t *obj, const char *where,
			 const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v) && json_integer_value(v) == -1) {
		*out = PROF_UNKNOWN;
		return 0;
	}
	return get_opt_i64(l, obj, where, key, out);
}

static int get_str(struct loader *l, json_t *obj, const char *where,
		   const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return fail(l, "%s: \"%s\" must be a string", where, key);
	*out = strdup(json_string_value(v));
	if (!*out)
		return fail(l, "out of memory");
	return 0;
}

static int load_slot(struct loader *l, json_t *js, const char *where,
		     struct prof_slot *s)
{
	uint64_t index;
	char *mode = NULL;
	json_t *v;

	if (!json_is_object(js))
		return fail(l, "%s: must be an object", where);
	if (get_str(l, js, where, "name", &s->name) ||
	    get_str(l, js, where, "child", &s->child) ||
	    get_u64(l, js, where, "index", &index) ||
	    get_u64(l, js, where, "offset", &s->offset) ||
	    get_u64(l, js, where, "size", &s->size) ||
	    get_u64(l, js, where, "child_size", &s->child_size) ||
	    get_u64(l, js, where, "enters", &s->enters) ||
	    get_u64(l, js, where, "entered", &s->entered) ||
	    get_u64(l, js, where, "boxed_allocs", &s->boxed_allocs) ||
	    get_opt_i64(l, js, where, "active", &s->active) ||
	    get_opt_i64(l, js, where, "peak_active", &s->peak_active) ||
	    get_opt_i64(l, js, where, "box_alloc_bytes", &s->box_alloc_bytes) ||
	    get_opt_i64(l, js, where, "branch_ns", &s->branch_ns) ||
	    get_str(l, js, where, "mode", &mode))
		return -1;
	s->index = index;
	s->boxed = !strcmp(mode, "boxed");
	if (!s->boxed && strcmp(mode, "inline")) {
		free(mode);
		return fail(l, "%s: \"mode\" must be \"inline\" or \"boxed\"", where);
	}
	free(mode);
	if (s->entered > s->enters)
		return fail(l, "%s: \"entered\" (%llu) is more than \"enters\" (%llu): every task that entered entered once at least",
			    where, (unsigned long long)s->entered, (unsigned long long)s->enters);
	/* In doubles: enters x 10 years may pass 2^64; the bound is not exact. */
	if (s->branch_ns != PROF_UNKNOWN &&
	    (double)s->branch_ns > (double)s->enters * MAX_BRANCH_NS_PER_ENTER)
		return fail(l, "%s: \"branch_ns\" is %lld over %llu \"enters\", more than 10 years a branch: the profile is corrupt; write it again with fut_prof_dump",
			    where, (long long)s->branch_ns, (unsigned long long)s->enters);
	v = json_object_get(js, "box_alloc_ns");
	s->box_alloc_ns = -1;
	if (v && !json_is_null(v)) {
		if (!json_is_number(v) || !(json_number_value(v) > 0) ||
		    json_number_value(v) > 1e9)
			return fail(l, "%s: \"box_alloc_ns\" must be a number of nanoseconds in (0, 1e9]", where);
		s->box_alloc_ns = json_number_value(v);
	}
	v = json_object_get(js, "await_site");
	if (json_is_string(v)) {
		s->site = strdup(json_string_value(v));
		if (!s->site)
			return fail(l, "out of memory");
	} else if (v && !json_is_null(v)) {
		return fail(l, "%s: \"await_site\" must be a string \"file:line\"", where);
	}
	v = json_object_get(js, "entered_share");
	s->entered_share = json_is_number(v) ? json_number_value(v) : 0;
	v = json_object_get(js, "allocs_per_task");
	s->allocs_per_task = json_is_number(v) ? json_number_value(v) : 0;
	return 0;
}

static int load_type(struct loader *l, json_t *jt, size_t i, uint64_t header_bytes,
		     struct prof_type *t)
{
	char where[96];
	json_t *slots;

	snprintf(where, sizeof(where), "types[%zu]", i);
	if (!json_is_object(jt))
		return fail(l, "%s: must be an object", where);
	if (get_str(l, jt, where, "name", &t->name) ||
	    get_u64(l, jt, where, "state_size", &t->state_size) ||
	    get_u64(l, jt, where, "task_bytes", &t->task_bytes) ||
	    get_u64(l, jt, where, "spawns", &t->spawns) ||
	    get_u64(l, jt, where, "instances", &t->instances) ||
	    get_u64(l, jt, where, "live", &t->live) ||
	    get_u64(l, jt, where, "peak_live", &t->peak_live) ||
	    get_opt_i64(l, jt, where, "alloc_bytes", &t->alloc_bytes))
		return -1;
	snprintf(where, sizeof(where), "types[%zu] (\"%s\")", i, t->name);
	/* A task's allocation holds its header and its state. */
	if (t->alloc_bytes != PROF_UNKNOWN &&
	    (uint64_t)t->alloc_bytes < header_bytes + t->state_size)
		return fail(l, "%s: \"alloc_bytes\" (%lld) is less than the top level's \"task_header_bytes\" + \"state_size\" (%llu + %llu) that a task's allocation holds: the profile is corrupt; write it again with fut_prof_dump",
			    where, (long long)t->alloc_bytes,
			    (unsigned long long)header_bytes, (unsigned long long)t->state_size);
	slots = json_object_get(jt, "slots");
	if (!json_is_array(slots))
		return fail(l, "%s: \"slots\" must be an array", where);
	t->nslots = json_array_size(slots);
	t->slots = calloc(t->nslots ? t->nslots : 1, sizeof(*t->slots));
	if (!t->slots)
		return fail(l, "out of memory");
	if (t->peak_live > t->instances || t->live > t->peak_live)
		return fail(l, "%s: \"live\" <= \"peak_live\" <= \"instances\" does not hold (%llu, %llu, %llu)",
			    where, (unsigned long long)t->live,
			    (unsigned long long)t->peak_live, (unsigned long long)t->instances);
	for (size_t j = 0; j < t->nslots; j++) {
		struct prof_slot *sl = &t->slots[j];
		char sw[160];

		snprintf(sw, sizeof(sw), "%s.slots[%zu]", where, j);
		if (load_slot(l, json_array_get(slots, j), sw, sl))
			return -1;
		if (sl->offset + sl->size > t->state_size)
			return fail(l, "%s: \"offset\" + \"size\" (%llu + %llu) is past the state's \"state_size\" (%llu)",
				    sw, (unsigned long long)sl->offset,
				    (unsigned long long)sl->size, (unsigned long long)t->state_size);
		if (sl->entered > t->instances)
			return fail(l, "%s: \"entered\" (%llu) is more than the type's \"instances\" (%llu)",
				    sw, (unsigned long long)sl->entered,
				    (unsigned long long)t->instances);
	}
	return 0;
}

int profile_load(const char *path, struct profile *p, char *err, size_t errlen)
{
	struct loader l = { path, err, errlen };
	json_error_t je;
	json_t *root, *types, *ver;
	struct stat st;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	/* stat, not open: opening a FIFO would block until a writer came. */
	if (stat(path, &st))
		return fail(&l, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(&l, "not a regular file (%s): give the JSON file fut_prof_dump wrote",
			    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
			    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a socket or other");
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* jansson reports open errors at line -1. */
		if (je.line < 0)
			return fail(&l, "%s", je.text);
		return fail(&l, "line %d, column %d: %s (the profile is malformed or truncated: write it again with fut_prof_dump)",
			    je.line, je.column, je.text);
	}
	if (!json_is_object(root)) {
		fail(&l, "the top level must be an object (a libfut profile)");
		goto out;
	}
	ver = json_object_get(root, "libfut_profile");
	if (!json_is_integer(ver)) {
		fail(&l, "no \"libfut_profile\" version: not a libfut profile");
		goto out;
	}
	if (json_integer_value(ver) != 1) {
		fail(&l, "libfut_profile version %lld; this fut-advise reads version 1",
		     (long long)json_integer_value(ver));
		goto out;
	}
	if (get_u64(&l, root, "top level", "task_header_bytes", &p->task_header_bytes) ||
	    get_u64(&l, root, "top level", "pointer_bytes", &p->pointer_bytes) ||
	    (p->pointer_bytes != 4 && p->pointer_bytes != 8 &&
	     fail(&l, "top level: \"pointer_bytes\" is %llu: a pointer is 4 or 8 bytes",
		  (unsigned long long)p->pointer_bytes)) ||
	    get_u64(&l, root, "top level", "executors", &p->executors) ||
	    get_opt_bytes(&l, root, "top level", "rss_start_bytes", &p->rss_start_bytes) ||
	    get_opt_bytes(&l, root, "top level", "rss_bytes", &p->rss_bytes) ||
	    get_opt_bytes(&l, root, "top level", "rss_peak_bytes", &p->rss_peak_bytes))
		goto out;
	types = json_object_get(root, "types");
	if (!json_is_array(types)) {
		fail(&l, "top level: \"types\" must be an array");
		goto out;
	}
	p->ntypes = json_array_size(types);
	p->types = calloc(p->ntypes ? p->ntypes : 1, sizeof(*p->types));
	if (!p->types) {
		fail(&l, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->ntypes; i++)
		if (load_type(&l, json_array_get(types, i), i, p->task_header_bytes,
			      &p->types[i]))
			goto out;
	ret = 0;
out:
	json_decref(root);
	if (ret)
		profile_free(p);
	return ret;
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; p->types && i < p->ntypes; i++) {
		struct prof_type *t = &p->types[i];

		for (size_t j = 0; t->slots && j < t->nslots; j++) {
			free(t->slots[j].name);
			free(t->slots[j].child);
			free(t->slots[j].site);
		}
		free(t->slots);
		free(t->name);
	}
	free(p->types);
	memset(p, 0, sizeof(*p));
}

const struct prof_type *profile_type(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->ntypes; i++)
		if (!strcmp(p->types[i].name, name))
			return &p->types[i];
	return NULL;
}

bool profile_has_timing(const struct profile *p)
{
	for (size_t i = 0; i < p->ntypes; i++)
		for (size_t j = 0; j < p->types[i].nslots; j++)
			if (p->types[i].slots[j].branch_ns != PROF_UNKNOWN)
				return true;
	return false;
}
