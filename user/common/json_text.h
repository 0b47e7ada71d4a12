/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_JSON_TEXT_H
#define STACKLAB_JSON_TEXT_H

#include <jansson.h>

/*
 * A JSON string for text from outside (a path, a symbol): jansson refuses
 * bytes that are not UTF-8, so each such byte becomes U+FFFD instead of the
 * key being lost.  NULL only when out of memory, or s is NULL.
 */
json_t *json_text(const char *s);

#endif
