#include "decision.h"

namespace kmapsim {

const char *site_name(Site s) {
  switch (s) {
    case Site::Pick: return "pick";
    case Site::NextTask: return "next-task";
    case Site::Highmem: return "highmem";
    case Site::AllocFail: return "alloc-fail";
    case Site::UserFault: return "user-fault";
    case Site::Irq: return "irq";
    case Site::IrqWhich: return "irq-which";
    case Site::Migrate: return "migrate";
    case Site::MigrateTo: return "migrate-to";
    case Site::Inject: return "inject";
    case Site::Stall: return "stall";
    case Site::kCount: break;
  }
  return "?";
}

const char *fault_name(Fault f) {
  switch (f) {
    case Fault::UserCopy: return "user-copy";
    case Fault::Interrupted: return "interrupted";
    case Fault::Timeout: return "timeout";
    case Fault::FaultIn: return "fault-in";
    case Fault::Resched: return "resched";
    case Fault::ClockJump: return "clock-jump";
    case Fault::Stall: return "stall";
    case Fault::kCount: break;
  }
  return "?";
}

uint32_t site_weight(Site s) {
  switch (s) {
    case Site::Highmem: return 160;   // mostly highmem: the dangerous world
    case Site::AllocFail: return 8;
    case Site::UserFault: return 96;
    case Site::Irq: return 12;
    case Site::Migrate: return 12;
    default: return 128;
  }
}

uint64_t DecisionSource::answer(const Question &q) {
  switch (q.site) {
    case Site::Pick:
    case Site::IrqWhich:
    case Site::MigrateTo: return pick(q.site, q.lo, q.hi);
    case Site::NextTask: return next_task(q.cands, static_cast<size_t>(q.hi) + 1, q.running);
    case Site::Inject:
    case Site::Stall: return inject(q.fault, q.hi) ? 1 : 0;
    default: return should(q.site) ? 1 : 0;
  }
}

uint64_t DecisionPath::ask(const Question &q) {
  uint64_t v = src_->answer(q);
  if (q.site == Site::Inject || q.site == Site::Stall) {
    if (!v) return 0;
    trace_.push(q.site, q.hi);
    return 1;
  }
  if (v < q.lo || v > q.hi) v = q.lo;
  trace_.push(q.site, v);
  return v;
}

std::string Trace::encode() const {
  std::string out;
  out.reserve(d_.size() * 2);
  for (const Decision &d : d_) {
    out.push_back(static_cast<char>(d.site));
    uint64_t v = d.value;
    do {
      unsigned char b = v & 0x7f;
      v >>= 7;
      if (v) b |= 0x80;
      out.push_back(static_cast<char>(b));
    } while (v);
  }
  return out;
}

bool Trace::decode(const std::string &bytes, Trace *out) {
  out->clear();
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned site = static_cast<unsigned char>(bytes[i++]);
    if (site >= static_cast<unsigned>(Site::kCount)) return false;
    uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (i >= bytes.size() || shift > 63) return false;
      unsigned char b = static_cast<unsigned char>(bytes[i++]);
      if (shift == 63 && (b & 0x7e)) return false;  // the tenth byte holds bit 63 only: more is not a 64-bit value
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    out->push(static_cast<Site>(site), v);
  }
  return true;
}

// FNV-1a of encode()'s bytes, computed without building the string (runs
// hash their whole trace at the end).
uint64_t Trace::hash() const {
  uint64_t h = kFnvBasis;
  for (const Decision &d : d_) {
    unsigned char b = static_cast<unsigned char>(d.site);
    h = fnv1a(h, &b, 1);
    uint64_t v = d.value;
    do {
      b = v & 0x7f;
      v >>= 7;
      if (v) b |= 0x80;
      h = fnv1a(h, &b, 1);
    } while (v);
  }
  return h;
}

void Rng::seed_with(uint64_t seed) {
  for (uint64_t &w : s_) {
    seed += 0x9e3779b97f4a7c15ull;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    w = z ^ (z >> 31);
  }
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Rng::next() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::range(uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = hi - lo;
  if (span == UINT64_MAX) return next();
  uint64_t n = span + 1;
  uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  uint64_t x;
  do x = next();
  while (x >= limit);
  return lo + x % n;
}

}  // namespace kmapsim
