// libFuzzer's mutations, and now and then a fresh uniform-random input of
// the full length. A subject's input is its decision stream (picks from the
// front, schedule and fault decisions from the back): a long random input
// is a uniform random schedule, which finds bugs that need several tasks
// deep in their work at once (a PKMAP pool run dry) long before coverage
// would lead libFuzzer there, while the other mutations keep what coverage
// finds. Crash inputs replay as any other: they are only bytes. (With a
// custom mutator libFuzzer also drops its -len_control default: inputs may
// be -max_len long from the start.)
//
// Faults at fallible calls (a failing copy_from_user(), an interrupted
// wait) come from the input's optional fault trailer (see BytesSource):
// half the fresh random inputs carry one, and one mutation in kFaultEvery
// adds a trailer to an input or redraws one of its fault bytes. Inputs
// without a trailer (every corpus entry made before it existed) inject
// nothing, as they always did.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "decision_sources.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

namespace {
uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

// One mutation in kRandomEvery is a fresh random input; one in kFaultEvery
// touches the fault trailer.
constexpr unsigned kRandomEvery = 8;
constexpr unsigned kFaultEvery = 8;

namespace {
using kmapsim::BytesSource;

// Redraws a fault byte of the input's trailer, or appends a trailer of 1 to
// 32 random fault bytes (cutting decision bytes from the end when max_size
// leaves no room). Returns the new size.
size_t mutate_faults(uint8_t *data, size_t size, size_t max_size, uint64_t *x) {
  const size_t k = sizeof BytesSource::kInjectMagic, over = BytesSource::kTrailerOverhead;
  if (size >= over + 1 && memcmp(data + size - k, BytesSource::kInjectMagic, k) == 0) {
    size_t n = data[size - over];
    if (n && n <= size - over) {
      data[size - over - n + splitmix(x) % n] = static_cast<uint8_t>(splitmix(x));
      return size;
    }
  }
  size_t n = 1 + splitmix(x) % 32;
  if (max_size < n + over + 1) return size;
  if (size + n + over > max_size) size = max_size - n - over;
  for (size_t i = 0; i < n; i++) data[size + i] = static_cast<uint8_t>(splitmix(x));
  data[size + n] = static_cast<uint8_t>(n);
  memcpy(data + size + n + 1, BytesSource::kInjectMagic, k);
  return size + n + over;
}
}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  uint64_t x = seed;
  if (!LLVMFuzzerMutate || splitmix(&x) % kRandomEvery == 0) {
    for (size_t i = 0; i < max_size; i += 8) {
      uint64_t r = splitmix(&x);
      for (size_t j = 0; j < 8 && i + j < max_size; j++) data[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    return splitmix(&x) % 2 ? mutate_faults(data, max_size, max_size, &x) : max_size;
  }
  if (splitmix(&x) % kFaultEvery == 0) return mutate_faults(data, size, max_size, &x);
  return LLVMFuzzerMutate(data, size, max_size);
}
