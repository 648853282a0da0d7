"""Wire schema compatibility under Bazel.

wire_descriptor_set: the transitive FileDescriptorSet of a proto_library.
  Bazel 4.2.3's proto_library writes only its own files into
  <name>-descriptor-set.proto.bin; this rule concatenates the sets of the
  target and all its deps (a concatenation of serialized FileDescriptorSets is
  one FileDescriptorSet holding every file), so the checker sees imported
  messages too. The checker also accepts the non-transitive set.

wire_compat_test: a test that runs //wire:compat over two proto_library
  targets (for example two tags of the wire schema) and passes when the pair
  is compatible, or, with expect_incompatible = True, when the checker finds
  an error (for canaries; expect_rules then lists rule IDs that must appear).
"""

def _wire_descriptor_set_impl(ctx):
    sets = ctx.attr.proto[ProtoInfo].transitive_descriptor_sets.to_list()
    out = ctx.actions.declare_file(ctx.label.name + ".binpb")
    ctx.actions.run_shell(
        inputs = sets,
        outputs = [out],
        arguments = [out.path] + [f.path for f in sets],
        command = 'out="$1"; shift; cat "$@" > "$out"',
        mnemonic = "WireDescriptorSet",
        progress_message = "Concatenating descriptor sets of %s" % ctx.attr.proto.label,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

wire_descriptor_set = rule(
    implementation = _wire_descriptor_set_impl,
    attrs = {
        "proto": attr.label(
            mandatory = True,
            providers = [ProtoInfo],
            doc = "The proto_library whose transitive descriptor set to write.",
        ),
    },
    doc = "Writes <name>.binpb, the transitive FileDescriptorSet of `proto`.",
)

def wire_compat_test(
        name,
        old,
        new,
        allow = [],
        expect_incompatible = False,
        expect_rules = [],
        **kwargs):
    """A test that checks the wire compatibility of two proto_library targets.

    Args:
      name: the test's name.
      old: the proto_library of the old tag (for example //wire/v1:raft_proto).
      new: the proto_library of the new tag.
      allow: rule IDs whose findings are ignored (the CLI's --except).
      expect_incompatible: pass only if the checker reports an error (exit 1).
      expect_rules: with expect_incompatible, rule IDs that must be reported.
      **kwargs: passed to the underlying sh_test (tags, size, ...).
    """
    if expect_rules and not expect_incompatible:
        fail("expect_rules needs expect_incompatible = True")
    old_set = name + "_old_set"
    new_set = name + "_new_set"
    testonly = kwargs.pop("testonly", True)
    wire_descriptor_set(name = old_set, proto = old, testonly = testonly)
    wire_descriptor_set(name = new_set, proto = new, testonly = testonly)
    args = [
        "--expect=" + ("incompatible" if expect_incompatible else "compatible"),
        "--expect_rules=" + ",".join(expect_rules),
        "$(rootpath //wire/compat:compat)",
        "$(rootpath :%s)" % old_set,
        "$(rootpath :%s)" % new_set,
    ]
    if allow:
        args.append("--except=" + ",".join(allow))
    native.sh_test(
        name = name,
        srcs = ["//wire/compat:compat_test_runner.sh"],
        args = args,
        data = [
            "//wire/compat:compat",
            ":" + old_set,
            ":" + new_set,
        ],
        testonly = testonly,
        **kwargs
    )
