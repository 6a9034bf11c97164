// Property family: completeness. For each of the model's bug classes, random
// legal programs with exactly one injected violation of that class (in one
// of several ways, at a random point, on a profile that can see it)
// produce exactly that report first, and its first line names the API,
// the page, the address and the contexts involved.
#include <cctype>
#include <string>

#include "cases.h"
#include "program.h"

using kprop::BugClass;

KMAPSIM_PROP(Completeness, KmapOverrun, ()) { kprop::completeness_case(BugClass::KmapOverrun); }
KMAPSIM_PROP(Completeness, KmapEscape, ()) { kprop::completeness_case(BugClass::KmapEscape); }
KMAPSIM_PROP(Completeness, KunmapOrder, ()) { kprop::completeness_case(BugClass::KunmapOrder); }
KMAPSIM_PROP(Completeness, KunmapBadAddress, ()) { kprop::completeness_case(BugClass::KunmapBadAddress); }
KMAPSIM_PROP(Completeness, KmapUseAfterUnmap, ()) { kprop::completeness_case(BugClass::KmapUseAfterUnmap); }
KMAPSIM_PROP(Completeness, KmapLeak, ()) { kprop::completeness_case(BugClass::KmapLeak); }
KMAPSIM_PROP(Completeness, KmapSlotOverflow, ()) { kprop::completeness_case(BugClass::KmapSlotOverflow); }
KMAPSIM_PROP(Completeness, SleepInAtomic, ()) { kprop::completeness_case(BugClass::SleepInAtomic); }
KMAPSIM_PROP(Completeness, FaultInAtomic, ()) { kprop::completeness_case(BugClass::FaultInAtomic); }
KMAPSIM_PROP(Completeness, HighmemPageAddress, ()) { kprop::completeness_case(BugClass::HighmemPageAddress); }
KMAPSIM_PROP(Completeness, LostAtomicity, ()) { kprop::completeness_case(BugClass::LostAtomicity); }
KMAPSIM_PROP(Completeness, MissingFlushDcache, ()) { kprop::completeness_case(BugClass::MissingFlushDcache); }
KMAPSIM_PROP(Completeness, PkmapDeadlock, ()) { kprop::completeness_case(BugClass::PkmapDeadlock); }
KMAPSIM_PROP(Completeness, SoftLockup, ()) { kprop::completeness_case(BugClass::SoftLockup); }

// The list above is every class: a class added to BUG-CLASSES.md needs a
// completeness property (and injections in inject.cc). Checked against
// GoogleTest's registry: for each class (but SubjectBug, which is not a kmap
// rule, and MemoryError, which is the sanitizer's finding in subject code,
// not a rule of the model: tested by the driver/memory-error tests) a test
// Completeness.<Class> must exist, the class name in CamelCase
// (kmap-overrun -> KmapOverrun).
namespace {

std::string camel_case(const std::string &name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

bool registered(const std::string &suite, const std::string &name) {
  const ::testing::UnitTest &u = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < u.total_test_suite_count(); i++) {
    const ::testing::TestSuite &ts = *u.GetTestSuite(i);
    if (suite != ts.name()) continue;
    for (int j = 0; j < ts.total_test_count(); j++)
      if (name == ts.GetTestInfo(j)->name()) return true;
  }
  return false;
}

}  // namespace

TEST(Completeness, CoversEveryClass) {
  int classes = 0;
  for (int c = 1; c < static_cast<int>(BugClass::kCount); c++) {
    BugClass cls = static_cast<BugClass>(c);
    if (cls == BugClass::SubjectBug || cls == BugClass::MemoryError) continue;
    classes++;
    std::string name = kmapsim::bug_class_name(cls);
    EXPECT_TRUE(registered("Completeness", camel_case(name))) << "no property Completeness." << camel_case(name) << " for " << name;
    EXPECT_GT(kprop::inject_variants(cls), 0) << name;
    EXPECT_FALSE(kprop::profiles_detecting(cls).empty()) << name;
  }
  EXPECT_GT(classes, 0);
  // The check itself can fail: a name that is not a property is not found.
  EXPECT_FALSE(registered("Completeness", camel_case("no-such-class")));
}
