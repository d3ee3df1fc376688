incidents-heading = Происшествия
incidents-record = Записать происшествие
incidents-child = С кем
incidents-kind = Что случилось
incidents-description = Подробности: что произошло, что сделано, где ребёнок сейчас
incidents-who-reads = Запись увидят координатор, взрослые группы ребёнка и сотрудники лагеря; семье сообщат, если так велят правила программы для этого вида происшествий.
incidents-save = Записать и оповестить координатора
incidents-family-told = семье сообщено
incidents-none = Происшествий не записано.
incidents-family-heading = Что сообщили сопровождающие
incident-kind-illness = Болезнь
incident-kind-injury = Травма
incident-kind-behaviour = Поведение
incident-kind-lost_document = Утерян документ
incident-kind-other = Другое
incident-choose-child = Выберите ребёнка из списка.
incident-choose-kind = Выберите, что случилось.
incident-describe = Опишите, что произошло (не более 2000 символов).
email-incident-subject = Происшествие: { $kind } — { $child }
email-incident-body =
    { $reporter } записал(а) происшествие ({ $kind }) с { $child }, смена { $session }, { $group }, { $when }.
    Подробности: { $link }
email-incident-family-subject = { $child }: { $kind }
email-incident-family-body =
    Сопровождающие сообщают о происшествии с { $child } ({ $kind }); записал(а) { $reporter }.
    Подробности на странице заявки: { $link }
    Координатор программы свяжется с вами, если понадобится.
incidents-told-heading = О чём сообщаем семьям
incidents-told-explain = О происшествиях этих видов семье ребёнка приходит письмо, и она видит их на странице заявления (правило программы, для всех смен).
