/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the report harnesses (fuzz_jsonl.c, fuzz_console.c): read the
 * fuzz input as a file the way `report` does, then check what came out.
 *
 *  - every record is in range (enums, adapter path, input line);
 *  - a record survives the JSON round trip (record -> JSON text -> record):
 *    what `audit --json` and `report --format json` write, `report` reads;
 *  - verdicts, without and with a policy (name rules and resolved keys),
 *    add up to the record count; the second time with device names filled
 *    in from a sysfs fixture (FZ_SYSFS_ROOT, the unit tests' tree, if the
 *    build defines it and it is there), which the DOT writer also walks;
 *  - every writer (text, json, ktap, junit, dot) produces valid UTF-8 with
 *    no control characters but '\n', and its structure cannot be forged by
 *    the data: one text line per record, the KTAP plan matches its result
 *    lines, JSON parses back with every record, the JUnit XML has only its
 *    own tags and entities, every DOT string is closed.
 * A broken check prints what and where, then abort()s: a libFuzzer finding.
 */
#ifndef FUZZ_REPORT_COMMON_H
#define FUZZ_REPORT_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "devmodel.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"

#define FZ_SOURCE "fuzz-input"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)
#define CHECKF(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* A policy with every selector kind, and a hand-built key set. */
static const char fz_policy_text[] =
	"mode: enforce\n"
	"allow:\n"
	"  - i2c: 0-0050\n"
	"    reason: fuzz\n"
	"  - i2c: 1-a050\n"
	"  - adapter: i2c-3\n"
	"  - driver: at24\n"
	"  - device: /sys/devices/platform/gpio-restart\n"
	"  - compatible: dlg,da9063\n";
static struct iag_policy *fz_pol;
static struct iag_key fz_keys[] = {
	{ .adapter = 1, .addr = 0x50, .rule_id = 0 },
	{ .adapter = 2, .addr = IAG_ADDR_ANY, .rule_id = 2 },
	{ .adapter = 4, .addr = 0x58, .rule_id = 3 },
};
static struct iag_keyset fz_ks = { .keys = fz_keys, .n = 3 };
static struct iag_devmodel *fz_dm;	/* the fixture, or NULL */
static size_t fz_size;			/* of the current input */

static void fz_init(void)
{
	struct iag_diag d;

	iag_diag_init(&d, "fuzz-policy");
	if (iag_policy_parse_buf(fz_policy_text, sizeof(fz_policy_text) - 1,
				 "fuzz-policy", &fz_pol, &d)) {
		iag_diag_print(&d, stderr);
		abort();
	}
#ifdef FZ_SYSFS_ROOT
	fz_dm = iag_devmodel_open(FZ_SYSFS_ROOT);
	if (fz_dm && !iag_devmodel_has_i2c(fz_dm)) {
		iag_devmodel_close(fz_dm);
		fz_dm = NULL;
	}
#endif
}

/* ---- records ------------------------------------------------------------ */

/*
 * Console records come from a line of the input (1..lines); JSON ones may
 * carry the line of the input they were first read from (a JSON report
 * read back), or 0 for none.
 */
static bool fz_line_from_input = true;

static void fz_check_record(const struct iag_report *rep,
			    const struct iag_record *r, bool decided)
{
	CHECKF(r->kind > 0 && r->kind < IAG_KIND_MAX, "kind %d", r->kind);
	CHECK(iag_kind_name(r->kind));
	CHECKF(r->verdict >= 0 && r->verdict < IAG_VERDICT_MAX, "verdict %d",
	       r->verdict);
	if (decided)
		CHECK(r->verdict > 0);
	CHECKF(r->callback >= 0 && r->callback < IAG_CB_MAX, "callback %d",
	       r->callback);
	CHECKF(r->system_state >= -1 && r->system_state < IAG_STATE_MAX,
	       "system_state %d", r->system_state);
	CHECK(r->path_len <= IAG_MAX_PATH);
	CHECK(r->irqs_disabled >= -1 && r->irqs_disabled <= 1);
	CHECK(r->smbus_read >= -1 && r->smbus_read <= 1);
	if (fz_line_from_input)
		CHECKF(r->line >= 1 && r->line <= rep->lines, "line %lu of %lu",
		       r->line, rep->lines);
	CHECK(r->n_stack == 0 || r->stack);
	for (size_t i = 0; i < r->n_stack; i++)
		CHECK(r->stack[i]);
}

