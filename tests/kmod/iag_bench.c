// SPDX-License-Identifier: GPL-2.0-only
/*
 * iag_bench: what watching I2C costs, measured in the kernel.
 *
 * Three measurements, each started from debugfs (/sys/kernel/debug/iag_bench/)
 * and each reading back one result line:
 *
 *   loop     write anything: REPS rounds of COUNT i2c_smbus_xfer() (SMBus
 *            read byte data, register 0) on ADAPTER/ADDR, in process context
 *            (ordinary, preemptible transfers). Every round is timed with
 *            ktime; ns per transfer of each round, their median, min, max.
 *   suspend  write 1 to arm, 0 to disarm: the same loop, ATOMIC_REPS rounds
 *            of ATOMIC_COUNT, inside a syscore suspend callback of the next
 *            suspend (pm_test=core): atomic mode, interrupts off. Read gives
 *            the last result (or "none").
 *   storm    write "RATE SECONDS": transfers from a hard-IRQ hrtimer while
 *            the system runs (each one an atomic-context transfer), at RATE
 *            per second on average for SECONDS. The timer ticks at 1 kHz
 *            (or at RATE, below 1000/s) and each tick makes up the transfers
 *            the schedule owes, at most a hundredth of a second's worth. Returns
 *            when done; read gives sent, elapsed and the achieved rate.
 *
 * Parameters (module parameters, also writable under
 * /sys/module/iag_bench/parameters/): adapter, addr, count, reps,
 * atomic_count, atomic_reps, and the time limits budget_ms and
 * atomic_budget_ms: past them a run stops early (a slow kernel, or a
 * debug one that warns on every transfer, must not keep interrupts off for
 * long); the result then says how many rounds ran and "truncated=1".
 *
 * Result lines (ns with one decimal, from per-round picoseconds):
 *   loop count=C reps=R median_ns=X min_ns=X max_ns=X rounds_ns=X,X,...
 *        errors=E first_err=E truncated=0|1 state=S irqs_disabled=0|1
 *        transfers=N (all rounds, a truncated one's part included)
 *   storm rate=R seconds=S sent=N errors=E elapsed_ms=M achieved=A
 */
#define pr_fmt(fmt) "iag_bench: " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/i2c.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/syscore_ops.h>
#include <linux/uaccess.h>

#define MAX_REPS	64
#define RESULT_LEN	1024

static int adapter = -1;
module_param(adapter, int, 0644);
MODULE_PARM_DESC(adapter, "adapter number to make transfers on");

static int addr = 0x50;
module_param(addr, int, 0644);
MODULE_PARM_DESC(addr, "target address (a chip of i2c-stub)");

static int count = 20000;
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "transfers per round (loop)");

static int reps = 21;
module_param(reps, int, 0644);
MODULE_PARM_DESC(reps, "rounds (loop), at most 64");

static int budget_ms = 20000;
module_param(budget_ms, int, 0644);
MODULE_PARM_DESC(budget_ms, "time limit of one loop run; rounds stop early past it");

static int atomic_count = 2000;
module_param(atomic_count, int, 0644);
MODULE_PARM_DESC(atomic_count, "transfers per round in the syscore callback");

static int atomic_budget_ms = 1000;
module_param(atomic_budget_ms, int, 0644);
MODULE_PARM_DESC(atomic_budget_ms, "time limit in the syscore callback (interrupts are off)");

static int atomic_reps = 11;
module_param(atomic_reps, int, 0644);
MODULE_PARM_DESC(atomic_reps, "rounds in the syscore callback, at most 64");

static DEFINE_MUTEX(bench_lock);
static struct dentry *dbg_dir;
static char loop_result[RESULT_LEN] = "none\n";
static char suspend_result[RESULT_LEN] = "none\n";
static char storm_result[RESULT_LEN] = "none\n";

/* ---- the loop ---- */

