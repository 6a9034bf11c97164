/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-64-forcemap-tiny: x86-64-forcemap's kernel config (only the machine is smaller). */
#include <kmapsim/config/x86-64-forcemap.h>
