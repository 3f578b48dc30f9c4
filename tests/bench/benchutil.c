// SPDX-License-Identifier: GPL-2.0-only
/*
 * benchutil: the small measurements the bench guest script cannot make with
 * busybox alone. Static, no libraries.
 *
 *   benchutil startup RUNS MARKER -- CMD [ARGS...]
 *       RUNS times: fork, exec CMD with stdout and stderr on a pipe, time
 *       from just before the fork until a line containing MARKER arrives
 *       (CLOCK_MONOTONIC); then SIGINT, wait. Prints one line per run and
 *         startup runs=N median_ms=X min_ms=X max_ms=X all_ms=X,X,...
 *       Exit 1 if a run did not print MARKER within 60 s.
 *   benchutil sink PATTERN
 *       Reads lines on stdin (a FIFO the tool writes JSON Lines to), counts
 *       those containing PATTERN, keeps the last one containing "summary";
 *       at EOF prints "count=N" and that line.
 *   benchutil bpfmem PID
 *       BPF maps and programs held by PID (its fds, from /proc/PID/fdinfo):
 *       one line per map (type, sizes, memlock), then
 *         bpfmem maps=N map_memlock_kb=X progs=N prog_memlock_kb=X
 *       and VmRSS/VmHWM from /proc/PID/status:
 *         rss vmrss_kb=X vmhwm_kb=X
 *   benchutil readtime FILE...
 *       Time to read each FILE to its end (what a tool pays to scan it):
 *         readtime file=F bytes=N ms=X
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run: ms until MARKER, or -1. */
static double startup_once(char **cmd, const char *marker)
{
	char buf[8192];
	size_t have = 0;
	double t0, t = -1;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		double left = 60000 - (now_ms() - t0);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(fds[0], buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		if (strstr(buf, marker)) {
			t = now_ms() - t0;
			break;
		}
		if (have > sizeof(buf) / 2) {	/* keep the tail */
			memmove(buf, buf + have - 256, 256);
			have = 256;
		}
	}
	if (t < 0)
		fprintf(stderr, "benchutil: no '%s' from %s; it said: %.*s\n",
			marker, cmd[0], (int)have, buf);
	kill(pid, SIGINT);
	/* Drain so the child never blocks on a full pipe while it exits. */
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return t;
}

static int do_startup(int argc, char **argv)
{
	int runs, i, n = 0;
	const char *marker;
	double *ms;

	if (argc < 5 || strcmp(argv[3], "--"))
		return 2;
	runs = atoi(argv[1]);
	marker = argv[2];
	if (runs < 1 || runs > 100)
		return 2;
	ms = calloc(runs, sizeof(*ms));
	for (i = 0; i < runs; i++) {
		double t = startup_once(argv + 4, marker);

		if (t < 0)
			return 1;
		printf("startup run=%d ms=%.1f\n", i + 1, t);
		fflush(stdout);
		ms[n++] = t;
	}
	printf("startup runs=%d", n);
	{
		double *s = malloc(n * sizeof(*s));

		memcpy(s, ms, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_double);
		printf(" median_ms=%.1f min_ms=%.1f max_ms=%.1f all_ms=",
		       n & 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[0], s[n - 1]);
		free(s);
	}
	for (i = 0; i < n; i++)
		printf("%s%.1f", i ? "," : "", ms[i]);
	printf("\n");
	free(ms);
	return 0;
}

static int do_sink(const char *pattern)
{
	char *line = NULL, *summary = NULL;
	size_t cap = 0;
	unsigned long count = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (strstr(line, pattern))
			count++;
		else if (strstr(line, "summary")) {
			free(summary);
			summary = strdup(line);
		}
	}
	printf("count=%lu\n%s", count, summary ? summary : "no summary\n");
	return 0;
}

/* Value of "key:\t..." in a /proc file, as a string (first match). */
static int proc_field(const char *path, const char *key, char *out, size_t len)
{
	char line[256];
	size_t kl = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			char *v = line + kl + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static int do_bpfmem(const char *pid)
{
	char dir[64], path[PATH_MAX], link[256], v[64];
	unsigned long long map_mem = 0, prog_mem = 0;
	int maps = 0, progs = 0;
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "benchutil: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((d = readdir(dp))) {
		ssize_t n;
		char fdinfo[PATH_MAX];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		snprintf(fdinfo, sizeof(fdinfo), "/proc/%s/fdinfo/%s", pid, d->d_name);
		if (strstr(link, "bpf-map")) {
			char type[16] = "?", key[16] = "?", val[16] = "?", ent[16] = "?";

			proc_field(fdinfo, "map_type", type, sizeof(type));
			proc_field(fdinfo, "key_size", key, sizeof(key));
			proc_field(fdinfo, "value_size", val, sizeof(val));
			proc_field(fdinfo, "max_entries", ent, sizeof(ent));
			if (proc_field(fdinfo, "memlock", v, sizeof(v)))
				strcpy(v, "0");
			printf("map fd=%s type=%s key=%s value=%s entries=%s memlock=%s\n",
			       d->d_name, type, key, val, ent, v);
			map_mem += strtoull(v, NULL, 10);
			maps++;
		} else if (strstr(link, "bpf-prog")) {
			if (proc_field(fdinfo, "memlock", v, sizeof(v)))
				strcpy(v, "0");
			prog_mem += strtoull(v, NULL, 10);
			progs++;
		}
	}
	closedir(dp);
	printf("bpfmem maps=%d map_memlock_kb=%llu progs=%d prog_memlock_kb=%llu\n",
	       maps, map_mem / 1024, progs, prog_mem / 1024);
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	{
		char rss[32] = "?", hwm[32] = "?";

		proc_field(path, "VmRSS", rss, sizeof(rss));
		proc_field(path, "VmHWM", hwm, sizeof(hwm));
		printf("rss vmrss_kb=%ld vmhwm_kb=%ld\n", strtol(rss, NULL, 10),
		       strtol(hwm, NULL, 10));
	}
	return 0;
}

static int do_readtime(int argc, char **argv)
{
	static char buf[1 << 16];
	int i;

	for (i = 0; i < argc; i++) {
		double t0 = now_ms();
		unsigned long long bytes = 0;
		FILE *f = fopen(argv[i], "r");
		size_t n;

		if (!f) {
			printf("readtime file=%s error=%d\n", argv[i], errno);
			continue;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			bytes += n;
		fclose(f);
		printf("readtime file=%s bytes=%llu ms=%.1f\n", argv[i], bytes, now_ms() - t0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc >= 2 && !strcmp(argv[1], "startup"))
		rc = do_startup(argc - 1, argv + 1);
	else if (argc == 3 && !strcmp(argv[1], "sink"))
		rc = do_sink(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "bpfmem"))
		rc = do_bpfmem(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "readtime"))
		rc = do_readtime(argc - 2, argv + 2);
	if (rc == 2)
		fprintf(stderr,
			"usage: benchutil startup RUNS MARKER -- CMD [ARGS...]\n"
			"       benchutil sink PATTERN < LINES\n"
			"       benchutil bpfmem PID\n"
			"       benchutil readtime FILE...\n");
	return rc;
}
