incidents-heading = Incidents
incidents-record = Record an incident
incidents-child = Whom it concerns
incidents-kind = What happened
incidents-description = Details: what happened, what was done, where the child is now
incidents-who-reads = The coordinator, the adults of the child's group and the camp's staff will read it; the family is told when the programme's rules say so for this kind.
incidents-save = Record and alert the coordinator
incidents-family-told = the family was told
incidents-none = No incident recorded.
incidents-family-heading = What the chaperones reported
incident-kind-illness = Illness
incident-kind-injury = Injury
incident-kind-behaviour = Behaviour
incident-kind-lost_document = Lost document
incident-kind-other = Other
incident-choose-child = Choose a child from the list.
incident-choose-kind = Choose what happened.
incident-describe = Describe what happened (at most 2,000 characters).
email-incident-subject = Incident: { $kind } — { $child }
email-incident-body =
    { $reporter } recorded an incident ({ $kind }) concerning { $child }, session { $session }, { $group }, { $when }.
    Details: { $link }
email-incident-family-subject = { $child }: { $kind }
email-incident-family-body =
    The chaperones report an incident concerning { $child } ({ $kind }), recorded by { $reporter }.
    Details on the application's page: { $link }
    The programme's coordinator will contact you if needed.
incidents-told-heading = What families are told
incidents-told-explain = The family of the child is e-mailed and reads it on the application's page for these kinds of incident (the programme's rule, for every session).
