// SPDX-License-Identifier: GPL-2.0-only
/*
 * iag_stuck: I2C buses that a panic left stuck, for the stuck-bus scenario.
 *
 * A target interrupted in the middle of a byte keeps SDA low until it is
 * clocked to the end of it. This module models that on i2c-gpio adapters:
 *
 *  - "iag-stuck", a GPIO chip whose lines cannot sleep (so i2c-gpio can do
 *    atomic transfers and the core may recover the bus with interrupts
 *    off): two open-drain buses, SDA on lines 0 and 2, SCL on 1 and 3. On
 *    each bus a simulated target ACKs its address (target_addr) and every
 *    byte written to it, and reads as 0xff; "hold" makes it drive SDA low
 *    as a target interrupted mid-byte does, until N rising edges of SCL
 *    (or for ever). i2c-gpio adapters 41 and 42 sit on them.
 *  - with sim_label=LABEL, i2c-gpio adapter 43 on lines 0 (SDA) and 1 (SCL)
 *    of that chip: a gpio-sim bank, whose lines can sleep and whose "pull"
 *    attribute holds SDA low. Its SCL is a plain output (i2c-gpio's
 *    scl_is_open_drain): gpio-sim keeps the last driven value on a line
 *    switched to input, so an emulated open-drain SCL would read low for
 *    ever once driven low, and algo-bit would wait for it with jiffies
 *    frozen (interrupts off): a hang.
 *
 * debugfs /sys/kernel/debug/iag_stuck/:
 *   hold    write "ADAPTER N": the target of that bus holds SDA low for N
 *           rising edges of SCL, -1 for ever, 0 releases it
 *   lines   read: one "adapter=A scl=S sda=D edges=E hold=N" line per bus
 */
#define pr_fmt(fmt) "iag_stuck: " fmt

#include <linux/debugfs.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_data/i2c-gpio.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#define IAG_NBUS	2
#define IAG_FIRST_NR	41
#define IAG_SIM_NR	43

static char *sim_label;
module_param(sim_label, charp, 0444);
MODULE_PARM_DESC(sim_label, "label of a gpio-sim bank for a third i2c-gpio adapter (lines 0: SDA, 1: SCL)");

static int target_addr = 0x50;
module_param(target_addr, int, 0444);
MODULE_PARM_DESC(target_addr, "address the simulated targets answer to");

/*
 * One open-drain bus: the wire is low when the master or the target pulls
 * it. The target follows the protocol just enough to ACK: START resets it,
 * it samples the first byte's address on the rising edges, and drives the
 * ninth bit of each byte low when the address is its own.
 */
struct iag_bus {
	bool master_scl, master_sda;	/* true: released */
	bool out_scl, out_sda;		/* direction: output */
	bool ack;			/* the target drives the ACK bit */
	int hold;			/* rising edges to go, -1 for ever */
	int bit;			/* bits of the current byte clocked in */
	int byte;			/* bytes since START */
	u8 shift;
	bool selected;
	unsigned int edges;
};

static struct iag_bus buses[IAG_NBUS];
static DEFINE_SPINLOCK(bus_lock);

static bool wire_scl(const struct iag_bus *b)
{
	return b->master_scl;
}

static bool wire_sda(const struct iag_bus *b)
{
	return b->master_sda && !b->ack && !b->hold;
}

/* SCL changed on the wire: clock the target. */
static void scl_edge(struct iag_bus *b, bool rising)
{
	if (rising) {
		b->edges++;
		if (b->hold > 0)
			b->hold--;
		if (b->bit < 8)
			b->shift = (b->shift << 1) | wire_sda(b);
		b->bit++;
		return;
	}
	/* Falling: the target changes SDA only while SCL is low. */
	if (b->bit == 8) {
		if (b->byte == 0)
			b->selected = (b->shift >> 1) == target_addr;
		b->ack = b->selected;
	} else if (b->bit == 9) {
		b->ack = false;
		b->bit = 0;
		b->byte++;
	}
}

/* SDA changed on the wire while SCL is high: START or STOP. */
static void sda_edge(struct iag_bus *b, bool rising)
{
	b->bit = 0;
	b->byte = 0;
	b->ack = false;
	if (rising)
		b->selected = false;
}

