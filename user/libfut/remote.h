/* SPDX-License-Identifier: GPL-2.0 */
/* libfut remote wakes: MSG_RING or a queue and the eventfd (remote.c). */
#ifndef LIBFUT_REMOTE_H
#define LIBFUT_REMOTE_H

#include <stdint.h>

struct fut_exec;

/* A MSG_RING CQE's user_data has REMOTE_UD and the task's index; its res
 * is the generation. */
#define REMOTE_UD (1ull << 63)
void remote_setup(struct fut_exec *ex);
void remote_quiesce(struct fut_exec *ex);
void remote_teardown(struct fut_exec *ex);
void remote_deliver(struct fut_exec *ex, uint32_t idx, uint32_t gen);
void remote_drain(struct fut_exec *ex);

#endif
