#include "decision_sources.h"

#include <cstring>

namespace kmapsim {

BytesSource::BytesSource(const uint8_t *data, size_t size) : p_(data), end_(data + size) {
  const size_t k = sizeof kInjectMagic;
  if (size < kTrailerOverhead + 1 || memcmp(data + size - k, kInjectMagic, k) != 0) return;
  size_t n = data[size - kTrailerOverhead];
  if (n == 0 || n > size - kTrailerOverhead) return;  // not a trailer: all decision bytes
  end_ = data + size - kTrailerOverhead - n;
  fault_ = end_;
  nfault_ = n;
}

bool BytesSource::inject(Fault f, uint64_t nth) {
  if (nth < 1 || nth > nfault_) return false;
  return fault_[f == Fault::Stall ? nfault_ - nth : nth - 1] >= 0xf0;
}

bool BytesSource::take_front(uint8_t *b) {
  if (p_ == end_) return false;
  *b = *p_++;
  return true;
}

bool BytesSource::take_back(uint8_t *b) {
  if (p_ == end_) return false;
  *b = *--end_;
  return true;
}

uint64_t BytesSource::pick(Site, uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = hi - lo;
  uint64_t v = 0;
  bool any = false;
  // As many bytes as the span needs, most significant first.
  for (uint64_t s = span; s; s >>= 8) {
    uint8_t b;
    if (!take_front(&b)) break;
    v = (v << 8) | b;
    any = true;
  }
  if (!any) return hi;  // out of bytes: the largest value
  if (span == UINT64_MAX) return v;
  return lo + v % (span + 1);
}

bool BytesSource::should(Site site) {
  uint8_t b;
  if (!take_back(&b)) {
    // Harsh defaults: highmem pages and absent user pages; no injected
    // allocation failure (it would end most runs early), no interrupt.
    return site == Site::Highmem || site == Site::UserFault;
  }
  return b < site_weight(site);
}

size_t BytesSource::next_task(const Candidate *, size_t n, int) {
  uint8_t b;
  if (!take_back(&b)) return 0;
  return b % n;
}

}  // namespace kmapsim