/*
 * Length of the well-formed UTF-8 sequence at @s (at most @n bytes), 0 if
 * there is none. The harness's own oracle, so that the code under test
 * (iag_utf8_seq(), a decoder that checks the code point it computes) is
 * not judged by itself: this one decodes nothing, it matches the byte
 * ranges of the Unicode standard's table of well-formed sequences (Table
 * 3-7), where overlongs, surrogates and code points above U+10FFFF have no
 * row.
 */
static size_t fz_utf8(const unsigned char *s, size_t n)
{
	static const struct {
		unsigned char lead_lo, lead_hi;	/* the first byte */
		unsigned char next_lo, next_hi;	/* the second; the rest 80..BF */
		size_t len;
	} wf[] = {
		{ 0x00, 0x7f, 0x00, 0x00, 1 },
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};

	for (size_t r = 0; r < sizeof(wf) / sizeof(wf[0]); r++) {
		if (s[0] < wf[r].lead_lo || s[0] > wf[r].lead_hi)
			continue;
		if (wf[r].len > n)
			return 0;
		if (wf[r].len > 1 && (s[1] < wf[r].next_lo || s[1] > wf[r].next_hi))
			return 0;
		for (size_t i = 2; i < wf[r].len; i++)
			if (s[i] < 0x80 || s[i] > 0xbf)
				return 0;
		return wf[r].len;
	}
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Is @s (NUL-terminated) valid UTF-8 without control characters? */
static bool clean_utf8(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		size_t n = fz_utf8((const unsigned char *)s + i, len - i);

		if (!n || (n == 1 && (unsigned char)s[i] < 0x20))
			return false;
		i += n;
	}
	return true;
}

/*
 * Known findings (tests/fuzz/known-findings, FINDINGS.md) that are not
 * fixed yet: run.sh builds with -DFZ_KNOWN_<ID> for each, and the check
 * that would stop on it looks away from exactly that case, so the fuzzer
 * keeps looking for the others. Remove the line when the bug is fixed.
 */
#ifdef FZ_KNOWN_CONSOLE_RANGES
/* F1: console values the JSON record reader refuses (or that wrap). */
static bool fz_known_console_ranges(const struct iag_record *r)
{
	if (r->flags < -1 || r->flags > 0xffff || r->msg_count < -1 ||
	    r->msg_count > 0xffff || r->smbus_protocol > 0xff ||
	    r->smbus_command < -1 || r->smbus_command > 0xff ||
	    r->adapter < 0 || (r->has_ts && r->ts_ns > INT64_MAX))
		return true;
	for (size_t i = 0; i < r->path_len; i++)
		if (r->adapter_path[i] < 0)
			return true;
	return false;
}
#else
static bool fz_known_console_ranges(const struct iag_record *r)
{
	return false;
}
#endif

/*
 * record -> JSON text -> record: the reader must take what the writer
 * wrote, and the fields that matter must come back unchanged.
 */
