/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the architecture's per-device data, which struct device holds by
 * value; kmapsim's architecture keeps none (no IOMMU, no DMA ops).
 */
#ifndef _ASM_DEVICE_H
#define _ASM_DEVICE_H

struct dev_archdata {
	int __kmapsim_unused;
};

struct pdev_archdata {
	int __kmapsim_unused;
};

#endif /* _ASM_DEVICE_H */
