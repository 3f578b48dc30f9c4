// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report writers: text table, JSON, KTAP, JUnit XML, DOT. Each escapes
 * strings its own way: names from sysfs may hold spaces, quotes, newlines
 * and bytes that are not UTF-8.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "table.h"
#include "util.h"

/* ---- escaping ----------------------------------------------------------- */

enum esc_mode { ESC_TEXT, ESC_LINE, ESC_KTAP, ESC_XML, ESC_DOT };

static char *esc(const char *s, enum esc_mode mode)
{
	size_t len, cap;
	char *out, *o;
	bool quote = false;

	if (!s)
		return strdup(mode == ESC_XML || mode == ESC_DOT ? "" : "-");
	len = strlen(s);
	cap = len * 8 + 3;
	out = malloc(cap);
	if (!out)
		return NULL;
	o = out;
	if (mode == ESC_TEXT) {
		quote = !len || !strcmp(s, "-");
		for (size_t i = 0; i < len && !quote; i++)
			quote = s[i] == ' ' || s[i] == '"';
		if (quote)
			*o++ = '"';
	}
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = iag_utf8_seq((const unsigned char *)s + i, len - i);

		if (n > 1) {
			/* U+FFFE and U+FFFF are not XML characters */
			if (mode == ESC_XML && n == 3 && c == 0xef &&
			    (unsigned char)s[i + 1] == 0xbf &&
			    (unsigned char)s[i + 2] >= 0xbe) {
				o += sprintf(o, "\\u%s", (unsigned char)s[i + 2] == 0xbe ?
					     "fffe" : "ffff");
			} else {
				memcpy(o, s + i, n);
				o += n;
			}
			i += n;
			continue;
		}
		i++;
		if (n == 0 || c < 0x20 || c == 0x7f) {
			switch (mode) {
			case ESC_XML:
				if (n && (c == '\n' || c == '\t' || c == '\r')) {
					o += sprintf(o, "&#%d;", c);
					continue;
				}
				break;
			case ESC_DOT:
				if (c == '\n') {
					o += sprintf(o, "\\n");
					continue;
				}
				/* a literal backslash in the label */
				o += sprintf(o, "\\\\x%02x", c);
				continue;
			default:
				if (n && c == '\n') {
					o += sprintf(o, "\\n");
					continue;
				}
				if (n && c == '\t') {
					o += sprintf(o, "\\t");
					continue;
				}
				if (n && c == '\r') {
					o += sprintf(o, "\\r");
					continue;
				}
				break;
			}
			o += sprintf(o, "\\x%02x", c);
			continue;
		}
		switch (mode) {
		case ESC_TEXT:
		case ESC_LINE:
			if (c == '\\' || (c == '"' && quote))
				*o++ = '\\';
			*o++ = (char)c;
			break;
		case ESC_KTAP:
			if (c == '#')
				o += sprintf(o, "\\x23");
			else if (c == '\\')
				o += sprintf(o, "\\\\");
			else
				*o++ = (char)c;
			break;
		case ESC_XML:
			if (c == '&')
				o += sprintf(o, "&amp;");
			else if (c == '<')
				o += sprintf(o, "&lt;");
			else if (c == '>')
				o += sprintf(o, "&gt;");
			else if (c == '"')
				o += sprintf(o, "&quot;");
			else if (c == '\'')
				o += sprintf(o, "&apos;");
			else
				*o++ = (char)c;
			break;
		case ESC_DOT:
			if (c == '"' || c == '\\')
				*o++ = '\\';
			*o++ = (char)c;
			break;
		}
	}
	if (quote)
		*o++ = '"';
	*o = '\0';
	return out;
}

char *iag_esc_text(const char *s) { return esc(s, ESC_TEXT); }
char *iag_esc_line(const char *s) { return esc(s, ESC_LINE); }
char *iag_esc_ktap(const char *s) { return esc(s, ESC_KTAP); }
char *iag_esc_xml(const char *s) { return esc(s, ESC_XML); }
char *iag_esc_dot(const char *s) { return esc(s, ESC_DOT); }

