// SPDX-License-Identifier: GPL-2.0-only
/*
 * benchutil: the small measurements the bench guest script cannot make with
 * busybox alone. Static, no libraries.
 *
 *   benchutil startup RUNS MARKER -- CMD [ARGS...]
 *       RUNS times: fork, exec CMD with stdout and stderr on a pipe, time
 *       from just before the fork until a line containing MARKER arrives
 *       (CLOCK_MONOTONIC); then, once CMD sleeps (at most 1 s later),
 *       SIGINT, and the time to its end. Prints one line per run and
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
 *   benchutil bpfobjs
 *       Every BPF program, link and map in the system (by id, through the
 *       bpf() syscall, so maps only another map holds count too):
 *         prog id=N type=T name=X run_cnt=C run_time_ns=R verified_insns=V
 *         link id=N type=T prog_id=P
 *         map id=N type=T name=X entries=N memlock=B
 *       run_cnt and run_time_ns count only while kernel.bpf_stats_enabled is 1.
 *   benchutil stop PID [LIMIT_MS]
 *       SIGINT to PID, then the time until it has ended (exited or a zombie):
 *         stop pid=N ms=X ended=0|1
 *       Gives up after LIMIT_MS (default 20000); exit 1 if it did not end.
 */
#include <dirent.h>
#include <stdbool.h>
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
#include <sys/syscall.h>
#include <linux/bpf.h>

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

/*
 * One run: ms until MARKER, or -1; @stop_ms: from SIGINT to its end. With
 * BENCHUTIL_ECHO set, what the command prints goes on to stderr.
 */
