/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the kernel's clocks (model/src/capi/time_api.cc). There is one
 * simulated clock, the jiffies' (linux/jiffies.h): ktime_get() is the time
 * since boot, (jiffies - INITIAL_JIFFIES) ticks of 1/HZ s, so the clocks
 * and the jiffies never disagree. Every read of a clock is a scheduling
 * point (the code around it is preemptible, and a loop that reads the clock
 * until a deadline moves on), and may find that the clock jumped: any
 * amount of time may pass between two instructions of a preemptible kernel
 * (a preemption, interrupts, a stalled CPU or vCPU), and the run decides
 * where a read finds 60 s gone (a fallible call of kind clock-jump, so the
 * fault sweep reaches each read): a poll with a deadline
 * (read_poll_timeout(), readl_poll_timeout_atomic(), a driver's own loop)
 * takes its timeout path, which a device that answers in time never makes
 * it take. The jiffies move with the jump. CLOCK_REALTIME (and CLOCK_TAI,
 * without the leap seconds' offset) is the boot clock plus a fixed date
 * (2026-01-01 00:00 UTC at boot); the boot, raw, coarse and NMI-safe
 * clocks are the monotonic one.
 */
#ifndef _LINUX_TIMEKEEPING_H
#define _LINUX_TIMEKEEPING_H

#include <linux/types.h>

typedef s64 time64_t;

struct timespec64 {
	time64_t tv_sec;
	long tv_nsec;
};

/* which clock kmapsim_clock_ns() reads */
#define KMAPSIM_CLOCK_MONOTONIC 0
#define KMAPSIM_CLOCK_REALTIME 1

KMAPSIM_EXTERN_C_BEGIN
/* the clock in ns; api names the caller in the run's events */
u64 kmapsim_clock_ns(int clock, const char *api);
KMAPSIM_EXTERN_C_END

static inline ktime_t ktime_get(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get"); }
static inline ktime_t ktime_get_raw(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_raw"); }
static inline ktime_t ktime_get_boottime(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_boottime"); }
static inline ktime_t ktime_get_clocktai(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_clocktai"); }
static inline ktime_t ktime_get_coarse(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_coarse"); }
static inline ktime_t ktime_get_coarse_boottime(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_coarse_boottime"); }
static inline ktime_t ktime_get_real(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_real"); }
static inline ktime_t ktime_get_coarse_real(void) { return (ktime_t)kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_coarse_real"); }
static inline u64 ktime_get_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_ns"); }
static inline u64 ktime_get_raw_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_raw_ns"); }
static inline u64 ktime_get_boottime_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_boottime_ns"); }
static inline u64 ktime_get_coarse_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_coarse_ns"); }
static inline u64 ktime_get_real_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_real_ns"); }
static inline u64 ktime_get_coarse_real_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_coarse_real_ns"); }
static inline u64 ktime_get_clocktai_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_clocktai_ns"); }
static inline u64 ktime_get_mono_fast_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_mono_fast_ns"); }
static inline u64 ktime_get_raw_fast_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_raw_fast_ns"); }
static inline u64 ktime_get_boot_fast_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_boot_fast_ns"); }
static inline u64 ktime_get_real_fast_ns(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_real_fast_ns"); }
static inline time64_t ktime_get_seconds(void) { return (time64_t)(kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_seconds") / 1000000000ULL); }
static inline time64_t ktime_get_boottime_seconds(void) { return (time64_t)(kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "ktime_get_boottime_seconds") / 1000000000ULL); }
static inline time64_t ktime_get_real_seconds(void) { return (time64_t)(kmapsim_clock_ns(KMAPSIM_CLOCK_REALTIME, "ktime_get_real_seconds") / 1000000000ULL); }

static inline void kmapsim_clock_ts64(struct timespec64 *ts, int clock, const char *api)
{
	u64 ns = kmapsim_clock_ns(clock, api);

	ts->tv_sec = (time64_t)(ns / 1000000000ULL);
	ts->tv_nsec = (long)(ns % 1000000000ULL);
}
static inline void ktime_get_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_MONOTONIC, "ktime_get_ts64"); }
static inline void ktime_get_raw_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_MONOTONIC, "ktime_get_raw_ts64"); }
static inline void ktime_get_boottime_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_MONOTONIC, "ktime_get_boottime_ts64"); }
static inline void ktime_get_coarse_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_MONOTONIC, "ktime_get_coarse_ts64"); }
static inline void ktime_get_real_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_REALTIME, "ktime_get_real_ts64"); }
static inline void ktime_get_coarse_real_ts64(struct timespec64 *ts) { kmapsim_clock_ts64(ts, KMAPSIM_CLOCK_REALTIME, "ktime_get_coarse_real_ts64"); }

/* linux/sched/clock.h's: the same clock in ns */
static inline u64 local_clock(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "local_clock"); }
static inline u64 sched_clock(void) { return kmapsim_clock_ns(KMAPSIM_CLOCK_MONOTONIC, "sched_clock"); }

#endif /* _LINUX_TIMEKEEPING_H */
