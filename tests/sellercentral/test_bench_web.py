"""The web figure's pinning (``manage.py bench``, part "web"): server and load generator apart."""

from sellercentral import bench_web


def test_on_two_cores_the_server_gets_cpu_0_and_the_load_generator_cpu_1(monkeypatch):
    monkeypatch.setattr(bench_web.shutil, "which", lambda name: "/usr/bin/taskset")
    monkeypatch.setattr(bench_web.os, "sched_getaffinity", lambda pid: {0, 1})
    server, load, done = bench_web.pinning()
    assert server == ["/usr/bin/taskset", "-c", "0"]
    assert load == ["/usr/bin/taskset", "-c", "1"]
    assert "server on CPU 0, load generator on CPU 1" in done


def test_without_taskset_or_a_second_cpu_nothing_is_pinned_and_the_line_says_so(monkeypatch):
    monkeypatch.setattr(bench_web.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(bench_web.shutil, "which", lambda name: None)
    assert bench_web.pinning() == (
        [],
        [],
        "not pinned (no taskset): server and load generator share the CPUs",
    )
    monkeypatch.setattr(bench_web.shutil, "which", lambda name: "/usr/bin/taskset")
    monkeypatch.setattr(bench_web.os, "sched_getaffinity", lambda pid: {3})
    server, load, done = bench_web.pinning()
    assert (server, load) == ([], []) and done.startswith("not pinned (1 CPU)")
