// SPDX-License-Identifier: GPL-2.0
/* A profile names a type by its fut_type .name, usually the struct tag
 * (FUT_TYPE_DESC), but a future compiled twice under two tags (fut-server's
 * conn_inline / conn_boxed) is one name in the profile: then the struct is
 * the one whose size and slot members (name at offset) agree. */
#include <string.h>

#include "layout.h"

/* Every slot of t is a member of s at the slot's offset; with modes, an
 * inline slot is a struct member and a boxed one a pointer. */
static bool has_slots(const struct dw_struct *s, const struct prof_type *t,
		      bool check_modes)
{
	for (size_t j = 0; j < t->nslots; j++) {
		const struct prof_slot *sl = &t->slots[j];
		const struct dw_member *m = dw_member_at(s, sl->name, sl->offset);

		if (!m)
			return false;
		if (check_modes && (sl->boxed != !strcmp(m->type, "pointer")))
			return false;
	}
	return true;
}

void layout_match(const struct dw_info *di, const struct prof_type *t,
		  struct layout_match *m)
{
	memset(m, 0, sizeof(*m));
	m->s = dw_find(di, t->name);
	if (m->s && (!m->s->is_future || m->s->size > t->state_size ||
		     !has_slots(m->s, t, true)))
		m->s = NULL;	/* a struct of that name, but not this state */
	if (m->s) {
		m->how = m->s->size == t->state_size ? "name" :
			"name; the profile's state_size is larger: the type allocates a tail past the struct";
	} else {
		for (size_t i = 0; i < di->n && !m->s && t->nslots; i++) {
			const struct dw_struct *s = &di->structs[i];

			if (s->is_future && s->size <= t->state_size && has_slots(s, t, true)) {
				m->s = s;
				m->how = s->size == t->state_size ?
					"size and slot members (the profile's name is not a struct tag)" :
					"slot members and modes (the profile's name is not a struct tag; its state_size adds a tail past the struct)";
			}
		}
	}
	if (!t->nslots)
		return;
	for (size_t i = 0; i < di->n && m->nvariants < 4; i++) {
		const struct dw_struct *s = &di->structs[i];

		if (s != m->s && s->is_future && has_slots(s, t, false))
			m->variants[m->nvariants++] = s;
	}
}
