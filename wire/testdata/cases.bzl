"""One schema pair per checker rule: wire/testdata/<rule_id_lowercase>/.

Each case has three versions of schema.proto, each its own tag so the checker
matches them as it matches real tags (path wire/testdata/<rule>/<tag>/schema.proto,
package testdata.<rule>.<tag>):
  v1     the old tag,
  v2     a new tag that breaks the rule (the checker must report it),
  v2_ok  a new tag with a similar, allowed change (no finding at all).
"""

load("@rules_proto//proto:defs.bzl", "proto_library")
load("//wire:compat.bzl", "wire_descriptor_set")

VARIANTS = ["v1", "v2", "v2_ok"]

# Every rule ID of wire/compat/rules.cc, lowercased. rule_cases_test fails if
# the two lists differ.
RULE_CASES = [
    "enum_value_no_delete_unless_number_reserved",
    "enum_value_same_name",
    "field_no_delete_unless_number_reserved",
    "field_same_default",
    "field_same_name",
    "field_same_oneof",
    "field_wire_compatible_cardinality",
    "field_wire_compatible_type",
    "file_same_package",
    "message_same_message_set_wire_format",
    "message_same_required_fields",
    "new_value_since_not_newer",
    "reserved_enum_no_delete",
    "reserved_message_no_delete",
    "reserved_name_reused",
    "reserved_number_reused",
    "rpc_same_client_streaming",
    "rpc_same_idempotency_level",
    "rpc_same_request_type",
    "rpc_same_response_type",
    "rpc_same_server_streaming",
    "since_annotation_changed",
    "since_annotation_missing",
]

def rule_case(rule):
    """Defines <rule>_<variant>_proto (proto_library) and <rule>_<variant>_set."""
    for variant in VARIANTS:
        proto_library(
            name = "%s_%s_proto" % (rule, variant),
            srcs = ["%s/%s/schema.proto" % (rule, variant)],
            deps = ["//wire:options_proto"],
        )
        wire_descriptor_set(
            name = "%s_%s_set" % (rule, variant),
            proto = ":%s_%s_proto" % (rule, variant),
        )

def rule_cases():
    """All cases, plus a filegroup of every descriptor set."""
    for rule in RULE_CASES:
        rule_case(rule)
    native.filegroup(
        name = "all_sets",
        srcs = [
            ":%s_%s_set" % (rule, variant)
            for rule in RULE_CASES
            for variant in VARIANTS
        ],
    )