static void fz_roundtrip(const struct iag_record *r)
{
	json_t *o = iag_record_to_json(r), *back;
	struct iag_record r2;
	json_error_t je;
	char *txt, err[200] = "";
	int rc;

	if (fz_known_console_ranges(r)) {
		json_decref(o);
		return;
	}
	CHECK(o);
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	CHECK(txt);
	CHECKF(!strchr(txt, '\n'), "a JSON Lines record holds a newline: %s",
	       txt);
	back = json_loads(txt, JSON_REJECT_DUPLICATES, &je);
	CHECKF(back, "writer output is not JSON (%s): %s", je.text, txt);
	rc = iag_record_from_json(&r2, back, err, sizeof(err));
	json_decref(back);
	CHECKF(rc == 0, "the reader refuses what the writer wrote (%s): %s",
	       err, txt);
	CHECKF(r2.kind == r->kind && r2.verdict == r->verdict &&
	       r2.adapter == r->adapter && r2.addr == r->addr &&
	       r2.callback == r->callback &&
	       r2.system_state == r->system_state &&
	       r2.has_ret == r->has_ret && (!r->has_ret || r2.ret == r->ret) &&
	       r2.has_ts == r->has_ts && (!r->has_ts || r2.ts_ns == r->ts_ns) &&
	       r2.irqs_disabled == r->irqs_disabled &&
	       r2.preempt_count == r->preempt_count && r2.pid == r->pid &&
	       r2.rule == r->rule && r2.flags == r->flags &&
	       r2.n_stack == r->n_stack,
	       "a field changed in the JSON round trip: %s", txt);
	CHECKF(r2.path_len == r->path_len &&
	       !memcmp(r2.adapter_path, r->adapter_path,
		       r->path_len * sizeof(r->adapter_path[0])),
	       "adapter_path changed in the JSON round trip: %s", txt);
	/* strings that are clean UTF-8 come back as they were */
	if (r->device && clean_utf8(r->device))
		CHECKF(same_str(r2.device, r->device), "device: %s", txt);
	if (r->driver && clean_utf8(r->driver))
		CHECKF(same_str(r2.driver, r->driver), "driver: %s", txt);
	if (r->sysfs && clean_utf8(r->sysfs))
		CHECKF(same_str(r2.sysfs, r->sysfs), "sysfs: %s", txt);
	if (r->comm && clean_utf8(r->comm))
		CHECKF(same_str(r2.comm, r->comm), "comm: %s", txt);
	/* and the second trip is the identity */
	{
		json_t *o2 = iag_record_to_json(&r2);
		char *txt2 = o2 ? json_dumps(o2, JSON_COMPACT) : NULL;

		CHECK(txt2);
		CHECKF(!strcmp(txt, txt2), "not stable:\n%s\n%s", txt, txt2);
		free(txt2);
		json_decref(o2);
	}
	/* a copy is a deep copy */
	{
		struct iag_record c;

		if (!iag_record_copy(&c, &r2))
			iag_record_free(&c);
	}
	iag_record_free(&r2);
	free(txt);
}

static void fz_decide(struct iag_report *rep, const struct iag_policy *pol,
		      const struct iag_keyset *ks, struct iag_devmodel *m)
{
	iag_report_decide(rep, pol, ks, m);
	CHECKF(rep->allowed + rep->violations + rep->denied == rep->n,
	       "%lu + %lu + %lu != %zu", rep->allowed, rep->violations,
	       rep->denied, rep->n);
	CHECK(rep->have_policy == (pol != NULL));
	for (size_t i = 0; i < rep->n; i++) {
		const struct iag_record *r = &rep->rec[i];

		fz_check_record(rep, r, true);
		if (pol && r->verdict == IAG_VERDICT_ALLOWED) {
			CHECK(r->rule >= 0 && (size_t)r->rule < pol->n_rules);
			CHECK(r->rule_text);
		}
		if (r->kind == IAG_KIND_ATOMIC_CONTEXT_XFER)
			CHECK(r->verdict == IAG_VERDICT_VIOLATION);
		if (r->kind == IAG_KIND_DENIED)
			CHECK(r->verdict == IAG_VERDICT_DENIED);
	}
}

/* ---- writers ------------------------------------------------------------ */

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static size_t count_prefix_lines(const char *s, const char *pfx)
{
	size_t n = 0, pl = strlen(pfx);

	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += !strncmp(p, pfx, pl);
	return n;
}

/*
 * Valid UTF-8, no NUL, no control character but '\n' (JSON may hold DEL:
 * it needs no escape there), ends in '\n'.
 */
