roll-calls-heading = 인원 점검
roll-calls-explain = 각 구간의 출발과 도착 때, 그리고 캠프에서 매일 인원을 점검합니다. 이 페이지는 연결이 없어도 작동합니다. 표시는 휴대폰에 저장되었다가 연결되면 전송됩니다.
roll-call-heading = 인원 점검
roll-call-departure = 출발: { $leg }
roll-call-arrival = 도착: { $leg }
roll-call-day = 캠프 일자: { $day }
roll-call-start = 인원 점검 시작
roll-call-open-link = 인원 점검 계속
roll-call-closed-link = 점검 완료 — 보기
roll-call-not-taken = 아직 점검하지 않았습니다.
roll-call-choose = 시작할 점검을 고르세요: 이 단체 구간의 출발이나 도착, 또는 기수의 하루.
roll-call-mark-present = 있음
roll-call-mark-absent = 없음
roll-call-mark-excused = 사유 있는 부재
roll-call-unmarked = 표시 안 됨
roll-call-counts = 있음: { $present }, 없음: { $absent }, 사유 있는 부재: { $excused }, 표시 안 됨: { $unmarked }.
roll-call-waiting = 전송을 기다리는 표시: #.
roll-call-sent = 서버가 모든 표시를 받았습니다.
roll-call-offline = 연결 없음: 표시는 이 휴대폰에 저장되어 있습니다.
roll-call-blocked = 출발할 수 없음: { $why }
roll-call-bad-marks = 표시를 받지 않았습니다: 이 단체의 아동을 고르고 있음, 없음 또는 사유 있는 부재를 선택하세요.
roll-call-close = 인원 점검 마치기
roll-call-close-explain = 있음으로 표시되지 않은 아동이 있으면 코디네이터에게 즉시 이메일이 갑니다. 도착 점검을 마치면 가족에게 단체 도착을 알립니다.
roll-call-closed = { $when }에 점검을 마쳤습니다.
roll-call-paper = QR 코드가 있는 단체 종이 명단 (PDF)
email-roll-call-missing-subject = 인원 점검: { $n }명 없음 — { $group }, 기수 { $session }
email-roll-call-missing-body =
    { $by }님이 { $when }에 인원 점검을 마쳤습니다: { $group }, 기수 { $session }.
    { $occasion }
    없는 아동:
    { $children }
    점검: { $link }
email-group-arrived-subject = 단체 도착: { $place }
email-group-arrived-body =
    { $child } 어린이의 단체가 도착했습니다: { $place }, { $when }. { $child } 어린이도 함께 있습니다.
    자세한 내용은 신청 페이지에서: { $link }
roll-call-unsent-logout = 아직 보내지 못한 점호 표시(연결 없음): #. 로그아웃하면 이 휴대전화에서 삭제됩니다. 그래도 로그아웃하시겠습니까?
