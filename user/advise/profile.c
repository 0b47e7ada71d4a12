// SPDX-License-Identifier: GPL-2.0
/* Reads a libfut profile with jansson.  Syntax errors keep jansson's line
 * and column; schema errors name the JSON path of the bad field. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A required non-negative integer member of obj. */
static int get_u64(struct loader *l, json_t *obj, const char *where,
		   const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return fail(l, "%s: missing \"%s\" (not a libfut profile, or a newer format?)",
			    where, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(l, "%s: \"%s\" must be a non-negative integer", where, key);
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
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(l, "%s: \"%s\" must be a non-negative integer", where, key);
	*out = json_integer_value(v);
	return 0;
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
	    get_str(l, js, where, "mode", &mode))
		return -1;
	s->index = index;
	if (!strcmp(mode, "inline") || !strcmp(mode, "boxed")) {
		s->boxed = !strcmp(mode, "boxed");
		free(mode);
	} else {
		free(mode);
		return fail(l, "%s: \"mode\" must be \"inline\" or \"boxed\"", where);
	}
	v = json_object_get(js, "entered_share");
	s->entered_share = json_is_number(v) ? json_number_value(v) : 0;
	v = json_object_get(js, "allocs_per_task");
	s->allocs_per_task = json_is_number(v) ? json_number_value(v) : 0;
	return 0;
}

static int load_type(struct loader *l, json_t *jt, size_t i, struct prof_type *t)
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
	slots = json_object_get(jt, "slots");
	if (!json_is_array(slots))
		return fail(l, "%s: \"slots\" must be an array", where);
	t->nslots = json_array_size(slots);
	t->slots = calloc(t->nslots ? t->nslots : 1, sizeof(*t->slots));
	if (!t->slots)
		return fail(l, "out of memory");
	for (size_t j = 0; j < t->nslots; j++) {
		char sw[160];

		snprintf(sw, sizeof(sw), "%s.slots[%zu]", where, j);
		if (load_slot(l, json_array_get(slots, j), sw, &t->slots[j]))
			return -1;
	}
	return 0;
}

int profile_load(const char *path, struct profile *p, char *err, size_t errlen)
{
	struct loader l = { path, err, errlen };
	json_error_t je;
	json_t *root, *types, *ver;
	int ret = -1;

	memset(p, 0, sizeof(*p));
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
	    get_u64(&l, root, "top level", "executors", &p->executors) ||
	    get_opt_i64(&l, root, "top level", "rss_start_bytes", &p->rss_start_bytes) ||
	    get_opt_i64(&l, root, "top level", "rss_bytes", &p->rss_bytes) ||
	    get_opt_i64(&l, root, "top level", "rss_peak_bytes", &p->rss_peak_bytes))
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
		if (load_type(&l, json_array_get(types, i), i, &p->types[i]))
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
