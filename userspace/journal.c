// SPDX-License-Identifier: GPL-2.0-only
/* journald output: a JSON event record -> one structured journal entry. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION	/* CODE_FILE= etc. say nothing useful */
#include <systemd/sd-journal.h>

#include "journal.h"
#include "live.h"

#define JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define MAX_FIELDS	32

/* The record's members that become fields, in the entry's order. */
static const struct {
	const char *key;	/* JSON member */
	const char *field;	/* journal field */
} fields[] = {
	{ "kind", "KIND" }, { "verdict", "VERDICT" },
	{ "adapter", "ADAPTER" }, { "adapter_path", "ADAPTER_PATH" },
	{ "addr", "ADDR" }, { "device", "DEVICE" }, { "driver", "DRIVER" },
	{ "sysfs", "SYSFS" }, { "callback", "CALLBACK" },
	{ "system_state", "SYSTEM_STATE" }, { "irqs_disabled", "IRQS_DISABLED" },
	{ "preempt_count", "PREEMPT_COUNT" }, { "ret", "RET" },
	{ "rule", "RULE" }, { "rule_text", "RULE_TEXT" },
	{ "comm", "TRANSFER_COMM" }, { "pid", "TRANSFER_PID" },
	{ "ts_ns", "TS_NS" }, { "stack", "STACK" },
	/* bus_stuck and bus_recovery records only */
	{ "scl", "SCL" }, { "sda", "SDA" }, { "recovery", "RECOVERY" },
	{ "pulses", "PULSES" },
	/* records of repeats counted in the kernel only */
	{ "count", "COUNT" }, { "first_ts_ns", "FIRST_TS_NS" },
	{ "last_ts_ns", "LAST_TS_NS" }, { "first_record_lost", "FIRST_RECORD_LOST" },
};

/* Defined only in the static binary (static/journal_static.c). */
extern int iag_journal_static_build __attribute__((weak));

int iag_journal_probe(void)
{
	if (&iag_journal_static_build)
		return -ENOSYS;
	return access(JOURNAL_SOCKET, W_OK) ? -ENOENT : 0;
}

/* "FIELD=value" of one JSON value; NULL for null (left out) or ENOMEM. */
static char *field_text(const char *field, const char *key, const json_t *v)
{
	char *s = NULL;
	size_t i;
	const char *sep = !strcmp(key, "stack") ? "\n" : ",";

	if (json_is_string(v)) {
		if (asprintf(&s, "%s=%s", field, json_string_value(v)) < 0)
			return NULL;
	} else if (json_is_integer(v)) {
		/* Addresses read as they do everywhere else in I2C: 0x52. */
		if (asprintf(&s, !strcmp(key, "addr") ? "%s=0x%02llx" : "%s=%lld", field,
			     (long long)json_integer_value(v)) < 0)
			return NULL;
	} else if (json_is_boolean(v)) {
		if (asprintf(&s, "%s=%d", field, json_is_true(v)) < 0)
			return NULL;
	} else if (json_is_array(v) && json_array_size(v)) {
		size_t len = strlen(field) + 2;
		char *p;

		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			len += (json_is_string(e) ? strlen(json_string_value(e)) : 21) + 1;
		}
		s = malloc(len);
		if (!s)
			return NULL;
		p = s + sprintf(s, "%s=", field);
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			if (i)
				p += sprintf(p, "%s", sep);
			if (json_is_string(e))
				p += sprintf(p, "%s", json_string_value(e));
			else
				p += sprintf(p, "%lld", (long long)json_integer_value(e));
		}
	}
	return s;
}

static const char *str_member(const json_t *rec, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : dflt;
}

static long long int_member(const json_t *rec, const char *key)
{
	return (long long)json_integer_value(json_object_get(rec, key));
}

/* A stuck bus is no transfer: its lines, and the recovery tried or not. */
static char *bus_message(const json_t *rec, bool stuck)
{
	char *s;
	int r;

	if (stuck)
		r = asprintf(&s, "MESSAGE=bus stuck on i2c-%lld addr 0x%02llx (scl=%lld sda=%lld), recovery: %s, system state %s",
			     int_member(rec, "adapter"), int_member(rec, "addr"),
			     int_member(rec, "scl"), int_member(rec, "sda"),
			     str_member(rec, "recovery", "?"), str_member(rec, "system_state", "?"));
	else
		r = asprintf(&s, "MESSAGE=bus recovery on i2c-%lld addr 0x%02llx: ret %lld after %lld pulses, scl=%lld sda=%lld: %s",
			     int_member(rec, "adapter"), int_member(rec, "addr"),
			     int_member(rec, "ret"), int_member(rec, "pulses"),
			     int_member(rec, "scl"), int_member(rec, "sda"),
			     int_member(rec, "ret") ? "still stuck" : "recovered");
	return r < 0 ? NULL : s;
}

/* MESSAGE=: what a person reads in `journalctl` without -o verbose. */
static char *message_text(const json_t *rec)
{
	const json_t *addr = json_object_get(rec, "addr");
	const json_t *adap = json_object_get(rec, "adapter");
	const char *kind = str_member(rec, "kind", "?");
	char *s;

	if (!strcmp(kind, "bus_stuck") || !strcmp(kind, "bus_recovery"))
		return bus_message(rec, !strcmp(kind, "bus_stuck"));
	if (asprintf(&s, "MESSAGE=%s: %s by %s (driver %s) on i2c-%lld addr 0x%02llx, system state %s",
		     str_member(rec, "verdict", "?"), str_member(rec, "kind", "?"),
		     str_member(rec, "device", "?"), str_member(rec, "driver", "none"),
		     (long long)json_integer_value(adap), (long long)json_integer_value(addr),
		     str_member(rec, "system_state", "?")) < 0)
		return NULL;
	return s;
}

int iag_journal_send_record(const json_t *rec)
{
	char *text[MAX_FIELDS + 4] = { 0 };
	struct iovec iov[MAX_FIELDS + 4];
	const char *verdict = str_member(rec, "verdict", "");
	/* A recovery that freed the bus is good news, as an allowed transfer. */
	bool fine = !strcmp(verdict, "allowed") ||
		    (!strcmp(str_member(rec, "kind", ""), "bus_recovery") &&
		     !int_member(rec, "ret"));
	int prio = fine ? LOG_INFO : LOG_WARNING;
	size_t i, n = 0;
	int ret;

	text[n++] = message_text(rec);
	if (asprintf(&text[n++], "PRIORITY=%d", prio) < 0)
		text[n - 1] = NULL;
	text[n++] = strdup("SYSLOG_IDENTIFIER=i2c-atomic-guard");
	text[n++] = strdup("MESSAGE_ID=" IAG_JOURNAL_MESSAGE_ID);
	for (i = 0; i < n; i++)
		if (!text[i]) {
			ret = -ENOMEM;
			goto out;
		}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const json_t *v = json_object_get(rec, fields[i].key);

		if (v && (text[n] = field_text(fields[i].field, fields[i].key, v)))
			n++;
	}
	for (i = 0; i < n; i++)
		iov[i] = (struct iovec){ .iov_base = text[i], .iov_len = strlen(text[i]) };
	ret = sd_journal_sendv(iov, (int)n);
out:
	for (i = 0; i < n; i++)
		free(text[i]);
	return ret;
}