/* The master drives (false) or releases (true) a line. */
static void master_set(struct iag_bus *b, bool is_scl, bool level)
{
	bool scl = wire_scl(b), sda = wire_sda(b);

	if (is_scl)
		b->master_scl = level;
	else
		b->master_sda = level;
	if (wire_scl(b) != scl)
		scl_edge(b, wire_scl(b));
	else if (scl && wire_sda(b) != sda)
		sda_edge(b, wire_sda(b));
}

static struct iag_bus *line_bus(unsigned int offset, bool *is_scl)
{
	*is_scl = offset & 1;
	return &buses[offset / 2];
}

static int iag_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	unsigned long flags;
	struct iag_bus *b;
	bool is_scl;
	int val;

	spin_lock_irqsave(&bus_lock, flags);
	b = line_bus(offset, &is_scl);
	val = is_scl ? wire_scl(b) : wire_sda(b);
	spin_unlock_irqrestore(&bus_lock, flags);
	return val;
}

/*
 * No open-drain support in the chip: gpiolib emulates it, driving the
 * line low as an output and releasing it by switching it to input.
 */
static void iag_gpio_drive(unsigned int offset, bool output, int value)
{
	unsigned long flags;
	struct iag_bus *b;
	bool is_scl;

	spin_lock_irqsave(&bus_lock, flags);
	b = line_bus(offset, &is_scl);
	if (is_scl)
		b->out_scl = output;
	else
		b->out_sda = output;
	master_set(b, is_scl, !output || value);
	spin_unlock_irqrestore(&bus_lock, flags);
}

static void iag_gpio_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	iag_gpio_drive(offset, true, value);
}

static int iag_gpio_direction_output(struct gpio_chip *gc, unsigned int offset,
				     int value)
{
	iag_gpio_drive(offset, true, value);
	return 0;
}

static int iag_gpio_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	iag_gpio_drive(offset, false, 1);
	return 0;
}

static int iag_gpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	bool is_scl, out;
	struct iag_bus *b = line_bus(offset, &is_scl);

	out = is_scl ? b->out_scl : b->out_sda;
	return out ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static struct gpio_chip iag_chip = {
	.label = "iag-stuck",
	.owner = THIS_MODULE,
	.base = -1,
	.ngpio = 2 * IAG_NBUS,
	.can_sleep = false,
	.get = iag_gpio_get,
	.set = iag_gpio_set,
	.direction_input = iag_gpio_direction_input,
	.direction_output = iag_gpio_direction_output,
	.get_direction = iag_gpio_get_direction,
};

/* ---- the i2c-gpio adapters ---- */

#define IAG_OD	(GPIO_ACTIVE_HIGH | GPIO_OPEN_DRAIN)

#define IAG_LOOKUP(devid, chip, sda, scl, scl_flags)			\
	{								\
		.dev_id = devid,					\
		.table = {						\
			GPIO_LOOKUP(chip, sda, "sda", IAG_OD),		\
			GPIO_LOOKUP(chip, scl, "scl", scl_flags),	\
			{ }						\
		},							\
	}

/* The table is a flexible array: one variable each. */
static struct gpiod_lookup_table lookup41 =
	IAG_LOOKUP("i2c-gpio.41", "iag-stuck", 0, 1, IAG_OD);
static struct gpiod_lookup_table lookup42 =
	IAG_LOOKUP("i2c-gpio.42", "iag-stuck", 2, 3, IAG_OD);
static struct gpiod_lookup_table * const lookups[IAG_NBUS] = { &lookup41, &lookup42 };

/*
 * .key is filled from sim_label. SCL is not flagged open drain: gpiolib
 * would then emulate it, and gpio-sim would keep it low once released.
 */
static struct gpiod_lookup_table sim_lookup =
	IAG_LOOKUP("i2c-gpio.43", NULL, 0, 1, GPIO_ACTIVE_HIGH);

static struct platform_device *pdevs[IAG_NBUS + 1];

static struct platform_device *add_i2c_gpio(int id, bool scl_plain)
{
	struct i2c_gpio_platform_data pdata = {
		.udelay = 5,
		.timeout = HZ / 10,
		.scl_is_open_drain = scl_plain,
	};

