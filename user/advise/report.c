// SPDX-License-Identifier: GPL-2.0
/* Prints the suggestions with their evidence, the per-type profile and,
 * with --binary, each state's layout.  README.md defines every number. */
#include <jansson.h>
#include <string.h>

#include "layout.h"
#include "report.h"

static double mib(double b)
{
	return b / (1024.0 * 1024.0);
}

static void text_sug(FILE *f, size_t i, const struct profile *p,
		     const struct suggestion *g)
{
	const struct prof_slot *s = g->slot;
	const struct prof_type *t = g->type;

	fprintf(f, "%zu. %s %s.%s (struct %s, now %s)\n", i + 1, sug_kind_name(g->kind),
		t->name, s->name, s->child, s->boxed ? "boxed" : "inline");
	fprintf(f, "   why:       %s\n", g->why);
	fprintf(f, "   await at:  %s\n", s->site ? s->site :
		"unknown (the profile has no await_site: rebuild with this libfut)");
	fprintf(f, "   slot:      %llu bytes at offset %llu of a %llu-byte state (child %llu bytes)\n",
		(unsigned long long)s->size, (unsigned long long)s->offset,
		(unsigned long long)t->state_size, (unsigned long long)s->child_size);
	fprintf(f, "   entered:   %llu of %llu tasks (%.1f%%), %llu times\n",
		(unsigned long long)s->entered, (unsigned long long)t->instances,
		100 * g->entered_share, (unsigned long long)s->enters);
	fprintf(f, "   occupancy: %llu at once of %llu peak tasks (%.2f%%; from the %s)\n",
		(unsigned long long)g->peak_active, (unsigned long long)t->peak_live,
		100 * g->occupancy, occ_source_name(g->occ_source));
	fprintf(f, "   boxed allocations per task: %.2f now (%.2f per task that entered), %.2f after\n",
		g->allocs_per_task, g->allocs_per_entering, g->allocs_per_task_after);
	if (s->boxed && g->alloc_share >= 0)
		fprintf(f, "   cost:      %.0f ns per box x %llu boxes = %.2f%% of %lld ns in the branch (hoist from %.0f%%)\n",
			s->box_alloc_ns, (unsigned long long)s->boxed_allocs,
			100 * g->alloc_share, (long long)s->branch_ns,
			100 * ADVISE_HOIST_ALLOC_SHARE);
	fprintf(f, "   per task:  %llu -> %llu bytes allocated, + %.4f x %llu-byte box\n",
		(unsigned long long)g->task_alloc, (unsigned long long)g->task_alloc_after,
		g->kind == SUG_HOIST ? 0.0 : g->occupancy, (unsigned long long)g->box_alloc);
	if (g->saved_basis == SAVED_RESIDENT)
		fprintf(f, "   resident:  %lld of the %llu-byte task (the profile's RSS per task: the rest was never touched)\n",
			(long long)g->held_per_task, (unsigned long long)g->task_alloc);
	fprintf(f, "   saved:     %lld bytes per task %s", (long long)g->saved_per_task,
		g->saved_basis == SAVED_RESIDENT ? "resident" :
		"allocated (no RSS figure for this type: an upper bound)");
	if (g->kind == SUG_BOX)
		fprintf(f, " (slot - pointer, times tasks that never enter: %lld)",
			(long long)g->saved_per_task_issue);
	fprintf(f, "; %lld bytes (%.1f MiB) at the profiled peak of %llu tasks\n",
		(long long)g->saved_at_peak, mib(g->saved_at_peak),
		(unsigned long long)t->peak_live);
	if (g->measured_per_task != PROF_UNKNOWN)
		fprintf(f, "   predicted: %lld bytes per task measured (RSS growth %lld over %llu tasks) -> %lld after the fix with no box alive (idle), %lld at the profiled occupancy\n",
			(long long)g->measured_per_task,
			(long long)(p->rss_peak_bytes - p->rss_start_bytes),
			(unsigned long long)t->peak_live,
			(long long)g->predicted_idle_per_task, (long long)g->predicted_per_task);
	fprintf(f, "   fix:       %s\n", g->fix_await);
	if (g->fix_slot[0])
		fprintf(f, "              %s\n", g->fix_slot);
}

