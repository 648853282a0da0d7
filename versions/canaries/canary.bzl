"""canary_release: a good tag plus a small patch, built side by side with the good tags.

A canary is a known-bad release. The macro copies the base tag's release sources
(versions/<base>/*.{h,cc} via //versions/<base>:release_files), its wire schema
(wire/<base>/raft.proto via //wire/<base>:release_files) and its adapter
(versions/<base>/adapter/adapter.{h,cc}) into a scratch tree laid out like the
workspace, applies versions/canaries/<name>.patch there with `patch -p1` (so a
patch is an ordinary `git diff` against the real tree), and then renames what
would collide when the canary links next to its base in one binary, as cutting
a release does:

  C++ namespace   raftlog::<base>          -> raftlog::<base>_<name>
                  raftlog::wire::<base>    -> raftlog::wire::<base>_<name>
  proto package   raftlog.wire.<base>      -> raftlog.wire.<base>_<name>
  includes        versions/<base>/...      -> versions/canaries/<base>_<name>/...
                  wire/<base>/raft.pb.h    -> versions/canaries/<base>_<name>/raft.pb.h
  header guards   RAFTLOG_VERSIONS_<BASE>_ -> RAFTLOG_VERSIONS_CANARIES_<BASE>_<NAME>_
  release tag     kReleaseTag "<base>"     -> "<base>+<name>"   ('+' is not a C++ identifier
                                                                 character, hence the '_' above)

The wire bytes do not change (a proto package never reaches the wire), so the
canary talks to its base and older tags exactly as the patched base would.

Targets (all in versions/canaries):
  <name>_sources     genrule: patched, renamed sources under <base>_<name>/
  <name>_proto       proto_library of <base>_<name>/raft.proto (import path
                     "versions/canaries/<base>_<name>/raft.proto", which is what
                     the rewritten includes of raft.pb.h name)
  <name>_cc_proto    cc_proto_library
  <name>             one cc_library compiling every patched source, the adapter and a
                     registration of the canary as one translation unit (tag "<base>+<name>", the expected
                     diagnosis, the cells to run) in //versions/canaries:registry.
                     alwayslink, so depending on it is enough to register it.

The release file list of each base is spelled out below (outputs of a genrule are
static); the genrule fails if the base grows a release source this list does not
name, so an evolving base is never copied partially without notice.
"""

load("@rules_cc//cc:defs.bzl", "cc_library", "cc_proto_library")
load("@rules_proto//proto:defs.bzl", "proto_library")

# Release sources (not tests, not test utilities) of each base tag, and the
# libraries they need besides their own wire schema.
_BASES = {
    "v1": struct(
        files = [
            "check.h",
            "kv.cc",
            "kv.h",
            "log.cc",
            "log.h",
            "node.cc",
            "node.h",
            "raft.cc",
            "raft.h",
            "storage.cc",
            "storage.h",
        ],
        deps = [
            "//snapshots:crc32c",
            "//snapshots:state",
            "//snapshots/format1",
            "//third_party:absl",
            "//versions/api",
        ],
    ),
    "v2": struct(
        files = [
            "check.h",
            "cluster_version.cc",
            "cluster_version.h",
            "kv.cc",
            "kv.h",
            "log.cc",
            "log.h",
            "node.cc",
            "node.h",
            "raft.cc",
            "raft.h",
            "storage.cc",
            "storage.h",
        ],
        deps = [
            "//snapshots:crc32c",
            "//snapshots:preamble",
            "//snapshots:state",
            "//snapshots/format1",
            "//snapshots/format2",
            "//snapshots/format2:install",
            "//third_party:absl",
            "//versions/api",
        ],
    ),
    "v3": struct(
        files = [
            "auth.cc",
            "auth.h",
            "check.h",
            "cluster_version.cc",
            "cluster_version.h",
            "kv.cc",
            "kv.h",
            "log.cc",
            "log.h",
            "node.cc",
            "node.h",
            "quorum.cc",
            "quorum.h",
            "raft.cc",
            "raft.h",
            "raft_admission.cc",
            "raft_apply.cc",
            "raft_cluster_version.cc",
            "raft_durable.cc",
            "raft_election.cc",
            "raft_internal.cc",
            "raft_internal.h",
            "raft_membership.cc",
            "raft_read.cc",
            "raft_replication.cc",
            "raft_snapshot.cc",
            "storage.cc",
            "storage.h",
        ],
        deps = [
            "//snapshots:crc32c",
            "//snapshots:preamble",
            "//snapshots:state",
            "//snapshots:storage_codec",
            "//snapshots/format1",
            "//snapshots/format2",
            "//snapshots/format2:install",
            "//snapshots/format3",
            "//third_party:absl",
            "//third_party:openssl",
            "//third_party:protobuf",
            "//versions/api",
        ],
    ),
}

