// Work items run on the kworker, their own context: a work item may not use
// a local address its submitter made (the erofs thread), and must return
// holding no mapping and with preemption enabled.
#include "unit.h"

using namespace kt;

namespace {

struct job {
  struct work_struct work;
  struct page *page;
  char *kaddr;  // the submitter's local address (the bug), or NULL
  char seen;
};

struct job g_job;
bool g_done;
int g_order[4];
int g_order_n;

void submit_and_flush(work_func_t fn) {
  INIT_WORK(&g_job.work, fn);
  g_job.page = HIGH_PAGE();
  g_job.kaddr = nullptr;
  g_job.seen = 0;
  schedule_work(&g_job.work);
  flush_work(&g_job.work);
}

TEST(Workqueue, WorkItemReturnsHoldingALocalMap) {
  RunResult r = run("strict", +[] {
    submit_and_flush(+[](struct work_struct *w) {
      struct job *j = container_of(w, struct job, work);
      kmap_local_page(j->page);
    });
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"work item returned holding", "kmap_local_page()"}));
  EXPECT_TRUE(TextHas(r, "kworker"));
}

TEST(Workqueue, WorkItemThatUnmapsIsClean) {
  RunResult r = run("strict", +[] {
    g_done = false;
    submit_and_flush(+[](struct work_struct *w) {
      struct job *j = container_of(w, struct job, work);
      char *k = static_cast<char *>(kmap_local_page(j->page));
      k[0] = 'w';
      kunmap_local(k);
      g_done = true;
    });
    char *k = static_cast<char *>(kmap_local_page(g_job.page));
    g_job.seen = k[0];
    kunmap_local(k);
    __free_page(g_job.page);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
  EXPECT_EQ(g_job.seen, 'w');
}

TEST(Workqueue, WorkItemReturnsHoldingKmapAtomic) {
  RunResult r = run("x86-32", +[] {
    submit_and_flush(+[](struct work_struct *w) {
      struct job *j = container_of(w, struct job, work);
      kmap_atomic(j->page);
    });
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"work item returned", "kmap_atomic()"}));
}

TEST(Workqueue, WorkItemReturnsWithPreemptionDisabled) {
  RunResult r = run("strict", +[] {
    submit_and_flush(+[](struct work_struct *) { preempt_disable(); });
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"work item returned with preempt_count 1"}));
}

// The submitter's local address handed to the work item (erofs, Oct 2022).
TEST(Workqueue, LocalAddressHandedToAWorkItem) {
  RunResult r = run("strict", +[] {
    INIT_WORK(&g_job.work, +[](struct work_struct *w) {
      struct job *j = container_of(w, struct job, work);
      j->seen = j->kaddr[0];
    });
    g_job.page = HIGH_PAGE();
    g_job.kaddr = static_cast<char *>(kmap_local_page(g_job.page));
    schedule_work(&g_job.work);
    flush_work(&g_job.work);  // main sleeps holding the map: the kworker runs
    kunmap_local(g_job.kaddr);
    __free_page(g_job.page);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapEscape, {"read", "belongs to main", "used by kworker/0:1"}));
}

