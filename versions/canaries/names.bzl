"""Every canary_release() of versions/canaries/BUILD, by name.

One list for //versions/canaries:canaries (all of them linked into one
binary, //matrix:runner) and for the per-canary detection tests of
matrix/canaries/BUILD. A canary missing here is neither run by the runner's
--canaries nor tested.
"""

CANARY_NAMES = [
    "ack",
    "earlypromote",
    "fieldreuse",
    "flagday",
    "jointnew",
    "learnercommit",
    "leaveearly",
    "macskip",
    "noadmission",
    "nometa3",
    "noprevcheck",
    "nowayback",
    "prevote",
    "readnoquorum",
    "reconfig",
    "sessions",
    "snapconfig",
    "stalelocal",
    "staletruncate",
    "unauthcv3",
    "vote",
    "votenocheck",
    "votetwice",
]
