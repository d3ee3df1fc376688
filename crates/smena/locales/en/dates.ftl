# Month names as dates use them ("1 July 2027").
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
deadline-days-left = { $n ->
    [0] today
    [one] { $n } day left
   *[other] { $n } days left
}
deadline-passed = passed
deadline-heading = Deadlines
deadline-zone = Time zone of the programme (IANA name)
deadline-closes = Applications close on
deadline-closes-time = at (the programme's time)
deadline-documents = Documents reviewed by
deadline-explain = Applications close by themselves at this moment; families see every date in this time zone, with the days left.
deadline-save = Save the deadlines
deadline-bad-zone = "{ $zone }" is not a time zone: write it as the tz database names it, for example Asia/Yakutsk.
deadline-bad-day = { $field }: "{ $value }" is not a date; write it as 31.12.2026.
deadline-bad-time = "{ $value }" is not a time of day; write it as 18:00.
deadline-past = { $field }: { $value } has passed.
deadline-after-close = Deadlines cannot move once applications are closed.
deadline-applications-close = Applications close { $when }.