/* State letter of PID from /proc/PID/stat, or 0 when it is gone. */
static char proc_state(pid_t pid)
{
	char path[64], line[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Wait (at most 1 s) until PID sleeps: two looks 5 ms apart find it in
 * state S, waiting for its events as an interactive Ctrl-C finds a tool.
 * bpftrace 0.17 loses a SIGINT that comes between its BEGIN output and its
 * next epoll_wait() and then sleeps there for good (2 of 8 start-up runs
 * in one boot); the tools' own handling of an early signal is scenario 45's.
 */
static void wait_asleep(pid_t pid)
{
	double t0 = now_ms();
	int asleep = 0;

	while (asleep < 2 && now_ms() - t0 < 1000) {
		asleep = proc_state(pid) == 'S' ? asleep + 1 : 0;
		usleep(5000);
	}
}

static double startup_once(char **cmd, const char *marker, double *stop_ms)
{
	bool echo = getenv("BENCHUTIL_ECHO") != NULL;
	char buf[8192];
	size_t have = 0;
	double t0, t = -1, t_stop;
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
		if (echo)	/* what the command says, e.g. its -v start-up phases */
			fwrite(buf + have, 1, n, stderr);
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
	wait_asleep(pid);
	t_stop = now_ms();
	kill(pid, SIGINT);
	/*
	 * Drain so the child never blocks on a full pipe while it exits (EOF:
	 * it has exited); one that is still there after 20 s is killed.
	 */
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		double left = 20000 - (now_ms() - t_stop);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			fprintf(stderr, "benchutil: %s did not end within 20 s of SIGINT\n",
				cmd[0]);
			kill(pid, SIGKILL);
			break;
		}
		n = read(fds[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		if (echo)
			fwrite(buf, 1, n, stderr);
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	*stop_ms = now_ms() - t_stop;
	return t;
}

static int do_startup(int argc, char **argv)
{
	int runs, i, n = 0;
	const char *marker;
	double *ms, stop, stop_max = 0;

	if (argc < 5 || strcmp(argv[3], "--"))
		return 2;
	runs = atoi(argv[1]);
	marker = argv[2];
	if (runs < 1 || runs > 100)
		return 2;
	ms = calloc(runs, sizeof(*ms));
	for (i = 0; i < runs; i++) {
		double t = startup_once(argv + 4, marker, &stop);

		if (t < 0)
			return 1;
		if (stop > stop_max)
			stop_max = stop;
		printf("startup run=%d ms=%.1f stop_ms=%.1f\n", i + 1, t, stop);
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
	printf(" stop_max_ms=%.1f\n", stop_max);
	free(ms);
	return 0;
}

/*
 * Events in a JSON Lines record: its "count" (a record of repeats the
 * kernel aggregated), else 1. "msg_count" is not it: the key must follow
 * '{' or ','.
 */
static unsigned long record_events(const char *line)
{
	const char *p = line;

	while ((p = strstr(p, "\"count\":")) != NULL) {
		if (p > line && (p[-1] == '{' || p[-1] == ','))
			return strtoul(p + 8, NULL, 10);
		p++;
	}
	return 1;
}

/*
 * Lines on stdin: records matching PATTERN (records=), the events they
 * stand for (count=), and the summary. The text table's "xN: repeats" line
 * under a row makes that row stand for N events.
 */
static int do_sink(const char *pattern)
{
	char *line = NULL, *summary = NULL;
	size_t cap = 0;
	unsigned long count = 0, records = 0, n_rep;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (strstr(line, pattern)) {
			records++;
			count += record_events(line);
		} else if (sscanf(line, " x%lu: repeats", &n_rep) == 1 && n_rep) {
			count += n_rep - 1;
		} else if (strstr(line, "summary")) {
			free(summary);
			summary = strdup(line);
		}
	}
	printf("count=%lu records=%lu\n%s", count, records, summary ? summary : "no summary\n");
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

static long bpf_sys(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

/* The next id after @id of the kind @next_cmd walks, and an fd for it; -1 at the end. */
static int next_obj(int next_cmd, int fd_cmd, __u32 *id)
{
	union bpf_attr a;
	int fd;

	do {
		memset(&a, 0, sizeof(a));
		a.start_id = *id;
		if (bpf_sys(next_cmd, &a))
			return -1;
		*id = a.next_id;
		memset(&a, 0, sizeof(a));
		a.prog_id = *id;	/* map_id and link_id share the slot */
		fd = bpf_sys(fd_cmd, &a);
	} while (fd < 0);	/* gone in between: the next one */
	return fd;
}

static int obj_info(int fd, void *info, __u32 len)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(info, 0, len);
	a.info.bpf_fd = fd;
	a.info.info_len = len;
	a.info.info = (__u64)(unsigned long)info;
	return bpf_sys(BPF_OBJ_GET_INFO_BY_FD, &a);
}

static int do_bpfobjs(void)
{
	char path[64], v[64];
	__u32 id = 0;
	int fd;

	while ((fd = next_obj(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, &id)) >= 0) {
		struct bpf_prog_info pi;

		if (!obj_info(fd, &pi, sizeof(pi)))
			printf("prog id=%u type=%u name=%s run_cnt=%llu run_time_ns=%llu verified_insns=%u\n",
			       pi.id, pi.type, pi.name[0] ? pi.name : "-",
			       (unsigned long long)pi.run_cnt,
			       (unsigned long long)pi.run_time_ns, pi.verified_insns);
		close(fd);
	}
	id = 0;
	while ((fd = next_obj(BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, &id)) >= 0) {
		struct bpf_link_info li;

		if (!obj_info(fd, &li, sizeof(li)))
			printf("link id=%u type=%u prog_id=%u\n", li.id, li.type, li.prog_id);
		close(fd);
	}
	id = 0;
	while ((fd = next_obj(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, &id)) >= 0) {
		struct bpf_map_info mi;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		if (proc_field(path, "memlock", v, sizeof(v)))
			strcpy(v, "0");
		if (!obj_info(fd, &mi, sizeof(mi)))
			printf("map id=%u type=%u name=%s entries=%u memlock=%s\n", mi.id, mi.type,
			       mi.name[0] ? mi.name : "-", mi.max_entries, v);
		close(fd);
	}
	return 0;
}

static int do_stop(pid_t pid, double limit_ms)
{
	double t0 = now_ms(), t;
	int ended = 0;
	char st;

	if (kill(pid, SIGINT)) {
		fprintf(stderr, "benchutil: kill %d: %s\n", (int)pid, strerror(errno));
		return 2;
	}
	for (;;) {
		t = now_ms() - t0;
		st = proc_state(pid);
		if (!st || st == 'Z' || st == 'X') {
			ended = 1;
			break;
		}
		if (t > limit_ms)
			break;
		usleep(1000);
	}
	printf("stop pid=%d ms=%.1f ended=%d\n", (int)pid, t, ended);
	return !ended;
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
	else if (argc == 2 && !strcmp(argv[1], "bpfobjs"))
		rc = do_bpfobjs();
	else if ((argc == 3 || argc == 4) && !strcmp(argv[1], "stop"))
		rc = do_stop(atoi(argv[2]), argc == 4 ? atof(argv[3]) : 20000);
	if (rc == 2)
		fprintf(stderr,
			"usage: benchutil startup RUNS MARKER -- CMD [ARGS...]\n"
			"       benchutil sink PATTERN < LINES\n"
			"       benchutil bpfmem PID\n"
			"       benchutil readtime FILE...\n"
			"       benchutil bpfobjs\n"
			"       benchutil stop PID [LIMIT_MS]\n");
	return rc;
}
