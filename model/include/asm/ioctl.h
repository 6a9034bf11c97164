/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: an ioctl command's encoding (_IOR(), _IOC_SIZE(), _IOC_READ,
 * ...). x86 and ARM, every profile's arch, use the generic layout (number,
 * type, size, direction), as the host's headers do: this is the C
 * library's <asm-generic/ioctl.h>, which the kernel's uapi carries
 * unchanged. Imported code reaches it through uapi/linux/ioctl.h, which
 * the importer does not read past (asm/ is the arch's).
 */
#ifndef _KMAPSIM_ASM_IOCTL_H
#define _KMAPSIM_ASM_IOCTL_H

#include <asm-generic/ioctl.h>

#endif /* _KMAPSIM_ASM_IOCTL_H */
