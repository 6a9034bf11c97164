/* SPDX-License-Identifier: MIT */
/* kmapsim: profile strict-tiny: strict's kernel config (only the machine is smaller). */
#include <kmapsim/config/strict.h>
