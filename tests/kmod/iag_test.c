// SPDX-License-Identifier: GPL-2.0-only
/*
 * iag_test: make I2C/SMBus transfers where i2c-atomic-guard must see them.
 *
 * A "plan" is a list of operations, separated by ';' or newlines:
 *
 *   r A X R     SMBus read byte data, adapter A, address X, register R
 *   w A X R V   SMBus write byte data
 *   i A X       plain I2C read of one byte (i2c_transfer)
 *   b A X N     N SMBus read byte data transfers (a burst)
 *   l A X       hold A's bus lock, then SMBus read: must fail with -EAGAIN
 *
 * Plans run in the context that matters, chosen by the debugfs file they are
 * written to (/sys/kernel/debug/iag_test/):
 *
 *   suspend_plan    syscore suspend: atomic mode, system_state SUSPEND
 *   poweroff_plan   a sys-off handler above the firmware's: atomic mode,
 *                   system_state POWER_OFF
 *   restart_plan    a restart handler above the firmware's, whatever
 *                   restarts the machine (reboot, panic): atomic mode when
 *                   system_state is RESTART; on x86, which runs no restart
 *                   handler, at syscore shutdown with interrupts off
 *   run_now         process context, system running
 *   run_hrtimer     a hard-IRQ hrtimer callback, system running
 *   run_spinlock    under a spinlock, system running
 *
 * Adapters are looked up when a plan is written, in process context, since
 * i2c_get_adapter() may sleep. Every operation prints one line:
 *   iag_test: phase=P op=O adapter=A addr=0xXX reg=0xRR ret=N val=0xVV
 *             state=S irqs_disabled=I preempt=0xC
 * which the VM scenarios compare with what the tools reported.
 *
 * With topology_adapter=N the module also builds, on adapter N (i2c-stub
 * with chip_addr including 0x50,0x51,0x52,0x70):
 *   a mux client "iag-mux" at 0x70 with two channel adapters,
 *   "iag-plain" at 0x52 on N, "iag-plain" at 0x50 on channel 0,
 *   "iag-client" at 0x51 on channel 1 (bound to this module's driver),
 *   a platform device "iag-reboot" consuming the channel 1 client through a
 *   device link.
 * With noatomic_adapter=1 it registers "iag-test noatomic", an adapter with
 * a sleeping master_xfer only. With i2conly_adapter=1 it registers "iag-test
 * i2conly", an I2C-only adapter like most SoC controllers (master_xfer and
 * master_xfer_atomic, no SMBus callback: SMBus is emulated), holding one
 * register file that every address reads and writes.
 * /sys/kernel/debug/iag_test/topology prints the numbers.
 */
#define pr_fmt(fmt) "iag_test: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/i2c.h>
#include <linux/i2c-mux.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/syscore_ops.h>
#include <linux/uaccess.h>

#define IAG_MAX_OPS	32
#define IAG_PLAN_LEN	512

static int topology_adapter = -1;
module_param(topology_adapter, int, 0444);
MODULE_PARM_DESC(topology_adapter, "adapter to build the mux topology on (-1: none)");

static bool noatomic_adapter;
module_param(noatomic_adapter, bool, 0444);
MODULE_PARM_DESC(noatomic_adapter, "register an adapter without atomic callbacks");

static bool i2conly_adapter;
module_param(i2conly_adapter, bool, 0444);
MODULE_PARM_DESC(i2conly_adapter, "register an I2C-only adapter with an atomic master_xfer");

struct iag_op {
	char kind;
	struct i2c_adapter *adap;
	u16 addr;
	u8 reg;
	u8 val;
	int count;
};

struct iag_plan {
	struct iag_op ops[IAG_MAX_OPS];
	int n;
	char text[IAG_PLAN_LEN];
};

static DEFINE_MUTEX(plan_lock);
static struct iag_plan suspend_plan, poweroff_plan, restart_plan;
static struct dentry *dbg_dir;

/* ---- plans: parse in process context, run anywhere ---- */

static void plan_release(struct iag_plan *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		i2c_put_adapter(p->ops[i].adap);
	p->n = 0;
	p->text[0] = '\0';
}