TEST(Workqueue, WorkItemMappingThePageItselfIsClean) {
  RunResult r = run("strict", +[] {
    INIT_WORK(&g_job.work, +[](struct work_struct *w) {
      struct job *j = container_of(w, struct job, work);
      char *k = static_cast<char *>(kmap_local_page(j->page));
      j->seen = k[0];
      kunmap_local(k);
    });
    g_job.page = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(g_job.page));
    k[0] = 'e';
    schedule_work(&g_job.work);
    flush_work(&g_job.work);
    kunmap_local(k);
    __free_page(g_job.page);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_EQ(g_job.seen, 'e');
}

// An ordered queue runs its items one at a time, in order (the second
// item may not start before the first returns); a pending item is not
// queued twice.
TEST(Workqueue, OrderedItemsRunInOrderAndPendingItemsAreNotQueuedTwice) {
  static struct work_struct w1, w2;
  static bool requeued;
  RunResult r = run("strict", +[] {
    g_order_n = 0;
    struct workqueue_struct *wq = alloc_ordered_workqueue("ordered", 0);
    ASSERT_NE(wq, nullptr);
    INIT_WORK(&w1, +[](struct work_struct *) {
      g_order[g_order_n++] = 1;
      msleep(1);  // the second item still waits
      g_order[g_order_n++] = 1;
    });
    INIT_WORK(&w2, +[](struct work_struct *) { g_order[g_order_n++] = 2; });
    queue_work(wq, &w1);
    queue_work(wq, &w2);
    requeued = queue_work(wq, &w1);
    flush_work(&w2);
    destroy_workqueue(wq);
  });
  ASSERT_TRUE(Clean(r)) << r.report.text;
  EXPECT_FALSE(requeued);
  ASSERT_EQ(g_order_n, 3);
  EXPECT_EQ(g_order[0], 1);
  EXPECT_EQ(g_order[1], 1);
  EXPECT_EQ(g_order[2], 2);
}

// On the system workqueue an item that sleeps does not hold up the next:
// a kernel pool starts another worker for it. So an item may wait for one
// queued after it (legal kernel code); on an ordered queue that wait never
// ends.
struct pair {
  struct work_struct first, second;
  struct completion done;
  int order[2];
  int n;
};
struct pair g_pair;

void queue_pair(struct workqueue_struct *wq) {
  g_pair.n = 0;
  init_completion(&g_pair.done);
  INIT_WORK(&g_pair.first, +[](struct work_struct *w) {
    struct pair *p = container_of(w, struct pair, first);
    wait_for_completion(&p->done);
    p->order[p->n++] = 1;
  });
  INIT_WORK(&g_pair.second, +[](struct work_struct *w) {
    struct pair *p = container_of(w, struct pair, second);
    p->order[p->n++] = 2;
    complete(&p->done);
  });
  queue_work(wq, &g_pair.first);
  queue_work(wq, &g_pair.second);
  flush_work(&g_pair.first);
}

TEST(Workqueue, AnItemMayWaitForTheNextOneOnTheSystemWorkqueue) {
  RunResult r = run("strict", +[] { queue_pair(system_wq); });
  ASSERT_TRUE(Clean(r)) << r.report.text;
  ASSERT_EQ(g_pair.n, 2);
  EXPECT_EQ(g_pair.order[0], 2);
  EXPECT_EQ(g_pair.order[1], 1);
}

TEST(Workqueue, AnItemWaitingForTheNextOneOnAnOrderedQueueWaitsForever) {
  for (bool ordered : {true, false}) {
    static bool s_ordered;
    s_ordered = ordered;
    RunResult r = run("strict", +[] {
      // alloc_workqueue() with max_active 1 is ordered here too
      queue_pair(s_ordered ? alloc_ordered_workqueue("ordered", 0) : alloc_workqueue("one", 0, 1));
    });
    EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"every task is blocked", "a completion", "a work item"})) << ordered;
  }
}

// A work item may free itself (the kernel's process_one_work() never
// touches an item after its function), and one may queue itself again
// from its own function; flush_work() waits for that second run too.
struct self_freeing {
  struct work_struct work;
  int n;
};
int g_ran[3];

TEST(Workqueue, WorkItemMayFreeItselfOrQueueItselfAgain) {
  static struct work_struct again;
  static int again_runs;
  RunResult r = run("strict", +[] {
    g_ran[0] = g_ran[1] = g_ran[2] = 0;
    again_runs = 0;
    for (int i = 0; i < 2; i++) {
      auto *s = static_cast<struct self_freeing *>(kmalloc(sizeof(struct self_freeing), GFP_KERNEL | __GFP_NOFAIL));
      s->n = i;
      INIT_WORK(&s->work, +[](struct work_struct *w) {
        struct self_freeing *s = container_of(w, struct self_freeing, work);
        g_ran[s->n]++;
        memset(s, 0x5a, sizeof(*s));  // what a reuse of the memory could write
        kfree(s);
      });
      schedule_work(&s->work);
    }
    INIT_WORK(&again, +[](struct work_struct *w) {
      if (++again_runs == 1) EXPECT_TRUE(schedule_work(w));
    });
    schedule_work(&again);
    flush_work(&again);
    EXPECT_EQ(again_runs, 2);
  });
  EXPECT_TRUE(Clean(r)) << r.report.text;
  EXPECT_EQ(g_ran[0], 1);
  EXPECT_EQ(g_ran[1], 1);
}

}  // namespace
