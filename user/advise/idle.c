// SPDX-License-Identifier: GPL-2.0
/* fut-advise --breakdown: an idle task's bytes, part by part. */
#include <jansson.h>
#include <string.h>

#include "alloc.h"
#include "idle.h"
#include "layout.h"

#define MAX_ROWS 64

struct row {
	char part[96];
	char what[96];
	double bytes;
};

struct breakdown {
	const struct prof_type *t;
	const struct dw_struct *s;
	struct row rows[MAX_ROWS];
	size_t n;
	double total;
};

static void add(struct breakdown *b, double bytes, const char *part,
		const char *what)
{
	struct row *r;

	if (b->n == MAX_ROWS)
		return;
	r = &b->rows[b->n++];
	snprintf(r->part, sizeof(r->part), "%s", part);
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->bytes = bytes;
	b->total += bytes;
}

/* The root type that holds the most tasks now: the idle connections. */
static const struct prof_type *dominant(const struct profile *p)
{
	const struct prof_type *best = NULL;

	for (size_t i = 0; i < p->ntypes; i++)
		if (p->types[i].spawns && (!best || p->types[i].live > best->live))
			best = &p->types[i];
	return best && best->live ? best : NULL;
}

/* A union's members, "{a, b, c}". */
static void union_name(const struct dw_member *m, char *out, size_t cap)
{
	size_t len = snprintf(out, cap, "union {");

	for (size_t i = 0; i < m->nsub && len < cap; i++)
		len += snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
				m->sub[i].name);
	if (len < cap)
		snprintf(out + len, cap - len, "}");
}

static void state_rows(struct breakdown *b)
{
	const struct dw_struct *s = b->s;
	char part[96];

	for (size_t i = 0; i < s->nmembers; i++) {
		const struct dw_member *m = &s->members[i];
		uint64_t end = i + 1 < s->nmembers ? s->members[i + 1].offset : s->size;

		/* A member's bytes run to the next one: its padding with it. */
		if (m->is_union && !m->name[0])
			union_name(m, part, sizeof(part));
		else
			snprintf(part, sizeof(part), "%s", m->name);
		add(b, (double)(end - m->offset), part,
		    m->is_union ? "the largest member" : m->type);
	}
	if (b->t->state_size > s->size)
		add(b, (double)(b->t->state_size - s->size), "(past the struct)",
		    "an inline child's tail");
}

static int build(const struct profile *p, const struct dw_info *di,
		 struct breakdown *b)
{
	struct layout_match m;
	uint64_t alloc;
	char what[96];

	memset(b, 0, sizeof(*b));
	b->t = dominant(p);
	if (!b->t) {
		fprintf(stderr, "fut-advise: --breakdown: no root type has live tasks in this profile: dump it while the tasks are alive (fut-server: SIGUSR1)\n");
		return -1;
	}
	layout_match(di, b->t, &m);
	b->s = m.s;
	if (!b->s) {
		fprintf(stderr, "fut-advise: --breakdown: no struct for %s in the binary: give the binary that wrote the profile, built with -g\n",
			b->t->name);
		return -1;
	}
	state_rows(b);
	add(b, (double)p->task_header_bytes, "task header", "struct fut_task");
	alloc = b->t->alloc_bytes >= 0 ? (uint64_t)b->t->alloc_bytes :
		advise_alloc_bytes(p->task_header_bytes + b->t->state_size);
	snprintf(what, sizeof(what), "%llu-byte slab class",
		 (unsigned long long)alloc);
	add(b, (double)(alloc - p->task_header_bytes - b->t->state_size),
	    "slab class rounding", what);
	{
		const struct dw_struct *ent = dw_find(di, "task_ent");

		if (ent)
			add(b, (double)ent->size, "task table entry",
			    "struct task_ent (a doubling array: up to 2x)");
	}
	return 0;
}

static double measured(const struct profile *p, const struct breakdown *b)
{
	if (p->rss_bytes < 0 || p->rss_start_bytes < 0)
		return -1;
	return (double)(p->rss_bytes - p->rss_start_bytes) / (double)b->t->live;
}

int report_idle(FILE *f, const struct profile *p, const struct dw_info *di,
		bool json)
{
	struct breakdown b;
	double meas;

	if (build(p, di, &b))
		return -1;
	meas = measured(p, &b);
	if (json) {
		json_t *root = json_object(), *rows = json_array();
		int rc;

		for (size_t i = 0; i < b.n; i++) {
			json_t *r = json_object();

			json_object_set_new(r, "part", json_string(b.rows[i].part));
			json_object_set_new(r, "what", json_string(b.rows[i].what));
			json_object_set_new(r, "bytes", json_real(b.rows[i].bytes));
			json_array_append_new(rows, r);
		}
		json_object_set_new(root, "type", json_string(b.t->name));
		json_object_set_new(root, "struct", json_string(b.s->name));
		json_object_set_new(root, "live", json_integer(b.t->live));
		json_object_set_new(root, "rows", rows);
		json_object_set_new(root, "total_bytes", json_real(b.total));
		json_object_set_new(root, "rss_growth_per_task",
				    meas < 0 ? json_null() : json_real(meas));
		rc = json_dumpf(root, f, JSON_INDENT(2));
		fputc('\n', f);
		json_decref(root);
		return rc;
	}
	fprintf(f, "bytes per idle task of %s (struct %s), %llu live:\n",
		b.t->name, b.s->name, (unsigned long long)b.t->live);
	fprintf(f, "| part | bytes | what |\n|---|---:|---|\n");
	for (size_t i = 0; i < b.n; i++)
		fprintf(f, "| %s | %.0f | %s |\n", b.rows[i].part, b.rows[i].bytes,
			b.rows[i].what);
	fprintf(f, "| **total** | **%.0f** | per task, from the profile and DWARF |\n",
		b.total);
	if (meas >= 0)
		fprintf(f, "| RSS growth / live task | %.0f | since the first executor: fixed costs (rings, buffers, pools) spread over the tasks too |\n",
			meas);
	return 0;
}
