// SPDX-License-Identifier: GPL-2.0-only
/*
 * The YAML policy parser. libyaml's event API, so that every node keeps the
 * mark (line, column) it started at and every error can point at it. The
 * events are collected first (anchors, aliases, tags and extra documents are
 * refused there), then walked by a small recursive-descent validator.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmodel.h"
#include <yaml.h>

#include "policy.h"

static const char *const sel_names[IAG_SEL_MAX] = {
	[IAG_SEL_DEVICE] = "device",
	[IAG_SEL_I2C] = "i2c",
	[IAG_SEL_DRIVER] = "driver",
	[IAG_SEL_COMPATIBLE] = "compatible",
	[IAG_SEL_ADAPTER] = "adapter",
};

const char *iag_selector_name(enum iag_selector s)
{
	return (unsigned int)s < IAG_SEL_MAX ? sel_names[s] : "?";
}

const char *iag_policy_mode_name(enum iag_policy_mode m)
{
	return m == IAG_POLICY_ENFORCE ? "enforce" : "audit";
}

/* ---- diagnostics ------------------------------------------------------ */

void iag_diag_init(struct iag_diag *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "<buffer>");
}

void iag_diag_add(struct iag_diag *d, unsigned int line, unsigned int col,
		  const char *fmt, ...)
{
	va_list ap;

	d->total++;
	if (d->n >= IAG_DIAG_MAX)
		return;
	d->e[d->n].line = line;
	d->e[d->n].col = col;
	va_start(ap, fmt);
	vsnprintf(d->e[d->n].msg, sizeof(d->e[d->n].msg), fmt, ap);
	va_end(ap);
	d->n++;
}

const char *iag_diag_text(const struct iag_diag *d, size_t i, char *buf,
			  size_t len)
{
	const struct iag_diag_entry *e = &d->e[i];

	if (e->line)
		snprintf(buf, len, "%s:%u:%u: %s", d->file, e->line, e->col,
			 e->msg);
	else
		snprintf(buf, len, "%s: %s", d->file, e->msg);
	return buf;
}

void iag_diag_print(const struct iag_diag *d, FILE *f)
{
	char buf[600];

	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", iag_diag_text(d, i, buf, sizeof(buf)));
	if (d->total > d->n)
		fprintf(f, "%s: %zu more errors not shown\n", d->file,
			d->total - d->n);
}

/* ---- small helpers ---------------------------------------------------- */

int iag_parse_i2c_name(const char *s, int *bus, unsigned int *addr)
{
	const char *p = s;
	unsigned long b = 0, a = 0;
	int nd = 0;

	if (!*p || *p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		b = b * 10 + (unsigned long)(*p - '0');
		if (b > INT_MAX)
			return -EINVAL;
		p++;
	}
	if (*p++ != '-')
		return -EINVAL;
	for (; *p; p++, nd++) {
		int v;

		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -EINVAL;
		a = a * 16 + (unsigned long)v;
	}
	if (nd != 4)
		return -EINVAL;
	/* 7-bit, or the kernel's ten-bit marker 0xa000 (I2C_ADDR_OFFSET_TEN_BIT) */
	if (a > 0x7f && (a < IAG_I2C_ADDR_TEN ||
			 a > (IAG_I2C_ADDR_TEN | IAG_I2C_ADDR_MASK)))
		return -ERANGE;
	*bus = (int)b;
	*addr = (unsigned int)a;
	return 0;
}

/*
 * Find the first byte that is not UTF-8 (overlongs, surrogates and code
 * points above U+10FFFF included). Returns its offset or -1; @line/@col are
 * the 1-based position, columns counted in characters as libyaml does.
 */
static long utf8_check(const unsigned char *s, size_t len, unsigned int *line,
		       unsigned int *col)
{
	size_t i = 0;

	*line = 1;
	*col = 1;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if (c == '\n') {
				(*line)++;
				*col = 1;
			} else {
				(*col)++;
			}
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return (long)i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return (long)i;
		i += n + 1;
		(*col)++;
	}
	return -1;
}

