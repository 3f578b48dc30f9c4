# SPDX-License-Identifier: GPL-2.0-only
# Host half of 32-report-console-armed: the same checks as 31, which this
# time read the log switch's "i2c-atomic:" lines instead of tp_printk's.
. "$(dirname "$0")/31-report-console-tp.host.sh"
