// Property family: completeness. For each of the 13 bug classes, random
// legal programs with exactly one injected violation of that class (in one
// of several ways, at a random point, on a profile that can see it)
// produce exactly that report first, and its first line names the API,
// the page, the address and the contexts involved.
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

// The list above is every class: a class added to BUG-CLASSES.md needs a
// completeness property (and injections in inject.cc).
TEST(Completeness, CoversEveryClass) {
  EXPECT_EQ(static_cast<int>(BugClass::SubjectBug) - 1, 13);
  for (int c = 1; c < static_cast<int>(BugClass::SubjectBug); c++) {
    BugClass cls = static_cast<BugClass>(c);
    EXPECT_GT(kprop::inject_variants(cls), 0) << kmapsim::bug_class_name(cls);
    EXPECT_FALSE(kprop::profiles_detecting(cls).empty()) << kmapsim::bug_class_name(cls);
  }
}