int iag_report_format_parse(const char *s)
{
	static const char *const names[] = { "text", "json", "ktap", "junit",
					     "dot" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* ---- shared pieces ---------------------------------------------------- */

static const char *nz(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static void fmt_ts(const struct iag_record *r, char *buf, size_t len)
{
	if (r->has_ts)
		snprintf(buf, len, "%llu.%06llu",
			 (unsigned long long)(r->ts_ns / 1000000000ULL),
			 (unsigned long long)(r->ts_ns % 1000000000ULL) / 1000);
	else
		snprintf(buf, len, "-");
}

static void fmt_path(const struct iag_record *r, char *buf, size_t len)
{
	size_t o = 0;

	if (!r->path_len) {
		snprintf(buf, len, "%d", r->adapter);
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < r->path_len && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? ">" : "",
				      r->adapter_path[i]);
}

static void fmt_addr(const struct iag_record *r, char *buf, size_t len)
{
	if (r->addr < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0x%02x", (unsigned int)r->addr);
}

static void fmt_ret(const struct iag_record *r, char *buf, size_t len)
{
	if (r->has_ret)
		snprintf(buf, len, "%d", r->ret);
	else
		snprintf(buf, len, "?");
}

/* A one-line description, raw (the caller escapes the whole line). */
static char *describe(const struct iag_record *r)
{
	char ts[32], path[96], addr[16], ret[16], rule[32], *out;
	const char *state = iag_state_name(r->system_state);
	int n;

	fmt_ts(r, ts, sizeof(ts));
	fmt_path(r, path, sizeof(path));
	fmt_addr(r, addr, sizeof(addr));
	fmt_ret(r, ret, sizeof(ret));
	snprintf(rule, sizeof(rule), "%ld", r->rule);
	n = asprintf(&out, "%s %s %s: adapters %s addr %s device %s driver %s callback %s state %s ret %s rule %s%s%s%s",
		     ts, nz(iag_kind_name(r->kind), "?"),
		     nz(iag_verdict_name(r->verdict), "?"), path, addr,
		     nz(r->device, "-"), nz(r->driver, "-"),
		     nz(iag_callback_name(r->callback), "unknown"),
		     nz(state, "unknown"), ret, r->rule >= 0 ? rule : "-",
		     r->rule_text ? " (" : "", r->rule_text ? r->rule_text : "",
		     r->rule_text ? ")" : "");
	return n < 0 ? NULL : out;
}

/* Records grouped by device, in order of first appearance. */
struct group {
	char *name;		/* unescaped */
	const struct iag_record *first;
	size_t *idx;
	size_t n;
	unsigned long allowed, violations, denied;
};

static char *group_name(const struct iag_record *r)
{
	char *s;

	if (r->device)
		return strdup(r->device);
	if (r->addr < 0)
		return asprintf(&s, "i2c-%d", r->adapter) < 0 ? NULL : s;
	return asprintf(&s, "%d-%04x", r->adapter, (unsigned int)r->addr) < 0 ?
	       NULL : s;
}

static void free_groups(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
		free(g[i].idx);
	}
	free(g);
}

static struct group *make_groups(const struct iag_report *rep, size_t *ng)
{
	struct group *g = calloc(rep->n + 1, sizeof(*g));

	*ng = 0;
	if (!g)
		return NULL;
	for (size_t i = 0; i < rep->n; i++) {
		const struct iag_record *r = &rep->rec[i];
		char *name = group_name(r);
		size_t k;
		size_t *ni;

		if (!name)
			continue;
		for (k = 0; k < *ng; k++)
			if (!strcmp(g[k].name, name))
				break;
		if (k == *ng) {
			g[k].name = name;
			g[k].first = r;
			(*ng)++;
		} else {
			free(name);
		}
		ni = realloc(g[k].idx, (g[k].n + 1) * sizeof(*ni));
		if (!ni)
			continue;
		g[k].idx = ni;
		ni[g[k].n++] = i;
		if (r->verdict == IAG_VERDICT_ALLOWED)
			g[k].allowed++;
		else if (r->verdict == IAG_VERDICT_DENIED)
			g[k].denied++;
		else
			g[k].violations++;
	}
	return g;
}

static void summary_line(const struct iag_report *rep, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%zu %s: %lu allowed, %lu %s, %lu denied%s; %zu bad %s, %lu unterminated %s, %lu nested %s folded",
		 rep->n, iag_plural(rep->n, "record", "records"),
		 rep->allowed, rep->violations,
		 iag_plural(rep->violations, "violation", "violations"),
		 rep->denied,
		 rep->have_policy ? "" : " (no policy: verdicts as recorded, else violation)",
		 rep->n_bad, iag_plural(rep->n_bad, "line", "lines"),
		 rep->unterminated,
		 iag_plural(rep->unterminated, "transfer", "transfers"),
		 rep->nested, iag_plural(rep->nested, "level", "levels"));
}

/* ---- text ------------------------------------------------------------- */

#define TEXT_COLS	11

static enum iag_color verdict_color(int verdict)
{
	switch (verdict) {
	case IAG_VERDICT_ALLOWED:
		return IAG_COLOR_GREEN;
	case IAG_VERDICT_DENIED:
		return IAG_COLOR_YELLOW;
	case IAG_VERDICT_VIOLATION:
		return IAG_COLOR_RED;
	default:
		return IAG_COLOR_NONE;
	}
}

static int text_row(struct iag_table *t, const struct iag_record *r)
{
	char ts[32], path[96], addr[16], ret[16], rule[PATH_MAX];
	char *dev = iag_esc_text(r->device), *drv = iag_esc_text(r->driver);
	char *rt = r->rule_text ? iag_esc_text(r->rule_text) : NULL;
	enum iag_color colors[TEXT_COLS] = { [2] = verdict_color(r->verdict) };
	const char *cells[TEXT_COLS];
	int rc;

	fmt_ts(r, ts, sizeof(ts));
	fmt_path(r, path, sizeof(path));
	fmt_addr(r, addr, sizeof(addr));
	fmt_ret(r, ret, sizeof(ret));
	if (r->rule >= 0)
		snprintf(rule, sizeof(rule), "%ld%s%s%s", r->rule,
			 rt ? " (" : "", rt ? rt : "", rt ? ")" : "");
	else
		snprintf(rule, sizeof(rule), "-");
	cells[0] = ts;
	cells[1] = nz(iag_kind_name(r->kind), "?");
	cells[2] = nz(iag_verdict_name(r->verdict), "?");
	cells[3] = path;
	cells[4] = addr;
	cells[5] = nz(dev, "-");
	cells[6] = nz(drv, "-");
	cells[7] = nz(iag_callback_name(r->callback), "unknown");
	cells[8] = nz(iag_state_name(r->system_state), "unknown");
	cells[9] = ret;
	cells[10] = rule;
	rc = iag_table_row(t, cells, colors);
	free(dev);
	free(drv);
	free(rt);
	return rc;
}

static int write_text(const struct iag_report *rep, FILE *out)
{
	static const char *const head[TEXT_COLS] = {
		"TIME", "KIND", "VERDICT", "ADAPTERS", "ADDR", "DEVICE",
		"DRIVER", "CALLBACK", "STATE", "RET", "RULE",
	};
	struct iag_table *t = iag_table_new(head, TEXT_COLS);
	char sum[300];
	int rc = t ? 0 : -ENOMEM;

	for (size_t i = 0; i < rep->n && !rc; i++)
		rc = text_row(t, &rep->rec[i]);
	if (rc) {
		iag_table_free(t);
		return rc;
	}
	rc = iag_table_print(t, out, iag_color_wanted(out));
	if (rc)
		return rc;
	for (size_t i = 0; i < rep->n_bad; i++) {
		char *m = iag_esc_text(rep->bad[i].msg);

		fprintf(out, "bad input: %s:%lu: %s\n", rep->source,
			rep->bad[i].line, m ? m : "");
		free(m);
	}
	if (rep->note)
		fprintf(out, "note: %s\n", rep->note);
	summary_line(rep, sum, sizeof(sum));
	fprintf(out, "summary: %s\n", sum);
	return 0;
}

/* ---- JSON ------------------------------------------------------------- */

static int write_json(const struct iag_report *rep, FILE *out)
{
	json_t *top = json_object(), *recs = json_array(), *errs = json_array();
	json_t *sum = json_object();
	int rc;

	if (!top || !recs || !errs || !sum) {
		json_decref(top);
		json_decref(recs);
		json_decref(errs);
		json_decref(sum);
		return -ENOMEM;
	}
	json_object_set_new(top, "source", iag_json_str(rep->source));
	for (size_t i = 0; i < rep->n; i++) {
		json_t *o = iag_record_to_json(&rep->rec[i]);

		if (o && rep->rec[i].line)
			json_object_set_new(o, "line",
					    json_integer((json_int_t)rep->rec[i].line));
		if (o)
			json_array_append_new(recs, o);
	}
	json_object_set_new(top, "records", recs);
	for (size_t i = 0; i < rep->n_bad; i++)
		json_array_append_new(errs, json_pack("{s:I, s:o}", "line",
					(json_int_t)rep->bad[i].line, "message",
					iag_json_str(rep->bad[i].msg)));
	json_object_set_new(top, "errors", errs);
	json_object_set_new(sum, "kind", json_string("summary"));
	json_object_set_new(sum, "records", json_integer((json_int_t)rep->n));
	json_object_set_new(sum, "allowed", json_integer((json_int_t)rep->allowed));
	json_object_set_new(sum, "violations",
			    json_integer((json_int_t)rep->violations));
	json_object_set_new(sum, "denied", json_integer((json_int_t)rep->denied));
	json_object_set_new(sum, "bad_lines", json_integer((json_int_t)rep->n_bad));
	json_object_set_new(sum, "unterminated",
			    json_integer((json_int_t)rep->unterminated));
	json_object_set_new(sum, "nested", json_integer((json_int_t)rep->nested));
	json_object_set_new(sum, "policy", json_boolean(rep->have_policy));
	if (rep->note)
		json_object_set_new(sum, "note", iag_json_str(rep->note));
	json_object_set_new(top, "summary", sum);
	rc = iag_json_dump_lines(top, out);
	json_decref(top);
	return rc ? -EIO : 0;
}

/* ---- KTAP ------------------------------------------------------------- */

static int write_ktap(const struct iag_report *rep, FILE *out)
{
	size_t ng, ntests;
	struct group *g = make_groups(rep, &ng);
	char sum[300], *src;

	if (!g)
		return -ENOMEM;
	/*
	 * Never a "1..0" plan: the kernel's kunit_parser counts a run of no
	 * test as an error. No transfer at all is one passing test.
	 */
	ntests = ng + (rep->n_bad ? 1 : 0);
	if (!ntests)
		ntests = 1;
	src = iag_esc_ktap(rep->source);
	summary_line(rep, sum, sizeof(sum));
	/* the plan follows the version line (Documentation/dev-tools/ktap.rst) */
	fprintf(out, "KTAP version 1\n1..%zu\n", ntests);
	fprintf(out, "# i2c-atomic-guard: atomic-mode I2C transfers in %s\n",
		src ? src : "");
	fprintf(out, "# %s\n", sum);
	if (rep->note) {
		char *n = iag_esc_ktap(rep->note);

		fprintf(out, "# %s\n", n ? n : "");
		free(n);
	}
	free(src);
	for (size_t k = 0; k < ng; k++) {
		char *name = iag_esc_ktap(g[k].name);
		char *drv = iag_esc_ktap(g[k].first->driver);
		char *sys = iag_esc_ktap(g[k].first->sysfs);
		bool bad = g[k].violations || g[k].denied;

		fprintf(out, "# %s: driver %s, sysfs %s: %lu allowed, %lu %s, %lu denied\n",
			name ? name : "", drv ? drv : "-", sys ? sys : "-",
			g[k].allowed, g[k].violations,
			iag_plural(g[k].violations, "violation", "violations"),
			g[k].denied);
		for (size_t i = 0; i < g[k].n; i++) {
			char *d = describe(&rep->rec[g[k].idx[i]]);
			char *de = d ? iag_esc_ktap(d) : NULL;

			fprintf(out, "#   %s\n", de ? de : "");
			free(d);
			free(de);
		}
		fprintf(out, "%s %zu %s\n", bad ? "not ok" : "ok", k + 1,
			name ? name : "");
		free(name);
		free(drv);
		free(sys);
	}
	if (rep->n_bad) {
		for (size_t i = 0; i < rep->n_bad; i++) {
			char *m = iag_esc_ktap(rep->bad[i].msg);

			fprintf(out, "# line %lu: %s\n", rep->bad[i].line,
				m ? m : "");
			free(m);
		}
		fprintf(out, "not ok %zu input\n", ng + 1);
	} else if (!ng) {
		fprintf(out, "# no atomic-mode transfer recorded\nok 1 atomic-mode-transfers\n");
	}
	free_groups(g, ng);
	return 0;
}

/* ---- JUnit ------------------------------------------------------------ */

static int write_junit(const struct iag_report *rep, FILE *out)
{
	size_t ng, ntests, nfail = 0;
	struct group *g = make_groups(rep, &ng);
	char *src;

	if (!g)
		return -ENOMEM;
	for (size_t k = 0; k < ng; k++)
		nfail += (g[k].violations || g[k].denied) ? 1 : 0;
	/*
	 * Never a "1..0" plan: the kernel's kunit_parser counts a run of no
	 * test as an error. No transfer at all is one passing test.
	 */
	ntests = ng + (rep->n_bad ? 1 : 0);
	if (!ntests)
		ntests = 1;
	src = iag_esc_xml(rep->source);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"i2c-atomic-guard\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
		ntests, nfail, rep->n_bad ? 1 : 0);
	fprintf(out, "  <testsuite name=\"i2c-atomic-guard\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"0\">\n",
		ntests, nfail, rep->n_bad ? 1 : 0);
	fprintf(out, "    <properties>\n      <property name=\"source\" value=\"%s\"/>\n      <property name=\"policy\" value=\"%s\"/>\n",
		src ? src : "", rep->have_policy ? "yes" : "no");
	if (rep->note) {
		char *n = iag_esc_xml(rep->note);

		fprintf(out, "      <property name=\"note\" value=\"%s\"/>\n",
			n ? n : "");
		free(n);
	}
	fprintf(out, "    </properties>\n");
	free(src);
	for (size_t k = 0; k < ng; k++) {
		char *name = iag_esc_xml(g[k].name);
		bool bad = g[k].violations || g[k].denied;

		fprintf(out, "    <testcase classname=\"i2c-atomic-guard.device\" name=\"%s\">\n",
			name ? name : "");
		if (bad)
			fprintf(out, "      <failure type=\"%s\" message=\"%lu atomic-mode transfers not allowed, %lu denied\">",
				g[k].violations ? "violation" : "denied",
				g[k].violations, g[k].denied);
		else
			fprintf(out, "      <system-out>");
		for (size_t i = 0; i < g[k].n; i++) {
			char *d = describe(&rep->rec[g[k].idx[i]]);
			char *de = d ? iag_esc_xml(d) : NULL;

			fprintf(out, "%s&#10;", de ? de : "");
			free(d);
			free(de);
		}
		fprintf(out, "%s\n    </testcase>\n",
			bad ? "</failure>" : "</system-out>");
		free(name);
	}
	if (rep->n_bad) {
		fprintf(out, "    <testcase classname=\"i2c-atomic-guard.input\" name=\"input\">\n");
		fprintf(out, "      <error type=\"bad-input\" message=\"%zu lines could not be read\">",
			rep->n_bad);
		for (size_t i = 0; i < rep->n_bad; i++) {
			char *m = iag_esc_xml(rep->bad[i].msg);

			fprintf(out, "line %lu: %s&#10;", rep->bad[i].line,
				m ? m : "");
			free(m);
		}
		fprintf(out, "</error>\n    </testcase>\n");
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	free_groups(g, ng);
	return 0;
}

/* ---- DOT -------------------------------------------------------------- */

struct dot {
	FILE *out;
	struct iag_strv nodes;		/* ids already written */
	struct iag_strv edges;
};

static void dot_node(struct dot *d, const char *id, const char *label,
		     const char *attrs)
{
	char *eid, *el;

	if (iag_strv_has(&d->nodes, id))
		return;
	iag_strv_add(&d->nodes, id);
	eid = iag_esc_dot(id);
	el = iag_esc_dot(label);
	fprintf(d->out, "  \"%s\" [label=\"%s\"%s%s];\n", eid ? eid : "",
		el ? el : "", attrs ? ", " : "", attrs ? attrs : "");
	free(eid);
	free(el);
}

static void dot_edge(struct dot *d, const char *from, const char *to,
		     const char *attrs)
{
	char *key, *ef, *et;

	if (asprintf(&key, "%s\x01%s", from, to) < 0)
		return;
	if (iag_strv_has(&d->edges, key)) {
		free(key);
		return;
	}
	iag_strv_add(&d->edges, key);
	free(key);
	ef = iag_esc_dot(from);
	et = iag_esc_dot(to);
	fprintf(d->out, "  \"%s\" -> \"%s\"%s%s%s;\n", ef ? ef : "",
		et ? et : "", attrs ? " [" : "", attrs ? attrs : "",
		attrs ? "]" : "");
	free(ef);
	free(et);
}

static const char *verdict_attrs(const struct group *g)
{
	if (!g)
		return NULL;
	if (g->violations)
		return "style=filled, fillcolor=\"#f4a6a6\", color=red, penwidth=2";
	if (g->denied)
		return "style=filled, fillcolor=\"#f6c98e\", color=darkorange, penwidth=2";
	return "style=filled, fillcolor=\"#b7e4b7\", color=darkgreen";
}

static const struct group *find_group(const struct group *g, size_t ng,
				      const char *name)
{
	for (size_t k = 0; k < ng; k++)
		if (!strcmp(g[k].name, name))
			return &g[k];
	return NULL;
}

static void dot_client(struct dot *d, const struct group *g, size_t ng,
		       const char *name, const char *driver,
		       const char *label_attr)
{
	char id[300], *label;
	const struct group *gr = find_group(g, ng, name);

	snprintf(id, sizeof(id), "d:%s", name);
	if (asprintf(&label, "%s\n%s%s%s", name, driver ? driver : "(no driver)",
		     label_attr ? "\n" : "", label_attr ? label_attr : "") < 0)
		return;
	dot_node(d, id, label, verdict_attrs(gr));
	free(label);
}

static int write_dot(const struct iag_report *rep, struct iag_devmodel *m,
		     FILE *out)
{
	size_t ng;
	struct group *g = make_groups(rep, &ng);
	struct dot d = { .out = out };
	char id[300], pid[300], sum[300];

	if (!g)
		return -ENOMEM;
	summary_line(rep, sum, sizeof(sum));
	fprintf(out, "digraph \"i2c-atomic-guard\" {\n");
	fprintf(out, "  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
	{
		char *s = iag_esc_dot(sum);

		fprintf(out, "  label=\"atomic-mode I2C transfers: %s\";\n  labelloc=t;\n",
			s ? s : "");
		free(s);
	}
	/* The hierarchy from sysfs, when there is one. */
	if (m && iag_devmodel_has_i2c(m)) {
		int *nrs;
		size_t na;

		if (!iag_dev_adapters(m, &nrs, &na)) {
			for (size_t i = 0; i < na; i++) {
				char *ap = iag_dev_adapter(m, nrs[i]);
				struct iag_devinfo ai = { 0 };
				char *label;

				if (ap)
					iag_dev_info(m, ap, &ai);
				snprintf(id, sizeof(id), "a:%d", nrs[i]);
				if (asprintf(&label, "i2c-%d\n%s", nrs[i],
					     ai.label ? ai.label : "") >= 0) {
					dot_node(&d, id, label, "shape=ellipse");
					free(label);
				}
				iag_devinfo_free(&ai);
				free(ap);
			}
			for (size_t i = 0; i < na; i++) {
				int parent;
				char *mux = NULL;
				struct iag_strv cl = { 0 };

				snprintf(id, sizeof(id), "a:%d", nrs[i]);
				if (!iag_dev_adapter_parent(m, nrs[i], &parent, &mux)) {
					struct iag_devinfo mi = { 0 };

					snprintf(pid, sizeof(pid), "a:%d", parent);
					if (mux && !iag_dev_info(m, mux, &mi)) {
						char mid[300];

						if (mi.is_client)
							dot_client(&d, g, ng, mi.name,
								   mi.driver, "(mux)");
						else {
							snprintf(mid, sizeof(mid), "d:%s", mi.name);
							dot_node(&d, mid, mi.name, NULL);
						}
						snprintf(mid, sizeof(mid), "d:%s", mi.name);
						dot_edge(&d, pid, mid, mi.is_client ? NULL :
							 "label=\"muxes\", style=dotted");
						dot_edge(&d, mid, id, "label=\"channel\"");
					} else {
						dot_edge(&d, pid, id, "label=\"mux\", style=dashed");
					}
					iag_devinfo_free(&mi);
					free(mux);
				}
				if (!iag_dev_clients_of(m, nrs[i], &cl)) {
					for (size_t k = 0; k < cl.n; k++) {
						struct iag_devinfo ci;
						struct iag_strv cons = { 0 };
						char cid[300];

						if (iag_dev_info(m, cl.v[k], &ci))
							continue;
						dot_client(&d, g, ng, ci.name, ci.driver, NULL);
						snprintf(cid, sizeof(cid), "d:%s", ci.name);
						dot_edge(&d, id, cid, NULL);
						if (!iag_dev_consumers(m, ci.path, &cons)) {
							for (size_t j = 0; j < cons.n; j++) {
								const char *b = strrchr(cons.v[j], '/');
								char uid[300];

								b = b ? b + 1 : cons.v[j];
								snprintf(uid, sizeof(uid), "d:%s", b);
								dot_node(&d, uid, b, "shape=note");
								dot_edge(&d, uid, cid,
									 "label=\"consumes\", style=dashed");
							}
						}
						iag_strv_free(&cons);
						iag_devinfo_free(&ci);
					}
				}
				iag_strv_free(&cl);
			}
			free(nrs);
		}
	}
	/* Whatever the records name (all of it when the sysfs is gone). */
	for (size_t i = 0; i < rep->n; i++) {
		const struct iag_record *r = &rep->rec[i];
		char *name = group_name(r), cid[300], lab[32];

		if (!name)
			continue;
		for (size_t k = 0; k < r->path_len; k++) {
			snprintf(id, sizeof(id), "a:%d", r->adapter_path[k]);
			snprintf(lab, sizeof(lab), "i2c-%d", r->adapter_path[k]);
			dot_node(&d, id, lab, "shape=ellipse");
			int known;

			/* the sysfs already drew this level through its mux */
			if (k + 1 < r->path_len && m && iag_devmodel_has_i2c(m) &&
			    !iag_dev_adapter_parent(m, r->adapter_path[k], &known, NULL) &&
			    known == r->adapter_path[k + 1])
				continue;
			if (k + 1 < r->path_len) {
				snprintf(pid, sizeof(pid), "a:%d",
					 r->adapter_path[k + 1]);
				snprintf(lab, sizeof(lab), "i2c-%d",
					 r->adapter_path[k + 1]);
				dot_node(&d, pid, lab, "shape=ellipse");
				dot_edge(&d, pid, id, "label=\"mux\", style=dashed");
			}
		}
		snprintf(id, sizeof(id), "a:%d", r->adapter);
		snprintf(lab, sizeof(lab), "i2c-%d", r->adapter);
		dot_node(&d, id, lab, "shape=ellipse");
		if (r->addr >= 0) {
			dot_client(&d, g, ng, name, r->driver, NULL);
			snprintf(cid, sizeof(cid), "d:%s", name);
			dot_edge(&d, id, cid, NULL);
		}
		free(name);
	}
	fprintf(out, "}\n");
	iag_strv_free(&d.nodes);
	iag_strv_free(&d.edges);
	free_groups(g, ng);
	return 0;
}

int iag_report_write(const struct iag_report *rep, enum iag_report_format fmt,
		     struct iag_devmodel *m, FILE *out)
{
	int rc;

	switch (fmt) {
	case IAG_FMT_TEXT:
		rc = write_text(rep, out);
		break;
	case IAG_FMT_JSON:
		rc = write_json(rep, out);
		break;
	case IAG_FMT_KTAP:
		rc = write_ktap(rep, out);
		break;
	case IAG_FMT_JUNIT:
		rc = write_junit(rep, out);
		break;
	case IAG_FMT_DOT:
		rc = write_dot(rep, m, out);
		break;
	default:
		return -EINVAL;
	}
	if (!rc && (fflush(out) || ferror(out)))
		rc = -EIO;
	return rc;
}
