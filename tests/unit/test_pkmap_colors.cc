// xtensa's PKMAP cache colours (ARCH_PKMAP_COLORING, Profile::pkmap_colors):
// kmap() gives a page a slot of its own colour, each colour cycles through
// its own LAST_PKMAP / colours slots with its own cursor, and a kmap() whose
// colour has no free slot sleeps even while slots of other colours are
// free. The tests build x86-32-tiny (8 slots) with 1 and with 2 colours.
#include "unit.h"

using namespace kt;

namespace {

Machine &colored(unsigned colors) {
  static std::map<unsigned, std::unique_ptr<Machine>> machines;
  std::unique_ptr<Machine> &m = machines[colors];
  if (!m) {
    kmapsim::Profile p = *kmapsim::find_profile("x86-32-tiny");
    p.name += "-colors" + std::to_string(colors);
    p.pkmap_colors = colors;
    m = std::make_unique<Machine>(p);
  }
  return *m;
}

RunResult run_colored(unsigned colors, void (*body)()) {
  ScriptSource src;
  return colored(colors).run(body, src);
}

constexpr int kPages = 16;
struct page *g_pages[kPages];
int g_slot[kPages];
unsigned long g_pfn[kPages];

int slot_of(const void *addr) {
  Machine &m = kmapsim::M();
  for (unsigned s = 0; s < m.pkmap().slots(); s++)
    if (m.arena().addr(m.arena().pkmap_window(s)) == addr) return static_cast<int>(s);
  return -1;
}

void alloc_all() {
  for (int i = 0; i < kPages; i++) {
    g_pages[i] = HIGH_PAGE();
    g_pfn[i] = page_to_pfn(g_pages[i]);
  }
}

void free_all() {
  for (int i = 0; i < kPages; i++) __free_page(g_pages[i]);
}

// Maps (and keeps) the first n allocated pages whose pfn is even.
void kmap_even(int n) {
  for (int i = 0; i < kPages && n; i++) {
    if (g_pfn[i] & 1) continue;
    kmap(g_pages[i]);
    n--;
  }
}

}  // namespace

TEST(PkmapColors, OffInEveryNamedProfile) {
  for (const kmapsim::Profile &p : kmapsim::all_profiles()) EXPECT_EQ(p.pkmap_colors, 1u) << p.name;
}

// Every slot has its page's colour: slot % 2 == pfn % 2.
TEST(PkmapColors, SlotHasThePagesColour) {
  RunResult r = run_colored(2, +[] {
    alloc_all();
    for (int i = 0; i < 6; i++) g_slot[i] = slot_of(kmap(g_pages[i]));
    for (int i = 0; i < 6; i++) kunmap(g_pages[i]);
    free_all();
  });
  ASSERT_TRUE(Clean(r));
  for (int i = 0; i < 6; i++) {
    ASSERT_GE(g_slot[i], 0);
    EXPECT_EQ(static_cast<unsigned long>(g_slot[i]) % 2, g_pfn[i] % 2) << i;
  }
}

// Without colours the same kmap()s take the pool's slots in order.
TEST(PkmapColors, UncolouredTakesSlotsInOrder) {
  RunResult r = run_colored(1, +[] {
    alloc_all();
    for (int i = 0; i < 6; i++) g_slot[i] = slot_of(kmap(g_pages[i]));
    for (int i = 0; i < 6; i++) kunmap(g_pages[i]);
    free_all();
  });
  ASSERT_TRUE(Clean(r));
  for (int i = 0; i < 6; i++) EXPECT_EQ(g_slot[i], i + 1);
}

// Four slots per colour out of eight: a fifth held page of one colour
// waits for a slot that nobody will free, although four other slots are
// free; without colours the eight-slot pool holds it.
TEST(PkmapColors, AColourRunsOutBeforeThePool) {
  auto five = +[] {
    alloc_all();
    kmap_even(5);
  };
  EXPECT_TRUE(Reported(run_colored(2, five), BugClass::PkmapDeadlock));
  RunResult r = run_colored(1, +[] {
    alloc_all();
    kmap_even(5);
    for (int i = 0, n = 5; i < kPages && n; i++)
      if (!(g_pfn[i] & 1)) {
        kunmap(g_pages[i]);
        n--;
      }
    free_all();
  });
  EXPECT_TRUE(Clean(r));
}

// Four held pages of one colour leave the other colour's slots usable.
TEST(PkmapColors, OtherColourStillMaps) {
  RunResult r = run_colored(2, +[] {
    alloc_all();
    kmap_even(4);
    for (int i = 0; i < kPages; i++)
      if (g_pfn[i] & 1) {
        g_slot[0] = slot_of(kmap(g_pages[i]));
        kunmap(g_pages[i]);
        break;
      }
    for (int i = 0, n = 4; i < kPages && n; i++)
      if (!(g_pfn[i] & 1)) {
        kunmap(g_pages[i]);
        n--;
      }
    free_all();
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_slot[0] % 2, 1);
}
