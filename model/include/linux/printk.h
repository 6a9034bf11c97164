/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: kernel log output. pr_debug() and friends compile and check
 * their format like printk(); the text goes nowhere (a run's output is its
 * report), but the arguments are evaluated as in the kernel, and what
 * lib/vsprintf.c would read through a pointer argument is read here, in
 * the caller's own code: a name printed with %s from a page whose mapping
 * is gone, or past the end of its window, faults as it would there.
 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <stdarg.h>
#include <linux/types.h>

/*
 * The bytes vsprintf() reads for one pointer argument: a %s string up to
 * its NUL or its precision, the buffer of %ph (its field width, 1 without
 * one, at most 64; hex_len > 0). NULL, the first page and ERR_PTR values are printed as
 * "(null)"/"(efault)" without a read, as check_pointer() does. Other %p
 * extensions are consumed without a read: kmapsim does not model what
 * they point to.
 */
static inline void __kmapsim_printk_read(const char *p, int precision, int hex_len)
{
	const volatile char *s = (const volatile char *)p;
	unsigned long a = (unsigned long)p;
	int i;

	if (a < 4096 || a >= (unsigned long)-4095)
		return;
	if (hex_len) {
		for (i = 0; i < hex_len; i++)
			(void)s[i];
		return;
	}
	for (i = 0; precision < 0 || i < precision; i++)
		if (!s[i])
			break;
}

/*
 * Walks a format as lib/vsprintf.c's format_decode() does, consuming each
 * argument with the type its conversion names.
 */
static inline void __kmapsim_printk_args(const char *fmt, va_list ap)
{
	while (*fmt) {
		int width = -1, precision = -1, qual = 0;

		if (*fmt++ != '%')
			continue;
		if (*fmt == '%') {
			fmt++;
			continue;
		}
		while (*fmt == '-' || *fmt == '+' || *fmt == ' ' || *fmt == '#' || *fmt == '0')
			fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0)	/* left-justified, as format_decode() reads it */
				width = -width;
			fmt++;
		} else if (*fmt >= '0' && *fmt <= '9') {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			} else {
				for (precision = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					precision = precision * 10 + (*fmt - '0');
			}
			if (precision < 0)
				precision = 0;
		}
		if (*fmt == 'h' || *fmt == 'l' || *fmt == 'L' || *fmt == 'z' || *fmt == 'Z' || *fmt == 't' ||
		    *fmt == 'j') {
			qual = *fmt++;
			if ((qual == 'l' || qual == 'h') && *fmt == qual) {
				qual = qual == 'l' ? 'L' : 'h';
				fmt++;
			}
		}
		switch (*fmt) {
		case 's':
			__kmapsim_printk_read(va_arg(ap, const char *), precision, 0);
			break;
		case 'p': {
			const char *ptr = va_arg(ap, const char *);

			/* %ph: 1 byte without a width, none with 0, at most 64 */
			if (fmt[1] == 'h' && width != 0)
				__kmapsim_printk_read(ptr, -1, width < 0 ? 1 : (width > 64 ? 64 : width));
			while ((fmt[1] >= 'a' && fmt[1] <= 'z') || (fmt[1] >= 'A' && fmt[1] <= 'Z') ||
			       (fmt[1] >= '0' && fmt[1] <= '9'))
				fmt++;
			break;
		}
		case 'c':
		case 'd':
		case 'i':
		case 'o':
		case 'u':
		case 'x':
		case 'X':
			if (qual == 'L')
				(void)va_arg(ap, long long);
			else if (qual == 'l')
				(void)va_arg(ap, long);
			else if (qual == 'z' || qual == 'Z')
				(void)va_arg(ap, size_t);
			else if (qual == 't')
				(void)va_arg(ap, ptrdiff_t);
			else if (qual == 'j')
				(void)va_arg(ap, long long);
			else
				(void)va_arg(ap, int);
			break;
		default:
			/* vsprintf() stops at a conversion it does not know. */
			return;
		}
		if (*fmt)
			fmt++;
	}
}

static inline __attribute__((format(printf, 1, 2))) int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	__kmapsim_printk_args(fmt, ap);
	va_end(ap);
	return 0;
}

/* Whether an oops, panic() or BUG() is in progress (subject_api.cc): 0
 * whenever subject code runs, as BUG() ends the run here. */
#ifdef __cplusplus
extern "C" int oops_in_progress;
#else
extern int oops_in_progress;
#endif

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
/* the printk index (CONFIG_PRINTK_INDEX) is off: its entries, which
 * linux/dev_printk.h's dev_err() and friends emit, are nothing */
#define __printk_index_emit(...) do { } while (0)
#define printk_index_subsys_emit(subsys_fmt_prefix, level, fmt, ...) do { } while (0)
#define pr_emerg(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(fmt, ##__VA_ARGS__)
/*
 * Without DEBUG, pr_debug() and pr_devel() are no_printk(): the format is
 * checked and the arguments are not evaluated (dynamic debug's call sites
 * are off until enabled, the same for a run).
 */
#ifdef DEBUG
#define pr_debug(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_devel(fmt, ...) printk(pr_fmt(fmt), ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...) no_printk(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_devel(fmt, ...) no_printk(pr_fmt(fmt), ##__VA_ARGS__)
#endif
#define pr_warn_once pr_warn
#define pr_err_once pr_err
#define pr_info_once pr_info
/* every message printed: a run prints few, and none changes what a run does */
#define pr_emerg_ratelimited pr_emerg
#define pr_alert_ratelimited pr_alert
#define pr_crit_ratelimited pr_crit
#define pr_err_ratelimited pr_err
#define pr_warn_ratelimited pr_warn
#define pr_notice_ratelimited pr_notice
#define pr_info_ratelimited pr_info
#define pr_debug_ratelimited pr_debug
#define no_printk(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })

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
