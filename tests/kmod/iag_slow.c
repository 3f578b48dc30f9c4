// SPDX-License-Identifier: GPL-2.0-only
/*
 * iag_slow: a transfer that is still in flight when another one starts on
 * the same CPU, for the per-task/per-context state of i2c-atomic-guard.
 *
 * It registers "iag-test slow", an I2C-only adapter (SMBus emulated) whose
 * master_xfer does not return before a second transfer, to adapter
 * inner_adapter (address inner_addr, an SMBus read byte data of register 0),
 * has been made from inside it. Writing to /sys/kernel/debug/iag_slow/run
 * makes one such outer transfer (an SMBus read byte data of 0x10, register
 * 0) under a spinlock: process context, not preemptible, interrupts on.
 * What was written chooses the inner transfer:
 *
 *   irq    from a hard-IRQ hrtimer pinned to this CPU, started inside
 *          master_xfer, which busy-waits (interrupts on) until it has run;
 *   task   called directly from master_xfer (same task, same context) on
 *          inner_adapter, which is not an ancestor of the slow adapter.
 *
 * Each run prints one line the VM scenario checks before trusting the
 * tool's records (that the interleaving really happened):
 *   iag_slow: run=M outer_adapter=A outer_ret=N inner_adapter=B
 *             inner_addr=0xXX inner_ret=N inner_ran=1 in_flight=1
 *             same_cpu=1 inner_irq=I
 */
#define pr_fmt(fmt) "iag_slow: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/i2c.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static int inner_adapter = -1;
module_param(inner_adapter, int, 0444);
MODULE_PARM_DESC(inner_adapter, "adapter of the transfer made while the slow one is in flight");

static ushort inner_addr = 0x50;
module_param(inner_addr, ushort, 0444);
MODULE_PARM_DESC(inner_addr, "its address");

enum inner_mode { INNER_NONE, INNER_IRQ, INNER_TASK };

/* One run at a time (run_lock); the timer only reads and sets these. */
static DEFINE_MUTEX(run_lock);
static DEFINE_SPINLOCK(outer_spin);
static struct i2c_adapter slow, *inner;
static struct hrtimer inner_timer;
static enum inner_mode mode;
static int outer_cpu, inner_cpu, inner_ret, inner_in_flight, inner_irq;
static int in_flight, inner_ran;

/* The inner transfer, where it is made (a hard IRQ or the slow xfer). */
static void inner_xfer(void)
{
	union i2c_smbus_data data = { .byte = 0 };

	inner_cpu = raw_smp_processor_id();
	inner_in_flight = READ_ONCE(in_flight);
	inner_irq = !!in_hardirq();
	if (mode == INNER_TASK)	/* the slow adapter's lock is ours: not inner's */
		inner_ret = __i2c_smbus_xfer(inner, inner_addr, 0, I2C_SMBUS_READ, 0,
					     I2C_SMBUS_BYTE_DATA, &data);
	else
		inner_ret = i2c_smbus_xfer(inner, inner_addr, 0, I2C_SMBUS_READ, 0,
					   I2C_SMBUS_BYTE_DATA, &data);
	WRITE_ONCE(inner_ran, 1);
}

static enum hrtimer_restart inner_timer_fn(struct hrtimer *t)
{
	inner_xfer();
	return HRTIMER_NORESTART;
}

static int slow_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	ktime_t give_up = ktime_add_ms(ktime_get(), 5000);
	int i;

	outer_cpu = raw_smp_processor_id();
	WRITE_ONCE(in_flight, 1);
	if (mode == INNER_IRQ) {
		/* Pinned: it interrupts this very transfer, on this CPU. */
		hrtimer_start(&inner_timer, ns_to_ktime(200 * NSEC_PER_USEC), HRTIMER_MODE_REL_PINNED_HARD);
		while (!READ_ONCE(inner_ran) && ktime_before(ktime_get(), give_up))
			udelay(20);
	} else if (mode == INNER_TASK) {
		inner_xfer();
	}
	WRITE_ONCE(in_flight, 0);
	for (i = 0; i < num; i++)
		if (msgs[i].flags & I2C_M_RD)
			memset(msgs[i].buf, 0x5a, msgs[i].len);
	return num;
}

static u32 slow_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm slow_algo = {
	.master_xfer = slow_xfer,
	.functionality = slow_func,
};

/* One outer transfer under a spinlock: not preemptible, interrupts on. */
static void run_outer(const char *name)
{
	union i2c_smbus_data data = { .byte = 0 };
	int ret;

	inner_ran = 0;
	inner_ret = inner_cpu = inner_in_flight = inner_irq = -1;
	spin_lock(&outer_spin);
	ret = i2c_smbus_xfer(&slow, 0x10, 0, I2C_SMBUS_READ, 0, I2C_SMBUS_BYTE_DATA, &data);
	spin_unlock(&outer_spin);
	hrtimer_cancel(&inner_timer);
	pr_info("run=%s outer_adapter=%d outer_ret=%d inner_adapter=%d inner_addr=0x%02x inner_ret=%d inner_ran=%d in_flight=%d same_cpu=%d inner_irq=%d\n",
		name, slow.nr, ret, inner->nr, inner_addr, inner_ret, inner_ran,
		inner_in_flight, inner_cpu == outer_cpu, inner_irq);
}

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char word[8] = "";

	if (copy_from_user(word, ubuf, min(len, sizeof(word) - 1)))
		return -EFAULT;
	strim(word);
	mutex_lock(&run_lock);
	if (!strcmp(word, "irq"))
		mode = INNER_IRQ;
	else if (!strcmp(word, "task"))
		mode = INNER_TASK;
	else
		mode = INNER_NONE;
	if (mode != INNER_NONE)
		run_outer(word);
	mode = INNER_NONE;
	mutex_unlock(&run_lock);
	return len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
};

static int nr_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", slow.nr);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nr);

static struct dentry *dbg_dir;

static int __init iag_slow_init(void)
{
	int ret;

	/* Looked up here: i2c_get_adapter() may sleep, the timer may not. */
	inner = i2c_get_adapter(inner_adapter);
	if (!inner)
		return -ENODEV;
	hrtimer_init(&inner_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	inner_timer.function = inner_timer_fn;
	slow.owner = THIS_MODULE;
	slow.algo = &slow_algo;
	strscpy(slow.name, "iag-test slow", sizeof(slow.name));
	ret = i2c_add_adapter(&slow);
	if (ret) {
		i2c_put_adapter(inner);
		return ret;
	}
	dbg_dir = debugfs_create_dir("iag_slow", NULL);
	debugfs_create_file("run", 0200, dbg_dir, NULL, &run_fops);
	debugfs_create_file("adapter", 0400, dbg_dir, NULL, &nr_fops);
	return 0;
}

static void __exit iag_slow_exit(void)
{
	debugfs_remove_recursive(dbg_dir);
	hrtimer_cancel(&inner_timer);
	i2c_del_adapter(&slow);
	i2c_put_adapter(inner);
}

module_init(iag_slow_init);
module_exit(iag_slow_exit);

MODULE_DESCRIPTION("i2c-atomic-guard test: a transfer made while another is in flight");
MODULE_AUTHOR("i2c-atomic-guard developers <devel@i2c-atomic-guard.invalid>");
MODULE_LICENSE("GPL");
