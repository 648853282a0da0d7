"""The matrix as Bazel tests: one test target per cell (scenario, from, to).

TAGS must list exactly the registered release tags (versions/registry.cc),
oldest first, and SCENARIOS exactly the runner's scenarios
(bazel run //matrix:runner -- --list); //matrix:cells_in_sync_test fails,
naming what is missing, when they drift (e.g. after scripts/cut_release.sh).

Each cell is an sh_test that runs the runner binary on that one cell in test
mode: seeds are sharded through TEST_TOTAL_SHARDS / TEST_SHARD_INDEX (the
runner touches TEST_SHARD_STATUS_FILE), reports go to
TEST_UNDECLARED_OUTPUTS_DIR (report.seeds.xml, one JUnit testcase per seed,
becomes the test's XML_OUTPUT_FILE: cell_test.sh); no network, no shared
files. So Bazel (or any REAPI remote executor) spreads the matrix over cores and machines.

    bazel test //matrix:cells                          every cell (pull requests)
    bazel test //matrix:cells --test_tag_filters=to_v2 the cells that end on v2
    bazel test //matrix:cell_rolling_upgrade_v1_v2     one cell
    bazel test //matrix:cells_full                     the nightly matrix (manual)
"""

TAGS = [
    "v1",
    "v2",
    "v3",
]

SCENARIOS = [
    "rolling_upgrade",
    "rolling_downgrade",
    "downgrade_after_finalize",
    "topologies_3",
    "topologies_5",
    "snapshot_exchange",
    "compaction_mixed",
    "membership_mixed",
    "leader_flaps",
    "crash_mid_upgrade",
    "downgrade_procedure",
    "staged_rollout",
    "multi_hop",
    "adversary",
    "overload",
    "pause",
    "joint_mixed",
    "learners_mixed",
    "reads_mixed",
]

def matrix_pairs(tags = TAGS):
    """Every (from, to) with from not newer than to, in registry order."""
    pairs = []
    for i in range(len(tags)):
        for j in range(i, len(tags)):
            pairs.append((tags[i], tags[j]))
    return pairs

def matrix_cells(
        name,
        runner,
        script,
        mode = "fast",
        seeds = 8,
        shard_count = 2,
        prefix = "cell",
        size = "small",
        manual = False):
    """One sh_test per cell, a test_suite `name` of them all, and the sync test.

    Every cell runs with its network blocked (the `block-network` tag: the
    sandbox leaves it loopback only), from its declared inputs only (the runner
    and the script), so a remote executor can run each cell anywhere.

    Args:
      name: the test_suite.
      runner: the runner binary.
      script: the shell wrapper that runs `runner` with the cell's flags.
      mode: "fast" (every change) or "full".
      seeds: seeds per cell (1..seeds), split over the shards.
      shard_count: shards per cell.
      prefix: the cells' names are <prefix>_<scenario>_<from>_<to>.
      size: the Bazel test size of each cell (its timeout).
      manual: tag every cell `manual`: built and run only when named (the
        nightly matrix), never by `bazel test //...`.
    """
    tests = []
    cells = []
    extra_tags = ["block-network"] + (["manual"] if manual else [])
    for scenario in SCENARIOS:
        for (a, b) in matrix_pairs():
            test = "%s_%s_%s_%s" % (prefix, scenario, a, b)
            cells.append("%s/%s/%s" % (scenario, a, b))
            native.sh_test(
                name = test,
                size = size,
                srcs = [script],
                args = [
                    "$(location %s)" % runner,
                    "--test",
                    "--scenarios=" + scenario,
                    "--pairs=%s:%s" % (a, b),
                    "--mode=" + mode,
                    "--seeds=%d" % seeds,
                ],
                data = [runner],
                shard_count = shard_count,
                tags = extra_tags + [
                    "matrix_cell",
                    "mode_" + mode,
                    "scenario_" + scenario,
                    "from_" + a,
                    "to_" + b,
                    "tag_" + a,
                ] + (["tag_" + b] if b != a else []),
            )
            tests.append(":" + test)
    native.test_suite(
        name = name,
        tests = tests,
        tags = ["manual"] if manual else [],
    )

    # Fails when a registered tag (or a scenario) has no cells here.
    native.sh_test(
        name = name + "_in_sync_test",
        size = "small",
        srcs = [script],
        args = [
            "$(location %s)" % runner,
            "--verify_cells=" + ",".join(cells),
        ],
        data = [runner],
        tags = ["manual"] if manual else [],
    )
