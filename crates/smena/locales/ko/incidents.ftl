incidents-heading = 사건
incidents-record = 사건 기록
incidents-child = 대상 어린이
incidents-kind = 무슨 일
incidents-description = 자세한 내용: 무슨 일이 있었는지, 어떤 조치를 했는지, 어린이가 지금 어디 있는지
incidents-who-reads = 코디네이터, 어린이 단체의 어른들, 캠프 직원이 읽습니다. 프로그램 규칙에 따라 이 종류의 사건은 가족에게 알립니다.
incidents-save = 기록하고 코디네이터에게 알림
incidents-family-told = 가족에게 알림
incidents-none = 기록된 사건이 없습니다.
incidents-family-heading = 인솔자가 알린 내용
incident-kind-illness = 질병
incident-kind-injury = 부상
incident-kind-behaviour = 행동
incident-kind-lost_document = 서류 분실
incident-kind-other = 기타
incident-choose-child = 목록에서 어린이를 선택하십시오.
incident-choose-kind = 무슨 일인지 선택하십시오.
incident-describe = 무슨 일이 있었는지 적으십시오 (최대 2,000자).
email-incident-subject = 사건: { $kind } — { $child }
email-incident-body =
    { $reporter }이(가) { $child }에 관한 사건({ $kind })을 기록했습니다. 기수 { $session }, { $group }, { $when }.
    자세한 내용: { $link }
email-incident-family-subject = { $child }: { $kind }
email-incident-family-body =
    인솔자가 { $child }에 관한 사건({ $kind })을 알립니다. 기록자: { $reporter }.
    자세한 내용은 신청서 페이지에서: { $link }
    필요하면 프로그램 코디네이터가 연락드립니다.
incidents-told-heading = 가족에게 알리는 사항
incidents-told-explain = 이 종류의 사고는 아이의 가족에게 이메일로 알리고 신청서 페이지에 표시합니다(프로그램 규칙, 모든 세션에 적용).
