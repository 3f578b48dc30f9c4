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

