// SPDX-License-Identifier: GPL-2.0-only
/*
 * iag_stub: an SMBus adapter with chips in memory, for kernels built
 * without i2c-stub (Debian's arm64 kernel: "# CONFIG_I2C_STUB is not set").
 *
 * It stands in for an unpatched i2c-stub so that the same VM scenarios run
 * there: an smbus_xfer callback only (no atomic callback, so atomic-mode
 * transfers to it are what the stock kernel calls "no atomic handler"),
 * chips at the addresses of chip_addr= answering quick, byte, byte-data
 * and word-data commands from a 256-register memory each; other addresses
 * fail with -ENXIO. The adapter is named "SMBus iag stub".
 */
#define pr_fmt(fmt) "iag_stub: " fmt

#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#define IAG_STUB_CHIPS	10

static unsigned short chip_addr[IAG_STUB_CHIPS];
static int chip_count;
module_param_array(chip_addr, ushort, &chip_count, 0444);
MODULE_PARM_DESC(chip_addr, "chip addresses (up to 10)");

struct stub_chip {
	u8 pointer;
	u8 regs[256];
};

static struct stub_chip chips[IAG_STUB_CHIPS];
/* A spinlock, not a mutex: the callback must not sleep in atomic mode. */
static DEFINE_SPINLOCK(chips_lock);

static struct stub_chip *chip_at(u16 addr)
{
	int i;

	for (i = 0; i < chip_count; i++)
		if (chip_addr[i] == addr)
			return &chips[i];
	return NULL;
}

static void chip_access(struct stub_chip *c, char rw, u8 cmd, int size,
			union i2c_smbus_data *data)
{
	switch (size) {
	case I2C_SMBUS_BYTE:
		if (rw == I2C_SMBUS_WRITE)
			c->pointer = cmd;
		else
			data->byte = c->regs[c->pointer++];
		break;
	case I2C_SMBUS_BYTE_DATA:
		if (rw == I2C_SMBUS_WRITE)
			c->regs[cmd] = data->byte;
		else
			data->byte = c->regs[cmd];
		c->pointer = cmd + 1;
		break;
	case I2C_SMBUS_WORD_DATA:
		if (rw == I2C_SMBUS_WRITE) {
			c->regs[cmd] = data->word & 0xff;
			c->regs[(u8)(cmd + 1)] = data->word >> 8;
		} else {
			data->word = c->regs[cmd] | c->regs[(u8)(cmd + 1)] << 8;
		}
		c->pointer = cmd + 2;
		break;
	}
}

static int stub_xfer(struct i2c_adapter *adap, u16 addr, unsigned short flags,
		     char rw, u8 cmd, int size, union i2c_smbus_data *data)
{
	struct stub_chip *c = chip_at(addr);
	unsigned long irqflags;

	if (!c)
		return -ENXIO;
	if (size != I2C_SMBUS_QUICK && size != I2C_SMBUS_BYTE &&
	    size != I2C_SMBUS_BYTE_DATA && size != I2C_SMBUS_WORD_DATA)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&chips_lock, irqflags);
	if (size != I2C_SMBUS_QUICK)
		chip_access(c, rw, cmd, size, data);
	spin_unlock_irqrestore(&chips_lock, irqflags);
	return 0;
}

static u32 stub_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE |
	       I2C_FUNC_SMBUS_BYTE_DATA | I2C_FUNC_SMBUS_WORD_DATA;
}

static const struct i2c_algorithm stub_algo = {
	.smbus_xfer = stub_xfer,
	.functionality = stub_func,
};

static struct i2c_adapter stub_adapter = {
	.owner = THIS_MODULE,
	.algo = &stub_algo,
	.name = "SMBus iag stub",
};

static int __init iag_stub_init(void)
{
	if (!chip_count) {
		pr_err("chip_addr= is required\n");
		return -ENODEV;
	}
	return i2c_add_adapter(&stub_adapter);
}

static void __exit iag_stub_exit(void)
{
	i2c_del_adapter(&stub_adapter);
}

module_init(iag_stub_init);
module_exit(iag_stub_exit);

MODULE_DESCRIPTION("i2c-atomic-guard test SMBus adapter for kernels without i2c-stub");
MODULE_AUTHOR("i2c-atomic-guard developers <devel@i2c-atomic-guard.invalid>");
MODULE_LICENSE("GPL");
