/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy parser, inside: the YAML events with their marks and the
 * document's shape (policy_yaml.c), and one rule's validation
 * (policy_rule.c). policy.c holds the entry points.
 */
#ifndef IAG_POLICY_PARSE_H
#define IAG_POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "policy.h"

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

/* Collect the events of @buf; refuse what this format has no use for. */
int pp_collect(struct pctx *c, const char *buf, size_t len);
/* Index just past the node starting at @i. */
size_t pp_skip_node(const struct pctx *c, size_t i);
/* "a list", "a mapping", "a number"...: for messages. */
const char *pp_node_kind(const struct pev *e);
bool pp_is_null(const struct pev *e);
bool pp_is_bool(const struct pev *e);
/* The string at @i (diagnosed if it is not one); *@next past it. */
const char *pp_want_string(struct pctx *c, size_t i, const char *what,
			   size_t *next);
/* The document: mode and allow (policy_yaml.c). */
void pp_walk(struct pctx *c);
/* One rule of 'allow' at @i; returns the index past it (policy_rule.c). */
size_t pp_parse_rule(struct pctx *c, size_t i);

#endif
