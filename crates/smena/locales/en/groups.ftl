papers-none-assigned = You do not go with any travel group yet: the coordinator assigns the adults to each session's groups.
travel-heading = Travel
travel-manage = travel
travel-explain = These details are printed on the voucher of every child of the session: when and where the group leaves, where to meet, what to bring and whom to call. They can change until the journey.
travel-saved = The travel details are saved; the vouchers show them.
travel-save = Save
travel-clock = on the clock of
travel-one-per-line = one per line
travel-departure-example = Yakutsk airport (YKS)
travel-meeting-example = Departures hall, at the check-in desk, 3 hours before the flight
travel-bring-example = Passport, birth certificate, notarised travel consent
groups-heading = Groups
groups-manage = groups
groups-ratio = Under the programme's rules: at most { $children } children per adult and at least { $adults } adults with a group.
groups-accepted = { $n ->
    [one] { $n } child accepted a place
   *[other] { $n } children accepted a place
}
groups-form = Form the groups
groups-reform-title = Form the groups again
groups-reform-what = { $n ->
    [one] There is { $n } group now. New groups will replace it: children moved and adults assigned will be lost.
   *[other] There are { $n } groups now. New groups will replace them: children moved and adults assigned will be lost.
}
groups-reform-button = Form the groups again
groups-number = Group { $n }
groups-children = { $n ->
    [one] { $n } child
   *[other] { $n } children
}
groups-adults-needed = adults needed: { $n }
groups-adults-missing = adults missing: { $n }
groups-adults = Adults
groups-no-adults = No adult assigned yet.
groups-assign-who = Assign an adult
groups-assign = Assign
groups-remove = Take off
groups-members = Children
groups-move-to = Move to group
groups-move = Move
groups-outside = Accepted a place after the groups were formed
groups-choose = Choose a child, a group or an adult from the list.
groups-not-adult = This is not a chaperone's or a camp staff member's account.
leg-line = { $kind } { $carrier } { $number }, { $from } → { $to }: { $departs } – { $arrives } (local time)
leg-kind-flight = Flight
leg-kind-train = Train
leg-kind-bus = Bus
leg-kind-transfer = Transfer
leg-choose-kind = Choose how the group travels: flight, train, bus or transfer.
leg-arrives-before = The arrival must come after the departure (times are local, in each place's time zone).
legs-heading = Itinerary
legs-add = Add a leg
legs-remove = Remove
legs-local-time = Times are local, as on the ticket: the departure on the clock of where it leaves, the arrival on the clock of where it arrives.
itinerary-none = No itinerary yet.
setup-field-leg-kind = Kind of transport
setup-field-carrier = Carrier
setup-field-leg-number = Flight or train number
setup-field-from-place = From
setup-field-to-place = To
setup-field-leg-departs = Departure
setup-field-leg-arrives = Arrival
setup-field-arrives-on = Day of arrival
setup-field-arrives-time = Time of arrival
email-itinerary-subject = The itinerary of { $child }'s group has changed
email-itinerary-body =
    The itinerary of the group { $child } travels with has changed. It is now (local times):
    { $itinerary }
    Details on the application's page: { $link }
groups-children-per-adult = Children per adult, at most
groups-adults-per-group = Adults with a group, at least
groups-ratio-save = Save for the programme (groups formed after follow it)
groups-ratio-numbers = Children per adult from 1 to 50, adults with a group from 1 to 10.
ready-heading = Ready to travel
ready-explain = For every child who accepted a place: the programme's documents not accepted yet, the visa or invitation the camp's country requires not accepted yet, and a passport that expires too soon. While any of these remains, the child is not ready to leave.
ready-no-group = In no group
ready-count = { $ready } of { $n } ready
ready-nobody = Nobody has accepted a place yet.
ready-document-missing = “{ $document }” not uploaded
ready-document-pending = “{ $document }” waits for review
ready-document-rejected = “{ $document }” rejected, no new copy
ready-passport-missing = the passport's expiry date is not given
ready-passport-short = the passport is valid until { $expires }, it must be until { $needed }
home-ready = Ready to travel