static void text_members(FILE *f, const struct prof_type *t,
			 const struct dw_member *m, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++) {
		const struct prof_slot *slot = NULL;

		for (size_t j = 0; t && j < t->nslots; j++)
			if (!strcmp(t->slots[j].name, m[i].name) && t->slots[j].offset == m[i].offset)
				slot = &t->slots[j];
		fprintf(f, "   %*s%6llu %8llu  %-16s %s", 2 * depth, "",
			(unsigned long long)m[i].offset, (unsigned long long)m[i].size,
			m[i].name[0] ? m[i].name : (m[i].is_union ? "(union)" : "(struct)"),
			m[i].type);
		if (slot)
			fprintf(f, "   slot %u, %s: entered by %llu, %llu times%s",
				slot->index, slot->boxed ? "boxed" : "inline",
				(unsigned long long)slot->entered,
				(unsigned long long)slot->enters,
				slot->entered ? "" : " (never entered)");
		else if (depth && !strncmp(m[i].type, "struct ", 7) && m[i].size >= 16)
			fprintf(f, "   not a profiled slot");
		fputc('\n', f);
		text_members(f, t, m[i].sub, m[i].nsub, depth + 1);
	}
}

static void text_layouts(FILE *f, const struct profile *p, const struct dw_info *di)
{
	fprintf(f, "\nstate layouts (DWARF):\n");
	for (size_t i = 0; i < p->ntypes; i++) {
		const struct prof_type *t = &p->types[i];
		struct layout_match m;

		layout_match(di, t, &m);
		if (!m.s) {
			fprintf(f, " %s (%llu bytes): no struct of that name and size in the binary%s\n",
				t->name, (unsigned long long)t->state_size,
				m.nvariants ? "; same slot members in:" : " (another binary?)");
		} else {
			fprintf(f, " %s: struct %s, %llu bytes (matched by %s)\n", t->name,
				m.s->name, (unsigned long long)m.s->size, m.how);
			fprintf(f, "   offset     size  member           type\n");
			text_members(f, t, m.s->members, m.s->nmembers, 0);
		}
		for (size_t v = 0; v < m.nvariants; v++)
			fprintf(f, "   variant: struct %s, %llu bytes, has the same slots\n",
				m.variants[v]->name, (unsigned long long)m.variants[v]->size);
	}
}

void report_text(FILE *f, const char *path, const struct profile *p,
		 const struct advice *a, const struct dw_info *di)
{
	size_t nact = 0;

	for (size_t i = 0; i < a->n; i++)
		nact += a->sug[i].kind != SUG_KEEP;
	fprintf(f, "fut-advise: %s: %zu future types, %zu suggestion%s\n", path,
		p->ntypes, nact, nact == 1 ? "" : "s");
	if (!profile_has_timing(p))
		fprintf(f, "note: the profile has no branch timing (branch_ns): no hoist is suggested; profile with fut_prof_enable() or FUT_PROFILE= to time branches\n");
	if (p->rss_start_bytes == PROF_UNKNOWN)
		fprintf(f, "note: the profile has no rss fields: no measured bytes per task, no prediction from them\n");
	if (!a->n)
		fprintf(f, "no slot of %d bytes or more is inline, and no box is allocated %.0f or more times per task at %.0f%% or more of its branch's time: nothing to change\n",
			ADVISE_LARGE_SLOT_BYTES, ADVISE_HOIST_ALLOCS, 100 * ADVISE_HOIST_ALLOC_SHARE);
	for (size_t i = 0; i < a->n; i++) {
		fputc('\n', f);
		text_sug(f, i, p, &a->sug[i]);
	}
	fprintf(f, "\nprofile:\n %-20s %10s %10s %8s %8s\n", "type", "state", "task", "spawns", "peak");
	for (size_t i = 0; i < p->ntypes; i++) {
		const struct prof_type *t = &p->types[i];

		fprintf(f, " %-20s %10llu %10llu %8llu %8llu\n", t->name,
			(unsigned long long)t->state_size,
			(unsigned long long)(t->alloc_bytes != PROF_UNKNOWN ? (uint64_t)t->alloc_bytes : t->task_bytes),
			(unsigned long long)t->spawns, (unsigned long long)t->peak_live);
		for (size_t j = 0; j < t->nslots; j++) {
			const struct prof_slot *s = &t->slots[j];

			fprintf(f, "   .%-17s %10llu %-6s entered %.1f%%, %.2f boxed allocs/task\n",
				s->name, (unsigned long long)s->size, s->boxed ? "boxed" : "inline",
				100 * (t->instances ? (double)s->entered / t->instances : 0),
				t->instances ? (double)s->boxed_allocs / t->instances : 0);
		}
	}
	if (di)
		text_layouts(f, p, di);
}