static int parse_op(char *s, struct iag_op *op)
{
	char *argv[5];
	int argc = 0, v[4] = { 0 }, i;
	char *tok;

	while ((tok = strsep(&s, " \t")) && argc < ARRAY_SIZE(argv)) {
		if (*tok)
			argv[argc++] = tok;
	}
	if (argc < 3 || strlen(argv[0]) != 1)
		return -EINVAL;
	for (i = 1; i < argc; i++)
		if (kstrtoint(argv[i], 0, &v[i - 1]))
			return -EINVAL;

	op->kind = argv[0][0];
	op->addr = v[1];
	switch (op->kind) {
	case 'r':
		if (argc != 4)
			return -EINVAL;
		op->reg = v[2];
		break;
	case 'w':
		if (argc != 5)
			return -EINVAL;
		op->reg = v[2];
		op->val = v[3];
		break;
	case 'b':
		if (argc != 4 || v[2] < 1)
			return -EINVAL;
		op->count = v[2];
		break;
	case 'i':
	case 'l':
		if (argc != 3)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	op->adap = i2c_get_adapter(v[0]);
	return op->adap ? 0 : -ENODEV;
}

static int plan_parse(const char *text, struct iag_plan *p)
{
	char *buf, *s, *line;
	int ret = 0;

	buf = kstrdup(text, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p->n = 0;
	s = buf;
	while ((line = strsep(&s, ";\n"))) {
		line = strim(line);
		if (!*line)
			continue;
		if (p->n == IAG_MAX_OPS) {
			ret = -E2BIG;
			break;
		}
		ret = parse_op(line, &p->ops[p->n]);
		if (ret)
			break;
		p->n++;
	}
	kfree(buf);
	if (ret)
		plan_release(p);
	else
		strscpy(p->text, text, sizeof(p->text));
	return ret;
}

static void report(const char *phase, const struct iag_op *op, int ret, u8 val)
{
	pr_info("phase=%s op=%c adapter=%d addr=0x%02x reg=0x%02x ret=%d val=0x%02x state=%d irqs_disabled=%d preempt=0x%x\n",
		phase, op->kind, op->adap->nr, op->addr, op->reg, ret, val,
		system_state, irqs_disabled(), preempt_count());
}

static int smbus_read(struct i2c_adapter *adap, u16 addr, u8 reg, u8 *val)
{
	union i2c_smbus_data data = { .byte = 0 };
	int ret;

	ret = i2c_smbus_xfer(adap, addr, 0, I2C_SMBUS_READ, reg,
			     I2C_SMBUS_BYTE_DATA, &data);
	*val = data.byte;
	return ret;
}

static void run_op(const char *phase, const struct iag_op *op)
{
	union i2c_smbus_data data = { .byte = op->val };
	struct i2c_msg msg;
	u8 val = 0, buf = 0;
	int ret, i, ok = 0, first_err = 0;

	switch (op->kind) {
	case 'r':
		ret = smbus_read(op->adap, op->addr, op->reg, &val);
		break;
	case 'w':
		ret = i2c_smbus_xfer(op->adap, op->addr, 0, I2C_SMBUS_WRITE,
				     op->reg, I2C_SMBUS_BYTE_DATA, &data);
		val = op->val;
		break;
	case 'i':
		msg.addr = op->addr;
		msg.flags = I2C_M_RD;
		msg.len = 1;
		msg.buf = &buf;
		ret = i2c_transfer(op->adap, &msg, 1);
		val = buf;
		break;
	case 'l':
		/* The lock is taken here, so the transfer's trylock fails. */
		if (!i2c_trylock_bus(op->adap, I2C_LOCK_SEGMENT)) {
			ret = -EBUSY;
			break;
		}
		ret = smbus_read(op->adap, op->addr, 0, &val);
		i2c_unlock_bus(op->adap, I2C_LOCK_SEGMENT);
		break;
	case 'b':
		for (i = 0; i < op->count; i++) {
			ret = smbus_read(op->adap, op->addr, 0, &val);
			if (ret >= 0)
				ok++;
			else if (!first_err)
				first_err = ret;
		}
		pr_info("phase=%s op=b adapter=%d addr=0x%02x count=%d ok=%d failed=%d first_err=%d state=%d irqs_disabled=%d\n",
			phase, op->adap->nr, op->addr, op->count, ok,
			op->count - ok, first_err, system_state,
			irqs_disabled());
		return;
	default:
		return;
	}
	report(phase, op, ret, val);
}

static void plan_run(const char *phase, const struct iag_plan *p)
{
	int i;

	pr_info("phase=%s begin ops=%d\n", phase, p->n);
	for (i = 0; i < p->n; i++)
		run_op(phase, &p->ops[i]);
	pr_info("phase=%s end\n", phase);
}

/**
 * restart_plan_run() - run restart_plan once the machine is restarting
 * @hook: where it runs from, for the log: "restart_handler" or
 *        "syscore_shutdown"
 *
 * No lock: the plan is not rewritten while the machine restarts, and a
 * panic's restart may come in any context. The plan runs whatever
 * triggered the restart (a reboot, a panic's emergency restart); the
 * state= field of its lines tells which.
 */
static void restart_plan_run(const char *hook)
{
	if (!restart_plan.n)
		return;
	pr_info("phase=restart hook=%s\n", hook);
	plan_run("restart", &restart_plan);
}

/* ---- the contexts ---- */

static int iag_syscore_suspend_plan(void)
{
	/* No lock: plans are not rewritten while the system suspends. */
	if (suspend_plan.n)
		plan_run("suspend", &suspend_plan);
	return 0;
}

static void iag_syscore_resume_plan(void)
{
	if (suspend_plan.n)
		pr_info("phase=resume\n");
}

/**
 * iag_syscore_shutdown_plan() - x86's stand-in for the restart handler
 *
 * x86's machine_restart() never calls do_kernel_restart(): it stops the
 * other CPUs and resets the machine itself (ACPI, keyboard controller,
 * CF9...), so no restart handler ever runs there. The last point of a
 * reboot that a module can hook is syscore shutdown, after
 * device_shutdown() and with system_state RESTART; interrupts are still on
 * there, and a restart handler elsewhere runs with them off (arm64's
 * machine_restart() disables them first). Run restart_plan there with
 * interrupts off, which is the context the I2C core calls atomic mode, as
 * a board's reset driver would meet it on another architecture.
 */
static void iag_syscore_shutdown_plan(void)
{
	unsigned long flags;

	if (!IS_ENABLED(CONFIG_X86) || system_state != SYSTEM_RESTART)
		return;
	local_irq_save(flags);
	restart_plan_run("syscore_shutdown");
	local_irq_restore(flags);
}

/*
 * The syscore API (IAG_HAVE_STRUCT_SYSCORE comes from tests/kmod/Makefile,
 * which reads the headers): callbacks with a data pointer registered
 * through struct syscore, or the older data-less struct syscore_ops of 6.1.
 */
#ifdef IAG_HAVE_STRUCT_SYSCORE
static int iag_syscore_suspend(void *data)
{
	return iag_syscore_suspend_plan();
}

static void iag_syscore_resume(void *data)
{
	iag_syscore_resume_plan();
}

static void iag_syscore_shutdown(void *data)
{
	iag_syscore_shutdown_plan();
}

static const struct syscore_ops iag_syscore_ops = {
	.suspend = iag_syscore_suspend,
	.resume = iag_syscore_resume,
	.shutdown = iag_syscore_shutdown,
};

static struct syscore iag_syscore = {
	.ops = &iag_syscore_ops,
};

static void iag_syscore_register(void)
{
	register_syscore(&iag_syscore);
}

static void iag_syscore_unregister(void)
{
	unregister_syscore(&iag_syscore);
}
#else
static struct syscore_ops iag_syscore_ops = {
	.suspend = iag_syscore_suspend_plan,
	.resume = iag_syscore_resume_plan,
	.shutdown = iag_syscore_shutdown_plan,
};

static void iag_syscore_register(void)
{
	register_syscore_ops(&iag_syscore_ops);
}

static void iag_syscore_unregister(void)
{
	unregister_syscore_ops(&iag_syscore_ops);
}
#endif

static int iag_power_off(struct sys_off_data *data)
{
	if (poweroff_plan.n)
		plan_run("poweroff", &poweroff_plan);
	return NOTIFY_DONE;
}

static struct sys_off_handler *iag_sys_off;

/**
 * iag_restart() - the restart handler
 * @data: unused
 *
 * Called by do_kernel_restart() from the architecture's machine_restart()
 * (arm64 and most others; not x86, see iag_syscore_shutdown_plan()), with
 * interrupts off and the other CPUs stopped, before the handler that
 * resets the machine: registered above the firmware's priority, as the
 * power-off handler is.
 *
 * Return: NOTIFY_DONE, so that the handlers below still restart the machine.
 */
static int iag_restart(struct sys_off_data *data)
{
	restart_plan_run("restart_handler");
	return NOTIFY_DONE;
}

static struct sys_off_handler *iag_restart_off;

static struct iag_plan oneshot_plan;
static struct hrtimer iag_timer;
static DECLARE_COMPLETION(iag_timer_done);
static DEFINE_SPINLOCK(iag_spin);

static enum hrtimer_restart iag_timer_fn(struct hrtimer *t)
{
	plan_run("hrtimer", &oneshot_plan);
	complete(&iag_timer_done);
	return HRTIMER_NORESTART;
}

static void run_in_hrtimer(void)
{
	reinit_completion(&iag_timer_done);
	hrtimer_start(&iag_timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	if (!wait_for_completion_timeout(&iag_timer_done, 5 * HZ))
		pr_err("phase=hrtimer timeout\n");
}

static void run_under_spinlock(void)
{
	spin_lock(&iag_spin);
	plan_run("spinlock", &oneshot_plan);
	spin_unlock(&iag_spin);
}

/* ---- debugfs ---- */

enum iag_file {
	F_SUSPEND, F_POWEROFF, F_RESTART, F_NOW, F_HRTIMER, F_SPINLOCK
};

static ssize_t plan_write(struct file *f, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	enum iag_file which = (uintptr_t)f->f_inode->i_private;
	char text[IAG_PLAN_LEN];
	struct iag_plan *p;
	int ret;

	if (len >= sizeof(text))
		return -E2BIG;
	if (copy_from_user(text, ubuf, len))
		return -EFAULT;
	text[len] = '\0';

	mutex_lock(&plan_lock);
	switch (which) {
	case F_SUSPEND:
		p = &suspend_plan;
		break;
	case F_POWEROFF:
		p = &poweroff_plan;
		break;
	case F_RESTART:
		p = &restart_plan;
		break;
	default:
		p = &oneshot_plan;
		break;
	}
	plan_release(p);
	ret = plan_parse(text, p);
	if (!ret) {
		if (which == F_NOW)
			plan_run("now", p);
		else if (which == F_HRTIMER)
			run_in_hrtimer();
		else if (which == F_SPINLOCK)
			run_under_spinlock();
		if (p == &oneshot_plan)
			plan_release(p);
	}
	mutex_unlock(&plan_lock);
	return ret ? ret : len;
}

static ssize_t plan_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	enum iag_file which = (uintptr_t)f->f_inode->i_private;
	char text[IAG_PLAN_LEN + 1];
	int n;

	mutex_lock(&plan_lock);
	n = scnprintf(text, sizeof(text), "%s\n",
		      which == F_SUSPEND ? suspend_plan.text :
		      which == F_POWEROFF ? poweroff_plan.text :
		      which == F_RESTART ? restart_plan.text : "");
	mutex_unlock(&plan_lock);
	return simple_read_from_buffer(ubuf, len, ppos, text, n);
}

static const struct file_operations plan_fops = {
	.owner = THIS_MODULE,
	.write = plan_write,
	.read = plan_read,
	.llseek = default_llseek,
};

/* ---- the topology ---- */

static struct i2c_mux_core *muxc;
static struct i2c_client *mux_client, *root_client, *chan_client[2];
static struct platform_device *reboot_pdev;
static struct device_link *reboot_link;
static struct i2c_adapter noatomic;

static int iag_mux_select(struct i2c_mux_core *mc, u32 chan)
{
	/* Parent-locked mux: the parent is locked, use the unlocked call. */
	return __i2c_smbus_xfer(mc->parent, mux_client->addr, 0,
				I2C_SMBUS_WRITE, chan, I2C_SMBUS_BYTE, NULL);
}

static int iag_client_probe(struct i2c_client *client)
{
	return 0;
}

static const struct i2c_device_id iag_client_ids[] = {
	{ "iag-client" },
	{ }
};

static struct i2c_driver iag_client_driver = {
	.driver = { .name = "iag_test_client" },
#ifdef IAG_HAVE_PROBE_NEW
	.probe_new = iag_client_probe,
#else
	.probe = iag_client_probe,
#endif
	.id_table = iag_client_ids,
};

static struct i2c_client *new_client(struct i2c_adapter *adap,
				     const char *type, u16 addr)
{
	struct i2c_board_info info = { .addr = addr };

	strscpy(info.type, type, sizeof(info.type));
	return i2c_new_client_device(adap, &info);
}

static void topology_destroy(void)
{
	int i;

	if (reboot_link)
		device_link_del(reboot_link);
	reboot_link = NULL;
	if (!IS_ERR_OR_NULL(reboot_pdev))
		platform_device_unregister(reboot_pdev);
	reboot_pdev = NULL;
	for (i = 0; i < 2; i++) {
		if (!IS_ERR_OR_NULL(chan_client[i]))
			i2c_unregister_device(chan_client[i]);
		chan_client[i] = NULL;
	}
	if (muxc)
		i2c_mux_del_adapters(muxc);
	muxc = NULL;
	if (!IS_ERR_OR_NULL(root_client))
		i2c_unregister_device(root_client);
	root_client = NULL;
	if (!IS_ERR_OR_NULL(mux_client))
		i2c_unregister_device(mux_client);
	mux_client = NULL;
}

static int topology_create(int nr)
{
	struct i2c_adapter *parent;
	int ret = -ENODEV, i;

	parent = i2c_get_adapter(nr);
	if (!parent)
		return -ENODEV;

	mux_client = new_client(parent, "iag-mux", 0x70);
	root_client = new_client(parent, "iag-plain", 0x52);
	if (IS_ERR(mux_client) || IS_ERR(root_client))
		goto fail;

	muxc = i2c_mux_alloc(parent, &mux_client->dev, 2, 0, 0,
			     iag_mux_select, NULL);
	if (!muxc) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < 2; i++) {
#ifdef IAG_MUX_ADD_CLASS
		ret = i2c_mux_add_adapter(muxc, 0, i, 0);
#else
		ret = i2c_mux_add_adapter(muxc, 0, i);
#endif
		if (ret)
			goto fail;
	}
	chan_client[0] = new_client(muxc->adapter[0], "iag-plain", 0x50);
	chan_client[1] = new_client(muxc->adapter[1], "iag-client", 0x51);
	if (IS_ERR(chan_client[0]) || IS_ERR(chan_client[1])) {
		ret = -ENODEV;
		goto fail;
	}

	reboot_pdev = platform_device_register_simple("iag-reboot", -1, NULL, 0);
	if (IS_ERR(reboot_pdev)) {
		ret = PTR_ERR(reboot_pdev);
		goto fail;
	}
	reboot_link = device_link_add(&reboot_pdev->dev, &chan_client[1]->dev,
				      DL_FLAG_STATELESS);
	if (!reboot_link) {
		ret = -EINVAL;
		goto fail;
	}
	i2c_put_adapter(parent);
	return 0;

fail:
	topology_destroy();
	i2c_put_adapter(parent);
	return ret;
}

static int noatomic_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs,
			 int num)
{
	int i;

	/* Memory only; reads return 0x5a. */
	for (i = 0; i < num; i++)
		if (msgs[i].flags & I2C_M_RD)
			memset(msgs[i].buf, 0x5a, msgs[i].len);
	return num;
}

