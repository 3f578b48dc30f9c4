/* SPDX-License-Identifier: GPL-2.0-only */
/* The session's own state: for session*.c only. */
#ifndef IAG_SESSION_INT_H
#define IAG_SESSION_INT_H

#include <stdbool.h>

#include "iag.skel.h"
#include "session.h"

struct iag_session {
	struct iag_bpf *skel;
	struct ring_buffer *rb;
	enum iag_mode mode;
	int tp_gen;		/* tracepoint mode: which series' programs */
	bool enforce;
	bool no_trampolines;	/* fentry/fexit refused: kprobe pairs only */
	iag_event_fn fn;
	void *fn_ctx;
	int fn_err;
	unsigned long bad_records;
};

void iag_session_detach(struct iag_session *s);

#endif
