// libFuzzer's mutations, and now and then a fresh uniform-random input of
// the full length. A subject's input is its decision stream (picks from the
// front, schedule and fault decisions from the back): a long random input
// is a uniform random schedule, which finds bugs that need several tasks
// deep in their work at once (a PKMAP pool run dry) long before coverage
// would lead libFuzzer there, while the other mutations keep what coverage
// finds. Crash inputs replay as any other: they are only bytes. (With a
// custom mutator libFuzzer also drops its -len_control default: inputs may
// be -max_len long from the start.)
#include <cstddef>
#include <cstdint>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

namespace {
uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

// One mutation in kRandomEvery is a fresh random input.
constexpr unsigned kRandomEvery = 8;

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  uint64_t x = seed;
  if (!LLVMFuzzerMutate || splitmix(&x) % kRandomEvery == 0) {
    for (size_t i = 0; i < max_size; i += 8) {
      uint64_t r = splitmix(&x);
      for (size_t j = 0; j < 8 && i + j < max_size; j++) data[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    return max_size;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
