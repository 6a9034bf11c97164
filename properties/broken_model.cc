// A property that a broken model would still pass checks nothing. Here the
// model is broken on purpose — Machine::set_broken_sched_in(true): when a
// context is switched back in, its local mappings' windows are restored
// one slot off (the window of the mapping above each one), as a wrong
// __kmap_local_sched_in would — and the properties must fail: the model
// against the reference, soundness, and the profile differential. Each
// runs until its first failure (no shrinking), with rapidcheck's seed.
#include "cases.h"
#include "reference.h"

namespace {

void any_profile_model_vs_reference() { kprop::model_vs_reference_case(); }

class Silent : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription &) override {}
  void onShrinkTried(const rc::detail::CaseDescription &, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata &, const rc::detail::TestResult &) override {}
};

// Runs body as a property on the broken model; returns rapidcheck's verdict.
rc::detail::TestResult on_broken_model(void (*body)()) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = 1000;  // it fails long before: a bound, not a budget
  params.disableShrinking = true;
  rc::detail::TestMetadata md;
  md.id = "broken-model";
  Silent quiet;
  kprop::set_broken_model(true);
  rc::detail::TestResult r = rc::detail::checkProperty(rc::detail::toProperty(body), md, params, quiet, {});
  kprop::set_broken_model(false);
  return r;
}

::testing::AssertionResult Fails(const rc::detail::TestResult &r) {
  rc::detail::FailureResult f;
  if (!r.match(f)) return ::testing::AssertionFailure() << "the property passed on a model whose sched_in restores the wrong windows";
  std::cout << "caught after " << f.numSuccess << " passing cases: " << f.description.substr(0, 400) << "\n";
  return ::testing::AssertionSuccess();
}

TEST(BrokenModel, ModelVsReferenceFails) { EXPECT_TRUE(Fails(on_broken_model(&any_profile_model_vs_reference))); }

TEST(BrokenModel, SoundnessFails) { EXPECT_TRUE(Fails(on_broken_model(&kprop::soundness_case))); }

TEST(BrokenModel, ProfileDifferentialFails) { EXPECT_TRUE(Fails(on_broken_model(&kprop::differential_case))); }

// And the same properties pass on the model as it is (same seed, fewer
// cases): the failures above come from the breakage.
TEST(BrokenModel, TheSameCasesPassOnTheRealModel) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = 20;
  rc::detail::TestMetadata md;
  md.id = "real-model";
  Silent quiet;
  for (void (*body)() : {&any_profile_model_vs_reference, &kprop::soundness_case, &kprop::differential_case}) {
    rc::detail::TestResult r = rc::detail::checkProperty(rc::detail::toProperty(body), md, params, quiet, {});
    rc::detail::FailureResult f;
    EXPECT_FALSE(r.match(f)) << f.description;
  }
}

}  // namespace
