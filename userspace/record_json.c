// SPDX-License-Identifier: GPL-2.0-only
/*
 * A record from JSON (recorded JSON Lines, a JSON report read back): every
 * field checked for its type and for the range of the kernel type it
 * carries, so that a corrupted or hostile file is refused line by line
 * rather than misread.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* One decode: the object and where to say what is wrong with it. */
struct jdec {
	const json_t *o;
	char *err;
	size_t errlen;
};

#define FAIL(j, ...) do { snprintf((j)->err, (j)->errlen, __VA_ARGS__); return -EINVAL; } while (0)

/* 0 read, 1 absent (or null), -EINVAL said in j->err. */
static int get_int(struct jdec *j, const char *k, long min, long max,
		   bool required, long *out)
{
	const json_t *v = json_object_get(j->o, k);

	if (!v || json_is_null(v)) {
		if (required)
			FAIL(j, "field '%s' is missing", k);
		return 1;
	}
	if (!json_is_integer(v))
		FAIL(j, "field '%s' must be an integer", k);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		FAIL(j, "field '%s' is out of range (%lld)", k,
		     (long long)json_integer_value(v));
	*out = (long)json_integer_value(v);
	return 0;
}

static int get_str(struct jdec *j, const char *k, char **out)
{
	const json_t *v = json_object_get(j->o, k);

	if (!v || json_is_null(v))
		return 1;
	if (!json_is_string(v))
		FAIL(j, "field '%s' must be a string", k);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

/* An enum by name (or by number where @allow_num: system_state). */
static int get_enum(struct jdec *j, const char *k, int (*from)(const char *),
		    int max, int *out, bool allow_num)
{
	const json_t *v = json_object_get(j->o, k);
	int e;

	if (!v || json_is_null(v))
		return 1;
	if (allow_num && json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) >= max)
			FAIL(j, "field '%s' is out of range", k);
		*out = (int)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		FAIL(j, "field '%s' must be a string", k);
	e = from(json_string_value(v));
	if (e < 0)
		FAIL(j, "field '%s' has an unknown value '%.40s'", k,
		     json_string_value(v));
	*out = e;
	return 0;
}

/* 0, 1 for the recorder's summary, -EINVAL. */
static int get_kind(struct jdec *j, struct iag_record *r)
{
	const json_t *v;

	if (!json_is_object(j->o))
		FAIL(j, "a record must be a JSON object");
	v = json_object_get(j->o, "kind");
	if (!v)
		FAIL(j, "field 'kind' is missing");
	if (!json_is_string(v))
		FAIL(j, "field 'kind' must be a string");
	if (!strcmp(json_string_value(v), "summary"))
		return 1;
	r->kind = iag_kind_from_name(json_string_value(v));
	if (r->kind <= 0)
		FAIL(j, "field 'kind' has an unknown value '%.40s'",
		     json_string_value(v));
	return 0;
}

static int get_where(struct jdec *j, struct iag_record *r)
{
	const json_t *v = json_object_get(j->o, "ts_ns"), *e;
	long n = 0;
	size_t i;
	int rc;

	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			FAIL(j, "field 'ts_ns' must be a non-negative integer");
		r->has_ts = true;
		r->ts_ns = (uint64_t)json_integer_value(v);
	}
	if ((rc = get_int(j, "adapter", 0, INT_MAX, true, &n)) < 0)
		return rc;
	r->adapter = (int)n;
	rc = get_int(j, "addr", 0, UINT16_MAX,
		     r->kind != IAG_KIND_ATOMIC_CONTEXT_XFER, &n);
	if (rc < 0)
		return rc;
	if (rc == 0)
		r->addr = (int)n;
	v = json_object_get(j->o, "adapter_path");
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		FAIL(j, "field 'adapter_path' must be a list");
	json_array_foreach(v, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > INT_MAX)
			FAIL(j, "field 'adapter_path' must hold adapter numbers");
		if (r->path_len < IAG_MAX_PATH)
			r->adapter_path[r->path_len++] = (int)json_integer_value(e);
	}
	return 0;
}

static int get_names(struct jdec *j, struct iag_record *r)
{
	int rc = 0;

	if ((rc = get_str(j, "device", &r->device)) < 0 ||
	    (rc = get_str(j, "driver", &r->driver)) < 0 ||
	    (rc = get_str(j, "sysfs", &r->sysfs)) < 0 ||
	    (rc = get_str(j, "comm", &r->comm)) < 0 ||
	    (rc = get_str(j, "rule_text", &r->rule_text)) < 0)
		return rc;
	return 0;
}