static void check_text(const char *fmt, const char *s, size_t len)
{
	bool json = !strcmp(fmt, "json");

	CHECKF(strlen(s) == len, "%s: NUL byte in the output", fmt);
	CHECKF(len && s[len - 1] == '\n', "%s: output does not end a line",
	       fmt);
	for (size_t i = 0; i < len;) {
		size_t n = fz_utf8((const unsigned char *)s + i, len - i);

		CHECKF(n, "%s: invalid UTF-8 at byte %zu: ...%.40s", fmt, i,
		       s + (i > 40 ? i - 40 : 0));
		CHECKF(n > 1 || s[i] == '\n' ||
		       ((unsigned char)s[i] >= 0x20 && (s[i] != 0x7f || json)),
		       "%s: control character 0x%02x at byte %zu: ...%.40s",
		       fmt, (unsigned char)s[i], i, s + (i > 40 ? i - 40 : 0));
		i += n;
	}
}

static void check_ktap(const struct iag_report *rep, const char *s, size_t len)
{
	size_t plan = 0, ok, notok, ng, want;
	const char *p = strstr(s, "\n1..");

	CHECK(!strncmp(s, "KTAP version 1\n", 15));
	CHECK(p && sscanf(p + 4, "%zu", &plan) == 1);
	ok = count_prefix_lines(s, "ok ");
	notok = count_prefix_lines(s, "not ok ");
	CHECKF(ok + notok == plan, "ktap: plan 1..%zu but %zu results", plan,
	       ok + notok);
	/* every line is KTAP's own */
	for (const char *l = s; *l; l = strchr(l, '\n') + 1)
		CHECKF(!strncmp(l, "# ", 2) || !strncmp(l, "ok ", 3) ||
		       !strncmp(l, "not ok ", 7) || !strncmp(l, "1..", 3) ||
		       !strncmp(l, "KTAP version 1\n", 15),
		       "ktap: a line that is not KTAP: %.60s", l);
	ng = plan - (rep->n_bad ? 1 : 0);
	want = 4 + (rep->note ? 1 : 0) + 2 * ng + rep->n +
	       (rep->n_bad ? rep->n_bad + 1 : 0);
	CHECKF(count_lines(s, len) == want, "ktap: %zu lines, expected %zu",
	       count_lines(s, len), want);
	/* the input test fails iff lines could not be read */
	if (rep->n_bad)
		CHECK(strstr(s, " input\n"));
}

static void check_text_fmt(const struct iag_report *rep, const char *s,
			   size_t len)
{
	size_t want = 2 + rep->n + rep->n_bad + (rep->note ? 1 : 0);

	CHECKF(count_lines(s, len) == want, "text: %zu lines, expected %zu",
	       count_lines(s, len), want);
	CHECK(count_prefix_lines(s, "summary: ") >= 1);
}

