// SPDX-License-Identifier: GPL-2.0-only
/*
 * The consumer's cost per record, counted on the host (tests/bench/run.sh
 * runs it under callgrind twice, with N and 3N records: the difference
 * over 2N is what one more record costs, start-up and exit cancelled out).
 * Each record is what a storm's `audit --json --no-aggregate` writes: an
 * atomic_context_xfer violation with an 8-frame stack, through the same
 * writer (iag_live_write()) into /dev/null; time and pid change from one
 * record to the next, as they do in a storm.
 *
 *   consumer RECORDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/event_fixture.h"
#include "ksyms.h"
#include "live.h"
#include "util.h"

#define FRAMES	8

static const char ksyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81300000 T i2c_smbus_xfer\n"
	"ffffffff81400000 T storm_timer_fn\n"
	"ffffffff81500000 T __hrtimer_run_queues\n";

/* The storm's violation, as the BPF program sends it. */
static void storm_event(struct iag_event *ev)
{
	fx_event(ev, IAG_KIND_ATOMIC_CONTEXT_XFER, 0, 0x48);
	ev->verdict = IAG_VERDICT_VIOLATION;
	ev->callback = IAG_CB_NONE;
	ev->system_state = IAG_STATE_RUNNING;
	ev->preempt_count = 0x10000;
	ev->is_smbus = 1;
	ev->smbus_protocol = 2;
	ev->smbus_read = 1;
	ev->stack_len = FRAMES;
	for (unsigned int i = 0; i < FRAMES; i++)
		ev->stack[i] = 0xffffffff81300010UL + (i % 3) * 0x100000 + i;
	memcpy(ev->comm, "swapper/0", sizeof("swapper/0"));
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	char path[] = "/tmp/iag-consumer-XXXXXX";
	int fd = mkstemp(path);
	struct iag_live l;
	struct iag_event ev;

	if (fd < 0 || write(fd, ksyms_text, strlen(ksyms_text)) < 0 || close(fd)) {
		perror("consumer: symbol file");
		return 1;
	}
	if (iag_live_init(&l, "/dev/null", true, NULL) != IAG_EXIT_OK)
		return 1;
	l.ksyms = iag_ksyms_load(path);	/* a table of its own, never reloaded */
	l.ksyms_tried = true;
	l.ksyms_at = 1e12;
	l.dm_tried = true;		/* no sysfs: the device's default name */
	storm_event(&ev);
	for (long i = 0; i < n; i++) {
		ev.ts_ns = 1000000000ULL + i * 20000ULL;
		ev.pid = i & 1;
		iag_live_write(&l, &ev, NULL);
	}
	iag_live_fini(&l);
	unlink(path);
	return 0;
}