/* ---- events ------------------------------------------------------------ */

struct pev {
	yaml_event_type_t type;
	unsigned int line, col;		/* 1-based */
	char *value;			/* scalars */
	size_t len;
	bool plain;
};

struct pctx {
	struct pev *ev;
	size_t n, cap;
	struct iag_diag *d;
	struct iag_policy *pol;
};

static int push_event(struct pctx *c, const yaml_event_t *e)
{
	struct pev *p;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pev *nv = realloc(c->ev, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		c->ev = nv;
		c->cap = cap;
	}
	p = &c->ev[c->n];
	memset(p, 0, sizeof(*p));
	p->type = e->type;
	p->line = (unsigned int)e->start_mark.line + 1;
	p->col = (unsigned int)e->start_mark.column + 1;
	if (e->type == YAML_SCALAR_EVENT) {
		p->len = e->data.scalar.length;
		p->value = malloc(p->len + 1);
		if (!p->value)
			return -ENOMEM;
		memcpy(p->value, e->data.scalar.value, p->len);
		p->value[p->len] = '\0';
		p->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	}
	c->n++;
	return 0;
}

/* Collect events; refuse what this format has no use for. */
static int collect(struct pctx *c, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t e;
	int docs = 0, ret = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		const char *anchor = NULL, *tag = NULL;
		unsigned int line, col;

		if (!yaml_parser_parse(&parser, &e)) {
			const char *prob = parser.problem ? parser.problem :
					   "syntax error";

			if (parser.context)
				iag_diag_add(c->d,
					     (unsigned int)parser.problem_mark.line + 1,
					     (unsigned int)parser.problem_mark.column + 1,
					     "YAML: %s %s", prob, parser.context);
			else
				iag_diag_add(c->d,
					     (unsigned int)parser.problem_mark.line + 1,
					     (unsigned int)parser.problem_mark.column + 1,
					     "YAML: %s", prob);
			ret = -EINVAL;
			break;
		}
		line = (unsigned int)e.start_mark.line + 1;
		col = (unsigned int)e.start_mark.column + 1;
		switch (e.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				iag_diag_add(c->d, line, col,
					     "more than one YAML document: a policy is one document");
				ret = -EINVAL;
			}
			break;
		case YAML_ALIAS_EVENT:
			iag_diag_add(c->d, line, col,
				     "aliases (*%s) are not supported: write the value out",
				     (const char *)e.data.alias.anchor);
			ret = -EINVAL;
			break;
		case YAML_SCALAR_EVENT:
			anchor = (const char *)e.data.scalar.anchor;
			tag = (const char *)e.data.scalar.tag;
			break;
		case YAML_SEQUENCE_START_EVENT:
			anchor = (const char *)e.data.sequence_start.anchor;
			tag = (const char *)e.data.sequence_start.tag;
			break;
		case YAML_MAPPING_START_EVENT:
			anchor = (const char *)e.data.mapping_start.anchor;
			tag = (const char *)e.data.mapping_start.tag;
			break;
		default:
			break;
		}
		if (anchor) {
			iag_diag_add(c->d, line, col,
				     "anchors (&%s) are not supported", anchor);
			ret = -EINVAL;
		} else if (tag) {
			iag_diag_add(c->d, line, col,
				     "tags (%s) are not supported", tag);
			ret = -EINVAL;
		}
		if (push_event(c, &e)) {
			yaml_event_delete(&e);
			ret = -ENOMEM;
			break;
		}
		if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	return ret;
}

/* Index just past the node starting at @i. */
static size_t skip_node(const struct pctx *c, size_t i)
{
	int depth = 0;

	do {
		switch (c->ev[i].type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		i++;
	} while (depth > 0 && i < c->n);
	return i;
}

static const char *node_kind(const struct pev *e)
{
	switch (e->type) {
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SCALAR_EVENT:
		return "a scalar";
	default:
		return "nothing";
	}
}

static bool is_null(const struct pev *e)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (e->type != YAML_SCALAR_EVENT || !e->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(e->value, nulls[i]))
			return true;
	return false;
}

