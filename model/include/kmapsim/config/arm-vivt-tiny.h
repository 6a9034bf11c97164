/* SPDX-License-Identifier: MIT */
/* kmapsim: profile arm-vivt-tiny: arm-vivt's kernel config (only the machine is smaller). */
#include <kmapsim/config/arm-vivt.h>
