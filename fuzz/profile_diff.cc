// profile_diff: the same decisions on three profiles (x86-32-forcemap,
// x86-32, x86-64). The input seeds per-site decision streams, so a site one
// profile never asks does not shift the others. Checked: when no profile
// reports, every profile read the same bytes (the mapping scheme never
// changes data); a report may only come from the one illegal way of reading
// (one mapping across pages), and then only as kmap-overrun, and a profile
// that stays silent there still reads the same bytes as a correct copy
// would; x86-64 never reports it (silent on 64-bit). Any other outcome is
// a finding (abort).
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "decision_sources.h"
#include "machine.h"
#include "subject_registry.h"

extern "C" {
extern uint64_t diff_digest;
extern int diff_buggy_way;
}

using namespace kmapsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const kProfiles[] = {"x86-32-forcemap", "x86-32", "x86-64"};
  static std::unique_ptr<Machine> machines[3];
  const SubjectEntry *s = find_subject("diff_program");
  if (!s) abort();
  uint64_t seed = fnv1a(kFnvBasis, data, size);
  RunResult r[3];
  uint64_t digest[3];
  int buggy = 0;
  for (int i = 0; i < 3; i++) {
    if (!machines[i]) machines[i] = std::make_unique<Machine>(*find_profile(kProfiles[i]));
    SiteStreamSource src(seed);
    r[i] = machines[i]->run(s->fn, src);
    digest[i] = diff_digest;
    buggy = diff_buggy_way;
  }
  for (int i = 0; i < 3; i++) {
    if (r[i].reported && (!buggy || r[i].report.cls != BugClass::KmapOverrun || i == 2)) {
      fprintf(stderr, "kmapsim: profile_diff: unexpected report on %s (buggy way: %d):\n%s", kProfiles[i], buggy, r[i].report.text.c_str());
      abort();
    }
  }
  // Profiles that stayed silent agree on the bytes they read.
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      if (!r[i].reported && !r[j].reported && digest[i] != digest[j]) {
        fprintf(stderr, "kmapsim: profile_diff: %s and %s read different bytes (digest %016llx vs %016llx)\n", kProfiles[i], kProfiles[j],
                static_cast<unsigned long long>(digest[i]), static_cast<unsigned long long>(digest[j]));
        abort();
      }
  return 0;
}
