// SPDX-License-Identifier: GPL-2.0-only
/*
 * One rule of the policy's 'allow' list: exactly one selector (device,
 * i2c, driver, compatible, adapter) with a value that is checked and
 * normalized here, an optional reason; duplicates and the rule limit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "policy.h"
#include "policy_parse.h"

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool has_space_or_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Normalize a /sys path: collapse "//", drop a trailing "/". */
static char *norm_sysfs_path(const char *v, const char **why)
{
	size_t n = strlen(v);
	char *out, *o;

	if (v[0] != '/') {
		*why = "must be an absolute sysfs path (/sys/...)";
		return NULL;
	}
	if (n >= PATH_MAX) {
		*why = "is too long for a path";
		return NULL;
	}
	if (has_ctl(v)) {
		*why = "holds control characters";
		return NULL;
	}
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = v; *p; p++) {
		if (*p == '/' && o > out && o[-1] == '/')
			continue;
		*o++ = *p;
	}
	if (o > out + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	if (strncmp(out, "/sys/", 5) || !out[5]) {
		*why = "must be a path under /sys";
		free(out);
		return NULL;
	}
	/* no "." or ".." components: name the device, don't walk */
	for (const char *p = out; (p = strchr(p, '/')); p++) {
		if ((p[1] == '.' && (p[2] == '/' || !p[2])) ||
		    (p[1] == '.' && p[2] == '.' && (p[3] == '/' || !p[3]))) {
			*why = "must not contain '.' or '..' components";
			free(out);
			return NULL;
		}
	}
	return out;
}

static int parse_adapter_value(const char *v, int *nr)
{
	const char *p = v;
	unsigned long n = 0;

	if (!strncmp(p, "i2c-", 4))
		p += 4;
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > INT_MAX)
			return -EINVAL;
	}
	*nr = (int)n;
	return 0;
}

/* One rule: a mapping with exactly one selector and an optional reason. */
/* Check and normalize a selector's value into r->value; why it is bad. */
static const char *selector_value(struct iag_rule *r, const char *v)
{
	char tmp[64];
	int rc;

	switch (r->sel) {
	case IAG_SEL_DEVICE: {
		const char *why = NULL;

		r->value = norm_sysfs_path(v, &why);
		return why;
	}
	case IAG_SEL_I2C:
		rc = iag_parse_i2c_name(v, &r->adapter, &r->addr);
		if (rc == -ERANGE)
			return "has an address out of range (7-bit 0000-007f, or 10-bit a000-a3ff)";
		if (rc)
			return "is not an I2C client name like 0-0058 (bus number, '-', 4 hex digits)";
		snprintf(tmp, sizeof(tmp), "%d-%04x", r->adapter, r->addr);
		break;
	case IAG_SEL_ADAPTER:
		if (parse_adapter_value(v, &r->adapter))
			return "is not an adapter name like i2c-3";
		snprintf(tmp, sizeof(tmp), "i2c-%d", r->adapter);
		break;
	case IAG_SEL_DRIVER:
	case IAG_SEL_COMPATIBLE:
		if (!*v)
			return "is empty";
		if (has_space_or_ctl(v))
			return "holds spaces or control characters";
		if (r->sel == IAG_SEL_DRIVER && strchr(v, '/'))
			return "holds '/' (a driver name never does)";
		r->value = strdup(v);
		return NULL;
	default:
		return NULL;
	}
	r->value = strdup(tmp);
	return NULL;
}

/* What a rule's keys said so far. */
struct rule_state {
	struct iag_rule r;
	const struct pev *sel_key;
	bool bad, have_reason;
};

static size_t reason_key(struct pctx *c, size_t i, struct rule_state *st)
{
	const struct pev *k = &c->ev[i];
	size_t next;
	const char *v;

	if (st->have_reason) {
		iag_diag_add(c->d, k->line, k->col, "duplicate key 'reason' in rule");
		st->bad = true;
	}
	st->have_reason = true;
	v = pp_want_string(c, i + 1, "reason", &next);
	if (!v)
		st->bad = true;
	else if (!st->r.reason)
		st->r.reason = strdup(v);
	return next;
}

static size_t selector_key(struct pctx *c, size_t i, int sel,
			   struct rule_state *st)
{
	const struct pev *k = &c->ev[i], *ve = &c->ev[i + 1];
	const char *v, *why;
	size_t next;

