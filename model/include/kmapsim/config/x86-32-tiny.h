/* SPDX-License-Identifier: MIT */
/* kmapsim: profile x86-32-tiny: x86-32's kernel config (only the machine is smaller). */
#include <kmapsim/config/x86-32.h>
