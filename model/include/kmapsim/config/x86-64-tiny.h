/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-64-tiny: x86-64's kernel config (only the machine is smaller). */
#include <kmapsim/config/x86-64.h>
