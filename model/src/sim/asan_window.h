// Syscall-free windows where AddressSanitizer is present (asan_window.cc).
// Every window keeps its own host mapping of its frame, made once, so
// aliasing stays real; opening and closing it poisons or unpoisons its
// shadow instead of calling mprotect(). Subject code is compiled to call
// kmapsim's access callbacks (asan_window_callbacks.cc), which turn an
// access to a closed window into the very report a SIGSEGV there would
// have given; the model's own copies are checked the same way.
#pragma once

#include <cstddef>

namespace kmapsim {

// True when windows are poisoned rather than protected: ASan's runtime is
// linked and the subject code calls kmapsim's access callbacks.
bool windows_poisoned();
// Opens (rw) or closes one page-sized window by its shadow.
void poison_window(void *addr, bool rw);
// An access of n bytes at a: if it touches a closed window of the running
// machine, reports it as the fault it stands for (never returns).
void check_window_access(const void *a, size_t n, bool is_write);
// Before the arena is unmapped: no shadow of it stays poisoned.
void unpoison_range(void *addr, size_t len);

}  // namespace kmapsim
