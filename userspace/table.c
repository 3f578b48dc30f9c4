// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text tables: libsmartcols where the binary links it, our own alignment
 * where it does not. The libsmartcols symbols are weak, so one set of
 * objects serves the dynamic binary (-lsmartcols) and the static one
 * (Debian ships no libsmartcols.a): a NULL scols_new_table means fallback.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsmartcols/libsmartcols.h>

#include "table.h"

#pragma weak scols_new_table
#pragma weak scols_unref_table
#pragma weak scols_table_new_column
#pragma weak scols_table_new_line
#pragma weak scols_line_set_data
#pragma weak scols_line_get_cell
#pragma weak scols_cell_set_color
#pragma weak scols_table_enable_colors
#pragma weak scols_table_set_stream
#pragma weak scols_table_set_termforce
#pragma weak scols_print_table
#pragma weak scols_table_enable_noencoding

#define ANSI_RESET	"\033[0m"

struct iag_table {
	size_t ncols, nrows, cap;
	char *head[IAG_TABLE_MAX_COLS];
	char **cells;			/* nrows * ncols */
	enum iag_color *colors;		/* nrows * ncols */
};

static const char *const color_names[] = {
	[IAG_COLOR_RED] = "red", [IAG_COLOR_GREEN] = "green",
	[IAG_COLOR_YELLOW] = "yellow",
};

static const char *const color_ansi[] = {
	[IAG_COLOR_RED] = "\033[31m", [IAG_COLOR_GREEN] = "\033[32m",
	[IAG_COLOR_YELLOW] = "\033[33m",
};

bool iag_color_wanted(FILE *out)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(out));
}

bool iag_table_has_smartcols(void)
{
	return scols_new_table && scols_print_table;
}

struct iag_table *iag_table_new(const char *const *headers, size_t ncols)
{
	struct iag_table *t;

	if (!ncols || ncols > IAG_TABLE_MAX_COLS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		t->head[i] = strdup(headers[i]);
		if (!t->head[i]) {
			iag_table_free(t);
			return NULL;
		}
	}
	return t;
}

void iag_table_free(struct iag_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->head[i]);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->colors);
	free(t);
}

int iag_table_row(struct iag_table *t, const char *const *cells,
		  const enum iag_color *colors)
{
	size_t base = t->nrows * t->ncols;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char **nc = realloc(t->cells, cap * t->ncols * sizeof(*nc));
		enum iag_color *ncol;

		if (!nc)
			return -ENOMEM;
		t->cells = nc;
		ncol = realloc(t->colors, cap * t->ncols * sizeof(*ncol));
		if (!ncol)
			return -ENOMEM;
		t->colors = ncol;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[base + i] = strdup(cells[i] ? cells[i] : "-");
		t->colors[base + i] = colors ? colors[i] : IAG_COLOR_NONE;
		if (!t->cells[base + i]) {
			while (i--)
				free(t->cells[base + i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

/* Display width: the cells are escaped text (ASCII and UTF-8). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void print_cell(FILE *out, const char *s, size_t pad, bool last,
		       enum iag_color c, bool color)
{
	if (color && c != IAG_COLOR_NONE)
		fprintf(out, "%s%s%s", color_ansi[c], s, ANSI_RESET);
	else
		fputs(s, out);
	if (!last)
		fprintf(out, "%*s", (int)(pad - width(s) + 1), "");
}

static int print_own(struct iag_table *t, FILE *out, bool color)
{
	size_t w[IAG_TABLE_MAX_COLS];

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t c = 0; c < t->ncols; c++)
		print_cell(out, t->head[c], w[c], c + 1 == t->ncols,
			   IAG_COLOR_NONE, false);
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			print_cell(out, t->cells[r * t->ncols + c], w[c],
				   c + 1 == t->ncols, t->colors[r * t->ncols + c],
				   color);
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}

static int print_scols(struct iag_table *t, FILE *out, bool color)
{
	struct libscols_table *tb = scols_new_table();
	int rc = 0;

	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, out);
	/* never cut to the terminal's width: every byte of a name matters */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	scols_table_enable_colors(tb, color);
	/* cells are escaped already (report_esc.c): a second \xNN pass would mangle them */
	scols_table_enable_noencoding(tb, 1);
	for (size_t c = 0; c < t->ncols && !rc; c++)
		if (!scols_table_new_column(tb, t->head[c], 0, 0))
			rc = -ENOMEM;
	for (size_t r = 0; r < t->nrows && !rc; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		for (size_t c = 0; c < t->ncols && !rc; c++) {
			enum iag_color col = t->colors[r * t->ncols + c];

			rc = scols_line_set_data(ln, c, t->cells[r * t->ncols + c]);
			if (!rc && col != IAG_COLOR_NONE)
				rc = scols_cell_set_color(scols_line_get_cell(ln, c),
							  color_names[col]);
		}
	}
	if (!rc)
		rc = scols_print_table(tb);
	scols_unref_table(tb);
	return rc > 0 ? -rc : rc;
}

int iag_table_print(struct iag_table *t, FILE *out, bool color)
{
	int rc = iag_table_has_smartcols() ? print_scols(t, out, color) :
					     print_own(t, out, color);

	iag_table_free(t);
	return rc;
}
