// The explorer's set of distinct run hashes (fuzz/schedule_set.h): its size
// is the "distinct schedules" of every summary, so it must count exactly
// what a std::set of the same hashes holds, through growth, duplicates and
// the hash value 0 (its empty-slot marker).
#include <set>

#include "../../fuzz/schedule_set.h"
#include "unit.h"

namespace {

TEST(ScheduleSet, CountsWhatAStdSetHolds) {
  kmapsim::driver::ScheduleSet s;
  std::set<uint64_t> ref;
  kmapsim::Rng rng(7);
  for (int i = 0; i < 200000; i++) {
    // Few distinct values among many: duplicates on every growth step.
    uint64_t h = i % 3 == 0 ? rng.next() : rng.range(0, 5000) * 0x9e3779b97f4a7c15ull;
    if (i % 1000 == 0) h = 0;
    s.insert(h);
    ref.insert(h);
    if (i % 9973 == 0) ASSERT_EQ(s.size(), ref.size()) << i;
  }
  EXPECT_EQ(s.size(), ref.size());
  EXPECT_GT(ref.size(), 60000u);
}

TEST(ScheduleSet, ZeroCountsOnce) {
  kmapsim::driver::ScheduleSet s;
  s.insert(0);
  s.insert(0);
  EXPECT_EQ(s.size(), 1u);
  s.insert(1);
  s.insert(1);
  EXPECT_EQ(s.size(), 2u);
}

}  // namespace
