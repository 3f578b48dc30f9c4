/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * journald output (audit --journal): one structured journal entry per
 * record, so that a fleet's existing log pipeline picks the events up.
 *
 * Fields (besides MESSAGE, PRIORITY, SYSLOG_IDENTIFIER=i2c-atomic-guard and
 * MESSAGE_ID): KIND, VERDICT, ADAPTER, ADAPTER_PATH, ADDR, DEVICE, DRIVER,
 * SYSFS, CALLBACK, SYSTEM_STATE, IRQS_DISABLED, PREEMPT_COUNT, RET, RULE,
 * RULE_TEXT, TRANSFER_COMM, TRANSFER_PID, TS_NS, STACK (one frame a line),
 * and for a record of repeats COUNT, FIRST_TS_NS, LAST_TS_NS (and
 * FIRST_RECORD_LOST):
 * the JSON record of DESIGN.md, with upper-case names. Absent values (JSON
 * null) are left out. PRIORITY is warning (4) for a violation or a denial,
 * info (6) for an allowed transfer (audit --all).
 */
#ifndef IAG_JOURNAL_H
#define IAG_JOURNAL_H

#include <jansson.h>

struct iag_live;
struct iag_event;

/* sd-id128 of every record entry (journalctl MESSAGE_ID=...). */
#define IAG_JOURNAL_MESSAGE_ID "8f3c2e6a1d7b4c0e9a5f2b6d4e1c7a93"

/*
 * 0 if entries can be sent; -ENOSYS in a build without libsystemd (the
 * static binary), -ENOENT if no journald listens here.
 */
int iag_journal_probe(void);
/* Send the entry of a JSON record. 0 or -errno. */
int iag_journal_send_record(const json_t *rec);

#endif