	if (st->sel_key) {
		if (!strcmp(st->sel_key->value, k->value))
			iag_diag_add(c->d, k->line, k->col,
				     "duplicate key '%s' in rule", k->value);
		else
			iag_diag_add(c->d, k->line, k->col,
				     "a rule has exactly one selector: '%s' here, '%s' at line %u",
				     k->value, st->sel_key->value, st->sel_key->line);
		st->bad = true;
		return pp_skip_node(c, i + 1);
	}
	st->sel_key = k;
	v = pp_want_string(c, i + 1, k->value, &next);
	if (!v) {
		st->bad = true;
		return next;
	}
	st->r.sel = (enum iag_selector)sel;
	why = selector_value(&st->r, v);
	if (why) {
		iag_diag_add(c->d, ve->line, ve->col, "%s '%.120s' %s",
			     k->value, v, why);
		st->bad = true;
	} else if (!st->r.value) {
		iag_diag_add(c->d, ve->line, ve->col, "out of memory");
		st->bad = true;
	}
	return next;
}

/* One key of the rule's mapping at @i; the index past its value. */
static size_t rule_key(struct pctx *c, size_t i, struct rule_state *st)
{
	const struct pev *k = &c->ev[i];
	int sel;

	if (k->type != YAML_SCALAR_EVENT) {
		iag_diag_add(c->d, k->line, k->col,
			     "a rule key must be a string, not %s", pp_node_kind(k));
		st->bad = true;
		return pp_skip_node(c, pp_skip_node(c, i));
	}
	sel = iag_selector_from_name(k->value);
	if (sel >= 0)
		return selector_key(c, i, sel, st);
	if (!strcmp(k->value, "reason"))
		return reason_key(c, i, st);
	iag_diag_add(c->d, k->line, k->col,
		     "unknown key '%s' in rule (expected one of device, i2c, driver, compatible, adapter, reason)",
		     k->value);
	st->bad = true;
	return pp_skip_node(c, i + 1);
}

/* Append a valid rule unless it repeats one or passes the limit. */
static void add_rule(struct pctx *c, struct iag_rule *r)
{
	struct iag_rule *nr;

	for (size_t k = 0; k < c->pol->n_rules; k++) {
		const struct iag_rule *o = &c->pol->rules[k];

		if (o->sel == r->sel && !strcmp(o->value, r->value)) {
			iag_diag_add(c->d, r->line, r->col,
				     "duplicate rule: %s %s is already allowed at line %u",
				     iag_selector_name(r->sel), r->value, o->line);
			goto drop;
		}
	}
	if (c->pol->n_rules >= IAG_POLICY_MAX_RULES) {
		iag_diag_add(c->d, r->line, r->col, "too many rules (limit %d)",
			     IAG_POLICY_MAX_RULES);
		goto drop;
	}
	nr = realloc(c->pol->rules, (c->pol->n_rules + 1) * sizeof(*nr));
	if (!nr) {
		iag_diag_add(c->d, r->line, r->col, "out of memory");
		goto drop;
	}
	c->pol->rules = nr;
	r->id = (unsigned int)c->pol->n_rules;
	nr[c->pol->n_rules++] = *r;
	return;
drop:
	free(r->value);
	free(r->reason);
}

size_t pp_parse_rule(struct pctx *c, size_t i)
{
	const struct pev *start = &c->ev[i];
	struct rule_state st = {
		.r = { .sel = IAG_SEL_MAX, .line = start->line, .col = start->col },
	};

	if (start->type != YAML_MAPPING_START_EVENT) {
		iag_diag_add(c->d, start->line, start->col,
			     "a rule must be a mapping like '- i2c: 0-0058', not %s",
			     pp_is_null(start) ? "an empty item" : pp_node_kind(start));
		return pp_skip_node(c, i);
	}
	i++;
	while (i < c->n && c->ev[i].type != YAML_MAPPING_END_EVENT)
		i = rule_key(c, i, &st);
	if (!st.sel_key && !st.bad)
		iag_diag_add(c->d, start->line, start->col,
			     "rule has no selector: give one of device, i2c, driver, compatible, adapter");
	if (!st.sel_key || st.bad || st.r.sel == IAG_SEL_MAX) {
		free(st.r.value);
		free(st.r.reason);
		return i + 1;
	}
	add_rule(c, &st.r);
	return i + 1;
}
