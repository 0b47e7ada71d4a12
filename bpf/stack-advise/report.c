// SPDX-License-Identifier: GPL-2.0
#include <jansson.h>

#include "common/json_text.h"
#include "report.h"

static const char *where(const struct sa_sym *s, char *buf, size_t len)
{
	if (s->file[0])
		snprintf(buf, len, "%s:%d", s->file, s->line);
	else
		snprintf(buf, len, "%s (no debug info)", s->object);
	return buf;
}

/* "class 'mariadbd', 48 threads reserving 302656-303104 bytes", or
 * "class 'worker' (start routine), ..." */
static const char *class_text(const struct sa_class *k, char *buf, size_t len)
{
	char range[64];

	if (k->main_thread) {
		snprintf(buf, len, "the main thread '%s'", k->name);
		return buf;
	}
	if (k->reserve_min == k->reserve_max)
		snprintf(range, sizeof(range), "%llu", (unsigned long long)k->reserve_min);
	else
		snprintf(range, sizeof(range), "%llu-%llu", (unsigned long long)k->reserve_min,
			 (unsigned long long)k->reserve_max);
	snprintf(buf, len, "class '%.250s'%s, %llu threads reserving %s bytes",
		 k->routine[0] ? k->routine : k->name,
		 k->routine[0] ? " (start routine)" : "",
		 (unsigned long long)k->threads_all, range);
	return buf;
}

static void text_sug(FILE *f, size_t i, const struct sa_report_ctx *c,
		     const struct sa_result *r, const struct sa_suggestion *g)
{
	char loc[400], cls[400];

	class_text(&r->classes[g->cls], cls, sizeof(cls));
	if (g->action == SA_STACK_SIZE) {
		fprintf(f, "%zu. stack size for %s: %llu bytes\n"
			"   set it with pthread_attr_setstacksize(&attr, %llu) where the threads are made, or with the program's own stack-size setting\n"
			"   the deepest stack seen in the class is %llu bytes: a floor, not a safe bound (a path not taken while watched, or recursion the program bounds by its stack size, can go deeper)\n"
			"   address space saved: %llu bytes; RSS saved: %llu bytes (every page touched stays)\n",
			i + 1, cls, (unsigned long long)g->stack_size,
			(unsigned long long)g->stack_size, (unsigned long long)g->max_depth,
			(unsigned long long)g->reserve_saved, (unsigned long long)g->rss_saved);
		return;
	}
	fprintf(f, "%zu. %s %s at %s%s%s\n", i + 1, sa_action_name(g->action),
		g->func->sym.function, where(&g->func->sym, loc, sizeof(loc)),
		g->func->touched_in[0] ? ", pages written by " : "", g->func->touched_in);
	fprintf(f, "   in %s: %llu of the %llu that touched a stack page while attached (%.1f%%) deepened their stack here by %.1f pages (%.0f bytes) each; %llu bytes kept resident\n",
		cls, (unsigned long long)g->threads,
		(unsigned long long)r->classes[g->cls].threads, 100 * g->threads_share,
		g->pages_per_thread, g->pages_per_thread * c->page_size,
		(unsigned long long)g->resident_bytes);
	if (g->action == SA_SEGMENT)
		fprintf(f, "   fix: move this frame's large locals to the heap (malloc/free around their use), or run the call on its own stack or thread: %.0f bytes released per such thread, %llu in total\n",
			g->pages_per_thread * c->page_size,
			(unsigned long long)g->bytes_released);
	else
		fprintf(f, "   keep: more than %.0f%% of the class's threads need this depth; moving it would cost every one of them an allocation\n",
			100 * SA_SEGMENT_MAX_SHARE);
}

void sa_report_text(FILE *f, const struct sa_report_ctx *c, const struct sa_result *r)
{
	char loc[400];

	fprintf(f, "stack-advise: %s: %llu threads, %llu first-touch stack faults, deepest stack %llu bytes\n",
		c->target, (unsigned long long)r->threads,
		(unsigned long long)c->counters.faults, (unsigned long long)r->max_depth);
	if (c->attached_late)
		fprintf(f, "note: attached to a running process: stack pages touched before are not attributed (later growth of its threads is)\n");
	if (c->at_attach.threads)
		fprintf(f, "stacks at attach: %llu threads, %llu bytes resident, deepest %llu bytes (predates attach: owner unknown)\n",
			(unsigned long long)c->at_attach.threads,
			(unsigned long long)c->at_attach.resident_bytes,
			(unsigned long long)c->at_attach.deepest);
	if (c->counters.sites_dropped)
		fprintf(f, "warning: %llu faults not counted: the site map was full\n",
			(unsigned long long)c->counters.sites_dropped);
	/* One table per class; the function last: C++ names are longer
	 * than any column. */
	for (size_t k = 0; k < r->nclasses; k++) {
		char cls[400];

		fprintf(f, "\n%s, deepest %llu bytes\n%8s %7s %10s %12s  %s  (%s)\n",
			class_text(&r->classes[k], cls, sizeof(cls)),
			(unsigned long long)r->classes[k].max_depth, "threads", "share",
			"pages/thr", "resident", "function", "where");
		if (r->classes[k].attach_threads)
			fprintf(f, "%8llu %7s %10s %12llu  predates attach: owner unknown\n",
				(unsigned long long)r->classes[k].attach_threads, "", "",
				(unsigned long long)r->classes[k].attach_resident);
		for (size_t i = 0; i < r->nfuncs; i++) {
			const struct sa_func *fn = &r->funcs[i];

			if (fn->cls != k)
				continue;
			fprintf(f, "%8llu %6.1f%% %10.1f %12llu  %s  (%s)\n",
				(unsigned long long)fn->threads,
				100.0 * fn->threads / r->classes[k].threads,
				fn->threads ? (double)fn->pages / fn->threads : 0,
				(unsigned long long)(fn->pages * c->page_size),
				fn->sym.function, where(&fn->sym, loc, sizeof(loc)));
		}
	}
	if (!r->nsug)
		fprintf(f, "\nno stack page was first touched while attached: nothing to suggest\n");
	else
		fputc('\n', f);
	for (size_t i = 0; i < r->nsug; i++)
		text_sug(f, i, c, r, &r->sug[i]);
}

