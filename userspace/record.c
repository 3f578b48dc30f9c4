// SPDX-License-Identifier: GPL-2.0-only
/* The JSON event record: struct iag_record <-> JSON, names of the enums. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "record.h"
#include "util.h"

static const char *const kind_names[IAG_KIND_MAX] = { IAG_KINDS(IAG_NAME) };
static const char *const verdict_names[IAG_VERDICT_MAX] = { IAG_VERDICTS(IAG_NAME) };
static const char *const cb_names[IAG_CB_MAX] = { IAG_CALLBACKS(IAG_NAME) };
static const char *const state_names[IAG_STATE_MAX] = { IAG_STATES(IAG_NAME) };
static const char *const counter_names[IAG_CNT_MAX] = { IAG_COUNTERS(IAG_NAME) };
static const char *const recovery_names[IAG_RECOVERY_MAX] = { IAG_RECOVERIES(IAG_NAME) };

const char *iag_kind_name(int k) { return IAG_NAME_OF(kind_names, k); }
const char *iag_verdict_name(int v) { return IAG_NAME_OF(verdict_names, v); }
const char *iag_callback_name(int c) { return IAG_NAME_OF(cb_names, c); }
const char *iag_state_name(int s) { return IAG_NAME_OF(state_names, s); }
const char *iag_counter_name(int c) { return IAG_NAME_OF(counter_names, c); }
const char *iag_recovery_name(int h) { return IAG_NAME_OF(recovery_names, h); }

int iag_kind_from_name(const char *s) { return IAG_NAME_INDEX(kind_names, s); }
int iag_verdict_from_name(const char *s) { return IAG_NAME_INDEX(verdict_names, s); }
int iag_callback_from_name(const char *s) { return IAG_NAME_INDEX(cb_names, s); }
int iag_state_from_name(const char *s) { return IAG_NAME_INDEX(state_names, s); }
int iag_recovery_from_name(const char *s) { return IAG_NAME_INDEX(recovery_names, s); }

void iag_record_init(struct iag_record *r)
{
	memset(r, 0, sizeof(*r));
	r->adapter = -1;
	r->addr = -1;
	r->callback = IAG_CB_UNKNOWN;
	r->system_state = -1;
	r->irqs_disabled = -1;
	r->preempt_count = -1;
	r->rule = -1;
	r->pid = -1;
	r->flags = -1;
	r->msg_count = -1;
	r->smbus_protocol = -1;
	r->smbus_command = -1;
	r->smbus_read = -1;
	r->scl = r->sda = -1;
	r->recovery = -1;
	r->pulses = -1;
	r->count = 1;
}

/*
 * The strings a record owns besides its stack, listed once: free and copy
 * walk the same list, so a string added to the record and not here would be
 * shared by a copy and freed twice.
 */
#define RECORD_STRINGS(r) \
	{ &(r)->device, &(r)->driver, &(r)->sysfs, &(r)->rule_text, &(r)->comm }

