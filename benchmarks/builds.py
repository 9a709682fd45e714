"""What our plugins add to ``mkdocs build`` of the default course: cold (empty cache) and warm."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course import OURS, copy_default_course, plugin_available, with_plugins, write_config
from measure import Sample, median, mkdocs_build, rmtree


@dataclass(frozen=True)
class BuildOverhead:
    """Seconds per run of each variant, measured interleaved in the same session."""

    plugins: tuple[str, ...]
    without: list[Sample]
    cold: list[Sample]
    warm: list[Sample]

    def ratio(self, runs: list[Sample]) -> float:
        """Median wall-clock time with our plugins over median without them."""
        return median([s.seconds for s in runs]) / median([s.seconds for s in self.without])

    def ratio_cpu(self, runs: list[Sample]) -> float:
        """The same in CPU seconds (what the build costs, whatever else the machine runs)."""
        return median([s.cpu for s in runs]) / median([s.cpu for s in self.without])


def build_overhead(work: Path, runs: int) -> BuildOverhead:
    """Build the default course with and without our plugins, ``runs`` times each, interleaved."""
    course = work / "default-course"
    config = copy_default_course(course)
    ours = tuple(name for name in OURS if plugin_available(name))
    plugins = config.get("plugins") or []
    on = write_config(
        course,
        "bench-with.yml",
        {**config, "plugins": with_plugins(plugins, {n: {} for n in ours})},
    )
    off = write_config(
        course, "bench-without.yml", {**config, "plugins": with_plugins(plugins, {}, drop=OURS)}
    )
    site = work / "default-site"
    # one untimed build of each first: Python's own caches and the OS page cache warm up
    mkdocs_build(off, site)
    mkdocs_build(on, site)
    without: list[Sample] = []
    cold: list[Sample] = []
    warm: list[Sample] = []
    for _ in range(runs):
        without.append(mkdocs_build(off, site))
        rmtree(course / ".cache")
        cold.append(mkdocs_build(on, site))
        warm.append(mkdocs_build(on, site))
    return BuildOverhead(ours, without, cold, warm)


def build_default_site(work: Path, site: Path) -> Path:
    """The default course built once with our plugins (from a copy, so no cache lands in the repo)."""
    course = work / "default-course"
    config = copy_default_course(course)
    ours = {n: {} for n in OURS if plugin_available(n)}
    on = write_config(
        course,
        "bench-with.yml",
        {**config, "plugins": with_plugins(config.get("plugins") or [], ours)},
    )
    mkdocs_build(on, site)
    return site
