/* SPDX-License-Identifier: MIT */
/* kmapsim: symbol exports only have to compile; there are no modules. */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H
#define EXPORT_SYMBOL(sym) extern char kmapsim_export_##sym
#define EXPORT_SYMBOL_GPL(sym) extern char kmapsim_export_##sym
#define EXPORT_SYMBOL_NS(sym, ns) extern char kmapsim_export_##sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern char kmapsim_export_##sym
#define THIS_MODULE ((struct module *)0)
#endif /* _LINUX_EXPORT_H */
