# 날짜에 쓰는 달 이름.
month-1 = 1월
month-2 = 2월
month-3 = 3월
month-4 = 4월
month-5 = 5월
month-6 = 6월
month-7 = 7월
month-8 = 8월
month-9 = 9월
month-10 = 10월
month-11 = 11월
month-12 = 12월
deadline-days-left = { $n ->
    [0] 오늘
   *[other] { $n }일 남음
}
deadline-passed = 지남
deadline-heading = 기한
deadline-zone = 프로그램의 시간대 (IANA 이름)
deadline-closes = 신청 마감일
deadline-closes-time = 시각 (프로그램 시간)
deadline-documents = 서류 검토 기한
deadline-explain = 이 시각에 신청이 자동으로 마감됩니다. 가족은 모든 날짜를 이 시간대로, 남은 날수와 함께 봅니다.
deadline-save = 기한 저장
deadline-bad-zone = "{ $zone }"은(는) 시간대가 아닙니다. tz 데이터베이스 이름으로 쓰세요 (예: Asia/Yakutsk).
deadline-bad-day = { $field }: "{ $value }"은(는) 날짜가 아닙니다. 31.12.2026처럼 쓰세요.
deadline-bad-time = "{ $value }"은(는) 시각이 아닙니다. 18:00처럼 쓰세요.
deadline-past = { $field }: { $value }은(는) 이미 지났습니다.
deadline-after-close = 신청이 마감된 뒤에는 기한을 바꿀 수 없습니다.
deadline-applications-close = 신청 마감: { $when }.
