// SPDX-License-Identifier: MIT
/*
 * Polls on the jiffies (drivers/memstick/host/r592.c's r592_wait_status()
 * imported unchanged): a busy-wait's cpu_relax() may stall the task
 * (linux/delay.h), so the poll's deadline passes and its timeout path
 * runs, which a device that answers in time never makes it take.
 *   r592_status_ok      the driver's status wait, every answer and its
 *                       timeout (clean)
 *   r592_timeout_seen   the same, with BUG() where it returns -ETIME: the
 *                       explorer gets there (subject-bug)
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/memstick/host/r592.c", r592_wait_status);

#define REGS_SIZE	0x100

static int r592_status(void)
{
	struct r592_device dev = { 0 };
	int ret;

	dev.mmio = ioremap(0xfe000000, REGS_SIZE);
	if (!dev.mmio)
		return 0;
	ret = r592_wait_status(&dev, R592_STATUS_RDY, R592_STATUS_RDY);
	BUG_ON(ret && ret != -ETIME && ret != -EIO);
	iounmap(dev.mmio);
	return ret;
}

KMAPSIM_SUBJECT(r592_status_ok)
{
	r592_status();
}

KMAPSIM_SUBJECT(r592_timeout_seen)
{
	BUG_ON(r592_status() == -ETIME);
}
