// SPDX-License-Identifier: GPL-2.0
/* Prints what rust_dwarf.c read, rust_census.c counted and rust_model.c
 * advised.  The JSON is the contract of docs/design.md ("fut-advise for
 * Rust"); the text is for people: the await tree of each task type, then
 * the suggestions, then every other state machine on one line. */
#include <jansson.h>
#include <string.h>

#include "rust_report.h"

#define TREE_DEPTH 8

static const char *kind_name(enum rs_kind k)
{
	return k == RS_INLINE ? "inline" : k == RS_BOXED ? "boxed" : "value";
}

static json_t *live_or_null(const struct rs_census *c, uint64_t v)
{
	return c ? json_integer((json_int_t)v) : json_null();
}

static json_t *json_state(const struct rs_prog *p, const struct rs_census *c, int g, size_t i)
{
	const struct rs_state *s = &p->gens[g].states[i];
	json_t *o, *kids = json_array(), *held = json_array();

	for (size_t k = 0; k < s->nheld; k++) {
		const struct rs_held *h = &s->held[k];
		json_t *fut = h->child >= 0 ? json_string(p->gens[h->child].name) : json_null();

		json_array_append_new(held, json_pack("{s:s, s:s, s:I, s:I, s:s}",
			"name", h->name, "type", h->type, "offset", (json_int_t)h->offset,
			"bytes", (json_int_t)h->size, "kind", kind_name(h->kind)));
		if (h->kind == RS_VALUE)
			continue;
		json_array_append_new(kids, json_pack("{s:s, s:s, s:o, s:I, s:b}",
			"value", h->name, "kind", kind_name(h->kind), "future", fut,
			"bytes", (json_int_t)h->size, "dyn", h->dyn));
	}
	o = json_pack("{s:s, s:s, s:i, s:I, s:o, s:o, s:o, s:o}",
		"state", s->name, "file", s->file, "line", s->line,
		"bytes", (json_int_t)s->bytes,
		"live", live_or_null(c, c ? c->state_live[g][i] : 0),
		"entered", c && c->state_entered && c->state_entered[g] ?
			   json_integer((json_int_t)c->state_entered[g][i]) : json_null(),
		"children", kids, "held", held);
	return o;
}

static json_t *json_future(const struct rs_prog *p, const struct rs_census *c, int g)
{
	const struct rs_gen *gen = &p->gens[g];
	json_t *states = json_array();

	for (size_t i = 0; i < gen->nstates; i++)
		json_array_append_new(states, json_state(p, c, g, i));
	return json_pack("{s:s, s:s?, s:i, s:I, s:o, s:o, s:o}",
		"name", gen->name, "file", gen->file, "line", gen->line,
		"bytes", (json_int_t)gen->size,
		"task_bytes", gen->task >= 0 ? json_integer((json_int_t)p->tasks[gen->task].size)
					     : json_null(),
		"live", live_or_null(c, c ? c->gen_live[g] : 0), "states", states);
}

static json_t *json_sug(const struct rs_prog *p, const struct rs_sug *s)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:o}",
		"action", "box", "what", s->local ? "local" : "await",
		"file", s->state->file, "line", s->state->line,
		"future", p->gens[s->gen].name, "state", s->state->name, "value", s->held->name,
		"fix", s->fix,
		"bytes_per_task_now", (json_int_t)s->now,
		"bytes_per_task_after", (json_int_t)s->after,
		"box_bytes", (json_int_t)s->box_bytes,
		"value_bytes", (json_int_t)s->held->size,
		"live", s->have_census ? json_integer((json_int_t)s->live) : json_null(),
		"holding", s->have_census ? json_integer((json_int_t)s->holding) : json_null(),
		"occupancy", s->have_census ? json_real(s->occupancy) : json_null(),
		"saved_per_task_bytes", (json_int_t)s->saved_per_task,
		"saved_bytes", s->have_census ? json_integer((json_int_t)s->saved) : json_null());
}

int rs_report_json(FILE *f, const char *bin, const struct rs_prog *p,
		   const struct rs_census *c, const struct rs_advice *a)
{
	json_t *root, *futs = json_array(), *tasks = json_array(), *sugs = json_array();
	int ret;

	for (size_t g = 0; g < p->ngens; g++)
		if (p->gens[g].nstates)
			json_array_append_new(futs, json_future(p, c, (int)g));
	for (size_t t = 0; t < p->ntasks; t++)
		json_array_append_new(tasks, json_pack("{s:s, s:o, s:I, s:o}",
			"name", p->tasks[t].name,
			"future", p->tasks[t].gen >= 0 ? json_string(p->gens[p->tasks[t].gen].name)
						       : json_null(),
			"task_bytes", (json_int_t)p->tasks[t].size,
			"live", live_or_null(c, c ? c->task_live[t] : 0)));
	for (size_t i = 0; i < a->n; i++)
		json_array_append_new(sugs, json_sug(p, &a->sug[i]));
	root = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}",
		"binary", bin,
		"runtime", p->ntasks ? json_pack("{s:s, s:s}", "name", "tokio",
						 "version", p->tokio_version) : json_null(),
		"census", c ? json_pack("{s:i, s:I, s:I, s:I, s:I, s:I}", "pid", (int)c->pid,
			"vtables", (json_int_t)c->vtables, "candidates", (json_int_t)c->candidates,
			"rejected", (json_int_t)c->rejected,
			"scanned_bytes", (json_int_t)c->scanned_bytes,
			"boxes_unknown", (json_int_t)c->boxes_unknown) : json_null(),
		"tasks", tasks, "futures", futs, "suggestions", sugs);
	if (!root)
		return -1;
	ret = json_dumpf(root, f, JSON_INDENT(2)) || fputc('\n', f) == EOF ? -1 : 0;
	json_decref(root);
	return ret;
}