static bool is_bool(const struct pev *e)
{
	static const char *const b[] = {
		"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
		"YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
		"y", "Y", "n", "N",
	};

	if (e->type != YAML_SCALAR_EVENT || !e->plain)
		return false;
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (!strcmp(e->value, b[i]))
			return true;
	return false;
}

/*
 * The node at @i must be a non-null string scalar. Reports and returns NULL
 * otherwise; *next is set past the node either way.
 */
static const char *want_string(struct pctx *c, size_t i, const char *what,
			       size_t *next)
{
	const struct pev *e = &c->ev[i];

	*next = skip_node(c, i);
	if (e->type != YAML_SCALAR_EVENT) {
		iag_diag_add(c->d, e->line, e->col,
			     "'%s' must be a string, not %s", what,
			     node_kind(e));
		return NULL;
	}
	if (is_null(e)) {
		iag_diag_add(c->d, e->line, e->col, "'%s' has no value", what);
		return NULL;
	}
	if (is_bool(e)) {
		iag_diag_add(c->d, e->line, e->col,
			     "'%s' must be a string, not the boolean '%s' (quote it)",
			     what, e->value);
		return NULL;
	}
	if (strlen(e->value) != e->len) {
		iag_diag_add(c->d, e->line, e->col,
			     "'%s' holds a NUL character", what);
		return NULL;
	}
	return e->value;
}

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
static size_t parse_rule(struct pctx *c, size_t i)
{
	struct pev *start = &c->ev[i];
	const struct pev *sel_key = NULL;
	struct iag_rule r;
	bool bad = false, have_reason = false;
	size_t next;

	memset(&r, 0, sizeof(r));
	r.sel = IAG_SEL_MAX;
	r.line = start->line;
	r.col = start->col;
	if (start->type != YAML_MAPPING_START_EVENT) {
		iag_diag_add(c->d, start->line, start->col,
			     "a rule must be a mapping like '- i2c: 0-0058', not %s",
			     is_null(start) ? "an empty item" : node_kind(start));
		return skip_node(c, i);
	}
	i++;
	while (i < c->n && c->ev[i].type != YAML_MAPPING_END_EVENT) {
		const struct pev *k = &c->ev[i];
		int sel = -1;

		if (k->type != YAML_SCALAR_EVENT) {
			iag_diag_add(c->d, k->line, k->col,
				     "a rule key must be a string, not %s",
				     node_kind(k));
			i = skip_node(c, skip_node(c, i));
			bad = true;
			continue;
		}
		for (int s = 0; s < IAG_SEL_MAX; s++)
			if (!strcmp(k->value, sel_names[s]))
				sel = s;
		if (sel < 0 && strcmp(k->value, "reason")) {
			iag_diag_add(c->d, k->line, k->col,
				     "unknown key '%s' in rule (expected one of device, i2c, driver, compatible, adapter, reason)",
				     k->value);
			i = skip_node(c, i + 1);
			bad = true;
			continue;
		}
		if (sel < 0) {
			const char *v;

			if (have_reason) {
				iag_diag_add(c->d, k->line, k->col,
					     "duplicate key 'reason' in rule");
				bad = true;
			}
			have_reason = true;
			v = want_string(c, i + 1, "reason", &next);
			if (!v) {
				bad = true;
			} else if (!r.reason) {
				r.reason = strdup(v);
			}
			i = next;
			continue;
		}
		if (sel_key) {
			if (!strcmp(sel_key->value, k->value))
				iag_diag_add(c->d, k->line, k->col,
					     "duplicate key '%s' in rule",
					     k->value);
			else
				iag_diag_add(c->d, k->line, k->col,
					     "a rule has exactly one selector: '%s' here, '%s' at line %u",
					     k->value, sel_key->value,
					     sel_key->line);
			i = skip_node(c, i + 1);
			bad = true;
			continue;
		}
		sel_key = k;
		{
			const struct pev *ve = &c->ev[i + 1];
			const char *v = want_string(c, i + 1, k->value, &next);
			const char *why = NULL;
			char tmp[64];

			i = next;
			if (!v) {
				bad = true;
				continue;
			}
			r.sel = (enum iag_selector)sel;
			switch (r.sel) {
			case IAG_SEL_DEVICE:
				r.value = norm_sysfs_path(v, &why);
				break;
			case IAG_SEL_I2C: {
				int rc = iag_parse_i2c_name(v, &r.adapter,
							    &r.addr);

				if (rc == -ERANGE) {
					why = "has an address out of range (7-bit 0000-007f, or 10-bit a000-a3ff)";
				} else if (rc) {
					why = "is not an I2C client name like 0-0058 (bus number, '-', 4 hex digits)";
				} else {
					snprintf(tmp, sizeof(tmp), "%d-%04x",
						 r.adapter, r.addr);
					r.value = strdup(tmp);
				}
				break;
			}
			case IAG_SEL_ADAPTER:
				if (parse_adapter_value(v, &r.adapter)) {
					why = "is not an adapter name like i2c-3";
				} else {
					snprintf(tmp, sizeof(tmp), "i2c-%d",
						 r.adapter);
					r.value = strdup(tmp);
				}
				break;
			case IAG_SEL_DRIVER:
			case IAG_SEL_COMPATIBLE:
				if (!*v)
					why = "is empty";
				else if (has_space_or_ctl(v))
					why = "holds spaces or control characters";
				else if (r.sel == IAG_SEL_DRIVER &&
					 strchr(v, '/'))
					why = "holds '/' (a driver name never does)";
				else
					r.value = strdup(v);
				break;
			default:
				break;
			}
			if (why) {
				iag_diag_add(c->d, ve->line, ve->col,
					     "%s '%.120s' %s", k->value, v,
					     why);
				bad = true;
			} else if (!r.value) {
				bad = true;
				iag_diag_add(c->d, ve->line, ve->col,
					     "out of memory");
			}
		}
	}
	if (!sel_key && !bad)
		iag_diag_add(c->d, start->line, start->col,
			     "rule has no selector: give one of device, i2c, driver, compatible, adapter");
	if (!sel_key || bad || r.sel == IAG_SEL_MAX) {
		free(r.value);
		free(r.reason);
		return i + 1;
	}
	/* duplicate rules */
	for (size_t k = 0; k < c->pol->n_rules; k++) {
		const struct iag_rule *o = &c->pol->rules[k];

		if (o->sel == r.sel && !strcmp(o->value, r.value)) {
			iag_diag_add(c->d, r.line, r.col,
				     "duplicate rule: %s %s is already allowed at line %u",
				     sel_names[r.sel], r.value, o->line);
			free(r.value);
			free(r.reason);
			return i + 1;
		}
	}
	if (c->pol->n_rules >= IAG_POLICY_MAX_RULES) {
		iag_diag_add(c->d, r.line, r.col, "too many rules (limit %d)",
			     IAG_POLICY_MAX_RULES);
		free(r.value);
		free(r.reason);
		return i + 1;
	}
	{
		struct iag_rule *nr = realloc(c->pol->rules,
					      (c->pol->n_rules + 1) * sizeof(*nr));

		if (!nr) {
			free(r.value);
			free(r.reason);
			iag_diag_add(c->d, r.line, r.col, "out of memory");
			return i + 1;
		}
		c->pol->rules = nr;
		r.id = (unsigned int)c->pol->n_rules;
		nr[c->pol->n_rules++] = r;
	}
	return i + 1;
}

