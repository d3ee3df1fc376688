home-heading = 귀가
home-explain = 어린이를 부모나 법정 보호자에게 인계하고 누구에게 언제 인계했는지 기록하십시오. 가족에게 바로 이메일이 갑니다. 모두 귀가하면 프로그램이 완료됩니다.
home-handed-to = 인계받은 사람
home-hand-over = 인계 완료
home-handed = 인계: { $guardian }, { $when }
home-name-needed = 어린이를 누구에게 인계했는지 적으십시오 (이름, 최대 200자).
journey-not-home = 아직 보호자에게 인계되지 않은 어린이 { $n }명
email-home-subject = { $child } 귀가
email-home-body =
    { $child }이(가) { $guardian }에게 인계되었습니다, { $when }. 함께해 주셔서 감사합니다!
    여행이 어땠는지 알려 주십시오 (1분이면 됩니다): { $link }
feedback-heading = 여행은 어땠나요
feedback-question = { $child }의 여행은 어땠나요?
feedback-comment = 좋았던 점, 개선할 점
feedback-send = 보내기
feedback-problem = 1부터 5까지 평가를 선택하십시오. 의견은 최대 2,000자입니다.
feedback-rating-5 = 매우 좋음
feedback-rating-4 = 좋음
feedback-rating-3 = 보통
feedback-rating-2 = 나쁨
feedback-rating-1 = 매우 나쁨
feedback-summary-heading = 가족 의견
feedback-answers = 응답: { $n }
feedback-average = 평균 { $average }점 (5점 만점)
home-feedback = 가족 의견
uncollected-heading = 귀국 후 인계되지 않은 아이 { $n }명
uncollected-explain = 그룹의 귀국편이 도착한 지 두 시간이 넘었지만 보호자 인계가 기록되지 않았습니다. 보호자에게 연락하고 그룹 페이지에 인계를 기록하세요.
uncollected-line = { $child } (보호자 { $guardian }) — { $group }, 세션 { $session }, { $when } 도착
email-uncollected-subject = 미인계: { $n }명 — { $group }, 세션 { $session }
email-uncollected-body =
    { $group }, 세션 { $session }의 귀국편이 { $when }에 도착했습니다. 두 시간이 지났지만 다음 아이들의 인계가 기록되지 않았습니다:
    { $children }
    보호자에게 연락하세요. 그룹 페이지: { $link }
