// The simulated machine's state as extra feedback for libFuzzer. In the
// fuzz preset the model is not coverage-instrumented (its branches say
// little about the subject), so the states that lead to kmap bugs are
// reported here instead: how much of the PKMAP pool one run held at once,
// how many tasks waited for a slot, how deep a context's kmap_local stack
// was when it was switched out, and which task ran after which. libFuzzer
// reads the counters from the __libfuzzer_extra_counters section and keeps
// inputs that reach a new (index, count bucket) pair; other builds never
// look at them.
#pragma once

namespace kmapsim::feedback {

// held of total PKMAP slots are held (count >= 2) right now.
void pkmap_held(unsigned held, unsigned total);
// waiters tasks sleep in kmap() for a free slot.
void pkmap_waiters(unsigned waiters);
// The running context changes from task `from` to task `to` (-1: none),
// leaving `depth` local mappings on the stack of `from`.
void context_switch(int from, int to, unsigned depth);

}  // namespace kmapsim::feedback