static void check_json_fmt(const struct iag_report *rep, const char *s,
			   size_t len)
{
	json_error_t je;
	json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);
	json_t *recs, *errs, *sum;

	CHECKF(o, "json: output does not parse: %s (line %d)", je.text,
	       je.line);
	recs = json_object_get(o, "records");
	errs = json_object_get(o, "errors");
	sum = json_object_get(o, "summary");
	CHECK(json_is_array(recs) && json_array_size(recs) == rep->n);
	CHECK(json_is_array(errs) && json_array_size(errs) == rep->n_bad);
	CHECK(json_is_object(sum));
	/* the whole report reads back as input, record for record */
	{
		struct iag_report back;
		FILE *f = fmemopen((void *)s, len, "r");

		CHECK(f);
		iag_report_init(&back, "fuzz-report.json");
		CHECK(iag_report_read_jsonl(&back, f) == 0);
		fclose(f);
		CHECKF(back.n == rep->n && back.n_bad == 0,
		       "json report read back: %zu records, %zu bad (wrote %zu)%s%s",
		       back.n, back.n_bad, rep->n, back.n_bad ? ": " : "",
		       back.n_bad ? back.bad[0].msg : "");
		for (size_t i = 0; i < back.n; i++) {
			const struct iag_record *a = &rep->rec[i], *b = &back.rec[i];

			if (a->kind == b->kind && a->verdict == b->verdict &&
			    a->adapter == b->adapter && a->addr == b->addr &&
			    a->path_len == b->path_len &&
			    a->has_ret == b->has_ret &&
			    (!a->has_ret || a->ret == b->ret) &&
			    a->line == b->line && a->rule == b->rule &&
			    same_str(a->rule_text, b->rule_text))
				continue;
			{
				json_t *ja = iag_record_to_json(a), *jb = iag_record_to_json(b);
				char *ta = json_dumps(ja, JSON_COMPACT), *tb = json_dumps(jb, JSON_COMPACT);

				CHECKF(0, "json report read back: record %zu differs (line %lu / %lu):\n%s\n%s",
				       i, a->line, b->line, ta, tb);
			}
		}
		iag_report_free(&back);
	}
	/* each record reads back */
	for (size_t i = 0; i < json_array_size(recs); i++) {
		struct iag_record r;
		char err[200];
		int rc;

		if (fz_known_console_ranges(&rep->rec[i]))
			continue;
		rc = iag_record_from_json(&r, json_array_get(recs, i), err,
					  sizeof(err));
		CHECKF(rc == 0, "json: record %zu does not read back: %s", i,
		       err);
		iag_record_free(&r);
	}
	json_decref(o);
}

static bool xml_entity(const char *s, size_t *adv)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;",
					   "&apos;" };
	size_t i = 2;

	for (size_t k = 0; k < sizeof(ent) / sizeof(ent[0]); k++)
		if (!strncmp(s, ent[k], strlen(ent[k]))) {
			*adv = strlen(ent[k]);
			return true;
		}
	if (s[1] != '#')
		return false;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 2 || s[i] != ';')
		return false;
	*adv = i + 1;
	return true;
}

static void check_junit(const char *s)
{
	static const char *const tags[] = {
		"?xml ", "testsuites ", "/testsuites>", "testsuite ",
		"/testsuite>", "properties>", "/properties>", "property ",
		"testcase ", "/testcase>", "failure ", "/failure>",
		"system-out>", "/system-out>", "error ", "/error>",
	};
	bool in_tag = false, in_q = false;
	long open = 0;

	for (size_t i = 0; s[i];) {
		char c = s[i];
		size_t adv = 1;

		if (in_tag) {
			CHECKF(c != '<', "junit: '<' inside a tag: ...%.40s",
			       s + (i > 30 ? i - 30 : 0));
			if (c == '"')
				in_q = !in_q;
			else if (c == '>' && !in_q)
				in_tag = false;
		} else if (c == '<') {
			bool known = false;

			for (size_t k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
				if (!strncmp(s + i + 1, tags[k], strlen(tags[k])))
					known = true;
			CHECKF(known, "junit: unknown tag: %.40s", s + i);
			if (s[i + 1] == '/')
				open--;
			else if (s[i + 1] != '?')
				open++;
			in_tag = true;
		} else if (c == '>') {
			CHECKF(0, "junit: '>' outside a tag: ...%.40s",
			       s + (i > 30 ? i - 30 : 0));
		}
		if (c == '&')
			CHECKF(xml_entity(s + i, &adv), "junit: bad entity: %.20s",
			       s + i);
		i += adv;
	}
	CHECK(!in_tag && !in_q);
	/* <property .../> closes itself */
	open -= (long)count_prefix_lines(s, "      <property ");
	CHECKF(open == 0, "junit: %ld tags left open", open);
}

static void check_dot(const char *s)
{
	CHECK(!strncmp(s, "digraph \"i2c-atomic-guard\" {\n", 29));
	CHECK(strstr(s, "\n}\n"));
	/* every line closes its strings; a backslash escapes one character */
	for (const char *l = s; *l; l = strchr(l, '\n') + 1) {
		bool in_q = false;

		for (const char *p = l; *p != '\n'; p++) {
			if (in_q && *p == '\\') {
				p++;
				CHECKF(*p == '\\' || *p == '"' || *p == 'n',
				       "dot: bad escape: %.40s", l);
				continue;
			}
			if (*p == '"')
				in_q = !in_q;
		}
		CHECKF(!in_q, "dot: unclosed string: %.80s", l);
	}
}

static void fz_write_all(const struct iag_report *rep, struct iag_devmodel *m)
{
	for (int fmt = IAG_FMT_TEXT; fmt <= IAG_FMT_DOT; fmt++) {
		static const char *const names[] = { "text", "json", "ktap",
						     "junit", "dot" };
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);
		int rc;

		CHECK(f);
		CHECK(iag_report_format_parse(names[fmt]) == fmt);
		rc = iag_report_write(rep, (enum iag_report_format)fmt, m, f);
		CHECK(fclose(f) == 0);
		CHECKF(rc == 0, "%s writer: %d", names[fmt], rc);
		check_text(names[fmt], s, len);
		switch (fmt) {
		case IAG_FMT_TEXT:
			check_text_fmt(rep, s, len);
			break;
		case IAG_FMT_JSON:
			check_json_fmt(rep, s, len);
			break;
		case IAG_FMT_KTAP:
			check_ktap(rep, s, len);
			break;
		case IAG_FMT_JUNIT:
			check_junit(s);
			break;
		case IAG_FMT_DOT:
			check_dot(s);
			break;
		}
		free(s);
	}
}