static int get_context(struct jdec *j, struct iag_record *r)
{
	const json_t *v;
	long n = 0;
	int rc;

	if ((rc = get_enum(j, "callback", iag_callback_from_name, IAG_CB_MAX,
			   &r->callback, false)) < 0 ||
	    (rc = get_enum(j, "system_state", iag_state_from_name,
			   IAG_STATE_MAX, &r->system_state, true)) < 0)
		return rc;
	v = json_object_get(j->o, "irqs_disabled");
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			FAIL(j, "field 'irqs_disabled' must be true, false or null");
		r->irqs_disabled = json_is_true(v);
	}
	if ((rc = get_int(j, "preempt_count", 0, UINT32_MAX, false,
			  &r->preempt_count)) < 0)
		return rc;
	rc = get_int(j, "ret", INT_MIN, INT_MAX, false, &n);
	if (rc == 0) {
		r->has_ret = true;
		r->ret = (int)n;
	}
	if (rc < 0 ||
	    (rc = get_int(j, "rule", 0, IAG_NO_RULE - 1L, false, &r->rule)) < 0 ||
	    (rc = get_int(j, "pid", 0, INT_MAX, false, &r->pid)) < 0)
		return rc;
	return 0;
}

static int get_transfer(struct jdec *j, struct iag_record *r)
{
	const json_t *v;
	long n = -1;
	int rc;

	if ((rc = get_int(j, "flags", 0, UINT16_MAX, false, &r->flags)) < 0 ||
	    (rc = get_int(j, "msg_count", 0, UINT16_MAX, false, &n)) < 0)
		return rc;
	r->msg_count = rc == 0 ? (int)n : -1;
	if ((rc = get_int(j, "smbus_protocol", 0, UINT8_MAX, false, &n)) < 0)
		return rc;
	if (rc == 0)
		r->smbus_protocol = (int)n;
	if ((rc = get_int(j, "smbus_command", 0, UINT8_MAX, false, &n)) < 0)
		return rc;
	if (rc == 0)
		r->smbus_command = (int)n;
	v = json_object_get(j->o, "smbus_read");
	if (v && json_is_boolean(v))
		r->smbus_read = json_is_true(v);
	return 0;
}

/* The lines and the recovery of a bus record; nothing for a transfer. */
static int get_bus(struct jdec *j, struct iag_record *r)
{
	long n = -1;
	int rc;

	if (!iag_kind_is_bus(r->kind))
		return 0;
	if ((rc = get_int(j, "scl", -1, 1, false, &n)) < 0)
		return rc;
	r->scl = rc == 0 ? (int)n : -1;
	if ((rc = get_int(j, "sda", -1, 1, true, &n)) < 0)
		return rc;
	r->sda = (int)n;
	if (r->kind == IAG_KIND_BUS_STUCK)
		return get_enum(j, "recovery", iag_recovery_from_name, IAG_RECOVERY_MAX,
				&r->recovery, false) < 0 ? -EINVAL : 0;
	if ((rc = get_int(j, "pulses", 0, UINT8_MAX, false, &n)) < 0)
		return rc;
	r->pulses = rc == 0 ? (int)n : -1;
	return 0;
}

static int get_stack(struct jdec *j, struct iag_record *r)
{
	const json_t *v = json_object_get(j->o, "stack"), *e;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		FAIL(j, "field 'stack' must be a list of strings");
	r->stack = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!r->stack)
		return -ENOMEM;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			FAIL(j, "field 'stack' must be a list of strings");
		r->stack[r->n_stack] = strdup(json_string_value(e));
		if (!r->stack[r->n_stack])
			return -ENOMEM;
		r->n_stack++;
	}
	return 0;
}

/* The repeats an aggregate record stands for; absent: one event. */
static int get_count(struct jdec *j, struct iag_record *r)
{
	static const char *const times[] = { "first_ts_ns", "last_ts_ns" };
	uint64_t *dst[] = { &r->first_ts_ns, &r->last_ts_ns };
	const json_t *v;
	long n = 1;
	int rc = get_int(j, "count", 1, LONG_MAX, false, &n);

	if (rc < 0)
		return rc;
	r->count = (unsigned long)n;
	for (size_t i = 0; i < 2; i++) {
		v = json_object_get(j->o, times[i]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			FAIL(j, "field '%s' must be a non-negative integer", times[i]);
		*dst[i] = (uint64_t)json_integer_value(v);
	}
	r->first_record_lost = json_is_true(json_object_get(j->o, "first_record_lost"));
	return 0;
}

int iag_record_from_json(struct iag_record *r, const json_t *o, char *err,
			 size_t errlen)
{
	struct jdec j = { .o = o, .err = err, .errlen = errlen };
	int rc;

	iag_record_init(r);
	rc = get_kind(&j, r);
	if (rc)
		return rc;
	/* in the order of the record's fields: the first error is named */
	if ((rc = get_enum(&j, "verdict", iag_verdict_from_name,
			   IAG_VERDICT_MAX, &r->verdict, false)) < 0 ||
	    (rc = get_where(&j, r)) < 0 || (rc = get_names(&j, r)) < 0 ||
	    (rc = get_context(&j, r)) < 0 || (rc = get_transfer(&j, r)) < 0 ||
	    (rc = get_bus(&j, r)) < 0 || (rc = get_stack(&j, r)) < 0 ||
	    (rc = get_count(&j, r)) < 0) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		iag_record_free(r);
		return -EINVAL;
	}
	return 0;
}