void iag_record_free(struct iag_record *r)
{
	char **str[] = RECORD_STRINGS(r);

	for (size_t i = 0; i < IAG_ARRAY_SIZE(str); i++)
		free(*str[i]);
	for (size_t i = 0; i < r->n_stack; i++)
		free(r->stack[i]);
	free(r->stack);
	iag_record_init(r);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int iag_record_copy(struct iag_record *dst, const struct iag_record *src)
{
	char *const *from[] = RECORD_STRINGS(src);
	char **to[] = RECORD_STRINGS(dst);

	*dst = *src;
	for (size_t i = 0; i < IAG_ARRAY_SIZE(to); i++)
		*to[i] = dup_or_null(*from[i]);
	dst->stack = NULL;
	dst->n_stack = 0;
	if (src->n_stack) {
		dst->stack = calloc(src->n_stack, sizeof(char *));
		if (!dst->stack)
			return -ENOMEM;
		for (size_t i = 0; i < src->n_stack; i++)
			dst->stack[i] = dup_or_null(src->stack[i]);
		dst->n_stack = src->n_stack;
	}
	return 0;
}

/* ---- UTF-8 ------------------------------------------------------------ */


char *iag_utf8_sanitize(const char *s, size_t len)
{
	char *out = malloc(len * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = iag_utf8_seq((const unsigned char *)s + i, len - i);

		if (n == 0 || (n == 1 && s[i] == '\0')) {
			o += sprintf(o, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}

/* Nothing but ASCII without NUL: valid UTF-8 as it is. */
static bool plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] - 1 >= 0x7f)
			return false;
	return true;
}

json_t *iag_json_strn(const char *s, size_t len)
{
	char *t;
	json_t *j;

	if (!s)
		return json_null();
	/* Almost every string is: no copy, no second check (a storm's records). */
	if (plain_ascii(s, len))
		return json_stringn_nocheck(s, len);
	t = iag_utf8_sanitize(s, len);
	if (!t)
		return NULL;
	j = json_string(t);
	free(t);
	return j;
}

json_t *iag_json_str(const char *s)
{
	return s ? iag_json_strn(s, strlen(s)) : json_null();
}

/* ---- from the ring buffer -------------------------------------------- */

/* A bus record carries the lines, and what recovery said; no transfer. */
static void bus_from_event(struct iag_record *r, const struct iag_event *ev)
{
	r->scl = ev->scl < 0 ? -1 : ev->scl > 0;
	r->sda = ev->sda < 0 ? -1 : ev->sda > 0;
	r->flags = -1;
	if (r->kind == IAG_KIND_BUS_STUCK) {
		r->has_ret = false;
		r->recovery = ev->recovery < IAG_RECOVERY_MAX ? ev->recovery :
							       IAG_RECOVERY_UNKNOWN;
	} else {
		r->pulses = ev->pulses;
	}
}

int iag_record_from_event_fields(struct iag_record *r, const struct iag_event *ev)
{
	char comm[IAG_COMM_LEN + 1];

	iag_record_init(r);
	r->kind = ev->kind < IAG_KIND_MAX ? ev->kind : 0;
	r->verdict = ev->verdict < IAG_VERDICT_MAX ? ev->verdict : 0;
	r->has_ts = true;
	r->ts_ns = ev->ts_ns;
	r->adapter = ev->adapter;
	r->path_len = ev->path_len < IAG_MAX_PATH ? ev->path_len : IAG_MAX_PATH;
	memcpy(r->adapter_path, ev->adapter_path,
	       r->path_len * sizeof(r->adapter_path[0]));
	r->addr = ev->addr;
	r->callback = ev->callback < IAG_CB_MAX ? ev->callback : IAG_CB_UNKNOWN;
	r->system_state = ev->system_state < IAG_STATE_MAX ?
			  ev->system_state : -1;
	r->irqs_disabled = ev->irqs_disabled > 1 ? -1 : ev->irqs_disabled;
	r->preempt_count = ev->preempt_count;
	r->has_ret = true;
	r->ret = ev->ret;
	r->rule = ev->rule_id == IAG_NO_RULE ? -1 : (long)ev->rule_id;
	r->pid = ev->pid;
	r->flags = ev->flags;
	if (iag_kind_is_bus(r->kind)) {
		bus_from_event(r, ev);
	} else if (ev->is_smbus) {
		r->smbus_protocol = ev->smbus_protocol;
		r->smbus_command = ev->smbus_command;
		r->smbus_read = ev->smbus_read;
	} else {
		r->msg_count = ev->msg_count;
	}
	memcpy(comm, ev->comm, IAG_COMM_LEN);
	comm[IAG_COMM_LEN] = '\0';
	r->comm = strdup(comm);
	return r->comm ? 0 : -ENOMEM;
}

int iag_record_from_event(struct iag_record *r, const struct iag_event *ev)
{
	size_t n = ev->stack_len < IAG_MAX_STACK ? ev->stack_len : IAG_MAX_STACK;

	if (iag_record_from_event_fields(r, ev))
		return -ENOMEM;
	if (!n)
		return 0;
	r->stack = calloc(n, sizeof(char *));
	if (!r->stack)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (asprintf(&r->stack[i], "0x%llx", (unsigned long long)ev->stack[i]) < 0)
			return -ENOMEM;
		r->n_stack++;
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------- */

/* @k is one of this file's literal ASCII keys: not checked again. */
static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new_nocheck(o, k, v ? v : json_null());
}

static json_t *int_or_null(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* The frames as strings: "0xffff..." or, once symbolized, "func+0x1c". */
static json_t *stack_json(const struct iag_record *r)
{
	json_t *st = json_array();

	for (size_t i = 0; st && i < r->n_stack; i++)
		json_array_append_new(st, iag_json_str(r->stack[i]));
	return st;
}

/* What iag_record_head_json() says of @r into @o (what same_head() in live_splice.c compares). */
static void head_json(json_t *o, const struct iag_record *r)
{
	json_t *path = json_array();

	set(o, "kind", iag_json_str(iag_kind_name(r->kind) ?
				    iag_kind_name(r->kind) : "unknown"));
	set(o, "verdict", iag_json_str(iag_verdict_name(r->verdict)));
	set(o, "adapter", int_or_null(r->adapter));
	for (size_t i = 0; path && i < r->path_len; i++)
		json_array_append_new(path, json_integer(r->adapter_path[i]));
	set(o, "adapter_path", path);
	set(o, "addr", int_or_null(r->addr));
	set(o, "device", iag_json_str(r->device));
	set(o, "driver", iag_json_str(r->driver));
	set(o, "sysfs", iag_json_str(r->sysfs));
	set(o, "callback", iag_json_str(iag_callback_name(r->callback) ?
					iag_callback_name(r->callback) :
					"unknown"));
	set(o, "system_state", iag_json_str(iag_state_name(r->system_state)));
	set(o, "irqs_disabled", r->irqs_disabled < 0 ? json_null() :
			       json_boolean(r->irqs_disabled));
	set(o, "preempt_count", int_or_null(r->preempt_count));
	set(o, "ret", r->has_ret ? json_integer(r->ret) : json_null());
	set(o, "rule", int_or_null(r->rule));
	if (r->rule_text)
		set(o, "rule_text", iag_json_str(r->rule_text));
}

/* What iag_record_tail_json() says of @r into @o: the transfer, or the bus. */
static void tail_json(json_t *o, const struct iag_record *r)
{
	if (r->flags >= 0)
		set(o, "flags", json_integer(r->flags));
	if (r->smbus_protocol >= 0) {
		set(o, "smbus_protocol", json_integer(r->smbus_protocol));
		set(o, "smbus_command", int_or_null(r->smbus_command));
		if (r->smbus_read >= 0)
			set(o, "smbus_read", json_boolean(r->smbus_read));
	}
	if (r->msg_count >= 0)
		set(o, "msg_count", json_integer(r->msg_count));
	if (iag_kind_is_bus(r->kind)) {
		set(o, "scl", json_integer(r->scl));
		set(o, "sda", json_integer(r->sda));
	}
	if (r->kind == IAG_KIND_BUS_STUCK)
		set(o, "recovery", iag_json_str(iag_recovery_name(r->recovery) ?
						iag_recovery_name(r->recovery) : "unknown"));
	if (r->kind == IAG_KIND_BUS_RECOVERY)
		set(o, "pulses", int_or_null(r->pulses));
}

bool iag_record_has_tail(const struct iag_record *r)
{
	return r->flags >= 0 || r->smbus_protocol >= 0 || r->msg_count >= 0 ||
	       iag_kind_is_bus(r->kind);
}

json_t *iag_record_tail_json(const struct iag_record *r)
{
	json_t *o = json_object();

	if (o)
		tail_json(o, r);
	return o;
}

json_t *iag_record_head_json(const struct iag_record *r)
{
	json_t *o = json_object();

	if (o)
		head_json(o, r);
	return o;
}

/* The members that are each record's own: its time... */
static void set_ts(json_t *o, const struct iag_record *r)
{
	if (r->has_ts)
		set(o, "ts_ns", json_integer((json_int_t)r->ts_ns));
}

/* ...its task... */
static void set_task(json_t *o, const struct iag_record *r)
{
	set(o, "comm", iag_json_str(r->comm));
	set(o, "pid", int_or_null(r->pid));
}

/* ...and the repeats it stands for. */
static void set_count(json_t *o, const struct iag_record *r)
{
	if (r->count != 1 || r->last_ts_ns) {
		set(o, "count", json_integer((json_int_t)r->count));
		set(o, "first_ts_ns", json_integer((json_int_t)r->first_ts_ns));
		set(o, "last_ts_ns", json_integer((json_int_t)r->last_ts_ns));
	}
}

json_t *iag_record_to_json_head(const struct iag_record *r, bool head)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set_ts(o, r);
	if (head)
		head_json(o, r);
	else
		set(o, "kind", json_null());
	set(o, "stack", stack_json(r));
	set_task(o, r);
	if (head)
		tail_json(o, r);
	else if (iag_record_has_tail(r))
		set(o, "flags", json_null());
	set_count(o, r);
	if (r->first_record_lost)
		set(o, "first_record_lost", json_true());
	return o;
}

void iag_record_json_own(json_t *o, const struct iag_record *r)
{
	/* Members already there keep their place: jansson replaces the value. */
	set_ts(o, r);
	set_task(o, r);
	set_count(o, r);
}

json_t *iag_record_to_json(const struct iag_record *r)
{
	return iag_record_to_json_head(r, true);
}

void iag_record_default_device(struct iag_record *r)
{
	if (r->device || r->adapter < 0 || r->addr < 0)
		return;
	if (asprintf(&r->device, "%d-%04x", r->adapter, (unsigned int)r->addr) < 0)
		r->device = NULL;
}

void iag_record_take_device(struct iag_record *r, const struct iag_record *names)
{
	if (!r->device)
		r->device = dup_or_null(names->device);
	if (!r->driver)
		r->driver = dup_or_null(names->driver);
	if (!r->sysfs)
		r->sysfs = dup_or_null(names->sysfs);
	/* The sysfs path only where the kernel saw no mux levels. */
	if (r->path_len <= 1 && names->path_len > r->path_len) {
		memcpy(r->adapter_path, names->adapter_path, names->path_len * sizeof(int));
		r->path_len = names->path_len;
	}
}

void iag_record_fill_device(struct iag_record *r, struct iag_devmodel *m)
{
	struct iag_record names;
	struct iag_devinfo di = { 0 };
	int n;

	iag_record_init(&names);	/* its strings are di's: not freed here */
	if (m && r->adapter >= 0 && r->addr >= 0 &&
	    !iag_devmodel_lookup(m, r->adapter, (unsigned int)r->addr, &di)) {
		names.device = di.name;
		names.driver = di.driver;
		names.sysfs = di.sysfs;
	}
	if (m && r->path_len <= 1 && r->adapter >= 0) {
		n = iag_dev_adapter_path(m, r->adapter, names.adapter_path, IAG_MAX_PATH);
		names.path_len = n > 0 ? (size_t)n : 0;
	}
	iag_record_take_device(r, &names);
	iag_devinfo_free(&di);
	iag_record_default_device(r);
}

static int dump_compact(const json_t *v, FILE *f)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
				JSON_ENCODE_ANY);

	if (!s)
		return -ENOMEM;
	fputs(s, f);
	free(s);
	return 0;
}

int iag_json_dump_lines(const json_t *o, FILE *f)
{
	const char *k;
	json_t *v;
	size_t n = 0, total;

	if (!json_is_object(o))
		return dump_compact(o, f) || fputc('\n', f) == EOF ? -EIO : 0;
	total = json_object_size(o);
	fputs("{\n", f);
	json_object_foreach((json_t *)o, k, v) {
		json_t *key = json_string(k);

		fputs("  ", f);
		dump_compact(key, f);
		json_decref(key);
		fputs(": ", f);
		if (json_is_array(v) && json_array_size(v)) {
			size_t i;
			json_t *e;

			fputs("[\n", f);
			json_array_foreach(v, i, e) {
				fputs("    ", f);
				dump_compact(e, f);
				fputs(i + 1 < json_array_size(v) ? ",\n" : "\n", f);
			}
			fputs("  ]", f);
		} else {
			dump_compact(v, f);
		}
		fputs(++n < total ? ",\n" : "\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

void iag_json_print(json_t *o)
{
	iag_json_dump_lines(o, stdout);
	json_decref(o);
}