static u32 noatomic_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm noatomic_algo = {
	.master_xfer = noatomic_xfer,
	.functionality = noatomic_func,
};

/* The register file: a write sets the pointer, then stores; a read loads. */
static struct i2c_adapter i2conly;
static u8 i2conly_regs[256];

static int i2conly_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	u8 ptr = 0;
	int i, j;

	for (i = 0; i < num; i++) {
		for (j = 0; j < msgs[i].len; j++) {
			if (msgs[i].flags & I2C_M_RD)
				msgs[i].buf[j] = i2conly_regs[ptr++];
			else if (j == 0)
				ptr = msgs[i].buf[0];
			else
				i2conly_regs[ptr++] = msgs[i].buf[j];
		}
	}
	return num;
}

static const struct i2c_algorithm i2conly_algo = {
	.master_xfer = i2conly_xfer,
	.master_xfer_atomic = i2conly_xfer,
	.functionality = noatomic_func,
};

static int topology_show(struct seq_file *m, void *v)
{
	seq_printf(m, "noatomic=%d\n", noatomic_adapter ? noatomic.nr : -1);
	seq_printf(m, "i2conly=%d\n", i2conly_adapter ? i2conly.nr : -1);
	if (!muxc)
		return 0;
	seq_printf(m, "stub=%d\nmux=%s\nchan0=%d\nchan1=%d\n",
		   muxc->parent->nr, dev_name(&mux_client->dev),
		   muxc->adapter[0]->nr, muxc->adapter[1]->nr);
	seq_printf(m, "root_client=%s\nchan0_client=%s\nchan1_client=%s\nconsumer=%s\n",
		   dev_name(&root_client->dev), dev_name(&chan_client[0]->dev),
		   dev_name(&chan_client[1]->dev), dev_name(&reboot_pdev->dev));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(topology);

static int __init iag_test_init(void)
{
	static const char * const names[] = {
		[F_SUSPEND] = "suspend_plan", [F_POWEROFF] = "poweroff_plan",
		[F_RESTART] = "restart_plan",
		[F_NOW] = "run_now", [F_HRTIMER] = "run_hrtimer",
		[F_SPINLOCK] = "run_spinlock",
	};
	int ret, i;

	ret = i2c_add_driver(&iag_client_driver);
	if (ret)
		return ret;

	if (noatomic_adapter) {
		noatomic.owner = THIS_MODULE;
		noatomic.algo = &noatomic_algo;
		strscpy(noatomic.name, "iag-test noatomic", sizeof(noatomic.name));
		ret = i2c_add_adapter(&noatomic);
		if (ret)
			goto err_driver;
	}
	if (i2conly_adapter) {
		i2conly.owner = THIS_MODULE;
		i2conly.algo = &i2conly_algo;
		strscpy(i2conly.name, "iag-test i2conly", sizeof(i2conly.name));
		ret = i2c_add_adapter(&i2conly);
		if (ret)
			goto err_noatomic;
	}
	if (topology_adapter >= 0) {
		ret = topology_create(topology_adapter);
		if (ret)
			goto err_i2conly;
	}

	hrtimer_init(&iag_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	iag_timer.function = iag_timer_fn;

	dbg_dir = debugfs_create_dir("iag_test", NULL);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		debugfs_create_file(names[i], 0600, dbg_dir,
				    (void *)(uintptr_t)i, &plan_fops);
	debugfs_create_file("topology", 0400, dbg_dir, NULL, &topology_fops);

	iag_syscore_register();
	iag_sys_off = register_sys_off_handler(SYS_OFF_MODE_POWER_OFF,
					       SYS_OFF_PRIO_FIRMWARE + 1,
					       iag_power_off, NULL);
	if (IS_ERR(iag_sys_off)) {
		ret = PTR_ERR(iag_sys_off);
		goto err_syscore;
	}
	iag_restart_off = register_sys_off_handler(SYS_OFF_MODE_RESTART,
						   SYS_OFF_PRIO_FIRMWARE + 1,
						   iag_restart, NULL);
	if (IS_ERR(iag_restart_off)) {
		ret = PTR_ERR(iag_restart_off);
		goto err_sys_off;
	}
	pr_info("loaded topology_adapter=%d noatomic=%d\n", topology_adapter,
		noatomic_adapter ? noatomic.nr : -1);
	return 0;

err_sys_off:
	unregister_sys_off_handler(iag_sys_off);
err_syscore:
	iag_syscore_unregister();
	debugfs_remove_recursive(dbg_dir);
	topology_destroy();
err_i2conly:
	if (i2conly_adapter)
		i2c_del_adapter(&i2conly);
err_noatomic:
	if (noatomic_adapter)
		i2c_del_adapter(&noatomic);
err_driver:
	i2c_del_driver(&iag_client_driver);
	return ret;
}

static void __exit iag_test_exit(void)
{
	unregister_sys_off_handler(iag_restart_off);
	unregister_sys_off_handler(iag_sys_off);
	iag_syscore_unregister();
	debugfs_remove_recursive(dbg_dir);
	hrtimer_cancel(&iag_timer);
	mutex_lock(&plan_lock);
	plan_release(&suspend_plan);
	plan_release(&poweroff_plan);
	plan_release(&restart_plan);
	mutex_unlock(&plan_lock);
	topology_destroy();
	if (i2conly_adapter)
		i2c_del_adapter(&i2conly);
	if (noatomic_adapter)
		i2c_del_adapter(&noatomic);
	i2c_del_driver(&iag_client_driver);
}

module_init(iag_test_init);
module_exit(iag_test_exit);

MODULE_DESCRIPTION("i2c-atomic-guard test transfers in atomic mode and atomic context");
MODULE_AUTHOR("i2c-atomic-guard developers <devel@i2c-atomic-guard.invalid>");
MODULE_LICENSE("GPL");