static int xfer_once(struct i2c_adapter *adap, u16 a)
{
	union i2c_smbus_data data;

	return i2c_smbus_xfer(adap, a, 0, I2C_SMBUS_READ, 0,
			      I2C_SMBUS_BYTE_DATA, &data);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* "12345" picoseconds -> "12.3" ns, into buf. */
static int ps_str(char *buf, size_t len, u64 ps)
{
	return scnprintf(buf, len, "%llu.%llu", ps / 1000, (ps % 1000) / 100);
}

/*
 * Run @nreps rounds of @n transfers (@may_sleep: reschedule between rounds,
 * not in atomic context), within @budget_ns. Writes the result line into @out.
 */
static void run_loop(struct i2c_adapter *adap, u16 a, int n, int nreps,
		     u64 budget_ns, bool may_sleep, char *out, size_t outlen)
{
	/* Static: runs are serialized (bench_lock, or frozen userspace). */
	static u64 ps[MAX_REPS], sorted[MAX_REPS];
	int r, i, errors = 0, first_err = 0, pos, done = 0;
	long total = 0;		/* transfers made: what a watcher's run count must show */
	bool truncated = false;
	u64 start = ktime_get_ns();
	char num[32];

	nreps = clamp(nreps, 1, MAX_REPS);
	n = max(n, 1);
	for (r = 0; r < nreps && !truncated; r++) {
		u64 t0, t1;

		t0 = ktime_get_ns();
		for (i = 0; i < n; i++) {
			int ret = xfer_once(adap, a);

			if (ret < 0) {
				errors++;
				if (!first_err)
					first_err = ret;
			}
			if ((i & 63) == 63 && ktime_get_ns() - start > budget_ns) {
				truncated = true;
				i++;
				break;
			}
		}
		t1 = ktime_get_ns();
		ps[r] = div_u64((t1 - t0) * 1000, i);
		total += i;
		done++;
		if (may_sleep)
			cond_resched();
	}
	nreps = done;
	memcpy(sorted, ps, sizeof(ps[0]) * nreps);
	sort(sorted, nreps, sizeof(sorted[0]), cmp_u64, NULL);

	pos = scnprintf(out, outlen, "count=%d reps=%d", n, nreps);
	ps_str(num, sizeof(num), nreps & 1 ? sorted[nreps / 2] :
	       (sorted[nreps / 2 - 1] + sorted[nreps / 2]) / 2);
	pos += scnprintf(out + pos, outlen - pos, " median_ns=%s", num);
	ps_str(num, sizeof(num), sorted[0]);
	pos += scnprintf(out + pos, outlen - pos, " min_ns=%s", num);
	ps_str(num, sizeof(num), sorted[nreps - 1]);
	pos += scnprintf(out + pos, outlen - pos, " max_ns=%s rounds_ns=", num);
	for (r = 0; r < nreps; r++) {
		ps_str(num, sizeof(num), ps[r]);
		pos += scnprintf(out + pos, outlen - pos, "%s%s", r ? "," : "", num);
	}
	pos += scnprintf(out + pos, outlen - pos,
			 " errors=%d first_err=%d truncated=%d state=%d irqs_disabled=%d transfers=%ld\n",
			 errors, first_err, truncated, system_state, irqs_disabled(), total);
}

/* ---- atomic mode: the syscore suspend callback ---- */

static struct i2c_adapter *suspend_adap;	/* armed when non-NULL */
static u16 suspend_addr;
static int suspend_n, suspend_reps;
static u64 suspend_budget_ns;

static int bench_suspend_run(void)
{
	/* Not rewritten while the system suspends: userspace is frozen. */
	if (suspend_adap)
		run_loop(suspend_adap, suspend_addr, suspend_n, suspend_reps,
			 suspend_budget_ns, false, suspend_result,
			 sizeof(suspend_result));
	return 0;
}

/* The syscore API of the kernel: see iag_test.c (IAG_HAVE_STRUCT_SYSCORE). */
#ifdef IAG_HAVE_STRUCT_SYSCORE
static int bench_syscore_suspend(void *data)
{
	return bench_suspend_run();
}

static const struct syscore_ops bench_syscore_ops = {
	.suspend = bench_syscore_suspend,
};

static struct syscore bench_syscore = {
	.ops = &bench_syscore_ops,
};

static void bench_syscore_register(void)
{
	register_syscore(&bench_syscore);
}

static void bench_syscore_unregister(void)
{
	unregister_syscore(&bench_syscore);
}
#else
static struct syscore_ops bench_syscore_ops = {
	.suspend = bench_suspend_run,
};

static void bench_syscore_register(void)
{
	register_syscore_ops(&bench_syscore_ops);
}

static void bench_syscore_unregister(void)
{
	unregister_syscore_ops(&bench_syscore_ops);
}
#endif

static void suspend_disarm(void)
{
	if (suspend_adap)
		i2c_put_adapter(suspend_adap);
	suspend_adap = NULL;
}

/* ---- atomic context while running: the hrtimer storm ---- */

static struct hrtimer storm_timer;
static DECLARE_COMPLETION(storm_done);
static struct i2c_adapter *storm_adap;
static u16 storm_addr;
static u64 storm_rate, storm_t0, storm_end, storm_sent, storm_max_tick;
static int storm_errors;
static ktime_t storm_period;

static enum hrtimer_restart storm_fn(struct hrtimer *t)
{
	u64 now = ktime_get_ns(), owed, i;

	if (now >= storm_end)
		now = storm_end;
	/* Transfers the schedule owes at @now. */
	owed = div_u64((now - storm_t0) * storm_rate, NSEC_PER_SEC);
	owed = owed > storm_sent ? owed - storm_sent : 0;
	owed = min(owed, storm_max_tick);
	for (i = 0; i < owed; i++)
		if (xfer_once(storm_adap, storm_addr) < 0)
			storm_errors++;
	storm_sent += owed;
	if (now >= storm_end) {
		complete(&storm_done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, storm_period);
	return HRTIMER_RESTART;
}

static int run_storm(u64 rate, u64 seconds)
{
	u64 elapsed, achieved;

	if (!rate || !seconds || rate > 10000000 || seconds > 60)
		return -EINVAL;
	storm_adap = i2c_get_adapter(adapter);
	if (!storm_adap)
		return -ENODEV;
	storm_addr = addr;
	storm_rate = rate;
	storm_sent = 0;
	storm_errors = 0;
	storm_max_tick = max_t(u64, rate / 100, 1);
	storm_period = rate >= 1000 ? ms_to_ktime(1) :
		       ns_to_ktime(div64_u64(NSEC_PER_SEC, rate));
	reinit_completion(&storm_done);
	storm_t0 = ktime_get_ns();
	storm_end = storm_t0 + seconds * NSEC_PER_SEC;
	hrtimer_start(&storm_timer, storm_period, HRTIMER_MODE_REL_HARD);
	if (!wait_for_completion_timeout(&storm_done, (seconds + 30) * HZ)) {
		hrtimer_cancel(&storm_timer);
		pr_err("storm: timer did not finish\n");
	}
	elapsed = ktime_get_ns() - storm_t0;
	achieved = div64_u64(storm_sent * NSEC_PER_SEC, max_t(u64, elapsed, 1));
	scnprintf(storm_result, sizeof(storm_result),
		  "storm rate=%llu seconds=%llu sent=%llu errors=%d elapsed_ms=%llu achieved=%llu\n",
		  rate, seconds, storm_sent, storm_errors,
		  div_u64(elapsed, NSEC_PER_MSEC), achieved);
	i2c_put_adapter(storm_adap);
	storm_adap = NULL;
	return 0;
}

/* ---- debugfs ---- */

enum bench_file { F_LOOP, F_SUSPEND, F_STORM };

static ssize_t bench_write(struct file *f, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	enum bench_file which = (uintptr_t)f->f_inode->i_private;
	struct i2c_adapter *adap;
	char text[64];
	u64 rate, secs;
	int ret = 0;

	if (len >= sizeof(text))
		return -E2BIG;
	if (copy_from_user(text, ubuf, len))
		return -EFAULT;
	text[len] = '\0';

	mutex_lock(&bench_lock);
	switch (which) {
	case F_LOOP:
		adap = i2c_get_adapter(adapter);
		if (!adap) {
			ret = -ENODEV;
			break;
		}
		strscpy(loop_result, "running\n", sizeof(loop_result));
		run_loop(adap, addr, count, reps,
			 (u64)max(budget_ms, 1) * NSEC_PER_MSEC, true,
			 loop_result, sizeof(loop_result));
		i2c_put_adapter(adap);
		break;
	case F_SUSPEND:
		suspend_disarm();
		if (text[0] == '1') {
			suspend_adap = i2c_get_adapter(adapter);
			if (!suspend_adap) {
				ret = -ENODEV;
				break;
			}
			suspend_addr = addr;
			suspend_n = atomic_count;
			suspend_reps = atomic_reps;
			suspend_budget_ns = (u64)max(atomic_budget_ms, 1) *
					    NSEC_PER_MSEC;
			strscpy(suspend_result, "armed\n", sizeof(suspend_result));
		}
		break;
	case F_STORM:
		if (sscanf(text, "%llu %llu", &rate, &secs) != 2) {
			ret = -EINVAL;
			break;
		}
		ret = run_storm(rate, secs);
		break;
	}
	mutex_unlock(&bench_lock);
	return ret ? ret : len;
}

static ssize_t bench_read(struct file *f, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	enum bench_file which = (uintptr_t)f->f_inode->i_private;
	size_t size = RESULT_LEN + 16;
	char *text = kmalloc(size, GFP_KERNEL);
	ssize_t ret;
	int n;

	if (!text)
		return -ENOMEM;
	mutex_lock(&bench_lock);
	n = scnprintf(text, size, "%s%s",
		      which == F_STORM ? "" : which == F_LOOP ? "loop " : "suspend ",
		      which == F_LOOP ? loop_result :
		      which == F_SUSPEND ? suspend_result : storm_result);
	mutex_unlock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, text, n);
	kfree(text);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.write = bench_write,
	.read = bench_read,
	.llseek = default_llseek,
};

static int __init iag_bench_init(void)
{
	static const char * const names[] = {
		[F_LOOP] = "loop", [F_SUSPEND] = "suspend", [F_STORM] = "storm",
	};
	int i;

	hrtimer_init(&storm_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	storm_timer.function = storm_fn;
	dbg_dir = debugfs_create_dir("iag_bench", NULL);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		debugfs_create_file(names[i], 0600, dbg_dir,
				    (void *)(uintptr_t)i, &bench_fops);
	bench_syscore_register();
	pr_info("loaded adapter=%d addr=0x%02x\n", adapter, addr);
	return 0;
}

static void __exit iag_bench_exit(void)
{
	bench_syscore_unregister();
	debugfs_remove_recursive(dbg_dir);
	hrtimer_cancel(&storm_timer);
	mutex_lock(&bench_lock);
	suspend_disarm();
	mutex_unlock(&bench_lock);
}

module_init(iag_bench_init);
module_exit(iag_bench_exit);

MODULE_DESCRIPTION("i2c-atomic-guard benchmarks: per-transfer cost, atomic mode, event storms");
MODULE_AUTHOR("i2c-atomic-guard developers <devel@i2c-atomic-guard.invalid>");
MODULE_LICENSE("GPL");
