/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: linux/io.h for subjects; device registers are asm/io.h's.
 * Imported code reads the tree's linux/io.h (its devm_ and memremap()
 * declarations) and gets these names from kmapsim.
 */
#ifndef _LINUX_IO_H
#define _LINUX_IO_H

#include <asm/io.h>

#endif /* _LINUX_IO_H */
