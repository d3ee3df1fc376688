consent-withdrawals-heading = Отозванные согласия
consent-withdrawals-explain = Семьи, отозвавшие согласие после подачи заявления. Без всех согласий заявление не участвует в распределении; если место уже дано, решите вместе с семьёй, поедет ли ребёнок (если нет — отзовите заявление на его странице).
consent-withdrawals-child = Ребёнок
consent-withdrawals-consent = Согласие
consent-withdrawals-none = После подачи заявлений согласия не отзывались.
consent-history-heading = Данные и отозванные согласия
consent-history-given = дано { $when }, { $who }
consent-history-withdrawn = отозвано { $when }, { $who }
consent-withdraw = Отозвать это согласие
consent-withdraw-explain = Отзыв согласия здесь нельзя отменить: без него ребёнок не получит места, а уже данное место передаётся на решение координатора.
consent-withdraw-draft = Согласия черновика меняются в его форме.
email-consent-withdrawn-subject = Согласие отозвано: заявление { $reference }
email-consent-withdrawn-body =
    семья ребёнка { $child } отозвала согласие на { $consent } по заявлению { $reference }. Без него заявление не участвует в распределении; если место уже дано, решите вместе с семьёй.

    Отозванные согласия: { $link }
