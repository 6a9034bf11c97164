/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: lockdep's annotations as a kernel without CONFIG_LOCKDEP has
 * them: they compile and check nothing. kmapsim finds lock misuse itself
 * (deadlocks, sleeping under a spinlock, recursive locking) from what the
 * locks do in a run, not from these annotations.
 */
#ifndef _KMAPSIM_LINUX_LOCKDEP_H
#define _KMAPSIM_LINUX_LOCKDEP_H

/* a lock class's key: only its address matters to lockdep */
struct lock_class_key {
	char kmapsim_unused;
};

/* a lock's lockdep state, a member of lock-like structures (btrfs's
 * fs_info holds several): nothing without CONFIG_LOCKDEP */
struct lockdep_map {
	char kmapsim_unused;
};
#define STATIC_LOCKDEP_MAP_INIT(_name, _key) { 0 }
#define lockdep_init_map(lock, name, key, sub) do { (void)(lock); (void)(key); } while (0)
#define lockdep_init_map_type(lock, name, key, sub, inner, outer, type) do { (void)(lock); (void)(key); } while (0)
#define lock_map_acquire(l) do { (void)(l); } while (0)
#define lock_map_acquire_read(l) do { (void)(l); } while (0)
#define lock_map_acquire_tryread(l) do { (void)(l); } while (0)
#define lock_map_release(l) do { (void)(l); } while (0)
#define rwsem_acquire(l, s, t, i) do { (void)(l); } while (0)
#define rwsem_acquire_read(l, s, t, i) do { (void)(l); } while (0)
#define rwsem_release(l, i) do { (void)(l); } while (0)

#define lockdep_set_class(lock, key) do { (void)(key); } while (0)
#define lockdep_set_class_and_name(lock, key, name) do { (void)(key); (void)(name); } while (0)
#define lockdep_set_class_and_subclass(lock, key, sub) do { (void)(key); } while (0)
#define lockdep_set_subclass(lock, sub) do { } while (0)
#define lockdep_set_novalidate_class(lock) do { } while (0)
#define lockdep_register_key(key) do { (void)(key); } while (0)
#define lockdep_unregister_key(key) do { (void)(key); } while (0)

/* "is it held" has no answer without lockdep: callers only use it where
 * lockdep is on, or inside an assertion that is off */
#define lockdep_is_held_type(l, r) (1)
#define lockdep_assert(c) do { } while (0)
#define lockdep_assert_once(c) do { } while (0)
#define lockdep_assert_held(l) do { (void)(l); } while (0)
#define lockdep_assert_not_held(l) do { (void)(l); } while (0)
#define lockdep_assert_held_write(l) do { (void)(l); } while (0)
#define lockdep_assert_held_read(l) do { (void)(l); } while (0)
#define lockdep_assert_held_once(l) do { (void)(l); } while (0)
#define lockdep_assert_none_held_once() do { } while (0)
#define lockdep_assert_irqs_enabled() do { } while (0)
#define lockdep_assert_irqs_disabled() do { } while (0)
#define lockdep_assert_in_irq() do { } while (0)
#define lockdep_assert_preemption_enabled() do { } while (0)
#define lockdep_assert_preemption_disabled() do { } while (0)
#define lockdep_depth(tsk) (0)
#define lockdep_recursing(tsk) (0)
#define lockdep_off() do { } while (0)
#define lockdep_on() do { } while (0)

#endif /* _KMAPSIM_LINUX_LOCKDEP_H */
