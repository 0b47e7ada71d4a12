/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_HTTP_RESPONSE_H
#define STACKLAB_HTTP_RESPONSE_H

/*
 * Responses, formatted the same way by both servers so that they answer
 * byte for byte alike: a fixed header set and no Date field.
 */
#include <stdbool.h>
#include <stddef.h>

/* The reason phrase of a status we send, "Unknown" otherwise. */
const char *http_reason(int status);

/*
 * Write a whole response (head, then body unless head_only) into out.
 * Returns its length, or 0 if it does not fit in cap.
 */
size_t http_format_response(char *out, size_t cap, int status,
			    bool keep_alive, bool head_only,
			    const char *body, size_t body_len);

/* An error response, always with "Connection: close". */
size_t http_format_error(char *out, size_t cap, int status);

#endif
