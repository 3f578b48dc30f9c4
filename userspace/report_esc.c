// SPDX-License-Identifier: GPL-2.0-only
/*
 * Escaping for every output format, each its own rules: names from sysfs
 * may hold spaces, quotes, newlines and bytes that are not UTF-8.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "report_fmt.h"
#include "table.h"
#include "util.h"

/* ---- escaping ----------------------------------------------------------- */

enum esc_mode { ESC_TEXT, ESC_LINE, ESC_KTAP, ESC_XML, ESC_DOT };

/* The longest escape of one input byte: "\\x%02x" in DOT, "&quot;"... */
#define ESC_MAX_GROWTH	8

/* A valid UTF-8 sequence of @n > 1 bytes at @s: copied, or escaped. */
static char *esc_utf8(char *o, const char *s, size_t n, enum esc_mode mode)
{
	/* U+FFFE and U+FFFF are not XML characters */
	if (mode == ESC_XML && n == 3 && (unsigned char)s[0] == 0xef &&
	    (unsigned char)s[1] == 0xbf && (unsigned char)s[2] >= 0xbe)
		return o + sprintf(o, "\\u%s",
				   (unsigned char)s[2] == 0xbe ? "fffe" : "ffff");
	memcpy(o, s, n);
	return o + n;
}

/* A control byte, or (@valid false) a byte that is not UTF-8. */
static char *esc_ctl(char *o, unsigned char c, bool valid, enum esc_mode mode)
{
	switch (mode) {
	case ESC_XML:
		if (valid && (c == '\n' || c == '\t' || c == '\r'))
			return o + sprintf(o, "&#%d;", c);
		break;
	case ESC_DOT:
		if (c == '\n')
			return o + sprintf(o, "\\n");
		/* a literal backslash in the label */
		return o + sprintf(o, "\\\\x%02x", c);
	default:
		if (valid && c == '\n')
			return o + sprintf(o, "\\n");
		if (valid && c == '\t')
			return o + sprintf(o, "\\t");
		if (valid && c == '\r')
			return o + sprintf(o, "\\r");
		break;
	}
	return o + sprintf(o, "\\x%02x", c);
}

static char *esc_xml_char(char *o, unsigned char c)
{
	switch (c) {
	case '&':
		return o + sprintf(o, "&amp;");
	case '<':
		return o + sprintf(o, "&lt;");
	case '>':
		return o + sprintf(o, "&gt;");
	case '"':
		return o + sprintf(o, "&quot;");
	case '\'':
		return o + sprintf(o, "&apos;");
	default:
		*o++ = (char)c;
		return o;
	}
}

/* A printable ASCII byte, by the format's own rules. */
static char *esc_char(char *o, unsigned char c, bool quote, enum esc_mode mode)
{
	switch (mode) {
	case ESC_TEXT:
	case ESC_LINE:
		if (c == '\\' || (c == '"' && quote))
			*o++ = '\\';
		break;
	case ESC_KTAP:
		if (c == '#')
			return o + sprintf(o, "\\x23");
		if (c == '\\')
			return o + sprintf(o, "\\\\");
		break;
	case ESC_XML:
		return esc_xml_char(o, c);
	case ESC_DOT:
		if (c == '"' || c == '\\')
			*o++ = '\\';
		break;
	}
	*o++ = (char)c;
	return o;
}

/* Text: quoted when empty, "-", or holding a space or a quote. */
static bool text_needs_quotes(const char *s, size_t len)
{
	if (!len || !strcmp(s, "-"))
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '"')
			return true;
	return false;
}

static char *esc(const char *s, enum esc_mode mode)
{
	size_t len;
	char *out, *o;
	bool quote;

	if (!s)
		return strdup(mode == ESC_XML || mode == ESC_DOT ? "" : "-");
	len = strlen(s);
	out = malloc(len * ESC_MAX_GROWTH + 3);
	if (!out)
		return NULL;
	o = out;
	quote = mode == ESC_TEXT && text_needs_quotes(s, len);
	if (quote)
		*o++ = '"';
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = iag_utf8_seq((const unsigned char *)s + i, len - i);

		if (n > 1)
			o = esc_utf8(o, s + i, n, mode);
		else if (n == 0 || c < 0x20 || c == 0x7f)
			o = esc_ctl(o, c, n != 0, mode);
		else
			o = esc_char(o, c, quote, mode);
		i += n > 1 ? n : 1;
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