static json_t *json_members(const struct dw_member *m, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "name", m[i].name,
				      "type", m[i].type, "offset", (json_int_t)m[i].offset,
				      "size", (json_int_t)m[i].size);
		if (m[i].nsub)
			json_object_set_new(o, "members", json_members(m[i].sub, m[i].nsub));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *json_layouts(const struct profile *p, const struct dw_info *di)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < p->ntypes; i++) {
		struct layout_match m;
		json_t *o, *vars = json_array();

		layout_match(di, &p->types[i], &m);
		o = json_pack("{s:s}", "type", p->types[i].name);
		if (m.s) {
			json_object_set_new(o, "struct", json_string(m.s->name));
			json_object_set_new(o, "size", json_integer(m.s->size));
			json_object_set_new(o, "matched_by", json_string(m.how));
			json_object_set_new(o, "members", json_members(m.s->members, m.s->nmembers));
		} else {
			json_object_set_new(o, "struct", json_null());
		}
		for (size_t v = 0; v < m.nvariants; v++)
			json_array_append_new(vars, json_pack("{s:s, s:I}", "struct",
				m.variants[v]->name, "size", (json_int_t)m.variants[v]->size));
		json_object_set_new(o, "variants", vars);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *opt_int(int64_t v)
{
	return v == PROF_UNKNOWN ? json_null() : json_integer(v);
}

int report_json(FILE *f, const char *path, const struct profile *p,
		const struct advice *a, const struct dw_info *di)
{
	json_t *root = json_object(), *arr = json_array();
	int ret;

	json_object_set_new(root, "profile", json_string(path));
	json_object_set_new(root, "alloc_model", json_string("fut_alloc_bytes"));
	for (size_t i = 0; i < a->n; i++) {
		const struct suggestion *g = &a->sug[i];
		json_t *o = json_object();

		json_object_set_new(o, "kind", json_string(sug_kind_name(g->kind)));
		json_object_set_new(o, "type", json_string(g->type->name));
		json_object_set_new(o, "slot", json_string(g->slot->name));
		json_object_set_new(o, "child", json_string(g->slot->child));
		json_object_set_new(o, "mode", json_string(g->slot->boxed ? "boxed" : "inline"));
		json_object_set_new(o, "slot_bytes", json_integer(g->slot->size));
		json_object_set_new(o, "state_size", json_integer(g->type->state_size));
		json_object_set_new(o, "tasks", json_integer(g->type->instances));
		json_object_set_new(o, "entered", json_integer(g->slot->entered));
		json_object_set_new(o, "entered_share", json_real(g->entered_share));
		json_object_set_new(o, "peak_tasks", json_integer(g->type->peak_live));
		json_object_set_new(o, "peak_active", json_integer(g->peak_active));
		json_object_set_new(o, "occupancy", json_real(g->occupancy));
		json_object_set_new(o, "occupancy_source", json_string(occ_source_name(g->occ_source)));
		json_object_set_new(o, "allocs_per_task", json_real(g->allocs_per_task));
		json_object_set_new(o, "allocs_per_entering_task", json_real(g->allocs_per_entering));
		json_object_set_new(o, "allocs_per_task_after", json_real(g->allocs_per_task_after));
		json_object_set_new(o, "task_alloc_bytes", json_integer(g->task_alloc));
		json_object_set_new(o, "task_alloc_bytes_after", json_integer(g->task_alloc_after));
		json_object_set_new(o, "box_alloc_bytes", json_integer(g->box_alloc));
		json_object_set_new(o, "saved_basis", json_string(saved_basis_name(g->saved_basis)));
		json_object_set_new(o, "held_bytes_per_task", json_integer(g->held_per_task));
		json_object_set_new(o, "saved_per_task", json_integer(g->saved_per_task));
		if (g->kind == SUG_BOX)
			json_object_set_new(o, "saved_per_task_slot_formula",
					    json_integer(g->saved_per_task_issue));
		json_object_set_new(o, "saved_at_peak", json_integer(g->saved_at_peak));
		json_object_set_new(o, "measured_bytes_per_task", opt_int(g->measured_per_task));
		json_object_set_new(o, "predicted_bytes_per_task", opt_int(g->predicted_per_task));
		json_object_set_new(o, "predicted_idle_bytes_per_task", opt_int(g->predicted_idle_per_task));
		json_object_set_new(o, "await_site", g->slot->site ? json_string(g->slot->site) : json_null());
		json_object_set_new(o, "alloc_share", g->alloc_share >= 0 ? json_real(g->alloc_share) : json_null());
		json_object_set_new(o, "fix_await", json_string(g->fix_await));
		json_object_set_new(o, "fix_slot", json_string(g->fix_slot));
		json_object_set_new(o, "why", json_string(g->why));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "suggestions", arr);
	if (di)
		json_object_set_new(root, "layouts", json_layouts(p, di));
	ret = json_dumpf(root, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(root);
	return ret;
}
