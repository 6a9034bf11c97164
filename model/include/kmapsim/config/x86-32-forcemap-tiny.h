/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-32-forcemap-tiny: x86-32-forcemap's kernel config (only the machine is smaller). */
#include <kmapsim/config/x86-32-forcemap.h>