/* ---- the whole pipeline ------------------------------------------------- */

/*
 * Read @data as a file with @read (iag_report_read_jsonl or _console),
 * then check records, round trips, verdicts and every writer.
 */
static struct iag_report *fz_read(const uint8_t *data, size_t size,
				  int (*read)(struct iag_report *, FILE *))
{
	struct iag_report *rep = malloc(sizeof(*rep));
	char *buf = malloc(size ? size : 1);
	FILE *f;
	int rc;

	CHECK(rep && buf);
	if (size)
		memcpy(buf, data, size);
	/* glibc's fmemopen() takes no empty buffer */
	f = size ? fmemopen(buf, size, "r") : fopen("/dev/null", "r");
	CHECK(f);
	fz_size = size;
	iag_report_init(rep, FZ_SOURCE);
	rc = read(rep, f);
	fclose(f);
	free(buf);
	CHECKF(rc == 0, "reader failed: %d", rc);
	CHECK(rep->n <= rep->cap);
	CHECK(rep->n_bad == 0 || rep->bad);
	for (size_t i = 0; i < rep->n_bad; i++) {
		CHECK(rep->bad[i].msg);
		CHECKF(rep->bad[i].line >= 1 && rep->bad[i].line <= rep->lines,
		       "bad line %lu of %lu", rep->bad[i].line, rep->lines);
	}
	return rep;
}

static void fz_check_all(struct iag_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		fz_check_record(rep, &rep->rec[i], false);
		fz_roundtrip(&rep->rec[i]);
	}
	fz_decide(rep, NULL, NULL, NULL);
	for (size_t i = 0; i < rep->n; i++)
		fz_roundtrip(&rep->rec[i]);
	fz_write_all(rep, NULL);
	fz_decide(rep, fz_pol, &fz_ks, fz_dm);
	for (size_t i = 0; i < rep->n; i++)
		fz_roundtrip(&rep->rec[i]);
	/*
	 * The writers walk the whole fixture tree for DOT (half the time of
	 * an input): do that for one input in eight, chosen by its size.
	 */
	fz_write_all(rep, fz_size % 8 == 0 ? fz_dm : NULL);
}

static void fz_done(struct iag_report *rep)
{
	iag_report_free(rep);
	free(rep);
}

#endif
