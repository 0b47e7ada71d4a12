// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* The longest UTF-8 sequence, and what a byte outside one becomes. */
#define UTF8_MAX 4
#define REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid character at s, 0 if none: jansson's own check. */
static size_t valid_char_len(const char *s, size_t left)
{
	for (size_t len = 1; len <= UTF8_MAX && len <= left; len++) {
		json_t *j = json_stringn(s, len);

		if (j) {
			json_decref(j);
			return len;
		}
	}
	return 0;
}

json_t *json_text(const char *s)
{
	size_t n, out_len = 0;
	json_t *j;
	char *out;

	if (!s)
		return NULL;
	j = json_string(s);
	if (j)
		return j;
	n = strlen(s);
	out = malloc(n * (sizeof(REPLACEMENT) - 1) + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t len = valid_char_len(s + i, n - i);

		if (len) {
			memcpy(out + out_len, s + i, len);
			out_len += len;
			i += len;
		} else {
			memcpy(out + out_len, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			out_len += sizeof(REPLACEMENT) - 1;
			i++;
		}
	}
	j = json_stringn(out, out_len);
	free(out);
	return j;
}