static void walk(struct pctx *c)
{
	size_t i = 0;
	const struct pev *root, *mode_key = NULL, *allow_key = NULL;

	/* STREAM_START [DOCUMENT_START node DOCUMENT_END] STREAM_END */
	while (i < c->n && c->ev[i].type != YAML_DOCUMENT_START_EVENT)
		i++;
	if (i >= c->n) {
		iag_diag_add(c->d, 1, 1,
			     "the policy is empty: it needs 'mode' and 'allow'");
		return;
	}
	root = &c->ev[++i];
	if (root->type != YAML_MAPPING_START_EVENT) {
		iag_diag_add(c->d, root->line, root->col,
			     "the policy must be a mapping with 'mode' and 'allow', not %s",
			     is_null(root) ? "an empty document" : node_kind(root));
		return;
	}
	i++;
	while (i < c->n && c->ev[i].type != YAML_MAPPING_END_EVENT) {
		const struct pev *k = &c->ev[i];
		size_t next;

		if (k->type != YAML_SCALAR_EVENT) {
			iag_diag_add(c->d, k->line, k->col,
				     "a top-level key must be a string, not %s",
				     node_kind(k));
			i = skip_node(c, skip_node(c, i));
			continue;
		}
		if (!strcmp(k->value, "mode")) {
			const struct pev *ve = &c->ev[i + 1];
			const char *v;

			if (mode_key)
				iag_diag_add(c->d, k->line, k->col,
					     "duplicate key 'mode' (first at line %u)",
					     mode_key->line);
			mode_key = k;
			v = want_string(c, i + 1, "mode", &next);
			if (v && !strcmp(v, "audit"))
				c->pol->mode = IAG_POLICY_AUDIT;
			else if (v && !strcmp(v, "enforce"))
				c->pol->mode = IAG_POLICY_ENFORCE;
			else if (v)
				iag_diag_add(c->d, ve->line, ve->col,
					     "mode '%.100s' is neither 'audit' nor 'enforce'",
					     v);
			i = next;
		} else if (!strcmp(k->value, "allow")) {
			const struct pev *ve = &c->ev[i + 1];

			if (allow_key) {
				iag_diag_add(c->d, k->line, k->col,
					     "duplicate key 'allow' (first at line %u)",
					     allow_key->line);
				i = skip_node(c, i + 1);
				continue;
			}
			allow_key = k;
			if (ve->type != YAML_SEQUENCE_START_EVENT) {
				if (is_null(ve))
					iag_diag_add(c->d, ve->line, ve->col,
						     "'allow' is empty: list at least one rule");
				else
					iag_diag_add(c->d, ve->line, ve->col,
						     "'allow' must be a list of rules, not %s",
						     node_kind(ve));
				i = skip_node(c, i + 1);
				continue;
			}
			i += 2;
			if (c->ev[i].type == YAML_SEQUENCE_END_EVENT)
				iag_diag_add(c->d, ve->line, ve->col,
					     "'allow' is empty: list at least one rule");
			while (i < c->n &&
			       c->ev[i].type != YAML_SEQUENCE_END_EVENT)
				i = parse_rule(c, i);
			i++;
		} else {
			iag_diag_add(c->d, k->line, k->col,
				     "unknown key '%.100s' (expected 'mode' or 'allow')",
				     k->value);
			i = skip_node(c, i + 1);
		}
	}
	if (!allow_key)
		iag_diag_add(c->d, root->line, root->col,
			     "no 'allow' list: a policy names at least one device");
}