static json_t *json_class(const struct sa_class *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_text(k->name));
	json_object_set_new(o, "start_routine", k->routine[0] ? json_text(k->routine) : json_null());
	json_object_set_new(o, "main_thread", json_boolean(k->main_thread));
	json_object_set_new(o, "threads", json_integer(k->threads));
	json_object_set_new(o, "threads_all", json_integer(k->threads_all));
	json_object_set_new(o, "attach_threads", json_integer(k->attach_threads));
	json_object_set_new(o, "attach_resident_bytes", json_integer(k->attach_resident));
	json_object_set_new(o, "reserve_min", json_integer(k->reserve_min));
	json_object_set_new(o, "reserve_max", json_integer(k->reserve_max));
	json_object_set_new(o, "max_depth", json_integer(k->max_depth));
	return o;
}

static json_t *json_sug(const struct sa_result *r, const struct sa_suggestion *g)
{
	json_t *o = json_object();
	const struct sa_sym *s = g->func ? &g->func->sym : NULL;

	json_object_set_new(o, "action", json_string(sa_action_name(g->action)));
	json_object_set_new(o, "function", s ? json_text(s->function) : json_null());
	json_object_set_new(o, "file", s && s->file[0] ? json_text(s->file) : json_null());
	json_object_set_new(o, "line", s && s->line ? json_integer(s->line) : json_null());
	json_object_set_new(o, "object", s ? json_text(s->object) : json_null());
	if (g->func && g->func->touched_in[0])
		json_object_set_new(o, "touched_in", json_text(g->func->touched_in));
	json_object_set_new(o, "class", json_integer(g->cls));
	json_object_set_new(o, "class_name", json_text(r->classes[g->cls].name));
	json_object_set_new(o, "class_start_routine", r->classes[g->cls].routine[0] ?
			    json_text(r->classes[g->cls].routine) : json_null());
	json_object_set_new(o, "threads", json_integer(g->threads));
	json_object_set_new(o, "threads_share", json_real(g->threads_share));
	json_object_set_new(o, "pages_per_thread", json_real(g->pages_per_thread));
	json_object_set_new(o, "bytes_released", json_integer(g->bytes_released));
	json_object_set_new(o, "resident_bytes", json_integer(g->resident_bytes));
	if (g->action == SA_STACK_SIZE) {
		json_object_set_new(o, "stack_size", json_integer(g->stack_size));
		json_object_set_new(o, "reserve_now", json_integer(g->reserve_now));
		json_object_set_new(o, "reserve_saved", json_integer(g->reserve_saved));
		json_object_set_new(o, "rss_saved", json_integer(g->rss_saved));
		json_object_set_new(o, "max_depth", json_integer(g->max_depth));
	}
	return o;
}

int sa_report_json(FILE *f, const struct sa_report_ctx *c, const struct sa_result *r)
{
	json_t *root = json_object(), *arr = json_array(), *classes = json_array(), *at;
	int ret;

	json_object_set_new(root, "target", json_text(c->target));
	json_object_set_new(root, "threads", json_integer(r->threads));
	json_object_set_new(root, "page_size", json_integer(c->page_size));
	json_object_set_new(root, "attached_late", json_boolean(c->attached_late));
	json_object_set_new(root, "faults", json_integer(c->counters.faults));
	json_object_set_new(root, "faults_dropped", json_integer(c->counters.sites_dropped));
	json_object_set_new(root, "max_depth", json_integer(r->max_depth));
	at = json_object();
	json_object_set_new(at, "threads", json_integer(c->at_attach.threads));
	json_object_set_new(at, "resident_bytes", json_integer(c->at_attach.resident_bytes));
	json_object_set_new(at, "deepest", json_integer(c->at_attach.deepest));
	json_object_set_new(root, "stacks_at_attach", at);
	for (size_t i = 0; i < r->nsug; i++)
		json_array_append_new(arr, json_sug(r, &r->sug[i]));
	for (size_t k = 0; k < r->nclasses; k++)
		json_array_append_new(classes, json_class(&r->classes[k]));
	json_object_set_new(root, "classes", classes);
	json_object_set_new(root, "suggestions", arr);
	ret = json_dumpf(root, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(root);
	return ret;
}
