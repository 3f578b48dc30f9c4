// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy's YAML layer: libyaml's event API, so that every node keeps the
 * mark (line, column) it started at and every error can point at it. The
 * events are collected first (anchors, aliases, tags and extra documents are
 * refused there), then walked: the document here, each rule in
 * policy_rule.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "policy.h"
#include "policy_parse.h"
#include "util.h"

static int push_event(struct pctx *c, const yaml_event_t *e)
{
	struct pev *p;

	if (iag_grow(&c->ev, &c->cap, c->n, sizeof(*c->ev), 64))
		return -ENOMEM;
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
static void syntax_error(struct pctx *c, const yaml_parser_t *parser)
{
	const char *prob = parser->problem ? parser->problem : "syntax error";
	unsigned int line = (unsigned int)parser->problem_mark.line + 1;
	unsigned int col = (unsigned int)parser->problem_mark.column + 1;

	if (parser->context)
		iag_diag_add(c->d, line, col, "YAML: %s %s", prob, parser->context);
	else
		iag_diag_add(c->d, line, col, "YAML: %s", prob);
}

/* What this format has no use for: extra documents, aliases, anchors, tags. */
static int refuse_extras(struct pctx *c, const yaml_event_t *e, int *docs)
{
	unsigned int line = (unsigned int)e->start_mark.line + 1;
	unsigned int col = (unsigned int)e->start_mark.column + 1;
	const char *anchor = NULL, *tag = NULL;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs <= 1)
			return 0;
		iag_diag_add(c->d, line, col,
			     "more than one YAML document: a policy is one document");
		return -EINVAL;
	case YAML_ALIAS_EVENT:
		iag_diag_add(c->d, line, col,
			     "aliases (*%s) are not supported: write the value out",
			     (const char *)e->data.alias.anchor);
		return -EINVAL;
	case YAML_SCALAR_EVENT:
		anchor = (const char *)e->data.scalar.anchor;
		tag = (const char *)e->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = (const char *)e->data.sequence_start.anchor;
		tag = (const char *)e->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = (const char *)e->data.mapping_start.anchor;
		tag = (const char *)e->data.mapping_start.tag;
		break;
	default:
		return 0;
	}
	if (anchor)
		iag_diag_add(c->d, line, col, "anchors (&%s) are not supported", anchor);
	else if (tag)
		iag_diag_add(c->d, line, col, "tags (%s) are not supported", tag);
	return anchor || tag ? -EINVAL : 0;
}

int pp_collect(struct pctx *c, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t e;
	int docs = 0, ret = 0;
	bool end;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	for (;;) {
		if (!yaml_parser_parse(&parser, &e)) {
			syntax_error(c, &parser);
			ret = -EINVAL;
			break;
		}
		if (refuse_extras(c, &e, &docs))
			ret = -EINVAL;
		end = e.type == YAML_STREAM_END_EVENT;
		if (push_event(c, &e)) {
			yaml_event_delete(&e);
			ret = -ENOMEM;
			break;
		}
		yaml_event_delete(&e);
		if (end)
			break;
	}
	yaml_parser_delete(&parser);
	return ret;
}

/* Index just past the node starting at @i. */
size_t pp_skip_node(const struct pctx *c, size_t i)
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

const char *pp_node_kind(const struct pev *e)
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

/* A plain scalar spelled as one of @words (YAML 1.1's nulls, booleans). */
static bool plain_one_of(const struct pev *e, const char *const *words,
			 size_t n)
{
	if (e->type != YAML_SCALAR_EVENT || !e->plain)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e->value, words[i]))
			return true;
	return false;
}

bool pp_is_null(const struct pev *e)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	return plain_one_of(e, nulls, sizeof(nulls) / sizeof(nulls[0]));
}

bool pp_is_bool(const struct pev *e)
{
	static const char *const b[] = {
		"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes",
		"YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
		"y", "Y", "n", "N",
	};

	return plain_one_of(e, b, sizeof(b) / sizeof(b[0]));
}

