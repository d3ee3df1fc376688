# The public start page, the programmes and their rules.
start-title = Summer camps abroad
start-heading = Summer camps abroad for schoolchildren
start-about = Smena runs the exchange programme: families apply with ranked choices, places are allocated by published rules and a lottery anyone can verify, and every family sees why their child got what they got.
programmes-title = Programmes
programmes-heading = Programmes and sessions
programmes-none = No programmes yet.
programme-max-choices = { $n ->
    [one] one choice
   *[other] up to { $n } ranked choices
}
programme-commitment = Lottery commitment (SHA-256 of the secret seed):
column-ages = Ages
column-languages = Languages
column-filled = Filled
column-ranked-first = Ranked it first
column-districts = Districts
column-applications = Applications
column-level = Achievement level
column-level-points = Points (1st place)
column-level-cap = At most
programme-submitted = applications submitted
programme-reserves = Reserved places (unused ones go to everyone)
programme-reserve = { $n } for { $group }
reserve-group-rural = rural uluses
reserve-group-arctic = Arctic uluses
district-kind-city = Yakutsk (city)
district-kind-rural = Rural uluses
district-kind-arctic = Arctic uluses
programme-rules = Rules
programme-rules-mechanism = Children rank up to { $n } sessions. Places are allocated by child-proposing deferred acceptance: ranking your true preferences is always best. Sessions compare children by priority tier, then score, then a lottery number. Brothers and sisters may apply together as a block of up to four: they rank the same sessions, share one lottery number drawn for the block's reference, and are placed in the same session or not at all.
level-international = international
level-national = national
level-regional = regional
level-municipal = municipal
place-1 = 1st place (winner)
place-2 = 2nd place
place-3 = 3rd place
programme-rules-places = Places
programme-place-share = { $place }: { $percent }% of the points
programme-rural = Children of the uluses (rural and Arctic districts) have their points multiplied by { $coefficient }.
programme-categories = Preferential categories, ranked above every score
programme-category = { $name } (tier { $tier })
programme-school-cap = { $n ->
    [one] At most one child of a school per session on general places.
   *[other] At most { $n } children of one school per session on general places.
}
programme-passport = { $n ->
    [one] Passports must be valid one month after the session ends. Ages are taken on the session's first day.
   *[other] Passports must be valid { $n } months after the session ends. Ages are taken on the session's first day.
}
programme-required = Required documents
programme-required-by = { $document } (by { $deadline })
programme-lottery = The lottery
programme-commitment-published = Commitment (SHA-256 of the secret seed, published before applications opened):
programme-seed = Seed, revealed with the result:
programme-seed-later = The seed is revealed when the result is published.
programme-result = Result
programme-placed-of = { $n } of { $count } children placed.
programme-verify = Check the result yourself
programme-verify-download = Download the anonymised inputs and the result:
programme-verify-references = Each application appears under the reference its family received when submitting, with the sessions the child was eligible for.
programme-verify-tool = Then, with the smena tool (or any implementation of the published rules):
programme-verify-checks = It checks each link of the chain, and says which one fails: the secret seed against the commitment, the beacon round against when the inputs froze and the beacon's value against the one you looked up at drand, the inputs against their digest and the receipts' root, the lottery seed, and every placement. The results digest (SHA-256 of placements.csv) is
programme-lottery-plain = When children have the same score and priority, a lottery decides their order. Nobody can steer it: before applications open the programme publishes a fingerprint of its secret number, and the lottery's number is made from that secret, a public random number that appears only after applications close, and a fingerprint of every application. So nobody, the coordinator included, knows the outcome in advance, and anyone can check the result.
programme-lottery-how = How to check the result
# Choosing another programme on a page that shows any.
programmes-chooser = Programmes
