"""Threads: stdout survives planning in threads, and a plan made in a thread is the serial plan.

Each run is a fresh process, because HiGHS prints its banner (which mealplan absorbs) only when
a process makes its first solver object: that first moment is the one a race could spoil.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

RUNS = 20

#: Four threads plan (a one-day week each, two for each of two people) at once as the
#: process's first solves, while the main thread writes to stdout; then each person's plan is
#: made alone.
FOUR_THREADS = textwrap.dedent(
    """
    import json, os, sys
    from concurrent.futures import ThreadPoolExecutor
    from mealplan import FoodCatalog, Planner, Profile, Targets

    planner = Planner(FoodCatalog.default())
    people = [Profile(age=34, sex="female"), Profile(age=52, sex="male")]

    def week(person):
        return planner.plan_week(Targets.cramp_support(person), days=1).model_dump_json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(week, people[n % 2]) for n in range(4)]
        for n in range(200):
            os.write(1, b"main %d\\n" % n)
        together = [future.result() for future in futures]
    alone = [week(person) for person in people]
    print(json.dumps({"same": together == alone * 2, "plans": len(together)}))
    """
)


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )


def test_stdout_survives_and_plans_match_in_twenty_runs_of_four_threads() -> None:
    with ThreadPoolExecutor(max_workers=2) as runner:
        runs = list(runner.map(_run, [FOUR_THREADS] * RUNS))
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
        lines = run.stdout.splitlines()
        # the last line is printed after every solve: stdout still reaches the reader
        assert lines[-1] == '{"same": true, "plans": 4}', run.stdout[-500:]
        assert sorted(line for line in lines if line.startswith("main ")) == sorted(
            f"main {n}" for n in range(200)
        )
        assert "HiGHS" not in run.stdout


def test_output_of_another_thread_written_during_the_banner_is_kept() -> None:
    """A thread writing to fd 1 non-stop while the banner is absorbed: every line arrives (some
    a moment later), and the banner does not."""
    script = textwrap.dedent(
        """
        import os, threading
        from mealplan.optimize import _solve

        def writer():
            for n in range(100000):
                os.write(1, b"line %d\\n" % n)

        thread = threading.Thread(target=writer)
        thread.start()
        _solve._absorb_highs_banner()
        thread.join()
        os.write(1, b"end\\n")
        """
    )
    run = _run(script)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1] == "end"
    assert sorted(lines[:-1]) == sorted(f"line {n}" for n in range(100000))
    assert "HiGHS" not in run.stdout


def test_a_child_process_started_during_the_banner_does_not_hold_it_up() -> None:
    """A child started while fd 1 points at the pipe keeps the pipe as its stdout for as long
    as it lives: absorbing the banner must return without waiting for the child, and what the
    child writes, before and after, still reaches the real stdout."""
    script = textwrap.dedent(
        """
        import subprocess, threading, time
        import highspy
        from mealplan.optimize import _solve

        real = highspy.Highs
        started = threading.Event()
        children = []

        def slow_highs():  # a slow first object, as on a loaded machine: a wide window
            started.set()
            time.sleep(0.5)
            return real()

        def start_child():
            started.wait()
            children.append(subprocess.Popen(
                ["sh", "-c", "echo child-early; read line; echo child-late"],
                stdin=subprocess.PIPE,
            ))

        _solve.highspy.Highs = slow_highs
        thread = threading.Thread(target=start_child)
        thread.start()
        _solve._absorb_highs_banner()
        thread.join()
        (child,) = children
        alive = child.poll() is None
        child.communicate(b"go\\n", timeout=60)
        print(f"returned while the child lived: {alive}", flush=True)
        """
    )
    run = _run(script)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "returned while the child lived: True" in lines, run.stdout
    assert "child-early" in lines and "child-late" in lines, run.stdout
    assert "HiGHS" not in run.stdout
