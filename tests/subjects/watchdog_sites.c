/*
 * soft-lockup from the host-time watchdog, with its site
 * (tests/report_sites.py, label driver): a context that never reaches a
 * scheduling point. A driver completes a zero-length request without
 * touching the device, but the buggy submit path still polls the status
 * word with a bare loop (no cpu_relax(), no READ_ONCE(), no kernel call at
 * all), so neither the step bound nor the fair scheduler ever sees it: only
 * the watchdog does, and the report names the loop (the line marked
 * `kmapsim: here`). The fixed path returns before polling for an empty
 * request and stays clean.
 */
#include <kmapsim/subject.h>

#define STATUS_DONE 0x1

struct fake_dev {
	volatile u32 status;
	u32 written;
};

static void start_io(struct fake_dev *dev, size_t len)
{
	if (!len)
		return;		/* nothing to send: the device is not told */
	dev->written = len;
	dev->status |= STATUS_DONE;
}

static void submit_polling(struct fake_dev *dev, size_t len)
{
	start_io(dev, len);
	while (!(dev->status & STATUS_DONE)) /* kmapsim: here */
		;
}

static void submit_checked(struct fake_dev *dev, size_t len)
{
	if (!len)
		return;
	start_io(dev, len);
	while (!(dev->status & STATUS_DONE))
		;
}

KMAPSIM_SUBJECT(poll_empty_request)
{
	struct fake_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL | __GFP_NOFAIL);

	submit_polling(dev, kmapsim_pick(0, 64));
	kfree(dev);
}

KMAPSIM_SUBJECT(poll_checked_request)
{
	struct fake_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL | __GFP_NOFAIL);

	submit_checked(dev, kmapsim_pick(0, 64));
	kfree(dev);
}