void iag_policy_free(struct iag_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n_rules; i++) {
		free(pol->rules[i].value);
		free(pol->rules[i].reason);
	}
	free(pol->rules);
	free(pol->path);
	free(pol);
}

#define UTF8_BOM	"\xef\xbb\xbf"

int iag_policy_parse_buf(const char *buf, size_t len, const char *name,
			 struct iag_policy **out, struct iag_diag *diag)
{
	struct pctx c = { 0 };
	unsigned int line, col;
	long bad;
	int ret;

	*out = NULL;
	iag_diag_init(diag, name);
	/* editors on some systems start UTF-8 files with a byte order mark */
	if (len >= sizeof(UTF8_BOM) - 1 && !memcmp(buf, UTF8_BOM, sizeof(UTF8_BOM) - 1)) {
		buf += sizeof(UTF8_BOM) - 1;
		len -= sizeof(UTF8_BOM) - 1;
	}
	if (len > IAG_POLICY_MAX_SIZE) {
		iag_diag_add(diag, 0, 0,
			     "policy too large (%zu bytes, limit %d): not a policy file",
			     len, IAG_POLICY_MAX_SIZE);
		return -EFBIG;
	}
	bad = utf8_check((const unsigned char *)buf, len, &line, &col);
	if (bad >= 0) {
		iag_diag_add(diag, line, col,
			     "invalid UTF-8 (byte 0x%02x): the policy must be UTF-8 text",
			     (unsigned char)buf[bad]);
		return -EINVAL;
	}
	if (memchr(buf, '\0', len)) {
		const char *z = memchr(buf, '\0', len);

		utf8_check((const unsigned char *)buf, (size_t)(z - buf),
			   &line, &col);
		iag_diag_add(diag, line, col,
			     "NUL byte: the policy must be text");
		return -EINVAL;
	}
	c.d = diag;
	c.pol = calloc(1, sizeof(*c.pol));
	if (!c.pol)
		return -ENOMEM;
	c.pol->path = strdup(name ? name : "<buffer>");
	ret = collect(&c, buf, len);
	if (!ret && !diag->n)
		walk(&c);
	for (size_t i = 0; i < c.n; i++)
		free(c.ev[i].value);
	free(c.ev);
	if (ret == -ENOMEM || !c.pol->path) {
		iag_diag_add(diag, 0, 0, "out of memory");
		iag_policy_free(c.pol);
		return -ENOMEM;
	}
	if (ret || diag->total) {
		iag_policy_free(c.pol);	/* all or nothing */
		return -EINVAL;
	}
	*out = c.pol;
	return 0;
}

