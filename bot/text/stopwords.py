"""Word lists the analyzer drops: common English words, and the words people use to ask.

Data only. The English list is the classic IR stop list (as in NLTK/Snowball) plus a few
contractions; the question list holds what a reader types around a topic ("what do the
reports say about …"), dropped from queries only, so the words still count in reports.
"""

from __future__ import annotations

ENGLISH: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren arent as at be
    because been before being below between both but by can cannot could couldn couldnt
    did didn didnt do does doesn doesnt doing don dont down during each either etc few for
    from further had hadn hadnt has hasn hasnt have haven havent having he her here hers
    herself him himself his how i if in into is isn isnt it its itself just let lets ll
    may me might more most must mustn my myself neither no nor not now of off on once only
    or other ought our ours ourselves out over own re s same shall shan she should shouldn
    shouldnt so some such t than that thats the their theirs them themselves then there
    theres these they this those through thus to too under until up upon us ve very via
    was wasn wasnt we were weren werent what whats when where which while who whom whose
    why will with won wont would wouldn wouldnt yet you your yours yourself yourselves
    """.split()
)

QUESTION: frozenset[str] = frozenset(
    """
    anything ask asked say says said tell tells telling report reports reported reporting
    mention mentions mentioned discuss discusses discussed think thinks know regarding
    concerning show shows find please give list explain describe summarize summarise
    something someone everything anyone
    """.split()
)
