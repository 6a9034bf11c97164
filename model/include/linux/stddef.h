/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the kernel's linux/stddef.h, the helpers for naming a member's
 * size and place and for grouping members. Layout only: nothing here runs.
 *
 * This header shadows the C library's <linux/stddef.h> (which the system's
 * <linux/types.h> includes through <linux/posix_types.h>); that one holds
 * the uapi half (__struct_group(), __DECLARE_FLEX_ARRAY()), pulled in
 * first so both halves are there, as in the kernel.
 */
#ifndef _KMAPSIM_LINUX_STDDEF_H
#define _KMAPSIM_LINUX_STDDEF_H

#if defined(__has_include_next)
#if __has_include_next(<linux/stddef.h>)
#include_next <linux/stddef.h>
#endif
#endif
#include <stddef.h>	/* offsetof() */

/* The size of MEMBER of struct TYPE, with no object of the type at hand. */
#define sizeof_field(TYPE, MEMBER) sizeof(((TYPE *)0)->MEMBER)
/* The offset of the first byte after MEMBER. */
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

/*
 * The uapi half, where the C library's header is missing or older than
 * 5.16: a member group is laid out twice over the same bytes, once without
 * a name (its members used directly) and once as a named struct (its
 * start, end and size; memcpy() of the group), the named one tagged in C
 * only (C++ allows no type declared in an anonymous union).
 */
#ifndef __struct_group
#ifdef __cplusplus
#define __kmapsim_group_tag(TAG)
#else
#define __kmapsim_group_tag(TAG) TAG
#endif
#define __struct_group(TAG, NAME, ATTRS, MEMBERS...)			\
	union {								\
		struct { MEMBERS } ATTRS;				\
		struct __kmapsim_group_tag(TAG) { MEMBERS } ATTRS NAME;	\
	} ATTRS
#endif

/*
 * A flexible array alone in a struct or a union member is not C: it goes
 * in an anonymous struct after an empty member (C++: a zero-length array,
 * an empty struct has size 1 there).
 */
#ifndef __DECLARE_FLEX_ARRAY
#ifdef __cplusplus
#define __DECLARE_FLEX_ARRAY(TYPE, NAME) TYPE NAME[0]
#else
#define __DECLARE_FLEX_ARRAY(TYPE, NAME)				\
	struct {							\
		struct { } __empty_##NAME;				\
		TYPE NAME[];						\
	}
#endif
#endif

#define struct_group(NAME, MEMBERS...) __struct_group(, NAME, , MEMBERS)
#define struct_group_attr(NAME, ATTRS, MEMBERS...) __struct_group(, NAME, ATTRS, MEMBERS)
#define struct_group_tagged(TAG, NAME, MEMBERS...) __struct_group(TAG, NAME, , MEMBERS)
#define DECLARE_FLEX_ARRAY(TYPE, NAME) __DECLARE_FLEX_ARRAY(TYPE, NAME)

#endif /* _KMAPSIM_LINUX_STDDEF_H */