	return platform_device_register_data(NULL, "i2c-gpio", id, &pdata,
					     sizeof(pdata));
}

/* ---- debugfs ---- */

static struct dentry *dbg_dir;

static ssize_t hold_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	unsigned long flags;
	int nr, n;
	char buf[32];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%d %d", &nr, &n) != 2 || n < -1 ||
	    nr < IAG_FIRST_NR || nr >= IAG_FIRST_NR + IAG_NBUS)
		return -EINVAL;

	spin_lock_irqsave(&bus_lock, flags);
	buses[nr - IAG_FIRST_NR].hold = n;
	spin_unlock_irqrestore(&bus_lock, flags);
	pr_info("adapter=%d target holds SDA low for %d SCL edges\n", nr, n);
	return len;
}

static const struct file_operations hold_fops = {
	.owner = THIS_MODULE,
	.write = hold_write,
};

static int lines_show(struct seq_file *m, void *v)
{
	unsigned long flags;
	int i;

	for (i = 0; i < IAG_NBUS; i++) {
		struct iag_bus b;

		spin_lock_irqsave(&bus_lock, flags);
		b = buses[i];
		spin_unlock_irqrestore(&bus_lock, flags);
		seq_printf(m, "adapter=%d scl=%d sda=%d edges=%u hold=%d\n",
			   IAG_FIRST_NR + i, wire_scl(&b), wire_sda(&b),
			   b.edges, b.hold);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lines);

static void iag_stuck_remove(void)
{
	int i;

	for (i = ARRAY_SIZE(pdevs) - 1; i >= 0; i--)
		if (!IS_ERR_OR_NULL(pdevs[i]))
			platform_device_unregister(pdevs[i]);
	if (sim_lookup.table[0].key)
		gpiod_remove_lookup_table(&sim_lookup);
	for (i = 0; i < IAG_NBUS; i++)
		gpiod_remove_lookup_table(lookups[i]);
	gpiochip_remove(&iag_chip);
}

static int __init iag_stuck_init(void)
{
	int ret, i;

	for (i = 0; i < IAG_NBUS; i++)
		buses[i] = (struct iag_bus){ .master_scl = true, .master_sda = true };
	ret = gpiochip_add_data(&iag_chip, NULL);
	if (ret)
		return ret;
	for (i = 0; i < IAG_NBUS; i++)
		gpiod_add_lookup_table(lookups[i]);
	if (sim_label) {
		sim_lookup.table[0].key = sim_label;
		sim_lookup.table[1].key = sim_label;
		gpiod_add_lookup_table(&sim_lookup);
	}

	for (i = 0; i < IAG_NBUS; i++) {
		pdevs[i] = add_i2c_gpio(IAG_FIRST_NR + i, false);
		if (IS_ERR(pdevs[i]))
			goto fail;
	}
	if (sim_label) {
		pdevs[IAG_NBUS] = add_i2c_gpio(IAG_SIM_NR, true);
		if (IS_ERR(pdevs[IAG_NBUS]))
			goto fail;
	}

	dbg_dir = debugfs_create_dir("iag_stuck", NULL);
	debugfs_create_file("hold", 0200, dbg_dir, NULL, &hold_fops);
	debugfs_create_file("lines", 0400, dbg_dir, NULL, &lines_fops);
	pr_info("loaded: i2c-gpio adapters %d-%d on iag-stuck, sim=%s\n",
		IAG_FIRST_NR, IAG_FIRST_NR + IAG_NBUS - 1,
		sim_label ? sim_label : "none");
	return 0;

fail:
	ret = PTR_ERR(pdevs[i]);
	iag_stuck_remove();
	return ret;
}

static void __exit iag_stuck_exit(void)
{
	debugfs_remove_recursive(dbg_dir);
	iag_stuck_remove();
}

module_init(iag_stuck_init);
module_exit(iag_stuck_exit);

MODULE_DESCRIPTION("i2c-atomic-guard test: i2c-gpio buses left stuck by a target");
MODULE_AUTHOR("i2c-atomic-guard developers <devel@i2c-atomic-guard.invalid>");
MODULE_LICENSE("GPL");
