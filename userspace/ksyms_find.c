// SPDX-License-Identifier: GPL-2.0-only
/*
 * One symbol's address from /proc/kallsyms, any type (kprobe mode needs
 * the data symbol system_state). The file is read in large blocks and
 * each line looked at by hand: fgets and sscanf per line made this one
 * lookup most of kprobe mode's start-up in the bench VM (a probe of
 * 560 ms, issue 13).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksyms.h"

#define FIND_BLOCK	(256 * 1024)

/* Is the line [@line, @end) "ADDR TYPE @sym", with or without "\t[module]"? */
static bool line_names(const char *line, const char *end, const char *sym, size_t sym_len)
{
	const char *name = memchr(line, ' ', (size_t)(end - line)), *tab;
	size_t len;

	if (!name || end - name < 3 || name[2] != ' ')
		return false;
	name += 3;
	len = (size_t)(end - name);
	tab = memchr(name, '\t', len);
	if (tab)
		len = (size_t)(tab - name);
	return len == sym_len && !memcmp(name, sym, len);
}

int iag_kallsyms_find(const char *path, const char *sym, unsigned long long *addr)
{
	size_t sym_len = strlen(sym), keep = 0;
	char *buf = malloc(FIND_BLOCK);
	int fd, found = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		found = -errno;
		free(buf);
		return found;
	}
	while (!found) {
		ssize_t got = read(fd, buf + keep, FIND_BLOCK - keep);
		char *line = buf, *nl, *end;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;	/* the file ends with a newline: nothing is left */
		end = buf + keep + got;
		while (!found && (nl = memchr(line, '\n', (size_t)(end - line)))) {
			if (line_names(line, nl, sym, sym_len)) {
				found = 1;
				if (addr)
					*addr = strtoull(line, NULL, 16);
			}
			line = nl + 1;
		}
		/* A line cut by the block goes to the front; one longer than a block is dropped. */
		keep = (size_t)(end - line);
		if (keep == FIND_BLOCK)
			keep = 0;
		memmove(buf, line, keep);
	}
	close(fd);
	free(buf);
	return found;
}