int iag_policy_load(const char *path, struct iag_policy **out,
		    struct iag_diag *diag)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	iag_diag_init(diag, path);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		iag_diag_add(diag, 0, 0, "cannot open: %s", strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		iag_diag_add(diag, 0, 0, "cannot stat: %s", strerror(errno));
		close(fd);
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		iag_diag_add(diag, 0, 0, "is a directory, not a policy file");
		close(fd);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		iag_diag_add(diag, 0, 0,
			     "is not a regular file (%s): refusing to read it",
			     S_ISFIFO(st.st_mode) ? "a FIFO" :
			     S_ISSOCK(st.st_mode) ? "a socket" :
			     S_ISCHR(st.st_mode) ? "a character device" :
			     S_ISBLK(st.st_mode) ? "a block device" : "special");
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > IAG_POLICY_MAX_SIZE) {
		iag_diag_add(diag, 0, 0,
			     "policy too large (%lld bytes, limit %d bytes)",
			     (long long)st.st_size, IAG_POLICY_MAX_SIZE);
		close(fd);
		return -EFBIG;
	}
	/* read at most limit + 1: the file may grow under us */
	buf = malloc(IAG_POLICY_MAX_SIZE + 2);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, IAG_POLICY_MAX_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			iag_diag_add(diag, 0, 0, "read error: %s",
				     strerror(errno));
			free(buf);
			close(fd);
			return ret;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > IAG_POLICY_MAX_SIZE)
			break;
	}
	buf[len] = '\0';
	if (len > IAG_POLICY_MAX_SIZE) {
		close(fd);
		iag_diag_add(diag, 0, 0, "policy too large (limit %d bytes)",
			     IAG_POLICY_MAX_SIZE);
		free(buf);
		return -EFBIG;
	}
	ret = iag_policy_parse_buf(buf, len, path, out, diag);
	free(buf);
	if (!ret) {
		(*out)->has_stat = true;
		(*out)->uid = st.st_uid;
		(*out)->gid = st.st_gid;
		(*out)->st_mode = st.st_mode;
		iag_policy_trust_scan(*out, fd, path);
	}
	close(fd);
	return ret;
}

