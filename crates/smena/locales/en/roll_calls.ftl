roll-calls-heading = Roll calls
roll-calls-explain = A roll call at each leg's departure and arrival and each day at camp. The page works without a connection: marks are kept on the phone and sent once it is back online.
roll-call-heading = Roll call
roll-call-departure = Departure: { $leg }
roll-call-arrival = Arrival: { $leg }
roll-call-day = Day at camp: { $day }
roll-call-start = Start the roll call
roll-call-open-link = Continue the roll call
roll-call-closed-link = Roll call closed — view
roll-call-not-taken = Not taken yet.
roll-call-choose = Choose which roll call to start: a departure or arrival of this group's legs, or a day of the session.
roll-call-mark-present = present
roll-call-mark-absent = absent
roll-call-mark-excused = excused
roll-call-unmarked = not marked
roll-call-counts = Present: { $present }, absent: { $absent }, excused: { $excused }, not marked: { $unmarked }.
roll-call-waiting = Marks waiting to be sent: #.
roll-call-sent = The server has every mark.
roll-call-offline = No connection: the marks are kept on this phone.
roll-call-blocked = Cannot depart: { $why }
roll-call-bad-marks = Mark not taken: choose a child of this group and present, absent or excused.
roll-call-close = Close the roll call
roll-call-close-explain = If anyone is not marked present, the coordinator is e-mailed at once. Closing an arrival tells the families the group has arrived.
roll-call-closed = Roll call closed { $when }.
roll-call-paper = The group's paper list with QR codes (PDF)
email-roll-call-missing-subject = Roll call: { $n } not present — { $group }, session { $session }
email-roll-call-missing-body =
    { $by } closed a roll call { $when }: { $group }, session { $session }.
    { $occasion }
    Not present:
    { $children }
    Roll call: { $link }
email-group-arrived-subject = The group has arrived: { $place }
email-group-arrived-body =
    The group { $child } travels with has arrived: { $place }, { $when }. { $child } is there.
    Details on the application's page: { $link }
roll-call-unsent-logout = Roll-call marks not sent yet (no connection): #. Logging out deletes them from this phone. Log out anyway?
