/* SPDX-License-Identifier: GPL-2.0-only */
/* A ring-buffer record as the BPF programs begin one, for the unit tests. */
#ifndef IAG_EVENT_FIXTURE_H
#define IAG_EVENT_FIXTURE_H

#include <string.h>
#include "../../include/i2c_atomic_guard.h"

/* A suspend-time record of @kind on @adapter/@addr by "sh", interrupts off. */
static inline void fx_event(struct iag_event *ev, int kind, int adapter, int addr)
{
	memset(ev, 0, sizeof(*ev));
	ev->abi_version = IAG_ABI_VERSION;
	ev->kind = kind;
	ev->callback = IAG_CB_UNKNOWN;
	ev->system_state = IAG_STATE_SUSPEND;
	ev->adapter = adapter;
	ev->addr = addr;
	ev->rule_id = IAG_NO_RULE;
	ev->irqs_disabled = 1;
	ev->path_len = 1;
	ev->adapter_path[0] = adapter;
	memcpy(ev->comm, "sh", 3);
}

#endif
