/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text tables a person reads: columns aligned whatever the widths (long
 * driver names, adapter paths), colour only on a terminal and never with
 * NO_COLOR set (https://no-color.org). Drawn by libsmartcols, as util-linux
 * does, where the binary links it; the static binary (no libsmartcols.a in
 * Debian) aligns the same columns itself.
 */
#ifndef IAG_TABLE_H
#define IAG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define IAG_TABLE_MAX_COLS	16

/* Colours of a cell: the verdicts' own. */
enum iag_color { IAG_COLOR_NONE = 0, IAG_COLOR_RED, IAG_COLOR_GREEN, IAG_COLOR_YELLOW };

struct iag_table;

/* Colour on @out? A terminal, TERM not "dumb", NO_COLOR unset or empty. */
bool iag_color_wanted(FILE *out);

struct iag_table *iag_table_new(const char *const *headers, size_t ncols);
/* One row of @ncols cells (NULL prints "-"); @colors may be NULL. */
int iag_table_row(struct iag_table *t, const char *const *cells,
		  const enum iag_color *colors);
/* Print (colour if @color) and free. 0 or -errno. */
int iag_table_print(struct iag_table *t, FILE *out, bool color);
void iag_table_free(struct iag_table *t);

/* Is libsmartcols linked in (for tests)? */
bool iag_table_has_smartcols(void);

#endif
