/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the open(2) flags, which the kernel takes from the
 * architecture's asm/fcntl.h (kmapsim's): the generic values, which x86
 * uses (ARM moves O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE).
 * Filesystem code tests a file's access mode with them (cifs's
 * `(flags & O_ACCMODE) == O_RDWR`). Each only where the host's
 * <fcntl.h>, with the same values, has not defined it first.
 */
#ifndef _ASM_FCNTL_H
#define _ASM_FCNTL_H

#ifndef O_ACCMODE
#define O_ACCMODE	00000003
#endif
#ifndef O_RDONLY
#define O_RDONLY	00000000
#endif
#ifndef O_WRONLY
#define O_WRONLY	00000001
#endif
#ifndef O_RDWR
#define O_RDWR		00000002
#endif
#ifndef O_CREAT
#define O_CREAT		00000100
#endif
#ifndef O_EXCL
#define O_EXCL		00000200
#endif
#ifndef O_NOCTTY
#define O_NOCTTY	00000400
#endif
#ifndef O_TRUNC
#define O_TRUNC		00001000
#endif
#ifndef O_APPEND
#define O_APPEND	00002000
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK	00004000
#endif
#ifndef O_NDELAY
#define O_NDELAY	O_NONBLOCK
#endif
#ifndef O_DSYNC
#define O_DSYNC		00010000
#endif
#ifndef FASYNC
#define FASYNC		00020000
#endif
#ifndef O_DIRECT
#define O_DIRECT	00040000
#endif
#ifndef O_LARGEFILE
#define O_LARGEFILE	00100000
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY	00200000
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW	00400000
#endif
#ifndef O_NOATIME
#define O_NOATIME	01000000
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC	02000000
#endif
#ifndef __O_SYNC
#define __O_SYNC	04000000
#endif
#ifndef O_SYNC
#define O_SYNC		(__O_SYNC | O_DSYNC)
#endif
#ifndef O_PATH
#define O_PATH		010000000
#endif

#endif /* _ASM_FCNTL_H */