/*
 * The node at @i must be a non-null string scalar. Reports and returns NULL
 * otherwise; *next is set past the node either way.
 */
const char *pp_want_string(struct pctx *c, size_t i, const char *what,
			       size_t *next)
{
	const struct pev *e = &c->ev[i];

	*next = pp_skip_node(c, i);
	if (e->type != YAML_SCALAR_EVENT) {
		iag_diag_add(c->d, e->line, e->col,
			     "'%s' must be a string, not %s", what,
			     pp_node_kind(e));
		return NULL;
	}
	if (pp_is_null(e)) {
		iag_diag_add(c->d, e->line, e->col, "'%s' has no value", what);
		return NULL;
	}
	if (pp_is_bool(e)) {
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

/* 'mode: audit|enforce' at key @i; the index past its value. */
static size_t walk_mode(struct pctx *c, size_t i, const struct pev **mode_key)
{
	const struct pev *k = &c->ev[i], *ve = &c->ev[i + 1];
	const char *v;
	size_t next;

	if (*mode_key)
		iag_diag_add(c->d, k->line, k->col,
			     "duplicate key 'mode' (first at line %u)", (*mode_key)->line);
	*mode_key = k;
	v = pp_want_string(c, i + 1, "mode", &next);
	if (v && !strcmp(v, "audit"))
		c->pol->mode = IAG_POLICY_AUDIT;
	else if (v && !strcmp(v, "enforce"))
		c->pol->mode = IAG_POLICY_ENFORCE;
	else if (v)
		iag_diag_add(c->d, ve->line, ve->col,
			     "mode '%.100s' is neither 'audit' nor 'enforce'", v);
	return next;
}

/* 'allow: [rules]' at key @i; the index past the list. */
static size_t walk_allow(struct pctx *c, size_t i, const struct pev **allow_key)
{
	const struct pev *k = &c->ev[i], *ve = &c->ev[i + 1];

	if (*allow_key) {
		iag_diag_add(c->d, k->line, k->col,
			     "duplicate key 'allow' (first at line %u)", (*allow_key)->line);
		return pp_skip_node(c, i + 1);
	}
	*allow_key = k;
	if (ve->type != YAML_SEQUENCE_START_EVENT) {
		if (pp_is_null(ve))
			iag_diag_add(c->d, ve->line, ve->col,
				     "'allow' is empty: list at least one rule");
		else
			iag_diag_add(c->d, ve->line, ve->col,
				     "'allow' must be a list of rules, not %s",
				     pp_node_kind(ve));
		return pp_skip_node(c, i + 1);
	}
	i += 2;
	if (c->ev[i].type == YAML_SEQUENCE_END_EVENT)
		iag_diag_add(c->d, ve->line, ve->col,
			     "'allow' is empty: list at least one rule");
	while (i < c->n && c->ev[i].type != YAML_SEQUENCE_END_EVENT)
		i = pp_parse_rule(c, i);
	return i + 1;
}

void pp_walk(struct pctx *c)
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
			     pp_is_null(root) ? "an empty document" : pp_node_kind(root));
		return;
	}
	i++;
	while (i < c->n && c->ev[i].type != YAML_MAPPING_END_EVENT) {
		const struct pev *k = &c->ev[i];

		if (k->type != YAML_SCALAR_EVENT) {
			iag_diag_add(c->d, k->line, k->col,
				     "a top-level key must be a string, not %s",
				     pp_node_kind(k));
			i = pp_skip_node(c, pp_skip_node(c, i));
		} else if (!strcmp(k->value, "mode")) {
			i = walk_mode(c, i, &mode_key);
		} else if (!strcmp(k->value, "allow")) {
			i = walk_allow(c, i, &allow_key);
		} else {
			iag_diag_add(c->d, k->line, k->col,
				     "unknown key '%.100s' (expected 'mode' or 'allow')",
				     k->value);
			i = pp_skip_node(c, i + 1);
		}
	}
	if (!allow_key)
		iag_diag_add(c->d, root->line, root->col,
			     "no 'allow' list: a policy names at least one device");
}