static void tree(FILE *f, const struct rs_prog *p, const struct rs_census *c, int g, int depth)
{
	const struct rs_gen *gen = &p->gens[g];
	int ind = 2 + depth * 4;

	fprintf(f, "%*s%s  %s:%d  %llu bytes", ind, "", gen->name, gen->file, gen->line,
		(unsigned long long)gen->size);
	if (c)
		fprintf(f, "  live %llu", (unsigned long long)c->gen_live[g]);
	fputc('\n', f);
	for (size_t i = 0; i < gen->nstates; i++) {
		const struct rs_state *s = &gen->states[i];

		if (!s->suspend && !(c && c->state_live[g][i]))
			continue;
		fprintf(f, "%*s%-9s %s:%d  %llu bytes", ind + 2, "", s->name, s->file, s->line,
			(unsigned long long)s->bytes);
		if (c)
			fprintf(f, "  live %llu", (unsigned long long)c->state_live[g][i]);
		if (c && c->state_entered && c->state_entered[g])
			fprintf(f, "  entered %llu", (unsigned long long)c->state_entered[g][i]);
		fputc('\n', f);
		for (size_t k = 0; k < s->nheld; k++) {
			const struct rs_held *h = &s->held[k];

			fprintf(f, "%*s%s: %s %s, %llu bytes at %llu\n", ind + 6, "", h->name,
				kind_name(h->kind), h->child >= 0 ? p->gens[h->child].name : h->type,
				(unsigned long long)h->size, (unsigned long long)h->offset);
			if (h->kind != RS_VALUE && h->child >= 0 && depth < TREE_DEPTH)
				tree(f, p, c, h->child, depth + 2);
		}
	}
}

void rs_report_text(FILE *f, const char *bin, const struct rs_prog *p,
		    const struct rs_census *c, const struct rs_advice *a)
{
	size_t shown = 0;

	fprintf(f, "%s: %zu async state machines", bin, p->ngens);
	if (p->ntasks)
		fprintf(f, "; tokio %s, %zu task types", p->tokio_version, p->ntasks);
	fputc('\n', f);
	if (c)
		fprintf(f, "census of pid %d: %llu task vtables, %llu candidates, %llu stale copies "
			"or freed tasks rejected, %.1f MiB scanned\n", (int)c->pid,
			(unsigned long long)c->vtables, (unsigned long long)c->candidates,
			(unsigned long long)c->rejected, c->scanned_bytes / 1048576.0);
	for (size_t t = 0; t < p->ntasks; t++) {
		const struct rs_task *k = &p->tasks[t];

		size_t u;

		if (k->gen < 0 || (c && !c->task_live[t]))
			continue;
		/* Statically, one scheduler's cell stands for the others. */
		for (u = 0; !c && u < t && p->tasks[u].gen != k->gen; u++)
			;
		if (!c && u < t)
			continue;
		fprintf(f, "\ntask Cell<%s>: %llu bytes", k->name, (unsigned long long)k->size);
		if (c)
			fprintf(f, ", %llu live", (unsigned long long)c->task_live[t]);
		fputc('\n', f);
		tree(f, p, c, k->gen, 0);
		shown++;
	}
	/* Without tokio tasks: the tree of every machine no other holds in
	 * place, the program's own (a library's are listed below). */
	for (size_t g = 0; !p->ntasks && g < p->ngens; g++) {
		if (!p->gens[g].nstates || rs_is_inline_child(p, (int)g) ||
		    (p->gens[g].file && p->gens[g].file[0] == '/'))
			continue;
		fputc('\n', f);
		tree(f, p, c, (int)g, 0);
	}
	fprintf(f, "\n%zu suggestion%s\n", a->n, a->n == 1 ? "" : "s");
	for (size_t i = 0; i < a->n; i++) {
		const struct rs_sug *s = &a->sug[i];

		fprintf(f, "box %s  %s:%d  %s\n", s->local ? "local" : "await", s->state->file,
			s->state->line, s->fix);
		fprintf(f, "    in %s %s; bytes per task %llu -> %llu, a box %llu", p->gens[s->gen].name,
			s->state->name, (unsigned long long)s->now, (unsigned long long)s->after,
			(unsigned long long)s->box_bytes);
		if (s->have_census)
			fprintf(f, "; %llu of %llu tasks hold it (%.1f%%): saves %lld bytes a task, "
				"%.1f MiB in all\n", (unsigned long long)s->holding,
				(unsigned long long)s->live, 100 * s->occupancy,
				(long long)s->saved_per_task, s->saved / 1048576.0);
		else
			fprintf(f, "; saves %lld bytes a task while none waits there "
				"(--pid for the occupancy)\n", (long long)s->saved_per_task);
	}
	if (shown && c)
		return;
	fprintf(f, "\nstate machines (bytes, suspend states):\n");
	for (size_t g = 0; g < p->ngens; g++) {
		size_t susp = 0;

		if (!p->gens[g].nstates)
			continue;
		for (size_t i = 0; i < p->gens[g].nstates; i++)
			susp += p->gens[g].states[i].suspend;
		fprintf(f, "  %-60s %8llu  %zu  %s:%d\n", p->gens[g].name,
			(unsigned long long)p->gens[g].size, susp, p->gens[g].file, p->gens[g].line);
	}
}
