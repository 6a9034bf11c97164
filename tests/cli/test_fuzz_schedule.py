"""`kmapsim fuzz`'s budget (scripts/kmapsim_cli/fuzz.py, schedule()): every
target gets its equal share first; the time the targets leave unused goes
to the zoo bugs not re-found in their share, which run again; a job with
nothing left to find ends early. A fake clock: each run takes the seconds
it is given unless it finds its bug at once."""
from kmapsim_cli import fuzz


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def fake_runs(clock, finds_at):
    """finds_at[name]: on which run of it the target finds its bug (None:
    never); a run that finds takes a tenth of a second, any other run all
    of its seconds."""
    calls = []

    def run_one(t, seconds, again):
        calls.append((t["name"], seconds, again))
        n = sum(1 for c in calls if c[0] == t["name"])
        found = finds_at.get(t["name"]) == n
        spent = 0.1 if found else seconds
        clock.now += spent
        return {"finding": t["expect"] if found else None, "execs": 10, "secs": spent}

    return run_one, calls


TARGETS = [{"name": "fixed", "expect": "clean"}, {"name": "quick", "expect": "kmap-leak"},
           {"name": "slow", "expect": "pkmap-deadlock"}, {"name": "quick2", "expect": "kmap-overrun"}]


def test_the_time_left_goes_to_the_bug_not_yet_found():
    clock = Clock()
    run_one, calls = fake_runs(clock, {"quick": 1, "quick2": 1, "slow": 2})
    res = fuzz.schedule(TARGETS, 40, run_one, clock)
    # 10 s each first; slow then gets what the quick ones left (40 - 20.2)
    assert calls[:4] == [("fixed", 10, False), ("quick", 10, False), ("slow", 10, False), ("quick2", 10, False)]
    assert calls[4] == ("slow", 19, True)
    assert len(calls) == 5
    assert res[2]["finding"] == "pkmap-deadlock" and res[2]["execs"] == 20
    assert clock.now - 1000.0 <= 40


def test_nothing_left_to_find_ends_early():
    clock = Clock()
    run_one, calls = fake_runs(clock, {"quick": 1, "quick2": 1, "slow": 1})
    fuzz.schedule(TARGETS, 40, run_one, clock)
    assert [c[2] for c in calls] == [False] * 4
    assert clock.now - 1000.0 < 11


def test_no_second_run_without_time_for_it():
    clock = Clock()
    run_one, calls = fake_runs(clock, {})
    res = fuzz.schedule([{"name": "slow", "expect": "pkmap-deadlock"}], 5, run_one, clock)
    assert calls == [("slow", 5, False)]
    assert res[0]["finding"] is None