def _sed_script(base, name):
    ns = base + "_" + name
    up_base = base.upper()
    up_ns = ("CANARIES_" + base + "_" + name).upper()
    return " ".join([
        "-e 's/raftlog::%s\\b/raftlog::%s/g'" % (base, ns),
        "-e 's/wire::%s\\b/wire::%s/g'" % (base, ns),
        "-e 's/\\b%s::/%s::/g'" % (base, ns),
        "-e 's/^package raftlog\\.wire\\.%s;/package raftlog.wire.%s;/'" % (base, ns),
        "-e 's#\"wire/%s/raft\\.pb\\.h\"#\"versions/canaries/%s/raft.pb.h\"#g'" % (base, ns),
        "-e 's#\"versions/%s/#\"versions/canaries/%s/#g'" % (base, ns),
        "-e 's/RAFTLOG_VERSIONS_%s_/RAFTLOG_VERSIONS_%s_/g'" % (up_base, up_ns),
        "-e 's/kReleaseTag\\[\\] = \"%s\"/kReleaseTag[] = \"%s+%s\"/'" % (base, base, name),
    ])

def canary_release(
        name,
        base,
        patch,
        diagnosis,
        cells,
        expected_undetected = "",
        tags = [],
        visibility = None):
    """A canary release "<base>+<name>".

    Args:
      name: the canary's name ("ack"); its tag is "<base>+<name>".
      base: the good tag it patches ("v2").
      patch: the patch file (versions/canaries/<name>.patch), -p1 against the workspace.
      diagnosis: the diagnosis classes that count as catching it, "|"-separated
          (checker names: durability, election_safety, config_safety,
          state_machine_safety, log_matching, leader_completeness; or
          linearizability, read_back, wire, refusal, liveness).
      cells: the matrix cells that should catch it, "scenario:from" (the cell is
          scenario from -> <base>+<name>); each runs next to the same cell with
          <base> as a control that must stay green.
      expected_undetected: non-empty: the suite is known not to catch this canary,
          and why (printed; the test then fails if it IS caught, so the note is
          removed once the suite improves).
      tags: of the cc_library ("manual": built only when asked for).
      visibility: of the cc_library.
    """
    if base not in _BASES:
        fail("canary_release: no file list for base tag '%s' in canary.bzl" % base)
    spec = _BASES[base]
    ns = base + "_" + name
    tag = base + "+" + name
    srcs_out = [ns + "/" + f for f in spec.files]
    adapter_out = [ns + "/adapter/adapter.h", ns + "/adapter/adapter.cc"]
    proto_out = ns + "/raft.proto"
    known = " ".join(spec.files)
    sed = _sed_script(base, name)

    native.genrule(
        name = name + "_sources",
        srcs = [
            "//versions/%s:release_files" % base,
            "//wire/%s:release_files" % base,
            "//versions/%s/adapter:adapter.h" % base,
            "//versions/%s/adapter:adapter.cc" % base,
            patch,
        ],
        outs = srcs_out + adapter_out + [proto_out],
        cmd = """
set -eu
T=$$(mktemp -d)
trap 'rm -rf "$$T"' EXIT
for f in $(SRCS); do
  case "$$f" in *.patch) continue ;; esac
  mkdir -p "$$T/$$(dirname "$$f")"
  cp "$$f" "$$T/$$f"
  chmod u+w "$$T/$$f"
done
# Every release source of the base must be in canary.bzl's list.
for f in $$(cd "$$T/versions/{base}" && ls *.h *.cc 2>/dev/null); do
  case "$$f" in *_test.cc|test_util.*) continue ;; esac
  case " {known} " in *" $$f "*) ;; *)
    echo "canary {tag}: versions/{base}/$$f is not in canary.bzl's file list for {base}" >&2
    exit 1 ;;
  esac
done
P="$$PWD/$(location {patch})"
if ! (cd "$$T" && patch -p1 -f -s --no-backup-if-mismatch < "$$P"); then
  echo "canary {tag}: $(location {patch}) does not apply to {base}" >&2
  exit 1
fi
mkdir -p "$(@D)/{ns}/adapter"
for f in {known}; do
  sed {sed} "$$T/versions/{base}/$$f" > "$(@D)/{ns}/$$f"
done
for f in adapter.h adapter.cc; do
  sed {sed} "$$T/versions/{base}/adapter/$$f" > "$(@D)/{ns}/adapter/$$f"
done
sed {sed} "$$T/wire/{base}/raft.proto" > "$(@D)/{ns}/raft.proto"
# The renaming must leave nothing of the base's names behind.
if grep -n '\\b{base}::\\|raftlog::{base}\\b\\|wire::{base}\\b\\|"versions/{base}/\\|"wire/{base}/' \
    $(@D)/{ns}/*.h $(@D)/{ns}/*.cc $(@D)/{ns}/adapter/*; then
  echo "canary {tag}: base names left after renaming (above)" >&2
  exit 1
fi
""".format(base = base, known = known, tag = tag, patch = patch, ns = ns, sed = sed),
    )

    proto_library(
        name = name + "_proto",
        srcs = [proto_out],
        deps = ["//wire:options_proto"],
    )

    cc_proto_library(
        name = name + "_cc_proto",
        deps = [":" + name + "_proto"],
    )

    # One translation unit per canary (a unity build): every canary is a whole
    # copy of a release, and compiling its dozen-odd sources separately parses
    # the protobuf and Abseil headers once per source. The release sources are
    # written so that they also compile as one unit (no two of them define the
    # same internal name), which the canaries' build checks.
    cc_srcs = [s for s in srcs_out + adapter_out if s.endswith(".cc")]
    reg = name + "_register.cc"
    native.genrule(
        name = name + "_register",
        outs = [reg],
        cmd = """cat > $@ <<'CANARY_EOF'
// Generated by canary_release(name = "{name}"): the canary {tag} as one
// translation unit, and its registration.
{includes}
#include "versions/canaries/registry.h"
#include "versions/canaries/{ns}/adapter/adapter.h"

namespace {{
const bool kRegistered = raftlog::canaries::Register(raftlog::canaries::Canary{{
    "{name}", "{base}", "{tag}", "{diagnosis}", "{cells}", "{undetected}",
    &raftlog::{ns}::adapter::Release}});
}}  // namespace
CANARY_EOF
""".format(
            name = name,
            base = base,
            tag = tag,
            ns = ns,
            includes = "\n".join(['#include "versions/canaries/%s"' % f for f in cc_srcs]),
            diagnosis = diagnosis,
            cells = ",".join(cells),
            undetected = expected_undetected.replace("\\", "\\\\").replace("\"", "\\\""),
        ),
    )

    cc_library(
        name = name,
        srcs = [reg],
        hdrs = [s for s in srcs_out + adapter_out if s.endswith(".h")],
        textual_hdrs = cc_srcs,
        deps = spec.deps + [
            ":" + name + "_cc_proto",
            "//versions/canaries:registry",
        ],
        alwayslink = 1,
        # Every canary is a whole copy of a release (two dozen of them): built
        # without optimization they compile about twice as fast, which keeps a
        # cold `bazel test //...` short; their detection runs are short too.
        copts = ["-O0"],
        tags = tags,
        visibility = visibility,
    )
