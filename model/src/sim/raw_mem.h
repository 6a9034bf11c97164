// Copies and fills of memory that needs no checking: the model's private
// view of page frames, and the subject's data sections with the ASan
// redzones between their globals. memcpy()/memset() would go through
// ASan's interceptors (in builds that link a sanitizer runtime), which
// first look at the region's shadow; for a freshly allocated 1 MiB folio
// that look cost a quarter as much as the fill itself. On x86-64 one
// string instruction each (fast-string microcode); elsewhere a plain loop
// the sanitizers leave alone.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kmapsim {

#if defined(__x86_64__)
__attribute__((no_sanitize("address", "thread"))) inline void raw_copy(void *dst, const void *src, std::size_t n) {
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

__attribute__((no_sanitize("address", "thread"))) inline void raw_fill(void *dst, unsigned char byte, std::size_t n) {
  asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(byte) : "memory");
}
#else
__attribute__((no_sanitize("address", "thread"))) inline void raw_copy(void *dst, const void *src, std::size_t n) {
  volatile unsigned char *d = static_cast<volatile unsigned char *>(dst);
  const volatile unsigned char *s = static_cast<const volatile unsigned char *>(src);
  for (std::size_t i = 0; i < n; i++) d[i] = s[i];
}

__attribute__((no_sanitize("address", "thread"))) inline void raw_fill(void *dst, unsigned char byte, std::size_t n) {
  volatile unsigned char *d = static_cast<volatile unsigned char *>(dst);
  for (std::size_t i = 0; i < n; i++) d[i] = byte;
}
#endif

}  // namespace kmapsim
