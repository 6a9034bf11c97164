// The program-based property bodies, one rapidcheck case each. The family
// files wrap them in KMAPSIM_PROP; the broken-model test runs them on a
// deliberately broken model and requires them to fail.
#pragma once

#include "harness.h"

namespace kprop {

// Soundness: a random legal program on any profile, under a random, PCT
// or per-site source, never produces a report, and everything the
// interpreter reads through any mapping is what the page holds.
void soundness_case();
// Soundness over every schedule: a small legal program explored with the
// bounded-exhaustive source (K <= 1 preemption) is clean in every run.
void soundness_exhaustive_case();
// Completeness: a legal program with exactly one injected violation of
// cls produces exactly that report, first, naming the right API, page,
// address and contexts.
void completeness_case(BugClass cls);
// Determinism: a run replayed from its recorded trace gives the same
// trace hash, report and observations; so does a second run from the
// same seed.
void determinism_case();
// Profile differential: a legal program observes the same bytes on
// x86-32, x86-32-forcemap and x86-64.
void differential_case();

}  // namespace kprop
