/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: kernel log output. pr_debug() and friends compile and check
 * their format like printk(); the text goes nowhere (a run's output is its
 * report), but the arguments are evaluated as in the kernel.
 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <linux/types.h>

static inline __attribute__((format(printf, 1, 2))) int printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

#define KERN_EMERG	""
#define KERN_ALERT	""
#define KERN_CRIT	""
#define KERN_ERR	""
#define KERN_WARNING	""
#define KERN_NOTICE	""
#define KERN_INFO	""
#define KERN_DEBUG	""
#define KERN_CONT	""
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_devel(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once pr_warn
#define pr_err_once pr_err
#define pr_info_once pr_info
#define pr_warn_ratelimited pr_warn
#define pr_err_ratelimited pr_err
#define no_printk(fmt, ...) printk(fmt, ##__VA_ARGS__)

/*
 * A stack dump prints; nothing in a run depends on it. A hex dump reads
 * every byte it prints, as the kernel's does: dumping a page through a
 * mapping that is gone, or past its end, is the fault it would be there.
 */
static inline void dump_stack(void)
{
}

static inline void dump_stack_lvl(const char *log_lvl)
{
	(void)log_lvl;
}

enum {
	DUMP_PREFIX_NONE,
	DUMP_PREFIX_ADDRESS,
	DUMP_PREFIX_OFFSET
};

static inline void print_hex_dump(const char *level, const char *prefix_str, int prefix_type, int rowsize,
				  int groupsize, const void *buf, size_t len, bool ascii)
{
	const volatile unsigned char *p = (const volatile unsigned char *)buf;
	size_t i;

	(void)level, (void)prefix_str, (void)prefix_type, (void)rowsize, (void)groupsize, (void)ascii;
	for (i = 0; i < len; i++)
		(void)p[i];
}

#define print_hex_dump_bytes(prefix_str, prefix_type, buf, len) \
	print_hex_dump(KERN_DEBUG, prefix_str, prefix_type, 16, 1, buf, len, true)
#define print_hex_dump_debug(prefix_str, prefix_type, rowsize, groupsize, buf, len, ascii) \
	print_hex_dump(KERN_DEBUG, prefix_str, prefix_type, rowsize, groupsize, buf, len, ascii)

#endif /* _LINUX_PRINTK_H */
